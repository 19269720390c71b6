"""Calendar arithmetic for time expressions: periods, shifts and TIMEX3 value strings.

A :class:`Period` is a stretch of the calendar at one precision: its first day
plus what the precision needs (a season code, a part of the day, a clock time).
Resolving "last month" is shifting the anchor's month period by -1;
:meth:`Period.value` writes the TIMEX3 value.

Example:
    >>> p = parse_anchor("1989-10-27")
    >>> p.value(), p.at("quarter").value(), p.at("week").shift("week", -1).value()
    ('1989-10-27', '1989-Q4', '1989-W42')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from storyline.nlp.timex_lexicon import SEASON_MONTH

PRECISION_RANK: dict[str, int] = {
    "millennium": 0, "century": 1, "decade": 2, "year": 3, "half": 4, "season": 4,
    "quarter": 4, "month": 5, "week": 6, "weekend": 6, "day": 7, "part_of_day": 8,
    "hour": 9, "minute": 10, "second": 11,
}  # fmt: skip
"""Coarse to fine: an anchor must be at least as fine as what a rule needs."""

_MONTHS_IN = {"year": 12, "half": 6, "quarter": 3, "season": 3, "month": 1}


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar period: ``start`` (its first day) at ``precision``.

    ``code`` is the season (``SU``) or part of the day (``MO``); ``hour`` and
    ``minute`` carry a clock time at ``minute`` precision.
    """

    start: date
    precision: str
    code: str = ""
    hour: int = 0
    minute: int = 0

    def at(self, precision: str, code: str = "") -> Period:
        """The period of ``precision`` that holds this one's start.

        Example:
            >>> Period(date(2020, 5, 17), "day").at("quarter").value()
            '2020-Q2'
        """
        d = self.start
        if precision == "millennium":
            d = date(d.year // 1000 * 1000 or 1, 1, 1)
        elif precision == "century":
            d = date(d.year // 100 * 100 or 1, 1, 1)
        elif precision == "decade":
            d = date(d.year // 10 * 10 or 1, 1, 1)
        elif precision in ("week", "weekend"):
            d = d - timedelta(days=d.isoweekday() - 1)
        elif precision == "season":
            return season_of(d) if not code else Period(_season_start(d.year, code), "season", code)
        elif precision in _MONTHS_IN:
            n = _MONTHS_IN[precision]
            d = date(d.year, (d.month - 1) // n * n + 1, 1)
        if precision in ("part_of_day", "minute"):
            return Period(d, precision, code, self.hour, self.minute)
        return Period(d, precision, code)

    def shift(self, unit: str, n: int) -> Period:
        """Move by ``n`` units (``day``, ``week``, ``month``, ``quarter``, ``year``...).

        The precision stays; a month shift keeps the day where the month has it.

        Example:
            >>> Period(date(2020, 1, 31), "day").shift("month", 1).value()
            '2020-02-29'
        """
        if unit in ("day", "week", "weekend"):
            days = n * (7 if unit != "day" else 1)
            return replace(self, start=self.start + timedelta(days=days))
        months = {
            "month": 1, "quarter": 3, "season": 3, "half": 6, "year": 12, "decade": 120,
            "century": 1200, "millennium": 12000,
        }.get(unit)  # fmt: skip
        if months is None:
            raise ValueError(f"cannot shift by {unit!r}")
        total = self.start.year * 12 + self.start.month - 1 + n * months
        y, m = divmod(total, 12)
        if unit == "season" and self.precision == "season":
            return season_of(date(y, m + 1, 1))
        day = min(self.start.day, _month_days(y, m + 1))
        return replace(self, start=date(y, m + 1, day))

    def value(self) -> str:
        """The TIMEX3 value string of this period.

        Example:
            >>> Period(date(1998, 2, 12), "part_of_day", "EV").value()
            '1998-02-12TEV'
        """
        d, p = self.start, self.precision
        if p == "millennium":
            return f"{d.year // 1000}"
        if p == "century":
            return f"{d.year // 100:02d}"
        if p == "decade":
            return f"{d.year // 10:03d}"
        if p == "year":
            return f"{d.year:04d}"
        if p == "half":
            return f"{d.year:04d}-H{1 if d.month <= 6 else 2}"
        if p == "quarter":
            return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
        if p == "season":
            return f"{d.year:04d}-{self.code}"
        if p == "month":
            return f"{d.year:04d}-{d.month:02d}"
        if p in ("week", "weekend"):
            iso = d.isocalendar()
            return f"{iso[0]:04d}-W{iso[1]:02d}" + ("-WE" if p == "weekend" else "")
        if p == "day":
            return d.isoformat()
        if p == "part_of_day":
            return f"{d.isoformat()}T{self.code}"
        return f"{d.isoformat()}T{self.hour:02d}:{self.minute:02d}"

    def end(self) -> date:
        """The first day after this period (for ordering periods against a date)."""
        if self.precision in ("day", "part_of_day", "minute"):
            return self.start + timedelta(days=1)
        if self.precision in ("week", "weekend"):
            return self.start + timedelta(days=7)
        return self.shift(self.precision, 1).start


def season_of(d: date) -> Period:
    """The season holding ``d``: Dec-Feb winter (named by December's year), Mar-May spring..."""
    if d.month == 12:
        return Period(date(d.year, 12, 1), "season", "WI")
    if d.month <= 2:
        return Period(date(d.year - 1, 12, 1), "season", "WI")
    code = {3: "SP", 6: "SU", 9: "FA"}[(d.month - 3) // 3 * 3 + 3]
    return Period(date(d.year, SEASON_MONTH[code], 1), "season", code)


def _season_start(year: int, code: str) -> date:
    return date(year, SEASON_MONTH[code], 1)


def _month_days(y: int, m: int) -> int:
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


_ANCHOR = re.compile(
    r"^\s*(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})[^\s]*)?)?)?\s*$"
)


def parse_anchor(published: str | None) -> Period | None:
    """The publication date as a :class:`Period` at its own precision, or None.

    Args:
        published: ISO 8601 text cut to any precision ("2020", "2020-01",
            "2020-01-05", "2020-01-05T17:45:00+01:00"), or None.

    Returns:
        A year, month, day or minute period; None when there is no date or
        it does not parse (an anchor is never guessed).

    Example:
        >>> parse_anchor("2020-01").value(), parse_anchor("not a date")
        ('2020-01', None)
    """
    if not published:
        return None
    m = _ANCHOR.match(published)
    if not m:
        return None
    try:
        d = date(int(m["y"]), int(m["m"] or 1), int(m["d"] or 1))
    except ValueError:
        return None
    if m["m"] is None:
        return Period(d, "year")
    if m["d"] is None:
        return Period(d, "month")
    if m["H"] is None:
        return Period(d, "day")
    hour, minute = int(m["H"]), int(m["M"])
    if hour > 23 or minute > 59:
        return Period(d, "day")
    return Period(d, "minute", hour=hour, minute=minute)


def fine_enough(anchor: Period | None, needed: str) -> bool:
    """Whether ``anchor`` is at least as precise as ``needed`` (a week needs a day)."""
    if anchor is None:
        return False
    need = PRECISION_RANK["day"] if needed in ("week", "weekend") else PRECISION_RANK[needed]
    have = PRECISION_RANK[anchor.precision]
    if anchor.precision in ("quarter", "half", "season"):
        have = PRECISION_RANK["year"]
    return have >= need


def weekday_near(anchor: date, weekday: int, direction: str) -> date:
    """The day with ISO ``weekday`` nearest ``anchor`` in ``direction``.

    ``direction``: ``past`` (on or before the anchor), ``future`` (on or
    after), ``before`` (strictly before), ``after`` (strictly after).

    Example:
        >>> weekday_near(date(2020, 1, 4), 5, "past")  # a Saturday -> the Friday before
        datetime.date(2020, 1, 3)
    """
    diff = weekday - anchor.isoweekday()
    if direction == "past":
        return anchor + timedelta(days=diff if diff <= 0 else diff - 7)
    if direction == "before":
        return anchor + timedelta(days=diff if diff < 0 else diff - 7)
    if direction == "future":
        return anchor + timedelta(days=diff if diff >= 0 else diff + 7)
    return anchor + timedelta(days=diff if diff > 0 else diff + 7)
