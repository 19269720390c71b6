"""The web UI in real headless Chromium (Playwright driving Debian's chromium).

A uvicorn server runs in a background thread on a free loopback port, over a
SQLite store filled with the fictional sample (storyline.web.sample).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
sync_api = pytest.importorskip("playwright.sync_api")

from storyline.store import SQLiteStore  # noqa: E402
from storyline.web import create_app  # noqa: E402
from storyline.web.sample import XSS_ENTITY, XSS_OUTLET, XSS_TITLE, fill_sample_store  # noqa: E402

CHROMIUM = os.environ.get("STORYLINE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
EVENT_ID = "evt_0000000000000001"

if not (shutil.which(CHROMIUM) or Path(CHROMIUM).is_file()) and not os.environ.get("CI"):
    pytest.skip(
        f"no chromium at {CHROMIUM} (set STORYLINE_CHROMIUM; CI must have it)",
        allow_module_level=True,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    import uvicorn

    db = tmp_path_factory.mktemp("web") / "sample.db"
    with SQLiteStore(db) as store:
        docs = fill_sample_store(store)
    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "docs": {d.source: d for d in docs}}
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.errors = []  # type: ignore[attr-defined]
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: m.type == "error" and pg.errors.append(m.text))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))

    def on_dialog(dialog: Any) -> None:
        pg.dialogs.append(dialog.message)
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    yield pg
    context.close()


def test_pages_load_without_console_errors(server: dict[str, Any], page: Any) -> None:
    wire = server["docs"]["harbour-wire.txt"]
    paths = ["/", "/documents", f"/documents/{wire.id}", "/entities", "/events",
             f"/events/{EVENT_ID}", "/timeline", "/stories", "/stories/sto_0000000000000001",
             "/conflicts", "/conflicts/cfl_0000000000000001", "/search?q=lorvik"]  # fmt: skip
    for path in paths:
        response = page.goto(server["url"] + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1
    assert page.errors == []


def test_search_finds_an_entity(server: dict[str, Any], page: Any) -> None:
    page.goto(server["url"] + "/")
    page.fill("header input[name=q]", "petrova")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=petrova")
    link = page.locator("ul.entities a", has_text="Ana Petrova")
    link.click()
    page.wait_for_url("**/entities/ent_petrova00000002")
    assert page.locator("h1").inner_text() == "Ana Petrova"
    assert page.errors == []


def test_event_evidence_link_highlights_the_text(server: dict[str, Any], page: Any) -> None:
    wire = server["docs"]["harbour-wire.txt"]
    page.goto(f"{server['url']}/events/{EVENT_ID}")
    start = wire.text.index("burst")
    page.locator(f'a.ev[href="/documents/{wire.id}#e-{start}-{start + 5}"]').click()
    page.wait_for_url(f"**/documents/{wire.id}#e-{start}-{start + 5}")
    current = page.locator("mark.current")
    current.first.wait_for()
    assert current.count() == 1
    assert current.inner_text() == "burst"
    assert current.is_visible()
    background = current.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.errors == []


def test_hostile_article_executes_nothing(server: dict[str, Any], page: Any) -> None:
    evil = server["docs"]["evil.html"]
    for path in [f"/documents/{evil.id}", "/documents", "/entities", "/search?q=evil+outlet",
                 "/search?q=lorvik+dam", "/api/documents/" + evil.id]:  # fmt: skip
        page.goto(server["url"] + path)
        page.mouse.move(10, 10)
        page.wait_for_timeout(100)
        assert page.evaluate("() => window.__xss") is None, path
    assert page.dialogs == []
    page.goto(f"{server['url']}/documents/{evil.id}")
    assert page.locator("h1").inner_text() == XSS_TITLE
    assert page.title().startswith(XSS_TITLE)
    assert page.locator("dd.outlet").inner_text() == XSS_OUTLET
    assert "<script>window.__xss=3;alert(1)</script>" in page.locator("article").inner_text()
    assert page.locator("dd.url a").count() == 0  # the javascript: URL is no link
    assert page.locator("img, svg, b[onmouseover]").count() == 0
    page.goto(f"{server['url']}/entities")
    assert page.get_by_text(XSS_ENTITY).count() == 1
    assert page.evaluate("() => window.__xss") is None
    assert page.dialogs == []
    assert page.errors == []
