"""Searching an open index: per-source nearest sentences (``index.search.per_source``), global and keyword
search over its segments, the search among sources a user chose, and the approximate (FAISS IVF) index for large
corpora with its streamed file writer."""
