"""Which occasion of a recurring event a slot speaks of: "Putin *last* visited Pyongyang in July 2000" or a visit years
apart is another occasion of a visit, not the claim's, and its date or place does not contradict the claim's."""

from __future__ import annotations

from datetime import date

from verify.evidence.dateslot import DateSlot
from verify.evidence.events import Event
from verify.evidence.slots import implied_year
from verify.settings import EVIDENCE_DEFAULTS, EvidenceSettings


def unplaced_occasion(claim: Event, claim_date: DateSlot, passage_date: DateSlot, anchor: date | None = None,
                      settings: EvidenceSettings = EVIDENCE_DEFAULTS) -> bool:
    """Whether a passage date whose clause names no event ("Russia, 13 September 2023" closing a
    caption) is another occasion of the claim's recurring event: when it is years from the claim's
    date, as a date of that very event would be (:func:`other_occasion`). A date the passage writes
    without its year takes the year the text means (:func:`verify.evidence.slots.implied_year`)."""
    year = passage_date.year or implied_year(passage_date, anchor)
    return bool(claim.repeatable and claim_date.year and year
                and abs(claim_date.year - year) >= settings.occasion_years)


def other_occasion(claim: Event, passage: Event, claim_date: DateSlot, passage_date: DateSlot,
                   anchor: date | None = None, elsewhere: bool = False,
                   settings: EvidenceSettings = EVIDENCE_DEFAULTS) -> bool:
    """Whether two differing dates of one event name two occasions of it, not a disagreement.

    A passage's "last visited in July 2000" speaks of an earlier occasion unless the passage was
    written (``anchor``) after the claim's date: then a visit at that date would have been the
    last. A claim's "first visited in 2001" is contradicted only by an earlier occasion, its
    "last" only by a later one; "first" against "first" is one occasion. Without such a word,
    dates of a recurring event (a visit, a meeting) years apart, or in places the texts tell
    apart (``elsewhere``), are two occasions (years apart: ``settings.occasion_years``; a passage's date without its
    year in the year its text means, :func:`verify.evidence.slots.implied_year`).
    """
    if claim.marker and claim.marker == passage.marker:
        return False
    keys = claim_date.order_key(passage_date)
    before = keys is not None and keys[0] < keys[1]  # the claim's date is the earlier one
    after = keys is not None and keys[0] > keys[1]
    if passage.marker == "last":
        stamp = DateSlot("", 0, 0, year=anchor.year, month=anchor.month, day=anchor.day) if anchor else None
        written = claim_date.order_key(stamp) if stamp else None
        return not (after and written is not None and written[0] <= written[1])
    if passage.marker == "first":
        return not before
    if claim.marker == "last":
        return not before
    if claim.marker == "first":
        return not after
    if "earlier" in (claim.marker, passage.marker):
        return True
    if claim.repeatable and passage.repeatable and elsewhere:
        return True
    if claim.repeatable and passage.repeatable and claim_date.year and passage_date.year:
        return abs(claim_date.year - passage_date.year) >= settings.occasion_years
    if claim.repeatable and passage.repeatable and claim_date.year and (year := implied_year(passage_date, anchor)):
        # "in September" in a text of October 2023 against a visit of April 2019: the year the passage means
        return abs(claim_date.year - year) >= settings.occasion_years
    if claim.repeatable and passage.repeatable and passage_date.year and not claim_date.year:
        # "visited in September" read against a visit of April 2019: the claim's year is unsaid;
        # only a passage written that year speaks of this year's visits
        return anchor is None or anchor.year != passage_date.year
    return False
