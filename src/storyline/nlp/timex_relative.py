"""Resolvers for relative expressions: days, weekdays, parts of the day, clock times, offsets.

Relative expressions ("yesterday", "Friday", "last month", "two days ago")
count from the publication date; anaphoric ones ("a year earlier", "the
following day") from the last date the text named before them, else from the
publication date. Without a fine enough anchor they are found but left
unresolved: an underspecified TIMEX3 value where one exists ("XXXX-WXX-5" for
"Friday"), None otherwise.

Weekdays follow the tense of their sentence (:mod:`timex_tense`): past or no
cue, the last such day up to the publication date; future, the next one from
it. "last"/"next" force the direction and skip the publication day itself.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from storyline.nlp.timex_amounts import duration_value, unit_name
from storyline.nlp.timex_calendar import Period, fine_enough, weekday_near
from storyline.nlp.timex_context import Ctx, Resolved, found, mid_sentence
from storyline.nlp.timex_lexicon import (
    CLOCK_UNITS,
    PARTS_OF_DAY,
    SEASON_MONTH,
    SEASONS,
    WEEKDAYS,
    number_value,
)

_DEICTIC_DAYS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
_BEFORE = frozenset({"last", "past", "this past", "the previous", "the past", "the last",
                     "the prior"})  # fmt: skip
_AFTER = frozenset({"next", "coming", "this coming", "the following", "the next", "the coming"})
# Relations counted from the last date the text named, not from the publication date.
_ANAPHORIC = frozenset({"the following", "the previous", "the prior", "that", "the same"})


def _day_shift(ctx: Ctx, days: int) -> Period | None:
    """The anchor day moved by ``days``; None without a day-precise anchor."""
    anchor = ctx.needs("day")
    return Period(anchor.start + timedelta(days=days), "day") if anchor else None


def _with_part(p: Period | None, code: str) -> Period | None:
    return Period(p.start, "part_of_day", code) if p else None


def deictic_day(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "today", "yesterday", "tomorrow", "tonight", "overnight", "the day before"."""
    word = re.sub(r"\s+", " ", m["word"].lower())
    before = ctx.text[max(0, m.start() - 20) : m.start()]
    if m["word"][0].isupper() and re.search(r"[A-Z][A-Za-z]*\s+$", before):
        return None  # "USA Today", "VOA Today": a name
    if word == "overnight":
        # The night before a past-tense report, the coming one otherwise.
        p = _day_shift(ctx, -1 if ctx.tense(m) == "past" else 0)
        return found("TIME", _with_part(p, "NI"), "overnight", anchored=True)
    if word.startswith("the day"):
        days = -2 if "before" in word else 2
    else:
        days = _DEICTIC_DAYS[word]
    p = _day_shift(ctx, days)
    if word == "tonight":
        return found("TIME", _with_part(p, "NI"), "tonight:anchor", anchored=True)
    return found("DATE", p, f"{word}:anchor", anchored=True)


def _weekday_day(ctx: Ctx, m: re.Match[str], weekday: int, rel: str) -> tuple[Period | None, str]:
    """The day a weekday names: by its modifier, else by the tense (default past)."""
    anchor = ctx.needs("day")
    if anchor is None:
        return None, "weekday"
    # "the previous Friday" counts from the publication date too: news rarely means
    # the Friday before some other date named earlier.
    base = anchor
    if rel in _BEFORE:
        direction = "before"
    elif rel in _AFTER:
        direction = "after"
    elif rel == "this":
        monday = base.start - timedelta(days=base.start.isoweekday() - 1)
        return Period(monday + timedelta(days=weekday - 1), "day"), "weekday:this-week"
    elif rel == "possessive":
        direction = "past"
    else:
        direction = "future" if ctx.tense(m) == "future" else "past"
    return Period(weekday_near(base.start, weekday, direction), "day"), f"weekday:{direction}"


def weekday(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "Friday", "last Tuesday", "this coming Sunday", "Mondays" (a set)."""
    n = WEEKDAYS[m["wd"].lower()]
    if m["part"]:
        code = PARTS_OF_DAY[m["part"].lower()[:-1]]
        return Resolved("SET", f"XXXX-WXX-{n}T{code}", None, False, "weekday:plural")
    if m["plural"]:
        return Resolved("SET", f"XXXX-WXX-{n}", None, False, "weekday:plural")
    rel = re.sub(r"\s+", " ", (m["rel"] or "").lower())
    if not rel and ctx.text.startswith("'s", m.end()):
        # "Wednesday's ruling", "Thursday's closing price": news names past events so.
        rel = "possessive"
    p, how = _weekday_day(ctx, m, n, rel)
    return found("DATE", p, how, anchored=True, unresolved=f"XXXX-WXX-{n}", precision="day")


def part_of_day(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "this morning", "last night", "Friday evening", "yesterday afternoon"."""
    code = PARTS_OF_DAY[m["part"].lower().replace(" ", "-")]
    when = m["when"].lower()
    if when == "the" and re.match(r"\s+of\b", ctx.next_text(m)):
        return None  # "the night of Friday, Oct. 23": the date that follows says which
    if when in WEEKDAYS:
        p, how = _weekday_day(ctx, m, WEEKDAYS[when], "")
        unresolved = f"XXXX-WXX-{WEEKDAYS[when]}T{code}"
    elif when in ("that", "the") and ctx.day_ref is not None:
        # "that night", "in the morning": the day the text is talking about.
        p, how, unresolved = Period(ctx.day_ref.start, "day"), "part-of-day:named-day", None
    else:
        # "last night" is the night before; "this/the morning" the publication day's.
        days = {"last": -1, "yesterday": -1, "tomorrow": 1}.get(when, 0)
        p, how, unresolved = _day_shift(ctx, days), f"part-of-day:{when}", None
    return found("TIME", _with_part(p, code), how, anchored=True, unresolved=unresolved,
                 precision="part_of_day")  # fmt: skip


def part_alone(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "mid-afternoon", "midday": on the day named just before, else the publication day."""
    part = m["part"].lower().replace("-", "").replace(" ", "")
    day = ctx.day_ref or ctx.needs("day")
    how = "part-of-day:named-day" if ctx.day_ref else "part-of-day:anchor"
    if part == "midday":
        p = Period(day.start, "minute", hour=12) if day else None
        return found("TIME", p, how, anchored=True, unresolved="XXXX-XX-XXT12:00",
                     precision="minute")  # fmt: skip
    code = "MO" if part == "midmorning" else "AF"
    return found("TIME", _with_part(day, code), how, anchored=True, precision="part_of_day")


def part_then_day(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "noon Thursday", "midnight Friday", "mid-afternoon yesterday"."""
    when = m["when"].lower()
    if when in WEEKDAYS:
        p, how = _weekday_day(ctx, m, WEEKDAYS[when], "")
    else:
        p, how = _day_shift(ctx, _DEICTIC_DAYS[when]), f"{when}:anchor"
    part = m["part"].lower()
    if part in ("noon", "midnight", "midday") and p is not None:
        hour = 12 if part != "midnight" else 24
        return found("TIME", Period(p.start, "minute", hour=hour), how, anchored=True)
    return found("TIME", _with_part(p, PARTS_OF_DAY.get(part.replace(" ", "-"), "AF")), how,
                 anchored=True)  # fmt: skip


def clock(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "5 p.m.", "17:45", "noon": on the day named just before, else the anchor's."""
    if m["word"]:
        hour, minute = (12, 0) if m["word"].lower() == "noon" else (24, 0)
    elif m["h24"] is not None:
        hour, minute = int(m["h24"]), int(m["m24"])
    elif m["oc"]:
        hour, minute = int(number_value(m["oc"]) or 0), 0
    else:
        hour, minute = int(m["h"]) % 12, int(m["m"] or 0)
        hour += 12 if m["ampm"].lower().startswith("p") else 0
    day = ctx.day_ref or ctx.needs("day")
    text = f"XXXX-XX-XXT{hour:02d}:{minute:02d}"
    if day is None:
        return found("TIME", None, "clock", anchored=False, unresolved=text, precision="minute")
    how = "clock:named-day" if ctx.day_ref else "clock:anchor-day"
    return found("TIME", Period(day.start, "minute", hour=hour, minute=minute), how,
                 anchored=True)  # fmt: skip


def offset(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "two days ago", "a year earlier", "three months later", "several years ago".

    "ago"/"from now" count from the publication date; "earlier"/"later" from the
    last date named (a quarter named in a results story keeps its quarter:
    "a year earlier" after "the third quarter" is last year's third quarter).
    """
    unit = unit_name(m["unit"])
    direction = m["dir"].lower()
    sign = -1 if direction in ("ago", "earlier", "back", "before that") else 1
    n = number_value(m["q"])
    if n is None or n != int(n) or unit in ("weekend", "night"):
        ref = "PAST_REF" if sign < 0 else "FUTURE_REF"
        return Resolved("DATE", ref, None, False, "offset:vague")
    deictic = direction in ("ago", "from now", "hence", "back")
    base = ctx.anchor if deictic or ctx.ref is None else ctx.ref
    if unit == "year" and ctx.quarter_ref is not None:
        base = ctx.quarter_ref
    if unit in CLOCK_UNITS:
        if base is None or base.precision != "minute":
            return found("TIME", None, "offset", anchored=False)
        minutes = int(n) * {"hour": 60, "minute": 1, "second": 0}[unit] * sign
        total = base.hour * 60 + base.minute + minutes
        days, rest = divmod(total, 24 * 60)
        p = Period(base.start + timedelta(days=days), "minute", hour=rest // 60, minute=rest % 60)
        return found("TIME", p, "offset:anchor", anchored=True)
    precision = {"day": "day", "week": "week", "month": "month", "quarter": "quarter",
                 "year": "year", "decade": "decade", "century": "century",
                 "millennium": "millennium"}[unit]  # fmt: skip
    if base is None or not fine_enough(base, precision):
        return found("DATE", None, "offset", anchored=False)
    if base.precision in ("quarter", "half") and unit == "year":
        precision = base.precision  # keep the quarter of a results story
    p = base.at(precision).shift(unit, int(n) * sign)
    how = "offset:anchor" if base is ctx.anchor else "offset:reference"
    return found("DATE", p, how, anchored=True)


def relative_unit(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "last week", "this year", "next month", "the weekend", "earlier this month"."""
    rel = re.sub(r"\s+", " ", m["rel"].lower())
    unit = m["unit"].lower()
    if _title_case_name(m, ctx):
        return None  # "This Week" (a programme), not a week
    if rel in ("the full", "the entire", "the whole"):
        rel = "this"
    if rel == "the latest" and unit in ("year", "quarter", "month"):
        rel = "the previous"  # the latest reported period: the last complete one
    if unit == "day":
        return _relative_day(m, ctx, rel)
    if (
        rel == "the"
        and unit in ("year", "quarter", "month", "week")
        and _ENDED.match(ctx.next_text(m))
    ):
        # "the year ended March 31": a twelve-month span named by its end.
        return Resolved("DURATION", duration_value(1, unit), None, False, "duration:ended")
    if unit in SEASONS:
        return _season(m, ctx, rel, SEASONS[unit])
    if m["year"]:
        return None  # "the week of 1990"? not a form news uses
    # What the anchor must give: a week needs its day, a month or quarter its month.
    needs = {"week": "week", "weekend": "week", "month": "month", "quarter": "month"}.get(
        unit, "year"
    )
    base = ctx.ref if rel in _ANAPHORIC and ctx.ref is not None else ctx.needs(needs)
    if base is None:
        return found("DATE", None, "relative", anchored=False)
    if not fine_enough(base, needs):
        base = ctx.needs(needs)
        if base is None:
            return found("DATE", None, "relative", anchored=False)
    precision = unit
    here = base.at(precision)
    if unit == "weekend":
        here = _weekend(base, rel, ctx.tense(m))
        rel = "this"
    elif rel in _BEFORE:
        here = here.shift(unit, -1)
    elif rel in _AFTER:
        here = here.shift(unit, 1)
    how = "relative:reference" if base is not ctx.anchor else f"relative:{rel}"
    return found("DATE", here, how, anchored=base is ctx.anchor)


_ENDED = re.compile(r"\s+(?:ended|ending|that ended|which ended|to)\s+(?-i:[A-Z0-9])")


def _title_case_name(m: re.Match[str], ctx: Ctx) -> bool:
    """Whether a multi-word match is Title Case in mid-sentence (a name: "This Week")."""
    words = m.group(0).split()
    if len(words) < 2 or not all(w[0].isupper() for w in words):
        return False
    return mid_sentence(ctx, m)


def _weekend(base: Period, rel: str, tense: str | None) -> Period:
    """The weekend "this/last/next/the weekend" names (on a weekend, "this weekend" is it)."""
    week = base.at("weekend")
    on_weekend = base.start.isoweekday() >= 6
    if rel in _BEFORE:
        return week.shift("week", -1)
    if rel in _AFTER:
        return week.shift("week", 1) if on_weekend else week
    if tense == "past" and not on_weekend:
        return week.shift("week", -1)
    return week


def _relative_day(m: re.Match[str], ctx: Ctx, rel: str) -> Resolved | None:
    """Resolve "that day", "the same day", "the next day", "the previous day"."""
    shifts = {"that": 0, "the same": 0, "the next": 1, "the following": 1, "the previous": -1,
              "the prior": -1, "this": 0}  # fmt: skip
    if rel not in shifts:
        return None  # "the day", "last day": not dates
    base = ctx.ref if rel != "this" and ctx.ref is not None else ctx.needs("day")
    if base is None or base.precision not in ("day", "part_of_day", "minute"):
        base = ctx.needs("day")
    if base is None:
        return found("DATE", None, "relative-day", anchored=False)
    p = Period(base.start + timedelta(days=shifts[rel]), "day")
    anchored = base is ctx.anchor
    how = "relative-day:anchor" if anchored else "relative-day:reference"
    return found("DATE", p, how, anchored=anchored)


def _season(m: re.Match[str], ctx: Ctx, rel: str, code: str) -> Resolved | None:
    """Resolve "this summer", "last fall", "the winter of 1994"."""
    if m["year"]:
        p = Period(date(int(m["year"]), SEASON_MONTH[code], 1), "season", code)
        return found("DATE", p, "explicit", anchored=False)
    if rel == "the" and code == "FA" and not m["mod"]:
        return None  # "the fall" is as often a drop as a season
    anchor = ctx.needs("year")
    if anchor is None:
        return found("DATE", None, "season", anchored=False, unresolved=f"XXXX-{code}",
                     precision="season")  # fmt: skip
    here = anchor.at("season", code)
    if anchor.precision != "year":
        ended = here.end() <= anchor.start
        if rel in _BEFORE and not ended:
            here = here.shift("year", -1)
        elif rel in _AFTER and here.start <= anchor.start:
            here = here.shift("year", 1)
    return found("DATE", here, f"season:{rel}", anchored=True)
