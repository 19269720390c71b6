"""The JSON API under ``/api/``: the store's documents and sections, paged.

Every list answers ``{"items", "total", "offset", "limit"}``; items are the
section items as exported (``docs/sections.md``). JSON is served as
``application/json`` with ``nosniff``, so hostile strings stay data.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, Query

MAX_LIMIT = 500


def _paged(items: list[Any], offset: int, limit: int) -> dict[str, Any]:
    return {
        "items": items[offset : offset + limit],
        "total": len(items),
        "offset": offset,
        "limit": limit,
    }


def add_routes(app: FastAPI, ctx: Any) -> None:
    """Register the ``/api/`` routes on ``app``."""
    offset_q = Query(0, ge=0, le=10_000_000, description="items to skip")
    limit_q = Query(50, ge=1, le=MAX_LIMIT, description=f"items to return (at most {MAX_LIMIT})")

    @app.get("/api/documents", tags=["documents"])
    def list_documents(offset: int = offset_q, limit: int = limit_q) -> dict[str, Any]:
        """Document metadata (no text), in store order."""
        return _paged(ctx.snapshot().documents, offset, limit)

    @app.get("/api/documents/{doc_id}", tags=["documents"])
    def get_document(doc_id: str) -> dict[str, Any]:
        """One document as exported, with the evidence found in it."""
        doc = ctx.store().get_document(doc_id)
        if doc is None:
            raise HTTPException(404, "no document with this id")
        snap = ctx.snapshot()
        evidence = [
            {"kind": m.kind, "id": m.ref, "start": m.start, "end": m.end, "label": m.label}
            for m in snap.marks.get(doc_id, [])
        ]
        return {
            **doc.to_dict(),
            "evidence": evidence,
            "stories": snap.doc_stories.get(doc_id, []),
        }

    @app.get("/api/search", tags=["search"])
    def search(
        q: str = Query(..., max_length=200, description="words to find"),
        offset: int = offset_q,
        limit: int = limit_q,
    ) -> dict[str, Any]:
        """Documents (title and text), entities (names, aliases) and events (labels) matching q."""
        snap = ctx.snapshot()
        hits = snap.search.documents(q, limit=limit, offset=offset)
        return {
            "q": q,
            "documents": {
                "items": [
                    {
                        **snap.doc_meta.get(h.doc_id, {"id": h.doc_id}),
                        "snippet": "".join(t for t, _ in h.snippet),
                    }
                    for h in hits
                ],
                "total": snap.search.count_documents(q),
                "offset": offset,
                "limit": limit,
            },
            "entities": [_brief_entity(snap.get("entities", i)) for i in snap.search.entities(q)],
            "events": [_brief_event(snap.get("events", i)) for i in snap.search.events(q)],
        }

    for section in ("entities", "events", "stories", "conflicts", "claims", "quotes", "timeline"):
        _add_section_routes(app, ctx, section, offset_q, limit_q)


def _brief_entity(ent: dict[str, Any] | None) -> dict[str, Any]:
    ent = ent or {}
    return {k: ent.get(k) for k in ("id", "name", "label")} | {
        "documents": len(ent.get("documents") or ())
    }


def _brief_event(event: dict[str, Any] | None) -> dict[str, Any]:
    event = event or {}
    return {k: event.get(k) for k in ("id", "event_type", "label", "modality", "story_id")}


def _add_section_routes(app: FastAPI, ctx: Any, section: str, offset_q: Any, limit_q: Any) -> None:
    def list_items(offset: int = offset_q, limit: int = limit_q) -> dict[str, Any]:
        return _paged(ctx.snapshot().sections[section], offset, limit)

    list_items.__doc__ = f"The {section} section, paged (shapes in docs/sections.md)."
    app.add_api_route(
        f"/api/{section}", list_items, methods=["GET"], tags=[section],
        name=f"list_{section}", summary=f"List {section}",
    )  # fmt: skip
    if section == "timeline":
        return

    def get_item(item_id: str) -> dict[str, Any]:
        item = ctx.snapshot().get(section, item_id)
        if item is None:
            raise HTTPException(404, f"no item of {section} with this id")
        return item

    get_item.__doc__ = f"One item of {section} by id."
    app.add_api_route(
        f"/api/{section}/{{item_id}}", get_item, methods=["GET"], tags=[section],
        name=f"get_{section}", summary=f"Get one of {section}",
    )  # fmt: skip
