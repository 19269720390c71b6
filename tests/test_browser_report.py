"""The report in real headless Chromium: loads cleanly, draws its figures, runs no payload."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.test_report import XSS_TITLE, hostile_store

from storyline.outputs.report import write_report
from storyline.store.memory import MemoryStore

CHROMIUM = os.environ.get("STORYLINE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
DEMO = Path(__file__).resolve().parents[1] / "src" / "storyline" / "demo" / "corpus"

if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip(
        f"no Chromium at {CHROMIUM} (set STORYLINE_CHROMIUM); browser tests are required in CI",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _open(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    """Open a report; return the page, console errors and page errors / dialogs."""
    page = browser.new_page()
    errors: list[str] = []
    alarms: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: alarms.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: alarms.append(f"request: {r.url}"))

    def dialog(d: Any) -> None:
        alarms.append(f"dialog: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, errors, alarms


def _drawn(page: Any, selector: str) -> int:
    return page.eval_on_selector_all(
        f"{selector} circle, {selector} path, {selector} rect",
        "els => els.filter(e => { const b = e.getBBox(); return b.width > 0 && b.height > 0; })"
        ".length",
    )


def test_hostile_report_runs_nothing(browser: Any, tmp_path: Path) -> None:
    page, errors, alarms = _open(browser, write_report(hostile_store(), tmp_path / "r.html"))
    try:
        assert errors == [] and alarms == []
        assert page.evaluate("window.__pwned === undefined")
        assert page.locator("script").count() == 1
        assert page.locator("img").count() == 0
        page.locator("#documents details").last.locator("summary").click()
        body = page.inner_text("body")
        assert XSS_TITLE in body
        assert 'onerror="window.__pwned = 2; alert(2)"' in body
        assert _drawn(page, "svg.timeline") >= 3 and _drawn(page, "svg.copy-graph") >= 3
        # the filter script works (and is allowed by the CSP hash)
        page.fill("#events input[data-filter]", "broke out")
        assert page.locator("#events tr.event:visible").count() == 1
        assert errors == [] and alarms == []
    finally:
        page.close()


def test_demo_report_renders(browser: Any, tmp_path: Path) -> None:
    from storyline.api import analyze

    store = MemoryStore()
    try:
        analyze([DEMO], db=store)
    except ModuleNotFoundError as e:
        if not (e.name or "").startswith("storyline."):
            raise
        # a language stage still being written in this checkout; never the case in a release
        pytest.skip(f"the demo pipeline needs {e.name}, not in this checkout yet")
    page, errors, alarms = _open(browser, write_report(store, tmp_path / "demo.html"))
    try:
        assert errors == [] and alarms == []
        assert int(page.inner_text("#count-documents")) == store.count_documents(
            kinds=("article", "post")
        )
        assert page.locator("svg.copy-graph g.node").count() > 0
        assert _drawn(page, "svg.copy-graph") > 0
        assert page.locator("svg.timeline").count() == 1
        if store.get_section("timeline") or store.get_section("events"):
            assert _drawn(page, "svg.timeline") > 0
        assert page.locator("#summary ol.summary li").count() > 0
    finally:
        page.close()
