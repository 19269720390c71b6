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
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from storyline.config import Config
from storyline.corpus.blocks import Mapper, story_blocks
from storyline.corpus.families import local_families
from storyline.evidence import EntityRefs, entity_spans
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
    *,
    spans: Mapping[str, Sequence[tuple[int, int, str, str]]] | None = None,
    reuse: bool = False,
    mapper: Mapper | None = None,
) -> dict[str, int]:
    """Write the ``events``, ``timeline``, ``claims``, ``conflicts`` and ``quotes`` sections.

    Every step but the timeline stays inside a story (events merge within stories,
    claims group within stories), so with ``reuse`` a story whose inputs are those of
    the last run keeps its items: its documents, which of them share a family, and
    the entity each entity mention of theirs belongs to (ids and names), hashed into
    a key kept in the internal section ``language_state``. The result is the one a
    run over everything gives.

    Args:
        store: the store (its parse, time-expression and entity sections are read).
        docs: the analysed documents.
        config: the settings.
        mentions: document id -> its entity mentions (documents the entity layer
            skipped, such as other languages, are left out here too).
        story_of: document id -> story id.
        family_of: document id -> derivation family id (independent sources).
        spans: document id -> its entity mention spans, sorted ``(start, end, entity
            id, name)`` (from the ``entities`` section when None).
        reuse: keep the items of stories whose key is unchanged since the last run.
        mapper: build the items in blocks of whole stories with it (a Dask client's
            map); the items are the same.

    Returns:
        How many items each section got.
    """
    from storyline.events.sections import timeline_section, timeline_sort_key

    if not (config.events.enabled or config.claims.enabled or config.quotes.enabled):
        return {}
    docs = [d for d in docs if d.id in mentions]
    if spans is None:
        spans = entity_spans(store.get_section("entities"))
    feature = _feature_name(config)
    keys: dict[str, str] = {}
    if _story_local(config) and story_of and all(d.id in story_of for d in docs):
        members: dict[str, list[str]] = defaultdict(list)
        for d in docs:
            members[story_of[d.id]].append(d.id)
        keys = {
            story: _story_key(feature, story, ids, spans, family_of)
            for story, ids in members.items()
        }
    before = {x["key"] for x in store.get_section("language_state")} if reuse and keys else set()
    kept = {story for story, key in keys.items() if key in before}
    todo = [d for d in docs if story_of.get(d.id) not in kept] if kept else docs
    sections = _language_sections(
        store, todo, config, mentions, story_of, family_of, spans, feature, mapper
    )
    # Until the new keys are written, no story's stored items count as current.
    store.put_section("language_state", [])
    part_of_event: dict[str, str] = {}
    for name in SECTIONS:
        # Each story is a part of the section: the store keeps the parts of the kept
        # stories as they are and orders all items by their sort keys.
        items = sections[name]
        first = [FIRST_EVIDENCE[name](x) for x in items]
        parts = [story_of.get(ev["document_id"], "") for ev in first]
        if name == "events":
            part_of_event = {e["id"]: part for e, part in zip(items, parts, strict=True)}
        store.update_section(
            name,
            items,
            parts=parts,
            sort_keys=[SORT_KEY[name](x, ev) for x, ev in zip(items, first, strict=True)],
            keep=kept,
        )
    timeline = timeline_section(sections["events"])
    store.update_section(
        "timeline",
        timeline,
        parts=[part_of_event[t["event_id"]] for t in timeline],
        sort_keys=[timeline_sort_key(t) for t in timeline],
        keep=kept,
    )
    state = [{"story_id": story, "key": key} for story, key in sorted(keys.items())]
    store.put_section("language_state", state)
    return {name: len(items) for name, items in sections.items()}


SECTIONS = ("events", "claims", "conflicts", "quotes")
"""The sections built from the documents here (the timeline is built from the events)."""

FIRST_EVIDENCE: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "events": lambda e: e["mentions"][0]["evidence"],
    "claims": lambda c: c["evidence"],
    "conflicts": lambda g: g["values"][0]["evidence"][0],
    "quotes": lambda q: q["evidence"],
}
"""Where an item of each section first points: its story is that document's."""

SORT_KEY: dict[str, Callable[[dict[str, Any], dict[str, Any]], str]] = {
    # Events by their first mention, claims in document order (in extraction order
    # within a document: equal keys keep the order they were written in), conflicts by
    # their first claim, quotes by span: the order a run over every story writes.
    "events": lambda e, ev: f"{_span_key(ev)}\x1f{e['id']}",
    "claims": lambda c, ev: ev["document_id"],
    "conflicts": lambda g, ev: f"{ev['document_id']}\x1f{ev['start']:012d}",
    "quotes": lambda q, ev: f"{_span_key(ev)}\x1f{q['kind']}",
}


def _span_key(ev: Mapping[str, Any]) -> str:
    """A span as a string that sorts as ``(document id, start, end)`` does."""
    return f"{ev['document_id']}\x1f{ev['start']:012d}\x1f{ev['end']:012d}"


def _story_local(config: Config) -> bool:
    """Whether every section item depends on one story only (events merge within stories)."""
    return config.events.merge_within_stories or not config.events.enabled


def _story_key(
    feature: str,
    story: str,
    doc_ids: Sequence[str],
    spans: Mapping[str, Sequence[tuple[int, int, str, str]]],
    family_of: Mapping[str, str],
) -> str:
    """Everything a story's language items depend on, hashed: the settings and version
    (in ``feature``), the story, its documents (never changed under an id), which of them
    share a family (named by its first document here, so a family that grew elsewhere
    leaves the key alone) and each document's entity mentions with their entity."""
    ids = sorted(doc_ids)
    families = local_families(ids, family_of)
    parts = [(i, f, spans.get(i, [])) for i, f in zip(ids, families, strict=True)]
    raw = repr((feature, story, parts)).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()


def _language_sections(
    store: Store,
    docs: Sequence[Document],
    config: Config,
    mentions: Mapping[str, Sequence[Any]],
    story_of: Mapping[str, str],
    family_of: Mapping[str, str],
    spans: Mapping[str, Sequence[tuple[int, int, str, str]]],
    feature: str,
    mapper: Mapper | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The items of :data:`SECTIONS` for ``docs`` (their per-document feature computed
    where missing), as a run over only these documents' stories gives them; with a
    ``mapper``, built in blocks of whole stories (:mod:`storyline.corpus.blocks`)."""
    values = _document_values(store, docs, config, mentions, feature)
    whole = LanguageBlock(tuple(docs), values, config, story_of, family_of, spans)
    if mapper is None or not _story_local(config) or not all(d.id in story_of for d in docs):
        return block_sections(whole)
    by_id = {d.id: d for d in docs}
    members: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        members[story_of[d.id]].append(d.id)
    jobs = []
    for block in story_blocks({story: len(ids) for story, ids in members.items()}):
        ids = sorted(i for story in block for i in members[story])
        jobs.append(
            LanguageBlock(
                tuple(by_id[i] for i in ids),
                {i: values[i] for i in ids},
                config,
                {i: story_of[i] for i in ids},
                {i: family_of[i] for i in ids if i in family_of},
                {i: spans[i] for i in ids if i in spans},
            )
        )
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}
    for found in mapper(block_sections, jobs):
        for name in SECTIONS:
            out[name].extend(found[name])
    return out


def _document_values(
    store: Store,
    docs: Sequence[Document],
    config: Config,
    mentions: Mapping[str, Sequence[Any]],
    feature: str,
) -> dict[str, bytes]:
    """Each document's cached language feature, computed and stored where missing."""
    from storyline.nlp.parse import iter_parsed
    from storyline.nlp.timex import Timex

    by_id = {d.id: d for d in docs}
    values = store.get_features(feature, [d.id for d in docs])
    todo = [d for d in docs if d.id not in values]
    if todo:
        timex_values = store.get_features("timex_v1", [d.id for d in todo])
        fresh: dict[str, bytes] = {}
        for doc_id, parsed in iter_parsed(store, todo, config.nlp):
            timexes = [Timex(**t) for t in json.loads(timex_values.get(doc_id, b"[]"))]
            found = document_language(by_id[doc_id], parsed, mentions[doc_id], timexes, config)
            fresh[doc_id] = json.dumps(found, ensure_ascii=False).encode()
        store.put_features(feature, fresh)
        values.update(fresh)
    return values


@dataclasses.dataclass(frozen=True)
class LanguageBlock:
    """Whole stories and everything their language items are built from (picklable:
    a Dask worker builds them without the store)."""

    docs: tuple[Document, ...]
    values: Mapping[str, bytes]  # document id -> its cached language feature
    config: Config
    story_of: Mapping[str, str]
    family_of: Mapping[str, str]
    spans: Mapping[str, Sequence[tuple[int, int, str, str]]]


def block_sections(block: LanguageBlock) -> dict[str, list[dict[str, Any]]]:
    """The items of :data:`SECTIONS` for the stories of one block."""
    docs, config, story_of, family_of = block.docs, block.config, block.story_of, block.family_of
    per_doc = {d.id: json.loads(block.values[d.id]) for d in docs}
    texts = {d.id: d.text for d in docs}
    local = {d.id: block.spans[d.id] for d in docs if d.id in block.spans}
    entity_of = SpanEntities(local)
    refs = EntityRefs.from_spans(local)
    entity_names = {ent: name for found in local.values() for _, _, ent, name in found}

    events_items: list[dict[str, Any]] = []
    if config.events.enabled:
        from storyline.events.merge import merge_events
        from storyline.events.model import mention_from_dict
        from storyline.events.sections import events_section

        ems = [mention_from_dict(m) for d in docs for m in per_doc[d.id]["events"]]
        events = merge_events(
            ems,
            story_of=story_of if config.events.merge_within_stories else None,
            entity_of=entity_of,
            texts=texts,
        )
        events_items = events_section(
            events, texts=texts, entities=refs, family_of=family_of, story_of=story_of
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

    quote_items: list[dict[str, Any]] = []
    if config.quotes.enabled:
        from storyline.quotes.model import quote_from_dict
        from storyline.quotes.sections import quotes_section

        quotes = [quote_from_dict(q) for d in docs for q in per_doc[d.id]["quotes"]]
        quote_items = quotes_section(
            quotes, texts=texts, entities=refs, event_mentions_by_sentence=event_at
        )
    return {
        "events": events_items,
        "claims": claim_items,
        "conflicts": conflict_items,
        "quotes": quote_items,
    }


class SpanEntities(Mapping[tuple[str, int, int], str]):
    """(document id, start, end) -> the canonical entity whose mention the span holds.

    A span matches a mention it equals, contains or lies inside ("the Pentagon"
    holds the mention "Pentagon"); among several, the longest overlap wins, and
    among equal ones the first in (start, end, entity id) order.

    Args:
        spans: document id -> its entity mentions as sorted ``(start, end, entity id,
            name)`` (:func:`entity_spans`).
    """

    def __init__(self, spans: Mapping[str, Sequence[tuple[int, int, str, str]]]) -> None:
        self._exact: dict[tuple[str, int, int], str] = {}
        for doc, found in spans.items():
            for start, end, ent, _ in found:
                self._exact.setdefault((doc, start, end), ent)
        self._by_doc = {d: [(s, e, ent) for s, e, ent, _ in v] for d, v in spans.items()}

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
