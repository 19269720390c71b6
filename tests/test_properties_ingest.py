"""Property tests (hypothesis) for the ingest path on arbitrary input.

- every reader, on any bytes under any name, yields RawRecords and Failures or
  raises IngestError, and what it yields builds into storable documents;
- the cleaner never loses a character: ``Document.original_text()`` is the input;
- post spans are ordered, inside the text and tile it;
- the date parser returns None or a valid date at its stated precision.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.config import Config
from storyline.errors import IngestError
from storyline.ingest.readers import FORMATS, read_input

sys.path.insert(0, str(Path(__file__).parent.parent / "fuzz"))
import fuzz_clean  # noqa: E402
import fuzz_dates  # noqa: E402
import fuzz_posts  # noqa: E402
import seeds  # noqa: E402

CONFIG = Config().replace(ingest={"max_bytes": 200_000, "max_records": 20})
NAMES = ("a.txt", "a.html", "a.json", "a.jsonl", "a.warc", "a.rss", "a.gz", "a.warc.gz", "noext")
SETTINGS = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)

# Bytes that look like the start of each format, so mutations reach the readers.
PREFIXES = st.sampled_from(
    [b"", b"<html><body><p>", b"<rss><channel><item><description>", b"WARC/1.0\r\n",
     b'{"text": "', b"\x1f\x8b", b"\xff\xfe", b"<?xml version='1.0'?><feed>", b"[{"]
)  # fmt: skip
LINES = st.lists(
    st.one_of(
        st.sampled_from(
            ["Share this story!", "By Jo Bell", "March 4, 2023", "Tags: a | b", "2 Comments",
             "Posted by ann |", "Photo: © AFP / Jane Roe", "Related stories", "", " ",
             "Night ferry kept for another year", seeds.PARA]
        ),
        st.text(max_size=80),
    ),
    max_size=30,
).map("\n".join)  # fmt: skip


def _read(name: str, data: bytes, fmt: str | None = None) -> None:
    try:
        seeds.check_results(read_input("prop", name, data, CONFIG, fmt=fmt), "prop")
    except IngestError as e:
        assert e.source.startswith("prop") and e.reason


@SETTINGS
@given(name=st.sampled_from(NAMES), prefix=PREFIXES, body=st.binary(max_size=2000))
def test_readers_raise_only_ingest_errors(name: str, prefix: bytes, body: bytes) -> None:
    _read(name, prefix + body)


@SETTINGS
@given(fmt=st.sampled_from(FORMATS), text=LINES)
def test_every_format_on_text(fmt: str, text: str) -> None:
    _read("x", text.encode("utf-8", "surrogatepass"), fmt)


@SETTINGS
@given(seed=st.sampled_from(seeds.warc_seeds() + seeds.feed_seeds()), cut=st.integers(0, 4000))
def test_truncated_archives_and_feeds(seed: bytes, cut: int) -> None:
    _read("a.warc" if b"WARC" in seed[:200] or seed[:2] == b"\x1f\x8b" else "a.rss", seed[:cut])


@SETTINGS
@given(text=LINES, use_title=st.booleans())
def test_cleaner_keeps_original_text(text: str, use_title: bool) -> None:
    fuzz_clean.check_clean(text, text.split("\n", 1)[0] if use_title else None)


@SETTINGS
@given(text=LINES)
def test_post_spans_tile_the_text(text: str) -> None:
    fuzz_posts.check_posts(text)


@SETTINGS
@given(
    text=st.one_of(
        st.text(max_size=100),
        st.from_regex(
            r"\d{1,4}[-/. ]\d{1,2}[-/. ]\d{1,4}( \d{1,2}:\d{2}(:\d{2})?)?", fullmatch=True
        ),
        st.from_regex(
            r"(Mon, )?\d{1,2} (Jan|June|Sept|Dec) \d{4}( at \d{1,2}:\d{2} ?pm)?", fullmatch=True
        ),
    )
)
def test_date_parser_returns_none_or_a_valid_date(text: str) -> None:
    fuzz_dates.check_date(text)


def test_posts_found_on_a_real_multi_post_page() -> None:
    """The tiling check is not vacuous: this page is split."""
    from storyline.ingest.posts import find_posts

    page = (("Words " * 40) + "\nJanuary 2, 2020\nPosted by ann |\n2 Comments\n") * 3
    assert len(find_posts(page)) == 3
    fuzz_posts.check_posts(page)


def test_years_before_1000_keep_four_digits() -> None:
    """Regression (found by the property above): strftime wrote year 1 as "1-01-01"."""
    from storyline.ingest.dates import parse_published

    assert parse_published("1 JAN 0001", "t").value == "0001-01-01"  # type: ignore[union-attr]
    assert parse_published("0099-02-03T04:05", "t").value == "0099-02-03T04:05"  # type: ignore[union-attr]
