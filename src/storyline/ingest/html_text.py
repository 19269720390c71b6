"""HTML parsing and text helpers shared by the HTML reader's modules.

Parses markup with lxml's forgiving parser, runs trafilatura on a parsed tree,
and turns elements into plain text with block elements on their own lines.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from lxml import etree

from storyline.config import Config
from storyline.errors import IngestError

NO_TEXT = "no article text found in the HTML"

# htmldate options: no opportunistic search through the page text.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}

# What trafilatura or lxml may raise on hostile markup (trafilatura itself turns
# most problems into ValueError/TypeError and returns None).
EXTRACT_ERRORS = (etree.LxmlError, ValueError, TypeError, RecursionError)

_SPACES = re.compile(r"\s+")

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


def parser() -> lxml.html.HTMLParser:
    """A fresh lxml HTML parser for UTF-8 input that drops comments and PIs."""
    # Comments and processing instructions never reach the text; the input is
    # handed over as UTF-8 bytes, so a stale <meta charset> cannot mislead lxml.
    return lxml.html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, collect_ids=False
    )


def parse(html: str, source: str) -> lxml.html.HtmlElement:
    """Parse a whole page; IngestError (named after ``source``) when it is empty or unparseable."""
    if not html.strip():
        raise IngestError(source, NO_TEXT)
    try:
        # libxml2 caps nesting depth (256), so hostile deep nesting is cut, not recursed.
        return lxml.html.document_fromstring(
            html.encode("utf-8", errors="replace"), parser=parser()
        )
    except EXTRACT_ERRORS:
        raise IngestError(source, NO_TEXT) from None


def extract(
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
    except EXTRACT_ERRORS:
        return None


def element_text(root: Any) -> str:
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


def one_line(value: str | None) -> str | None:
    """``value`` with whitespace runs collapsed to one space and stripped; None when empty."""
    if not value:
        return None
    return _SPACES.sub(" ", value).strip() or None
