"""Format sniffing and dispatch: one input's bytes to raw records.

Each reader yields :class:`RawRecord` values, or :class:`Failure` values for
records inside a container (a JSONL line, a WARC record, a feed entry) that
could not be read, so one bad record does not sink its file. A reader raises
:class:`IngestError` when the whole input is unreadable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from storyline.config import Config
from storyline.errors import IngestError
from storyline.ingest.dates import parse_published
from storyline.ingest.decode import check_size, decode_text, gunzip
from storyline.ingest.record import RawRecord
from storyline.model import Failure

ReadResult = RawRecord | Failure

FORMATS = ("text", "html", "json", "jsonl", "warc", "feed")

_EXTENSIONS = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".warc": "warc", ".arc": "warc",
    ".rss": "feed", ".atom": "feed", ".xml": "feed", ".rdf": "feed",
}  # fmt: skip


def sniff(name: str, data: bytes) -> str:
    """Guess the format of ``data`` from its name, then from its first bytes."""
    lower = name.lower()
    for ext, fmt in _EXTENSIONS.items():
        if lower.endswith(ext):
            if fmt == "feed" and not _looks_like_feed(data):
                return "html" if _looks_like_html(data) else fmt
            return fmt
    head = data[:2048].lstrip().lower()
    if head.startswith(b"warc/"):
        return "warc"
    if _looks_like_feed(data):
        return "feed"
    if _looks_like_html(data):
        return "html"
    if head[:1] in (b"{", b"["):
        return "jsonl" if b"\n{" in data[:65536].strip() and head[:1] == b"{" else "json"
    return "text"


def _looks_like_feed(data: bytes) -> bool:
    head = data[:2048].lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def _looks_like_html(data: bytes) -> bool:
    head = data[:4096].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<p>" in head


def read_input(
    source: str,
    name: str,
    data: bytes,
    config: Config,
    *,
    fmt: str | None = None,
    url: str | None = None,
    charset: str | None = None,
) -> Iterator[ReadResult]:
    """Read one input's bytes into raw records.

    Args:
        source: what to call the input in records and errors (path or URL).
        name: file name used to guess the format (``.gz`` is unwrapped).
        data: the raw bytes.
        fmt: force a format (one of ``FORMATS``) instead of guessing.
        url: where the bytes were fetched from (resolves relative links in HTML).
        charset: the charset a server declared, used when the bytes are not UTF-8.

    Raises:
        IngestError: the input as a whole is unreadable.
    """
    check_size(source, len(data), config.ingest.max_bytes)
    if name.lower().endswith(".gz") or data[:2] == b"\x1f\x8b":
        inner = name[:-3] if name.lower().endswith(".gz") else name
        if inner.lower().endswith((".warc", ".arc")):
            fmt = fmt or "warc"  # warc readers take the gzip members as they are
        else:
            data = gunzip(data, source, config.ingest.max_bytes)
            name = inner
    if not data.strip():
        raise IngestError(source, "empty: no text in the file")
    fmt = fmt or sniff(name, data)
    if fmt not in FORMATS:
        raise IngestError(source, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "text":
        yield read_text(decode_text(data, source, charset=charset), source)
    elif fmt == "html":
        from storyline.ingest.html import read_html

        yield read_html(decode_text(data, source, charset=charset), source, config, url=url)
    elif fmt == "json":
        yield from read_json(decode_text(data, source, charset=charset), source, config)
    elif fmt == "jsonl":
        yield from read_jsonl(decode_text(data, source, charset=charset), source, config)
    elif fmt == "warc":
        from storyline.ingest.warc import read_warc

        yield from read_warc(data, source, config)
    else:
        from storyline.ingest.feeds import read_feed

        yield from read_feed(data, source, config)


def read_text(text: str, source: str) -> RawRecord:
    """A plain-text article: all metadata is found later, in the text itself."""
    return RawRecord(source=source, text=text)


# Field names accepted in JSON records, first match wins.
_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "articleBody", "maintext"),
    "html": ("html", "raw_html", "content_html"),
    "title": ("title", "headline"),
    "url": ("url", "link", "canonical_url"),
    "published": ("published", "date", "date_publish", "published_at", "datePublished", "pubDate"),
    "outlet": ("outlet", "source", "site_name", "sitename", "publisher"),
    "author": ("author", "authors", "byline"),
}


def read_json(text: str, source: str, config: Config) -> Iterator[ReadResult]:
    """A JSON file: one record object, a list of them, or ``{"documents": [...]}``."""
    try:
        data = _loads(text)
    except ValueError as e:
        raise IngestError(source, f"not valid JSON: {e}") from None
    if isinstance(data, dict) and isinstance(data.get("documents"), list):
        data = data["documents"]
    records = data if isinstance(data, list) else [data]
    if len(records) > config.ingest.max_records:
        raise IngestError(source, f"too many records: {len(records):,} (ingest.max_records)")
    multi = isinstance(data, list)
    for i, rec in enumerate(records, 1):
        yield _json_record(rec, f"{source}#{i}" if multi else source, config)


def read_jsonl(text: str, source: str, config: Config) -> Iterator[ReadResult]:
    """A JSON Lines file: one record object per line; blank lines are skipped."""
    n = 0
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        n += 1
        if n > config.ingest.max_records:
            yield Failure(
                source, f"stopped after {config.ingest.max_records:,} records (ingest.max_records)"
            )
            return
        where = f"{source}#{lineno}"
        try:
            rec = _loads(line)
        except ValueError as e:
            yield Failure(where, f"line {lineno} is not valid JSON: {e}")
            continue
        yield _json_record(rec, where, config)


def _loads(text: str) -> Any:
    """``json.loads``, with every way hostile JSON fails as a ValueError saying why.

    Deep nesting overflows the decoder's recursion and an integer of thousands of
    digits trips Python's int conversion limit; neither is a JSONDecodeError.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{e.msg} at line {e.lineno}") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except ValueError as e:
        raise ValueError(" ".join(str(e).split(":")[0].split())) from None


def _json_record(rec: Any, where: str, config: Config) -> ReadResult:
    if not isinstance(rec, dict):
        return Failure(where, f"a record must be a JSON object, got {type(rec).__name__}")
    got = {key: _valid_unicode(_first(rec, names)) for key, names in _FIELDS.items()}
    prov: list[tuple[str, str]] = []
    published = None
    if got["published"] is not None:
        published = parse_published(str(got["published"]), "record")
        if published is None:
            return Failure(where, f"unreadable published date {str(got['published'])[:40]!r}")
    for key in ("title", "url", "outlet", "author", "published"):
        if got[key]:
            prov.append((key, "record"))
    author = got["author"]
    if isinstance(author, list):
        author = ", ".join(str(a) for a in author if a) or None
    title = _str_or_none(got["title"])
    url = _str_or_none(got["url"])
    outlet = _str_or_none(got["outlet"])
    if isinstance(got["text"], str) and got["text"].strip():
        text = got["text"].replace("\r\n", "\n").replace("\r", "\n")
        return RawRecord(
            source=where, text=text, title=title, url=url, outlet=outlet,
            author=_str_or_none(author), published=published, provenance=tuple(prov),
        )  # fmt: skip
    if isinstance(got["html"], str) and got["html"].strip():
        from dataclasses import replace

        from storyline.ingest.html import read_html

        try:
            page = read_html(got["html"], where, config, url=url)
        except IngestError as e:
            return Failure(where, e.reason)
        # The record's own fields win over what the page's markup says.
        merged = dict(page.provenance)
        merged.update(prov)
        return replace(
            page,
            title=title or page.title,
            url=url or page.url,
            outlet=outlet or page.outlet,
            author=_str_or_none(author) or page.author,
            published=published or page.published,
            provenance=tuple(sorted(merged.items())),
        )
    return Failure(where, "record has no text or html field")


# JSON's \\ud800 escapes can spell lone surrogates, which are not Unicode: no
# store or export can write them (a scraper that cut an emoji in half makes these).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_unicode(value: Any) -> Any:
    """``value`` with lone surrogates in its strings (and lists of strings) made U+FFFD."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_valid_unicode(v) for v in value]
    return value


def _first(rec: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = rec.get(name)
        if value not in (None, "", []):
            return value
    return None


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None
