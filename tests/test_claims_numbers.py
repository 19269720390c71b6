"""find_numbers: values, bounds, hedges, units, and what is not a quantity.

Every sentence is written for these tests.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.claims.numbers import find_numbers


@pytest.mark.parametrize(
    ("text", "surface", "value", "low", "high", "unit"),
    [
        ("More than 5,200 Olsavian troops", "More than 5,200", 5200, 5200, None, "count"),
        ("a dozen boats sank", "a dozen", 12, 12, 12, "count"),
        ("tens of thousands fled", "tens of thousands", 20000, 20000, None, "count"),
        ("twenty-five soldiers", "twenty-five", 25, 25, 25, "count"),
        ("up to 13 missiles", "up to 13", 13, None, 13, "count"),
        ("a grant of $1.5 million", "$1.5 million", 1500000, 1500000, 1500000, "USD"),
        ("prices rose 3 per cent", "3 per cent", 3, 3, 3, "percent"),
        ("between 5 and 10 died", "between 5 and 10", 7.5, 5, 10, "count"),
        ("a road 40 km long", "40 km", 40, 40, 40, "km"),
        ("€10M in aid", "€10M", 10000000, 10000000, 10000000, "EUR"),
    ],
)
def test_values(text, surface, value, low, high, unit) -> None:
    found = find_numbers(text)
    assert len(found) == 1, found
    n = found[0]
    assert (n.text, n.value, n.low, n.high, n.unit) == (surface, value, low, high, unit)


def test_hedges_mark_approximate() -> None:
    (n,) = find_numbers("around 80 people")
    assert n.approximate and n.hedge == "around"
    (d,) = find_numbers("dozens of people")
    assert d.approximate and d.low == 24 and d.high is None


@pytest.mark.parametrize(
    "text", ["In 2020 it rained", "on March 5 they met", "at 10:30 pm", "F-16 jets", "the 2nd day"]
)
def test_not_quantities(text) -> None:
    assert find_numbers(text) == []


@given(st.text(alphabet=st.sampled_from(list("0123456789 ,.-$%€kmabdhortwyen")), max_size=60))
def test_offsets_always_valid(text) -> None:
    for n in find_numbers(text):
        assert 0 <= n.start <= n.end <= len(text)
        assert text[n.start : n.end] == n.text
