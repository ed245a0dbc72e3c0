"""A checked draft as HTML: each checked sentence with its verdict and, when a source disagrees, its words.

Pure: the page renders the string. Every piece of draft or corpus text is HTML-escaped.
"""

from __future__ import annotations

import html

from verify.workbench.draft import CheckedDraft, sentence_note
from verify.workbench.export import VERDICT_WORDS
from verify.workbench.highlight import badge_html

__all__ = ["MAX_QUOTE_CHARS", "annotated_draft"]

MAX_QUOTE_CHARS = 140
"""The disagreeing source's words are cut to this many characters inline."""


def _short(text: str, n: int = MAX_QUOTE_CHARS) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def annotated_draft(draft: CheckedDraft, names: dict[str, str] | None = None, problems_only: bool = False,
                    theme: str | None = "light") -> str:
    """The draft, paragraph by paragraph, annotated inline.

    Args:
        draft: The checked draft.
        names: ``source id -> display name`` of the index. Defaults to the sources' titles.
        problems_only: Only the sentences whose verdict is a problem (see ``draft.PROBLEMS``).
            Defaults to False: every sentence, the skipped ones greyed.
        theme: The badges' palette. Defaults to light.

    Returns:
        HTML: one ``<p>`` per paragraph that has something to show, or a line saying there is
        no problem.
    """
    reports = draft.by_number()
    paragraphs = []
    for paragraph in dict.fromkeys(s.paragraph for s in draft.sentences):
        parts = []
        for sentence in (s for s in draft.sentences if s.paragraph == paragraph):
            if sentence.number not in reports:
                if not problems_only:
                    parts.append(f'<span class="cc-skipped" style="opacity:.6">{html.escape(sentence.text)}</span>')
                continue
            note = sentence_note(reports[sentence.number], names)
            if problems_only and not note.problem:
                continue
            says = "" if not note.words else (
                f' <span class="cc-says">{html.escape(note.source or "")} says: '
                f"“{html.escape(_short(note.words))}”</span>")
            badge = badge_html(note.verdict, f"{sentence.number} · {VERDICT_WORDS[note.verdict]}", theme)
            parts.append(f'<span class="cc-sentence">{html.escape(sentence.text)}</span> {badge}{says}')
        if parts:
            paragraphs.append(f"<p>{' '.join(parts)}</p>")
    return "".join(paragraphs) or "<p>No problems found in this draft.</p>"
