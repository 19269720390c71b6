"""Quotes: quotation marks, cues, speakers, and what is not a quote.

Every text is written for these tests (invented places and people).
"""

from __future__ import annotations

import pytest

from storyline.events.model import Arg
from storyline.model import Document
from storyline.quotes.marks import quoted_passages
from storyline.quotes.model import Quote, quote_from_dict


def quotes(nlp, text: str) -> list[Quote]:
    from storyline.entities.mentions import mentions_for
    from storyline.quotes.find import quotes_for

    doc = Document(id="doc1", source="test", text=text)
    parsed = nlp(text)
    found = quotes_for(doc, parsed, mentions_for(doc, parsed))
    for q in found:  # offsets always point into the text
        assert text[q.start : q.end] == q.text
        assert q.sentence_start <= q.start < q.end <= q.sentence_end <= len(text)
        for arg in (q.cue, q.speaker):
            if arg is not None:
                assert text[arg.start : arg.end] == arg.text
        assert quote_from_dict(q.to_dict()) == q
    return found


def summary(found: list[Quote]) -> list[tuple[str, str, str | None, str | None]]:
    return [
        (q.kind, q.text, q.speaker.text if q.speaker else None, q.cue.text if q.cue else None)
        for q in found
    ]


# --- the character scan, no model needed --------------------------------------------


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ('He said "we are done" and left.', ["we are done"]),
        ("“Ready,” she said.", ["Ready,"]),
        ("“One.\n\n“Two.\n\n“Three,” he said.", ["One.\n\n“Two.\n\n“Three,"]),
        ('"Open.\n\n"Still open," he said.', ['Open.\n\n"Still open,']),
        ("“Never closed.\n\nA new paragraph.", []),
        ("‘Go home,’ said Brin. It’s late.", ["Go home,"]),
        ("“She shouted ‘stop’ twice,” he said.", ["She shouted ‘stop’ twice,"]),
    ],
)
def test_quoted_passages(text: str, inside: list[str]) -> None:
    assert [text[p.start : p.end] for p in quoted_passages(text)] == inside


def test_quote_round_trip_and_validation() -> None:
    q = Quote("d", 1, 5, "Yes,", "direct", Arg(7, 11, "said"), Arg(12, 15, "Ana", "ana"), "named")
    assert quote_from_dict(q.to_dict()) == q
    with pytest.raises(ValueError):
        Quote("d", 0, 1, "x", "paraphrase")
    with pytest.raises(ValueError):
        Quote("d", 0, 1, "x", "direct", speaker_how="guessed")


# --- quotes with the parse ------------------------------------------------------------


def test_straight_quote_named_speaker(nlp) -> None:
    found = quotes(nlp, '"The gates stay shut tonight," said Corin Maddox, the warden.')
    assert summary(found) == [("direct", "The gates stay shut tonight,", "Corin Maddox", "said")]
    assert found[0].speaker_how == "named" and found[0].speaker.key


def test_curly_quote_speaker_before_verb(nlp) -> None:
    found = quotes(nlp, "“We sold every ticket,” Edda Marsh told the radio station.")
    assert summary(found) == [("direct", "We sold every ticket,", "Edda Marsh", "told")]


def test_multi_paragraph_quote(nlp) -> None:
    text = (
        "Greta Vanholm described the night.\n\n"
        "“The wind took the roof first.\n\n"
        "“Then the walls went, one by one,” she said."
    )
    [q] = quotes(nlp, text)
    assert q.text.startswith("The wind took") and q.text.endswith("one by one,")
    assert q.speaker.text == "Greta Vanholm" and q.speaker_how == "pronoun"


def test_pronoun_speaker(nlp) -> None:
    found = quotes(nlp, 'Wilma Stroud inspected the dam. "It will hold," she said.')
    assert summary(found) == [("direct", "It will hold,", "Wilma Stroud", "said")]
    assert found[0].speaker_how == "pronoun"


def test_role_speaker_linked_through_apposition(nlp) -> None:
    text = (
        "Osric Dale, a spokesman for the Canal Board, spoke on Monday. "
        '"The locks will reopen in May," the spokesman said.'
    )
    direct = [q for q in quotes(nlp, text) if q.kind == "direct"]
    assert [q.speaker.text for q in direct] == ["Osric Dale"]
    assert direct[0].speaker_how == "role"


def test_role_speaker_with_no_name_has_no_key(nlp) -> None:
    [q] = quotes(nlp, '"Two trucks were stopped," the spokesman said.')
    assert q.speaker is not None and q.speaker.key == "" and q.speaker_how == "role"


def test_colon_introduction(nlp) -> None:
    found = quotes(nlp, 'Captain Ysolde Brann said: "We found the missing boat."')
    assert summary(found) == [("direct", "We found the missing boat.", "Ysolde Brann", "said")]
    assert found[0].speaker_how == "colon"


def test_follow_on_quote_takes_previous_speaker(nlp) -> None:
    found = quotes(nlp, '"The bakery is open," said Perrin Holt. "Bread is free today."')
    assert [(q.text, q.speaker.text, q.speaker_how) for q in found] == [
        ("The bakery is open,", "Perrin Holt", "named"),
        ("Bread is free today.", "Perrin Holt", "previous"),
    ]


def test_follow_on_quote_after_other_text_has_no_speaker(nlp) -> None:
    text = (
        '"The bakery is open," said Perrin Holt.\n\n'
        "The town council met later that evening to discuss the market.\n\n"
        '"Bread is free today."'
    )
    found = quotes(nlp, text)
    assert found[-1].text == "Bread is free today." and found[-1].speaker is None


@pytest.mark.parametrize(
    "text",
    [
        'The so-called "green deal" failed.',
        'The mayor called the plan a "mistake".',
        'The book "Salt Roads" sold well.',
        "The envoy brought a letter from Gen. Ilsa Varnow, commander of \u2018Task Force "
        "Brenmark\u2019, declaring the intention to withdraw.",
    ],
)
def test_scare_quotes_and_titles_are_not_quotes(nlp, text: str) -> None:
    assert quotes(nlp, text) == []


def test_a_short_capitalised_sentence_is_still_a_quote(nlp) -> None:
    found = quotes(nlp, 'The minister said: "We Will Not Leave."')
    assert [q.text for q in found] == ["We Will Not Leave."]


def test_unnamed_source_has_no_named_speaker(nlp) -> None:
    [q] = quotes(nlp, "Officials said the road to Pellam had been cleared.")
    assert q.kind == "indirect" and q.text == "the road to Pellam had been cleared"
    assert q.speaker is None or q.speaker.key == ""


def test_pronoun_with_no_antecedent_is_none(nlp) -> None:
    [q] = quotes(nlp, '"We are leaving," she said.')
    assert q.speaker is None and q.speaker_how is None


def test_indirect_that_clause(nlp) -> None:
    found = quotes(nlp, "Bettany Crowe said that the mill would close in June.")
    assert summary(found) == [("indirect", "the mill would close in June", "Bettany Crowe", "said")]


def test_according_to(nlp) -> None:
    found = quotes(nlp, "According to Lorcan Vey, 40 sheep were lost in the storm.")
    assert summary(found) == [
        ("indirect", "40 sheep were lost in the storm", "Lorcan Vey", "According to")
    ]


def test_wh_clause_and_negated_speech_are_not_quotes(nlp) -> None:
    assert quotes(nlp, "The minister did not say how many boats were lost.") == []


def test_the_parse_must_be_of_the_text(nlp) -> None:
    from storyline.quotes.find import quotes_for

    with pytest.raises(ValueError):
        quotes_for(Document(id="d", source="t", text="One."), nlp("Two."))
