"""Flat tables of the sections, for CSV, Parquet and DataFrames.

Most sections export one row per item with nested values as JSON text. Events
and claims get flat layouts people can load in a spreadsheet or an event-data
workflow: events in a GDELT/ACLED-like layout (date, type, actor 1, actor 2,
place, counts of mentions and sources) with links to their evidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Item = dict[str, Any]

EVENT_COLUMNS = (
    "event_id", "event_date", "date_precision", "date_source", "conflicting_dates", "event_type",
    "modality", "actor1", "actor1_entity_id", "actor2", "actor2_entity_id", "location",
    "location_entity_id", "story_id", "num_mentions", "num_documents", "num_sources",
    "fatalities", "label", "first_document_id", "first_source_url", "evidence_start",
    "evidence_end", "evidence_sentence", "document_ids",
)  # fmt: skip
"""Columns of the events table: one row per merged event."""

CLAIM_COLUMNS = (
    "claim_id", "value", "low", "high", "approximate", "hedge", "unit", "counted", "owner",
    "owner_entity_id", "place", "place_entity_id", "date", "date_precision", "modality",
    "speaker", "speaker_entity_id", "event_id", "document_id", "start", "end", "text",
    "sentence",
)  # fmt: skip
"""Columns of the claims table: one row per numeric claim."""


def _ref(ref: Item | None) -> tuple[str | None, str | None]:
    if not ref:
        return None, None
    return ref.get("name"), ref.get("entity_id")


def _first(refs: Sequence[Item] | None) -> Item | None:
    return refs[0] if refs else None


def event_rows(events: Sequence[Item], urls: Mapping[str, str | None]) -> list[Item]:
    """Events as flat rows (:data:`EVENT_COLUMNS`).

    Args:
        events: the ``events`` section.
        urls: document id -> its URL, for the evidence link.
    """
    rows = []
    for e in events:
        date = e.get("date") or {}
        a1, a1_id = _ref(_first(e.get("actors")))
        a2, a2_id = _ref(_first(e.get("targets")))
        loc, loc_id = _ref(e.get("location"))
        mentions = e.get("mentions") or []
        first = mentions[0] if mentions else {}
        ev = first.get("evidence") or {}
        killed = [
            q["value"] for q in e.get("quantities") or () if q.get("counted") in ("killed", "dead")
        ]
        rows.append({
            "event_id": e["id"],
            "event_date": date.get("value"),
            "date_precision": date.get("precision"),
            "date_source": date.get("source"),
            "conflicting_dates": bool(e.get("conflicting_dates")),
            "event_type": e.get("event_type"),
            "modality": e.get("modality"),
            "actor1": a1, "actor1_entity_id": a1_id,
            "actor2": a2, "actor2_entity_id": a2_id,
            "location": loc, "location_entity_id": loc_id,
            "story_id": e.get("story_id"),
            "num_mentions": len(mentions),
            "num_documents": len(e.get("documents") or ()),
            "num_sources": e.get("independent_sources"),
            # Reported values differ between sources: list them all, never average.
            "fatalities": "; ".join(str(v) for v in sorted(set(killed))) or None,
            "label": e.get("label"),
            "first_document_id": ev.get("document_id"),
            "first_source_url": urls.get(ev.get("document_id") or ""),
            "evidence_start": ev.get("start"),
            "evidence_end": ev.get("end"),
            "evidence_sentence": (first.get("sentence") or {}).get("text"),
            "document_ids": "; ".join(e.get("documents") or ()),
        })  # fmt: skip
    return rows


def claim_rows(claims: Sequence[Item]) -> list[Item]:
    """Claims as flat rows (:data:`CLAIM_COLUMNS`)."""
    rows = []
    for c in claims:
        owner, owner_id = _ref(c.get("owner"))
        place, place_id = _ref(c.get("place"))
        speaker, speaker_id = _ref(c.get("speaker"))
        date = c.get("date") or {}
        ev = c.get("evidence") or {}
        rows.append({
            "claim_id": c["id"], "value": c.get("value"), "low": c.get("low"),
            "high": c.get("high"), "approximate": c.get("approximate"), "hedge": c.get("hedge"),
            "unit": c.get("unit"), "counted": c.get("counted"),
            "owner": owner, "owner_entity_id": owner_id, "place": place,
            "place_entity_id": place_id, "date": date.get("value"),
            "date_precision": date.get("precision"), "modality": c.get("modality"),
            "speaker": speaker, "speaker_entity_id": speaker_id, "event_id": c.get("event_id"),
            "document_id": ev.get("document_id"), "start": ev.get("start"), "end": ev.get("end"),
            "text": ev.get("text"), "sentence": (c.get("sentence") or {}).get("text"),
        })  # fmt: skip
    return rows
