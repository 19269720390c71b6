"""Page metadata from HTML markup: URL, outlet, language and publication date.

Prefers what the markup states outright: ``<meta>`` tags, JSON-LD, ``<time>``
elements, ``<html lang>``. A publication date is never guessed from the body
text; trafilatura's own date (htmldate) is kept only when the markup or the URL
also states that day.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html

from storyline.ingest.dates import parse_published
from storyline.ingest.html_text import one_line
from storyline.model import Published

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
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATEISH = (
    "//*[contains(translate(concat(@class, ' ', @id, ' ', @itemprop), "
    "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '{}')]"
)


def meta_tags(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    """``<meta>`` contents by lowercased property/name/itemprop, in page order."""
    found: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        content = (el.get("content") or "").strip()
        key = el.get("property") or el.get("name") or el.get("itemprop")
        if content and key:
            found.setdefault(key.strip().lower(), []).append(content)
    return found


def first(meta: dict[str, list[str]], key: str) -> str | None:
    """The first ``<meta>`` content under ``key``, or None."""
    values = meta.get(key)
    return values[0] if values else None


def absolute(href: str | None, base: str | None) -> str | None:
    """An absolute http(s) URL, resolving ``href`` against ``base``; None otherwise."""
    if not href or not href.strip():
        return None
    try:
        full = urljoin(base, href.strip()) if base else href.strip()
        parts = urlsplit(full)
    except ValueError:
        return None
    return full if parts.scheme in ("http", "https") and parts.netloc else None


def page_url(
    tree: lxml.html.HtmlElement, meta: dict[str, list[str]], url: str | None, prov: dict[str, str]
) -> str | None:
    """Canonical link or og:url, else ``url``; records how in ``prov["url"]``."""
    canonical = tree.xpath("//link[@href][contains(concat(' ', @rel, ' '), ' canonical ')]/@href")
    for href in [*canonical[:1], *meta.get("og:url", [])[:1]]:
        found = absolute(str(href), url)
        if found:
            prov["url"] = "html-meta"
            return found
    if url:
        prov["url"] = "source-url"
        return url
    return None


def outlet(doc: Any, url: str | None, prov: dict[str, str]) -> str | None:
    """og:site_name or JSON-LD publisher (via trafilatura); the host only when ``url`` is given."""
    from trafilatura.metadata import META_URL

    sitename = one_line(doc.sitename)
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


def language(tree: lxml.html.HtmlElement) -> str | None:
    """The two-letter language code from ``<html lang>``, or None."""
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    m = _LANG.match(lang or "")
    return m[1].lower() if m else None


def published(
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


def jsonld_objects(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
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
    for item in jsonld_objects(tree):
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
