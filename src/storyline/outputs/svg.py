"""Hand-drawn, deterministic SVG for the report: the timeline plot and the copy graph.

Both functions return one ``<svg>`` element as a string. Every piece of text
that comes from the data (labels, outlets, types) is XML-escaped here, so the
result can be inserted into HTML as it is (Jinja's ``Markup``). The same input
always gives the same bytes: no randomness, no clock, layouts sorted by id.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
)  # fmt: skip
"""Colours by position (event types sorted by name; relations in fixed order)."""

RELATION_COLOURS = {
    "duplicate": "#d62728",
    "repost": "#ff7f0e",
    "expanded": "#2ca02c",
    "excerpt": "#9467bd",
    "partial": "#1f77b4",
}
CONFLICT_COLOUR = "#c00000"

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _e(value: Any) -> str:
    """XML-escape any value (quotes too: safe inside attributes)."""
    return escape(str(value), quote=True)


def date_interval(value: str | None) -> tuple[dt.date, dt.date] | None:
    """The days a TIMEX3 date value covers, or None when it names no calendar date.

    ``"2020-01-05"`` (or with a time) is one day, ``"2020-01"`` a month,
    ``"2020"`` a year; weeks, seasons, placeholders (``XXXX-…``) and references
    (``PAST_REF``) give None.

    Example:
        >>> date_interval("2020-02")
        (datetime.date(2020, 2, 1), datetime.date(2020, 2, 29))
    """
    if not value:
        return None
    m = _DATE.match(value)
    if not m or (len(value) > 4 and value[4] != "-") or "W" in value[:8]:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            d = dt.date(year, int(month), int(day))
            return d, d
        if month:
            first = dt.date(year, int(month), 1)
            nxt = dt.date(year + (first.month == 12), first.month % 12 + 1, 1)
            return first, nxt - dt.timedelta(days=1)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None


def _type_of(item: Mapping[str, Any]) -> str:
    # "event_type" is the key (stores reserve "type"); "type" is read for older rows
    return str(item.get("event_type") or item.get("type") or "OTHER")


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _text(
    x: float, y: float, s: str, *, anchor: str = "start", size: int = 11, **attrs: str
) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{_e(v)}"' for k, v in sorted(attrs.items()))
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"'
        f' font-family="sans-serif"{extra}>{_e(s)}</text>'
    )


# -- timeline -------------------------------------------------------------------


def timeline_svg(items: Sequence[Mapping[str, Any]], *, width: int = 900) -> str:
    """Draw timeline items (the ``timeline`` section shape) as an SVG plot.

    x is the date, one row (and colour) per event type. Precision shows as the
    marker: a dot for a day, a bar over the month or year for coarser dates, a
    left-pointing triangle with a dashed tail for a publication-date bound (the
    event happened on or before it). Events with conflicting dates get a red
    ring. Items without a calendar date are counted in a note, not drawn.

    Args:
        items: timeline entries: ``date``, ``precision``, ``source``, ``event_type``,
            ``label``, ``conflicting_dates``, ``event_id``...
        width: the drawing width in pixels.

    Returns:
        An ``<svg class="timeline">`` element as a string.
    """
    placed: list[tuple[Mapping[str, Any], dt.date, dt.date]] = []
    undated = 0
    for item in items:
        span = date_interval(item.get("date"))
        if span is None:
            undated += 1
        else:
            placed.append((item, *span))
    if not placed:
        note = f"no dated events ({undated} undated)" if undated else "no events"
        return (
            f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" height="40"'
            f' viewBox="0 0 {width} 40" role="img">{_text(10, 24, note)}</svg>'
        )
    types = sorted({_type_of(item) for item, _, _ in placed})
    row_h, top, left, right = 34, 30, 150, 20
    height = top + row_h * len(types) + 50
    lo = min(s for _, s, _ in placed) - dt.timedelta(days=1)
    hi = max(e for _, _, e in placed) + dt.timedelta(days=1)
    days = max((hi - lo).days, 1)
    plot_w = width - left - right

    def x_of(d: dt.date) -> float:
        return left + plot_w * (d - lo).days / days

    out = [
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{width}"'
        f' height="{height}" viewBox="0 0 {width} {height}" role="img"'
        ' aria-label="events by date and type">'
    ]
    for i, t in enumerate(types):
        y = top + row_h * i + row_h / 2
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        out.append(_text(left - 8, y + 4, t, anchor="end", fill=_colour(i)))
    axis_y = top + row_h * len(types) + 6
    out.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}" stroke="#333"/>'
    )
    for tick in _ticks(lo, hi):
        tx = x_of(tick)
        out.append(
            f'<line x1="{tx:.1f}" y1="{axis_y}" x2="{tx:.1f}" y2="{axis_y + 5}" stroke="#333"/>'
        )
        anchor = "end" if tx > width - right - 35 else "middle"  # keep the label inside
        out.append(_text(tx, axis_y + 18, tick.isoformat(), anchor=anchor, size=10))
    # stack markers of one row and day a little so they stay visible
    seen: dict[tuple[str, int], int] = {}
    for item, start, end in sorted(placed, key=lambda p: (p[1], p[2], str(p[0].get("event_id")))):
        t = _type_of(item)
        i = types.index(t)
        key = (t, int(x_of(start)))
        k = seen.get(key, 0)
        seen[key] = k + 1
        y = top + row_h * i + row_h / 2 + ((k % 3) - 1) * 7 * (k > 0)
        out.append(_marker(item, x_of(start), x_of(end), y, _colour(i), left))
    if undated:
        out.append(_text(left, height - 8, f"{undated} event(s) with no calendar date (not drawn)"))
    legend = (
        "dot: day · bar: month/year · ◀ dashed: on or before publication · red ring: dates conflict"
    )
    out.append(_text(width - right, 16, legend, anchor="end", size=10, fill="#555"))
    out.append("</svg>")
    return "".join(out)


def _marker(item: Mapping[str, Any], x0: float, x1: float, y: float, colour: str, left: int) -> str:
    title = f"{item.get('date')} ({item.get('precision') or 'unknown precision'}, "
    title += f"{item.get('source') or 'unknown'}): {item.get('label') or ''}"
    parts = [f'<g class="event" data-event="{_e(item.get("event_id") or "")}">']
    parts.append(f"<title>{_e(title)}</title>")
    if item.get("source") == "published":
        tail = max(x1 - 40, left)
        parts.append(
            f'<line x1="{tail:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="{colour}"'
            ' stroke-dasharray="3 2"/>'
        )
        parts.append(
            f'<path d="M{x1 - 6:.1f},{y:.1f} L{x1 + 2:.1f},{y - 5:.1f} L{x1 + 2:.1f},{y + 5:.1f} Z"'
            f' fill="{colour}"/>'
        )
    elif x1 - x0 >= 2:
        parts.append(
            f'<rect x="{x0:.1f}" y="{y - 4:.1f}" width="{x1 - x0:.1f}" height="8" rx="3"'
            f' fill="{colour}" fill-opacity="0.35" stroke="{colour}"/>'
        )
    else:
        parts.append(f'<circle cx="{x0:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>')
    if item.get("conflicting_dates"):
        cx = (x0 + x1) / 2
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{y:.1f}" r="9" fill="none" stroke="{CONFLICT_COLOUR}"'
            ' stroke-width="2" class="conflict"/>'
        )
    parts.append("</g>")
    return "".join(parts)


def _ticks(lo: dt.date, hi: dt.date, most: int = 8) -> list[dt.date]:
    days = (hi - lo).days
    step = max(1, -(-days // most))
    return [lo + dt.timedelta(days=d) for d in range(0, days + 1, step)]


# -- copy graph -----------------------------------------------------------------


def copy_graph_svg(
    nodes: Sequence[Mapping[str, Any]],
    derivations: Sequence[Mapping[str, Any]],
    *,
    width: int = 900,
) -> str:
    """Draw who copies whom: documents as nodes, derivations as edges.

    Layout is layered by publication date (one column per distinct date,
    undated last), nodes in a column sorted by outlet then id. An edge runs
    source to derived: a solid arrow when the direction is known, a dashed
    arrow when inferred, a dashed line without arrow when unknown; its colour
    says the relation.

    Args:
        nodes: ``{"id", "label", "published"}`` per document (label: the outlet,
            else the title or source).
        derivations: items of the ``derivations`` section.
        width: the drawing width in pixels.

    Returns:
        An ``<svg class="copy-graph">`` element as a string.
    """
    ids = {str(n["id"]) for n in nodes}
    edges = [
        d for d in derivations if str(d.get("source_id")) in ids and str(d.get("derived_id")) in ids
    ]
    if not nodes:
        return (
            f'<svg class="copy-graph" xmlns="http://www.w3.org/2000/svg" width="{width}"'
            f' height="40" viewBox="0 0 {width} 40">{_text(10, 24, "no documents")}</svg>'
        )
    columns: dict[str, list[Mapping[str, Any]]] = {}
    for n in nodes:
        columns.setdefault(str(n.get("published") or "")[:10] or "~", []).append(n)
    keys = sorted(columns)  # "~" sorts after digits: undated last
    for k in keys:
        columns[k].sort(key=lambda n: (str(n.get("label") or ""), str(n["id"])))
    row_h, top = 44, 40
    height = top + row_h * max(len(c) for c in columns.values()) + 20
    col_w = (width - 40) / len(keys)
    pos: dict[str, tuple[float, float]] = {}
    for ci, k in enumerate(keys):
        for ri, n in enumerate(columns[k]):
            pos[str(n["id"])] = (20 + col_w * (ci + 0.5), top + row_h * ri + row_h / 2)
    out = [
        f'<svg class="copy-graph" xmlns="http://www.w3.org/2000/svg" width="{width}"'
        f' height="{height}" viewBox="0 0 {width} {height}" role="img"'
        ' aria-label="copy graph: who reposts whom"><defs>'
    ]
    for rel, colour in sorted(RELATION_COLOURS.items()):
        out.append(
            f'<marker id="arrow-{rel}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7"'
            f' markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 Z"'
            f' fill="{colour}"/></marker>'
        )
    out.append("</defs>")
    for ci, k in enumerate(keys):
        out.append(
            _text(
                20 + col_w * (ci + 0.5),
                16,
                "undated" if k == "~" else k,
                anchor="middle",
                size=10,
                fill="#555",
            )
        )
    for d in sorted(edges, key=lambda d: (str(d["source_id"]), str(d["derived_id"]))):
        out.append(_edge(d, pos[str(d["source_id"])], pos[str(d["derived_id"])]))
    for n in sorted(nodes, key=lambda n: str(n["id"])):
        x, y = pos[str(n["id"])]
        label = str(n.get("label") or n["id"])
        short = label if len(label) <= 22 else label[:21] + "…"
        out.append(f'<g class="node" data-doc="{_e(n["id"])}"><title>{_e(label)}</title>')
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#fff" stroke="#333"'
            ' stroke-width="1.5"/>'
        )
        out.append(_text(x, y + 20, short, anchor="middle", size=10))
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _edge(d: Mapping[str, Any], a: tuple[float, float], b: tuple[float, float]) -> str:
    rel = str(d.get("relation") or "partial")
    colour = RELATION_COLOURS.get(rel, "#7f7f7f")
    direction = d.get("direction")
    (x0, y0), (x1, y1) = a, b
    length = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1e-6)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    # stop at the node circles; bend a little so opposite edges do not overlap
    sx, sy, ex, ey = x0 + ux * 9, y0 + uy * 9, x1 - ux * 9, y1 - uy * 9
    mx, my = (sx + ex) / 2 - uy * 14, (sy + ey) / 2 + ux * 14
    dash = "" if direction == "known" else ' stroke-dasharray="5 3"'
    known_rel = rel if rel in RELATION_COLOURS else None
    arrow = f' marker-end="url(#arrow-{known_rel})"' if direction != "unknown" and known_rel else ""
    title = f"{rel}, direction {direction}: {d.get('source_id')} → {d.get('derived_id')}"
    return (
        f'<g class="edge {_e(rel)}"><title>{_e(title)}</title>'
        f'<path d="M{sx:.1f},{sy:.1f} Q{mx:.1f},{my:.1f} {ex:.1f},{ey:.1f}" fill="none"'
        f' stroke="{colour}" stroke-width="2"{dash}{arrow}/></g>'
    )
