"""The static HTML report: one self-contained file, safe to open offline.

:func:`build_report` reads documents and sections from a store and renders
``templates/report/report.html.j2`` (Jinja2, autoescaped, strict undefined).
Everything from the articles is hostile input: it reaches the page only
through autoescaping or through :mod:`storyline.outputs.svg`, which escapes its
own text. Only http(s) URLs become links. The page carries a Content Security
Policy that forbids every fetch and allows exactly its own inline style and
script, by sha256 hash.

Same store, same bytes: nothing run-dependent is written.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from storyline.evidence import clip
from storyline.model import Document
from storyline.outputs import svg
from storyline.outputs.summary import summary_section
from storyline.store.base import Store

TEMPLATE_DIR = Path(__file__).with_name("templates") / "report"
EXCERPT_CHARS = 600
LEAD_CHARS = 48
"""How much of an untitled document's text labels it (twice this for a story)."""

SCRIPT = """document.querySelectorAll("input[data-filter]").forEach(function (box) {
  var rows = document.querySelectorAll(box.getAttribute("data-filter"));
  box.addEventListener("input", function () {
    var q = box.value.toLowerCase();
    rows.forEach(function (r) { r.hidden = q && r.textContent.toLowerCase().indexOf(q) < 0; });
  });
});"""
"""The page's only script: the filter boxes above long lists."""


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def safe_url(url: str | None) -> str | None:
    """The URL when its scheme is http or https, else None (no ``javascript:`` links).

    Example:
        >>> safe_url("javascript:alert(1)") is None
        True
    """
    if not url or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _doc_label(doc: Document | None, doc_id: str) -> str:
    if doc is None:
        return doc_id
    if doc.outlet or doc.title:
        return str(doc.outlet or doc.title)
    # The file name, not the whole path, when the input names neither outlet nor title, and
    # the start of the text: the posts of one page share their file.
    name = doc.source.rstrip("/").rsplit("/", 1)[-1] or doc.source
    lead = clip(doc.text[:200], LEAD_CHARS)
    return f"{name}: \u201c{lead}\u201d" if lead else name


def _story_label(story: Mapping[str, Any], docs: Mapping[str, Document]) -> str:
    """A story's title, else "(untitled)" with the start of its first document's text."""
    if story.get("title"):
        return str(story["title"])
    for doc_id in story.get("documents", ()):
        doc = docs.get(doc_id)
        if doc is not None and doc.text.strip():
            return f"(untitled) \u201c{clip(doc.text[:300], 2 * LEAD_CHARS)}\u201d"
    return "(untitled)"


def report_context(store: Store, *, title: str | None = None) -> dict[str, Any]:
    """Everything the template needs, read from the store (sections may be missing).

    Returns:
        A dict of plain values and two SVG strings (already escaped).
    """
    docs = list(store.iter_documents())
    by_id = {d.id: d for d in docs}
    sections = {
        name: store.get_section(name)
        for name in (
            "derivations", "families", "stories", "entities", "events", "timeline",
            "claims", "conflicts", "quotes", "summary",
        )
    }  # fmt: skip
    analysed = [d for d in docs if d.kind != "page"]
    failures = [f.to_dict() for f in store.failures()]
    dates = sorted(d.published.value for d in analysed if d.published)
    outlets = sorted({d.outlet for d in analysed if d.outlet})
    families = sections["families"]
    family_of = {i: str(f["id"]) for f in families for i in f.get("documents", ())}
    independent = len({family_of.get(d.id, d.id) for d in analysed})

    summary = sections["summary"]
    summary_computed = False
    if not summary and sections["stories"]:
        summary = summary_section(docs, sections["stories"], sections["derivations"], families)
        summary_computed = True
    timeline = sections["timeline"] or _timeline_from_events(sections["events"])
    nodes = [
        {
            "id": d.id,
            "label": _doc_label(d, d.id),
            "published": d.published.value if d.published else None,
        }
        for d in analysed
    ]
    quotes_by_speaker: dict[str, list[dict[str, Any]]] = {}
    for q in sections["quotes"]:
        speaker = (q.get("speaker") or {}).get("name") or "(speaker not named)"
        quotes_by_speaker.setdefault(speaker, []).append(q)

    return {
        "title": title or "storyline report",
        "overview": {
            "documents": len(analysed),
            "kinds": sorted(Counter(d.kind for d in docs).items()),
            "outlets": outlets,
            "stories": len(sections["stories"]),
            "independent_sources": independent,
            "first": dates[0] if dates else None,
            "last": dates[-1] if dates else None,
            "failures": failures,
        },
        "documents": [_doc_view(d) for d in docs],
        "doc_label": {d.id: _doc_label(d, d.id) for d in docs},
        "stories": sections["stories"],
        "events": sections["events"],
        "claims": {c.get("id"): c for c in sections["claims"]},
        "conflicts": sections["conflicts"],
        "entities": sorted(
            sections["entities"], key=lambda e: (-len(e.get("documents", ())), str(e.get("name")))
        ),
        "quotes_by_speaker": sorted(quotes_by_speaker.items()),
        "summary": summary,
        "summary_computed": summary_computed,
        "story_title": {s.get("id"): _story_label(s, by_id) for s in sections["stories"]},
        "derivations": sections["derivations"],
        "timeline_svg": svg.timeline_svg(timeline),
        "copy_graph_svg": svg.copy_graph_svg(nodes, sections["derivations"]),
        "relation_colours": sorted(svg.RELATION_COLOURS.items()),
    }


def _timeline_from_events(events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Timeline rows from events when the ``timeline`` section is absent."""
    rows = []
    for e in events:
        date = e.get("date") or {}
        rows.append(
            {
                "event_id": e.get("id"),
                "date": date.get("value"),
                "precision": date.get("precision"),
                "source": date.get("source"),
                "event_type": e.get("event_type"),
                "label": e.get("label"),
                "conflicting_dates": bool(e.get("conflicting_dates")),
            }
        )
    return rows


def _doc_view(doc: Document) -> dict[str, Any]:
    text = doc.text
    return {
        "id": doc.id,
        "kind": doc.kind,
        "title": doc.title,
        "outlet": doc.outlet,
        "author": doc.author,
        "published": doc.published.value if doc.published else None,
        "source": doc.source,
        "url": doc.url,
        "link": safe_url(doc.url),
        "credited": list(doc.credited_sources),
        "excerpt": text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…",
        "chars": len(text),
    }


def build_report(store: Store, *, title: str | None = None) -> str:
    """Render the whole report as one HTML string.

    Args:
        store: the store to report on; any section may be missing or empty.
        title: the page title (default "storyline report").

    Returns:
        A complete HTML document (no external resources, strict CSP).

    Example:
        >>> html = build_report(store, title="Harbour fire")  # doctest: +SKIP
    """
    import jinja2  # imported here: ``import storyline`` stays light
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    style = (TEMPLATE_DIR / "report.css.j2").read_text("utf-8")
    csp = "; ".join(
        [
            "default-src 'none'",
            f"style-src {_csp_hash(style)}",
            f"script-src {_csp_hash(SCRIPT)}",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    context = report_context(store, title=title)
    context.update(
        style=Markup(style),
        script=Markup(SCRIPT),
        csp=csp,
        timeline_svg=Markup(context["timeline_svg"]),
        copy_graph_svg=Markup(context["copy_graph_svg"]),
    )
    return env.get_template("report.html.j2").render(context)


def write_report(store: Store, out: Path | str, *, title: str | None = None) -> Path:
    """Write the report to ``out`` (atomically: a temporary file, then a rename).

    Returns:
        The path written.

    Raises:
        OSError: the file cannot be written.
    """
    out = Path(out)
    html = build_report(store, title=title)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=out.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(html)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
