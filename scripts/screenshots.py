"""Take the screenshots under docs/img/ from the demo corpus, in headless Chromium.

Usage::

    .venv/bin/python scripts/screenshots.py            # every page
    .venv/bin/python scripts/screenshots.py report     # only some
    .venv/bin/python scripts/screenshots.py --config storyline.toml report

Each page is one function ``shot_<name>(browser, store, work) -> Path`` listed in
``SHOTS``; add a page (the web UI, say) by writing one more such function.
The demo store is built once with ``storyline.api.analyze`` into a temporary folder.
Chromium: ``$STORYLINE_CHROMIUM`` or Debian's ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "src" / "storyline" / "demo" / "corpus"
IMG = ROOT / "docs" / "img"
CHROMIUM = os.environ.get("STORYLINE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
VIEWPORT = {"width": 1280, "height": 900}


def demo_store(work: Path, config_path: str | None = None) -> Any:
    """Analyse the demo corpus into ``work/demo.db`` and return the open store."""
    from storyline.api import analyze
    from storyline.config import load_config
    from storyline.store import open_store

    db = work / "demo.db"
    analyze([DEMO], db=db, config=load_config(config_path) if config_path else None)
    return open_store(db)


def shot_report(browser: Any, store: Any, work: Path) -> Path:
    """The static report (``storyline report``): its top part, overview to stories."""
    from storyline.outputs.report import write_report

    html = write_report(store, work / "report.html", title="Demo: the Varnia harbour story")
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(html.as_uri())
    out = IMG / "report.png"
    page.screenshot(path=str(out), full_page=False)
    page.locator("#copies").scroll_into_view_if_needed()
    page.screenshot(path=str(IMG / "report-copy-graph.png"), full_page=False)
    page.close()
    if errors:
        raise RuntimeError(f"the report logged errors: {errors}")
    return out


def shot_web(browser: Any, store: Any, work: Path) -> Path:
    """The web UI (``storyline serve``) over the demo store: docs/img/web-*.png.

    Overview, a search, a document with an event's evidence highlighted, the
    event, the timeline and a conflict (when the demo has them).
    """
    import socket
    import threading
    import time

    import uvicorn

    from storyline.web import create_app

    events = store.get_section("events")
    entities = store.get_section("entities")
    conflicts = store.get_section("conflicts")
    pages = {"web-overview": "/", "web-timeline": "/timeline"}
    if entities:
        pages["web-search"] = "/search?q=" + entities[0]["name"].split()[-1]
    if events:
        ev = events[0]["mentions"][0]["evidence"]
        pages["web-event"] = f"/events/{events[0]['id']}"
        pages["web-document"] = f"/documents/{ev['document_id']}#e-{ev['start']}-{ev['end']}"
    if conflicts:
        pages["web-conflict"] = f"/conflicts/{conflicts[0]['id']}"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(work / "demo.db"), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    errors: list[str] = []
    try:
        page = browser.new_page(viewport=VIEWPORT)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        for name, path in pages.items():
            page.goto(f"http://127.0.0.1:{port}{path}")
            page.wait_for_timeout(150)
            page.screenshot(path=str(IMG / f"{name}.png"), full_page=False)
        page.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    if errors:
        raise RuntimeError(f"the web UI logged errors: {errors}")
    return IMG / "web-overview.png"


SHOTS: dict[str, Callable[[Any, Any, Path], Path]] = {"report": shot_report, "web": shot_web}
"""Page name → the function that takes its screenshot."""


def main(argv: list[str]) -> int:
    """Take the named screenshots (all when none are named); print each path."""
    from playwright.sync_api import sync_playwright

    config_path = None
    if argv[:1] == ["--config"] and len(argv) > 1:
        config_path, argv = argv[1], argv[2:]
    names = argv

    unknown = [n for n in names if n not in SHOTS]
    if unknown:
        print(f"unknown page(s) {unknown}; known: {sorted(SHOTS)}", file=sys.stderr)
        return 2
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="storyline-shots-") as tmp:
        work = Path(tmp)
        store = demo_store(work, config_path)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                try:
                    for name in names or list(SHOTS):
                        print(SHOTS[name](browser, store, work).relative_to(ROOT))
                finally:
                    browser.close()
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
