"""Section filters (storyline.query) and the result commands built on them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline.cli import cli
from storyline.query import (
    date_key,
    filter_claims,
    filter_conflicts,
    filter_events,
    filter_quotes,
    filter_timeline,
    in_range,
)
from storyline.store import SQLiteStore

EV = {"document_id": "d1", "start": 0, "end": 4, "text": "Oslo"}


def ref(name: str, entity_id: str | None = None) -> dict:
    return {"entity_id": entity_id, "name": name, "evidence": EV}


EVENTS = [
    {"id": "e1", "event_type": "ASSAULT", "actors": [ref("Norland Army", "ent_a")],
     "targets": [], "location": ref("Kestria"), "story_id": "s1",
     "date": {"value": "2024-03-08", "precision": "day", "source": "sentence"}},
    {"id": "e2", "event_type": "CONSULT", "actors": [ref("Mira Holt")], "targets": [],
     "location": None, "story_id": "s2",
     "date": {"value": "2024-04", "precision": "month", "source": "sentence"}},
    {"id": "e3", "event_type": "ASSAULT", "actors": [], "targets": [], "location": None,
     "story_id": "s1", "date": {"value": None, "precision": None, "source": "unknown"}},
]  # fmt: skip


def test_dates_and_ranges() -> None:
    assert date_key("2024-03-08TNI") == "2024-03-08" and date_key("PAST_REF") is None
    assert in_range("2024-03-08", "2024-03-01", "2024-03-31")
    assert not in_range("2024-02-28", "2024-03-01", None)
    assert in_range("2024-03", "2024-03-15", None)  # a coarse date overlapping the range
    assert not in_range(None, "2024-01-01", None) and in_range(None, None, None)


def test_event_filters() -> None:
    assert [e["id"] for e in filter_events(EVENTS, type="assault")] == ["e1", "e3"]
    assert [e["id"] for e in filter_events(EVENTS, entity="ent_a")] == ["e1"]
    assert [e["id"] for e in filter_events(EVENTS, entity="kestria")] == ["e1"]
    assert [e["id"] for e in filter_events(EVENTS, since="2024-04-01")] == ["e2"]
    assert [e["id"] for e in filter_events(EVENTS, story="s1", until="2024-12-31")] == ["e1"]
    timeline = [{"event_id": e["id"]} for e in EVENTS]
    assert filter_timeline(timeline, EVENTS, entity="Mira") == [{"event_id": "e2"}]


def test_quote_claim_and_conflict_filters() -> None:
    quotes = [
        {"kind": "direct", "speaker": ref("Mira Holt", "ent_m"), "evidence": EV},
        {"kind": "indirect", "speaker": None, "evidence": {**EV, "document_id": "d2"}},
    ]
    story_of = {"d1": "s1", "d2": "s2"}
    assert filter_quotes(quotes, speaker="unknown") == [quotes[1]]
    assert filter_quotes(quotes, speaker="ent_m") == [quotes[0]]
    assert filter_quotes(quotes, story="s2", story_of=story_of) == [quotes[1]]
    assert filter_quotes(quotes, kind="direct") == [quotes[0]]
    claims = [{"counted": "troop", "speaker": None, "evidence": EV}]
    assert filter_claims(claims, counted="Troop") == claims
    assert filter_claims(claims, speaker="Mira") == []
    groups = [{"status": "conflict", "counted": "killed", "values": [{"documents": ["d2"]}]}]
    assert filter_conflicts(groups, status="conflict", story="s2", story_of=story_of) == groups
    assert filter_conflicts(groups, story="s1", story_of=story_of) == []


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "s.db"
    with SQLiteStore(path) as store:
        store.put_section("events", [{
            **EVENTS[0], "label": "Norland Army shelled Kestria", "targets": [],
            "dates": [], "conflicting_dates": False, "modality": "happened",
            "documents": ["d1"], "independent_sources": 1,
            "mentions": [{"evidence": EV, "sentence": {**EV, "text": "Oslo"}}],
        }])  # fmt: skip
        store.put_section("timeline", [{
            "event_id": "e1", "date": "2024-03-08", "precision": "day", "source": "sentence",
            "event_type": "ASSAULT", "label": "Norland Army shelled Kestria",
            "conflicting_dates": False, "mentions": 1, "independent_sources": 1,
        }])  # fmt: skip
        store.put_section("quotes", [{
            "id": "q1", "kind": "direct", "text": "We will rebuild", "evidence": EV,
            "cue": "said", "speaker": ref("Mira Holt"), "speaker_how": "named",
        }])  # fmt: skip
        store.put_section("conflicts", [{
            "id": "c1", "counted": "missile", "owner": None, "status": "conflict",
            "values": [{"value": 13, "independent_sources": 1, "documents": ["d1"],
                        "evidence": [{**EV, "text": "13"}]}],
        }])  # fmt: skip
    return str(path)


def test_result_commands(db: str) -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["events", "--db", db, "--type", "ASSAULT"]).stdout
    assert "1 event(s)" in out and "Norland Army -> ?" in out and "in Kestria" in out
    out = runner.invoke(cli, ["events", "--db", db, "--since", "2025-01-01"]).stdout
    assert "0 event(s)" in out
    out = runner.invoke(cli, ["timeline", "--db", db]).stdout
    assert out.startswith("2024-03-08") and "ASSAULT" in out
    out = runner.invoke(cli, ["quotes", "--db", db, "--speaker", "Mira"]).stdout
    assert "Mira Holt: “We will rebuild”" in out
    out = runner.invoke(cli, ["conflicts", "--db", db, "--json"]).stdout
    assert json.loads(out)[0]["id"] == "c1"
    result = runner.invoke(cli, ["claims", "--db", db])
    assert result.exit_code == 0 and "0 claim(s)" in result.stdout
    result = runner.invoke(cli, ["events", "--db", db + ".missing"])
    assert result.exit_code == 2


def test_report_command_writes_html(db: str, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", "--db", db, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Norland Army shelled Kestria" in out.read_text(encoding="utf-8")


def test_dataframe_of_a_section(db: str) -> None:
    pytest.importorskip("pandas")
    import storyline

    events = storyline.dataframe("events", db=db)
    assert list(events["event_id"]) == ["e1"] and events["actor1"][0] == "Norland Army"
    assert len(storyline.dataframe("documents", db=db)) == 0
    with pytest.raises(storyline.StorylineError, match="no table"):
        storyline.dataframe("nonsense", db=db)
