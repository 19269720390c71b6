"""Server-rendered pages: overview, search, documents, entities, events, stories, conflicts.

Every value reaches the HTML through Jinja's autoescape; URLs become links only
when they are http(s) (:func:`safe_url`), and a document's highlighted text is
a list of :class:`~storyline.web.highlight.Segment` rendered one element each.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from storyline.web.highlight import anchor, segments

PAGE_SIZE = 50


def safe_url(value: Any) -> str | None:
    """``value`` when it is an http(s) URL with a host, else None (never a link).

    >>> safe_url("javascript:alert(1)") is None
    True
    """
    if not isinstance(value, str) or any(c in value for c in "\x00\r\n\t "):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def evidence_link(evidence: Any) -> str | None:
    """The page link to an evidence span: ``/documents/ID#e-START-END``."""
    if not isinstance(evidence, dict) or not isinstance(evidence.get("document_id"), str):
        return None
    start, end = evidence.get("start"), evidence.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        return None
    return f"/documents/{quote(evidence['document_id'], safe='')}#{anchor(start, end)}"


def anchor_of(start: int, end: int) -> str:
    """Template helper: the fragment id of ``[start, end)``."""
    return anchor(start, end)


def _page(request: Request, default: int = 1) -> int:
    try:
        return max(1, min(int(request.query_params.get("page", default)), 100_000))
    except ValueError:
        return default


def add_routes(app: FastAPI, ctx: Any) -> None:
    """Register the HTML pages on ``app``."""

    def render(name: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = ctx.templates.get_template(name).render(**values)
        return HTMLResponse(html, status_code=status)

    def not_found(what: str) -> HTMLResponse:
        return render("error.html", 404, title="Not found", message=f"No {what} with this id.")

    def listing(items: list[Any], request: Request) -> dict[str, Any]:
        page = _page(request)
        pages = max(1, -(-len(items) // PAGE_SIZE))
        page = min(page, pages)
        chunk = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        return {"items": chunk, "page": page, "pages": pages, "total": len(items)}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview() -> HTMLResponse:
        snap = ctx.snapshot()
        counts = {name: len(items) for name, items in snap.sections.items()}
        stories = sorted(snap.sections["stories"], key=lambda s: -int(s.get("size") or 0))[:10]
        return render("index.html", title="Overview", snap=snap, counts=counts, stories=stories)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search(request: Request) -> HTMLResponse:
        snap = ctx.snapshot()
        q = request.query_params.get("q", "")[:200]
        page = _page(request)
        hits = snap.search.documents(q, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        total = snap.search.count_documents(q)
        entities = [snap.get("entities", i) for i in snap.search.entities(q)]
        events = [snap.get("events", i) for i in snap.search.events(q)]
        return render(
            "search.html", title=f"Search: {q}" if q else "Search", q=q, snap=snap,
            hits=hits, total=total, entities=entities, events=events, page=page,
            pages=max(1, -(-total // PAGE_SIZE)),
        )  # fmt: skip

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents(request: Request) -> HTMLResponse:
        snap = ctx.snapshot()
        return render("documents.html", title="Documents", **listing(snap.documents, request))

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document(doc_id: str) -> HTMLResponse:
        snap = ctx.snapshot()
        doc = ctx.store().get_document(doc_id)
        if doc is None:
            return not_found("document")
        marks = snap.marks.get(doc_id, [])
        return render(
            "document.html", title=doc.title or doc.id, doc=doc, snap=snap,
            segments=segments(doc.text, marks, doc.removed),
            stories=[snap.get("stories", s) for s in snap.doc_stories.get(doc_id, [])],
            entities=[snap.get("entities", e) for e in snap.doc_entities.get(doc_id, [])],
            events=[snap.get("events", e) for e in snap.doc_events.get(doc_id, [])],
            counts={k: sum(1 for m in marks if m.kind == k)
                    for k in ("entity", "event", "claim", "quote")},
        )  # fmt: skip

    for section, single, template in (
        ("entities", "entity", "entity.html"),
        ("events", "event", "event.html"),
        ("stories", "story", "story.html"),
        ("conflicts", "conflict", "conflict.html"),
    ):
        _add_section_pages(app, ctx, render, not_found, listing, section, single, template)

    @app.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
    def timeline(request: Request) -> HTMLResponse:
        snap = ctx.snapshot()
        return render(
            "timeline.html", title="Timeline", snap=snap,
            **listing(snap.sections["timeline"], request),
        )  # fmt: skip


def _add_section_pages(
    app: FastAPI,
    ctx: Any,
    render: Any,
    not_found: Any,
    listing: Any,
    section: str,
    single: str,
    template: str,
) -> None:
    """``/{section}`` (a paged list) and ``/{section}/{id}`` (one item)."""

    def list_page(request: Request) -> HTMLResponse:
        snap = ctx.snapshot()
        return render(
            "list.html", title=section.capitalize(), section=section, single=single, snap=snap,
            **listing(snap.sections[section], request),
        )  # fmt: skip

    def item_page(item_id: str) -> HTMLResponse:
        snap = ctx.snapshot()
        item = snap.get(section, item_id)
        if item is None:
            return not_found(single)
        extra: dict[str, Any] = {}
        if section == "stories":
            extra["events"] = [e for e in snap.sections["events"] if e.get("story_id") == item_id]
            extra["summary"] = snap.get("summary", item_id)
        if section == "events":
            extra["claims"] = [c for c in snap.sections["claims"] if c.get("event_id") == item_id]
        label = item.get("name") or item.get("label") or item.get("title") or item.get("counted")
        return render(template, title=str(label or item_id), item=item, snap=snap, **extra)

    app.add_api_route(
        f"/{section}", list_page, response_class=HTMLResponse, include_in_schema=False
    )
    app.add_api_route(
        f"/{section}/{{item_id}}", item_page, response_class=HTMLResponse, include_in_schema=False
    )
