"""Corpus-level language sections: events, timeline, claims, conflicts, quotes.

Per document, one pass over its cached parse finds event mentions
(:mod:`storyline.events.mentions`), numeric claims (:mod:`storyline.claims.extract`)
and quotes (:mod:`storyline.quotes.find`); the three lists are cached together as
one store feature, so a later run computes them only for new documents. Then the
corpus-level steps run over every document: events are merged across reports
(:mod:`storyline.events.merge`), claims grouped into conflicts
(:mod:`storyline.claims.conflicts`), and each result is written as a section
(shapes in ``docs/sections.md``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from storyline.config import Config
from storyline.model import Document
from storyline.store import Store

FEATURE_VERSION = "1"


def _feature_name(config: Config) -> str:
    settings = json.dumps(
        [
            FEATURE_VERSION,
            config.nlp.model,
            dataclasses.asdict(config.entities),
            dataclasses.asdict(config.events),
            dataclasses.asdict(config.claims),
            dataclasses.asdict(config.quotes),
        ],
        sort_keys=True,
    )
    return "language_" + hashlib.sha256(settings.encode()).hexdigest()[:16]


def document_language(
    doc: Document, parsed: Any, mentions: Sequence[Any], timexes: Sequence[Any], config: Config
) -> dict[str, list[dict[str, Any]]]:
    """Event mentions, claims and quotes of one document, as JSON-ready dicts."""
    out: dict[str, list[dict[str, Any]]] = {"events": [], "claims": [], "quotes": []}
    if config.events.enabled:
        from storyline.events.mentions import event_mentions

        out["events"] = [m.to_dict() for m in event_mentions(doc, parsed, mentions, timexes)]
    if config.claims.enabled:
        from storyline.claims.extract import claims_for

        out["claims"] = [c.to_dict() for c in claims_for(doc, parsed, mentions, timexes)]
    if config.quotes.enabled:
        from storyline.quotes.find import quotes_for

        out["quotes"] = [q.to_dict() for q in quotes_for(doc, parsed, mentions)]
    return out


def update_language(
    store: Store,
    docs: Sequence[Document],
    config: Config,
    mentions: Mapping[str, Sequence[Any]],
    story_of: Mapping[str, str],
    family_of: Mapping[str, str],
) -> dict[str, int]:
    """Write the ``events``, ``timeline``, ``claims``, ``conflicts`` and ``quotes`` sections.

    Args:
        store: the store (its parse, time-expression and entity sections are read).
        docs: the analysed documents.
        config: the settings.
        mentions: document id -> its entity mentions (documents the entity layer
            skipped, such as other languages, are left out here too).
        story_of: document id -> story id.
        family_of: document id -> derivation family id (independent sources).

    Returns:
        How many items each section got.
    """
    from storyline.nlp.parse import iter_parsed
    from storyline.nlp.timex import Timex

    if not (config.events.enabled or config.claims.enabled or config.quotes.enabled):
        return {}
    docs = [d for d in docs if d.id in mentions]
    by_id = {d.id: d for d in docs}
    timex_values = store.get_features("timex_v1", [d.id for d in docs])

    def timexes_of(doc_id: str) -> list[Timex]:
        return [Timex(**t) for t in json.loads(timex_values.get(doc_id, b"[]"))]

    name = _feature_name(config)
    values = store.get_features(name, [d.id for d in docs])
    todo = [d for d in docs if d.id not in values]
    if todo:
        fresh: dict[str, bytes] = {}
        for doc_id, parsed in iter_parsed(store, todo, config.nlp):
            found = document_language(
                by_id[doc_id], parsed, mentions[doc_id], timexes_of(doc_id), config
            )
            fresh[doc_id] = json.dumps(found, ensure_ascii=False).encode()
        store.put_features(name, fresh)
        values.update(fresh)
    per_doc = {d.id: json.loads(values[d.id]) for d in docs}
    texts = {d.id: d.text for d in docs}
    entities = store.get_section("entities")
    entity_of = SpanEntities(entities)
    entity_names = {e["id"]: e["name"] for e in entities}
    counts: dict[str, int] = {}

    events_items: list[dict[str, Any]] = []
    if config.events.enabled:
        from storyline.events.merge import merge_events
        from storyline.events.model import mention_from_dict
        from storyline.events.sections import events_section, timeline_section

        ems = [mention_from_dict(m) for d in docs for m in per_doc[d.id]["events"]]
        events = merge_events(
            ems,
            story_of=story_of if config.events.merge_within_stories else None,
            entity_of=entity_of,
            texts=texts,
        )
        events_items = events_section(
            events, texts=texts, entities=entities, family_of=family_of, story_of=story_of
        )
    event_at = _events_by_sentence(events_items)

    claim_items: list[dict[str, Any]] = []
    conflict_items: list[dict[str, Any]] = []
    if config.claims.enabled:
        from storyline.claims.conflicts import claims_section, conflicts_section, group_claims
        from storyline.claims.model import claim_from_dict

        claims = [claim_from_dict(c) for d in docs for c in per_doc[d.id]["claims"]]
        claim_items = claims_section(claims, texts, entity_of=entity_of, entity_names=entity_names)
        _link_claims(claim_items, events_items, event_at)
        groups = group_claims(claims, entity_of=entity_of, family_of=family_of, story_of=story_of)
        conflict_items = conflicts_section(groups, texts, family_of=family_of)
    counts["claims"], counts["conflicts"] = len(claim_items), len(conflict_items)

    quote_items: list[dict[str, Any]] = []
    if config.quotes.enabled:
        from storyline.quotes.model import quote_from_dict
        from storyline.quotes.sections import quotes_section

        quotes = [quote_from_dict(q) for d in docs for q in per_doc[d.id]["quotes"]]
        quote_items = quotes_section(
            quotes, texts=texts, entities=entities, event_mentions_by_sentence=event_at
        )

    store.put_section("events", events_items)
    store.put_section("timeline", timeline_section(events_items) if events_items else [])
    store.put_section("claims", claim_items)
    store.put_section("conflicts", conflict_items)
    store.put_section("quotes", quote_items)
    counts["events"], counts["quotes"] = len(events_items), len(quote_items)
    return counts


class SpanEntities(Mapping[tuple[str, int, int], str]):
    """(document id, start, end) -> the canonical entity whose mention the span holds.

    A span matches a mention it equals, contains or lies inside ("the Pentagon"
    holds the mention "Pentagon"); among several, the longest overlap wins.
    """

    def __init__(self, entities: Sequence[dict[str, Any]]) -> None:
        self._exact: dict[tuple[str, int, int], str] = {}
        by_doc: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for e in entities:
            for m in e["mentions"]:
                self._exact[(m["document_id"], m["start"], m["end"])] = e["id"]
                by_doc[m["document_id"]].append((m["start"], m["end"], e["id"]))
        self._by_doc = {d: sorted(v) for d, v in by_doc.items()}

    def __getitem__(self, key: tuple[str, int, int]) -> str:
        if key in self._exact:
            return self._exact[key]
        doc, start, end = key
        best, best_len = None, 0
        for s, e, ent in self._by_doc.get(doc, ()):
            if s >= end:
                break
            inside = start <= s and e <= end
            around = s <= start and end <= e
            if (inside or around) and min(e, end) - max(s, start) > best_len:
                best, best_len = ent, min(e, end) - max(s, start)
        if best is None:
            raise KeyError(key)
        return best

    def __iter__(self) -> Any:
        return iter(self._exact)

    def __len__(self) -> int:
        return len(self._exact)


def _events_by_sentence(events: Sequence[dict[str, Any]]) -> dict[tuple[str, int, int], list[str]]:
    """(document id, sentence start, sentence end) -> the ids of the events it reports."""
    at: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for e in events:
        for m in e["mentions"]:
            s = m["sentence"]
            key = (s["document_id"], s["start"], s["end"])
            if e["id"] not in at[key]:
                at[key].append(e["id"])
    return dict(at)


def _link_claims(
    claims: list[dict[str, Any]],
    events: Sequence[dict[str, Any]],
    event_at: Mapping[tuple[str, int, int], list[str]],
) -> None:
    """A claim in a sentence that reports exactly one event belongs to that event."""
    by_id = {e["id"]: e for e in events}
    for c in claims:
        if c.get("event_id"):
            continue
        s = c["sentence"]
        ids = event_at.get((s["document_id"], s["start"], s["end"]), [])
        if len(ids) == 1:
            c["event_id"] = ids[0]
            by_id[ids[0]].setdefault("quantities", []).append(
                {"claim_id": c["id"], "value": c["value"], "counted": c["counted"]}
            )
