"""A date as a text states it (:class:`DateSlot`), and how two of them compare: found by
:func:`verify.evidence.slots.find_dates`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

__all__ = ["DateSlot"]

_PART_MONTHS = {"early": (1, 4), "mid": (4, 9), "late": (9, 12)}
"""The months each part of a year can mean (their edges shared: "early" may stretch into April)."""
_PART_DAYS = {"early": (1, 10), "mid": (10, 20), "late": (20, 31)}
"""The days each part of a month can mean."""


@dataclass(frozen=True)
class DateSlot:
    """A date mention; ``None`` fields were not stated."""

    text: str
    """As written, with the part of the year or month before it ("late 1949"; the span is the date's own)."""
    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    relative: bool = False
    relation: str | None = None
    """"before" / "after" when the text bounds the date ("born after 1944", "until 2009")."""
    derived: bool = False
    """Implied, not written: "the 70th anniversary ... in 2018" implies 1948."""
    part: str | None = None
    """"early" / "mid" / "late" when the text names that part of the year or month ("late 1949", "early October")."""
    through: date | None = None
    """The last day of a span of days ("last week" as of Thursday 12 October 2023: 2 to 8 October), the first being
    ``year``, ``month``, ``day``; None for a single day or a date without one."""
    until: int | None = None
    """The last year of a span of years ("the 1980s": 1980 to 1989; "the 19th century": 1800 to 1900), ``year`` its
    first; None for a date within one year."""

    def order_key(self, other: DateSlot) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        """Both dates as comparable tuples, down to the precision both state: (year, month, day),
        or (month, day) when a year is missing ("before 2nd April" against "April 1")."""
        fields = [(self.year, other.year), (self.month, other.month), (self.day, other.day)]
        if self.year is None or other.year is None:
            fields = fields[1:]
        mine, theirs = [], []
        for a, b in fields:
            if a is None or b is None:
                break
            mine.append(a)
            theirs.append(b)
        return (tuple(mine), tuple(theirs)) if mine else None

    def compatible(self, other: DateSlot) -> bool:
        """True unless a field that both state differs.

        A bounded date ("after 1944", "before April 12, 2020") agrees with any date on the
        right side of the bound (1945; April 13, 2020 is *after* April 12).
        """
        if self.relation and other.relation:
            if self.relation == other.relation:
                return True  # "before 1999" and "before 2000" do not exclude each other
        elif (self.relation or other.relation) and self.order_key(other):
            bound, point = (self, other) if self.relation else (other, self)
            b, p = bound.order_key(point)
            if (p < b) if bound.relation == "before" else (p > b):
                return True
        if self.through is not None or other.through is not None:
            span, point = (self, other) if self.through is not None else (other, self)
            if point.year is None and point.month is not None and not (point.part or point.relation):
                # "on October 4" against "earlier this week" (9 to 12 October 2023): the span's years
                point = replace(point, year=span.year) if point.month >= span.month else replace(point, year=span.through.year)
            mine, theirs = span.days(), point.days()
            return mine is None or theirs is None or (mine[0] <= theirs[1] and theirs[0] <= mine[1])
        if self.until is not None or other.until is not None:
            if self.year is None or other.year is None:
                return True
            # spans of years ("the 1980s", "the 19th century") agree with any year or span they meet
            return self.year <= (other.until or other.year) and other.year <= (self.until or self.year)
        for a, b in ((self.year, other.year), (self.month, other.month), (self.day, other.day),
                     (self.weekday, other.weekday)):
            if a is not None and b is not None and a != b:
                return False
        return self._part_fits(other) and other._part_fits(self)

    def days(self) -> tuple[date, date] | None:
        """The first and last day this date can mean ("October 2023": 1 to 31 October; "the 1980s": 1 January 1980
        to 31 December 1989); None without a year, or for a part of a span or a bound (not read as days)."""
        if self.year is None or self.part or self.relation:
            return None
        if self.through is not None:
            return date(self.year, self.month or 1, self.day or 1), self.through
        if self.until is not None:
            return date(self.year, 1, 1), date(self.until, 12, 31)
        if self.month is None:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        if self.day is None:
            following = date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return date(self.year, self.month, 1), following - timedelta(days=1)
        try:
            return (day := date(self.year, self.month, self.day)), day
        except ValueError:
            return None

    def _part_fits(self, other: DateSlot) -> bool:
        """Whether ``other`` (agreeing on every field both state) can fall in the part this date names: "late
        1949" is not "early 1949" nor "February 1949"; "early October" is not "October 25". A "mid" part
        overlaps both others."""
        if self.part is None or self.relation or other.relation:
            return True
        if self.month is None and self.year is not None and other.year == self.year:
            if other.month is not None:
                low, high = _PART_MONTHS[self.part]
                return low <= other.month <= high
            return not (other.part and other.month is None and {self.part, other.part} == {"early", "late"})
        if self.month is not None and self.day is None and other.month == self.month:
            if other.day is not None:
                low, high = _PART_DAYS[self.part]
                return low <= other.day <= high
            return not (other.part and other.day is None and {self.part, other.part} == {"early", "late"})
        return True

    def comparable(self, other: DateSlot) -> bool:
        """True when both state at least one common field (so a difference would mean something)."""
        return any(a is not None and b is not None for a, b in (
            (self.year, other.year), (self.month, other.month), (self.day, other.day),
            (self.weekday, other.weekday)))
