"""Ingest throughput and memory on Reuters-21578.

Run from the repository root::

    .venv/bin/python -m bench.ingest_throughput --docs 2000   # quick
    .venv/bin/python -m bench.ingest_throughput               # all ~19k stories with a body

Preparation (untimed) writes the stories once as one JSONL file and as one
``.txt`` file per story in a temporary folder. Each case then runs in a fresh
child process (this module with ``--case``), so its peak RSS is its own:

* ``baseline``: read the JSONL, ``json.loads`` each line, insert ``(id, text)``
  rows into a plain sqlite3 table in one transaction: the least any ingester does;
* ``jsonl``: ``storyline.analyze([the JSONL file])`` into a fresh store;
* ``txt``: ``storyline.analyze([the folder of .txt files])`` into a fresh store;
* ``rerun``: ``jsonl`` again on the store it filled: every input is skipped,
  which measures the cost of resuming.

Columns: ``inputs s`` is the time until ``analyze`` handled its last input
(read, per-document stages, stored), ``after s`` the corpus-level work that
follows. Peak RSS is the child's ``VmHWM`` (``ru_maxrss`` where there is no
procfs); ``RSS Δ`` is that peak minus the peak after imports, just before the
timed call. A second pass under ``tracemalloc`` (skip it with ``--no-trace``)
gives each case's peak of Python allocations, modules imported lazily during
the run included; it is separate because tracing slows the code it measures
several times over.
Results are printed as a Markdown table and written to
``bench/results/ingest_throughput.json``.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import DatasetMissing, dataset, machine_info, markdown_table, write_results

REPO = Path(__file__).resolve().parents[1]
CASES = ("baseline", "jsonl", "txt", "rerun")
JSONL_NAME = "reuters.jsonl"
TXT_DIR = "txt"

_STORY = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.DOTALL)
_NEWID = re.compile(r'\bNEWID="(\d+)"')
_DATE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})")
# Control characters (the SGML uses &#2; &#3; etc. as markers); newlines and tabs stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Story:
    """One Reuters story with a body."""

    newid: str
    title: str
    body: str
    published: str | None
    """ISO 8601 timestamp from ``<DATE>``, None when it does not parse."""


@dataclass(frozen=True, slots=True)
class Corpus:
    """The prepared inputs: where they are and how much text they hold."""

    workdir: Path
    docs: int
    words: int

    @property
    def jsonl(self) -> Path:
        return self.workdir / JSONL_NAME

    @property
    def txt(self) -> Path:
        return self.workdir / TXT_DIR


# --- Reuters SGML --------------------------------------------------------------


def _element(tag: str, inner: str) -> str | None:
    """Raw content of the first ``<tag>...</tag>`` in ``inner``, or None."""
    m = re.search(rf"<{tag}>(.*?)</{tag}>", inner, re.DOTALL)
    return m.group(1) if m else None


def clean_sgml_text(raw: str) -> str:
    """Unescape entities, drop control characters, trim surrounding whitespace."""
    return _CONTROL.sub("", html.unescape(raw)).strip()


def parse_date(raw: str | None) -> str | None:
    """``26-FEB-1987 15:01:01.79`` as ``1987-02-26T15:01:01``; None when unreadable."""
    m = _DATE.search(raw or "")
    if not m:
        return None
    day, month, year, hh, mm, ss = m.groups()
    try:
        parsed = datetime.strptime(
            f"{day}-{month.title()}-{year} {hh}:{mm}:{ss}", "%d-%b-%Y %H:%M:%S"
        )
    except ValueError:
        return None
    return parsed.isoformat()


def parse_reuters(sgml: str) -> Iterator[Story]:
    """Stories with a non-empty ``<BODY>`` in one Reuters SGML file (not strict XML)."""
    for m in _STORY.finditer(sgml):
        attrs, inner = m.groups()
        body = clean_sgml_text(_element("BODY", inner) or "")
        if not body:
            continue
        newid = _NEWID.search(attrs)
        yield Story(
            newid=newid.group(1) if newid else "",
            title=clean_sgml_text(_element("TITLE", inner) or ""),
            body=body,
            published=parse_date(_element("DATE", inner)),
        )


def load_stories(root: Path, limit: int | None = None) -> list[Story]:
    """The first ``limit`` stories with a body from ``reut2-*.sgm`` (all when None)."""
    stories: list[Story] = []
    for path in sorted(root.glob("reut2-*.sgm")):
        for story in parse_reuters(path.read_text(encoding="latin-1")):
            stories.append(story)
            if limit is not None and len(stories) >= limit:
                return stories
    return stories


def prepare(stories: list[Story], workdir: Path) -> Corpus:
    """Write the stories as one JSONL file and as one ``.txt`` file each (title, blank, body)."""
    txt = workdir / TXT_DIR
    txt.mkdir(parents=True, exist_ok=True)
    with (workdir / JSONL_NAME).open("w", encoding="utf-8") as out:
        for story in stories:
            record: dict[str, str] = {"text": story.body, "title": story.title, "outlet": "Reuters"}
            if story.published:
                record["published"] = story.published
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    for i, story in enumerate(stories):
        (txt / f"{i:05d}-{story.newid}.txt").write_text(
            f"{story.title}\n\n{story.body}\n", encoding="utf-8"
        )
    (workdir / "stores").mkdir(exist_ok=True)
    words = sum(len(s.body.split()) for s in stories)
    return Corpus(workdir, len(stories), words)


# --- the cases (run in a child process) -------------------------------------------


def peak_rss_kib() -> int:
    """This process's peak resident set size in KiB.

    ``VmHWM`` from ``/proc/self/status`` where there is one: ``ru_maxrss`` is
    carried over ``exec`` on Linux, so in a child it starts at the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass  # no procfs: fall back to getrusage (KiB on Linux, bytes on macOS)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def ingest_baseline(jsonl: Path, db: Path) -> dict[str, int]:
    """The floor: parse each JSON line and insert its text, all in one transaction."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        with conn, jsonl.open(encoding="utf-8") as lines:
            rows = ((i, json.loads(line)["text"]) for i, line in enumerate(lines) if line.strip())
            conn.executemany("INSERT INTO docs (id, text) VALUES (?, ?)", rows)
        (added,) = conn.execute("SELECT count(*) FROM docs").fetchone()
    finally:
        conn.close()
    return {"documents_added": added, "documents_seen": added, "skipped": 0, "failures": 0}


def ingest_storyline(path: Path, db: Path, config: Path | None = None) -> dict[str, Any]:
    """``storyline.analyze`` with the default configuration, or the one in ``config``.

    ``inputs_s`` and ``inputs_rss_kib`` are the time and peak RSS when the last
    input was handled (reading, stages, storing); the rest of the call is the
    corpus-level work that follows.
    """
    import storyline
    from storyline.config import load_config

    cfg = load_config(config) if config else None
    start = time.perf_counter()
    last = {"at": start, "rss": peak_rss_kib()}

    def progress(_: object) -> None:
        last["at"], last["rss"] = time.perf_counter(), peak_rss_kib()

    report = storyline.analyze([path], db=db, config=cfg, progress=progress)
    return {
        "documents_added": report.documents_added,
        "documents_seen": report.documents_seen,
        "skipped": report.skipped,
        "failures": len(report.failures),
        "inputs_s": last["at"] - start,
        "inputs_rss_kib": last["rss"],
    }


def case_job(
    case: str, workdir: Path, tag: str, config: Path | None = None
) -> Callable[[], dict[str, Any]]:
    """What a case runs; ``rerun`` reuses the store ``jsonl`` filled under the same tag."""
    stores = workdir / "stores"
    if case == "baseline":
        return lambda: ingest_baseline(workdir / JSONL_NAME, stores / f"baseline-{tag}.db")
    if case == "jsonl":
        return lambda: ingest_storyline(workdir / JSONL_NAME, stores / f"jsonl-{tag}.db", config)
    if case == "txt":
        return lambda: ingest_storyline(workdir / TXT_DIR, stores / f"txt-{tag}.db", config)
    if case == "rerun":
        return lambda: ingest_storyline(workdir / JSONL_NAME, stores / f"jsonl-{tag}.db", config)
    raise ValueError(f"unknown case {case!r}; use one of {', '.join(CASES)}")


def run_case(
    case: str, workdir: Path, tag: str, trace: bool, config: Path | None = None
) -> dict[str, Any]:
    """Time one case in this process and measure its memory."""
    job = case_job(case, workdir, tag, config)
    if case != "baseline":
        import storyline  # noqa: F401  (importing is not ingesting)
    rss_before = peak_rss_kib()
    if trace:
        tracemalloc.start()
    start, cpu_start = time.perf_counter(), time.process_time()
    counts = job()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    return {
        "case": case,
        "wall_s": wall,
        "cpu_s": cpu,
        "rss_before_kib": rss_before,
        "rss_peak_kib": peak_rss_kib(),
        "tracemalloc_peak_bytes": peak,
        **counts,
    }


def spawn_case(
    case: str, workdir: Path, tag: str, trace: bool, config: Path | None = None
) -> dict[str, Any]:
    """Run one case in a fresh interpreter and return its measurements."""
    cmd = [sys.executable, "-m", "bench.ingest_throughput", "--case", case]
    cmd += ["--workdir", str(workdir), "--tag", tag] + (["--trace"] if trace else [])
    cmd += ["--config", str(config.resolve())] if config else []
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"case {case!r} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the parent: prepare, run, report ---------------------------------------------


def run_all(
    corpus: Corpus, repeat: int, trace: bool, config: Path | None = None
) -> dict[str, dict[str, Any]]:
    """Each case ``repeat`` times (the fastest run is kept), then once under tracemalloc."""
    best: dict[str, dict[str, Any]] = {}
    for rep in range(repeat):
        for case in CASES:
            result = spawn_case(case, corpus.workdir, f"r{rep}", False, config)
            print(f"  {case:<8} run {rep + 1}: {result['wall_s']:.2f} s", file=sys.stderr)
            if case not in best or result["wall_s"] < best[case]["wall_s"]:
                best[case] = result
    if trace:
        for case in CASES:
            traced = spawn_case(case, corpus.workdir, "traced", True, config)
            best[case]["tracemalloc_peak_bytes"] = traced["tracemalloc_peak_bytes"]
            best[case]["traced_wall_s"] = traced["wall_s"]
    return best


def summarize(corpus: Corpus, results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Per case: throughput, ratio to the baseline, memory in MiB."""
    base = corpus.docs / results["baseline"]["wall_s"]
    rows = []
    for case in CASES:
        r = results[case]
        docs_s = corpus.docs / r["wall_s"]
        peak = r.get("tracemalloc_peak_bytes")
        rows.append(
            {
                **r,
                "docs_per_s": docs_s,
                "words_per_s": corpus.words / r["wall_s"],
                "vs_baseline": docs_s / base,
                "rss_peak_mib": r["rss_peak_kib"] / 1024,
                "rss_delta_mib": (r["rss_peak_kib"] - r["rss_before_kib"]) / 1024,
                "inputs_rss_mib": r["inputs_rss_kib"] / 1024 if "inputs_rss_kib" in r else None,
                "tracemalloc_peak_mib": peak / 1024**2 if peak is not None else None,
            }
        )
    return rows


def render(rows: list[dict[str, Any]]) -> str:
    """The Markdown results table."""
    headers = [
        "case", "wall s", "CPU s", "inputs s", "after s", "docs/s", "words/s", "× baseline",
        "peak RSS MiB", "RSS Δ MiB", "RSS after inputs MiB", "tracemalloc peak MiB",
        "added / seen / skipped / failed",
    ]  # fmt: skip
    body = [
        [
            r["case"],
            f"{r['wall_s']:.2f}",
            f"{r['cpu_s']:.2f}",
            "-" if r.get("inputs_s") is None else f"{r['inputs_s']:.2f}",
            "-" if r.get("inputs_s") is None else f"{r['wall_s'] - r['inputs_s']:.2f}",
            f"{r['docs_per_s']:,.0f}",
            f"{r['words_per_s']:,.0f}",
            f"{r['vs_baseline']:.4f}" if r["vs_baseline"] < 0.01 else f"{r['vs_baseline']:.3f}",
            f"{r['rss_peak_mib']:.0f}",
            f"{r['rss_delta_mib']:.0f}",
            "-" if r["inputs_rss_mib"] is None else f"{r['inputs_rss_mib']:.0f}",
            "-" if r["tracemalloc_peak_mib"] is None else f"{r['tracemalloc_peak_mib']:.2f}",
            f"{r['documents_added']} / {r['documents_seen']} / {r['skipped']} / {r['failures']}",
        ]
        for r in rows
    ]
    return markdown_table(headers, body)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=None, help="stories to use (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per case (best kept)")
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc pass")
    parser.add_argument("--config", type=Path, help="storyline TOML config (default: defaults)")
    # Internal: run one case in this process (the parent spawns these).
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--tag", default="r0", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.docs is not None and args.docs < 1:
        parser.error("--docs must be at least 1")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.case:
        print(json.dumps(run_case(args.case, args.workdir, args.tag, args.trace, args.config)))
        return
    if args.config:
        from storyline.config import load_config

        load_config(args.config)  # fail now, not in every child
    try:
        stories = load_stories(dataset("reuters21578"), args.docs)
    except DatasetMissing as e:
        raise SystemExit(f"error: {e}") from None
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        corpus = prepare(stories, Path(tmp))
        print(f"{corpus.docs:,} stories, {corpus.words:,} words; running...", file=sys.stderr)
        results = run_all(corpus, args.repeat, not args.no_trace, args.config)
    rows = summarize(corpus, results)
    meta = {
        "docs": corpus.docs,
        "words": corpus.words,
        "repeat": args.repeat,
        "config": str(args.config) if args.config else None,
    }
    path = write_results(
        "ingest_throughput", {"machine": machine_info(), "corpus": meta, "cases": rows}
    )
    print(f"machine: {json.dumps(machine_info())}")
    print(f"corpus: {corpus.docs:,} Reuters stories, {corpus.words:,} words")
    print(f"config: {args.config or 'defaults'}\n")
    print(render(rows))
    print(f"\nresults: {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
