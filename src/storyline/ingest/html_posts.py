"""Pages of several posts (a blog front page, a live page) split into records.

The split is structural: the page's outermost ``<article>`` (or
``.hentry``/``.post``) elements with real text, unless the page declares itself
one article or one candidate holds most of the text.
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

import lxml.html

from storyline.config import Config
from storyline.ingest.dates import parse_published
from storyline.ingest.html_meta import absolute, jsonld_objects
from storyline.ingest.html_text import clean_lines, element_text, extract, one_line
from storyline.ingest.record import RawRecord
from storyline.model import Published

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


def post_elements(tree: lxml.html.HtmlElement, meta: dict[str, list[str]]) -> list[Any]:
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
        sized = [(el, len(element_text(el).split())) for el in tree.xpath(xpath)]
        sized = [(el, n) for el, n in sized if n >= _MIN_POST_WORDS]
        total = sum(n for _, n in sized)
        if len(sized) >= 2 and max(n for _, n in sized) < _MAIN_SHARE * total:
            return [el for el, _ in sized]
    return []


def _declares_one_article(tree: lxml.html.HtmlElement, meta: dict[str, list[str]]) -> bool:
    """og:type article or a JSON-LD Article, and not a live blog (whose updates are posts)."""
    types: set[str] = set()
    for item in jsonld_objects(tree):
        kind = item.get("@type")
        types.update(
            k.lower() for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)
        )
    if "liveblogposting" in types:
        return False
    return bool(types & _ARTICLE_TYPES) or "article" in (v.lower() for v in meta.get("og:type", []))


def post_record(
    el: Any,
    source: str,
    config: Config,
    page_url: str | None,
    outlet: str | None,
    language: str | None,
    inherited: dict[str, str],
) -> RawRecord:
    """A post's record: its own title, byline, date, link and text; the page's outlet, language."""
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
    url = absolute(str(links[0]), page_url) if links else None
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
    doc = extract(page, config, url=None, with_metadata=False)
    text = clean_lines(doc.text) if doc is not None and doc.text else ""
    return text or element_text(el)


def _first_text(el: Any, xpath: str) -> str | None:
    for found in el.xpath(xpath):
        text = one_line(element_text(found).replace("\n", " "))
        if text:
            return text
    return None
