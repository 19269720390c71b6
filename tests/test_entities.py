"""Entity keys, mentions with their corrections, and canonical entities across documents.

All names are invented for these tests (the gazetteer's real armed groups aside).
"""

from __future__ import annotations

import dataclasses
import pickle
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.entities.canonical import Entity, canonical_entities, entities_for_documents
from storyline.entities.gazetteer import Gazetteer, load_gazetteer
from storyline.entities.keys import (
    acronym_matches,
    compatible_names,
    display_name,
    entity_key,
    is_acronym,
    same_name,
    same_token,
    translit_key,
)
from storyline.entities.mentions import EntitiesConfig, Mention, mentions_for
from storyline.model import Document

# --- keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "person", "key"),
    [
        ("Lt. Gen. Qasem Haddadi", True, "qasem haddadi"),
        ("Brig. Gen. Yusuf Al-Harrani's", True, "yusuf harrani"),
        ("President Elsa Brandt", True, "elsa brandt"),
        ("Prime Minister Elsa Brandt", True, "elsa brandt"),
        ("Foreign Minister Elsa Brandt", True, "elsa brandt"),
        ("Secretary of State Elsa Brandt", True, "elsa brandt"),
        ("Sheikh Omar el-Tayeb", True, "omar tayeb"),
        ("Arcade Comeaux Jr.", True, "arcade comeaux"),
        ("General Motors", False, "general motors"),  # titles only come off people
        ("Grand Hotel", True, "grand hotel"),  # a run-only title word alone stays
        ("the Harbour Guard", False, "harbour guard"),
        ("in Lorvik", False, "lorvik"),
        ("Ain al-Tamr", False, "ain tamr"),
        ("Kata'ib Sayyid", False, "kataib sayyid"),
        ("U.S.", False, "us"),
        ("U . S . Navy", False, "us navy"),
        ("Pérez", True, "perez"),
    ],
)
def test_entity_key(text: str, person: bool, key: str) -> None:
    assert entity_key(text, person=person) == key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Qasem Haddadi", "Qassim Hadadi"),  # q/k spelling kept, doubled letters, vowels
        ("Kassem Haddadi", "Qasem Haddadi"),
        ("Darwish Soleimanzadeh", "Darwish Suleimanzadeh"),
        ("Hussein Tamimi", "Hossein Tamimi"),
        ("Mohammed Farouk", "Muhammad Farouk"),
        ("Abdul Rahman Qaderi", "Abd al-Rahman Kaderi"),
        ("Nasrallah Bakri", "Nasrullah Bakri"),
    ],
)
def test_transliteration_variants_are_one_name(a: str, b: str) -> None:
    assert same_name(entity_key(a, person=True), entity_key(b, person=True))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ali", "alia"),
        ("daniel", "danielle"),
        ("hussein", "hassan"),
        ("marta", "marko"),
        ("christopher", "christophe"),
    ],
)
def test_different_names_stay_apart(a: str, b: str) -> None:
    assert not same_token(a, b)


def test_one_typo_in_a_long_name_is_tolerated() -> None:
    assert same_token("haddadizadeh", "haddadizodeh")  # a vowel inside
    assert same_token("suleimanzadeh", "suleimansadeh")  # a consonant, in a long word
    assert not same_token("antonio", "antonia")  # the last letter makes another name
    assert not same_name("qasem haddadi", "haddadi")  # word counts differ


def test_translit_key_folds_spellings() -> None:
    assert translit_key("qasem haddadi") == translit_key("kassim hadadi")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("fred larue", "frederick cheney larue", True),
        ("raj chohan", "raj k chohan", True),
        ("tara velez", "john velez", False),
        ("george w bush", "george h w bush", False),
        ("ali hassan", "alia hassan", False),
    ],
)
def test_compatible_names(a: str, b: str, same: bool) -> None:
    assert compatible_names(a, b) is same


def test_acronyms() -> None:
    assert is_acronym("RHA") and is_acronym("U.N.") and not is_acronym("Lorvik")
    assert acronym_matches("RHA", "Riverside Harbour Authority")
    assert acronym_matches("NLF", "the National Liberation Front")
    assert acronym_matches("ISIL", "Islamic State of Iraq and the Levant")
    assert not acronym_matches("RHA", "Riverside Port Office")


def test_display_name_drops_titles_but_keeps_case() -> None:
    assert display_name("the Lt. Gen. Qasem Haddadi's", person=True) == "Qasem Haddadi"
    assert display_name("the Harbour Guard", person=False) == "Harbour Guard"


# --- gazetteer -----------------------------------------------------------------------


def test_shipped_gazetteer_loads_and_folds_spellings() -> None:
    gaz = load_gazetteer()
    assert len(gaz.entries) >= 50
    assert gaz.lookup("Kata'ib Hizballah").name == "Kataib Hezbollah"
    assert gaz.lookup("Ain al-Assad").label == "FAC"
    assert gaz.lookup("PMF").name == "Popular Mobilization Forces"
    assert gaz.lookup("who") is None  # acronym aliases match only in capitals


def test_gazetteer_rejects_unknown_labels() -> None:
    with pytest.raises(ValueError, match="unknown label"):
        Gazetteer([("Lorvik Watch", "ARMY", ())])


# --- mentions (need the model) -------------------------------------------------------


def _mentions(nlp, text: str, doc_id: str = "d1") -> list[Mention]:
    return mentions_for(Document(doc_id, "test", text), nlp(text))


def test_militia_tagged_as_person_is_fixed(nlp) -> None:
    from spacy.tokens import Doc, Span

    # The model's known error, set by hand so the test does not depend on its mood.
    words = ["Fighters", "of", "Kataib", "Hezbollah", "and", "the", "Sabreen", "Brigades", "left"]
    doc = Doc(nlp.vocab, words=words)
    doc.ents = [Span(doc, 2, 4, "PERSON"), Span(doc, 6, 8, "PERSON")]
    found = {m.text: (m.label, m.how) for m in mentions_for(Document("d", "t", doc.text), doc)}
    assert found["Kataib Hezbollah"] == ("ORG", "gazetteer")
    assert found["Sabreen Brigades"] == ("ORG", "pattern")


def test_place_tagged_as_person_is_fixed(nlp) -> None:
    from spacy.tokens import Doc, Span

    doc = Doc(nlp.vocab, words=["Shells", "hit", "Deir", "al", "-", "Hamra", "today"])
    doc.ents = [Span(doc, 2, 6, "PERSON")]
    (m,) = mentions_for(Document("d", "t", doc.text), doc)
    assert (m.text, m.label, m.how) == ("Deir al - Hamra", "GPE", "pattern")


def test_gazetteer_finds_names_the_model_missed(nlp) -> None:
    text = "Rockets fell near the Ain al-Assad airbase before dawn."
    found = [(m.text, m.label, m.key) for m in _mentions(nlp, text)]
    assert ("Ain al-Assad airbase", "FAC", "ain asad air base") in found


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Police questioned members of an Iran-backed group.", "Iran"),
        ("The truce holds so long as Hezbollah stays out.", "Hezbollah"),
        ("Jets struck at Hamas positions overnight.", "Hamas"),
        ("The Israel-Hezbollah front was quiet.", "Hezbollah"),
        ("Shells hit the al-Asad air base overnight.", "al-Asad air base"),
    ],
)
def test_a_gazetteer_name_takes_back_only_its_article(nlp, text: str, name: str) -> None:
    assert name in [m.text for m in _mentions(nlp, text)]


def test_a_country_is_one_entity_under_its_names(nlp) -> None:
    texts = [
        "The United States sent two envoys.",
        "U.S. officials said the envoys had left.",
        "America will not stay, the US envoy said.",
    ]
    ms = [m for i, t in enumerate(texts) for m in _mentions(nlp, t, f"d{i}") if m.label == "GPE"]
    (country,) = canonical_entities(ms)
    assert country.name == "United States" and len(country.documents) == 3


def test_acronym_defined_in_text(nlp) -> None:
    text = (
        "The Riverside Harbour Authority (RHA) closed the port on Friday. "
        "A week later the RHA reopened it."
    )
    ms = _mentions(nlp, text)
    keyed = [(m.text, m.kind) for m in ms if m.key == "riverside harbour authority"]
    assert keyed == [
        ("Riverside Harbour Authority", "name"),
        ("RHA", "acronym"),
        ("RHA", "acronym"),
    ]


def test_apposition_gives_a_role_and_a_type(nlp) -> None:
    text = "Tamsin Orlov, the commander of the Northern Guard, said the convoy would leave."
    ms = _mentions(nlp, text)
    person = next(m for m in ms if m.text == "Tamsin Orlov")
    role = next(m for m in ms if m.kind == "role")
    assert person.label == "PERSON"
    assert role.text == "the commander of the Northern Guard"
    assert role.key == person.key == "tamsin orlov"


def test_mentions_point_into_the_text(nlp) -> None:
    text = "Elsa Brandt met NATO envoys in Lorvik. Brandt said the U.N. would help."
    for m in _mentions(nlp, text):
        assert text[m.start : m.end] == m.text


def test_mentions_refuse_a_parse_of_another_text(nlp) -> None:
    with pytest.raises(ValueError, match="not of its text"):
        mentions_for(Document("d", "t", "One text."), nlp("Another text."))


# --- canonical entities (hand-made mentions: no model) -------------------------------


def mention(doc: str, start: int, text: str, label: str = "PERSON", **kw) -> Mention:
    key = kw.pop("key", None) or entity_key(text, person=label == "PERSON")
    return Mention(doc, start, start + len(text), text, label, key, **kw)


def by_name(entities: list[Entity]) -> dict[str, Entity]:
    return {e.name: e for e in entities}


def test_titles_are_stripped_and_names_merge_across_documents() -> None:
    ms = [
        mention("d1", 0, "Brig. Gen. Yusuf Harrani"),
        mention("d2", 10, "Yusuf Harrani"),
        mention("d3", 5, "General Yusuf Harrani"),
    ]
    (e,) = canonical_entities(ms)
    assert e.name == "Yusuf Harrani"
    assert e.documents == ("d1", "d2", "d3")
    assert dict(e.aliases)["Brig. Gen. Yusuf Harrani"] == 1


def test_surname_links_within_the_story_only() -> None:
    ms = [
        mention("a1", 0, "Qasem Haddadi"),
        mention("a1", 50, "Haddadi"),
        mention("a2", 0, "Haddadi"),  # same story, no full name in this document
        mention("b1", 0, "Haddadi"),  # another story
    ]
    stories = {"a1": "s1", "a2": "s1", "b1": "s2"}
    config = EntitiesConfig(link_unique_surnames=False)
    names = by_name(canonical_entities(ms, stories, config))
    assert names["Qasem Haddadi"].documents == ("a1", "a2")
    assert names["Haddadi"].documents == ("b1",)
    # Without stories, a surname links within its own document only.
    names = by_name(canonical_entities(ms, None, config))
    assert names["Qasem Haddadi"].documents == ("a1",)


def test_compound_surname_links_to_the_full_name() -> None:
    ms = [
        mention("a1", 0, "Salim Abdul-Karem"),
        mention("a1", 40, "Abdul-Karem"),
        mention("a2", 0, "Abdul Karem"),  # same story, no full name in this document
        mention("b1", 0, "Nadia Fahmi"),  # a two-word name that ends nothing stays itself
        mention("b1", 30, "Fahmi"),
    ]
    stories = {"a1": "s1", "a2": "s1", "b1": "s2"}
    names = by_name(canonical_entities(ms, stories, EntitiesConfig(link_unique_surnames=False)))
    assert names["Salim Abdul-Karem"].documents == ("a1", "a2")
    assert len(names["Salim Abdul-Karem"].mentions) == 3
    assert names["Nadia Fahmi"].documents == ("b1",)


def test_unique_surname_links_across_the_corpus() -> None:
    ms = [mention("a1", 0, "Qasem Haddadi"), mention("b1", 0, "Haddadi")]
    (e,) = canonical_entities(ms)
    assert e.documents == ("a1", "b1")


def test_two_people_sharing_a_surname_stay_apart() -> None:
    ms = [
        mention("d1", 0, "Marta Velez"),
        mention("d1", 30, "Tomas Velez"),
        mention("d1", 60, "Velez"),  # after Tomas: him
        mention("d2", 0, "Marta Velez"),
        mention("d3", 0, "Velez"),  # elsewhere, two candidates: nobody
    ]
    names = by_name(canonical_entities(ms))
    assert {"Marta Velez", "Tomas Velez", "Velez"} <= set(names)
    assert names["Marta Velez"].documents == ("d1", "d2")
    assert [m.start for m in names["Tomas Velez"].mentions] == [30, 60]
    assert names["Velez"].documents == ("d3",)


def test_transliterations_merge_but_close_names_do_not() -> None:
    ms = [
        mention("d1", 0, "Qasem Haddadi"),
        mention("d2", 0, "Qassim Hadadi"),
        mention("d3", 0, "Kassem Haddadi"),
        mention("d4", 0, "Ali Haddadi"),
        mention("d5", 0, "Alia Haddadi"),
    ]
    entities = canonical_entities(ms)
    assert sorted(len(e.documents) for e in entities) == [1, 1, 3]


def test_spelling_variants_in_one_document_are_two_people() -> None:
    ms = [mention("d1", 0, "Qasem Haddadi"), mention("d1", 40, "Qassim Hadadi")]
    assert len(canonical_entities(ms)) == 2


def test_type_vote_settles_a_split_name() -> None:
    ms = [mention(f"d{i}", 0, "Darwan Qassemi") for i in range(3)]
    ms.append(mention("d4", 0, "Darwan Qassemi", "GPE"))
    (e,) = canonical_entities(ms)
    assert e.label == "PERSON" and len(e.mentions) == 4


def test_gazetteer_type_outvotes_the_model() -> None:
    ms = [mention(f"d{i}", 0, "Kataib Hezbollah", "PERSON") for i in range(4)]
    ms.append(mention("d9", 0, "Kataib Hezbollah", "ORG", how="gazetteer"))
    (e,) = canonical_entities(ms)
    assert e.label == "ORG" and e.name == "Kataib Hezbollah"


def test_acronym_defined_once_stands_for_its_name_elsewhere() -> None:
    key = "riverside harbour authority"
    ms = [
        mention("d1", 0, "Riverside Harbour Authority", "ORG", how="acronym"),
        mention("d1", 29, "RHA", "ORG", key=key, kind="acronym", how="acronym"),
        mention("d2", 0, "RHA", "ORG"),
    ]
    (e,) = canonical_entities(ms)
    assert e.name == "Riverside Harbour Authority"
    assert dict(e.aliases) == {"RHA": 2, "Riverside Harbour Authority": 1}


def test_roles_are_kept_apart_from_aliases() -> None:
    ms = [
        mention("d1", 0, "Tamsin Orlov"),
        mention("d1", 14, "the commander", key="tamsin orlov", kind="role", how="apposition"),
    ]
    (e,) = canonical_entities(ms)
    assert e.aliases == (("Tamsin Orlov", 1),)
    assert e.roles == (("the commander", 1),)
    assert len(e.mentions) == 2


def test_short_form_of_a_place_joins_its_full_name() -> None:
    ms = [
        mention("d1", 0, "Lorvik Harbour Clinic", "FAC"),
        mention("d1", 40, "Lorvik Harbour", "FAC"),
    ]
    (e,) = canonical_entities(ms)
    assert e.name == "Lorvik Harbour Clinic"


def test_a_town_is_not_its_airport_but_is_its_province() -> None:
    ms = [
        mention("d1", 0, "Lorvik International Airport", "FAC"),
        mention("d1", 40, "Lorvik", "GPE"),
        mention("d2", 0, "Tarsa province", "GPE"),
        mention("d2", 30, "Tarsa", "GPE"),
    ]
    names = sorted(e.name for e in canonical_entities(ms))
    assert names == ["Lorvik", "Lorvik International Airport", "Tarsa province"]


def test_a_leader_is_not_the_administration_named_after_them() -> None:
    ms = [
        mention("d1", 0, "Varnow Administration", "ORG"),
        mention("d1", 40, "Varnow", "ORG"),  # the model's organisation is the leader
        mention("d2", 0, "Ilsa Varnow", "PERSON"),
        mention("d2", 30, "Varnow", "PERSON"),
    ]
    by_name = {e.name: len(e.mentions) for e in canonical_entities(ms)}
    assert by_name["Varnow Administration"] == 1


def test_team_named_by_its_last_word_joins_its_full_name() -> None:
    ms = [
        mention("d1", 0, "Lorvik Herons", "ORG"),
        mention("d1", 30, "Herons", "PERSON"),  # the model's person is the team
        mention("d2", 0, "Herons", "ORG"),  # no full name here: as elsewhere in the corpus
    ]
    (e,) = canonical_entities(ms)
    assert e.name == "Lorvik Herons" and e.label == "ORG"
    assert e.documents == ("d1", "d2")


def test_short_place_name_never_takes_a_longer_one_by_its_end() -> None:
    ms = [mention("d1", 0, "South Varnia", "GPE"), mention("d1", 20, "Varnia", "GPE")]
    assert len(canonical_entities(ms)) == 2


def test_canonical_entities_are_deterministic_and_picklable() -> None:
    ms = [
        mention("d1", 0, "Qasem Haddadi"),
        mention("d1", 30, "Haddadi"),
        mention("d2", 0, "Qassim Hadadi"),
        mention("d2", 40, "Lorvik", "GPE"),
        mention("d3", 0, "Lorvik", "GPE"),
        mention("d3", 20, "Marta Velez"),
    ]
    first = canonical_entities(ms)
    for seed in range(5):
        shuffled = ms[:]
        random.Random(seed).shuffle(shuffled)
        assert canonical_entities(shuffled) == first
    assert pickle.loads(pickle.dumps(first)) == first
    assert len({e.id for e in first}) == len(first)


def test_to_dict_gives_evidence_for_every_mention() -> None:
    texts = {"d1": "Elsa Brandt spoke. Brandt left.", "d2": "Then Elsa Brandt returned."}
    ms = [
        mention("d1", 0, "Elsa Brandt"),
        mention("d1", 19, "Brandt"),
        mention("d2", 5, "Elsa Brandt"),
    ]
    (e,) = canonical_entities(ms)
    d = e.to_dict(texts)
    assert d["name"] == "Elsa Brandt" and d["label"] == "PERSON"
    assert d["documents"] == ["d1", "d2"]
    assert d["mentions"][1] == {"document_id": "d1", "start": 19, "end": 25, "text": "Brandt"}
    with pytest.raises(ValueError):
        e.to_dict({"d1": "Something else entirely here.", "d2": texts["d2"]})


def test_entities_for_documents_end_to_end(nlp) -> None:
    docs = [
        Document(
            "a",
            "t",
            "Lt. Gen. Qasem Haddadi inspected the Lorvik garrison on Monday. "
            "Haddadi said the Riverside Harbour Authority (RHA) would help.",
        ),
        Document("b", "t", "Qassim Hadadi left Lorvik. The RHA closed the port."),
    ]
    parsed = {d.id: nlp(d.text) for d in docs}
    entities = entities_for_documents(docs, parsed, {"a": "s", "b": "s"})
    texts = {d.id: d.text for d in docs}
    names = {e.name: e for e in entities}
    assert names["Riverside Harbour Authority"].documents == ("a", "b")
    people = [e for e in entities if e.label == "PERSON"]
    assert any(e.documents == ("a", "b") and len(e.mentions) == 3 for e in people)
    for e in entities:
        for ev in e.to_dict(texts)["mentions"]:
            assert texts[ev["document_id"]][ev["start"] : ev["end"]] == ev["text"]


def test_rank_key_orders_entities_as_rank_entities_does() -> None:
    from storyline.entities.canonical import Group, build_entity, rank_entities, rank_key

    def group(doc_ids: list[str], text: str, label: str = "PERSON") -> Group:
        ms = tuple(Mention(d, 0, len(text), text, label, text.lower()) for d in sorted(doc_ids))
        return Group(ms, tuple(m.key for m in ms))

    groups = [
        group(["a"], "Ana Lind"),
        group(["a", "b"], "Ana"),
        group(["c"], "Ana Lindqvist"),
        group(["d", "e", "f"], "Zed Corp", "ORG"),
        group(["g"], "Ana Lind", "GPE"),
    ]
    ranked = rank_entities([build_entity(g, {}) for g in groups])
    assert [e.name for e in ranked][:2] == ["Zed Corp", "Ana"]
    assert sorted(ranked, key=rank_key) == ranked


def test_build_entity_takes_a_known_name_and_a_group_fingerprint_sees_every_field() -> None:
    from storyline.entities.canonical import Group, build_entity

    ms = (Mention("a", 0, 8, "Ana Lind", "PERSON", "ana lind"),)
    g = Group(ms, ("ana lind",))
    fresh = build_entity(g, {})
    assert build_entity(g, {}, (fresh.id, fresh.name, fresh.label)) == fresh
    kept = build_entity(g, {}, ("ent_x", "Anna Lind", "PERSON"))
    assert (kept.id, kept.name, kept.mentions) == ("ent_x", "Anna Lind", ms)
    other = Group((dataclasses.replace(ms[0], how="gazetteer"),), g.keys)
    assert other.fingerprint() != g.fingerprint()
    assert Group(ms, ("lind",)).fingerprint() != g.fingerprint()
    assert Group(ms, g.keys).fingerprint() == g.fingerprint()


# --- rules 1 and 2 in blocks of whole stories ----------------------------------------


def _cross_story_mentions() -> tuple[list[Mention], dict[str, str]]:
    """A corpus whose stories need what other stories say: an acronym defined in one and
    used bare in another, a short form expanded in one and used alone in another."""
    key = "riverside harbour authority"
    ms = [
        mention("a1", 0, "Riverside Harbour Authority", "ORG", how="acronym"),
        mention("a1", 29, "RHA", "ORG", key=key, kind="acronym", how="acronym"),
        mention("a1", 40, "Qasem Haddadi"),
        mention("a2", 0, "Haddadi"),  # same story as a1, another document
        mention("b1", 0, "RHA", "ORG"),  # no definition in this story
        mention("b1", 10, "Morningside Clinic", "ORG"),
        mention("b1", 40, "Morningside", "ORG"),
        mention("c1", 0, "Morningside", "ORG"),  # never given in full in this story
        mention("c1", 20, "Haddadi"),  # another story: no full name to link to
        mention("d1", 0, "Haddadi"),  # in no story
    ]
    stories = {"a1": "s1", "a2": "s1", "b1": "s2", "c1": "s3"}
    return sorted(ms, key=lambda m: (m.doc_id, m.start)), stories


def _pickling_map(func, items):
    """A mapper that sends each block the way a Dask worker gets it."""
    return [pickle.loads(pickle.dumps(func(pickle.loads(pickle.dumps(x))))) for x in items]


def test_rewritten_keys_do_not_depend_on_the_blocks() -> None:
    from storyline.entities.scoped import key_blocks, rewrite_keys

    ms, stories = _cross_story_mentions()
    scope = {m.doc_id: stories.get(m.doc_id, f"doc:{m.doc_id}") for m in ms}
    whole = rewrite_keys(ms, scope)
    assert dict(zip([(m.doc_id, m.start) for m in ms], whole, strict=True)) == {
        ("a1", 0): "riverside harbour authority",
        ("a1", 29): "riverside harbour authority",
        ("a1", 40): "qasem haddadi",
        ("a2", 0): "qasem haddadi",  # its story's one Haddadi
        ("b1", 0): "riverside harbour authority",  # the corpus's one expansion of RHA
        ("b1", 10): "morningside clinic",
        ("b1", 40): "morningside clinic",
        ("c1", 0): "morningside clinic",  # what it stood for where it was expanded
        ("c1", 20): "haddadi",
        ("d1", 0): "haddadi",
    }
    assert len(key_blocks(ms, scope, max_docs=1)) == 4  # s1 (two documents) is one block
    for max_docs in (1, 2, 3):
        assert rewrite_keys(ms, scope, _pickling_map, max_docs=max_docs) == whole


def test_entity_groups_are_the_same_through_any_mapper(monkeypatch: pytest.MonkeyPatch) -> None:
    from storyline.corpus import blocks
    from storyline.entities.canonical import entity_groups

    ms, stories = _cross_story_mentions()
    whole = entity_groups(ms, stories)
    calls = []

    def counting_map(func, items):
        items = list(items)
        calls.append(len(items))
        return _pickling_map(func, items)

    monkeypatch.setattr(blocks, "BLOCK_DOCS", 1)  # a block per story
    assert entity_groups(ms, stories, mapper=counting_map) == whole
    assert calls == [4]
    # A story and a document that share an id are still two scopes.
    clash = {"a1": "b1", "a2": "b1", "b1": "s2", "c1": "s3"}
    assert entity_groups(ms, clash, mapper=counting_map) == entity_groups(ms, clash)


def test_scoped_module_example() -> None:
    import doctest

    from storyline.entities import scoped

    assert doctest.testmod(scoped).failed == 0


_NAMES = [
    ("Qasem Haddadi", "PERSON"), ("Haddadi", "PERSON"), ("Qasem", "PERSON"),
    ("Salim Abdul-Karem", "PERSON"), ("Abdul Karem", "PERSON"), ("Karem", "PERSON"),
    ("Lorvik Harbour Clinic", "FAC"), ("Lorvik Harbour", "FAC"), ("Lorvik", "GPE"),
    ("Lorvik International Airport", "FAC"), ("Tarsa province", "GPE"), ("Tarsa", "GPE"),
    ("Lorvik Herons", "ORG"), ("Herons", "ORG"), ("Herons", "PERSON"),
    ("Riverside Harbour Authority", "ORG"), ("RHA", "ORG"), ("Red Sox", "ORG"), ("Sox", "ORG"),
]  # fmt: skip


@st.composite
def _corpora(draw):
    """Small random corpora of the names above, in up to six documents and three stories,
    some acronyms defined (as the mention layer marks a definition), some not."""
    docs = [f"d{i}" for i in range(draw(st.integers(1, 6)))]
    stories = {d: draw(st.sampled_from(["s0", "s1", "s2", None])) for d in docs}
    ms = []
    for doc in docs:
        for n in range(draw(st.integers(0, 6))):
            text, label = draw(st.sampled_from(_NAMES))
            if text == "RHA" and draw(st.booleans()):
                ms.append(mention(doc, 20 * n, text, label, key="riverside harbour authority",
                                  kind="acronym", how="acronym"))  # fmt: skip
            else:
                ms.append(mention(doc, 20 * n, text, label))
    return ms, {d: s for d, s in stories.items() if s is not None}


def _rules_over_the_whole_corpus(ms, scope) -> list[str]:
    """The oracle: rules 1 and 2 applied to every mention at once, no blocks."""
    from storyline.entities import scoped

    keys = scoped._expand_acronyms(ms, scope, scoped.acronym_expansions(ms))
    scoped._link_surnames(ms, keys, scope)
    expanded, leftover = scoped._link_short_forms(ms, keys, scope)
    for i, fam in leftover:
        if len(expanded.get((fam, keys[i]), ())) == 1:
            (keys[i],) = expanded[(fam, keys[i])]
    return keys


@settings(max_examples=150, deadline=None)
@given(_corpora())
def test_rewritten_keys_in_blocks_of_any_size_are_those_of_the_whole_corpus(corpus) -> None:
    from storyline.entities.scoped import rewrite_keys

    ms, stories = corpus
    scope = {m.doc_id: stories.get(m.doc_id, f"doc:{m.doc_id}") for m in ms}
    expected = _rules_over_the_whole_corpus(ms, scope)
    for max_docs in (1, 2, 100):
        assert rewrite_keys(ms, scope, _pickling_map, max_docs=max_docs) == expected
