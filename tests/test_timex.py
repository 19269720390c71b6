"""Time expressions: each kind found and normalised, tense-aware weekdays, no anchor, no noise.

Every sentence here was written for these tests. The anchor is Saturday
2020-01-04 unless a case says otherwise.
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.nlp.timex import Timex, find_timexes
from storyline.nlp.timex_calendar import parse_anchor
from storyline.nlp.timex_lexicon import number_value
from storyline.nlp.timex_tense import tense_at

SATURDAY = "2020-01-04"


def _one(text: str, expression: str, published: str | None = SATURDAY) -> Timex:
    """The timex whose text is ``expression`` (fails with what was found otherwise)."""
    found = find_timexes(text, published)
    for t in found:
        if t.text == expression:
            return t
    raise AssertionError(f"{expression!r} not found in {[t.text for t in found]}")


# (sentence, expression, type, value, precision)
KINDS = [
    # explicit dates in news forms
    ("The talks ended on January 5, 2020.", "January 5, 2020", "DATE", "2020-01-05", "day"),
    ("The vote is set for Jan. 15.", "Jan. 15", "DATE", "2020-01-15", "day"),
    ("Prices peaked on 12 December 2019.", "12 December 2019", "DATE", "2019-12-12", "day"),
    ("The deal was struck on Sunday, Jan. 5.", "Sunday, Jan. 5", "DATE", "2020-01-05", "day"),
    ("The filing is dated 2019-11-30.", "2019-11-30", "DATE", "2019-11-30", "day"),
    ("Rates were cut on the fifth of March 2019.", "the fifth of March 2019", "DATE",
     "2019-03-05", "day"),
    # month, year, decade, century
    ("The plant closed in March 2018.", "March 2018", "DATE", "2018-03", "month"),
    ("It snowed heavily in December.", "December", "DATE", "2019-12", "month"),
    ("Output rose in 2014.", "2014", "DATE", "2014", "year"),
    ("Its fiscal 2019 results were weak.", "fiscal 2019", "DATE", "2019", "year"),
    ("Music of the 1990s is back.", "the 1990s", "DATE", "199", "decade"),
    ("Fashions of the '80s return.", "the '80s", "DATE", "198", "decade"),
    ("Cities of the 19th century grew.", "the 19th century", "DATE", "18", "century"),
    # deictic days and parts of the day
    ("The mayor spoke today.", "today", "DATE", "2020-01-04", "day"),
    ("The mayor spoke yesterday.", "yesterday", "DATE", "2020-01-03", "day"),
    ("The mayor speaks tomorrow.", "tomorrow", "DATE", "2020-01-05", "day"),
    ("The mayor speaks tonight.", "tonight", "TIME", "2020-01-04TNI", "part_of_day"),
    ("He called on Monday morning.", "Monday morning", "TIME", "2019-12-30TMO", "part_of_day"),
    ("The blast came late on Friday night.", "Friday night", "TIME", "2020-01-03TNI",
     "part_of_day"),
    ("Rain fell yesterday afternoon.", "yesterday afternoon", "TIME", "2020-01-03TAF",
     "part_of_day"),
    ("The shop was robbed last night.", "last night", "TIME", "2020-01-03TNI", "part_of_day"),
    # relative units
    ("Sales fell last month.", "last month", "DATE", "2019-12", "month"),
    ("The law takes effect next year.", "next year", "DATE", "2021", "year"),
    ("Prices rose this year.", "this year", "DATE", "2020", "year"),
    ("We met last week.", "last week", "DATE", "2019-W52", "week"),
    ("Talks continue this week.", "this week", "DATE", "2020-W01", "week"),
    ("They partied last weekend.", "last weekend", "DATE", "2019-W52-WE", "weekend"),
    ("Earlier this month the price rose.", "Earlier this month", "DATE", "2020-01", "month"),
    ("It was hot last summer.", "last summer", "DATE", "2019-SU", "season"),
    ("In the spring of 2019 it rained.", "the spring of 2019", "DATE", "2019-SP", "season"),
    ("Profit rose in the third quarter.", "the third quarter", "DATE", "2019-Q3", "quarter"),
    ("Sales in the first half of 2018 fell.", "the first half of 2018", "DATE", "2018-H1",
     "half"),
    ("He came home for Christmas.", "Christmas", "DATE", "2019-12-25", "day"),
    ("Christmas 2017 was quiet.", "Christmas 2017", "DATE", "2017-12-25", "day"),
    ("Easter of 2016 fell early.", "Easter of 2016", "DATE", "2016-03-27", "day"),
    # offsets
    ("Two days ago, the rebels left.", "Two days ago", "DATE", "2020-01-02", "day"),
    ("The firm was founded three years ago.", "three years ago", "DATE", "2017", "year"),
    ("The bridge opened a month ago.", "a month ago", "DATE", "2019-12", "month"),
    # durations
    ("Sales rose in the past two months.", "the past two months", "DURATION", "P2M", None),
    ("The war lasted three years.", "three years", "DURATION", "P3Y", None),
    ("The siege lasted 48 hours.", "48 hours", "DURATION", "PT48H", None),
    ("He signed a two-year contract.", "two-year", "DURATION", "P2Y", None),
    ("The drought lasted 2 1/2 years.", "2 1/2 years", "DURATION", "P2Y6M", None),
    ("Talks may take several months.", "several months", "DURATION", "PXM", None),
    ("Leaders met for nearly an hour.", "nearly an hour", "DURATION", "PT1H", None),
    # references to the present, past, future
    ("Prices are now higher.", "now", "DATE", "PRESENT_REF", None),
    ("The firm currently employs 40 people.", "currently", "DATE", "PRESENT_REF", None),
    ("The agency recently changed its rules.", "recently", "DATE", "PAST_REF", None),
    ("Nobody knows what the future holds.", "the future", "DATE", "FUTURE_REF", None),
    ("Talks will resume soon.", "soon", "DATE", "FUTURE_REF", None),
    # times
    ("The train left at 17:45.", "17:45", "TIME", "2020-01-04T17:45", "minute"),
    ("Polls close at 3 p.m.", "3 p.m.", "TIME", "2020-01-04T15:00", "minute"),
    ("The vote ends at 5 p.m. on Jan. 6.", "5 p.m. on Jan. 6", "TIME", "2020-01-06T17:00",
     "minute"),
    ("Doors open at noon.", "noon", "TIME", "2020-01-04T12:00", "minute"),
    # sets
    ("The committee meets every week.", "every week", "SET", "P1W", None),
    ("The market opens each Thursday.", "each Thursday", "SET", "XXXX-WXX-4", None),
    ("The report is published annually.", "annually", "SET", "P1Y", None),
    ("Rent is $900 a month.", "a month", "SET", "P1M", None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expression", "kind", "value", "precision"), KINDS)
def test_each_kind_is_found_and_normalised(
    text: str, expression: str, kind: str, value: str, precision: str | None
) -> None:
    t = _one(text, expression)
    assert (t.type, t.value, t.precision) == (kind, value, precision)
    assert text[t.start : t.end] == expression


# Anchor Saturday 2020-01-04: (sentence, expression, value) — the tense of the sentence picks
# the week.
TENSE = [
    ("The minister said on Friday that talks had failed.", "Friday", "2020-01-03"),
    ("The minister resigned Friday.", "Friday", "2020-01-03"),
    ("The ministers will meet on Friday.", "Friday", "2020-01-10"),
    ("The ministers plan to meet on Tuesday.", "Tuesday", "2020-01-07"),
    ("The union is expected to strike on Monday.", "Monday", "2020-01-06"),
    ("The dividend will be paid Wednesday.", "Wednesday", "2020-01-08"),
    ("He said he would fly home on Tuesday.", "Tuesday", "2020-01-07"),
    ("Strikes hit three cities Tuesday, the police said.", "Tuesday", "2019-12-31"),
    ("The offer had been due to expire Thursday.", "Thursday", "2020-01-02"),
    ("Shares fell after Wednesday's ruling.", "Wednesday", "2020-01-01"),
    ("He arrived last Tuesday.", "last Tuesday", "2019-12-31"),
    ("Talks resume next Monday.", "next Monday", "2020-01-06"),
    ("Crowds gathered on Saturday.", "Saturday", "2020-01-04"),
    ("Rebels took the town as soon as Tuesday, officials said.", "Tuesday", "2020-01-07"),
]


@pytest.mark.parametrize(("text", "expression", "value"), TENSE)
def test_weekdays_follow_the_tense_of_their_sentence(
    text: str, expression: str, value: str
) -> None:
    t = _one(text, expression)
    assert t.value == value
    assert t.anchored


def test_tense_cues() -> None:
    text = "He said the talks will resume on Friday."
    at = text.index("Friday")
    assert tense_at(text, at, at + 6) == "future"
    text = "Talks collapsed on Friday."
    at = text.index("Friday")
    assert tense_at(text, at, at + 6) == "past"
    assert tense_at("On Friday.", 3, 9) is None


# Without a publication date: (sentence, expression, value)
NO_ANCHOR = [
    ("The minister resigned on Friday.", "Friday", "XXXX-WXX-5"),
    ("The minister resigned yesterday.", "yesterday", None),
    ("Sales fell last month.", "last month", None),
    ("Two days ago, the rebels left.", "Two days ago", None),
    ("It snowed in June.", "June", "XXXX-06"),
    ("The vote is set for Jan. 15.", "Jan. 15", "XXXX-01-15"),
    ("Profit rose in the third quarter.", "the third quarter", "XXXX-Q3"),
]


@pytest.mark.parametrize(("text", "expression", "value"), NO_ANCHOR)
def test_relative_expressions_stay_unresolved_without_an_anchor(
    text: str, expression: str, value: str | None
) -> None:
    t = _one(text, expression, published=None)
    assert t.value == value
    assert not t.anchored
    assert t.method.endswith(":unanchored")


@pytest.mark.parametrize(
    ("text", "expression", "value"),
    [
        ("The talks ended on January 5, 2020.", "January 5, 2020", "2020-01-05"),
        ("Output rose in 2014.", "2014", "2014"),
        ("The 1998-99 season was odd.", "1998-99", "1998"),
        ("Sales rose in the past two months.", "the past two months", "P2M"),
        ("Prices are now higher.", "now", "PRESENT_REF"),
    ],
)
def test_absolute_expressions_resolve_without_an_anchor(
    text: str, expression: str, value: str
) -> None:
    t = _one(text, expression, published=None)
    assert t.value == value
    assert not t.anchored


def test_an_anchor_too_coarse_leaves_finer_expressions_unresolved() -> None:
    text = "Sales fell last month, and yesterday the chief quit."
    month = _one(text, "last month", published="2020-01")
    day = _one(text, "yesterday", published="2020-01")
    assert (month.value, month.anchored) == ("2019-12", True)
    assert (day.value, day.anchored) == (None, False)
    assert _one(text, "yesterday", published="2020-01-04T09:30:00+01:00").value == "2020-01-03"


def test_ranges_keep_their_end() -> None:
    t = _one("The 1998-99 season was odd.", "1998-99")
    assert (t.value, t.end_value) == ("1998", "1999")


def test_anaphoric_offsets_count_from_the_date_named_before() -> None:
    text = "The plant opened in 2012. Three years later it closed."
    assert _one(text, "Three years later").value == "2015"
    text = "Profit rose in the third quarter, up from a year earlier."
    assert _one(text, "a year earlier").value == "2018-Q3"


@pytest.mark.parametrize(
    "text",
    [
        "We have 18 cars.",
        "We said 3 people came in 2 buses.",
        "May I ask? The march began. The fall in prices hurt.",
        "He scored 2,014 points and hired 1990 workers for $2014.",
        "She is 45 years old. A second group came.",
        "Read chapter 12, page 7, line 3.",
        "The score was 2-1 and the ratio 3:1.",
        "April Glaspie met the president.",
    ],
)
def test_no_time_expressions_in_plain_text(text: str) -> None:
    assert find_timexes(text, SATURDAY) == []


def test_timex_to_dict_and_pickling() -> None:
    t = _one("The minister resigned on Friday.", "Friday")
    d = t.to_dict()
    assert d["value"] == "2020-01-03" and d["text"] == "Friday" and d["anchored"] is True
    assert set(d) == {
        "start", "end", "text", "type", "value", "end_value", "precision", "anchored", "method"
    }  # fmt: skip
    assert pickle.loads(pickle.dumps(t)) == t
    assert pickle.loads(pickle.dumps(find_timexes)) is find_timexes


def test_helpers() -> None:
    assert number_value("twenty-four") == 24.0
    assert number_value("a couple of") == 2.0
    assert number_value("several") is None
    anchor = parse_anchor("2020-01-04T09:30:00Z")
    assert anchor is not None and anchor.precision == "minute"
    assert parse_anchor("January 4") is None
    assert parse_anchor(None) is None


_WORDS = st.sampled_from(
    [
        "Friday", "last", "week", "January", "5", ",", "2020", "May", "the", "past", "two",
        "months", "ago", "18", "cars", "We", "said", "will", "at", "3", "p.m.", "now", "year",
        "'s", "-", "1990s", "every", "night", "on", "quarter", "third", "12:30", ".", "\n",
    ]
)  # fmt: skip


@settings(max_examples=120, deadline=None)
@given(
    words=st.lists(_WORDS, max_size=30),
    noise=st.text(max_size=20),
    published=st.sampled_from([None, "2020", "2020-01", SATURDAY]),
)
def test_offsets_are_inside_the_text(words: list[str], noise: str, published: str | None) -> None:
    text = " ".join(words) + noise
    found = find_timexes(text, published)
    last_end = 0
    for t in found:
        assert 0 <= t.start < t.end <= len(text)
        assert text[t.start : t.end] == t.text
        assert t.start >= last_end  # sorted, never overlapping
        last_end = t.end
        assert t.type in ("DATE", "TIME", "DURATION", "SET")
        assert t.anchored is False or published is not None
    assert find_timexes(text, published) == found  # deterministic


def test_offsets_beyond_the_calendar_are_left_unresolved_not_raised() -> None:
    # Found on Reuters: an offset of millions of days once overflowed the date type
    # and stopped a whole corpus run.
    text = "It formed 10000000 years ago, 5000000 days later. On Friday it rained."
    found = find_timexes(text, "2020-01-04")
    assert ("Friday", "2020-01-03") in [(t.text, t.value) for t in found]
    assert all(t.value is None or not t.value.startswith("-") for t in found)


def test_a_holiday_takes_the_year_that_follows_it_in_its_clause() -> None:
    def values(text: str) -> list[tuple[str, str | None]]:
        return [(t.text, t.value) for t in find_timexes(text, "2020-01-05")]

    assert values("He made a surprise Christmas visit to Iraq in 2018.") == [
        ("Christmas", "2018-12-25"), ("2018", "2018")
    ]  # fmt: skip
    # A year that is not the holiday's, or in the next sentence, leaves it to the anchor.
    assert values("At Christmas, the 2018 budget passed.")[0] == ("Christmas", "2019-12-25")
    assert values("He came home for Christmas. In 2018 he left.")[0] == ("Christmas", "2019-12-25")
    # "At Christmas 2,000 people came": a number is not a year.
    assert values("At Christmas 2,000 people came.")[0] == ("Christmas", "2019-12-25")
