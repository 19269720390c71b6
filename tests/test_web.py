"""The web UI and JSON API on a small fictional store (storyline.web.sample)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from storyline.errors import ConfigError, StoreError  # noqa: E402
from storyline.model import Document  # noqa: E402
from storyline.store import MemoryStore, SQLiteStore  # noqa: E402
from storyline.web import create_app, is_loopback, serve  # noqa: E402
from storyline.web.highlight import segments  # noqa: E402
from storyline.web.pages import safe_url  # noqa: E402
from storyline.web.sample import (  # noqa: E402
    XSS_ENTITY,
    XSS_OUTLET,
    XSS_TEXT,
    XSS_TITLE,
    XSS_URL,
    fill_sample_store,
)
from storyline.web.search import fts_query  # noqa: E402
from storyline.web.snapshot import Mark  # noqa: E402

IDS = {
    "entities": "ent_lorvik0000000001",
    "events": "evt_0000000000000001",
    "stories": "sto_0000000000000001",
    "conflicts": "cfl_0000000000000001",
}


@pytest.fixture
def store() -> MemoryStore:
    s = MemoryStore()
    fill_sample_store(s)
    return s


@pytest.fixture
def docs(store: MemoryStore) -> list[Document]:
    return sorted(store.iter_documents(), key=lambda d: d.source)


@pytest.fixture
def client(store: MemoryStore) -> TestClient:
    return TestClient(create_app(store, refresh_s=0))


def _pages(docs: list[Document]) -> list[str]:
    pages = ["/", "/search?q=lorvik", "/search?q=", "/documents", "/timeline"]
    for section, item_id in IDS.items():
        pages += [f"/{section}", f"/{section}/{item_id}"]
    return pages + [f"/documents/{d.id}" for d in docs]


def test_every_page_answers_200(client: TestClient, docs: list[Document]) -> None:
    for url in _pages(docs):
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    "url",
    ["/documents/nope", "/entities/nope", "/events/nope", "/stories/nope", "/conflicts/nope",
     "/api/documents/nope", "/api/entities/nope", "/api/events/nope", "/api/conflicts/nope"],
)  # fmt: skip
def test_unknown_ids_are_404(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_security_headers_on_every_response(client: TestClient) -> None:
    for url in ["/", "/api/documents", "/static/app.js", "/nowhere", "/openapi.json"]:
        h = client.get(url).headers
        assert "default-src 'self'" in h["content-security-policy"]
        assert "unsafe-inline" not in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "no-referrer"


def test_no_inline_script_in_pages(client: TestClient, docs: list[Document]) -> None:
    for url in _pages(docs):
        html = client.get(url).text
        # The only script element is the static file; no on* handler attributes.
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']
        assert not _handler_attributes(html), url


def _handler_attributes(html: str) -> list[str]:
    """Every ``on*`` attribute and ``javascript:`` link of the parsed page."""
    found: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            for name, value in attrs:
                if name.startswith("on") or (value or "").strip().lower().startswith("javascript"):
                    found.append(f"{tag} {name}={value}")

    Parser().feed(html)
    return found


def test_hostile_document_is_escaped(client: TestClient, docs: list[Document]) -> None:
    evil = next(d for d in docs if d.source == "evil.html")
    html = client.get(f"/documents/{evil.id}").text
    for raw in (XSS_TITLE, XSS_OUTLET, XSS_ENTITY, "<script>window.__xss=3", "<img src=x"):
        assert raw not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "&lt;b onmouseover=" in html
    assert "&lt;img src=x onerror=" in html
    # The javascript: URL is shown as text, never as a link.
    assert XSS_URL in html
    assert 'href="javascript' not in html.lower()
    assert " said &lt;script&gt;window.__xss=3;alert(1)&lt;/script&gt; nothing." in html
    assert "<script>" in XSS_TEXT  # the probe does carry the payload


def test_hostile_names_escaped_everywhere(client: TestClient) -> None:
    for url in ["/entities", "/search?q=lorvik+dam", "/documents", "/search?q=evil"]:
        html = client.get(url).text
        assert "<svg" not in html and "<b onmouseover" not in html, url
        assert "<script>window" not in html, url


def test_query_is_escaped(client: TestClient) -> None:
    html = client.get("/search", params={"q": '"><script>alert(1)</script>'}).text
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


@pytest.mark.parametrize(
    "value, ok",
    [("https://a.example/x", True), ("http://a.example", True), ("javascript:alert(1)", False),
     ("JaVaScRiPt:alert(1)", False), (" javascript:alert(1)", False), ("data:text/html,x", False),
     ("vbscript:x", False), ("//evil.example", False), ("/relative", False), (None, False),
     ("java\tscript:alert(1)", False), ("https:///nohost", False)],
)  # fmt: skip
def test_safe_url(value: str | None, ok: bool) -> None:
    assert (safe_url(value) is not None) is ok


def test_document_page_highlights_evidence(client: TestClient, docs: list[Document]) -> None:
    wire = next(d for d in docs if d.source == "harbour-wire.txt")
    html = client.get(f"/documents/{wire.id}").text
    start = wire.text.index("burst")
    assert f'id="e-{start}-{start + 5}"' in html
    assert re.search(r'<mark class="m-event"[^>]*>burst</mark>', html)
    assert re.search(r'<mark class="m-entity"[^>]*>Ana Petrova</mark>', html)
    assert re.search(r'<mark class="m-claim"[^>]*>1,200 people</mark>', html)
    assert re.search(r'<mark class="m-quote"[^>]*>We moved everyone', html)
    assert '<span class="removed" title="removed (share)">Share this article' in html


def test_event_page_links_to_evidence(client: TestClient, docs: list[Document]) -> None:
    wire = next(d for d in docs if d.source == "harbour-wire.txt")
    html = client.get(f"/events/{IDS['events']}").text
    start = wire.text.index("burst")
    assert f'href="/documents/{wire.id}#e-{start}-{start + 5}"' in html


def test_segments_cover_text_and_overlaps() -> None:
    text = "Ana Petrova said hello"
    marks = [Mark(0, 11, "entity", "e", "x"), Mark(4, 22, "quote", "q", "y")]
    segs = segments(text, marks, [])
    assert "".join(s.text for s in segs) == text
    assert [(s.text, s.kinds) for s in segs] == [
        ("Ana ", "m-entity"),
        ("Petrova", "m-entity m-quote"),
        (" said hello", "m-quote"),
    ]
    # Marks outside the text are dropped, never an error.
    assert "".join(s.text for s in segments("ab", [Mark(1, 9, "entity", "e", "x")], [])) == "ab"


def test_search_finds_documents_entities_events(client: TestClient) -> None:
    html = client.get("/search?q=petrova").text
    assert 'href="/entities/ent_petrova00000002"' in html
    html = client.get("/search?q=dam+burst").text
    assert f'href="/events/{IDS["events"]}"' in html
    data = client.get("/api/search", params={"q": "lorvik"}).json()
    assert data["documents"]["total"] >= 2
    assert any(e["id"] == "ent_lorvik0000000001" for e in data["entities"])


@pytest.mark.parametrize("q", ['"', "NEAR(", "*", "a:b", "')--", "AND OR NOT", "\x00"])
def test_search_survives_fts_syntax(client: TestClient, q: str) -> None:
    assert client.get("/search", params={"q": q}).status_code == 200
    assert client.get("/api/search", params={"q": q}).status_code == 200


def test_fts_query_quotes_words() -> None:
    assert fts_query('near" OR x') == '"near" "or" "x"*'
    assert fts_query("!!!") is None


def test_api_pagination(client: TestClient) -> None:
    first = client.get("/api/documents?limit=2").json()
    assert first["total"] == 3 and len(first["items"]) == 2 and first["offset"] == 0
    rest = client.get("/api/documents?limit=2&offset=2").json()
    assert len(rest["items"]) == 1
    ids = {d["id"] for d in first["items"] + rest["items"]}
    assert len(ids) == 3
    assert client.get("/api/documents?limit=0").status_code == 422
    assert client.get("/api/documents?limit=100000").status_code == 422
    assert client.get("/api/entities?limit=1").json()["total"] == 3


def test_api_document_has_evidence(client: TestClient, docs: list[Document]) -> None:
    wire = next(d for d in docs if d.source == "harbour-wire.txt")
    data = client.get(f"/api/documents/{wire.id}").json()
    assert data["text"] == wire.text
    for ev in data["evidence"]:
        assert wire.text[ev["start"] : ev["end"]]
    assert {ev["kind"] for ev in data["evidence"]} == {"entity", "event", "claim", "quote"}


def test_openapi_lists_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ["/api/documents", "/api/documents/{doc_id}", "/api/search", "/api/entities",
                 "/api/events", "/api/events/{item_id}", "/api/stories", "/api/conflicts",
                 "/api/timeline"]:  # fmt: skip
        assert path in paths
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/%2e%2e%2fapp.py",
     "/static/..%5capp.py", "/static/app.py", "/static/templates/base.html", "/static/.%2Fapp.js",
     "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/../../etc/passwd"],
)  # fmt: skip
def test_static_refuses_traversal(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404
    assert "create_app" not in r.text and "root:" not in r.text


def test_static_serves_its_files(client: TestClient) -> None:
    r = client.get("/static/app.css")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")


def test_token_required(store: MemoryStore) -> None:
    client = TestClient(create_app(store, token="s3cret"))
    assert client.get("/").status_code == 401
    assert client.get("/api/documents").status_code == 401
    assert client.get("/openapi.json").status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert client.get("/login?token=wrong").status_code == 401
    r = client.get("/login?token=s3cret", follow_redirects=False)
    assert r.status_code == 303 and "httponly" in r.headers["set-cookie"].lower()
    assert client.get("/").status_code == 200  # the cookie now


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "example.org"])
def test_serve_refuses_other_hosts_without_token(tmp_path: Path, host: str) -> None:
    with pytest.raises(ConfigError, match="token"):
        serve(tmp_path / "x.db", host=host)


def test_loopback_hosts() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "localhost", "::1", "127.1.2.3", "[::1]"]))
    assert not any(map(is_loopback, ["0.0.0.0", "10.0.0.1", "::", "localhost.evil.example"]))


def test_missing_store_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store"):
        create_app(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


def test_sqlite_store_read_while_written(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with SQLiteStore(db) as writer:
        fill_sample_store(writer, hostile=False)
        client = TestClient(create_app(db, refresh_s=0))
        assert client.get("/api/documents").json()["total"] == 2
        fill_sample_store(writer)  # another "process" adds a document
        assert client.get("/api/documents").json()["total"] == 3
        assert client.get("/search?q=officials").status_code == 200
        assert "Officials" in client.get("/api/search?q=officials").text


def test_snapshot_rebuilt_when_count_changes(store: MemoryStore) -> None:
    client = TestClient(create_app(store, refresh_s=0))
    assert client.get("/api/search?q=zebra").json()["documents"]["total"] == 0
    doc = Document(id="z" * 24, source="z.txt", text="A zebra crossed the road.", title="Zebra")
    store.add_documents([doc])
    assert client.get("/api/search?q=zebra").json()["documents"]["total"] == 1


def test_allowed_hosts_refuse_rebound_names(store: MemoryStore) -> None:
    app = create_app(store, allowed_hosts=["127.0.0.1", "localhost", "::1"])
    assert TestClient(app).get("/").status_code == 400  # Host: testserver
    assert TestClient(app, base_url="http://evil.example").get("/api/documents").status_code == 400
    for base in ("http://127.0.0.1:8000", "http://localhost", "http://[::1]:8000"):
        assert TestClient(app, base_url=base).get("/").status_code == 200, base
