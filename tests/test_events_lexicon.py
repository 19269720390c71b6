"""The event lexicon (``events/data/plover.toml``): it validates, and each PLOVER type types right.

Every sentence is written for these tests (invented places and people).
"""

from __future__ import annotations

import pytest

from storyline.events.lexicon import Context, load_lexicon, parse_lexicon, plover_type
from storyline.events.model import PLOVER_TYPES


def test_shipped_lexicon_validates_and_covers_every_type() -> None:
    lex = load_lexicon()
    typed = set(lex.verbs.values()) | set(lex.nouns.values())
    typed |= {e.type for entries in lex.entries.values() for e in entries}
    assert set(PLOVER_TYPES) <= typed
    assert set(lex.target_preps) == set(PLOVER_TYPES)
    assert "say" in lex.word_list("reporting_verbs")
    assert "say" not in lex.verbs  # reporting verbs are never events


def _minimal(**extra):
    words = {
        k: []
        for k in (
            "light_verbs reporting_verbs threat_verbs deny_verbs plan_verbs future_aux "
            "conditional_aux conditional_marks violent_types location_preps blocked_governors "
            "absorbing_types theme_object_types not_target_objects"
        ).split()
    }
    data = {"words": words, "types": {t: {"verbs": []} for t in PLOVER_TYPES}}
    data.update(extra)
    return data


def test_parse_lexicon_accepts_a_minimal_file() -> None:
    data = _minimal()
    data["types"]["ASSAULT"] = {"verbs": ["Bomb"], "target_preps": ["at"]}
    lex = parse_lexicon(data)
    assert plover_type("bomb", "VERB", Context(), lex) == ("ASSAULT", "types.ASSAULT.verbs:bomb")


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["types"].update({"FIGHT": {"verbs": ["fight"]}}),
        lambda d: d["types"]["ASSAULT"].update({"adverbs": ["x"]}),
        lambda d: d.update({"entry": [{"lemma": "fire", "pos": "ADJ", "type": "ASSAULT"}]}),
        lambda d: d.update({"entry": [{"lemma": "fire", "pos": "VERB", "type": "WAR"}]}),
        lambda d: d.update(
            {"entry": [{"lemma": "fire", "pos": "VERB", "type": "ASSAULT", "when": ["x"]}]}
        ),
        lambda d: d["words"].pop("light_verbs"),
        lambda d: d["words"].update({"violent_types": ["WAR"]}),
        lambda d: d["types"].update({"AGREE": {"verbs": ["bomb"]}, "ASSAULT": {"verbs": ["bomb"]}}),
        lambda d: d["types"].pop("OTHER"),
    ],
)
def test_parse_lexicon_rejects_bad_data(change) -> None:
    data = _minimal()
    change(data)
    with pytest.raises(ValueError):
        parse_lexicon(data)


@pytest.mark.parametrize(
    ("lemma", "pos", "ctx", "expected"),
    [
        ("fire", "VERB", Context(objects=("missile",)), "ASSAULT"),
        ("fire", "VERB", Context(preps=("at",)), "ASSAULT"),
        ("fire", "VERB", Context(objects=("manager",)), None),
        ("fire", "VERB", Context(particle=("up",), objects=("livestream",)), None),
        ("strike", "NOUN", Context(modifiers=("hunger",)), "PROTEST"),
        ("strike", "NOUN", Context(modifiers=("air",)), "ASSAULT"),
        ("strike", "NOUN", Context(governed_by=("on",)), "PROTEST"),
        ("strike", "VERB", Context(subjects=("earthquake",), objects=("region",)), "OTHER"),
        ("strike", "VERB", Context(subjects=("teacher",)), "PROTEST"),
        ("strike", "VERB", Context(), None),
        ("shoot", "VERB", Context(objects=("video",)), None),
        ("call", "VERB", Context(preps=("for",)), "REQUEST"),
        ("call", "VERB", Context(particle=("up",)), "MOBILIZE"),
        ("call", "VERB", Context(), None),
        ("send", "VERB", Context(objects=("troop",)), "MOBILIZE"),
        ("send", "VERB", Context(objects=("aid",)), "AID"),
        ("attack", "VERB", Context(objects=("policy",)), "ACCUSE"),
        ("attack", "VERB", Context(objects=("village",)), "ASSAULT"),
    ],
)
def test_conditions(lemma: str, pos: str, ctx: Context, expected: str | None) -> None:
    assert plover_type(lemma, pos, ctx)[0] == expected


# One sentence per type, written for this test: (sentence, trigger, type).
PER_TYPE = [
    ("Brenmark and Olsavia signed a water-sharing treaty on Monday.", "signed", "AGREE"),
    ("The finance minister met bankers from Korvia in the capital.", "met", "CONSULT"),
    ("The regional bloc endorsed the candidate's bid for the presidency.", "endorsed", "SUPPORT"),
    ("The authorities released twelve detained fishermen on Sunday.", "released", "CONCEDE"),
    ("Korvia extradited a wanted smuggler to Brenmark last week.", "extradited", "COOPERATE"),
    ("The charity distributed food parcels to families in the camp.", "distributed", "AID"),
    ("The occupying battalion withdrew from the hill town at dawn.", "withdrew", "RETREAT"),
    ("The aid coalition urged the army to reopen the mountain road.", "urged", "REQUEST"),
    ("Olsavia accused the border police of torturing migrants.", "accused", "ACCUSE"),
    ("The council rejected the mining company's proposal.", "rejected", "REJECT"),
    ("The warlord threatened to burn the villages.", "threatened", "THREATEN"),
    ("Nurses protested outside the health ministry over pay.", "protested", "PROTEST"),
    ("Brenmark imposed sanctions on the Korvian central bank.", "sanctions", "SANCTION"),
    (
        "The defence ministry deployed two brigades to the northern frontier.",
        "deployed",
        "MOBILIZE",
    ),
    ("Police detained six journalists at the airport.", "detained", "COERCE"),
    ("Militants attacked a police station in the river port.", "attacked", "ASSAULT"),
    ("A ferry capsized off the coast in heavy seas.", "capsized", "OTHER"),
]


def test_every_type_has_a_sentence() -> None:
    assert {t for _, _, t in PER_TYPE} == set(PLOVER_TYPES)


@pytest.mark.parametrize(("text", "trigger", "typ"), PER_TYPE, ids=[t for _, _, t in PER_TYPE])
def test_type_per_plover_type(nlp, text: str, trigger: str, typ: str) -> None:
    from storyline.entities.mentions import mentions_for
    from storyline.events.mentions import event_mentions
    from storyline.model import Document

    doc = Document(id="d", source="test", text=text)
    parsed = nlp(text)
    found = {m.text: m.type for m in event_mentions(doc, parsed, mentions_for(doc, parsed))}
    assert found.get(trigger) == typ, found
