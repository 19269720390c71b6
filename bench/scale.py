"""End-to-end scale on Reuters-21578: throughput against bare spaCy, incremental adds, memory.

Run from the repository root::

    .venv/bin/python -m bench.scale --sizes 1000            # quick
    .venv/bin/python -m bench.scale --sizes 1000 10000 20000

For each size N (the first N stories with a body, as in ``bench.ingest_throughput``)
and each case below, a fresh child process runs the case, so its peak RSS is its own:

* ``bare``: ``nlp.pipe`` of the pinned spaCy model over the same N texts, same batch
  size: the floor of any pipeline that parses every word;
* ``full``: ``storyline.analyze`` of the N stories (one JSONL file) into a fresh
  store with the default configuration: every stage (ingest, parse, entities, time
  expressions, events, claims, quotes, derivations, stories, summary);
* ``add100``: 100 further stories added to the store ``full`` filled (a copy of it);
* ``alone100``: the same 100 stories into a fresh store.

The ratios: ``full`` throughput / ``bare`` throughput (target >= 0.6) and
``add100`` / ``alone100`` wall time (target < 3). Results are printed as Markdown
and written to ``bench/results/scale.json`` after every size. ``--keep DIR`` keeps each
size's inputs and stores under ``DIR/<size>/`` (``stores/full.db`` is the store to profile
an incremental add against).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import dataset, machine_info, markdown_table, write_results
from bench.ingest_throughput import JSONL_NAME, load_stories, peak_rss_kib, prepare

REPO = Path(__file__).resolve().parents[1]
CASES = ("bare", "full", "add100", "alone100")


def run_case(case: str, workdir: Path) -> dict[str, Any]:
    """One case, in this process."""
    jsonl = workdir / "main" / JSONL_NAME
    extra = workdir / "extra" / JSONL_NAME
    stores = workdir / "stores"
    stores.mkdir(exist_ok=True)
    texts = [json.loads(line)["text"] for line in jsonl.open(encoding="utf-8")]
    if case == "bare":
        from storyline.nlp.model import NlpConfig, load_nlp

        cfg = NlpConfig()
        nlp = load_nlp(cfg)
        start = time.perf_counter()
        n = sum(1 for _ in nlp.pipe(texts, batch_size=cfg.batch_size))
        return {"wall_s": time.perf_counter() - start, "docs": n}
    import storyline

    if case == "full":
        target, inputs = stores / "full.db", [jsonl]
    elif case == "add100":
        target, inputs = stores / "add100.db", [extra]
        shutil.copy(stores / "full.db", target)
    elif case == "alone100":
        target, inputs = stores / "alone100.db", [extra]
    else:
        raise ValueError(f"unknown case {case!r}")
    start = time.perf_counter()
    report = storyline.analyze(inputs, db=target)
    return {"wall_s": time.perf_counter() - start, "docs": report.documents_added}


def spawn(case: str, workdir: Path) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.scale", "--case", case, "--workdir", str(workdir)]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"case {case!r} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_size(
    n: int, root: Path, keep: Path | None = None, cases: tuple[str, ...] = CASES
) -> dict[str, Any]:
    stories = load_stories(root, n + 100)
    # The 100 added stories must not be in the store: a size beyond what the dataset
    # holds (19,043 stories with a body) keeps its last 100 stories aside.
    n = min(n, len(stories) - 100)
    if keep is None:
        work = Path(tempfile.mkdtemp(prefix=f"storyline-scale-{n}-"))
    else:
        work = keep / str(n)
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    try:
        main = prepare(stories[:n], work / "main")
        prepare(stories[n : n + 100], work / "extra")
        results = {case: spawn(case, work) for case in cases}
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    nan = float("nan")
    full, bare = results["full"], results.get("bare", {"wall_s": nan})
    add, alone = (results.get(c, {"wall_s": nan}) for c in ("add100", "alone100"))
    results.update(bare=bare, add100=add, alone100=alone)
    return {
        "docs": main.docs,
        "words": main.words,
        "results": results,
        "docs_per_s": main.docs / full["wall_s"],
        "words_per_s": main.words / full["wall_s"],
        "vs_bare": bare["wall_s"] / full["wall_s"],
        "add_vs_alone": add["wall_s"] / alone["wall_s"],
        "peak_rss_mib": full["rss_peak_kib"] / 1024,
    }


def render(rows: list[dict[str, Any]]) -> str:
    headers = [
        "docs", "words", "bare nlp.pipe s", "storyline s", "docs/s", "words/s", "ratio to bare",
        "peak RSS MiB", "add 100 s", "100 alone s", "add / alone",
    ]  # fmt: skip
    body = [
        [
            r["docs"],
            r["words"],
            f"{r['results']['bare']['wall_s']:.1f}",
            f"{r['results']['full']['wall_s']:.1f}",
            f"{r['docs_per_s']:.1f}",
            f"{r['words_per_s']:.0f}",
            f"{r['vs_bare']:.2f}x",
            f"{r['peak_rss_mib']:.0f}",
            f"{r['results']['add100']['wall_s']:.1f}",
            f"{r['results']['alone100']['wall_s']:.1f}",
            f"{r['add_vs_alone']:.2f}x",
        ]  # fmt: skip
        for r in rows
    ]
    return markdown_table(headers, body)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument(
        "--keep", type=Path, help="keep inputs and stores under KEEP/<size>/ (to profile them)"
    )
    parser.add_argument(
        "--cases", nargs="+", choices=CASES, default=list(CASES),
        help="run only these cases (full is always run: the others need its store)",
    )  # fmt: skip
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        result = run_case(args.case, args.workdir)
        print(json.dumps({**result, "rss_peak_kib": peak_rss_kib()}))
        return
    root = dataset("reuters21578")
    rows = []
    for n in args.sizes:
        print(f"size {n} ...", file=sys.stderr)
        cases = tuple(c for c in CASES if c in args.cases or c == "full")
        rows.append(run_size(n, root, args.keep, cases))
        print(render(rows[-1:]), file=sys.stderr)
        # Written after every size, so a long run that is cut off keeps what it measured.
        write_results("scale", {"machine": machine_info(), "rows": rows})
    print(f"Machine: {machine_info()}\n")
    print(render(rows))


if __name__ == "__main__":
    main()
