"""Merging event mentions into events: lemma families, conflicts, stories, determinism."""

from __future__ import annotations

import random

import pytest

from storyline.events.merge import (
    Event,
    MergeParams,
    lemma_family,
    load_families,
    merge_events,
    scoped_infos,
)
from storyline.events.merge_pairs import FEATURES, average_linkage, load_weights
from storyline.events.model import Arg, EventMention

TEXTS = {
    "a": "Rebels attacked the Denby depot on 2031-03-04. The assault killed two guards.",
    "b": "An attack on the Denby depot by rebels left two guards dead.",
    "c": "Rebels attacked a convoy in Harrow on 2031-05-10.",
}


def em(doc: str, word: str, lemma: str, *, typ: str = "ASSAULT", n: int = 0, **kw) -> EventMention:
    """A mention of ``word`` (its ``n``-th occurrence) in ``TEXTS[doc]``."""
    text = TEXTS[doc]
    start = -1
    for _ in range(n + 1):
        start = text.index(word, start + 1)
    sent_start = text.rfind(". ", 0, start)
    sent_start = 0 if sent_start < 0 else sent_start + 2
    sent_end = text.find(".", start) + 1
    return EventMention(doc, start, start + len(word), word, lemma, typ, sent_start, sent_end, **kw)


def arg(doc: str, words: str, key: str = "") -> Arg:
    start = TEXTS[doc].index(words)
    return Arg(start, start + len(words), words, key)


def test_families_load_and_map() -> None:
    fams = load_families()
    assert fams["assault"] == fams["attack"]
    assert lemma_family("death") == lemma_family("kill")
    assert lemma_family("zzword") == "zzword"
    assert lemma_family("assault", MergeParams(families=False)) == "assault"


def test_weights_match_features() -> None:
    intercept, coefs = load_weights()
    assert len(coefs) == len(FEATURES)
    assert isinstance(intercept, float)


@pytest.mark.parametrize("method", ["pairs", "rules"])
def test_same_event_across_documents_and_lemmas(method: str) -> None:
    depot = arg("a", "Denby depot", "denby depot")
    a = em("a", "attacked", "attack", targets=(depot,))
    b = em("b", "attack", "attack", targets=(arg("b", "Denby depot", "denby depot"),))
    c = em("a", "assault", "assault")
    events = merge_events([a, b, c], params=MergeParams(method=method), texts=TEXTS)
    assert len(events) == 1
    event = events[0]
    assert set(event.mentions) == {a, b, c}
    assert event.documents == ("a", "b")
    assert event.type == "ASSAULT"
    assert event.id.startswith("evt_") and len(event.id) == 20


@pytest.mark.parametrize("method", ["pairs", "rules"])
def test_different_places_and_days_stay_apart(method: str) -> None:
    a = em("a", "attacked", "attack", location=arg("a", "Denby", "denby"),
           date="2031-03-04", date_precision="day", date_source="sentence")  # fmt: skip
    c = em("c", "attacked", "attack", location=arg("c", "Harrow", "harrow"),
           date="2031-05-10", date_precision="day", date_source="sentence")  # fmt: skip
    events = merge_events([a, c], params=MergeParams(method=method), texts=TEXTS)
    assert len(events) == 2


def test_day_conflict_alone_keeps_apart_unless_disabled() -> None:
    a = em("a", "attacked", "attack", date="2031-03-04", date_precision="day",
           date_source="sentence")  # fmt: skip
    c = em("c", "attacked", "attack", date="2031-05-10", date_precision="day",
           date_source="sentence")  # fmt: skip
    assert len(merge_events([a, c], params=MergeParams(method="rules"))) == 2
    assert len(merge_events([a, c], params=MergeParams(method="rules", check_dates=False))) == 1


def test_weekdays_are_no_calendar_conflict() -> None:
    a = em("a", "attacked", "attack", date="XXXX-WXX-1", date_precision="day",
           date_source="sentence")  # fmt: skip
    b = em("b", "attack", "attack", date="XXXX-WXX-3", date_precision="day",
           date_source="sentence")  # fmt: skip
    assert len(merge_events([a, b], params=MergeParams(method="rules"))) == 1


def test_stories_separate_and_are_kept() -> None:
    a = em("a", "attacked", "attack")
    c = em("c", "attacked", "attack")
    events = merge_events([a, c], story_of={"a": "s1", "c": "s2"}, texts=TEXTS)
    assert len(events) == 2
    assert {e.story_id for e in events} == {"s1", "s2"}
    # A document missing from story_of is a story of its own, with no story id.
    lone = merge_events([a, c], story_of={"a": "s1"})
    assert len(lone) == 2 and {e.story_id for e in lone} == {"s1", None}


def test_entity_index_resolves_arguments() -> None:
    a = em("a", "attacked", "attack", actors=(arg("a", "Rebels"),))
    b = em("b", "attack", "attack", actors=(arg("b", "rebels"),))
    at = TEXTS["b"].index("rebels")
    entity_of = {("a", 0, 6): "ent_x", ("b", at, at + 6): "ent_x"}
    infos = scoped_infos([a, b], entity_of=entity_of)[""]
    assert infos[0].actors == frozenset({"ent_x"})
    # Without an entity the lowercased words stand for it.
    assert scoped_infos([b])[""][0].actors == frozenset({"rebels"})


def test_output_is_deterministic_and_order_free() -> None:
    ms = [
        em("a", "attacked", "attack"),
        em("a", "assault", "assault"),
        em("a", "killed", "kill", typ="ASSAULT"),
        em("b", "attack", "attack"),
        em("b", "dead", "dead"),
        em("c", "attacked", "attack"),
    ]
    first = merge_events(ms, texts=TEXTS)
    shuffled = ms[:] + ms[:2]
    random.Random(7).shuffle(shuffled)
    assert merge_events(shuffled, texts=TEXTS) == first
    assert all(isinstance(e, Event) for e in first)
    assert sum(len(e.mentions) for e in first) == len(ms)
    for e in first:
        assert list(e.mentions) == sorted(e.mentions, key=lambda m: (m.doc_id, m.start, m.end))


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown merge method"):
        merge_events([em("a", "attacked", "attack")], params=MergeParams(method="magic"))


def test_average_linkage_threshold_and_cannot_link() -> None:
    scores = {(0, 1): 0.9, (1, 2): 0.8, (0, 2): 0.1, (2, 3): 0.95}
    assert average_linkage(4, scores, 0.5) == [[0, 1], [2, 3]]
    # {0,1} and {2,3} average (0.1 + 0.8 + 0 + 0) / 4 = 0.225.
    assert average_linkage(4, scores, 0.3) == [[0, 1], [2, 3]]
    assert average_linkage(4, scores, 0.2) == [[0, 1, 2, 3]]
    assert average_linkage(4, scores, 0.5, cannot=lambda i, j: {i, j} == {2, 3}) == [
        [0, 1],
        [2],
        [3],
    ]
    assert average_linkage(3, {(0, 1): 0.2}, 0.5, start=[[0, 2], [1]]) == [[0, 2], [1]]
