"""RSS and Atom feeds to raw records: one per entry.

Feeds are XML from strangers, so a document that declares entities or points
at an external DTD or entity is refused before any parser sees it (billion
laughs, external entity expansion). Entry text is the entry's content, or its
summary when it has none, turned from HTML into plain lines.
"""

from __future__ import annotations

import codecs
import email.utils
import io
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from storyline.config import Config
from storyline.errors import IngestError
from storyline.ingest.dates import iso_text, parse_published
from storyline.ingest.html import clean_lines, html_fragment_text
from storyline.ingest.record import RawRecord
from storyline.model import Failure, Published

ENTITIES_REFUSED = "feed declares XML entities (refused: entity expansion attack)"
EXTERNAL_REFUSED = "feed references an external DTD or entity (refused)"

# Comments and CDATA sections may talk about entities without declaring any.
_INERT = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.DOTALL)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_EXTERNAL_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*?\s(?:SYSTEM|PUBLIC)[\s\"']", re.IGNORECASE)
# What feedparser itself may raise on hostile bytes instead of setting ``bozo``.
_FEEDPARSER_ERRORS = (ValueError, TypeError, LookupError, RecursionError, IndexError, KeyError)
_ISO_START = re.compile(r"^\s*\d{4}-")
_HAS_SECONDS = re.compile(r"\d{1,2}:\d{2}:\d{2}")


def read_feed(data: bytes, source: str, config: Config) -> Iterator[RawRecord | Failure]:
    """Read the entries of an RSS or Atom feed.

    Args:
        data: the feed's bytes.
        source: what to call the feed; each entry is ``{source}#{link or index}``.
        config: ``ingest.max_records`` caps the entries read.

    Yields:
        A RawRecord per entry with text, a Failure per entry without any.

    Raises:
        IngestError: the feed declares entities or external references, or is
            not a readable RSS/Atom document.
    """
    import feedparser

    check_feed_safety(data, source)
    # A stream, never the bytes themselves: feedparser treats a string as a URL
    # or a file name to open.
    try:
        parsed = feedparser.parse(io.BytesIO(data))
    except _FEEDPARSER_ERRORS as e:
        # feedparser trips over some hostile bytes itself (a NUL inside the
        # declared encoding's name raises ValueError while decoding).
        reason = " ".join(str(e).split()) or type(e).__name__
        raise IngestError(source, f"not a readable RSS/Atom feed: {reason}") from None
    entries = [e for e in parsed.entries if _has_any(e)]
    if not entries:
        if parsed.get("bozo"):
            reason = " ".join(str(parsed.get("bozo_exception") or "malformed XML").split())
            raise IngestError(source, f"not a readable RSS/Atom feed: {reason}")
        if not parsed.get("version"):
            raise IngestError(source, "not a readable RSS/Atom feed: no RSS or Atom root element")
        return
    outlet = _clean_one(parsed.feed.get("title"))
    limit = config.ingest.max_records
    for index, entry in enumerate(entries, 1):
        if index > limit:
            yield Failure(source, f"stopped after {limit:,} entries (ingest.max_records)")
            return
        yield _entry_record(entry, index, source, outlet)


def check_feed_safety(data: bytes, source: str) -> None:
    """Refuse XML that declares entities or references an external DTD.

    Raises:
        IngestError: naming the refused construct.
    """
    text = _INERT.sub(b"", _as_ascii_compatible(data))
    if _ENTITY_DECL.search(text):
        raise IngestError(source, ENTITIES_REFUSED)
    if _EXTERNAL_DOCTYPE.search(text):
        raise IngestError(source, EXTERNAL_REFUSED)


def _as_ascii_compatible(data: bytes) -> bytes:
    """Re-encode UTF-16/32 input so the byte patterns above can see its markup."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").encode("utf-8", errors="replace")
    head = data[:4]
    if b"\x00" in head:
        # UTF-16/32 without a byte-order mark: guess the layout from the NULs of "<?".
        encoding = {
            b"\x00\x00\x00<": "utf-32-be",
            b"<\x00\x00\x00": "utf-32-le",
        }.get(head) or ("utf-16-be" if head.startswith(b"\x00") else "utf-16-le")
        return data.decode(encoding, errors="replace").encode("utf-8", errors="replace")
    return data


def _has_any(entry: Any) -> bool:
    return any(entry.get(k) for k in ("title", "link", "summary", "content", "id"))


def _entry_record(entry: Any, index: int, source: str, outlet: str | None) -> RawRecord | Failure:
    link = (entry.get("link") or "").strip() or None
    where = f"{source}#{link or index}"
    text = _entry_text(entry)
    if not text:
        return Failure(where, "feed entry has no text (no content or summary)")
    title = _detail_text(entry.get("title_detail"), entry.get("title"))
    title = title.replace("\n", " ") if title else None
    # "desk@example.org (Jo Bell)": feedparser splits the name out into author_detail.
    detail = entry.get("author_detail") or {}
    author = _clean_one(detail.get("name")) or _clean_one(entry.get("author"))
    published = _entry_date(entry)
    tags = tuple(t for t in (_clean_one(tag.get("term")) for tag in entry.get("tags") or ()) if t)
    prov = {
        name: "feed"
        for name, value in (
            ("title", title),
            ("url", link),
            ("author", author),
            ("published", published),
            ("outlet", outlet),
            ("tags", tags),
        )
        if value
    }
    return RawRecord(
        source=where,
        text=text,
        title=title,
        url=link,
        outlet=outlet,
        author=author,
        published=published,
        tags=tags,
        provenance=tuple(sorted(prov.items())),
    )


def _entry_text(entry: Any) -> str:
    for content in entry.get("content") or ():
        text = _detail_text(content, content.get("value"))
        if text:
            return text
    return _detail_text(entry.get("summary_detail"), entry.get("summary"))


def _detail_text(detail: Any, value: str | None) -> str:
    """Plain text of a feed text construct, honouring its declared type."""
    if not value:
        return ""
    kind = (detail or {}).get("type") or "text/html"
    if "html" in kind:
        return html_fragment_text(value)
    return clean_lines(value)  # text/plain: already unescaped by feedparser


def _clean_one(value: str | None) -> str | None:
    if not value:
        return None
    return " ".join(value.split()) or None


def _entry_date(entry: Any) -> Published | None:
    """The entry's publication (else update) date, keeping the precision and zone it gave."""
    for key in ("published", "updated"):
        raw = entry.get(key)
        if not raw:
            continue
        found = _rfc822(raw) if not _ISO_START.match(raw) else None
        found = found or parse_published(raw, "feed")
        if found is not None:
            return found
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            # feedparser's own reading of a format we do not parse, in UTC.
            try:
                stamp = iso_text(datetime(*parsed[:6]), "second") + "+00:00"
            except (TypeError, ValueError):
                continue
            return Published(stamp, "second", "feed")
    return None


def _rfc822(raw: str) -> Published | None:
    """RSS dates (``Tue, 14 Mar 2023 09:15:00 +0100``) with their zone."""
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S" if _HAS_SECONDS.search(raw) else "%Y-%m-%dT%H:%M")
    if when.tzinfo is not None:
        offset = when.strftime("%z")
        stamp += f"{offset[:3]}:{offset[3:]}"
    return parse_published(stamp, "feed")
