"""Time expressions: find them in text and normalise them to TIMEX3 values.

:func:`find_timexes` finds dates, times, durations, sets and references to the
present, past and future, and resolves each against the publication date:

========================  ==========  ======================  ==============
text                      type        value                   precision
========================  ==========  ======================  ==============
"Jan. 5, 2020"            DATE        ``2020-01-05``          day
"last month"              DATE        ``2019-12``             month
"the third quarter"       DATE        ``2019-Q3``             quarter
"last week"               DATE        ``2019-W52``            week
"Friday night"            TIME        ``2020-01-03TNI``       part_of_day
"5 p.m."                  TIME        ``2020-01-04T17:00``    minute
"the 1990s"               DATE        ``199``                 decade
"the past two months"     DURATION    ``P2M``                 None
"now" / "recently"        DATE        ``PRESENT_REF``         None
"every week"              SET         ``P1W``                 None
"1998-99"                 DATE        ``1998`` (end ``1999``) year
========================  ==========  ======================  ==============

(values for a text published on Saturday 2020-01-04). A range keeps its
first value in ``value`` and its last in ``end_value``.

Nothing is guessed: without a publication date (or one too coarse: "yesterday"
needs a day) relative expressions are found but left unresolved, with
``anchored`` False and an underspecified value where TIMEX3 has one
("Friday" -> ``XXXX-WXX-5``, "June" -> ``XXXX-06``), else ``value`` None.
Absolute dates ("January 5, 2020", "2014") resolve without an anchor.

Weekdays follow the tense of their sentence (see
:mod:`storyline.nlp.timex_tense`): "said on Friday" is the Friday before the
publication date, "will meet on Friday" the one after; with no cue, the one
before (news reports what happened). A month or month-day without a year takes
the year that puts it nearest the publication date, unless it is far from it
either way: then the tense decides too (:mod:`timex_absolute`). Anaphoric
expressions ("a year earlier", "the following day", "the quarter") count from
the date the text named last.

Not marked: "former" and "previously" (they qualify a role or an event, not a
time; TimeBank marks none of its 16 "former"). dateparser is not used: the
grammar parses every form it matches, and a whole-text dateparser search
misfires (see the baseline in ``docs/benchmarks.md``).

The parts: :mod:`timex_grammar` (what is matched), :mod:`timex_absolute`,
:mod:`timex_relative` and :mod:`timex_amounts` (how each kind is resolved),
:mod:`timex_context`, :mod:`timex_calendar` (periods and values),
:mod:`timex_tense`, :mod:`timex_lexicon`.

Example:
    >>> [(t.text, t.value) for t in find_timexes("He resigned on Friday.", "2020-01-04")]
    [('Friday', '2020-01-03')]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from storyline.nlp import timex_absolute as ab
from storyline.nlp import timex_amounts as am
from storyline.nlp import timex_relative as rel
from storyline.nlp.timex_calendar import Period, parse_anchor
from storyline.nlp.timex_context import Ctx, Resolved
from storyline.nlp.timex_grammar import RULE_NAMES, Candidate, all_matches, select
from storyline.nlp.timex_tense import sentence_bounds

__all__ = ["Timex", "find_timexes"]

TIMEX_TYPES = ("DATE", "TIME", "DURATION", "SET")


@dataclass(frozen=True, slots=True)
class Timex:
    """One time expression: where it is, what it says, and how it was resolved.

    ``start``/``end`` are character offsets into the text (``text[start:end]
    == self.text``). ``value`` is the TIMEX3 value (None when unresolved),
    ``end_value`` the end of a range. ``anchored`` is True when the
    publication date was used; ``method`` names the rule and how it resolved
    ("weekday:past", "month-day:closest", "explicit", "offset:reference"...).
    """

    start: int
    end: int
    text: str
    type: str
    value: str | None
    precision: str | None
    anchored: bool
    method: str
    end_value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of every field (JSON-ready)."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "type": self.type,
            "value": self.value,
            "end_value": self.end_value,
            "precision": self.precision,
            "anchored": self.anchored,
            "method": self.method,
        }


Resolver = Callable[[re.Match[str], Ctx], Resolved | None]

RESOLVERS: dict[str, Resolver] = {
    "iso_date": ab.iso_date,
    "numeric_date": ab.numeric_date,
    "date_mdy": ab.month_day,
    "date_dmy": ab.date_dmy,
    "month_year": ab.month_year,
    "month": ab.month,
    "year": ab.year,
    "spoken_year": ab.spoken_year_,
    "decade": ab.decade,
    "century": ab.century,
    "quarter": ab.quarter,
    "quarter_ref": ab.quarter_ref,
    "year_ago_adj": ab.year_ago_adj,
    "year_end": ab.year_end,
    "holiday": ab.holiday,
    "deictic_day": rel.deictic_day,
    "part_of_day": rel.part_of_day,
    "part_then_day": rel.part_then_day,
    "part_alone": rel.part_alone,
    "weekday": rel.weekday,
    "clock": rel.clock,
    "offset": rel.offset,
    "relative_unit": rel.relative_unit,
    "duration": am.duration,
    "ref": am.ref,
    "set": am.set_,
}
assert set(RESOLVERS) == set(RULE_NAMES), "every grammar rule needs a resolver"

# Results that count from another date: they do not become the reference themselves.
_DERIVED = ("reference", "offset", "year-ago")
_DAY_PRECISIONS = ("day", "part_of_day", "minute")
# How far (characters) a named quarter stays the one "the quarter" and "a year
# earlier" refer to: a results story's paragraph or two.
_QUARTER_REACH = 600
# How far (characters) a named day stays the day of a bare clock time ("at 10 p.m.").
_DAY_REACH = 300


def find_timexes(text: str, published: str | None) -> list[Timex]:
    """Find the time expressions of a text and resolve them against its publication date.

    Args:
        text: the text (a document's stored text; offsets point into it).
        published: the publication date as ISO 8601 text at any precision
            ("2020", "2020-01-04", "2020-01-04T09:30:00Z"), or None.

    Returns:
        The expressions in text order, none overlapping.

    Example:
        >>> t = find_timexes("Sales rose 5% in the past two months.", None)[0]
        >>> (t.text, t.type, t.value, t.anchored)
        ('the past two months', 'DURATION', 'P2M', False)
    """
    anchor = parse_anchor(published)
    bare = Ctx(text, anchor)
    # A match only competes if its resolver accepts it ("May" the verb does not).
    valid = [c for c in all_matches(text) if _resolve(c, bare) is not None]
    chosen = select(valid)
    resolved = _dated_holidays(text, _resolve_in_order(text, anchor, chosen))
    return _merge_clock_and_day(text, resolved)


def _resolve(c: Candidate, ctx: Ctx) -> Resolved | None:
    """The candidate's resolution; None when it names no date the calendar holds
    ("10,000,000 years ago", "the year 99999")."""
    try:
        return RESOLVERS[c.rule](c.match, ctx)
    except (OverflowError, ValueError):
        return None


def _resolve_in_order(
    text: str, anchor: Period | None, chosen: list[Candidate]
) -> list[tuple[Candidate, Resolved]]:
    """Resolve each match with the dates named before it as its references."""
    out: list[tuple[Candidate, Resolved]] = []
    ref: Period | None = None
    quarter: tuple[Period, int] | None = None  # (period, sentence start)
    day: tuple[Period, int] | None = None
    for c in chosen:
        left, _ = sentence_bounds(text, c.start, c.end)
        ctx = Ctx(
            text,
            anchor,
            ref=ref,
            quarter_ref=quarter[0] if quarter and c.start - quarter[1] <= _QUARTER_REACH else None,
            day_ref=day[0] if day and c.start - day[1] <= _DAY_REACH else None,
        )
        r = _resolve(c, ctx)
        if r is None:
            continue
        out.append((c, r))
        if r.period is None or any(d in r.method for d in _DERIVED):
            continue
        ref = r.period
        if r.period.precision in ("quarter", "half"):
            quarter = (r.period, c.end)
        if r.period.precision in _DAY_PRECISIONS:
            day = (r.period, c.end)
    return out


_HOLIDAY_THEN_YEAR = re.compile(r"[^.!?;\n]{0,40}\b(?:in|of)\s+")
"""What may stand between a holiday and the year it is in: "Christmas visit to Iraq in 2018"."""


def _dated_holidays(
    text: str, items: list[tuple[Candidate, Resolved]]
) -> list[tuple[Candidate, Resolved]]:
    """A holiday resolved against the publication date takes the year that follows it in
    its clause ("a surprise Christmas visit to Iraq in 2018" is Christmas 2018)."""
    from storyline.nlp.timex_absolute import holiday_in_year

    out = list(items)
    for i, (c, r) in enumerate(items[:-1]):
        c2, r2 = items[i + 1]
        if (
            c.rule == "holiday"
            and r.method == "holiday:closest"
            and c2.rule == "year"
            and r2.method == "explicit"
            and (r2.value or "")[:4].isdigit()
            and _HOLIDAY_THEN_YEAR.fullmatch(text[c.end : c2.start])
        ):
            out[i] = (c, holiday_in_year(c.match["name"].lower(), int(r2.value[:4])))
    return out


_CLOCK_THEN_DAY = re.compile(r"\s*,?\s*(?:on\s+)?")
_DAY_THEN_CLOCK = re.compile(r"\s*,?\s*")


def _merge_clock_and_day(text: str, items: list[tuple[Candidate, Resolved]]) -> list[Timex]:
    """Join "5 p.m. EST, Nov. 6" and "Wednesday 10 p.m." into one TIME; build the Timexes."""
    out: list[Timex] = []
    i = 0
    while i < len(items):
        c, r = items[i]
        if i + 1 < len(items):
            c2, r2 = items[i + 1]
            gap = text[c.end : c2.start]
            merged = None
            if c.rule == "clock" and _is_day(c2.rule, r2) and _CLOCK_THEN_DAY.fullmatch(gap):
                merged = _clock_on_day(r, r2)
            elif _is_day(c.rule, r) and c2.rule == "clock" and _DAY_THEN_CLOCK.fullmatch(gap):
                merged = _clock_on_day(r2, r)
            if merged is not None:
                out.append(_timex(text, c.start, c2.end, merged))
                i += 2
                continue
        out.append(_timex(text, c.start, c.end, r))
        i += 1
    return out


def _is_day(rule: str, r: Resolved) -> bool:
    day_rules = ("date_mdy", "date_dmy", "weekday", "deictic_day", "iso_date", "numeric_date")
    return rule in day_rules and r.type == "DATE" and r.precision == "day"


def _clock_on_day(clock: Resolved, day: Resolved) -> Resolved | None:
    """The clock time of ``clock`` on the day of ``day``."""
    if clock.value is None or "T" not in clock.value:
        return None
    hhmm = clock.value.split("T", 1)[1]
    if day.value is None:
        return Resolved("TIME", None, None, False, f"{day.method}+clock")
    period = None
    if day.period is not None:
        h, m = (int(x) for x in hhmm.split(":"))
        period = Period(day.period.start, "minute", hour=h, minute=m)
    return Resolved(
        "TIME", f"{day.value}T{hhmm}", "minute", day.anchored, f"{day.method}+clock", period
    )


def _timex(text: str, start: int, end: int, r: Resolved) -> Timex:
    return Timex(
        start=start,
        end=end,
        text=text[start:end],
        type=r.type,
        value=r.value,
        precision=r.precision,
        anchored=r.anchored,
        method=r.method,
        end_value=r.end_value,
    )
