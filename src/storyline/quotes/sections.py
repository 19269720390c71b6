"""The ``quotes`` section (docs/sections.md) from the quotes of every document.

Every evidence dict is checked against the document text
(``text == texts[doc][start:end]``). The speaker becomes an entity reference
through the canonical entity one of whose mentions overlaps the speaker span; a
speaker no entity covers keeps its words with ``entity_id`` null, and a quote with
no speaker has ``speaker`` null. Event links come from the events whose sentences
overlap the quote's own words.

Example:
    >>> from storyline.events.model import Arg
    >>> from storyline.quotes.model import Quote
    >>> text = '"We won," said Mara Lindqvist.'
    >>> q = Quote("d", 1, 8, "We won,", "direct", Arg(10, 14, "said"),
    ...           Arg(15, 29, "Mara Lindqvist", "mara lindqvist"), "named", 0, 30)
    >>> ents = [{"id": "ent_1", "name": "Mara Lindqvist", "mentions": [
    ...     {"document_id": "d", "start": 15, "end": 29, "text": "Mara Lindqvist"}]}]
    >>> item = quotes_section([q], texts={"d": text}, entities=ents)[0]
    >>> item["speaker"]["entity_id"], item["cue"]
    ('ent_1', 'said')
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from storyline.evidence import EntityRefs as _Entities
from storyline.evidence import evidence as _evidence
from storyline.quotes.model import Quote

__all__ = ["quote_id", "quotes_section"]


def quote_id(q: Quote) -> str:
    """A stable id from the quote's document, span and kind: ``quo_`` + 16 hex digits."""
    raw = f"{q.doc_id}\x1f{q.start}\x1f{q.end}\x1f{q.kind}".encode()
    return "quo_" + hashlib.sha256(raw).hexdigest()[:16]


class _SentenceEvents:
    """The events of the sentences a span overlaps, indexed by document once."""

    def __init__(self, by_sentence: Mapping[tuple[str, int, int], Sequence[str]] | None) -> None:
        self._by_doc: dict[str, list[tuple[int, int, Sequence[str]]]] = {}
        for (doc_id, start, end), events in sorted((by_sentence or {}).items()):
            self._by_doc.setdefault(doc_id, []).append((start, end, events))

    def __call__(self, q: Quote) -> list[str]:
        ids: list[str] = []
        for start, end, events in self._by_doc.get(q.doc_id, ()):
            if start < q.end and q.start < end:
                ids.extend(e for e in events if e not in ids)
        return ids


def quotes_section(
    quotes: Sequence[Quote],
    *,
    texts: Mapping[str, str],
    entities: Sequence[Mapping[str, Any]] | _Entities,
    event_mentions_by_sentence: Mapping[tuple[str, int, int], Sequence[str]] | None = None,
) -> list[dict[str, Any]]:
    """The ``quotes`` section items, in document and offset order, one per distinct quote.

    Args:
        quotes: the quotes of every document (:func:`storyline.quotes.find.quotes_for`).
        texts: document id -> ``Document.text`` (every span is checked against it).
        entities: the ``entities`` section (``id``, ``name``, ``mentions`` as evidence),
            or its :class:`~storyline.evidence.EntityRefs` index.
        event_mentions_by_sentence: ``(document id, sentence start, sentence end)`` ->
            ids of the events mentioned in that sentence; a quote links to the events of
            every sentence its words overlap.

    Returns:
        Items of the shape in docs/sections.md.

    Raises:
        ValueError: a span lies outside its document's text.
        KeyError: a quote's document is not in ``texts``.
    """
    ents = _Entities.of(entities)
    event_ids = _SentenceEvents(event_mentions_by_sentence)
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for q in sorted(quotes, key=lambda q: (q.doc_id, q.start, q.end, q.kind)):
        qid = quote_id(q)
        if qid in seen:
            continue
        seen.add(qid)
        evidence = _evidence(texts, q.doc_id, q.start, q.end)
        cue_ev = _evidence(texts, q.doc_id, q.cue.start, q.cue.end) if q.cue else None
        out.append(
            {
                "id": qid,
                "kind": q.kind,
                "text": evidence["text"],
                "evidence": evidence,
                "cue": cue_ev["text"] if cue_ev else None,
                "cue_evidence": cue_ev,
                "speaker": ents.ref(texts, q.doc_id, q.speaker),
                "speaker_how": q.speaker_how if q.speaker is not None else None,
                "event_ids": event_ids(q),
            }
        )
    return out
