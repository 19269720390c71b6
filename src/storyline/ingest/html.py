"""HTML pages to raw records: main text via trafilatura, metadata from the markup.

The body text comes from trafilatura (page furniture, comments and scripts are
dropped). Metadata prefers what the markup states outright: ``<meta>`` tags,
JSON-LD, ``<time>`` elements, ``<html lang>``. A publication date is never
guessed from the body text; trafilatura's own date (htmldate) is kept only when
the markup or the URL also states that day.

Pages holding several posts (a blog front page, a live page) are split
structurally on their ``<article>`` (or ``.hentry``/``.post``) elements into
:attr:`RawRecord.parts`.

Helpers: :mod:`~storyline.ingest.html_text` (parsing, text),
:mod:`~storyline.ingest.html_meta` (metadata) and
:mod:`~storyline.ingest.html_posts` (pages of several posts).
"""

from __future__ import annotations

import html as htmllib
import re

import lxml.html

from storyline.config import Config
from storyline.errors import IngestError
from storyline.ingest import html_meta
from storyline.ingest.html_posts import post_elements, post_record
from storyline.ingest.html_text import (
    EXTRACT_ERRORS,
    NO_TEXT,
    clean_lines,
    element_text,
    extract,
    one_line,
    parse,
    parser,
)
from storyline.ingest.record import RawRecord

__all__ = ["NO_TEXT", "clean_lines", "html_fragment_text", "read_html"]

_TAG = re.compile(r"<[A-Za-z/!?]")


def read_html(html: str, source: str, config: Config, *, url: str | None = None) -> RawRecord:
    """Extract one page's main text and metadata.

    Args:
        html: the page's markup, already decoded.
        source: what to call the page in records and errors.
        config: ``config.html`` sets the extraction options.
        url: where the page came from, when known (WARC target, fetched URL);
            used to resolve relative links and as a last resort for ``url`` and
            ``outlet``.

    Returns:
        A RawRecord; ``parts`` holds one record per post when the page holds
        several posts and ``config.html.split_articles`` is on.

    Raises:
        IngestError: the markup holds no extractable text.
    """
    tree = parse(html, source)
    doc = extract(tree, config, url=url, with_metadata=True)
    text = clean_lines(doc.text) if doc is not None and doc.text else ""
    if not text:
        raise IngestError(source, NO_TEXT)

    prov: dict[str, str] = {}
    meta = html_meta.meta_tags(tree)
    page_url = html_meta.page_url(tree, meta, url, prov)
    outlet = html_meta.outlet(doc, url, prov)
    language = html_meta.language(tree)
    tags = tuple(t for t in (one_line(t) for t in doc.tags or ()) if t)
    posts = post_elements(tree, meta) if config.html.split_articles else []
    if posts:
        # trafilatura's title, byline and date heuristics pick one of the posts;
        # the page itself only has what its head says.
        title = one_line(html_meta.first(meta, "og:title") or tree.findtext(".//title"))
        author = one_line(html_meta.first(meta, "author"))
        published = html_meta.published(tree, meta, None, [])
    else:
        title = one_line(doc.title)
        author = one_line(doc.author)
        published = html_meta.published(tree, meta, doc.date, [u for u in (url, page_url) if u])
    for name, value, how in (
        ("title", title, "html-meta"),
        ("author", author, "html-meta"),
        ("tags", tags, "html-meta"),
        ("published", published, published.method if published else ""),
        ("language", language, "html-lang"),
    ):
        if value:
            prov[name] = how

    inherited = {k: v for k, v in prov.items() if k in ("outlet", "language")}
    parts = tuple(
        post_record(el, f"{source}#post-{i}", config, page_url, outlet, language, inherited)
        for i, el in enumerate(posts, 1)
    )
    return RawRecord(
        source=source,
        text=text,
        title=title,
        url=page_url,
        outlet=outlet,
        author=author,
        published=published,
        language=language,
        tags=tags,
        provenance=tuple(sorted(prov.items())),
        parts=parts,
    )


def html_fragment_text(html: str) -> str:
    """Plain text of an HTML fragment, such as a feed entry's content.

    Paragraphs, line breaks and list items become newlines; scripts and styles
    are dropped; entities are unescaped; runs of spaces collapse. A fragment
    without any tag keeps its own line breaks (plain text sent as HTML).

    >>> html_fragment_text("<p>One &amp; two</p><ul><li>three</li></ul>")
    'One & two\\nthree'
    """
    if not html or not html.strip():
        return ""
    if not _TAG.search(html):
        return clean_lines(htmllib.unescape(html))
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div", parser=parser())
    except (*EXTRACT_ERRORS, AssertionError, IndexError):
        # Unparseable even for libxml2's forgiving parser: drop anything tag-like.
        # lxml asserts (IndexError under -O) when the markup yields no <body>, as
        # when a fragment ends inside an unclosed <script> in a <head>.
        return clean_lines(htmllib.unescape(re.sub(r"<[^>]*>", " ", html)))
    return element_text(root)
