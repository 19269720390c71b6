"""The static HTML report: every part present, counts right, hostile input escaped."""

from __future__ import annotations

import re
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from storyline.model import Document, Failure, Published
from storyline.outputs.report import build_report, safe_url, write_report
from storyline.store.memory import MemoryStore

XSS_TITLE = '<script>window.__pwned = 1; alert("title")</script>'
XSS_TEXT = (
    "Crews at the Lantern Dock fought the fire for six hours on Monday night. "
    '<img src=x onerror="window.__pwned = 2; alert(2)"> The harbour master said '
    '"all ships were moved" before midnight.'
)
XSS_OUTLET = '"><svg onload=alert(3)>'
XSS_URL = "javascript:alert(4)"


def _doc(i: str, text: str, *, outlet: str, day: str | None, title: str, url: str | None = None,
         credits: tuple[str, ...] = ()) -> Document:  # fmt: skip
    published = Published(day, "day", "record") if day else None
    return Document(
        id=i, source=f"fixtures/{i}.txt", text=text, outlet=outlet, title=title, url=url,
        published=published, credited_sources=credits,
    )  # fmt: skip


BASE = (
    "Fire broke out at the Lantern Dock warehouse in Port Vell on Monday night. "
    "Firefighters from three stations fought the blaze for six hours before it was contained. "
    "The harbour master said that all ships had been moved away from the quay. "
    "Officials said 12 people were treated for smoke inhalation."
)


def _ev(doc: Document, phrase: str) -> dict[str, Any]:
    start = doc.text.index(phrase)
    return {"document_id": doc.id, "start": start, "end": start + len(phrase), "text": phrase}


def hostile_store() -> MemoryStore:
    """Three documents (one a repost of another, one hostile) and every section by hand."""
    a = _doc("a" * 24, BASE, outlet="Harbour Wire", day="2026-03-02", title="Fire at Lantern Dock",
             url="https://harbour.example/fire")  # fmt: skip
    b = _doc("b" * 24, BASE + " More to follow.", outlet="Riverside Blog", day="2026-03-03",
             title="Repost: dock fire", credits=("Harbour Wire",))  # fmt: skip
    c = _doc("c" * 24, XSS_TEXT + " Officials said 15 people were treated for smoke inhalation.",
             outlet=XSS_OUTLET, day="2026-03-04", title=XSS_TITLE, url=XSS_URL)  # fmt: skip
    store = MemoryStore()
    store.add_documents([a, b, c], failures=[Failure("bad.html", "<b>unreadable</b>", "read")])
    store.put_section("derivations", [{
        "source_id": a.id, "derived_id": b.id, "relation": "repost", "direction": "known",
        "direction_evidence": ["credits Harbour Wire"], "shared_source": 1.0,
        "shared_derived": 0.97, "shared_tokens": 60, "added": [], "removed": [],
        "jaccard": None, "exact_duplicate": False,
    }])  # fmt: skip
    store.put_section("families", [
        {"id": a.id, "documents": [a.id, b.id], "size": 2, "outlets": ["Harbour Wire"],
         "credited_sources": ["Harbour Wire"]},
        {"id": c.id, "documents": [c.id], "size": 1, "outlets": [XSS_OUTLET],
         "credited_sources": []},
    ])  # fmt: skip
    store.put_section("stories", [{
        "id": "sto_0000000000000001", "documents": [a.id, b.id, c.id], "size": 3,
        "title": "Lantern Dock fire <b>live</b>", "first_published": "2026-03-02",
        "last_published": "2026-03-04", "independent_sources": 2,
    }])  # fmt: skip
    store.put_section("entities", [{
        "id": "ent_1", "name": "<img src=x onerror=alert(5)>Lantern Dock", "label": "FAC",
        "aliases": [{"text": "Lantern Dock", "count": 3}, {"text": "the dock", "count": 1}],
        "roles": [], "documents": [a.id, b.id, c.id], "mentions": [],
    }])  # fmt: skip
    actor = {"entity_id": None, "name": "Firefighters", "evidence": _ev(a, "Firefighters")}
    date = {"value": "2026-03-02", "precision": "day", "source": "sentence", "evidence": None}
    store.put_section("events", [
        {"id": "evt_0000000000000001", "event_type": "ACCIDENT",
         "label": "Fire broke out at the dock",
         "actors": [], "targets": [], "location": None, "date": date,
         "dates": [{"value": "2026-03-02", "precision": "day", "mentions": 2}],
         "conflicting_dates": False, "modality": "happened", "story_id": "sto_0000000000000001",
         "documents": [a.id, b.id], "independent_sources": 1, "quantities": [],
         "mentions": [{"evidence": _ev(a, "broke out"), "sentence": _ev(a, BASE[:74]),
                       "trigger": "broke out", "lemma": "break", "actors": [], "targets": [],
                       "location": None, "date": date, "modality": "happened",
                       "attribution": None}]},
        {"id": "evt_0000000000000002", "event_type": "<script>alert(6)</script>",
         "label": XSS_TITLE, "actors": [actor], "targets": [], "location": None,
         "date": {"value": "2026-03", "precision": "month", "source": "sentence", "evidence": None},
         "dates": [], "conflicting_dates": True, "modality": "happened", "story_id": None,
         "documents": [c.id], "independent_sources": 1, "quantities": [], "mentions": []},
    ])  # fmt: skip
    store.put_section("timeline", [
        {"event_id": "evt_0000000000000001", "date": "2026-03-02", "precision": "day",
         "source": "sentence", "event_type": "ACCIDENT", "label": "Fire broke out",
         "conflicting_dates": False,
         "mentions": 1, "independent_sources": 1, "story_id": "sto_0000000000000001"},
        {"event_id": "evt_0000000000000002", "date": "2026-03", "precision": "month",
         "source": "sentence", "event_type": "<script>alert(6)</script>", "label": XSS_TITLE,
         "conflicting_dates": True, "mentions": 1, "independent_sources": 1, "story_id": None},
        {"event_id": "evt_0000000000000003", "date": "2026-03-04", "precision": "day",
         "source": "published", "event_type": "ACCIDENT", "label": "ships moved",
         "conflicting_dates": False,
         "mentions": 1, "independent_sources": 1, "story_id": None},
        {"event_id": "evt_0000000000000004", "date": None, "precision": None, "source": "unknown",
         "event_type": "OTHER", "label": "undated", "conflicting_dates": False, "mentions": 1,
         "independent_sources": 1, "story_id": None},
    ])  # fmt: skip
    twelve, fifteen = _ev(a, "12 people"), _ev(c, "15 people")
    claim = {"value": 12, "low": 12, "high": None, "approximate": False, "hedge": None,
             "unit": "count", "counted": "people", "owner": None, "place": None, "date": date,
             "modality": "reported", "speaker": None, "event_id": None}  # fmt: skip
    store.put_section("claims", [
        {**claim, "id": "clm_0000000000000001", "evidence": twelve, "sentence": _ev(a, BASE[-59:])},
        {**claim, "id": "clm_0000000000000002", "value": 15, "low": 15, "evidence": fifteen,
         "sentence": _ev(c, "Officials said 15 people were treated for smoke inhalation.")},
    ])  # fmt: skip
    store.put_section("conflicts", [{
        "id": "cfl_0000000000000001", "counted": "people", "owner": None, "event_id": None,
        "status": "conflict", "values": [
            {"value": 12, "low": 12, "high": None, "approximate": False,
             "claims": ["clm_0000000000000001"], "documents": [a.id, b.id],
             "independent_sources": 1, "evidence": [twelve]},
            {"value": 15, "low": 15, "high": None, "approximate": False,
             "claims": ["clm_0000000000000002"], "documents": [c.id],
             "independent_sources": 1, "evidence": [fifteen]},
        ],
    }])  # fmt: skip
    quote = _ev(c, "all ships were moved")
    store.put_section("quotes", [{
        "id": "quo_0000000000000001", "kind": "direct", "text": quote["text"], "evidence": quote,
        "cue": "said", "cue_evidence": None, "event_ids": [], "speaker_how": "role",
        "speaker": {"entity_id": None, "name": "The harbour master <i>", "evidence": None},
    }])  # fmt: skip
    return store


class _Collect(HTMLParser):
    """Every start tag with its attributes, and the page's visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def html() -> str:
    return build_report(hostile_store(), title="Dock fire")


def test_every_part_is_there(html: str) -> None:
    for anchor in ("overview", "timeline", "stories", "summary", "events", "conflicts", "copies",
                   "entities", "quotes", "documents"):  # fmt: skip
        assert f'<section id="{anchor}">' in html
    assert '<svg class="timeline"' in html and '<svg class="copy-graph"' in html
    assert "credits Harbour Wire" in html
    assert "the dock" in html and "×3" in html  # aliases with counts
    assert "The harbour master &lt;i&gt;" in html  # quotes grouped by speaker


def test_overview_counts(html: str) -> None:
    assert re.search(r'id="count-documents">3<', html)
    assert re.search(r'id="count-outlets">3<', html)
    assert re.search(r'id="count-stories">1<', html)
    assert re.search(r'id="count-independent">2<', html)
    assert re.search(r'id="count-failures">1<', html)
    assert "2026-03-02 – 2026-03-04" in html
    assert "&lt;b&gt;unreadable&lt;/b&gt;" in html


def test_conflict_sides_quote_their_sentences(html: str) -> None:
    conflict = html[html.index('<section id="conflicts">') : html.index('<section id="copies">')]
    assert conflict.count('class="side"') == 2
    assert "Officials said 12 people were treated for smoke inhalation." in conflict
    assert "Officials said 15 people were treated for smoke inhalation." in conflict
    assert "1 independent source," in conflict


def test_summary_is_computed_when_absent(html: str) -> None:
    assert "these were computed for this report" in html
    assert "Firefighters from three stations fought the blaze" in html


def test_hostile_input_is_escaped(html: str) -> None:
    page = _parse(html)
    scripts = [t for t, _ in page.tags if t == "script"]
    assert scripts == ["script"]  # only the report's own filter script
    for tag, attrs in page.tags:
        for name in attrs:
            assert not name.startswith("on"), (tag, attrs)
        assert tag != "img" and not (tag == "svg" and "onload" in attrs)
    text = "".join(page.text)
    assert XSS_TITLE in text
    assert '<img src=x onerror="window.__pwned = 2; alert(2)">' in text
    assert XSS_OUTLET in text
    assert "<script>alert(6)</script>" in text  # an event type inside the SVG, as text


def test_only_http_urls_become_links(html: str) -> None:
    hrefs = [a.get("href") or "" for t, a in _parse(html).tags if t == "a"]
    assert "https://harbour.example/fire" in hrefs
    assert not [h for h in hrefs if not (h.startswith("#") or h.startswith("https://"))]
    assert "javascript:alert(4)" in html  # shown as text


@pytest.mark.parametrize(
    ("url", "ok"),
    [("https://a.example/x", True), ("http://a.example", True), ("javascript:alert(1)", False),
     (" javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("java\tscript:x", False),
     ("data:text/html,<b>", False), ("//evil.example", False), ("", False), (None, False)],
)  # fmt: skip
def test_safe_url(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_no_external_resources_and_strict_csp(html: str) -> None:
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html.replace(
        'href="https://harbour.example/fire"', ""))  # fmt: skip
    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert found
    csp = unescape(found.group(1))
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert "script-src 'sha256-" in csp and "style-src 'sha256-" in csp


def test_missing_sections_render_honestly() -> None:
    empty = build_report(MemoryStore())
    for what in ("failures", "stories", "summaries", "events", "conflicts", "entities", "quotes",
                 "documents", "derivations (copies)"):  # fmt: skip
        assert f"No {what} found." in empty
    assert "no events" in empty and "no documents" in empty
    docs_only = MemoryStore()
    docs_only.add_documents([_doc("d" * 24, BASE, outlet="X", day=None, title="t")])
    assert re.search(r'id="count-documents">1<', build_report(docs_only))


def test_deterministic(tmp_path: Path) -> None:
    first = write_report(hostile_store(), tmp_path / "r1.html", title="t")
    second = write_report(hostile_store(), tmp_path / "r2.html", title="t")
    assert first.read_bytes() == second.read_bytes()
    assert not list(tmp_path.glob(".report-*"))


def test_import_storyline_does_not_load_jinja() -> None:
    import subprocess

    code = "import storyline, storyline.outputs.report, sys; print('jinja2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_untitled_story_and_document_show_the_start_of_their_text() -> None:
    doc = Document(
        id="d" * 24, source="fixtures/blog/page.html#post-2",
        text="<b>The night ferry</b> left Port Vell two hours late on Sunday, its crew said.",
    )  # fmt: skip
    store = MemoryStore()
    store.add_documents([doc])
    store.put_section("stories", [{
        "id": "story-1", "documents": [doc.id], "size": 1, "title": None,
        "first_published": None, "last_published": None, "independent_sources": 1,
    }])  # fmt: skip
    page = build_report(store)
    assert "(untitled) \u201c&lt;b&gt;The night ferry&lt;/b&gt; left Port Vell" in page
    assert "page.html#post-2: \u201c&lt;b&gt;The night ferry" in page
    assert "<b>The night" not in page
