"""The grammar of time expressions: one named regular expression per kind.

Each rule finds one kind of expression ("Jan. 5, 2020", "last week", "three
years", "every month"...) and names its parts with groups; the resolver of the
same name (:mod:`storyline.nlp.timex_resolve`) turns a match into a value.
Where rules overlap, :func:`candidates` keeps the longest match, then the
earlier rule. Month names match only capitalised ("may" and "march" are
verbs); other words match in any case.

Example:
    >>> [(c.rule, c.match.group(0)) for c in candidates("He left last week, on May 5.")]
    [('relative_unit', 'last week'), ('date_mdy', 'May 5')]
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from storyline.nlp.timex_lexicon import (
    DAY_NUMBER,
    DAY_ORDINAL_WORD,
    DURATION_MOD,
    MONTH,
    PART_OF_DAY,
    QUANTITY,
    SEASON,
    SPOKEN_YEAR,
    UNIT_WORD,
    WEEKDAY_ANY,
    YEAR,
)

_L = r"(?<![\w$£€#@/.:-])"  # not inside a word, a number, an amount or a path
_R = r"(?![\w%]|[.,:/-]\d)"
_MONTH = rf"(?-i:{MONTH})"
_WEEKDAY = WEEKDAY_ANY
_DAY = rf"(?:{DAY_NUMBER}|{DAY_ORDINAL_WORD})"
_SPAN_MOD = (
    r"(?:early|late|mid-?|the end of|the beginning of|the start of|the middle of|the close of|"
    r"the rest of|the remainder of|the first part of|the latter part of|the turn of)"
)
_TZ = r"(?:(?-i:[ECMP][SD]T|GMT|UTC|[A-Z]{3}T))|local time"

# Order matters only between matches of equal length: earlier wins.
_RULES: tuple[tuple[str, str], ...] = (
    # 2020-01-05, 2020-01-05T17:45
    (
        "iso_date",
        r"(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?:[T ](?P<H>[0-2]\d):(?P<M>[0-5]\d))?",
    ),
    # 1/5/2020 (news in English: month first)
    ("numeric_date", r"(?P<m>1[0-2]|0?[1-9])/(?P<d>[12]\d|3[01]|0?[1-9])/(?P<y>\d{4}|\d\d)"),
    # "Sunday, Jan. 5, 2020", "Jan. 5", "March eighth", "mid-May 5"
    (
        "date_mdy",
        rf"(?:{_WEEKDAY},?\s+|(?P<rel>last|next|this)\s+)?(?P<month>{_MONTH})\s+(?P<day>{_DAY})"
        rf"(?:,?\s+(?P<year>{YEAR})|\s+'(?P<yy>\d\d))?",
    ),
    # "5 January 2020", "the fifth of March", "Sunday 5 January"
    (
        "date_dmy",
        rf"(?:{_WEEKDAY},?\s+)?(?:the\s+)?(?P<day>{_DAY})(?:\s+of)?\s+(?P<month>{_MONTH})"
        rf"(?:,?\s+(?P<year>{YEAR}))?",
    ),
    # "August 1988", "early March of 2020", "June '98"
    (
        "month_year",
        rf"(?:(?P<mod>{_SPAN_MOD})[\s-]*)?(?P<month>{_MONTH})(?:\s+of)?,?\s+"
        rf"(?:(?P<year>{YEAR})|'(?P<yy>\d\d))",
    ),
    # "January", "last June", "early September", "the end of November"
    (
        "month",
        rf"(?:(?P<rel>this past|this coming|last|next|this|coming|past)\s+)?"
        rf"(?:(?P<mod>{_SPAN_MOD})[\s-]*)?(?P<month>{_MONTH})",
    ),
    # "1990", "fiscal 1989", "the end of 1990", "the year 2000", "1998-99"
    (
        "year",
        rf"(?:(?P<mod>{_SPAN_MOD})\s*)?(?P<fiscal>(?:fiscal|calendar|the|model)\s+year\s+|"
        rf"fiscal\s+|FY\s?)?(?P<year>{YEAR})(?:\s*[-/]\s*(?P<year2>{YEAR}|\d\d)(?![-/]))?",
    ),
    ("spoken_year", rf"(?:the\s+year\s+)?(?P<words>{SPOKEN_YEAR})"),
    # "the 1990s", "the mid-1980s", "the '80s", "the nineties"
    (
        "decade",
        r"(?:the\s+)?(?:(?P<mod>early|mid-?|late)[- ]?)?(?:(?P<dec>1\d\d0|20\d0)'?s"
        r"|'(?P<dec2>\d0)'?s|(?P<word>(?:nineteen[- ])?(?:twenties|thirties|forties|fifties|"
        r"sixties|seventies|eighties|nineties)))",
    ),
    ("century", r"(?:the\s+)?(?P<ord>\d{1,2}(?:st|nd|rd|th)|[a-z]+(?:[- ][a-z]+)?)\s+century"),
    # "the third quarter", "third-quarter", "the fiscal first quarter of 1990", "the first half"
    (
        "quarter",
        r"(?:(?P<det>the|this|last|next|its|their|(?P<yrel>this|last|next)\s+year's|"
        rf"(?:fiscal\s+)?(?P<pyear>{YEAR})'?s?)\s+)?(?P<adj>(?:(?:year-earlier|year-ago|"
        r"fiscal|fiscal-year|calendar|current|latest|same)[- ])*)"
        r"(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|final|last|latter)[- ]"
        r"(?:fiscal[- ])?(?P<unit>quarter|half)(?!s)"
        rf"(?:\s+of\s+(?:fiscal\s+)?(?:(?P<year>{YEAR})|(?P<ofrel>this|last|next|the)\s+"
        r"(?:fiscal\s+)?year))?",
    ),
    # "the quarter", "the latest quarter", "the year-earlier period"
    (
        "quarter_ref",
        r"(?P<det>the|this|that)\s+(?P<adj>(?:(?:year-earlier|year-ago|fiscal|current|latest|"
        rf"same|most recent|recent|just-ended|just-completed|comparable|{YEAR})\s+)*)"
        r"(?P<unit>quarter|period)(?!s|-)",
    ),
    # "year-earlier", "year-ago"
    ("year_ago_adj", r"(?:the\s+)?year-(?:earlier|ago)(?!\s+(?:quarter|period))"),
    # "today", "yesterday", "tonight", "the day before yesterday"
    (
        "deictic_day",
        r"(?P<word>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|today|"
        r"yesterday|tomorrow|tonight|overnight)(?P<poss>'s)?",
    ),
    # "this morning", "Friday night", "late yesterday afternoon", "the morning"
    (
        "part_of_day",
        r"(?:(?P<mod>early|late|mid-?)\s*)?(?P<when>this|last|tomorrow|yesterday|that|the|"
        rf"today|{_WEEKDAY})\s+(?P<part>{PART_OF_DAY})",
    ),
    # "noon Thursday", "mid-afternoon yesterday", "Thursday noon"
    (
        "part_then_day",
        r"(?P<part>noon|midnight|mid-?afternoon|mid afternoon|midday)\s+(?:on\s+)?"
        rf"(?P<when>today|yesterday|tomorrow|{_WEEKDAY})",
    ),
    ("part_alone", r"(?P<part>mid-?afternoon|mid afternoon|midday|midmorning|mid-morning)"),
    # "Friday", "last Tuesday", "this coming Sunday", "early Friday", "Mondays"
    (
        "weekday",
        r"(?:(?P<rel>this past|this coming|last|next|this|coming|past|the previous|"
        r"the following|the next|the same|that|early|late)\s+)?"
        rf"(?P<wd>{_WEEKDAY})(?P<plural>s)?(?:\s+(?P<part>mornings|afternoons|evenings|nights))?",
    ),
    # "5 p.m.", "17:45", "noon", "around 7:15 p.m. EST", "10 o'clock"
    (
        "clock",
        r"(?:(?P<approx>about|around|approximately|shortly after|shortly before|just after|"
        r"just before)\s+)?(?:(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<m>[0-5]\d))?\s*"
        r"(?P<ampm>[ap]\.\s?m\.|[ap]m)(?!\w)|(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)(?![\d:])"
        r"|(?P<word>noon|midnight)|(?P<oc>1[0-2]|[1-9]|one|two|three|four|five|six|seven|"
        rf"eight|nine|ten|eleven|twelve)\s+o'clock)(?:\s+(?P<tz>{_TZ}))?",
    ),
    # "two days ago", "a year earlier", "three months later", "several years ago"
    (
        "offset",
        rf"(?:(?P<mod>{DURATION_MOD})\s+)?(?P<q>{QUANTITY})[\s-]+(?P<unit>{UNIT_WORD})"
        r"(?:\s+or\s+so)?\s+(?P<dir>ago|earlier|later|from now|hence|back|before that|after that)",
    ),
    # "last week", "next month", "this year", "the past year", "earlier this month"
    (
        "relative_unit",
        rf"(?:(?P<mod>{_SPAN_MOD}|earlier|later)\s+)?(?P<rel>this past|this coming|the coming|"
        r"the past|the last|the previous|the following|the next|the current|the same|the latest"
        r"|the prior|the full|the entire|the whole|last|next|this|coming|past|that|the)\s+"
        r"(?:(?P<mod2>early|late|mid-?)\s*)?(?P<fiscal>fiscal\s+|calendar\s+|school\s+|academic\s+)?"
        rf"(?P<unit>week|weekend|month|quarter|year|decade|century|day|{SEASON})(?!s|-)"
        rf"(?:\s+of\s+(?P<year>{YEAR}))?",
    ),
    ("year_end", r"(?P<word>year-end|year's end|year end|yearend)"),
    # "three years", "the past two months", "a two-year", "more than 48 hours", "days"
    (
        "duration",
        rf"(?:(?P<mod>{DURATION_MOD})\s+(?!the\s|each\s|all\s))?"
        r"(?:(?P<det>the|each of the|all of the|all)\s+)?"
        r"(?:(?P<rel>past|last|next|coming|first|previous|following|final|remaining|latest|"
        r"same|prior|initial|preceding|ensuing|succeeding|recent|past few|last few|next few|"
        r"future)\s+)?"
        rf"(?:(?P<q>{QUANTITY})(?:\s+(?:or|to)\s+(?P<q2>{QUANTITY}))?(?P<hyph>[- ]))?"
        r"(?:(?:more|full|straight|consecutive|trading|business|working|calendar|fiscal|"
        rf"additional|long)\s+)?(?P<unit>{UNIT_WORD})(?P<half>\s+and\s+a\s+half)?(?:\s+or\s+so)?"
        r"(?P<old>-old|\s+old)?",
    ),
    # "now", "currently", "recently", "the future", "soon"
    (
        "ref",
        r"(?P<word>right now|now|currently|current|nowadays|these days|at present|"
        r"presently|the present|at the moment|recently|recent|lately|the past|the time|"
        r"the future|the foreseeable future|the near future|the near term|the short term|"
        r"as soon as possible|soon|the time being|for the moment|a while|some time|a later date)",
    ),
    # "every week", "each Thursday", "annually", "Mondays", "twice a year"
    (
        "set",
        r"(?:(?P<every>every|each|per)\s+(?:other\s+)?(?:(?P<q>[a-z0-9-]+)\s+)?"
        rf"(?P<unit>{UNIT_WORD}|{_WEEKDAY}|{PART_OF_DAY}|{_MONTH})"
        r"|(?P<adv>annually|yearly|hourly|nightly|daily|weekly|monthly|biweekly|"
        r"semiannually|semi-annually))",
    ),
    # "Christmas", "Thanksgiving Day", "New Year's Eve", "Christmas 2018", "Easter of 2017"
    (
        "holiday",
        r"(?:(?P<rel>last|next|this)\s+)?(?-i:(?P<name>Christmas(?: Day| Eve)?|New Year's(?: Day|"
        r" Eve)?|Thanksgiving(?: Day)?|Easter(?: Sunday)?|Halloween|Valentine's Day|"
        r"Independence Day|Labor Day|Memorial Day|July Fourth|Fourth of July|Boxing Day|"
        r"Election Day))(?:,?\s+(?:of\s+)?(?P<year>(?:1[89]|20)\d\d)(?![\d,.]\d))?",
    ),
)

RULE_NAMES: tuple[str, ...] = tuple(name for name, _ in _RULES)
_COMPILED: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(_L + pattern + _R, re.IGNORECASE)) for name, pattern in _RULES
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One rule's match; ``order`` is the rule's rank (lower wins ties)."""

    rule: str
    match: re.Match[str]
    order: int

    @property
    def start(self) -> int:
        return self.match.start()

    @property
    def end(self) -> int:
        return self.match.end()


def all_matches(text: str) -> list[Candidate]:
    """Every match of every rule, overlapping ones included, in text order.

    A rule may match at a position where a longer rule also matches; both are
    kept so :func:`candidates` can choose.
    """
    found: list[Candidate] = []
    for order, (name, pattern) in enumerate(_COMPILED):
        pos = 0
        while True:
            m = pattern.search(text, pos)
            if m is None:
                break
            if m.end() > m.start():
                found.append(Candidate(name, m, order))
            # Step one character on, so a match starting inside this one is seen too.
            pos = m.start() + 1
    found.sort(key=lambda c: (c.start, -c.end, c.order))
    return found


def select(found: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: the longest first, then the earlier rule, then leftmost.

    The spans taken so far are kept sorted and disjoint, so checking a candidate
    looks at its two neighbours only: O(n log n) for n candidates, not O(n²)
    (a long single-line text can hold tens of thousands of them).
    """
    chosen: list[Candidate] = []
    starts: list[int] = []  # sorted starts of the taken spans
    ends: list[int] = []  # their ends, in the same order
    for c in sorted(found, key=lambda c: (-(c.end - c.start), c.order, c.start)):
        i = bisect.bisect_right(starts, c.start)
        if i > 0 and ends[i - 1] > c.start:
            continue  # the span starting at or before c runs into it
        if i < len(starts) and starts[i] < c.end:
            continue  # the next span starts inside c
        chosen.append(c)
        starts.insert(i, c.start)
        ends.insert(i, c.end)
    return sorted(chosen, key=lambda c: c.start)


def candidates(text: str) -> list[Candidate]:
    """The matches :func:`select` keeps from :func:`all_matches`, in text order."""
    return select(all_matches(text))
