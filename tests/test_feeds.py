"""Feed reader: RSS 2.0 and Atom entries, refused XML attacks, malformed feeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.config import Config
from storyline.errors import IngestError
from storyline.ingest.feeds import ENTITIES_REFUSED, EXTERNAL_REFUSED, read_feed
from storyline.ingest.readers import read_input
from storyline.ingest.record import RawRecord
from storyline.model import Failure, Published

FIXTURES = Path(__file__).parent / "fixtures" / "readers"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def rss(items: str, prolog: str = '<?xml version="1.0"?>') -> bytes:
    return (
        f'{prolog}<rss version="2.0"><channel><title>Test Wire</title>{items}</channel></rss>'
    ).encode()


def test_rss_entries() -> None:
    first, second, third = read_feed(load("rss.xml"), "rss.xml", Config())
    assert isinstance(first, RawRecord)
    assert first.source == "rss.xml#https://gazette.example/2023/03/reservoir"
    assert first.title == "Reservoir reaches record level & spillway opens"
    assert first.url == "https://gazette.example/2023/03/reservoir"
    assert first.author == "Jo Bell"
    assert first.outlet == "The Hill Gazette"
    assert first.tags == ("water",)
    # Time and zone kept as the feed gave them.
    assert first.published == Published("2023-03-14T09:15:00+01:00", "second", "feed")
    # content:encoded wins over the description; scripts and handlers are gone.
    assert first.text == (
        "The upper reservoir reached its highest level since records began, and engineers "
        "opened the spillway for the first time in eleven years.\n"
        "Residents downstream were told not to use the footpath\nalong the river until Friday."
    )
    assert dict(first.provenance) == {
        "author": "feed",
        "outlet": "feed",
        "published": "feed",
        "tags": "feed",
        "title": "feed",
        "url": "feed",
    }
    assert isinstance(second, RawRecord)
    assert (
        second.text
        == "The covered market hall will close for six weeks while the roof is replaced."
    )
    assert second.published == Published("2023-03-13T18:00+00:00", "minute", "feed")
    assert second.author is None and "author" not in dict(second.provenance)
    assert third == Failure(
        "rss.xml#https://gazette.example/2023/03/lambs",
        "feed entry has no text (no content or summary)",
    )


def test_atom_entries() -> None:
    first, second = read_feed(load("atom.xml"), "atom.xml", Config())
    assert isinstance(first, RawRecord) and isinstance(second, RawRecord)
    assert first.title == "Bus drivers vote to end strike"  # type="html" title, tags removed
    assert first.text == (
        "Bus drivers voted to end their two-week strike after the company raised its pay offer.\n"
        "Services resume on Monday.\nNight buses follow a week later."
    )
    assert first.published == Published("2024-02-01T11:30:00+00:00", "second", "feed")
    assert first.author == "Sam Reid"
    assert first.outlet == "Riverside Radio newsroom"
    # No <published>: the <updated> date, at the precision given.
    assert second.published == Published("2024-01-30", "day", "feed")
    assert second.text == "The flood warning for the lower valley was lifted this morning."


def test_entry_without_link_is_named_by_index() -> None:
    data = rss("<item><title>A</title><description>Alpha text.</description></item>" * 2)
    sources = [r.source for r in read_feed(data, "wire.xml", Config())]
    assert sources == ["wire.xml#1", "wire.xml#2"]


def test_plain_text_summary_keeps_its_paragraphs() -> None:
    data = rss("<item><description>First paragraph.\n\nSecond paragraph.</description></item>")
    (rec,) = read_feed(data, "wire.xml", Config())
    assert rec.text == "First paragraph.\nSecond paragraph."


def test_max_records() -> None:
    data = rss("<item><description>Some text.</description></item>" * 5)
    results = list(read_feed(data, "wire.xml", Config().replace(ingest={"max_records": 2})))
    assert len(results) == 3
    assert results[-1] == Failure("wire.xml", "stopped after 2 entries (ingest.max_records)")


def test_billion_laughs_is_refused() -> None:
    with pytest.raises(IngestError) as err:
        list(read_feed(load("billion_laughs.xml"), "lol.xml", Config()))
    assert err.value.reason == ENTITIES_REFUSED
    assert err.value.reason == "feed declares XML entities (refused: entity expansion attack)"


@pytest.mark.parametrize(
    ("prolog", "reason"),
    [
        ('<!DOCTYPE rss [<!ENTITY a "x">]>', ENTITIES_REFUSED),
        ('<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', ENTITIES_REFUSED),
        ('<!DOCTYPE rss [<!ENTITY % p SYSTEM "http://evil.example/p.dtd"> %p;]>', ENTITIES_REFUSED),
        ('<!DOCTYPE rss SYSTEM "http://evil.example/rss.dtd">', EXTERNAL_REFUSED),
        (
            '<!DOCTYPE rss PUBLIC "-//X//DTD RSS//EN" "http://evil.example/rss.dtd">',
            EXTERNAL_REFUSED,
        ),
        # A comment before the DOCTYPE must not hide it.
        ('<!-- <rss> --><!DOCTYPE rss [<!ENTITY a "x">]>', ENTITIES_REFUSED),
    ],
)
def test_entities_and_external_references_are_refused(prolog: str, reason: str) -> None:
    data = rss("<item><description>&a; text</description></item>", "<?xml version='1.0'?>" + prolog)
    with pytest.raises(IngestError) as err:
        list(read_feed(data, "evil.xml", Config()))
    assert err.value.reason == reason


def test_utf16_entity_declaration_is_refused() -> None:
    text = load("billion_laughs.xml").decode("utf-8").replace('<?xml version="1.0"?>', "")
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        with pytest.raises(IngestError, match="entity expansion"):
            list(read_feed(text.encode(encoding), "lol16.xml", Config()))


def test_entity_words_inside_cdata_or_a_plain_doctype_are_fine() -> None:
    items = (
        "<item><description><![CDATA[<p>Never write <!ENTITY in a feed.</p>]]></description></item>"
    )
    (rec,) = read_feed(rss(items, '<?xml version="1.0"?><!DOCTYPE rss>'), "ok.xml", Config())
    assert isinstance(rec, RawRecord)


def test_malformed_feed_raises() -> None:
    with pytest.raises(IngestError) as err:
        list(read_feed(load("malformed.xml"), "malformed.xml", Config()))
    assert err.value.reason.startswith("not a readable RSS/Atom feed: ")


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(IngestError, match="not a readable RSS/Atom feed"):
        list(read_feed(b"<html><body><p>Hello</p></body></html>", "page.xml", Config()))


def test_well_formed_feed_without_entries_yields_nothing() -> None:
    assert list(read_feed(rss(""), "empty.xml", Config())) == []


def test_read_input_dispatches_feeds() -> None:
    results = list(read_input("atom.xml", "atom.xml", load("atom.xml"), Config()))
    assert [r.title for r in results if isinstance(r, RawRecord)] == [
        "Bus drivers vote to end strike",
        "Flood warning lifted",
    ]
