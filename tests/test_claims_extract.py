"""Claims from parsed text: value, counted thing, owner, place, speaker, modality, date.

Every sentence is written for these tests (invented places and people).
"""

from __future__ import annotations

from storyline.claims.model import Claim, claim_from_dict
from storyline.model import Document, Published


def claims(nlp, text: str, published: str | None = "2024-03-09") -> list[Claim]:
    from storyline.claims.extract import claims_for
    from storyline.entities.mentions import mentions_for
    from storyline.nlp.timex import find_timexes

    pub = Published(published, "day", "record") if published else None
    doc = Document(id="doc1", source="test", text=text, published=pub)
    parsed = nlp(text)
    found = claims_for(doc, parsed, mentions_for(doc, parsed), find_timexes(text, published))
    for c in found:
        assert doc.text[c.start : c.end] == c.text
        assert claim_from_dict(c.to_dict()) == c
        for arg in (c.owner, c.place, c.speaker):
            if arg is not None:
                assert doc.text[arg.start : arg.end] == arg.text
    return found


def test_troops_with_owner_place_speaker_and_date(nlp) -> None:
    (c,) = claims(
        nlp, "About 5,200 Norland troops are based in Kestria, the ministry said on Friday."
    )
    assert c.value == 5200 and c.approximate and c.counted == "troop"
    assert c.owner is not None and c.owner.text == "Norland"
    assert c.place is not None and c.place.text == "Kestria"
    assert c.speaker is not None and "ministry" in c.speaker.text
    assert c.date == "2024-03-08" and c.date_source == "sentence"


def test_casualties_hedges_and_negation(nlp) -> None:
    (c,) = claims(nlp, "At least 80 people were killed in the raid, officials said.")
    assert (c.value, c.low, c.high, c.counted) == (80, 80, None, "killed")
    assert c.date_source == "published"
    (none,) = claims(nlp, "No casualties were reported after the blast.")
    assert none.value == 0 and none.modality == "negated" and none.counted == "casualties"


def test_denied_planned_and_money(nlp) -> None:
    (c,) = claims(nlp, "The ministry denied that 300 soldiers had been sent to the border.")
    assert c.modality == "denied" and c.counted == "soldier"
    (m,) = claims(nlp, "The council will spend $2.5 billion on new bridges.")
    assert m.unit == "USD" and m.value == 2_500_000_000 and m.modality == "planned"


def test_years_and_dates_are_not_claims(nlp) -> None:
    assert claims(nlp, "The bridge opened in 1998 and closed on March 3, 2021.") == []


def test_no_publication_date_leaves_the_date_unknown(nlp) -> None:
    (c,) = claims(nlp, "Rescuers pulled 14 people from the river.", published=None)
    assert c.date is None and c.date_source == "unknown" and c.predicate == "pull"


def test_a_country_adjective_is_the_owner(nlp) -> None:
    (c,) = claims(nlp, "Another 400 British troops are stationed in Kestria.")
    assert c.owner is not None and c.owner.text == "British"
    assert c.owner.key == "united kingdom"
    (c,) = claims(nlp, "Around 130 German soldiers are deployed in Kestria.")
    assert c.owner is not None and c.owner.key == "germany"
