"""Hand-drawn SVG: the timeline plot and the copy graph."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from storyline.outputs.svg import copy_graph_svg, date_interval, timeline_svg

NS = "{http://www.w3.org/2000/svg}"


def _row(event_id: str, date: str | None, precision: str | None, source: str = "sentence",
         event_type: str = "ASSAULT", conflicting: bool = False) -> dict:  # fmt: skip
    return {"event_id": event_id, "date": date, "precision": precision, "source": source,
            "event_type": event_type, "label": f"label of {event_id}",
            "conflicting_dates": conflicting}  # fmt: skip


@pytest.mark.parametrize(
    ("value", "span"),
    [
        ("2020-01-05", (dt.date(2020, 1, 5), dt.date(2020, 1, 5))),
        ("2020-01-05T17:45", (dt.date(2020, 1, 5), dt.date(2020, 1, 5))),
        ("2020-02", (dt.date(2020, 2, 1), dt.date(2020, 2, 29))),
        ("2020-12", (dt.date(2020, 12, 1), dt.date(2020, 12, 31))),
        ("2020", (dt.date(2020, 1, 1), dt.date(2020, 12, 31))),
        ("2020-W02", None), ("XXXX-WXX-5", None), ("PAST_REF", None), ("2020-13", None),
        ("P3D", None), (None, None), ("", None),
    ],
)  # fmt: skip
def test_date_interval(value: str | None, span: tuple | None) -> None:
    assert date_interval(value) == span


def test_timeline_draws_precision_and_conflicts() -> None:
    rows = [
        _row("evt_1", "2020-01-03", "day"),
        _row("evt_2", "2020-01", "month", event_type="PROTEST"),
        _row("evt_3", "2020-01-08", "day", source="published"),
        _row("evt_4", "2020-01-04", "day", conflicting=True),
        _row("evt_5", None, None),
    ]
    svg = timeline_svg(rows)
    root = ET.fromstring(svg)
    events = root.findall(f".//{NS}g[@class='event']")
    assert len(events) == 4
    kinds = {g.get("data-event"): [c.tag.removeprefix(NS) for c in g] for g in events}
    assert "circle" in kinds["evt_1"]  # a day: a dot
    assert "rect" in kinds["evt_2"]  # a month: a bar
    assert "path" in kinds["evt_3"]  # a publication bound: a triangle with a dashed tail
    assert len(root.findall(f".//{NS}circle[@class='conflict']")) == 1
    assert "1 event(s) with no calendar date" in svg
    labels = [t.text for t in root.iter(f"{NS}text")]
    assert "ASSAULT" in labels and "PROTEST" in labels


def test_timeline_empty() -> None:
    assert "no events" in timeline_svg([])
    assert "no dated events (1 undated)" in timeline_svg([_row("e", None, None)])


def test_text_is_escaped() -> None:
    bad = '<script>alert(1)</script>"&'
    svg = timeline_svg([_row('e"1', "2020-01-01", "day", event_type=bad)])
    ET.fromstring(svg)  # still well-formed
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    graph = copy_graph_svg([{"id": 'x"><script>', "label": bad, "published": None}], [])
    ET.fromstring(graph)
    assert "<script>" not in graph


NODES = [
    {"id": "a", "label": "Harbour Wire", "published": "2020-01-02"},
    {"id": "b", "label": "Riverside Blog", "published": "2020-01-03T10:00"},
    {"id": "c", "label": "Varnia Today", "published": "2020-01-03"},
    {"id": "d", "label": "Diary", "published": None},
]
DERIVATIONS = [
    {"source_id": "a", "derived_id": "b", "relation": "repost", "direction": "known"},
    {"source_id": "a", "derived_id": "c", "relation": "excerpt", "direction": "inferred"},
    {"source_id": "c", "derived_id": "d", "relation": "duplicate", "direction": "unknown"},
    {
        "source_id": "a",
        "derived_id": "zzz",
        "relation": "repost",
        "direction": "known",
    },  # not a node
]


def test_copy_graph_edges_and_layout() -> None:
    svg = copy_graph_svg(NODES, DERIVATIONS)
    root = ET.fromstring(svg)
    assert len(root.findall(f".//{NS}g[@class='node']")) == 4
    paths = {g.get("class"): g.find(f"{NS}path") for g in root.findall(f".//{NS}g")
             if (g.get("class") or "").startswith("edge")}  # fmt: skip
    assert set(paths) == {"edge repost", "edge excerpt", "edge duplicate"}
    known, inferred, unknown = paths["edge repost"], paths["edge excerpt"], paths["edge duplicate"]
    assert known.get("marker-end") and not known.get("stroke-dasharray")
    assert inferred.get("marker-end") and inferred.get("stroke-dasharray")
    assert not unknown.get("marker-end") and unknown.get("stroke-dasharray")
    # layered by date: the source's column is left of its copies; undated last
    cx = {g.get("data-doc"): float(g.find(f"{NS}circle").get("cx"))
          for g in root.findall(f".//{NS}g[@class='node']")}  # fmt: skip
    assert cx["a"] < cx["b"] == cx["c"] < cx["d"]


def test_deterministic_whatever_the_order() -> None:
    assert copy_graph_svg(NODES, DERIVATIONS) == copy_graph_svg(
        list(reversed(NODES)), list(reversed(DERIVATIONS))
    )
    rows = [_row("e1", "2020-01-01", "day"), _row("e2", "2020-01-01", "day")]
    assert timeline_svg(rows) == timeline_svg(list(reversed(rows)))
    assert "no documents" in copy_graph_svg([], [])
