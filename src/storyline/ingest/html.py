"""HTML pages to raw records: main text via trafilatura, metadata from the markup.

The body text comes from trafilatura (page furniture, comments and scripts are
dropped). Metadata prefers what the markup states outright: ``<meta>`` tags,
JSON-LD, ``<time>`` elements, ``<html lang>``. A publication date is never
guessed from the body text; trafilatura's own date (htmldate) is kept only when
the markup or the URL also states that day.

Pages holding several posts (a blog front page, a live page) are split
structurally on their ``<article>`` (or ``.hentry``/``.post``) elements into
:attr:`RawRecord.parts`.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Iterator
from copy import deepcopy
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from storyline.config import Config
from storyline.errors import IngestError
from storyline.ingest.dates import parse_published
from storyline.ingest.record import RawRecord
from storyline.model import Published

NO_TEXT = "no article text found in the HTML"

# htmldate options: no opportunistic search through the page text.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}

# What trafilatura or lxml may raise on hostile markup (trafilatura itself turns
# most problems into ValueError/TypeError and returns None).
_EXTRACT_ERRORS = (etree.LxmlError, ValueError, TypeError, RecursionError)

# Meta tags naming the publication time, best first. Keys are the lowercased
# ``property``, ``name`` or ``itemprop`` attribute.
_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "article.published",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
    "date",
)

_LANG = re.compile(r"^\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9-]*)?\s*$")
_TAG = re.compile(r"<[A-Za-z/!?]")
_SPACES = re.compile(r"\s+")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# Elements whose text is never article text, and elements that end a line.
_SKIP = frozenset(
    "script style noscript template head title iframe object embed svg math "
    "select button textarea canvas audio video".split()
)
_BLOCK = frozenset(
    "p div br li ul ol dl dt dd h1 h2 h3 h4 h5 h6 blockquote pre table tr td th "
    "section article header footer aside nav main figure figcaption hr address "
    "details summary form fieldset center".split()
)

_MIN_POST_WORDS = 40


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_POST_CLASS = f"{_has_class('hentry')} or {_has_class('post')}"
# Candidates inside page furniture are teasers, and inside comment lists comments.
_NOT_POSTS = (
    "ancestor::aside or ancestor::nav or ancestor::footer or ancestor-or-self::*[contains("
    "translate(concat(@class, ' ', @id), 'COMENT', 'coment'), 'comment')]"
)
# A candidate holding this share of all candidates' words is the page's one article.
_MAIN_SHARE = 2 / 3
_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "report",
    }
)
_DATEISH = (
    "//*[contains(translate(concat(@class, ' ', @id, ' ', @itemprop), "
    "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '{}')]"
)


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
    tree = _parse(html, source)
    doc = _extract(tree, config, url=url, with_metadata=True)
    text = clean_lines(doc.text) if doc is not None and doc.text else ""
    if not text:
        raise IngestError(source, NO_TEXT)

    prov: dict[str, str] = {}
    meta = _meta_tags(tree)
    page_url = _page_url(tree, meta, url, prov)
    outlet = _outlet(doc, url, prov)
    language = _language(tree)
    tags = tuple(t for t in (_one_line(t) for t in doc.tags or ()) if t)
    posts = _post_elements(tree, meta) if config.html.split_articles else []
    if posts:
        # trafilatura's title, byline and date heuristics pick one of the posts;
        # the page itself only has what its head says.
        title = _one_line(_first(meta, "og:title") or tree.findtext(".//title"))
        author = _one_line(_first(meta, "author"))
        published = _published(tree, meta, None, [])
    else:
        title = _one_line(doc.title)
        author = _one_line(doc.author)
        published = _published(tree, meta, doc.date, [u for u in (url, page_url) if u])
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
        _post_record(el, f"{source}#post-{i}", config, page_url, outlet, language, inherited)
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
        root = lxml.html.fragment_fromstring(html, create_parent="div", parser=_parser())
    except _EXTRACT_ERRORS:
        # Unparseable even for libxml2's forgiving parser: drop anything tag-like.
        return clean_lines(htmllib.unescape(re.sub(r"<[^>]*>", " ", html)))
    return _element_text(root)


# --- parsing and extraction -------------------------------------------------


def _parser() -> lxml.html.HTMLParser:
    # Comments and processing instructions never reach the text; the input is
    # handed over as UTF-8 bytes, so a stale <meta charset> cannot mislead lxml.
    return lxml.html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, collect_ids=False
    )


def _parse(html: str, source: str) -> lxml.html.HtmlElement:
    if not html.strip():
        raise IngestError(source, NO_TEXT)
    try:
        # libxml2 caps nesting depth (256), so hostile deep nesting is cut, not recursed.
        return lxml.html.document_fromstring(
            html.encode("utf-8", errors="replace"), parser=_parser()
        )
    except _EXTRACT_ERRORS:
        raise IngestError(source, NO_TEXT) from None


def _extract(
    tree: lxml.html.HtmlElement, config: Config, *, url: str | None, with_metadata: bool
) -> Any:
    """Run trafilatura on a parsed tree (it works on a copy); None when it finds nothing."""
    import trafilatura

    try:
        return trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=with_metadata,
            favor_precision=config.html.favor_precision,
            include_comments=False,
            include_tables=config.html.include_tables,
            date_extraction_params=dict(_DATE_PARAMS),
        )
    except _EXTRACT_ERRORS:
        return None


def _element_text(root: Any) -> str:
    """Text of an element with block elements on their own lines (no recursion)."""
    pieces: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, node in walker:
        name = node.tag.lower() if isinstance(node.tag, str) else ""
        if event == "start":
            if name in _SKIP or not name:
                walker.skip_subtree()
                continue
            if name in _BLOCK:
                pieces.append("\n")
            if node.text:
                pieces.append(_SPACES.sub(" ", node.text))
        else:
            if name in _BLOCK:
                pieces.append("\n")
            if node is not root and node.tail:
                pieces.append(_SPACES.sub(" ", node.tail))
    return clean_lines("".join(pieces))


def clean_lines(text: str) -> str:
    """Strip each line, collapse inner spaces, drop blank lines."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _one_line(value: str | None) -> str | None:
    if not value:
        return None
    return _SPACES.sub(" ", value).strip() or None


# --- page metadata ----------------------------------------------------------


def _meta_tags(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    """``<meta>`` contents by lowercased property/name/itemprop, in page order."""
    found: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        content = (el.get("content") or "").strip()
        key = el.get("property") or el.get("name") or el.get("itemprop")
        if content and key:
            found.setdefault(key.strip().lower(), []).append(content)
    return found


def _first(meta: dict[str, list[str]], key: str) -> str | None:
    values = meta.get(key)
    return values[0] if values else None


def _absolute(href: str | None, base: str | None) -> str | None:
    """An absolute http(s) URL, resolving ``href`` against ``base``; None otherwise."""
    if not href or not href.strip():
        return None
    try:
        full = urljoin(base, href.strip()) if base else href.strip()
        parts = urlsplit(full)
    except ValueError:
        return None
    return full if parts.scheme in ("http", "https") and parts.netloc else None


def _page_url(
    tree: lxml.html.HtmlElement, meta: dict[str, list[str]], url: str | None, prov: dict[str, str]
) -> str | None:
    canonical = tree.xpath("//link[@href][contains(concat(' ', @rel, ' '), ' canonical ')]/@href")
    for href in [*canonical[:1], *meta.get("og:url", [])[:1]]:
        found = _absolute(str(href), url)
        if found:
            prov["url"] = "html-meta"
            return found
    if url:
        prov["url"] = "source-url"
        return url
    return None


def _outlet(doc: Any, url: str | None, prov: dict[str, str]) -> str | None:
    """og:site_name or JSON-LD publisher (via trafilatura); the host only when ``url`` is given."""
    from trafilatura.metadata import META_URL

    sitename = _one_line(doc.sitename)
    # trafilatura falls back to the host of any URL it saw (canonical links
    # included); that is not the outlet's name, so it is only used as a last
    # resort and only for a URL the caller vouched for.
    host_match = META_URL.match(doc.url or "")
    if sitename and not (host_match and sitename == host_match[1]):
        prov["outlet"] = "html-meta"
        return sitename
    own = META_URL.match(url or "")
    if own:
        prov["outlet"] = "url-host"
        return own[1].split(":")[0].lower()
    return None


def _language(tree: lxml.html.HtmlElement) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    m = _LANG.match(lang or "")
    return m[1].lower() if m else None


def _published(
    tree: lxml.html.HtmlElement,
    meta: dict[str, list[str]],
    trafilatura_date: str | None,
    urls: list[str],
) -> Published | None:
    """The publication date the markup states; full timestamps win over days."""
    candidates: list[Published] = []
    for value in _published_values(tree, meta):
        found = parse_published(value, "html-meta")
        if found is not None:
            candidates.append(found)
    for found in candidates:
        if found.precision in ("minute", "second"):
            return found
    if candidates:
        return candidates[0]
    # htmldate's fast mode still scans the page text for bare dates; keep its
    # answer only when the URL or date-like markup states the same day.
    day = parse_published(trafilatura_date, "html-meta")
    if day is None or day.day is None:
        return None
    evidence = [*urls, *(v for values in meta.values() for v in values), *_dateish_strings(tree)]
    if any(_mentions_day(s, day.day) for s in evidence):
        return Published(day.day, "day", "html-meta")
    return None


def _published_values(tree: lxml.html.HtmlElement, meta: dict[str, list[str]]) -> Iterator[str]:
    for key in _PUBLISHED_META[:3]:
        yield from meta.get(key, [])
    yield from _jsonld_dates(tree)
    for key in _PUBLISHED_META[3:]:
        yield from meta.get(key, [])
    for value in tree.xpath(
        "//time[@pubdate]/@datetime | //*[@itemprop='datePublished']/@datetime"
        " | //*[@itemprop='datePublished']/@content"
    ):
        yield str(value)


def _jsonld_objects(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Objects in the page's JSON-LD blocks (top level, @graph, nested a few levels), bounded."""
    for script in tree.xpath("//script[@type]"):
        if script.get("type", "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        stack: list[tuple[Any, int]] = [(data, 0)]
        visited = 0
        while stack and visited < 5000:
            visited += 1
            item, depth = stack.pop(0)
            if isinstance(item, dict):
                yield item
                children = list(item.values())
            elif isinstance(item, list):
                children = item
            else:
                continue
            if depth < 4:
                stack.extend((child, depth + 1) for child in children[:200])


def _jsonld_dates(tree: lxml.html.HtmlElement) -> Iterator[str]:
    for item in _jsonld_objects(tree):
        value = item.get("datePublished")
        if isinstance(value, str):
            yield value


def _dateish_strings(tree: lxml.html.HtmlElement) -> Iterator[str]:
    """Short texts and attributes of elements that state dates in markup."""
    elements = tree.xpath("//time | //abbr")
    for word in ("date", "time", "publish", "posted", "byline"):
        elements.extend(tree.xpath(_DATEISH.format(word))[:50])
    for el in elements[:300]:
        for attr in ("datetime", "title", "content"):
            if el.get(attr):
                yield el.get(attr)
        text = el.text_content()
        if len(text) <= 200:
            yield text


def _mentions_day(text: str, day: str) -> bool:
    """True when ``text`` states the day ``YYYY-MM-DD`` numerically or in words."""
    y, m, d = day.split("-")
    mi, di = int(m), int(d)
    numeric = (
        rf"(?<!\d){y}(?P<a>[-/._])0?{mi}(?P=a)0?{di}(?!\d)|(?<!\d){y}{m}{d}(?!\d)|"
        rf"(?<!\d)0?{di}(?P<b>[-/.])0?{mi}(?P=b){y}(?!\d)|"
        rf"(?<!\d)0?{mi}(?P<c>[-/.])0?{di}(?P=c){y}(?!\d)"
    )
    if re.search(numeric, text):
        return True
    lower = text.lower()
    return (
        re.search(rf"(?<!\d){y}(?!\d)", lower) is not None
        and re.search(rf"\b{_MONTHS[mi - 1]}", lower) is not None
        and re.search(rf"(?<!\d)0?{di}(?:st|nd|rd|th)?(?!\d)", lower) is not None
    )


# --- pages of several posts -------------------------------------------------


def _post_elements(tree: lxml.html.HtmlElement, meta: dict[str, list[str]]) -> list[Any]:
    """The page's posts: 2+ outermost <article> (or .hentry/.post) elements with real text.

    Not posts: comments, teasers in asides, and the related-story cards around
    a page that declares itself one article or whose largest candidate holds
    most of the text.
    """
    if _declares_one_article(tree, meta):
        return []
    for xpath in (
        f"//article[not(ancestor::article)][not({_NOT_POSTS})]",
        f"//*[{_POST_CLASS}][not(ancestor::*[{_POST_CLASS}])][not({_NOT_POSTS})]",
    ):
        sized = [(el, len(_element_text(el).split())) for el in tree.xpath(xpath)]
        sized = [(el, n) for el, n in sized if n >= _MIN_POST_WORDS]
        total = sum(n for _, n in sized)
        if len(sized) >= 2 and max(n for _, n in sized) < _MAIN_SHARE * total:
            return [el for el, _ in sized]
    return []


def _declares_one_article(tree: lxml.html.HtmlElement, meta: dict[str, list[str]]) -> bool:
    """og:type article or a JSON-LD Article, and not a live blog (whose updates are posts)."""
    types: set[str] = set()
    for item in _jsonld_objects(tree):
        kind = item.get("@type")
        types.update(
            k.lower() for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)
        )
    if "liveblogposting" in types:
        return False
    return bool(types & _ARTICLE_TYPES) or "article" in (v.lower() for v in meta.get("og:type", []))


def _post_record(
    el: Any,
    source: str,
    config: Config,
    page_url: str | None,
    outlet: str | None,
    language: str | None,
    inherited: dict[str, str],
) -> RawRecord:
    prov = dict(inherited)
    title = _first_text(el, ".//h1 | .//h2 | .//h3")
    author = _first_text(
        el,
        f".//*[{_has_class('author')}]//*[{_has_class('fn')}] | .//*[{_has_class('author')}]"
        " | .//a[contains(concat(' ', @rel, ' '), ' author ')]",
    )
    if author:
        author = re.sub(r"^by\s+", "", author, flags=re.IGNORECASE) or None
    published = _post_published(el)
    links = el.xpath(".//a[contains(concat(' ', @rel, ' '), ' bookmark ')]/@href")
    url = _absolute(str(links[0]), page_url) if links else None
    for name, value in (("title", title), ("author", author), ("published", published)):
        if value:
            prov[name] = "html-meta"
    if url:
        prov["url"] = "html-meta"
    return RawRecord(
        source=source,
        text=_post_text(el, config),
        title=title,
        url=url,
        outlet=outlet,
        author=author,
        published=published,
        language=language,
        provenance=tuple(sorted(prov.items())),
    )


def _post_published(el: Any) -> Published | None:
    """A post's date: its first ``<time datetime>``, else its ``.published`` element."""
    published = f".//*[{_has_class('published')}]"
    values = [str(v) for v in el.xpath(f".//time/@datetime | {published}/@datetime")]
    values += [str(v) for v in el.xpath(f"{published}/@title")]
    values.append(_first_text(el, published) or "")
    for value in values:
        found = parse_published(value, "html-meta")
        if found is not None:
            return found
    return None


def _post_text(el: Any, config: Config) -> str:
    """A post's text via trafilatura on the post alone, or all its text if that finds none."""
    page = lxml.html.document_fromstring("<html><body></body></html>")
    post = deepcopy(el)
    post.tail = None
    page.body.append(post)
    doc = _extract(page, config, url=None, with_metadata=False)
    text = clean_lines(doc.text) if doc is not None and doc.text else ""
    return text or _element_text(el)


def _first_text(el: Any, xpath: str) -> str | None:
    for found in el.xpath(xpath):
        text = _one_line(_element_text(found).replace("\n", " "))
        if text:
            return text
    return None
