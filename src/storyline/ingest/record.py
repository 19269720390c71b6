"""What a reader hands on: raw records, before cleaning and post splitting."""

from __future__ import annotations

from dataclasses import dataclass

from storyline.model import Published


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One article's extracted text and the metadata its container gave.

    ``text`` is plain text (paragraphs separated by newlines), not yet cleaned.
    Metadata fields are None when the container did not say; ``provenance``
    names where each given field came from (``("published", "html-meta")``).
    ``parts`` is non-empty for a page that holds several posts and was split
    structurally (HTML ``<article>`` elements); each part is one post.
    """

    source: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: Published | None = None
    language: str | None = None
    credited_sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    provenance: tuple[tuple[str, str], ...] = ()
    parts: tuple[RawRecord, ...] = ()
