from __future__ import annotations

from storyline.ingest.clean import clean_document
from storyline.ingest.language import detect_language
from storyline.ingest.metadata import credits_in_text, extract_metadata
from storyline.model import Document, Published

BODY = "Officials in the coastal town said repairs to the sea wall would take at least a month."


def meta(text: str, **kw) -> Document:
    return extract_metadata(clean_document(Document(id="d", source="s", text=text, **kw)))


def test_dateline_title_credit_tags() -> None:
    doc = meta(
        "Sea wall repairs to take a month\n2022-11-02 14:05 | 3 comments\n"
        f"{BODY}\nTags: coast, storms\nSource: Coastal Times\n"
    )
    assert doc.title == "Sea wall repairs to take a month"
    assert doc.published == Published("2022-11-02T14:05", "minute", "dateline")
    assert doc.credited_sources == ("Coastal Times",)
    assert doc.tags == ("coast", "storms")
    assert doc.provenance_of("published") == "dateline"
    assert doc.provenance_of("title") == "text-headline"


def test_nothing_stated_means_empty() -> None:
    doc = meta(f"{BODY} {BODY}\n{BODY}\n")
    assert (doc.title, doc.published, doc.author, doc.credited_sources) == (None, None, None, ())


def test_dates_in_body_are_not_publication_dates() -> None:
    doc = meta(f"{BODY} The storm hit on January 3, 2022, and again on 5 January 2022.\n")
    assert doc.published is None


def test_container_fields_win() -> None:
    given = Published("2021-01-01", "day", "record")
    doc = meta(f"January 5, 2022\nPosted by ann |\n{BODY}\n", published=given, author="Bo")
    assert doc.published == given and doc.author == "Bo"


def test_post_footer_gives_author_and_date() -> None:
    doc = extract_metadata(clean_document(Document(
        id="d", source="s", kind="post", text=f"{BODY}\nMay 4, 2023\nPosted by harbourcat |\n"
    )))  # fmt: skip
    assert doc.author == "harbourcat"
    assert doc.published == Published("2023-05-04", "day", "post-footer")


def test_agency_credits_in_text_have_spans() -> None:
    text = (
        "LISBON (Reuters) - Talks resumed on Monday.\n"
        "The minister told AFP that a deal was close, according to the Associated Press.\n"
        "An AP photographer was present. Apparently nothing else happened.\n"
    )
    doc = Document(id="d", source="s", text=text)
    found = credits_in_text(doc)
    assert [name for name, _ in found] == ["Reuters", "AFP", "AP"]
    for _name, span in found:
        assert text[span.start : span.end] in ("Reuters", "AFP", "Associated Press")


def test_outlet_does_not_credit_itself() -> None:
    doc = meta("LISBON (Reuters) - Talks resumed on Monday.\n" + BODY, outlet="Reuters")
    assert doc.credited_sources == ()


def test_credit_line_names_are_canonical() -> None:
    doc = meta(f"{BODY}\nSource: Agence France-Presse\n")
    assert doc.credited_sources == ("AFP",)


def test_language() -> None:
    assert detect_language(BODY) == "en"
    assert (
        detect_language("Die Reparatur der Ufermauer wird mindestens einen Monat dauern.") == "de"
    )
    assert detect_language("ok") is None
