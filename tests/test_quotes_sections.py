"""The ``quotes`` section: shape, entity references, event links, evidence checks.

Texts are written for these tests (invented people).
"""

from __future__ import annotations

import re

import pytest

from storyline.events.model import Arg
from storyline.quotes.model import Quote
from storyline.quotes.sections import quote_id, quotes_section

TEXT = '"The ferry is late," said Mara Vell. She said the crew was safe.'
#       0         1         2         3         4         5         6
TEXTS = {"d1": TEXT}
ENTITIES = [
    {
        "id": "ent_aaaaaaaaaaaaaaaa",
        "name": "Mara Vell",
        "mentions": [{"document_id": "d1", "start": 26, "end": 35, "text": "Mara Vell"}],
    }
]


def _quotes() -> list[Quote]:
    speaker = Arg(26, 35, "Mara Vell", "mara vell")
    direct = Quote("d1", 1, 19, TEXT[1:19], "direct", Arg(21, 25, "said"), speaker, "named", 0, 36)
    start = TEXT.index("the crew")
    indirect = Quote(
        "d1", start, start + 17, TEXT[start : start + 17], "indirect",
        Arg(41, 45, "said"), speaker, "pronoun", 37, len(TEXT),
    )  # fmt: skip
    return [indirect, direct]


def test_shape_and_order() -> None:
    items = quotes_section(_quotes(), texts=TEXTS, entities=ENTITIES)
    assert [i["kind"] for i in items] == ["direct", "indirect"]
    for item in items:
        assert set(item) == {
            "id", "kind", "text", "evidence", "cue", "cue_evidence", "speaker",
            "speaker_how", "event_ids",
        }  # fmt: skip
        assert re.fullmatch(r"quo_[0-9a-f]{16}", item["id"])
        ev = item["evidence"]
        assert TEXT[ev["start"] : ev["end"]] == ev["text"] == item["text"]
        assert item["cue"] == "said" and item["cue_evidence"]["text"] == "said"
        assert item["speaker"]["entity_id"] == "ent_aaaaaaaaaaaaaaaa"
        assert item["speaker"]["name"] == "Mara Vell"
    assert items[1]["text"] == "the crew was safe"


def test_ids_are_stable_and_duplicates_collapse() -> None:
    qs = _quotes()
    assert quote_id(qs[0]) == quote_id(Quote(*[getattr(qs[0], f) for f in Quote.__slots__]))
    items = quotes_section(qs + qs, texts=TEXTS, entities=ENTITIES)
    assert len(items) == 2
    assert items == quotes_section(list(reversed(qs)), texts=TEXTS, entities=ENTITIES)


def test_speaker_without_entity_and_without_speaker() -> None:
    role = Quote("d1", 1, 19, TEXT[1:19], "direct", None, Arg(26, 35, "Mara Vell"), "role", 0, 36)
    none = Quote("d1", 1, 19, TEXT[1:19], "indirect", None, None, None, 0, 36)
    a, b = quotes_section([role, none], texts=TEXTS, entities=[])
    assert a["speaker"] == {
        "entity_id": None,
        "name": "Mara Vell",
        "evidence": {"document_id": "d1", "start": 26, "end": 35, "text": "Mara Vell"},
    }
    assert b["speaker"] is None and b["speaker_how"] is None and b["cue"] is None


def test_event_links_by_sentence() -> None:
    by_sentence = {("d1", 0, 36): ["evt_1"], ("d1", 37, len(TEXT)): ["evt_2"], ("d2", 0, 9): ["x"]}
    items = quotes_section(
        _quotes(), texts=TEXTS, entities=ENTITIES, event_mentions_by_sentence=by_sentence
    )
    assert [i["event_ids"] for i in items] == [["evt_1"], ["evt_2"]]


def test_span_outside_text_raises() -> None:
    bad = Quote("d1", 0, 500, "x", "direct")
    with pytest.raises(ValueError):
        quotes_section([bad], texts=TEXTS, entities=[])
