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

    data, gzip_problem = _unwrap(data, source, config.ingest.max_bytes)
    limit = config.ingest.max_records
    problem: str | None = None
    archive = ArchiveIterator(io.BytesIO(data), arc2warc=True)
    seen = complete = pages = 0
    end = 0  # offset just past the last complete record
    try:
        for record in archive:
            seen += 1
            where = f"{source}#{record.rec_headers.get_header('WARC-Target-URI') or seen}"
            payload: bytes | Failure | None = None
            if _is_html_page(record):
                pages += 1
                if pages > limit:
                    yield Failure(source, f"stopped after {limit:,} pages (ingest.max_records)")
                    return
                payload = _payload(record, where, config.ingest.max_bytes)
            problem = _drain(record, where)
            if problem:
                # A cut record's partial page would pass for the whole article.
                break
            complete += 1
            if payload is not None:
                yield (
                    payload
                    if isinstance(payload, Failure)
                    else _page(record, payload, where, config)
                )
            end = archive.get_record_offset() + archive.get_record_length()
    except AttributeError:
        # warcio's header parser trips over some cut-off headers this way.
        problem = "a record header is cut short or malformed"
    except (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError) as e:
        problem = _one_line(e) or type(e).__name__
    if not problem and data[end:].strip():
        problem = f"{len(data) - end:,} bytes after the last complete record"
    problem = problem or gzip_problem
    if problem:
        if complete == 0:
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
                # One huge first member: leave it to warcio, which reads gzip
                # members itself; the per-page size cap still applies.
                _check_head(bytes(out[:64]), source)
                return data, None
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


def _payload(record: Any, where: str, limit: int) -> bytes | Failure:
    """The page's bytes, transfer coding undone, or a Failure when too large or unreadable."""
    stream = record.content_stream()  # undoes chunked and gzip/deflate/br transfer coding
    payload = bytearray()
    try:
        while len(payload) <= limit and (chunk := stream.read(_CHUNK)):
            payload += chunk
    except (zlib.error, OSError, ValueError) as e:
        return Failure(where, f"unreadable payload: {_one_line(e)}")
    if len(payload) > limit:
        return Failure(where, f"too large: payload over {limit:,} bytes (ingest.max_bytes)")
    return bytes(payload)


def _page(record: Any, payload: bytes, where: str, config: Config) -> RawRecord | Failure:
    content_type = ""
    if record.http_headers is not None:
        content_type = record.http_headers.get_header("Content-Type") or ""
    content_type = content_type or record.rec_headers.get_header("Content-Type") or ""
    uri = record.rec_headers.get_header("WARC-Target-URI") or None
    try:
        return read_html(_decode(payload, content_type, where), where, config, url=uri)
    except IngestError as e:
        return Failure(where, e.reason)


def _decode(payload: bytes, content_type: str, where: str) -> str:
    """Decode a payload; a declared charset is used only when the bytes are not UTF-8.

    Declarations are often stale (pages saved as UTF-8 still saying latin-1).
    """
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


def _drain(record: Any, where: str) -> str | None:
    """Read what is left of a record; say what is wrong when it is shorter than declared."""
    declared = (record.rec_headers.get_header("Content-Length") or "").strip()
    if not declared.isdigit():
        return f"record {where} has no Content-Length (cut inside its header?)"
    raw = record.raw_stream
    while raw.read(_CHUNK):
        pass
    missing = int(getattr(raw, "limit", 0) or 0)
    return f"record {where} ends early ({missing:,} bytes missing)" if missing else None


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())
