"""Grouping claims: conflicts, corroboration, vague values (claims built by hand)."""

from __future__ import annotations

from storyline.claims.conflicts import counted_class, group_claims
from storyline.claims.model import Claim, claim_from_dict
from storyline.events.model import Arg


def claim(
    doc, value, counted, *, low=None, high=None, approximate=False, owner=None, modality="reported"
):
    low = value if low is None and not approximate else low
    high = value if high is None and not approximate else high
    return Claim(doc, 0, 2, "xx", value, low, high, approximate, None, "count", counted,
                 owner, None, "2024-03-09", "day", "published", modality, None, 0, 10)  # fmt: skip


def test_classes() -> None:
    assert counted_class("soldier") == counted_class("troop")


def test_conflict_and_corroboration() -> None:
    (g,) = group_claims([claim("a", 13, "missile"), claim("b", 15, "rocket")])
    assert g.status == "conflict"
    (g,) = group_claims([claim("a", 13, "missile"), claim("b", 13, "missile")])
    assert g.status == "corroborated"


def test_vague_compatible_and_negated_conflict() -> None:
    (g,) = group_claims(
        [claim("a", 24, "killed", low=24, approximate=True), claim("b", 30, "dead")]
    )
    assert g.status == "compatible"
    (g,) = group_claims([claim("a", 0, "casualties", modality="negated"), claim("b", 80, "killed")])
    assert g.status == "conflict"


def test_owners_split_groups_and_round_trip() -> None:
    a = claim("a", 10, "troop", owner=Arg(0, 2, "US", "us"))
    b = claim("b", 20, "troop", owner=Arg(0, 2, "UK", "uk"))
    assert group_claims([a, b]) == []
    assert claim_from_dict(a.to_dict()) == a


def test_sections_shapes() -> None:
    from storyline.claims.conflicts import claims_section, conflicts_section

    texts = {"a": "xx killed", "b": "xx dead"}
    cs = [claim("a", 13, "killed"), claim("b", 13, "dead")]
    (item, _) = claims_section(cs, texts)
    assert item["id"].startswith("clm_") and len(item["id"]) == 20
    assert item["evidence"]["text"] == "xx"
    (cfl,) = conflicts_section(group_claims(cs), texts)
    assert cfl["status"] == "corroborated" and cfl["id"].startswith("cfl_")
    assert cfl["values"][0]["independent_sources"] == 2


def test_generic_counts_group_only_under_the_same_verb() -> None:
    from dataclasses import replace

    moved = replace(claim("a", 3400, "resident"), predicate="move")
    also_moved = replace(claim("b", 4000, "people"), predicate="move")
    drowned = replace(claim("c", 2, "people"), predicate="drown")
    (g,) = group_claims([moved, also_moved, drowned])
    assert {c.doc_id for c in g.claims} == {"a", "b"} and g.status == "conflict"
    assert group_claims([moved, drowned]) == []


def test_a_country_adjective_meets_its_country_but_not_another() -> None:
    british = claim("a", 400, "troop", owner=Arg(0, 2, "British", "united kingdom"))
    german = claim("b", 130, "troop", owner=Arg(0, 2, "German", "germany"))
    assert group_claims([british, german]) == []
    # "UK" is an entity mention in its document; the adjective is none: keys decide.
    uk = claim("c", 500, "troop", owner=Arg(0, 2, "UK", "united kingdom"))
    entity_of = {("c", 0, 2): "ent_uk"}
    (g,) = group_claims([british, uk], entity_of=entity_of)
    assert g.status == "conflict"


def test_copies_of_one_source_do_not_corroborate_a_figure() -> None:
    same = [claim("wire", 70, "troop"), claim("repost", 70, "troop")]
    (g,) = group_claims(same, family_of={"wire": "wire", "repost": "wire"})
    assert g.status == "compatible"  # one source, two copies: agreement, not corroboration
    (g,) = group_claims([*same, claim("other", 70, "troop")], family_of={"repost": "wire"})
    assert g.status == "corroborated"
    (g,) = group_claims([*same, claim("other", 90, "troop")], family_of={"repost": "wire"})
    assert g.status == "conflict"
