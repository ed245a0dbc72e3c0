"""The year an undated document's own text places it in: "the 75th anniversary of diplomatic ties" in an article
that also says the ties were "forged on Oct. 12, 1948" is an article of 2023.

A news copy without a dateline's year (``index``'s document date) still dates its anniversary when it dates what the
anniversary is of. The year read this way places the document's anniversaries (:func:`verify.evidence.compare
.other_anniversary`): "the 70th anniversary ... in October 2023" against such a text's "75th anniversary" is the same
celebration ranked otherwise, not another year's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from functools import lru_cache

from verify.evidence.analysis import analyse
from verify.evidence.events import anniversary_of, event_at, kinds_of
from verify.evidence.text import content_stems

_ANNIVERSARY = re.compile(r"anniversar", re.IGNORECASE)
_YEAR = re.compile(r"\b\d{4}\b")


@lru_cache(maxsize=256)
def document_year(text: str, today: date | None = None) -> int | None:
    """The one year the ``text``'s anniversaries give it, or None.

    An anniversary "of" something the text dates elsewhere (a written year whose clause shares a content word or a
    kind of event with what the anniversary is of) gives the year of its rank added to that year. A year before one
    the text writes, or after ``today`` (default: the machine's date), is no year of its writing; several different
    years give none.
    """
    today = today or date.today()
    paragraphs = [p for p in (line.strip() for line in text.splitlines()) if p]
    # only paragraphs that write an anniversary or a year are read (one pattern scan of the rest: a long document
    # without an anniversary costs no analysis at all)
    if not any(_ANNIVERSARY.search(p) for p in paragraphs):
        return None
    read = [analyse(p, "passage") for p in paragraphs if _ANNIVERSARY.search(p) or _YEAR.search(p)]  # each once
    by_stem: dict[str, set[int]] = defaultdict(set)  # each year written with its year, by its sentence's content
    by_kind: dict[str, set[int]] = defaultdict(set)  # words and by the kinds of event it names (looked up, not paired)
    written = set()
    for a in (a for a in read if _YEAR.search(a.text)):
        for d, event in zip(a.dates, a.date_events):
            if d.year and not d.derived and not d.relation:
                written.add(d.year)
                stems = set(content_stems(_clause(a.text, d.start, d.end)))
                for key in stems:
                    by_stem[key].add(d.year)
                for kind in event.kinds | kinds_of(stems):
                    by_kind[kind].add(d.year)
    years = set()
    for a in (a for a in read if _ANNIVERSARY.search(a.text)):
        for f in a.figures:
            q = f.quantity
            lo, hi = anniversary_of(a.text, q.unit_end)
            if q.unit != "anniversary" or not q.ordinal or lo == hi:
                continue
            kinds = event_at(a.text, q.bound_start, q.unit_end, anniversary=True).kinds
            dated = set().union(*(by_stem.get(w, ()) for w in content_stems(a.text[lo:hi])),
                                *(by_kind.get(k, ()) for k in kinds))
            years |= {int(q.value) + year for year in dated}
    years = {y for y in years if max(written, default=y) <= y <= today.year}
    return years.pop() if len(years) == 1 else None


def _clause(text: str, start: int, end: int) -> str:
    """The sentence around ``start:end`` (a date's clause may stop at a comma: "On Oct. 12, 1948, the Soviet Union
    had become the first nation to recognize" the state)."""
    lo = max(text.rfind(". ", 0, start), 0)
    hi = text.find(". ", end)
    return text[lo: hi if hi >= 0 else len(text)]
