"""The ``events`` and ``timeline`` sections (docs/sections.md) from merged events.

Every evidence dict is checked against the document text
(``text == texts[doc][start:end]``). Disagreements stay visible: every distinct
date is listed with its number of mentions, and ``conflicting_dates`` is true when
two sentence dates precise to the day name different days; nothing is averaged.

Example:
    >>> from storyline.events.model import EventMention
    >>> from storyline.events.merge import merge_events
    >>> text = "Rebels attacked Denby."
    >>> m = EventMention("d", 7, 15, "attacked", "attack", "ASSAULT", 0, 22)
    >>> item = events_section(merge_events([m]), texts={"d": text}, entities=[],
    ...                       family_of={"d": "f1"}, story_of={})[0]
    >>> item["label"], item["independent_sources"]
    ('Rebels attacked Denby.', 1)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from storyline.events.merge import Event
from storyline.events.model import MODALITIES, EventMention
from storyline.evidence import EntityRefs as _Entities
from storyline.evidence import clip
from storyline.evidence import evidence as _evidence

__all__ = ["date_precise_to_day", "events_section", "timeline_section"]

_DAY_PRECISIONS = frozenset({"day", "part_of_day", "hour", "minute", "second"})
LABEL_CHARS = 120
"""The longest label; a longer clause is cut at a word boundary and marked with "…"."""


def date_precise_to_day(value: str | None, precision: str | None) -> bool:
    """Whether a date names one day (or a finer time): "day", "minute", …"""
    return bool(value) and precision in _DAY_PRECISIONS


def _ref_key(ref: Mapping[str, Any]) -> str:
    return ref["entity_id"] or ref["name"].lower()


def _ranked(refs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One reference per entity (or name), most cited first, ties by first appearance."""
    counts = Counter(_ref_key(r) for r in refs)
    first: dict[str, dict[str, Any]] = {}
    for r in refs:
        first.setdefault(_ref_key(r), r)
    order = {k: i for i, k in enumerate(first)}
    return [first[k] for k in sorted(first, key=lambda k: (-counts[k], order[k]))]


def _date(texts: Mapping[str, str], m: EventMention) -> dict[str, Any]:
    if m.date is None:
        return {"value": None, "precision": None, "source": "unknown", "evidence": None}
    span = m.date_span
    evidence = _evidence(texts, m.doc_id, span.start, span.end) if span is not None else None
    return {
        "value": m.date,
        "precision": m.date_precision,
        "source": m.date_source,
        "evidence": evidence,
    }


def _label(texts: Mapping[str, str], m: EventMention) -> str:
    return clip(texts[m.doc_id][m.sentence_start : m.sentence_end], LABEL_CHARS)


def _mention_item(texts: Mapping[str, str], ents: _Entities, m: EventMention) -> dict[str, Any]:
    return {
        "evidence": _evidence(texts, m.doc_id, m.start, m.end),
        "sentence": _evidence(texts, m.doc_id, m.sentence_start, m.sentence_end),
        "trigger": texts[m.doc_id][m.start : m.end],
        "lemma": m.lemma,
        "actors": [ents.ref(texts, m.doc_id, a) for a in m.actors],
        "targets": [ents.ref(texts, m.doc_id, a) for a in m.targets],
        "location": ents.ref(texts, m.doc_id, m.location),
        "date": _date(texts, m),
        "modality": m.modality,
        "attribution": ents.ref(texts, m.doc_id, m.attribution),
    }


def _event_date(items: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], list, bool]:
    """The event's date, every distinct sentence date with counts, and whether days conflict."""
    said = [it["date"] for it in items if it["date"]["source"] == "sentence"]
    counts = Counter((d["value"], d["precision"]) for d in said)
    ordered = sorted(counts.items(), key=lambda x: (x[0][0], x[0][1] or ""))
    dates = [{"value": v, "precision": p, "mentions": n} for (v, p), n in ordered]
    days = {d["value"][:10] for d in said if date_precise_to_day(d["value"], d["precision"])}
    if said:
        # Most mentions, then the finer precision (a day over its month), then the earliest.
        top = min(counts, key=lambda vp: (-counts[vp], -len(vp[0]), vp[0]))
        best = next(d for d in said if (d["value"], d["precision"]) == top)
        return best, dates, len(days) > 1
    bounds = [it["date"] for it in items if it["date"]["source"] == "published"]
    if bounds:
        return min(bounds, key=lambda d: d["value"]), dates, False
    return {"value": None, "precision": None, "source": "unknown", "evidence": None}, dates, False


def _modality(items: Sequence[dict[str, Any]]) -> str:
    votes = Counter(it["modality"] for it in items)
    rank = {m: i for i, m in enumerate(MODALITIES)}
    return min(votes, key=lambda m: (-votes[m], rank.get(m, len(rank)), m))


def events_section(
    events: Sequence[Event],
    *,
    texts: Mapping[str, str],
    entities: Sequence[Mapping[str, Any]] | _Entities,
    family_of: Mapping[str, str],
    story_of: Mapping[str, str],
) -> list[dict[str, Any]]:
    """The ``events`` section items, in the order of ``events``.

    Args:
        events: merged events (:func:`storyline.events.merge.merge_events`).
        texts: document id -> ``Document.text``.
        entities: the ``entities`` section items (``id``, ``name``, ``mentions``), or
            their :class:`~storyline.evidence.EntityRefs` index.
        family_of: document id -> derivation family id; a document missing from it
            is a family of its own.
        story_of: document id -> story id.

    Returns:
        One dict per event, shaped as docs/sections.md says.

    Raises:
        KeyError: a mention's document is not in ``texts``.
        ValueError: a span lies outside its document.
    """
    ents = _Entities.of(entities)
    out = []
    for event in events:
        items = [_mention_item(texts, ents, m) for m in event.mentions]
        date, dates, conflicting = _event_date(items)
        locations = _ranked([it["location"] for it in items if it["location"]])
        stories = sorted({story_of[d] for d in event.documents if d in story_of})
        quantities = [q for m in event.mentions for q in m.extra.get("claims", ())]
        out.append(
            {
                "id": event.id,
                "event_type": event.type or "OTHER",
                "label": _label(texts, event.mentions[0]),
                "actors": _ranked([a for it in items for a in it["actors"]]),
                "targets": _ranked([a for it in items for a in it["targets"]]),
                "location": locations[0] if locations else None,
                "date": date,
                "dates": dates,
                "conflicting_dates": conflicting,
                "modality": _modality(items),
                "story_id": event.story_id or (stories[0] if stories else None),
                "documents": list(event.documents),
                "independent_sources": len({family_of.get(d, d) for d in event.documents}),
                "quantities": quantities,
                "mentions": items,
            }
        )
    return out


def timeline_section(events_items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ``timeline`` section: one item per event, by date, unknown dates last.

    Events on one date keep a stable order: the finer precision first, then the
    most mentioned, then the id.
    """

    items = [
        {
            "event_id": e["id"],
            "date": e["date"]["value"],
            "precision": e["date"]["precision"],
            "source": e["date"]["source"],
            "event_type": e["event_type"],
            "label": e["label"],
            "conflicting_dates": e["conflicting_dates"],
            "mentions": len(e["mentions"]),
            "independent_sources": e["independent_sources"],
            "story_id": e["story_id"],
        }
        for e in events_items
    ]
    return sorted(items, key=timeline_sort_key)


def timeline_sort_key(item: Mapping[str, Any]) -> str:
    """The order of a ``timeline`` item as a string (code point order): by date, unknown
    dates last, then the most mentioned, then the event id."""
    value, fewer = item["date"], 10**9 - item["mentions"]
    return f"{value is None:d}\x1f{value or ''}\x1f{fewer:010d}\x1f{item['event_id']}"
