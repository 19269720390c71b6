"""WARC (and ARC) archives to raw records: one per archived HTML page.

Only successful HTML captures are read: ``response`` records with HTTP status
200 and an HTML content type, and ``resource`` records of type ``text/html``.
Everything else (requests, metadata, images, redirects, revisits) is skipped
without a word. The WARC-Date is when the page was crawled, not published, so
it is never used as a publication date.

Archives come uncompressed, gzipped per record (the usual ``.warc.gz``), or
gzipped as a whole; a truncated archive yields what could be read and then a
:class:`Failure` saying so.
"""

from __future__ import annotations

import codecs
import io
import zlib
from collections.abc import Iterator
from typing import Any

from storyline.config import Config
from storyline.errors import IngestError
from storyline.ingest.decode import decode_text
from storyline.ingest.html import read_html
from storyline.ingest.record import RawRecord
from storyline.model import Failure

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16


def read_warc(data: bytes, source: str, config: Config) -> Iterator[RawRecord | Failure]:
    """Read the HTML pages archived in a WARC file.

    Args:
        data: the archive's bytes (``.warc``, ``.warc.gz`` or ``.arc``).
        source: what to call the archive; each page is ``{source}#{target URI}``.
        config: ``ingest.max_records`` caps the pages read, ``ingest.max_bytes``
            the size of one page.

    Yields:
        A RawRecord per readable page, a Failure per page that could not be read,
        and a final Failure when the archive is truncated or corrupt.

    Raises:
        IngestError: the data is not a WARC/ARC archive, or nothing in it could be read.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    data, problem = _unwrap(data, source, config.ingest.max_bytes)
    limit = config.ingest.max_records
    archive = ArchiveIterator(io.BytesIO(data), arc2warc=True)
    seen = pages = 0
    end = 0  # offset just past the last complete record
    try:
        for record in archive:
            seen += 1
            where = f"{source}#{record.rec_headers.get_header('WARC-Target-URI') or seen}"
            if _is_html_page(record):
                pages += 1
                if pages > limit:
                    yield Failure(source, f"stopped after {limit:,} pages (ingest.max_records)")
                    return
                yield _read_page(record, where, config)
            truncated = _drain(record)
            if truncated:
                problem = f"record {where} ends early ({truncated:,} bytes missing)"
                break
            end = archive.get_record_offset() + archive.get_record_length()
    # warcio reports damage as its own error, as zlib/EOF errors, and for some
    # cut-off headers as an AttributeError from inside its header parser.
    except (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError, AttributeError) as e:
        problem = _one_line(e) or type(e).__name__
    if not problem and data[end:].strip():
        problem = f"{len(data) - end:,} bytes after the last complete record"
    if problem:
        if seen == 0:
            raise IngestError(source, f"truncated or corrupt WARC: {problem}")
        yield Failure(source, f"truncated or corrupt WARC: {problem}")


def _unwrap(data: bytes, source: str, limit: int) -> tuple[bytes, str | None]:
    """Check the archive's format; gunzip it when it is one gzip stream, not one per record.

    Returns the bytes for warcio and a problem found on the way (a cut gzip stream).
    """
    if not data.startswith(_GZIP_MAGIC):
        _check_head(data, source)
        return data, None
    out = bytearray()
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    read = 0
    try:
        while read < len(data) and not inflater.eof:
            out += inflater.decompress(data[read : read + _CHUNK])
            read += _CHUNK
            if len(out) > limit:
                raise IngestError(
                    source, f"too large: decompresses to over {limit:,} bytes (ingest.max_bytes)"
                )
    except zlib.error as e:
        raise IngestError(source, f"truncated or corrupt WARC: bad gzip data ({e})") from None
    if not inflater.eof and len(out) < 64:
        raise IngestError(source, "truncated or corrupt WARC: the gzip stream ends early")
    _check_head(bytes(out[:64]), source)
    padding = b"\0\r\n\t "
    if inflater.eof and (inflater.unused_data.strip(padding) or data[read:].strip(padding)):
        # The first member ended before the data did: one gzip member per
        # record, the usual .warc.gz layout, which warcio reads as it is.
        return data, None
    return bytes(out), None if inflater.eof else "the gzip stream ends early"


def _check_head(head: bytes, source: str) -> None:
    start = head[:64].lstrip()
    if not (start.upper().startswith(b"WARC/") or start.startswith(b"filedesc://")):
        raise IngestError(source, "not a WARC or ARC archive (no WARC/ header at the start)")


def _is_html_page(record: Any) -> bool:
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or http.get_statuscode() != "200":
            return False
        content_type = http.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return False
    return content_type.split(";")[0].strip().lower() in _HTML_TYPES


def _read_page(record: Any, where: str, config: Config) -> RawRecord | Failure:
    limit = config.ingest.max_bytes
    stream = record.content_stream()  # undoes chunked and gzip/deflate/br transfer coding
    payload = bytearray()
    try:
        while len(payload) <= limit and (chunk := stream.read(_CHUNK)):
            payload += chunk
    except (zlib.error, OSError, ValueError) as e:
        return Failure(where, f"unreadable payload: {_one_line(e)}")
    if len(payload) > limit:
        return Failure(where, f"too large: payload over {limit:,} bytes (ingest.max_bytes)")
    content_type = ""
    if record.http_headers is not None:
        content_type = record.http_headers.get_header("Content-Type") or ""
    content_type = content_type or record.rec_headers.get_header("Content-Type") or ""
    uri = record.rec_headers.get_header("WARC-Target-URI") or None
    try:
        text = _decode(bytes(payload), content_type, where)
        return read_html(text, where, config, url=uri)
    except IngestError as e:
        return Failure(where, e.reason)


def _decode(payload: bytes, content_type: str, where: str) -> str:
    """Decode with the declared charset when the bytes are not UTF-8 (declarations are often stale)."""
    charset = ""
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    if charset:
        try:
            payload.decode("utf-8")
        except UnicodeDecodeError:
            try:
                codecs.lookup(charset)
                text = payload.decode(charset)
            except (LookupError, UnicodeDecodeError):
                pass
            else:
                return text.replace("\r\n", "\n").replace("\r", "\n")
    return decode_text(payload, where)


def _drain(record: Any) -> int:
    """Read what is left of a record; return how many of its declared bytes are missing."""
    raw = record.raw_stream
    while raw.read(_CHUNK):
        pass
    return int(getattr(raw, "limit", 0) or 0)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())
