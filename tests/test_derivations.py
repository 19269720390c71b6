from __future__ import annotations

from pathlib import Path

import pytest

from storyline.corpus.derivations import derivation_from_dict, find_derivations
from storyline.corpus.families import families, family_index, independent_sources
from storyline.model import Document, Published

FIX = Path(__file__).parent / "fixtures" / "reuse"


def doc(name: str, text: str | None = None, **kw) -> Document:
    return Document(
        id=name, source=f"{name}.txt", text=text or (FIX / f"{name}.txt").read_text(), **kw
    )


def by_pair(derivations):
    return {(d.source_id, d.derived_id): d for d in derivations}


def test_repost_with_commentary_is_expanded_and_points_back() -> None:
    ds = find_derivations([doc("wire"), doc("repost-with-comment"), doc("unrelated")])
    [d] = ds
    assert (d.source_id, d.derived_id) == ("wire", "repost-with-comment")
    assert d.relation == "expanded" and d.direction == "inferred"
    assert d.shared_source > 0.9 and d.shared_derived < 0.8
    text = doc("repost-with-comment").text
    assert any("warning came far too late" in text[a:b] for a, b in d.added)


def test_excerpt() -> None:
    late = Published("2024-07-02", "day", "record")
    early = Published("2024-07-01", "day", "record")
    [d] = find_derivations([doc("wire", published=early), doc("excerpt", published=late)])
    assert (d.source_id, d.relation, d.direction) == ("wire", "excerpt", "known")
    wire = doc("wire").text
    assert any("water-bombing aircraft" in wire[a:b] for a, b in d.removed)
    # Without dates only containment speaks, and it reads the longer text as later.
    [d] = find_derivations([doc("wire"), doc("excerpt")])
    assert (d.source_id, d.relation, d.direction) == ("excerpt", "expanded", "inferred")


def test_dates_decide_direction_and_beat_containment() -> None:
    early = Published("2024-07-01", "day", "record")
    late = Published("2024-07-02", "day", "record")
    ds = find_derivations([doc("wire", published=late), doc("excerpt", published=early)])
    [d] = ds
    assert d.source_id == "excerpt" and d.relation == "expanded"
    assert any("published 2024-07-01" in e for e in d.evidence)


def test_credit_line_decides_direction() -> None:
    wire = doc("wire", outlet="Lake Wire")
    copy = doc("copy", text=wire.text, credited_sources=("Lake Wire",))
    [d] = find_derivations([copy, wire])
    assert (d.source_id, d.derived_id, d.relation) == ("wire", "copy", "duplicate")
    assert d.evidence == ("credits Lake Wire",)


def test_duplicates_without_evidence_have_unknown_direction() -> None:
    text = doc("wire").text
    [d] = find_derivations([doc("b", text=text), doc("a", text=text)])
    assert d.direction == "unknown" and (d.source_id, d.derived_id) == ("a", "b")


def test_shared_short_quote_is_not_reuse() -> None:
    quote = '"We cannot promise that the line will hold if the wind keeps up," she said.'
    a = doc("a", text=doc("unrelated").text + " " + quote)
    b = doc("b", text="In other news from the valley, the fire chief spoke again. " + quote)
    assert find_derivations([a, b]) == []


def test_a_long_shared_quote_is_not_reuse() -> None:
    quote = (
        '"We cannot promise that the line will hold if the wind keeps up, and we are asking '
        "every family in the lower streets to leave tonight, take their medicines and papers, "
        'and go to the school on the hill where the army has set up beds," she said.'
    )
    a = doc("a", text=doc("unrelated").text + "\nThe fire chief spoke on the radio. " + quote)
    b = doc("b", text="Smoke covered the valley by noon and the roads were closed. " + quote)
    assert find_derivations([a, b]) == []
    # The same words outside quotation marks are copied prose.
    plain = quote.replace('"', "")
    a2 = doc("a", text=doc("unrelated").text + "\nThe fire chief spoke on the radio. " + plain)
    b2 = doc("b", text="Smoke covered the valley by noon and the roads were closed. " + plain)
    assert len(find_derivations([a2, b2])) == 1


def test_round_trip_through_export_form() -> None:
    [d] = find_derivations([doc("wire"), doc("repost-with-comment")])
    texts = {"wire": doc("wire").text, "repost-with-comment": doc("repost-with-comment").text}
    out = d.to_dict(texts)
    assert derivation_from_dict(out) == d
    for ev in out["added"]:
        assert texts[ev["document_id"]][ev["start"] : ev["end"]] == ev["text"]


def test_families_and_independent_sources() -> None:
    docs = [
        doc("wire"), doc("repost-with-comment"), doc("unrelated"),
        doc("x", text="Entirely separate words about a harbour strike.", credited_sources=("AFP",)),
        doc("y", text="Another separate report about a bus fare rise.", credited_sources=("AFP",)),
        doc("z", text="A third report on a school reopening.", outlet="AFP"),
    ]  # fmt: skip
    ds = find_derivations(docs)
    fams = families(docs, ds)
    index = family_index(fams)
    assert index["wire"] == index["repost-with-comment"]
    assert index["x"] == index["y"] == index["z"]  # all AFP: one witness
    assert independent_sources([d.id for d in docs], index) == 3
    assert independent_sources(["x", "y"], index) == 1
    loose = family_index(families(docs, ds, merge_shared_credits=False))
    assert independent_sources([d.id for d in docs], loose) == 5


def test_articles_of_one_outlet_are_one_source_before_and_after_a_credit() -> None:
    # Two unrelated articles of one outlet are one witness whether or not a third
    # document credits that outlet: adding documents only ever joins families.
    a = doc("a", text="A harbour strike closed the docks for a day.", outlet="Lorvik Post")
    b = doc("b", text="The city council voted on bus fares.", outlet="lorvik post")
    c = doc("c", text="A school reopened after repairs.", outlet="Other Daily")
    before = family_index(families([a, b, c], []))
    assert before["a"] == before["b"] != before["c"]
    credit = doc("d", text="Fishing quotas were cut.", credited_sources=("Lorvik Post",))
    after = family_index(families([a, b, c, credit], []))
    assert after["a"] == after["b"] == after["d"] != after["c"]
    assert family_index(families([a, b, c], [], merge_shared_credits=False))["b"] == "b"


@pytest.mark.parametrize("order", [0, 1])
def test_deterministic_whatever_the_input_order(order: int) -> None:
    docs = [doc("wire"), doc("repost-with-comment"), doc("excerpt")]
    ds = find_derivations(docs if order else docs[::-1])
    assert ds == find_derivations(docs)
    assert [(d.source_id, d.derived_id) for d in ds] == sorted(
        (d.source_id, d.derived_id) for d in ds
    )
