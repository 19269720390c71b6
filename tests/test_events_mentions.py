"""Event mentions: arguments, dates, modality, attribution, quotes, and what is not an event.

Every text is written for these tests (invented places and people).
"""

from __future__ import annotations

import pytest

from storyline.events.model import MODALITIES, PLOVER_TYPES, EventMention, mention_from_dict
from storyline.model import Document, Published


def events(nlp, text: str, published: str | None = "2024-03-09") -> list[EventMention]:
    from storyline.entities.mentions import mentions_for
    from storyline.events.mentions import event_mentions
    from storyline.nlp.timex import find_timexes

    pub = Published(published, "day", "record") if published else None
    doc = Document(id="doc1", source="test", text=text, published=pub)
    parsed = nlp(text)
    found = event_mentions(doc, parsed, mentions_for(doc, parsed), find_timexes(text, published))
    for m in found:  # offsets always point into the text
        assert doc.text[m.start : m.end] == m.text
        assert m.sentence_start <= m.start < m.end <= m.sentence_end
        for arg in (*m.actors, *m.targets, m.location, m.attribution, m.date_span):
            if arg is not None:
                assert doc.text[arg.start : arg.end] == arg.text
        for q in m.extra.get("quantities", ()):
            assert doc.text[q["start"] : q["end"]] == q["text"]
        assert m.type in PLOVER_TYPES and m.modality in MODALITIES
        assert mention_from_dict(m.to_dict()) == m
    return found


def one(nlp, text: str, trigger: str, **kw) -> EventMention:
    found = [m for m in events(nlp, text, **kw) if m.text == trigger]
    assert len(found) == 1, [(m.text, m.type) for m in events(nlp, text, **kw)]
    return found[0]


def test_actor_target_location_date_and_quantities(nlp) -> None:
    text = "Olsavian jets fired 13 missiles at two depots in Brenmark on Friday."
    m = one(nlp, text, "fired")
    assert m.type == "ASSAULT" and m.modality == "happened"
    assert [a.text for a in m.actors] == ["Olsavian jets"]
    assert [t.text for t in m.targets] == ["two depots"]
    assert m.location is not None and m.location.text == "Brenmark"
    assert m.location.key == "brenmark"
    assert (m.date, m.date_source, m.date_precision) == ("2024-03-08", "sentence", "day")
    assert m.date_span is not None and m.date_span.text == "Friday"
    assert [q["text"] for q in m.extra["quantities"]] == ["13 missiles"]


def test_actor_carries_the_entity_key(nlp) -> None:
    m = one(nlp, "General Ilsa Varnow met the Korvian envoy in the capital.", "met")
    assert m.type == "CONSULT"
    assert m.actors[0].text == "Ilsa Varnow" and m.actors[0].key == "ilsa varnow"


def test_date_falls_back_to_publication_then_unknown(nlp) -> None:
    m = one(nlp, "Police arrested 30 protesters outside the parliament.", "arrested")
    assert (m.date, m.date_source, m.date_span) == ("2024-03-09", "published", None)
    assert [q["text"] for q in m.extra["quantities"]] == ["30 protesters"]
    m = one(nlp, "Police arrested 30 protesters.", "arrested", published=None)
    assert (m.date, m.date_precision, m.date_source) == (None, None, "unknown")


@pytest.mark.parametrize(
    ("text", "trigger", "modality"),
    [
        ("The rebels did not attack the convoy.", "attack", "negated"),
        ("No soldiers were killed in the raid.", "killed", "negated"),
        ("The army denied that it had shelled the market.", "shelled", "denied"),
        ("The militia denied attacking the convoy.", "attacking", "denied"),
        ("The group vowed to attack the convoy.", "attack", "threatened"),
        ("The ministry will deploy troops to the border.", "deploy", "planned"),
        ("The army plans to withdraw from the town next month.", "withdraw", "planned"),
        ("The envoys are expected to meet on Thursday.", "meet", "planned"),
        ("If the talks fail, the army could attack the town.", "attack", "hypothetical"),
        ("Rebels attacked the convoy, according to Reuters.", "attacked", "reported"),
        ("Rebels attacked the convoy, police said.", "attacked", "reported"),
        ("Rebels attacked the convoy on the northern road.", "attacked", "happened"),
    ],
)
def test_modality(nlp, text: str, trigger: str, modality: str) -> None:
    m = one(nlp, text, trigger)
    assert m.modality == modality


def test_attribution_from_according_to_and_said(nlp) -> None:
    m = one(nlp, "Rebels attacked the convoy, according to Reuters.", "attacked")
    assert m.attribution is not None and m.attribution.text == "Reuters"
    m = one(nlp, "Commander Jonas Vell said his men had seized the bridge.", "seized")
    assert m.modality == "reported" and m.attribution is not None
    assert m.attribution.text == "Jonas Vell"
    assert m.attribution.key == "jonas vell"
    m = one(nlp, "The army told Reuters that it had withdrawn from the town.", "withdrawn")
    assert m.type == "RETREAT" and m.attribution is not None and m.attribution.text == "The army"


def test_reporting_verbs_are_not_events(nlp) -> None:
    text = "The spokesman said on Monday that the situation was calm. He told reporters more."
    found = events(nlp, text)
    assert found == []


def test_quoted_threat_is_a_threaten_by_the_speaker(nlp) -> None:
    text = '"We will strike back hard," General Tomas Brek said.'
    found = events(nlp, text)
    assert [m.type for m in found] == ["THREATEN"]
    m = found[0]
    assert m.modality == "threatened" and m.extra.get("quoted")
    assert [a.text for a in m.actors] == ["Tomas Brek"]
    assert m.attribution is not None and m.attribution.key == "tomas brek"


def test_threat_verbs_absorb_the_threatened_act(nlp) -> None:
    found = events(nlp, "The kidnappers threatened to kill the hostages.")
    assert [(m.text, m.type, m.modality) for m in found] == [
        ("threatened", "THREATEN", "threatened")
    ]
    assert [t.text for t in found[0].targets] == ["the hostages"]


def test_labour_strike_and_quake_are_not_assaults(nlp) -> None:
    assert one(nlp, "Dock workers went on strike over pay.", "strike").type == "PROTEST"
    assert one(nlp, "An earthquake struck the coastal region.", "struck").type == "OTHER"
    assert one(nlp, "Jets struck rebel positions overnight.", "struck").type == "ASSAULT"


def test_livestream_commentary_has_no_assault(nlp) -> None:
    text = (
        "The streamer fired up her livestream on Friday night and shot a quick video for her "
        "fans. Viewers said the stream was a hit, and the chat exploded with jokes as she "
        "blasted music. She killed it in the final round, one commenter wrote, while rival "
        "players attacked her strategy in the comments. The broadcast drew a barrage of "
        "messages, and she shot back at critics with a grin."
    )
    found = events(nlp, text)
    assert not [m for m in found if m.type in ("ASSAULT", "MOBILIZE", "COERCE", "THREATEN")]


def test_one_event_per_trigger_and_same_type_nouns_absorbed(nlp) -> None:
    found = events(nlp, "The two sides signed a ceasefire agreement in Geneva.")
    assert [(m.text, m.type) for m in found] == [("signed", "AGREE")]
    found = events(nlp, "Negotiators held talks in Doha.")
    assert [(m.text, m.type, m.actors[0].text) for m in found] == [
        ("talks", "CONSULT", "Negotiators")
    ]


def test_parse_of_another_text_is_refused(nlp) -> None:
    from storyline.events.mentions import event_mentions

    doc = Document(id="d", source="t", text="Police arrested him.")
    with pytest.raises(ValueError):
        event_mentions(doc, nlp("Something else."))


def test_disasters_and_warnings_of_fact_are_not_attacks(nlp) -> None:
    text = "A flood swept through the valley town, killing nine people."
    assert one(nlp, text, "killing").type == "OTHER"
    assert events(nlp, "Engineers had warned in January that the bridge was cracked.") == []
    m = one(nlp, "Brenmark warned it would respond to any incursion.", "warned")
    assert (m.type, m.modality) == ("THREATEN", "threatened")


def test_participle_of_the_same_event_is_not_a_second_event(nlp) -> None:
    text = "Gunmen opened fire on a checkpoint late on Saturday, wounding three officers."
    found = events(nlp, text)
    assert [(m.text, m.type) for m in found] == [("fire", "ASSAULT")]
    assert [a.text for a in found[0].actors] == ["Gunmen"]
    assert [q["text"] for q in found[0].extra["quantities"]] == ["three officers"]


def test_a_bounding_date_is_not_the_event_date(nlp) -> None:
    m = one(nlp, "Thousands protested in the capital, the largest crowd since 2019.", "protested")
    assert m.date_source == "published"


def test_an_era_elsewhere_in_the_sentence_does_not_date_the_event(nlp) -> None:
    text = "The envoys signed the accord, as Mira Tosk of 21st Century Ledger reported."
    m = one(nlp, text, "signed")
    assert m.date_source == "published" and m.date == "2024-03-09"
    # Attached to the event, an era is its date.
    m = one(nlp, "Ferland was invaded twice in the 19th century.", "invaded")
    assert (m.date_source, m.date_precision) == ("sentence", "century")
