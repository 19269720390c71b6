"""Resolvers for calendar expressions: dates, months, years, decades, quarters, holidays.

Each resolver takes a grammar match (:mod:`timex_grammar`, same rule name) and
the :class:`~storyline.nlp.timex_context.Ctx`, and returns a
:class:`~storyline.nlp.timex_context.Resolved`, or None to reject the match
(a capitalised "May" that is the verb, "1990" in "1990 workers").

Year choice without a written year: a month-day ("Jan. 5") or a bare month
("in June") takes the year that puts it closest to the publication date;
only when even the closest is far (over 120 days, over 2 months) does the tense
decide (past: the last one up to the anchor; future: the next one from it),
since near dates are right by closeness and a tense cue often belongs to
another clause ("extended to Nov. 16"). "last"/"next" always decide. An
ordinal quarter ("the third quarter") is the last one that has begun by the
anchor unless the sentence is in the future tense.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from storyline.nlp.timex_calendar import Period
from storyline.nlp.timex_context import Ctx, Resolved, found
from storyline.nlp.timex_lexicon import MONTHS, ordinal_value, spoken_year

# Words before a bare "May"/"March" that make it a month, not a verb or a walk.
_MONTH_CONTEXT = frozenset(
    "in since until till by from to through during before after of early late mid last "
    "next this between and or on for the".split()
)
# What can follow a number that is a count, not a year ("1990 workers").
_COUNT_NOUN = re.compile(
    r"\s+(?:percent|per|million|billion|thousand|hundred|tons?|barrels?|shares?|people|"
    r"persons|workers|employees|troops|soldiers|jobs|units|cars|vehicles|men|women|children|"
    r"members|votes|acres|miles|kilometers|feet|meters|pounds|dollars|yen|marks|francs|"
    r"points?|cases|deaths|homes|houses|rooms|copies|students|residents|refugees|delegates|"
    r"seats|beds|calories|degrees|euros|rupees|to\s+\d)\b",
    re.IGNORECASE,
)
_NOT_YEAR_BEFORE = frozenset(
    "no number flight route highway interstate page room suite box code channel version "
    "model rule article section chapter grade level boeing airbus".split()
)
# A tense cue decides the year of a far month-day only this close (in words): a cue
# farther away belongs to another clause as often as not ("extended to Nov. 16").
_NEAR_CUE = 2
# A month-day this far (days) from the anchor, or a month this far (months), could
# as well be the other year's: then the tense picks; nearer, the closest wins.
_FAR_DAYS = 120
_FAR_MONTHS = 2
_YEAR_PREPOSITIONS = frozenset("in since until till by from through during before after of".split())


def _month_number(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _two_digit_year(yy: int, anchor: Period | None) -> int:
    """'98 -> 1998: the century that puts the year at most 20 years after the anchor."""
    base = anchor.start.year if anchor else 2000
    year = base // 100 * 100 + yy
    return year - 100 if year > base + 20 else year


def _day_number(text: str) -> int | None:
    return ordinal_value(text)


def closest_day(anchor: Period, month: int, day: int) -> date | None:
    """The date with this month and day nearest the anchor (the year before, of, or after)."""
    options = []
    for y in (anchor.start.year - 1, anchor.start.year, anchor.start.year + 1):
        try:
            options.append(date(y, month, day))
        except ValueError:
            continue
    if not options:
        return None
    if anchor.precision == "year":
        same = [d for d in options if d.year == anchor.start.year]
        return same[0] if same else None
    return min(options, key=lambda d: (abs((d - anchor.start).days), d))


def _other_year(d: date, years: int) -> date:
    """The same month and day ``years`` later (February 29 falls back to the 28th)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def _explicit_day(y: int, mo: int, d: int) -> Period | None:
    try:
        return Period(date(y, mo, d), "day")
    except ValueError:
        return None


def iso_date(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """2020-01-05 or 2020-01-05T17:45."""
    p = _explicit_day(int(m["y"]), int(m["m"]), int(m["d"]))
    if p is None:
        return None
    if m["H"] and int(m["H"]) < 24:
        p = Period(p.start, "minute", hour=int(m["H"]), minute=int(m["M"]))
        return found("TIME", p, "iso", anchored=False)
    return found("DATE", p, "iso", anchored=False)


def numeric_date(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """1/5/2020, month first (English-language news)."""
    y = int(m["y"])
    if len(m["y"]) == 2:
        y = _two_digit_year(y, ctx.anchor)
    p = _explicit_day(y, int(m["m"]), int(m["d"]))
    return None if p is None else found("DATE", p, "numeric", anchored=False)


def month_day(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "Jan. 5, 2020", "March eighth", "the fifth of March": with or without a year."""
    month = _month_number(m["month"])
    day = _day_number(m["day"])
    if day is None or not 1 <= day <= 31:
        return None
    if m.re.groupindex.get("yy") and m["yy"]:
        year: int | None = _two_digit_year(int(m["yy"]), ctx.anchor)
    else:
        year = int(m["year"]) if m["year"] else None
    if year is not None:
        p = _explicit_day(year, month, day)
        return None if p is None else found("DATE", p, "explicit", anchored=False)
    anchor = ctx.needs("year")
    d = closest_day(anchor, month, day) if anchor else None
    how = "month-day:closest"
    rel = (m.re.groupindex.get("rel") and m["rel"] or "").lower()
    if d is not None and anchor is not None and anchor.precision != "year":
        gap = (d - anchor.start).days
        # "last Oct. 23"; a date far from the anchor also follows the tense.
        if rel or abs(gap) > _FAR_DAYS:
            direction = rel or ctx.tense(m, max_gap=_NEAR_CUE) or ""
            if direction in ("last", "past") and gap > 0:
                d, how = _other_year(d, -1), f"month-day:{direction}"
            elif direction in ("next", "future") and gap < 0:
                d, how = _other_year(d, 1), f"month-day:{direction}"
    return found(
        "DATE",
        Period(d, "day") if d else None,
        how,
        anchored=True,
        unresolved=f"XXXX-{month:02d}-{day:02d}",
        precision="day",
    )


def date_dmy(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "5 January 2020"; an ordinal word needs "the ... of" ("the fifth of March")."""
    if not m["day"][0].isdigit() and " of" not in m.group(0):
        return None
    return month_day(m, ctx)


def month_year(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "August 1988", "early March of 2020", "June '98"."""
    year = int(m["year"]) if m["year"] else _two_digit_year(int(m["yy"]), ctx.anchor)
    p = Period(date(year, _month_number(m["month"]), 1), "month")
    return found("DATE", p, "explicit", anchored=False)


def month(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """A month without a year: "June", "last June", "early September"."""
    name = m["month"]
    number = _month_number(name)
    rel = (m["rel"] or "").lower()
    if not rel and not m["mod"]:
        if name in ("May", "March") and ctx.previous_word(m) not in _MONTH_CONTEXT:
            return None
        # "April Glaspie": a month name followed by a capitalised word is a name.
        if re.match(r"\s+[A-Z][a-z]", ctx.next_text(m)) and not name.endswith("."):
            return None
    anchor = ctx.needs("year")
    if anchor is None:
        return found("DATE", None, "month", anchored=False, unresolved=f"XXXX-{number:02d}",
                     precision="month")  # fmt: skip
    a = anchor.start
    same = Period(date(a.year, number, 1), "month")
    if rel in ("last", "past", "this past"):
        direction = "before"
    elif rel in ("next", "coming", "this coming"):
        direction = "after"
    elif rel == "this" or anchor.precision == "year":
        return found("DATE", same, "month:anchor-year", anchored=True)
    else:
        direction = "closest"
        nearest = _month_toward(anchor, number, "closest")
        months_away = abs((nearest.start.year - a.year) * 12 + nearest.start.month - a.month)
        if months_away > _FAR_MONTHS:
            # Far from the anchor either way: the tense of the sentence decides.
            direction = {"past": "past", "future": "future"}.get(ctx.tense(m) or "", "closest")
    return found("DATE", _month_toward(anchor, number, direction), f"month:{direction}",
                 anchored=True)  # fmt: skip


def _month_toward(anchor: Period, number: int, direction: str) -> Period:
    """The month ``number`` before/after/nearest the anchor's month."""
    a = anchor.start
    here = Period(date(a.year, number, 1), "month")
    before = here if number <= a.month else here.shift("year", -1)
    after = here if number >= a.month else here.shift("year", 1)
    if direction == "before" and number == a.month:
        before = here.shift("year", -1)
    if direction == "after" and number == a.month:
        after = here.shift("year", 1)
    if direction in ("past", "before"):
        return before
    if direction in ("future", "after"):
        return after
    gap_before = (a.year - before.start.year) * 12 + a.month - number
    gap_after = (after.start.year - a.year) * 12 + number - a.month
    return before if gap_before <= gap_after else after


def year(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "1990", "fiscal 1989", "the end of 1990", "1998-99"; not a count ("1990 workers")."""
    y = int(m["year"])
    if not (m["fiscal"] or m["mod"]):
        before = ctx.previous_word(m)
        if before in _NOT_YEAR_BEFORE or _COUNT_NOUN.match(ctx.next_text(m, 40)):
            return None
        if re.match(r"\s*(?:[-–]\s*)?(?:year|day|month|week)s?\b", ctx.next_text(m)):
            return None  # "2000-year-old", "1000 years"
        if y < 1500 and before not in _YEAR_PREPOSITIONS:
            return None
    end_value = None
    if m["year2"]:
        y2 = int(m["year2"]) if len(m["year2"]) == 4 else y // 100 * 100 + int(m["year2"])
        if not y < y2 <= y + 10:
            return None  # "1990-1880" is no range of years; "2-1" scores are not years
        end_value = f"{y2:04d}"
    return found("DATE", Period(date(y, 1, 1), "year"), "explicit", anchored=False,
                 end_value=end_value)  # fmt: skip


def spoken_year_(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "nineteen ninety-six", "the year two thousand"; not a count of things."""
    if _COUNT_NOUN.match(ctx.next_text(m, 40)):
        return None  # "nineteen hundred people", "twenty thirty rooms"
    y = spoken_year(m["words"])
    if y is None:
        return None
    return found("DATE", Period(date(y, 1, 1), "year"), "explicit:words", anchored=False)


_DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
    "eighties": 8, "nineties": 9,
}  # fmt: skip


def decade(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "the 1990s" -> 199; "the '80s" takes the anchor's latest such century."""
    if m["dec"]:
        y = int(m["dec"])
        return found("DATE", Period(date(y, 1, 1), "decade"), "explicit", anchored=False)
    if m["word"]:
        y = 1900 + 10 * _DECADE_WORDS[m["word"].lower().split()[-1].split("-")[-1]]
        return found("DATE", Period(date(y, 1, 1), "decade"), "explicit:words", anchored=False)
    anchor = ctx.needs("year")
    if anchor is None:
        return found("DATE", None, "decade", anchored=False)
    tens = int(m["dec2"])
    century = anchor.start.year // 100 * 100
    y = century + tens if century + tens <= anchor.start.year else century - 100 + tens
    return found("DATE", Period(date(y, 1, 1), "decade"), "decade:anchor-century", anchored=True)


def century(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "the 20th century" -> 19, "the twenty-first century" -> 20."""
    n = ordinal_value(m["ord"])
    if n is None or not 1 <= n <= 30:
        return None
    return found("DATE", Period(date((n - 1) * 100 or 1, 1, 1), "century"), "explicit",
                 anchored=False)  # fmt: skip


def quarter(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "the third quarter", "last year's fourth quarter", "the first half"."""
    unit = m["unit"].lower()
    n = ordinal_value(m["ord"])
    top = 4 if unit == "quarter" else 2
    n = top if n == -1 else n
    if n is None or not 1 <= n <= top:
        return None
    months = 3 if unit == "quarter" else 6
    precision = "quarter" if unit == "quarter" else "half"
    adj = (m["adj"] or "").lower()
    shift = -1 if ("year-earlier" in adj or "year-ago" in adj) else 0
    explicit = m["year"] or m["pyear"]
    if explicit:
        p = Period(date(int(explicit), (n - 1) * months + 1, 1), precision)
        how = "explicit:year-ago" if shift else "explicit"
        return found("DATE", p.shift("year", shift), how, anchored=False)
    anchor = ctx.needs("year")
    if anchor is None:
        code = "Q" if unit == "quarter" else "H"
        return found("DATE", None, unit, anchored=False, unresolved=f"XXXX-{code}{n}",
                     precision=precision)  # fmt: skip
    rel = (m["yrel"] or m["ofrel"] or "").lower()
    y = anchor.start.year + {"last": -1, "next": 1}.get(rel, 0)
    p = Period(date(y, (n - 1) * months + 1, 1), precision)
    how = f"{unit}:{rel}-year" if rel else f"{unit}:latest-begun"
    if not rel and p.start > anchor.start and ctx.tense(m) != "future":
        p = p.shift("year", -1)  # "the fourth quarter" said in February: last year's
    how += ":year-ago" if shift else ""
    return found("DATE", p.shift("year", shift), how, anchored=True)


def quarter_ref(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "the quarter", "the latest quarter", "the year-earlier period".

    The quarter the text is talking about (one named in this or the last
    sentence); else "this/current quarter" is the anchor's and any other the
    last complete one (what a results story reports).
    """
    adj = (m["adj"] or "").lower()
    unit = m["unit"].lower()
    shift = -1 if ("year-earlier" in adj or "year-ago" in adj) else 0
    current = m["det"].lower() == "this" or "current" in adj
    if unit == "period" and not adj.strip():
        return None  # "the period" alone is no date
    named_year = re.search(r"\d{4}", adj)
    if ctx.quarter_ref is not None and not current:
        p = ctx.quarter_ref
        if named_year:  # "the 1988 quarter": the quarter under discussion, in 1988
            p = Period(p.start.replace(year=int(named_year.group(0))), p.precision)
        return found("DATE", p.shift("year", shift), "quarter:reference", anchored=True)
    anchor = ctx.needs("month")
    if anchor is None:
        return found("DATE", None, "quarter", anchored=False)
    p = anchor.at("quarter")
    if not current and ctx.tense(m) != "future":
        p = p.shift("quarter", -1)
    if named_year:
        p = Period(p.start.replace(year=int(named_year.group(0))), p.precision)
    how = "quarter:anchor:year-ago" if shift else "quarter:anchor"
    return found("DATE", p.shift("year", shift), how, anchored=True)


def year_ago_adj(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "year-earlier", "year-ago": the period a year before (a quarter in results news)."""
    if ctx.quarter_ref is not None:
        return found("DATE", ctx.quarter_ref.shift("year", -1), "year-ago:quarter",
                     anchored=True)  # fmt: skip
    anchor = ctx.needs("year")
    p = anchor.at("year").shift("year", -1) if anchor else None
    return found("DATE", p, "year-ago:anchor", anchored=True)


def year_end(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "year-end": the end of the anchor's year (TIMEX3 keeps the year)."""
    anchor = ctx.needs("year")
    return found("DATE", anchor.at("year") if anchor else None, "year-end:anchor", anchored=True)


def _nth_weekday(y: int, month_: int, weekday: int, n: int) -> date:
    """The ``n``-th ISO ``weekday`` of a month; ``n = -1`` is the last."""
    if n > 0:
        first = date(y, month_, 1)
        return first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
    last = date(y + (month_ == 12), month_ % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.isoweekday() - weekday) % 7)


def _easter(y: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    mm = (a + 11 * h + 22 * l_) // 451
    month_, day = divmod(h + l_ - 7 * mm + 114, 31)
    return date(y, month_, day + 1)


_FIXED_HOLIDAYS = {
    "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
    "new year's": (1, 1), "new year's day": (1, 1), "new year's eve": (12, 31),
    "halloween": (10, 31), "valentine's day": (2, 14), "independence day": (7, 4),
    "july fourth": (7, 4), "fourth of july": (7, 4), "boxing day": (12, 26),
}  # fmt: skip
_MOVABLE_HOLIDAYS = {
    "thanksgiving": lambda y: _nth_weekday(y, 11, 4, 4),
    "thanksgiving day": lambda y: _nth_weekday(y, 11, 4, 4),
    "labor day": lambda y: _nth_weekday(y, 9, 1, 1),
    "memorial day": lambda y: _nth_weekday(y, 5, 1, -1),
    "election day": lambda y: _nth_weekday(y, 11, 1, 1) + timedelta(days=1),
    "easter": _easter,
    "easter sunday": _easter,
}  # fmt: skip


def holiday_in_year(name: str, year: int) -> Resolved:
    """The holiday ``name`` (lowercase, as the grammar writes it) in ``year``."""
    fixed = _FIXED_HOLIDAYS.get(name)
    d = date(year, *fixed) if fixed else _MOVABLE_HOLIDAYS[name](year)
    return found("DATE", Period(d, "day"), "holiday:year", anchored=False)


def holiday(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """US and Christian holidays: in the year written after them ("Christmas 2018"), else
    in the year that puts them nearest the anchor."""
    name = m["name"].lower()
    rel = (m["rel"] or "").lower()
    fixed = _FIXED_HOLIDAYS.get(name)
    if m["year"] and not rel:
        return holiday_in_year(name, int(m["year"]))
    anchor = ctx.needs("year")
    if anchor is None:
        unresolved = f"XXXX-{fixed[0]:02d}-{fixed[1]:02d}" if fixed else None
        return found("DATE", None, "holiday", anchored=False, unresolved=unresolved,
                     precision="day" if fixed else None)  # fmt: skip
    a = anchor.start
    days = [
        date(y, *fixed) if fixed else _MOVABLE_HOLIDAYS[name](y)
        for y in (a.year - 1, a.year, a.year + 1)
    ]
    if rel == "last":
        d = max(x for x in days if x < a)
    elif rel == "next":
        d = min(x for x in days if x > a)
    elif rel == "this" or anchor.precision == "year":
        d = days[1]
    else:
        d = min(days, key=lambda x: (abs((x - a).days), x))
    return found("DATE", Period(d, "day"), f"holiday:{rel or 'closest'}", anchored=True)
