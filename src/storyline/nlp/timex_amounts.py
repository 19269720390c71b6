"""Resolvers for amounts of time: durations, references to the present/past/future, sets.

"three years" is ``P3Y``, "48 hours" ``PT48H``, "several months" ``PXM``;
"now" is ``PRESENT_REF``, "recently" ``PAST_REF``, "the future" ``FUTURE_REF``;
"every week" is a SET ``P1W``, "each Thursday" ``XXXX-WXX-4``. None of these
needs the publication date.

Example:
    >>> duration_value(2.5, "year"), duration_value(None, "day"), duration_value(90, "minute")
    ('P2Y6M', 'PXD', 'PT90M')
"""

from __future__ import annotations

import re

from storyline.nlp.timex_context import Ctx, Resolved, mid_sentence
from storyline.nlp.timex_lexicon import (
    CLOCK_UNITS,
    MONTHS,
    PARTS_OF_DAY,
    UNITS,
    WEEKDAYS,
    number_value,
)


def unit_name(word: str) -> str:
    """The unit a word names, singular ("centuries" -> "century", "days" -> "day")."""
    w = word.lower()
    if w in ("centuries", "century"):
        return "century"
    if w.startswith("millenni") or w == "millenium":
        return "millennium"
    return w[:-1] if w.endswith("s") and w[:-1] in UNITS else w


def duration_value(n: float | None, unit: str, n2: float | None = None) -> str:
    """The TIMEX3 duration of ``n`` units: P3Y, PT48H, PXD, P2Y6M.

    Args:
        n: how many (None: unknown, "several").
        unit: a unit name from :func:`unit_name`.
        n2: the top of a range ("two to three weeks"): the count is then unknown.

    Returns:
        The value; a fraction goes to the next smaller unit (2.5 years: P2Y6M).
    """
    letter = UNITS[unit]
    clock_unit = unit in CLOCK_UNITS
    prefix = "PT" if clock_unit else "P"
    if unit == "weekend":
        letter = "WE"
    if n is None or n2 is not None:
        return f"{prefix}X{letter}"
    if n == int(n):
        return f"{prefix}{int(n)}{letter}"
    whole, frac = int(n), n - int(n)
    smaller = {"Y": (12, "M"), "D": (24, "TH"), "W": (7, "D"), "M": (30, "D")}
    if clock_unit:
        smaller = {"H": (60, "M"), "M": (60, "S")}
    if letter in smaller:
        k, small = smaller[letter]
        rest = round(frac * k)
        head = f"{prefix}{whole}{letter}" if whole else prefix
        if small == "TH":
            return f"{head}T{rest}H" if whole else f"PT{rest}H"
        return f"{head}{rest}{small}"
    return f"{prefix}{n:g}{letter}"


_MONEY_BEFORE = re.compile(
    r"(?:[$£€¥]\s?\d[\d.,]*(?:\s+(?:million|billion|thousand))?|\d[\d.,]*\s*(?:%|percent|"
    r"cents?|dollars|times|million|billion)|twice|once|times|thrice)\s*$",
    re.IGNORECASE,
)
# "700 seats a week", "four flights a week": a rate.
_COUNT_BEFORE = re.compile(
    r"(?:\d[\d,.]*|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|hundred|dozen)"
    r"(?:\s+[a-z]+){1,2}\s+$"
)
_DURATION_PREPOSITIONS = frozenset("for in within over after during of about nearly than".split())


def duration(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "three years", "the past two months", "a two-year", "weeks", "$5 a year"."""
    if m["old"]:
        return None  # an age ("45-year-old") is not a time expression
    if m["unit"][0].isupper() and mid_sentence(ctx, m):
        return None  # "60 Minutes", "Seven Years in Tibet": a title
    unit = unit_name(m["unit"])
    q = m["q"]
    plural = m["unit"].lower().endswith(("s", "ia"))
    if q is None:
        if not plural:
            return None  # a bare "year" or "the week": see relative_unit
        if not (m["rel"] or m["mod"] or ctx.previous_word(m) in _DURATION_PREPOSITIONS):
            return None
        rel = (m["rel"] or "").lower()
        if rel == "recent" and unit == "year":
            return Resolved("DATE", "PAST_REF", None, False, "duration:recent")
        if rel == "future":
            return Resolved("DATE", "FUTURE_REF", None, False, "duration:future")
        return Resolved("DURATION", duration_value(None, unit), None, False, "duration:vague")
    n = number_value(q)
    if re.fullmatch(r"1\d{3}|20\d\d", q) and not plural:
        return None  # "the 1988 quarter" is a date, not 1,988 quarters
    if unit == "quarter" and re.match(r"\s+of\b", ctx.next_text(m)) and n in (1, 3):
        return None  # "a quarter of the market", "three-quarters of its food": fractions
    if q.lower() in ("a", "an") and not (m["mod"] or m["det"] or m["rel"]):
        if plural or unit == "second":
            return None  # "a second group": an ordinal
        before = ctx.text[max(0, m.start() - 40) : m.start()]
        if _MONEY_BEFORE.search(before) or _COUNT_BEFORE.search(before):
            return Resolved("SET", duration_value(1, unit), None, False, "set:per")
    if n is not None and m["half"]:
        n += 0.5
    n2 = number_value(m["q2"]) if m["q2"] else None
    if n is not None and n == 0:
        return None
    return Resolved("DURATION", duration_value(n, unit, n2), None, False, "duration")


_REFS = {
    "PRESENT_REF": ("right now", "now", "currently", "current", "nowadays", "these days",
                    "at present", "at the moment", "presently", "the present", "the time being",
                    "for the moment"),
    "PAST_REF": ("recently", "recent", "lately", "the past", "the time"),
    "FUTURE_REF": ("the future", "the foreseeable future", "the near future", "the near term",
                   "the short term", "soon", "a later date", "as soon as possible"),
    "PXX": ("a while", "some time"),
}  # fmt: skip
_REF_OF = {w: value for value, words in _REFS.items() for w in words}


def ref(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "now", "currently", "recently", "the future": PRESENT_REF, PAST_REF, FUTURE_REF."""
    word = re.sub(r"\s+", " ", m["word"].lower())
    nxt = ctx.next_text(m, 20).lower()
    if word == "current" and re.match(r"\s+(?:account|events|affairs|flows?|assets)", nxt):
        return None  # economic and news terms, not times
    if word == "the time" and ctx.previous_word(m) != "at":
        return None  # only "at the time" refers to a past moment
    if word == "soon" and (ctx.previous_word(m) == "as" or re.match(r"\s+after", nxt)):
        return None  # "as soon as", "soon after": a conjunction, a relation
    value = _REF_OF[word]
    if value == "PXX":
        return Resolved("DURATION", value, None, False, "reference-word")
    return Resolved("DATE", value, None, False, "reference-word")


_SET_ADVERBS = {
    "annually": "P1Y", "yearly": "P1Y", "semiannually": "P6M", "semi-annually": "P6M",
    "hourly": "PT1H", "nightly": "P1D", "daily": "P1D", "weekly": "P1W", "biweekly": "P2W",
    "monthly": "P1M",
}  # fmt: skip


def set_(m: re.Match[str], ctx: Ctx) -> Resolved | None:
    """Resolve "every week", "each Thursday", "every other month", "annually"."""
    if m["adv"]:
        adv = m["adv"].lower()
        # "the Communist Party daily Granma", "a daily": a newspaper, not a frequency.
        if adv in ("daily", "weekly", "monthly", "biweekly") and (
            re.match(r"\s+[A-Z]", ctx.next_text(m, 3))
            or ctx.previous_word(m) in ("a", "the")
            and not re.match(r"\s+[a-z]", ctx.next_text(m, 3))
        ):
            return None
        return Resolved("SET", _SET_ADVERBS[adv], None, False, "set:adverb")
    word = m["unit"].lower()
    if word in WEEKDAYS:
        return Resolved("SET", f"XXXX-WXX-{WEEKDAYS[word]}", None, False, "set:weekday")
    if word in PARTS_OF_DAY:
        return Resolved("SET", f"XXXX-XX-XXT{PARTS_OF_DAY[word]}", None, False, "set:part")
    if word.rstrip(".") in MONTHS:
        return Resolved("SET", f"XXXX-{MONTHS[word.rstrip('.')]:02d}", None, False, "set:month")
    n: float | None = 1.0
    if m["q"]:
        n = number_value(m["q"])
        if n is None:
            return None
    if "other" in m.group(0).lower():
        n = (n or 1) * 2
    return Resolved("SET", duration_value(n, unit_name(word)), None, False, "set:every")
