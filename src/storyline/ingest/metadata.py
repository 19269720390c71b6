"""Stage ``metadata.text.v1``: metadata the text itself states.

Reads the lines the cleaner removed (headline, date lines, bylines, credit
lines, tag lines) and credits inside the text ("according to AFP",
"(Reuters) -"). Fields the container already gave are kept; a field the text
does not state stays empty.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from functools import lru_cache
from importlib import resources

from storyline.ingest.clean import _LIST_SEPARATORS, match_rule
from storyline.ingest.dates import parse_published
from storyline.model import Document, Span


@lru_cache(maxsize=1)
def agencies() -> dict[str, str]:
    """Alias → canonical name for the news agencies in ``data/agencies.toml``."""
    raw = tomllib.loads(
        resources.files("storyline.ingest.data").joinpath("agencies.toml").read_text("utf-8")
    )
    return {alias: canonical for canonical, aliases in raw.items() for alias in aliases}


@lru_cache(maxsize=1)
def _credit_patterns() -> tuple[re.Pattern[str], ...]:
    names = sorted(agencies(), key=len, reverse=True)
    ag = "(?P<agency>" + "|".join(re.escape(n) for n in names) + ")"
    return tuple(
        re.compile(p, re.MULTILINE)
        for p in (
            rf"\b(?:[Aa]ccording to|[Tt]old|[Qq]uoted by|[Cc]ited by|[Rr]eported by|[Tt]elling)"
            rf"\s+(?:the\s+)?{ag}(?![\w-])",
            rf"(?<![\w-]){ag}\s+(?:news agency\s+)?(?:reported|quoted|cited|said|reports)\b",
            # A wire dateline credits whoever it names: "PORT SELIM (Harbour Wire) -".
            r"^[A-Z][A-Z .,'/-]{1,40}\(\s*(?P<agency>[A-Z][\w.&' -]{0,40}?)\s*\)\s*[-–—]",
            rf"^\(\s*{ag}\s*\)\s*[-–—]",
            rf"\b(?:[Ss]peaking|[Ii]n an interview) (?:to|with)\s+(?:the\s+)?{ag}(?![\w-])",
        )
    )


def credits_in_text(doc: Document) -> list[tuple[str, Span]]:
    """Agencies the text credits, each with the span that names it."""
    found = []
    for pattern in _credit_patterns():
        for m in pattern.finditer(doc.text):
            a, b = m.span("agency")
            found.append((canonical_credit(m.group("agency")), doc.span(a, b)))
    return sorted(found, key=lambda x: x[1].start)


def canonical_credit(name: str) -> str:
    """The canonical agency name for ``name``, or the name itself, trimmed."""
    name = re.sub(r"\s+", " ", name).strip(" .,;:|")
    return agencies().get(name, name)


# "March 2, 2024 | Posted by ann |": a date line with the byline on it.
_BY_IN_DATELINE = re.compile(r"\bby\s+(?P<name>[^|,\d]{2,40}?)\s*(?:\||,|$)", re.IGNORECASE)


def extract_metadata(doc: Document) -> Document:
    """Fill empty metadata fields from the removed lines and in-text credits."""
    prov = dict(doc.provenance)
    by_reason: dict[str, list[str]] = {}
    for r in doc.removed:
        by_reason.setdefault(r.reason, []).append(r.text.strip())

    title = doc.title
    if title is None and by_reason.get("title"):
        title = by_reason["title"][0]
        prov["title"] = "text-headline"

    published = doc.published
    if published is None:
        for line in by_reason.get("dateline", []):
            published = parse_published(line, "post-footer" if doc.kind == "post" else "dateline")
            if published:
                prov["published"] = published.method
                break

    author = doc.author
    if author is None:
        for line in by_reason.get("byline", []):
            hit = match_rule(line)
            if hit and hit[1]:
                author = hit[1]
                prov["author"] = "byline"
                break
        for line in by_reason.get("dateline", []) if author is None else ():
            m = _BY_IN_DATELINE.search(line)
            if m:
                author = m.group("name").strip()
                prov["author"] = "byline"
                break

    credits: list[str] = list(doc.credited_sources)
    for line in by_reason.get("credit", []):
        hit = match_rule(line)
        if hit and hit[1]:
            credits.append(canonical_credit(hit[1]))
            prov.setdefault("credited_sources", "credit-line")
    for name, _span in credits_in_text(doc):
        credits.append(name)
        prov.setdefault("credited_sources", "text")
    outlet = canonical_credit(doc.outlet) if doc.outlet else None
    credits = [c for c in dict.fromkeys(credits) if c and c != outlet]

    tags = list(doc.tags)
    if not tags:
        for line in by_reason.get("tags", []):
            line = re.sub(r"^[^:|]{0,20}:\s*", "", line) if ":" in line[:21] else line
            tags += [t.strip() for part in _LIST_SEPARATORS.split(line) for t in part.split(",")]
        tags = [t for t in dict.fromkeys(tags) if t]
        if tags:
            prov["tags"] = "tag-line"

    return replace(
        doc,
        title=title,
        published=published,
        author=author,
        credited_sources=tuple(credits),
        tags=tuple(tags),
        provenance=tuple(sorted(prov.items())),
    )
