"""Word lists and regex fragments for time expressions in English news.

Everything here is data: names of months, weekdays, units, parts of the day,
number words and the regular-expression pieces built from them. The grammar
(:mod:`storyline.nlp.timex_grammar`) assembles its patterns from these pieces,
and :func:`number_value` reads the quantities the patterns captured.

Example:
    >>> number_value("twenty-four"), number_value("2 1/2"), number_value("several")
    (24.0, 2.5, None)
"""

from __future__ import annotations

import re

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "october": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

WEEKDAYS: dict[str, int] = {
    "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5,
    "saturday": 6, "sunday": 7,
}  # fmt: skip
"""ISO weekday numbers, as TIMEX3 writes them (``XXXX-WXX-5`` is a Friday)."""

PARTS_OF_DAY: dict[str, str] = {
    "morning": "MO", "afternoon": "AF", "mid-afternoon": "AF", "midafternoon": "AF",
    "mid afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI",
    "tonight": "NI", "midday": "MI", "mid-day": "MI", "daytime": "DT",
}  # fmt: skip

SEASONS: dict[str, str] = {
    "spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"
}  # fmt: skip
# Where a season starts (month), so a season can be ordered against a date.
SEASON_MONTH: dict[str, int] = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}

UNITS: dict[str, str] = {
    "second": "S", "minute": "M", "hour": "H", "day": "D", "night": "D", "week": "W",
    "weekend": "WE", "month": "M", "quarter": "Q", "year": "Y", "decade": "E",
    "century": "C", "centurie": "C", "millennium": "L", "millennia": "L", "millenium": "L",
}  # fmt: skip
"""Unit word (singular stem) -> TIMEX3 duration letter.

Decades, centuries and millennia use TimeBank's letters (``P1E``, ``P2C``, ``P1L``).
``weekend`` is not a duration letter: a weekend lasts ``P2D``.
"""

CLOCK_UNITS = frozenset({"second", "minute", "hour"})

ORDINALS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
    "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7,
    "eighth": 8, "8th": 8, "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "eleventh": 11,
    "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30, "last": -1, "final": -1, "latter": -1,
}  # fmt: skip

_SMALL: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a": 1, "an": 1, "a single": 1, "another": 1, "an additional": 1,
    "an extra": 1, "a further": 1, "a couple of": 2, "a couple": 2,
    "couple of": 2, "a dozen": 12, "dozen": 12, "a half": 0.5, "half a": 0.5,
    "half an": 0.5, "one and a half": 1.5,
}  # fmt: skip
_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES: dict[str, int] = {"hundred": 100, "thousand": 1000}

VAGUE_QUANTITIES = (
    "a few", "few", "several", "many", "some", "a number of", "a series of", "numerous",
    "the next few", "countless", "a couple more", "more",
)  # fmt: skip
"""Quantities that give a duration an unknown count: ``several years`` is ``PXY``."""

# --- regex fragments ------------------------------------------------------------

_alt = "|".join

SMALL_WORD = _alt(
    sorted((w for w in _SMALL if " " not in w and w not in ("a", "an")), key=len, reverse=True)
)
TENS_WORD = _alt(_TENS)
# "twenty four", "twenty-four", "forty", "seven", "a hundred", "two thousand"
NUMBER_WORD = (
    rf"(?:(?:{TENS_WORD})(?:[- ](?:{SMALL_WORD}))?|(?:{SMALL_WORD}))"
    rf"(?:[- ](?:hundred|thousand))?|(?:a|one)[- ](?:hundred|thousand)"
)
# "48", "2.5", "2 1/2", "1,000"
NUMBER_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s+1/2)?"
NUMBER = rf"(?:{NUMBER_DIGITS}|{NUMBER_WORD})"
VAGUE = _alt(sorted(VAGUE_QUANTITIES, key=len, reverse=True))
# How many: a number, "a/an", "a couple of", or a vague word.
QUANTITY = (
    rf"(?:{NUMBER}|a couple of|a couple|couple of|a dozen|one and a half|a half|half an?|a single"
    r"|another|an additional|an extra|a further"
    rf"|{VAGUE}|an?)"
)

MONTH_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
# Abbreviations take their dot, or stand right before a day number ("Aug 7").
MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\."
MONTH_ABBR_NODOT = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?=\s+\d)"
MONTH = rf"(?:{MONTH_FULL}|{MONTH_ABBR}|{MONTH_ABBR_NODOT})"
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
WEEKDAY_ANY = r"(?:[Mm]onday|[Tt]uesday|[Ww]ednesday|[Tt]hursday|[Ff]riday|[Ss]aturday|[Ss]unday)"
DAY_NUMBER = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
DAY_ORDINAL_WORD = (
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    "thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|"
    "twentieth|twenty[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|"
    "thirtieth|thirty[- ]first"
)
# A four-digit year of the last millennium or this one (news rarely cites earlier ones).
YEAR = r"(?:1[0-9]\d\d|20\d\d)"
SPOKEN_YEAR = (
    rf"(?:nineteen|twenty)[- ](?:(?:{TENS_WORD})(?:[- ](?:one|two|three|four|five|six|seven|"
    r"eight|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
    r"nineteen|hundred)|two thousand(?: and)?(?: (?:one|two|three|four|five|six|seven|eight|"
    r"nine|ten))?"
)
UNIT_WORD = (
    r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|weekends?|months?|quarters?|years?|"
    r"decades?|century|centuries|millenni(?:um|a)|millenium)"
)
PART_OF_DAY = r"(?:morning|afternoon|mid-?afternoon|mid afternoon|evening|night|midday)"
SEASON = r"(?:spring|summer|fall|autumn|winter)"
# Words before a duration that bound or approximate it; TimeML keeps them in the span.
DURATION_MOD = (
    r"(?:about|around|approximately|roughly|nearly|almost|some|more than|less than|"
    r"fewer than|at least|at most|up to|no more than|no less than|over|just over|"
    r"just under|under|only|just|another|the better part of)"
)


def number_value(text: str) -> float | None:
    """The number a quantity phrase names, or None for a vague one.

    Args:
        text: digits ("48", "1,000", "2 1/2"), number words ("twenty four",
            "a couple of") or a vague quantity ("several").

    Returns:
        The value as a float; None when the phrase gives no count.

    Example:
        >>> number_value("a"), number_value("thirty-one"), number_value("a few")
        (1.0, 31.0, None)
    """
    t = re.sub(r"\s+", " ", text.strip().lower())
    if t in VAGUE_QUANTITIES:
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(?: 1/2)?", t.replace(",", ""))
    if m:
        return float(m.group(1)) + (0.5 if t.endswith("1/2") else 0.0)
    if t in _SMALL:
        return float(_SMALL[t])
    return _word_number(t)


def _word_number(t: str) -> float | None:
    """Read "twenty four", "two hundred", "a thousand"; None if a word is unknown."""
    total = 0
    current = 0
    for word in re.split(r"[- ]+", t.replace(" and ", " ")):
        if word in ("a", "one") and current == 0:
            current = 1
        elif word in _SMALL:
            current += _SMALL[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if word == "thousand":
                total, current = total + current, 0
        else:
            return None
    return float(total + current)


def ordinal_value(text: str) -> int | None:
    """The value of an ordinal word ("third", "3rd", "twenty-first"); -1 for "last"."""
    t = text.strip().lower().replace("-", " ")
    if t in ORDINALS:
        return ORDINALS[t]
    parts = t.split()
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in ORDINALS:
        return _TENS[parts[0]] + ORDINALS[parts[1]]
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)?", t)
    return int(m.group(1)) if m else None


def spoken_year(text: str) -> int | None:
    """A year said in words: "nineteen ninety-six" -> 1996, "two thousand" -> 2000."""
    t = text.strip().lower().replace("-", " ")
    if t.startswith("two thousand"):
        rest = t[len("two thousand") :].replace("and", "").strip()
        add = number_value(rest) if rest else 0.0
        return 2000 + int(add or 0)
    head, _, rest = t.partition(" ")
    century = {"nineteen": 1900, "twenty": 2000}.get(head)
    if century is None:
        return None
    if rest == "hundred":
        return century
    low = number_value(rest)
    return None if low is None else century + int(low)
