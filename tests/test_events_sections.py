"""The ``events`` and ``timeline`` sections: shape, evidence, dates and their conflicts."""

from __future__ import annotations

import re

import pytest

from storyline.events.merge import Event, merge_events
from storyline.events.model import Arg, EventMention
from storyline.events.sections import date_precise_to_day, events_section, timeline_section

TEXTS = {
    "a": "Rebels attacked the Denby depot on 4 March. Police in Denby said so.",
    "b": "Rebels attacked the Denby depot on 5 March, according to Harrow Radio.",
    "c": "A flood hit Marlow.",
}
ENTITIES = [
    {
        "id": "ent_denby",
        "name": "Denby Depot",
        "mentions": [
            {"document_id": "a", "start": 20, "end": 31, "text": "Denby depot"},
            {"document_id": "b", "start": 20, "end": 31, "text": "Denby depot"},
        ],
    }
]


def span(doc: str, words: str) -> Arg:
    start = TEXTS[doc].index(words)
    return Arg(start, start + len(words), words)


def attack(doc: str, date: str | None, *, source: str = "sentence", **kw) -> EventMention:
    start = TEXTS[doc].index("attacked")
    sentence_end = TEXTS[doc].index(".") + 1
    said = re.search(r"\d+ March", TEXTS[doc])
    when = Arg(said.start(), said.end(), said.group()) if said and source == "sentence" else None
    return EventMention(
        doc, start, start + 8, "attacked", "attack", "ASSAULT", 0, sentence_end,
        actors=(span(doc, "Rebels"),), targets=(span(doc, "Denby depot"),),
        date=date, date_precision="day" if date else None,
        date_source=source if date else "unknown", date_span=when, **kw,
    )  # fmt: skip


def flood() -> EventMention:
    return EventMention("c", 8, 11, "hit", "hit", "OTHER", 0, 19, location=span("c", "Marlow"))


def build(mentions: list[EventMention]) -> list[dict]:
    events = merge_events(mentions, params=None)
    return events_section(
        events,
        texts=TEXTS,
        entities=ENTITIES,
        family_of={"a": "fam1", "b": "fam1"},
        story_of={"a": "sto_1", "b": "sto_1", "c": "sto_2"},
    )


def check_evidence(obj: object) -> int:
    """Check every evidence dict below ``obj``; return how many there were."""
    found = 0
    if isinstance(obj, dict):
        if set(obj) == {"document_id", "start", "end", "text"}:
            assert TEXTS[obj["document_id"]][obj["start"] : obj["end"]] == obj["text"]
            return 1
        return sum(check_evidence(v) for v in obj.values())
    if isinstance(obj, list):
        return sum(check_evidence(v) for v in obj)
    return found


def test_conflicting_dates_are_kept_and_flagged() -> None:
    ms = [
        attack("a", "2031-03-04"),
        attack("b", "2031-03-05", attribution=span("b", "Harrow Radio")),
    ]
    # The two reports disagree on the day; rules that keep dates apart would split them, so
    # build the event by hand: this is what the section does with one event of two dates.
    event = Event("evt_0000000000000001", "ASSAULT", tuple(ms), ("a", "b"), "sto_1")
    (item,) = events_section([event], texts=TEXTS, entities=ENTITIES,
                             family_of={"a": "fam1", "b": "fam1"}, story_of={})  # fmt: skip
    assert item["conflicting_dates"] is True
    assert [(d["value"], d["mentions"]) for d in item["dates"]] == [
        ("2031-03-04", 1),
        ("2031-03-05", 1),
    ]
    assert item["date"]["value"] == "2031-03-04"  # a tie goes to the earliest
    assert item["independent_sources"] == 1  # one derivation family
    assert item["story_id"] == "sto_1"
    assert item["targets"][0]["entity_id"] == "ent_denby"
    assert item["targets"][0]["name"] == "Denby Depot"
    assert item["actors"][0]["entity_id"] is None and item["actors"][0]["name"] == "Rebels"
    assert item["mentions"][1]["attribution"]["name"] == "Harrow Radio"
    assert check_evidence(item) >= 10


def test_agreeing_dates_and_published_bounds() -> None:
    ms = [attack("a", "2031-03-04"), attack("b", "2031-03-04")]
    event = Event("evt_0000000000000002", "ASSAULT", tuple(ms), ("a", "b"))
    (item,) = events_section([event], texts=TEXTS, entities=[], family_of={}, story_of={})
    assert item["conflicting_dates"] is False
    assert item["dates"] == [{"value": "2031-03-04", "precision": "day", "mentions": 2}]
    assert item["independent_sources"] == 2  # no family known: each document its own
    assert item["story_id"] is None
    published = [
        attack("a", "2031-03-09", source="published"),
        attack("b", "2031-03-07", source="published"),
    ]
    event = Event("evt_0000000000000003", "ASSAULT", tuple(published), ("a", "b"))
    (item,) = events_section([event], texts=TEXTS, entities=[], family_of={}, story_of={})
    assert item["date"]["source"] == "published" and item["date"]["value"] == "2031-03-07"
    assert item["dates"] == [] and item["conflicting_dates"] is False


def test_item_shape_and_timeline_order() -> None:
    items = build([attack("a", "2031-03-04"), flood()])
    keys = {"id", "event_type", "label", "actors", "targets", "location", "date", "dates",
            "conflicting_dates", "modality", "story_id", "documents", "independent_sources",
            "quantities", "mentions"}  # fmt: skip
    assert all(set(i) == keys for i in items)
    by_type = {i["event_type"]: i for i in items}
    assert by_type["OTHER"]["location"]["name"] == "Marlow"
    assert by_type["OTHER"]["date"] == {"value": None, "precision": None, "source": "unknown",
                                         "evidence": None}  # fmt: skip
    assert by_type["ASSAULT"]["label"] == "Rebels attacked the Denby depot on 4 March."
    timeline = timeline_section(items)
    assert [t["event_type"] for t in timeline] == ["ASSAULT", "OTHER"]  # unknown dates last
    assert timeline[0]["date"] == "2031-03-04" and timeline[0]["precision"] == "day"
    assert timeline[0]["mentions"] == 1 and timeline[0]["story_id"] == "sto_1"
    assert set(timeline[0]) == {"event_id", "date", "precision", "source", "event_type", "label",
                                "conflicting_dates", "mentions", "independent_sources",
                                "story_id"}  # fmt: skip


def test_bad_span_is_refused() -> None:
    bad = EventMention("c", 8, 99, "hit", "hit", "OTHER", 0, 19)
    with pytest.raises(ValueError, match="outside"):
        events_section(merge_events([bad]), texts=TEXTS, entities=[], family_of={}, story_of={})


def test_day_precision() -> None:
    assert date_precise_to_day("2031-03-04", "day")
    assert date_precise_to_day("2031-03-04T10:00", "minute")
    assert not date_precise_to_day("2031-03", "month")
    assert not date_precise_to_day(None, "day")
