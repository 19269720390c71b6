"""Nasty input files, generated at test time into a folder (nothing big is committed).

Each generator writes one file and returns its path. Big files are written in
chunks or sparsely, so building them needs little memory. :data:`NASTY` lists
the small and medium ones; :data:`HUGE` the ones tests run in a
memory-limited subprocess.
"""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from collections.abc import Callable
from pathlib import Path

MB = 1 << 20

# Fictional text written for these tests.
PARA = (
    "The harbour board of Eastmere voted on Tuesday to extend the night ferry service "
    "for another year, after commuters filled the town hall to speak for it. "
)
ARTICLE = "Night ferry kept for another year\n\n" + (PARA * 3 + "\n\n") * 3


def _article_html(title: str = "Night ferry kept") -> str:
    body = "".join(f"<p>{PARA * 3}</p>" for _ in range(3))
    return f"<html><head><title>{title}</title></head><body><article>{body}</article></body></html>"


def zero_length(d: Path) -> Path:
    p = d / "empty.txt"
    p.write_bytes(b"")
    return p


def whitespace_only(d: Path) -> Path:
    p = d / "blank.html"
    p.write_bytes(b" \n\t\r\n" * 1000)
    return p


def binary_png(d: Path) -> Path:
    p = d / "photo.txt"  # a misnamed image: the name says text, the bytes do not
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40)
    return p


def binary_elf(d: Path) -> Path:
    p = d / "program"
    p.write_bytes(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + bytes(range(256)) * 40)
    return p


def invalid_utf8(d: Path) -> Path:
    p = d / "broken-utf8.txt"
    good = ARTICLE.encode()
    # Stray continuation bytes, an overlong encoding and a cut multi-byte sequence.
    p.write_bytes(good[:200] + b"\x80\xbf\xc0\xaf" + good[200:400] + b"\xe2\x82" + good[400:])
    return p


def utf16_bom(d: Path) -> Path:
    p = d / "utf16-bom.txt"
    p.write_bytes(codecs.BOM_UTF16_LE + ARTICLE.replace("ferry", "ferry café").encode("utf-16-le"))
    return p


def utf16le_no_bom(d: Path) -> Path:
    p = d / "utf16le-nobom.txt"
    p.write_bytes(ARTICLE.encode("utf-16-le"))
    return p


def utf16be_no_bom(d: Path) -> Path:
    p = d / "utf16be-nobom.html"
    p.write_bytes(_article_html().encode("utf-16-be"))
    return p


def deep_html(d: Path, levels: int = 100_000) -> Path:
    p = d / "deep.html"
    with p.open("w", encoding="utf-8") as fh:
        fh.write("<html><body>")
        fh.write("<div>" * levels)
        fh.write(f"<p>{PARA * 3}</p>")
        fh.write("</div>" * levels)
        fh.write("</body></html>")
    return p


def deep_json(d: Path, levels: int = 100_000) -> Path:
    p = d / "deep.json"
    p.write_bytes(b'{"text": ' + b"[" * levels + b"]" * levels + b"}")
    return p


def deep_jsonl(d: Path, levels: int = 100_000) -> Path:
    p = d / "deep.jsonl"
    good = b'{"title": "Ferry", "text": "' + PARA.encode() * 3 + b'"}\n'
    p.write_bytes(good + b"[" * levels + b"\n" + b'{"n": ' + b"9" * 10_000 + b"}\n")
    return p


def lone_surrogate_json(d: Path) -> Path:
    """JSON whose text holds a lone surrogate escape (an emoji cut in half by a scraper)."""
    p = d / "surrogate.json"
    p.write_text('{"title": "Ferry", "text": "' + PARA * 3 + '\\ud83d end."}', encoding="utf-8")
    return p


def gzip_bomb(d: Path, members: int = 16) -> Path:
    """A .gz of 1 GiB of zero bytes, about 1 MB on disk.

    One 64 MiB member of zeros is compressed once and written ``members`` times:
    gzip readers join concatenated members, so this builds fast.
    """
    p = d / "bomb.txt.gz"
    comp = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(MB)
    member = b"".join(comp.compress(zeros) for _ in range(64)) + comp.flush()
    with p.open("wb") as fh:
        for _ in range(members):
            fh.write(member)
    return p


def truncated_gzip(d: Path) -> Path:
    p = d / "cut.txt.gz"
    data = gzip.compress(ARTICLE.encode() * 20)
    p.write_bytes(data[: len(data) // 2])
    return p


def _warc(gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for i in range(3):
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                f"https://gazette.example/ferry-{i}",
                "response",
                payload=io.BytesIO(_article_html(f"Ferry story {i}").encode()),
                http_headers=http,
            )
        )
    return buf.getvalue()


def truncated_warc(d: Path) -> Path:
    p = d / "cut.warc"
    data = _warc(gz=False)
    p.write_bytes(data[: int(len(data) * 0.8)])
    return p


def truncated_warc_gz(d: Path) -> Path:
    p = d / "cut.warc.gz"
    data = _warc(gz=True)
    p.write_bytes(data[: int(len(data) * 0.8)])
    return p


def truncated_warc_head(d: Path) -> Path:
    p = d / "cut-head.warc"
    p.write_bytes(_warc(gz=False)[:40])
    return p


_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n<rss version='2.0'><channel><title>Laughs</title><item><title>lol</title>"
    "<description>&lol9;</description></item></channel></rss>\n"
)


def billion_laughs(d: Path) -> Path:
    p = d / "laughs.rss"
    p.write_text(_LAUGHS, encoding="utf-8")
    return p


def billion_laughs_utf16(d: Path) -> Path:
    p = d / "laughs16.xml"
    p.write_bytes(_LAUGHS.replace('"1.0"?>', '"1.0" encoding="utf-16"?>', 1).encode("utf-16"))
    return p


def external_entity(d: Path) -> Path:
    p = d / "xxe.atom"
    p.write_text(
        '<?xml version="1.0"?><!DOCTYPE feed SYSTEM "file:///etc/passwd">'
        "<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>x</title>"
        "<content>secret</content></entry></feed>",
        encoding="utf-8",
    )
    return p


def long_line(d: Path, size: int = 50_000_000, name: str = "one-line.txt") -> Path:
    """One line of ``size`` bytes of words, no newline anywhere, written in chunks.

    50,000,000 bytes is exactly the default ``ingest.max_bytes``: accepted, so the
    whole pipeline sees it.
    """
    p = d / name
    chunk = (PARA * (MB // len(PARA) + 1)).encode()[:MB]
    with p.open("wb") as fh:
        left = size
        while left > 0:
            fh.write(chunk[: min(left, MB)])
            left -= MB
    return p


def huge_text(d: Path, size: int = 200 * MB) -> Path:
    """A 200 MB text file, sparse: some text at each end and a hole between."""
    p = d / "huge.txt"
    with p.open("wb") as fh:
        fh.write(ARTICLE.encode())
        fh.seek(size - len(ARTICLE))
        fh.write(ARTICLE.encode())
    return p


NASTY: dict[str, Callable[[Path], Path]] = {
    f.__name__: f
    for f in (
        zero_length, whitespace_only, binary_png, binary_elf, invalid_utf8, utf16_bom,
        utf16le_no_bom, utf16be_no_bom, deep_html, deep_json, deep_jsonl, truncated_gzip,
        truncated_warc, truncated_warc_gz, truncated_warc_head, billion_laughs,
        billion_laughs_utf16, external_entity, lone_surrogate_json,
    )
}  # fmt: skip
"""Small and medium nasty files: built in well under a second each."""

HUGE: dict[str, Callable[[Path], Path]] = {f.__name__: f for f in (gzip_bomb, long_line, huge_text)}
"""Files of hundreds of MB (on disk or once decompressed)."""
