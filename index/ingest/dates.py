"""Parse the few date spellings news copies use into ISO dates (YYYY-MM-DD)."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["MONTH_PATTERN", "parse_date"]

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH_PATTERN = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
"""A month name, full or abbreviated, with an optional period ("Oct." / "October")."""

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")
_SLASHED = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_MONTH_DAY_YEAR = re.compile(rf"^({MONTH_PATTERN})\s+(\d{{1,2}}),?\s+(\d{{4}})$", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(rf"^(\d{{1,2}})\s+({MONTH_PATTERN}),?\s+(\d{{4}})$", re.IGNORECASE)


def _month(name: str) -> int:
    return _MONTHS[name.strip(".").lower()[:3]]


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(value: str) -> str | None:
    """Read a date written as ISO, ``YYYY/MM/DD``, ``April 24, 2020`` or ``24 April 2020``.

    Args:
        value: The date as written; an ISO timestamp keeps only its date part.

    Returns:
        The ISO date (``YYYY-MM-DD``), or None when the text is not one of those
        spellings or names no real day (a date without a year is None).
    """
    text = " ".join(value.split())
    if m := _ISO.match(text) or _SLASHED.match(text):
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    if m := _MONTH_DAY_YEAR.match(text):
        return _iso(int(m[3]), _month(m[1]), int(m[2]))
    if m := _DAY_MONTH_YEAR.match(text):
        return _iso(int(m[3]), _month(m[2]), int(m[1]))
    return None
