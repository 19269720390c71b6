"""Evidence spans and entity references, as the sections write them.

An evidence span is ``{"document_id", "start", "end", "text"}`` into ``Document.text``; an
entity reference is ``{"entity_id", "name", "evidence"}`` (see ``docs/sections.md``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from storyline.events.model import Arg


def evidence(texts: Mapping[str, str], doc_id: str, start: int, end: int) -> dict[str, Any]:
    """The evidence dict of ``texts[doc_id][start:end]``.

    Raises:
        ValueError: the span lies outside the document.
    """
    text = texts[doc_id]
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span {start}:{end} is outside document {doc_id}")
    return {"document_id": doc_id, "start": start, "end": end, "text": text[start:end]}


def clip(text: str, limit: int) -> str:
    """``text`` with its whitespace collapsed, cut at a word boundary to at most ``limit``
    characters and marked with "…" where it was cut."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def entity_spans(
    entities: Sequence[Mapping[str, Any]],
) -> dict[str, list[tuple[int, int, str, str]]]:
    """Document id -> the entity mentions of the ``entities`` section in it, as sorted
    ``(start, end, entity id, name)``."""
    spans: dict[str, list[tuple[int, int, str, str]]] = {}
    for e in entities:
        for ev in e.get("mentions", ()):
            spans.setdefault(ev["document_id"], []).append(
                (ev["start"], ev["end"], e["id"], e.get("name", ""))
            )
    for found in spans.values():
        found.sort()
    return spans


class EntityRefs:
    """Entity mention spans of the ``entities`` section, to turn spans into entity references."""

    def __init__(self, entities: Sequence[Mapping[str, Any]]) -> None:
        self._spans = entity_spans(entities)

    @classmethod
    def from_spans(cls, spans: Mapping[str, Sequence[tuple[int, int, str, str]]]) -> EntityRefs:
        """From document id -> sorted ``(start, end, entity id, name)`` (no section needed)."""
        refs = cls(())
        refs._spans = {doc: list(found) for doc, found in spans.items()}
        return refs

    @classmethod
    def of(cls, entities: Sequence[Mapping[str, Any]] | EntityRefs) -> EntityRefs:
        """``entities`` as references: section items are indexed, an index is kept."""
        return entities if isinstance(entities, EntityRefs) else cls(entities)

    def ref(self, texts: Mapping[str, str], doc_id: str, arg: Arg | None) -> dict[str, Any] | None:
        """The reference for ``arg``: the first entity whose mention overlaps it, else
        its words as written with ``entity_id`` None; None for no argument."""
        if arg is None:
            return None
        ev = evidence(texts, doc_id, arg.start, arg.end)
        for start, end, ent_id, name in self._spans.get(doc_id, ()):
            if start >= arg.end:
                break
            if arg.start < end:
                return {"entity_id": ent_id, "name": name or ev["text"], "evidence": ev}
        return {"entity_id": None, "name": ev["text"], "evidence": ev}
