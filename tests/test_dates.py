from __future__ import annotations

import pytest

from storyline.ingest.dates import parse_published


@pytest.mark.parametrize(
    ("value", "iso", "precision"),
    [
        ("2020-01-05 17:45", "2020-01-05T17:45", "minute"),
        ("2021-07-09", "2021-07-09", "day"),
        ("2021-07", "2021-07", "month"),
        ("2021", "2021", "year"),
        ("2021-07-09T06:05:04Z", "2021-07-09T06:05:04+00:00", "second"),
        ("2021-07-09T06:05:04+0200", "2021-07-09T06:05:04+02:00", "second"),
        ("January 15, 2020", "2020-01-15", "day"),
        ("Jan. 3, 2020", "2020-01-03", "day"),
        ("15 January 2020, 12:30 GMT", "2020-01-15T12:30", "minute"),
        ("Wednesday, 15 Jan 2020", "2020-01-15", "day"),
        ("Published: March 4, 2019", "2019-03-04", "day"),
    ],
)
def test_parse_published(value: str, iso: str, precision: str) -> None:
    p = parse_published(value, "test")
    assert p is not None
    assert (p.value, p.precision, p.method) == (iso, precision, "test")


@pytest.mark.parametrize(
    "value", ["", "yesterday", "We 18", "2020-13-01", "2020-02-30", "next Friday", "x" * 200]
)
def test_not_a_date_gives_none(value: str) -> None:
    assert parse_published(value, "test") is None
