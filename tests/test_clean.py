from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.ingest.clean import clean_document, clean_text, is_dateline, list_kind, match_rule
from storyline.model import Document

BODY = "The committee met on Tuesday and agreed to publish its full report by the end of May."


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Share this story!", "share"),
        ("Think your friends would be interested? Share this story!", "share"),
        ("Share on Facebook", "share"),
        ("Comments are closed.", "comments"),
        ("Leave a comment", "comments"),
        ("12 Comments", "comments"),
        ("Comment", "comments"),
        ("log in or register", "login"),
        ("To participate in the discussion", "login"),
        ("Source: The Evening Post", "credit"),
        ("Copyright © 2021 by Lakeside Institute.", "credit"),
        ("© Newswire / Jo Bell", "photo-credit"),
        ("Photo: City Hall press office", "photo-credit"),
        ("Posted by hilltop |", "byline"),
        ("By Anna Lind", "byline"),
        ("1,204 views", "counter"),
        ("Skip to content", "navigation"),
        ("Read more: Council votes on budget", "related"),
    ],
)
def test_rules_classify_furniture(line: str, reason: str) -> None:
    hit = match_rule(line)
    assert hit is not None and hit[0] == reason


@pytest.mark.parametrize(
    "line",
    [
        BODY,
        "Comment:",  # an outlet's label for its own commentary stays
        "By Friday the river had risen by two metres and the town hall was closed.",
        '"Share the burden," the minister said, "and we will get through this together."',
        "Source code for the voting machines was never published, critics said.",
        "Sources close to the talks said the deal could be signed by the end of the week.",
    ],
)
def test_rules_keep_article_sentences(line: str) -> None:
    assert match_rule(line) is None
    assert not is_dateline(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2024-06-03 08:15 | 41 comments", True),
        ("March 3, 2021", True),
        ("Published: 4 May 2022 10:30 GMT", True),
        ("  2020-02-01 11:45      90 View Count        Comment", True),
        ("The vote on March 3, 2021 was postponed twice.", False),
        ("On 4 May 2022 the mayor resigned after a long scandal over hospital contracts.", False),
    ],
)
def test_dateline(line: str, expected: bool) -> None:
    assert is_dateline(line) is expected


def test_list_lines() -> None:
    assert list_kind("Tags: budget, council") == "tags"
    assert list_kind("Home | World | Business | Sport") == "list"
    assert list_kind("He said: this | that is not a list of tags at all, but a sentence.") is None


def test_clean_removes_furniture_and_keeps_body(fixtures) -> None:
    text = (fixtures / "articles" / "bridge.txt").read_text()
    r = clean_text(text)
    reasons = [x.reason for x in r.removed if x.text.strip()]
    assert reasons == [
        "title", "dateline", "share", "tags", "credit", "related", "related", "related"
    ]  # fmt: skip
    assert r.text.startswith("The town council of Eastwick")
    assert "Mara Holt" in r.text and "according to Reuters" in r.text
    assert "Share on Facebook" not in r.text and "Bus fares" not in r.text


def test_caption_after_photo_credit_is_removed() -> None:
    text = f"© Newswire / Jo Bell\nFirefighters work at the scene on Sunday.\n{BODY}\n{BODY}\n"
    r = clean_text(text)
    assert [x.reason for x in r.removed] == ["photo-credit", "caption"]
    assert r.text == f"{BODY}\n{BODY}\n"


def test_glued_caption_repeated_is_removed() -> None:
    cap = "Firefighters work at the scene of the blaze in the old town on Sunday"
    text = f"© Newswire / Jo Bell{cap}\n{cap} - Some Outlet\n{BODY}\n"
    r = clean_text(text)
    assert [x.reason for x in r.removed] == ["photo-credit", "caption"]


def test_stray_line_in_other_script() -> None:
    r = clean_text(f"{BODY}\n{BODY}\nЗаголовок страницы\n")
    assert [x.reason for x in r.removed] == ["stray"]


def test_other_script_inside_the_article_stays() -> None:
    text = f"{BODY}\nОн сказал: мы остаёмся здесь\n{BODY}\n"
    assert clean_text(text).removed == ()


def test_related_heading_mid_article_is_kept() -> None:
    # "Latest news" followed by long prose is a subheading, not a trailing link block.
    text = f"{BODY}\nLatest news\n{BODY} {BODY}\n"
    assert clean_text(text).removed == ()


def test_given_title_is_cut_only_when_it_matches() -> None:
    text = f"Committee to publish report\n{BODY}\n"
    assert [x.reason for x in clean_text(text, title="Committee to publish report").removed] == [
        "title"
    ]
    assert clean_text(text, title="Something else entirely").removed == ()


def test_clean_document_is_idempotent() -> None:
    doc = Document(id="", source="x", text=f"{BODY}\nShare this story!\n")
    once = clean_document(doc)
    assert clean_document(once) == once


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                BODY,
                "Share this story!",
                "",
                "Leave a comment",
                "March 3, 2021",
                "Tags: a, b",
                "© Wire / Jo",
                "Caption of a photo.",
                "Latest News",
                "Top stories",
                "Ωμέγα λέξη",
                "Source: Somewhere",
                "x" * 30,
                "Comment:",
            ]
        ),
        max_size=25,
    ).map("\n".join)
)
def test_clean_is_lossless(text: str) -> None:
    r = clean_text(text)
    doc = Document(id="", source="x", text=r.text, removed=r.removed)
    assert doc.original_text() == text
    for cut in r.removed:
        assert text[cut.start : cut.end] == cut.text
        assert 0 <= cut.at <= len(r.text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_clean_never_crashes_and_is_lossless_on_any_text(text: str) -> None:
    r = clean_text(text)
    assert Document(id="", source="x", text=r.text, removed=r.removed).original_text() == text
