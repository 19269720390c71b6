"""Bytes to text: refuse binary, empty and oversized input; detect the encoding."""

from __future__ import annotations

import codecs
import gzip
import io
import zlib

from storyline.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def check_size(source: str, size: int, limit: int) -> None:
    """Raise IngestError when ``size`` is past ``limit`` bytes."""
    if size > limit:
        raise IngestError(
            source, f"too large: {size:,} bytes is over the limit of {limit:,} (ingest.max_bytes)"
        )


def looks_binary(data: bytes) -> bool:
    """True for data that is not text in any encoding we read.

    NUL bytes are normal only in UTF-16/32; many other control bytes mean binary.
    """
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in head:
        # UTF-16 without a BOM: in mostly-ASCII text every other byte is NUL and
        # the bytes between are printable.
        evens, odds = head[0::2], head[1::2]
        for zeros, chars in ((odds, evens), (evens, odds)):
            # Non-ASCII characters put other bytes there, so allow some (10%).
            if zeros.count(0) > 0.4 * len(zeros) and not _many_controls(chars, 0.1):
                return False
        return True
    return _many_controls(head)


def _many_controls(data: bytes, share: float = 0.02) -> bool:
    controls = sum(1 for b in data if b < 9 or 13 < b < 32 and b != 27)
    return controls > share * max(len(data), 1)


def decode_text(data: bytes, source: str, *, charset: str | None = None) -> str:
    """Decode bytes to str, or raise IngestError naming the reason.

    Order: BOM, UTF-16 without BOM, strict UTF-8, the declared ``charset`` (from an
    HTTP header), then charset detection. Line endings are normalised to ``\\n``.
    """
    if not data.strip():
        raise IngestError(source, "empty: no text in the file")
    if looks_binary(data):
        raise IngestError(source, "binary data, not text (is this the right file?)")
    text: str | None = None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], enc)
            if text is None:
                raise IngestError(source, f"undecodable: has a {enc} byte-order mark but bad bytes")
            break
    if text is None and b"\x00" in data[:8192]:
        odd_nuls = data[1:8192:2].count(0)
        text = _strict(data, "utf-16-le" if odd_nuls else "utf-16-be")
    if text is None:
        text = _strict(data, "utf-8")
    if text is None and charset:
        text = _strict(data, charset)
    if text is None:
        text = _detect(data)
    if text is None:
        raise IngestError(source, "undecodable: not UTF-8 and no other encoding fits")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError(source, "empty: no text in the file")
    return text


def _strict(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except UnicodeDecodeError:
        return None


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.encoding is None:
        return None
    return _strict(data, best.encoding) or data.decode(best.encoding, errors="replace")


def gunzip(data: bytes, source: str, limit: int) -> bytes:
    """Decompress gzip data, refusing more than ``limit`` bytes of output (gzip bombs)."""
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            while chunk := gz.read(1 << 20):
                out.write(chunk)
                if out.tell() > limit:
                    raise IngestError(
                        source,
                        f"too large: decompresses to over {limit:,} bytes (ingest.max_bytes)",
                    )
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as e:
        raise IngestError(source, f"truncated or corrupt gzip data ({e})") from None
    return out.getvalue()
