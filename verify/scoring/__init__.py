"""Scoring: from judged passages to a source's stance and the overall verdict (pure functions)."""
