"""Numeric expressions in text: value, bounds, hedge and unit, with offsets.

:func:`find_numbers` reads digits ("13", "5,200", "1.5 million", "$2bn"), number
words ("three", "twenty-five", "a hundred and two"), vague amounts ("a dozen",
"dozens", "hundreds", "tens of thousands"), ranges ("between 5 and 10", "5-10",
"3 to 4"), hedges before them ("more than", "around", "up to") and the unit after
or before them (currencies, percent, common measures). Years, clock times, dates,
ordinals, phone-like strings and numbers glued to names ("F-16", "COVID-19") are
skipped: they are not quantities. Everything is rules over the string; nothing is
guessed: a number with no unit word has unit ``count``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Number", "find_numbers"]


@dataclass(frozen=True, slots=True)
class Number:
    """One numeric expression: ``text == source[start:end]``.

    ``value`` is the stated number (a range's midpoint); ``low``/``high`` its
    bounds (None when open: "more than 80" has low 80, high None); ``approximate``
    is True for "around", "nearly", "dozens"...; ``hedge`` the hedge words as
    written; ``unit`` a normalised unit ("count", "USD", "percent", "km"...).
    """

    start: int
    end: int
    text: str
    value: float | int
    low: float | int | None
    high: float | int | None
    approximate: bool = False
    hedge: str | None = None
    unit: str = "count"


_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALE = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_SHORT_SCALE = {
    "k": 1000,
    "m": 10**6,
    "mn": 10**6,
    "bn": 10**9,
    "b": 10**9,
    "t": 10**12,
    "tn": 10**12,
}
_VAGUE = {  # word: (low, value) ; "dozens" means at least two dozen
    "dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "millions": 2 * 10**6,
    "billions": 2 * 10**9,
}  # fmt: skip

_HEDGES = {
    # hedge: (kind, approximate) kind: low | high | approx | exact
    "more than": ("low", False), "over": ("low", False), "at least": ("low", False),
    "upwards of": ("low", False), "in excess of": ("low", False), "no fewer than": ("low", False),
    "no less than": ("low", False), "just over": ("low", True), "well over": ("low", False),
    "up to": ("high", False), "fewer than": ("high", False), "less than": ("high", False),
    "under": ("high", False), "at most": ("high", False), "as many as": ("high", False),
    "no more than": ("high", False), "just under": ("high", True),
    "nearly": ("high", True), "almost": ("high", True),
    "around": ("approx", True), "about": ("approx", True), "approximately": ("approx", True),
    "roughly": ("approx", True), "some": ("approx", True), "an estimated": ("approx", True),
    "estimated": ("approx", True), "close to": ("approx", True), "about some": ("approx", True),
    "an approximate": ("approx", True), "circa": ("approx", True), "or so": ("approx", True),
    "exactly": ("exact", False), "precisely": ("exact", False),
}  # fmt: skip

_CURRENCY_PREFIX = {
    "us$": "USD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "a$": "AUD",
    "c$": "CAD",
}
_UNITS: dict[str, str] = {}
for _unit, _words in {
    "USD": "dollars dollar usd us dollars",
    "EUR": "euros euro eur",
    "GBP": "pounds sterling pounds pound gbp",
    "JPY": "yen",
    "percent": "% percent per cent percentage points pct",
    "km": "km kilometres kilometers kilometre kilometer",
    "mile": "miles mile mi",
    "m": "metres meters metre meter",
    "cm": "cm centimetres centimeters",
    "mm": "mm millimetres millimeters",
    "kg": "kg kilograms kilogram kilos",
    "tonne": "tonnes tonne tons ton metric tons",
    "lb": "lbs lb pounds-mass",
    "mg": "mg milligrams milligram",
    "g": "grams gram",
    "litre": "litres liters litre liter l",
    "gallon": "gallons gallon",
    "barrel": "barrels barrel",
    "km2": "square kilometres square kilometers km2 sq km",
    "sq mi": "square miles sq mi",
    "hectare": "hectares hectare",
    "acre": "acres acre",
    "inch": "inches inch",
    "foot": "feet foot ft",
    "celsius": "degrees celsius °c degrees c",
    "fahrenheit": "degrees fahrenheit °f",
    "km/h": "kilometres per hour kilometers per hour km/h kph",
    "mph": "miles per hour mph",
    "year": "years year",
    "month": "months month",
    "week": "weeks week",
    "day": "days day",
    "hour": "hours hour hrs",
    "minute": "minutes minute",
    "MW": "megawatts mw",
    "GW": "gigawatts gw",
}.items():
    for _w in sorted(set([_words] + _words.split()), key=len, reverse=True):
        _UNITS.setdefault(_w, _unit)
for _phrase in ("us dollars", "pounds sterling", "per cent", "percentage points", "metric tons",
                "square kilometres", "square kilometers", "sq km", "square miles", "sq mi",
                "degrees celsius", "degrees c", "degrees fahrenheit", "kilometres per hour",
                "kilometers per hour", "miles per hour"):  # fmt: skip
    _UNITS[_phrase] = {
        "us dollars": "USD",
        "pounds sterling": "GBP",
        "per cent": "percent",
        "percentage points": "percent",
        "metric tons": "tonne",
        "square kilometres": "km2",
        "square kilometers": "km2",
        "sq km": "km2",
        "square miles": "sq mi",
        "sq mi": "sq mi",
        "degrees celsius": "celsius",
        "degrees c": "celsius",
        "degrees fahrenheit": "fahrenheit",
        "kilometres per hour": "km/h",
        "kilometers per hour": "km/h",
        "miles per hour": "mph",
    }[_phrase]
_UNITS.pop("us dollars us dollars", None)

_WORDNUM = "|".join(sorted([*_SMALL, *_SCALE], key=len, reverse=True))
_NUM_WORDS_RE = rf"(?:{_WORDNUM})(?:(?:[\s-]+|\s+and\s+|,\s+)(?:{_WORDNUM}))*"
_DIGITS_RE = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_SCALE_RE = r"(?:\s*(?:hundred|thousand|million|billion|trillion)\b|(?:k|m|mn|bn|b|tn|t)\b)"
_ATOM = (
    rf"(?:(?P<cur>US\$|A\$|C\$|[$€£¥])\s?)?(?:(?<![\w.])(?P<neg>[-−]))?(?P<num>{_DIGITS_RE})(?P<scale>{_SCALE_RE})?"
    rf"|(?P<words>\b(?:an?\s+)?(?:{_NUM_WORDS_RE})\b)"
    r"|(?P<vague>\b(?:a\s+dozen|half\s+a\s+dozen|a\s+few\s+dozen|tens\s+of\s+thousands|"
    r"hundreds\s+of\s+thousands|tens\s+of\s+millions|hundreds\s+of\s+millions|"
    r"dozens|scores|hundreds|thousands|millions|billions)\b)"
)
_ATOM_RE = re.compile(_ATOM, re.IGNORECASE)
_UNIT_RE = re.compile(
    r"\s?(?P<u>"
    + "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
    + r")(?![\w])",
    re.IGNORECASE,
)
_HEDGE_RE = re.compile(
    r"(?P<h>\b(?:"
    + "|".join(re.escape(h) for h in sorted(_HEDGES, key=len, reverse=True) if h != "or so")
    + r"))\s+$",
    re.IGNORECASE,
)
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december"
)
_DATE_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s*$", re.IGNORECASE)
_DATE_AFTER = re.compile(
    rf"^\s*(?:{_MONTHS})\b|^(?:st|nd|rd|th)\b|^\s*(?:a\.?m\.?|p\.?m\.?|gmt|utc)\b|^:\d",
    re.IGNORECASE,
)
_GLUED_BEFORE = re.compile(r"(?:[A-Za-z]-?|[/:#]|\d[-/.])$")
_GLUED_AFTER = re.compile(r"^(?:[-/]\d|[A-Za-z]*\d|:\d|\.\d)")
_BARE_LETTERS = frozenset({"m", "l", "t", "us", "mi", "g"})
"""Unit letters too ambiguous after a space ("5 m" may be "5 m(illion)")."""
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|to|and)\s*$", re.IGNORECASE)
_ORDINAL_WORDS = re.compile(r"^[-\s]*(?:st|nd|rd|th)\b")


def _words_value(words: str) -> int | None:
    """The value of "twenty-five", "a hundred and two", "three million two hundred"."""
    total, current, seen = 0, 0, False
    for w in re.split(r"[\s,-]+", words.lower()):
        if w in ("", "and", "&"):
            continue
        if w in ("a", "an"):
            current = max(current, 1)
            continue
        if w in _SMALL:
            current += _SMALL[w]
            seen = True
        elif w == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif w in _SCALE:
            total += max(current, 1) * _SCALE[w]
            current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def _vague_value(text: str) -> tuple[int, int | None]:
    """``(low, high)`` of a vague amount."""
    t = re.sub(r"\s+", " ", text.lower())
    fixed = {"a dozen": (12, 12), "half a dozen": (6, 6), "a few dozen": (24, 60)}
    if t in ("a dozen", "half a dozen"):
        return fixed[t]
    if t in fixed:
        return fixed[t]
    m = re.match(r"(tens|hundreds) of (thousands|millions)", t)
    if m:
        base = _SCALE[m.group(2)[:-1]]
        return (20 if m.group(1) == "tens" else 200) * base, None
    return _VAGUE[t], None


def _atom_value(m: re.Match[str]) -> tuple[float | int, bool, bool] | None:
    """``(value, vague, from_words)`` of one atom match."""
    if m.group("num"):
        raw = m.group("num").replace(",", "")
        val: float | int = float(raw) if "." in raw else int(raw)
        scale = (m.group("scale") or "").strip().lower()
        if scale:
            val = val * (_SCALE.get(scale) or _SHORT_SCALE[scale])
            if isinstance(val, float) and val.is_integer():
                val = int(val)
        if m.group("neg"):
            val = -val
        return val, False, False
    if m.group("words"):
        v = _words_value(m.group("words"))
        return (v, False, True) if v is not None else None
    return _vague_value(m.group("vague"))[0], True, False


def _skip(text: str, m: re.Match[str], unit: str | None, ranged: bool = False) -> bool:
    """Years, dates, clock times, ordinals, codes and phone-like strings are not quantities."""
    s, e = m.start(), m.end()
    before, after = text[max(0, s - 12) : s], text[e : e + 12]
    if m.group("num") and not m.group("cur"):
        raw = m.group("num")
        if _GLUED_BEFORE.search(before) or (_GLUED_AFTER.match(after) and not ranged):
            return True
        if _DATE_BEFORE.search(before) or _DATE_AFTER.match(after):
            return True
        is_year = re.fullmatch(r"1[5-9]\d\d|20\d\d", raw) and not m.group("scale")
        if (
            is_year
            and unit in (None, "year")
            and not re.search(r"\b(?:than|of|some|about)\s*$", before)
        ):
            return True
        if re.fullmatch(r"\d{5,}", raw) and raw.startswith("0"):
            return True
    if m.group("words") and _ORDINAL_WORDS.match(after):
        return True
    return False


def find_numbers(text: str) -> list[Number]:
    """Every numeric expression of ``text``, in order.

    Args:
        text: any text.

    Returns:
        :class:`Number` items with offsets into ``text``; vague amounts
        ("dozens", "tens of thousands") have ``low`` at their smallest reading,
        ``high`` None and ``approximate`` True.

    Example:
        >>> [(n.text, n.value, n.low, n.unit) for n in find_numbers("More than 5,200 and $2m")]
        [('More than 5,200', 5200, 5200, 'count'), ('$2m', 2000000, 2000000, 'USD')]
    """
    atoms = [m for m in _ATOM_RE.finditer(text) if m.group(0).strip()]
    out: list[Number] = []
    i = 0
    while i < len(atoms):
        m = atoms[i]
        got = _atom_value(m)
        if got is None or (m.group("words") and m.group("words").lower().strip() in ("a", "an")):
            i += 1
            continue
        value, vague, _ = got
        start, end = m.start(), m.end()
        if m.group("words"):
            lead = re.match(r"(?i)an?\s+", m.group(0))
            if lead and not re.search(r"(?i)hundred|thousand|million|billion|trillion", m.group(0)):
                start += lead.end()
        low: float | int | None = value
        high: float | int | None = value
        if vague:
            low, high = _vague_value(m.group("vague"))
            value = low
        unit = _CURRENCY_PREFIX.get((m.group("cur") or "").lower())
        # a range: "5-10", "5 to 10", "between 5 and 10", "from 5 to 10"
        rng_end = None
        if i + 1 < len(atoms) and not vague:
            n2 = atoms[i + 1]
            join = text[end : n2.start()]
            got2 = _atom_value(n2)
            prefix = text[max(0, start - 8) : start].lower()
            ok_join = _RANGE_JOIN.match(join) and got2 is not None and not got2[1]
            if (
                ok_join
                and join.strip().lower() == "and"
                and not prefix.rstrip().endswith("between")
            ):
                ok_join = None
            if ok_join and got2 is not None and got2[0] > value:
                low, high, rng_end = value, got2[0], n2
                if n2.group("cur"):
                    unit = unit or _CURRENCY_PREFIX.get(n2.group("cur").lower())
                end = n2.end()
                lead = re.search(r"(?i)\b(?:between|from)\s+$", text[max(0, start - 9) : start])
                if lead:
                    start -= len(lead.group(0))
        um = _UNIT_RE.match(text, end)
        if um and not (um.group(0)[:1].isspace() and um.group("u").lower() in _BARE_LETTERS):
            u = _UNITS[um.group("u").lower()]
            if unit is None or unit == u:
                unit = u
                end = um.end()
        if _skip(text, m, unit, rng_end is not None):
            i += 1
            continue
        hedge = None
        approximate = vague and low != high
        hm = _HEDGE_RE.search(text, max(0, start - 25), start)
        if hm:
            hedge = hm.group("h")
            kind, approx = _HEDGES[hedge.lower()]
            approximate = approximate or approx
            start = hm.start("h")
            if kind == "low":
                high = None
            elif kind == "high":
                low, high = None, value if high is None else high
        tail = re.match(r"\s+or so\b", text[end:])
        if tail:
            approximate, hedge = True, hedge or "or so"
            end += tail.end()
        if rng_end is not None and low is not None and high is not None and low != high:
            value = (low + high) / 2
            if isinstance(value, float) and value.is_integer():
                value = int(value)
        out.append(
            Number(
                start, end, text[start:end], value, low, high, approximate, hedge, unit or "count"
            )
        )
        i += 2 if rng_end is not None else 1
    return out
