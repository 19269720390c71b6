"""Cited extractive summaries: copies count once, every carrier is cited, deterministic."""

from __future__ import annotations

import pytest

from storyline.model import Document, Published
from storyline.outputs.summary import split_sentences, story_key, summary_section

SHARED = "The Lantern Dock warehouse in Port Vell burned for six hours on Monday night."
WIRE = (
    f"{SHARED} Firefighters from three stations fought the blaze until dawn. "
    "The harbour master said every ship had been moved away from the quay in time."
)
REPOST = WIRE + " Readers sent us photos of the smoke over the old town."
LOCAL = (
    "Firefighters from three stations fought the blaze until dawn on Tuesday. "
    "The cause of the fire at the Lantern Dock warehouse is not yet known to investigators."
)


def _doc(i: str, text: str, day: str) -> Document:
    return Document(id=i, source=f"{i}.txt", text=text, published=Published(day, "day", "record"))


DOCS = [_doc("w" * 24, WIRE, "2026-03-02"), _doc("r" * 24, REPOST, "2026-03-03"),
        _doc("l" * 24, LOCAL, "2026-03-03")]  # fmt: skip
STORIES = [{"id": "sto_1", "documents": [d.id for d in DOCS]}]
DERIVATIONS = [{"source_id": "w" * 24, "derived_id": "r" * 24, "relation": "repost",
                "direction": "known"}]  # fmt: skip
FAMILIES = [{"id": "r" * 24, "documents": ["r" * 24, "w" * 24]}]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Mr. Vos left. He came back.", ["Mr. Vos left.", "He came back."]),
        ('He said "go!" Then he left.', ['He said "go!"', "Then he left."]),
        ("A line\nand another line", ["A line", "and another line"]),
        ("J. R. Vos spoke at 9 a.m. on Monday.", ["J. R. Vos spoke at 9 a.m. on Monday."]),
        ("Rates rose 3.5 percent. Then fell.", ["Rates rose 3.5 percent.", "Then fell."]),
        ("", []),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == sentences


def test_copies_count_once_and_every_carrier_is_cited() -> None:
    [item] = summary_section(DOCS, STORIES, DERIVATIONS, FAMILIES, sentences_per_story=3)
    assert item["story_id"] == "sto_1"
    by_text = {s["text"]: s for s in item["sentences"]}
    shared = by_text[SHARED]
    assert shared["documents"] == ["r" * 24, "w" * 24]
    assert shared["independent_sources"] == 1  # the repost is not a second source
    # the near-identical "fought the blaze" sentence is carried by both families: ranked first
    first = item["sentences"][0]
    assert first["independent_sources"] == 2
    assert set(first["documents"]) == {d.id for d in DOCS}


def test_evidence_points_into_the_original() -> None:
    [item] = summary_section(DOCS, STORIES, DERIVATIONS, FAMILIES)
    texts = {d.id: d.text for d in DOCS}
    for s in item["sentences"]:
        ev = s["evidence"]
        assert texts[ev["document_id"]][ev["start"] : ev["end"]] == ev["text"] == s["text"]
        if s["documents"] != ["r" * 24]:
            assert ev["document_id"] != "r" * 24  # a copy is cited only for its own text


def test_without_families_each_document_is_its_own_source() -> None:
    [item] = summary_section(DOCS, STORIES, [], [])
    shared = next(s for s in item["sentences"] if s["text"] == SHARED)
    assert shared["independent_sources"] == 2


def test_limits_and_empty_input() -> None:
    [item] = summary_section(DOCS, STORIES, DERIVATIONS, FAMILIES, sentences_per_story=1)
    assert len(item["sentences"]) == 1
    assert summary_section([], [{"id": "s", "documents": ["missing"]}], [], []) == [
        {"story_id": "s", "sentences": []}
    ]
    with pytest.raises(ValueError, match="at least 1"):
        summary_section(DOCS, STORIES, [], [], sentences_per_story=0)


def test_deterministic_whatever_the_input_order() -> None:
    a = summary_section(DOCS, STORIES, DERIVATIONS, FAMILIES)
    b = summary_section(list(reversed(DOCS)), STORIES, DERIVATIONS, FAMILIES)
    assert a == b


def test_story_key_sees_which_documents_share_a_family_not_the_family_id() -> None:
    copies = {"r" * 24}
    key = story_key(DOCS, copies, {"r" * 24: "fam_a", "w" * 24: "fam_a"}, 5)
    # The same grouping under another family id (a document joined elsewhere): same key.
    assert story_key(DOCS, copies, {"r" * 24: "fam_b", "w" * 24: "fam_b"}, 5) == key
    # Another grouping, other copies or another length: another key.
    assert story_key(DOCS, copies, {}, 5) != key
    assert story_key(DOCS, copies, {"l" * 24: "fam_a", "w" * 24: "fam_a"}, 5) != key
    assert story_key(DOCS, set(), {"r" * 24: "fam_a", "w" * 24: "fam_a"}, 5) != key
    assert story_key(DOCS, copies, {"r" * 24: "fam_a", "w" * 24: "fam_a"}, 4) != key
