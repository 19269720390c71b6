"""Main-text extraction quality on the article-extraction dev set (91 HTML pages).

Run from the repository root::

    .venv/bin/python -m bench.extraction_quality

Each page's extracted text is scored against the gold ``articleBody`` with
precision, recall and F1 over bags of lowercased ``\\w+`` tokens, per page
(macro mean) and over all tokens (micro). Methods:

* ``storyline``: ``read_html`` then storyline's cleaner (``clean_text``); a page
  split into posts is scored on the page record's text;
* ``storyline-raw``: ``read_html`` alone, without the cleaner;
* ``trafilatura``: ``trafilatura.extract(html)`` with default settings;
* ``trafilatura-precision``: the same with ``favor_precision=True``.

Every method gets the same text, decoded by storyline's ``decode_text``. A page
where a method raises or returns no text scores P = R = F1 = 0 and stays in
every mean (so failures cost recall, and precision too). Results are printed
as Markdown and written to ``bench/results/extraction_quality.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import (
    DatasetMissing,
    Overlap,
    dataset,
    machine_info,
    macro,
    markdown_table,
    micro,
    overlap,
    write_results,
)

Extractor = Callable[[str], str]
WORST = 5


@dataclass(frozen=True, slots=True)
class Page:
    """One benchmark page: its name, decoded HTML and gold body."""

    name: str
    html: str
    gold: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """One method on one page: the score, the time, and the error if it failed."""

    score: Overlap
    seconds: float
    error: str | None = None


# --- the methods -------------------------------------------------------------------


def _read_html(html: str) -> Any:
    from storyline.config import Config
    from storyline.ingest.html import read_html

    return read_html(html, "<bench>", Config())


def storyline_clean(html: str) -> str:
    """storyline's HTML path: ``read_html`` then the furniture cleaner."""
    from storyline.ingest.clean import clean_text

    record = _read_html(html)
    return clean_text(record.text, title=record.title).text


def storyline_raw(html: str) -> str:
    """``read_html`` alone: trafilatura as storyline configures it, no cleaner."""
    return _read_html(html).text


def trafilatura_default(html: str) -> str:
    """The baseline: ``trafilatura.extract`` with its defaults."""
    import trafilatura

    return trafilatura.extract(html) or ""


def trafilatura_precision(html: str) -> str:
    """``trafilatura.extract`` with ``favor_precision=True``."""
    import trafilatura

    return trafilatura.extract(html, favor_precision=True) or ""


METHODS: dict[str, Extractor] = {
    "storyline": storyline_clean,
    "storyline-raw": storyline_raw,
    "trafilatura": trafilatura_default,
    "trafilatura-precision": trafilatura_precision,
}


# --- data and scoring ----------------------------------------------------------------


def load_pages(root: Path) -> list[Page]:
    """Pages with a gold body, decoded the way storyline decodes HTML files."""
    from storyline.ingest.decode import decode_text

    gold = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((root / "html").glob("*.html.gz")):
        name = path.name.removesuffix(".html.gz")
        if name not in gold:
            continue
        html = decode_text(gzip.decompress(path.read_bytes()), str(path))
        pages.append(Page(name, html, gold[name].get("articleBody") or ""))
    return pages


def score_page(method: Extractor, page: Page) -> Outcome:
    """Run one method on one page; an exception or empty text scores zero."""
    start = time.perf_counter()
    try:
        text = method(page.html)
    except Exception as e:  # noqa: BLE001  (a benchmark scores every page; the error is kept)
        return Outcome(overlap("", page.gold), time.perf_counter() - start, type(e).__name__)
    seconds = time.perf_counter() - start
    error = None if text.strip() else "empty"
    return Outcome(overlap(text, page.gold), seconds, error)


def evaluate(pages: list[Page]) -> dict[str, list[Outcome]]:
    """Every method on every page, after one untimed call each to import what it uses."""
    for fn in METHODS.values():
        if pages:
            score_page(fn, pages[0])
    return {name: [score_page(fn, page) for page in pages] for name, fn in METHODS.items()}


def summarize(outcomes: dict[str, list[Outcome]]) -> list[dict[str, Any]]:
    """Per method: failures, macro and micro P/R/F1, mean seconds per page."""
    rows = []
    for name, results in outcomes.items():
        scores = [o.score for o in results]
        errors = [o.error for o in results if o.error]
        mp, mr, mf = macro(scores)
        up, ur, uf = micro(scores)
        rows.append(
            {
                "method": name,
                "pages": len(results),
                "failed": len(errors),
                "failed_exception": sum(e != "empty" for e in errors),
                "failed_empty": errors.count("empty"),
                "macro_precision": mp,
                "macro_recall": mr,
                "macro_f1": mf,
                "micro_precision": up,
                "micro_recall": ur,
                "micro_f1": uf,
                "seconds_per_page": sum(o.seconds for o in results) / (len(results) or 1),
            }
        )
    return rows


def worst_pages(
    pages: list[Page], outcomes: dict[str, list[Outcome]], n: int = WORST
) -> list[dict[str, Any]]:
    """The ``n`` pages where storyline loses most F1 against trafilatura's defaults."""
    pairs = zip(pages, outcomes["storyline"], outcomes["trafilatura"], strict=True)
    diffs = [
        {
            "page": page.name + ".html.gz",
            "storyline_f1": ours.score.f1,
            "trafilatura_f1": theirs.score.f1,
            "storyline_precision": ours.score.precision,
            "storyline_recall": ours.score.recall,
            "storyline_error": ours.error,
        }
        for page, ours, theirs in pairs
    ]
    diffs.sort(key=lambda d: d["storyline_f1"] - d["trafilatura_f1"])
    return [d for d in diffs[:n] if d["storyline_f1"] < d["trafilatura_f1"]]


def render(rows: list[dict[str, Any]], worst: list[dict[str, Any]]) -> str:
    """The Markdown tables: scores per method, then the worst pages."""
    scores = markdown_table(
        [
            "method",
            "failed (exc/empty)",
            "macro P",
            "macro R",
            "macro F1",
            "micro P",
            "micro R",
            "micro F1",
            "s/page",
        ],  # fmt: skip
        [
            [
                r["method"],
                f"{r['failed']} ({r['failed_exception']}/{r['failed_empty']})",
                r["macro_precision"],
                r["macro_recall"],
                r["macro_f1"],
                r["micro_precision"],
                r["micro_recall"],
                r["micro_f1"],
                r["seconds_per_page"],
            ]
            for r in rows
        ],
    )
    losses = markdown_table(
        ["page", "storyline F1", "trafilatura F1", "storyline P", "storyline R"],
        [
            [
                w["page"],
                w["storyline_f1"],
                w["trafilatura_f1"],
                w["storyline_precision"],
                w["storyline_recall"],
            ]
            for w in worst
        ],
    )
    return f"{scores}\n\nPages where storyline loses most F1 to trafilatura:\n\n{losses}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    args = parser.parse_args(argv)
    try:
        pages = load_pages(dataset("article-extraction-dev"))[: args.limit]
    except DatasetMissing as e:
        raise SystemExit(f"error: {e}") from None
    print(f"{len(pages)} pages; scoring {len(METHODS)} methods...", file=sys.stderr)
    outcomes = evaluate(pages)
    rows = summarize(outcomes)
    worst = worst_pages(pages, outcomes)
    failures = {
        name: {p.name: o.error for p, o in zip(pages, results, strict=True) if o.error}
        for name, results in outcomes.items()
    }
    path = write_results(
        "extraction_quality",
        {
            "machine": machine_info(),
            "pages": len(pages),
            "methods": rows,
            "worst_pages": worst,
            "failures": failures,
            "per_page_f1": {
                name: {p.name: o.score.f1 for p, o in zip(pages, results, strict=True)}
                for name, results in outcomes.items()
            },
        },
    )
    print(f"{len(pages)} pages of article-extraction-dev\n")
    print(render(rows, worst))
    print(f"\nresults: {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
