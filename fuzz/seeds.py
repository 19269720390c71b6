"""Seed inputs for the fuzz harnesses, built by code (no committed corpus files).

Each ``*_seeds()`` function returns small, valid or nearly valid inputs for one
path, so the fuzzer starts from the shapes the readers expect and mutates from
there. :func:`run` is the shared ``main`` of every harness: it writes the seeds
to a temporary corpus folder when none is given and starts atheris.

Also used by ``tests/test_fuzz_smoke.py``, which feeds the seeds and seeded
mutations of them straight to each harness's ``TestOneInput``.
"""

from __future__ import annotations

import gzip
import io
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

# Fictional text written for these seeds.
PARA = (
    "The harbour board of Eastmere voted on Tuesday to extend the night ferry "
    "service for another year, after commuters filled the hall to speak for it."
)


def text_seeds() -> list[bytes]:
    return [
        f"Ferry service extended\nBy Jo Bell\nMarch 4, 2023\n{PARA}\n{PARA}\n"
        "Share this story!\nTags: ferries | harbour\n".encode(),
        PARA.encode("utf-16"),
        PARA.encode("utf-16-le"),
        "Café société 2023-03-04 à Eastmère".encode("latin-1"),
        b"\xef\xbb\xbf" + PARA.encode(),
        b"",
        b"\x00\x01\x02\x03",
    ]


def html_seeds() -> list[bytes]:
    page = (
        "<!doctype html><html lang='en'><head><title>Ferry service extended</title>"
        "<meta property='og:title' content='Ferry service extended'>"
        "<meta name='author' content='Jo Bell'>"
        "<meta property='article:published_time' content='2023-03-04T09:15:00Z'>"
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle", '
        '"datePublished": "2023-03-04"}</script></head>'
        f"<body><nav>Home | News</nav><article><h1>Ferry service extended</h1>"
        f"<time datetime='2023-03-04'>March 4, 2023</time><p>{PARA}</p><p>{PARA}</p>"
        "</article><footer>© Eastmere Gazette</footer></body></html>"
    )
    posts = "<html><body>" + "".join(
        f"<article class='post'><h2>Post {i}</h2><p>{PARA}</p>"
        f"<footer>Posted by Ann on January {i}, 2020 | 2 Comments</footer></article>"
        for i in range(1, 4)
    )
    return [page.encode(), posts.encode(), b"<p>" + PARA.encode() + b"</p>", b"<div>" * 300]


def json_seeds() -> list[bytes]:
    return [
        b'{"title": "Ferry", "text": "' + PARA.encode() + b'", "date": "2023-03-04"}',
        b'{"documents": [{"html": "<p>' + PARA.encode() + b'</p>", "url": "https://e.example/a"}]}',
        b'[{"body": "x", "authors": ["A", "B"], "published": "March 4, 2023"}, 3, null]',
        b'{"text": "a"}\n{"text": "\\ud800 lone"}\nnot json\n{"content": "'
        + PARA.encode()
        + b'"}\n',
        b"[" * 50 + b"]" * 50,
    ]


def feed_seeds() -> list[bytes]:
    rss = (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        "<title>Eastmere Gazette</title>"
        f"<item><title>Ferry</title><link>https://e.example/ferry</link>"
        f"<pubDate>Tue, 14 Mar 2023 09:15:00 +0100</pubDate>"
        f"<description>&lt;p&gt;{PARA}&lt;/p&gt;</description><category>ferries</category>"
        "</item></channel></rss>"
    )
    atom = (
        "<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>G</title>"
        f"<entry><title>Ferry</title><id>urn:x</id><updated>2023-03-04T09:15:00Z</updated>"
        f"<content type='html'>&lt;p&gt;{PARA}&lt;/p&gt;</content></entry></feed>"
    )
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;">]><rss><channel><item>'
        "<description>&lol2;</description></item></channel></rss>"
    )
    return [rss.encode(), atom.encode(), laughs.encode(), rss.encode("utf-16")]


def warc_seeds() -> list[bytes]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = []
    for gz in (False, True):
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=gz)
        body = f"<html><body><article><p>{PARA}</p><p>{PARA}</p></article></body></html>"
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            "https://e.example/ferry",
            "response",
            payload=io.BytesIO(body.encode()),
            http_headers=http,
        )
        writer.write_record(record)
        data = buf.getvalue()
        out += [data, data[: len(data) // 2]]
    out.append(gzip.compress(out[0]))
    return out


def date_seeds() -> list[bytes]:
    return [
        s.encode()
        for s in (
            "2023-03-04",
            "2023-03-04T09:15:00+01:00",
            "2023-3-4 9:15",
            "March 4, 2023 at 9:15 am GMT",
            "Wednesday, 15 Jan 2020",
            "05.01.2020",
            "2020/01/05 17:45",
            "9999-99-99",
            "Do you have a car",
        )
    ]


def number_seeds() -> list[bytes]:
    return [
        s.encode()
        for s in (
            "At least 1,200 people were evacuated and 3.5 million euros pledged.",
            "Forty-two ferries, 12% more than in 2022; 1.2bn; -7 degrees; 1e309",
            "between 10 and 20 dead, about two dozen injured",
        )
    ]


def clean_seeds() -> list[bytes]:
    return text_seeds()[:1] + [
        f"Photo: © AFP / Jane Roe\nA ferry at dawn\n{PARA}\nRelated stories\nOther news\n".encode(),
        f"{PARA}\nJanuary 2, 2020\nPosted by ann |\n2 Comments\n".encode() * 3,
    ]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random mutation (flip, insert, delete, splice, repeat), for the smoke test."""
    buf = bytearray(data)
    op = rng.randrange(5)
    pos = rng.randrange(len(buf) + 1)
    if op == 0 and buf:
        buf[min(pos, len(buf) - 1)] ^= 1 << rng.randrange(8)
    elif op == 1:
        buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
    elif op == 2:
        del buf[pos : pos + rng.randrange(1, 64)]
    elif op == 3:
        buf[pos:pos] = rng.choice(
            [b"<", b">", b"&", b"\x00", b"\xff", b"\n", b"\r", b"<p>", b"]]>"]
        )
    else:
        buf = buf[:pos] * 2 + buf[pos:]
    return bytes(buf)


def run(test_one_input: Callable[[bytes], None], seeds: list[bytes]) -> None:
    """Start atheris on ``test_one_input``; without a corpus folder, use ``seeds``."""
    import atheris

    args = list(sys.argv)
    if not any(not a.startswith("-") for a in args[1:]):
        corpus = Path(tempfile.mkdtemp(prefix="storyline-fuzz-"))
        for i, seed in enumerate(seeds):
            (corpus / f"seed-{i:03d}").write_bytes(seed)
        args.append(str(corpus))
    # Generous per-input time and memory caps: a slow input is a finding (a hang).
    if not any(a.startswith("-timeout=") for a in args):
        args.append("-timeout=30")
    if not any(a.startswith("-rss_limit_mb=") for a in args):
        args.append("-rss_limit_mb=2048")
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


def check_results(results: object, source: str) -> int:
    """Drain a reader's results; each must be a RawRecord or a Failure naming ``source``.

    Every record is then built into documents with the default pipeline and
    checked the way a store checks them before writing, so a value that would
    crash the ingest loop later (a lone surrogate, a bad offset) is caught here.
    Returns the number of documents built.
    """
    from storyline.errors import IngestError
    from storyline.ingest.build import build_documents
    from storyline.ingest.record import RawRecord
    from storyline.model import Failure
    from storyline.store.base import check_documents

    config, pipeline = _default_pipeline()
    n = 0
    for item in results:  # type: ignore[attr-defined]
        if isinstance(item, Failure):
            assert item.source.startswith(source) and item.reason, item
            continue
        assert isinstance(item, RawRecord), f"a reader yielded {type(item).__name__}"
        try:
            docs = build_documents(item, config, pipeline)
        except IngestError as e:
            assert e.source.startswith(source) and e.reason, e
            continue
        check_documents(docs)
        for doc in docs:
            assert doc.original_text() is not None
            doc.id.encode("ascii")
        n += len(docs)
    return n


_PIPELINE: list[object] = []


def _default_pipeline() -> tuple[object, object]:
    if not _PIPELINE:
        from storyline.config import Config
        from storyline.pipeline import build_pipeline

        config = Config()
        _PIPELINE.extend((config, build_pipeline(config)))
    return _PIPELINE[0], _PIPELINE[1]
