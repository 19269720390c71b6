"""Dask backend scaling on Reuters-21578: a local cluster of 1 worker vs 2 workers.

Run from the repository root::

    .venv/bin/python -m bench.dask_scaling --docs 2000   # quick
    .venv/bin/python -m bench.dask_scaling               # 20,000 documents (the target)

Preparation (untimed) writes the first N stories with a body as one ``.txt`` file
each (as ``bench.ingest_throughput`` does), so the inputs spread over the workers.
Each case runs what ``storyline.scale.dask.analyze_dask`` runs, phase by phase
(cluster start, ingest, per-document features, corpus stages on the driver), into
a fresh store in a fresh child process (this module with ``--case``); its wall
time includes starting the local cluster, and its peak RSS is the driver's own
(``VmHWM``), the workers left out. Results are printed as a Markdown table and written to
``bench/results/dask_scaling.json``.

Two processes on this machine do not always get two cores' worth of work done (it is shared
with other machines), so before the cases and after them the run measures the *ceiling*:
bare spaCy ``nlp.pipe`` over the first 1,000 stories in one process, then over their two
halves in two processes started together (one thread each, as Dask workers run). One
process's time over the pair's is the most any two workers could gain here at that moment.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import DatasetMissing, dataset, machine_info, markdown_table, write_results
from bench.ingest_throughput import load_stories, peak_rss_kib, prepare

REPO = Path(__file__).resolve().parents[1]
WORKERS = (1, 2)
PHASES = ("start", "ingest", "features", "corpus")
CEILING_DOCS = 1000
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def _bare_parse(texts: list[str], barrier: Any, out: Any) -> None:
    """Child process: load the model, wait for the others, time ``nlp.pipe`` over ``texts``."""
    from storyline.nlp.model import NlpConfig, load_nlp

    cfg = NlpConfig()
    nlp = load_nlp(cfg)
    sum(1 for _ in nlp.pipe(texts[:10]))  # warm
    if barrier is not None:
        barrier.wait()
    start = time.perf_counter()
    sum(1 for _ in nlp.pipe(texts, batch_size=cfg.batch_size))
    out.put(time.perf_counter() - start)


def parse_ceiling(texts: list[str]) -> dict[str, float]:
    """Bare ``nlp.pipe`` over ``texts`` in one process, then over its halves in two at once.

    Returns:
        ``{"docs", "one_s", "two_s", "ceiling"}``: ``two_s`` is the slower of the pair,
        ``ceiling`` is ``one_s / two_s`` (2.0 on two free cores).
    """
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    saved = {k: os.environ.get(k) for k in ONE_THREAD}
    os.environ.update(ONE_THREAD)
    try:
        runs = [[texts], [texts[0::2], texts[1::2]]]
        times = []
        for parts in runs:
            barrier = ctx.Barrier(len(parts)) if len(parts) > 1 else None
            procs = [ctx.Process(target=_bare_parse, args=(p, barrier, out)) for p in parts]
            for proc in procs:
                proc.start()
            times.append(max(out.get() for _ in procs))
            for proc in procs:
                proc.join()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    one, two = times
    return {"docs": len(texts), "one_s": one, "two_s": two, "ceiling": one / two}


def run_case(workers: int, workdir: Path) -> dict[str, Any]:
    """What ``analyze_dask`` does with a ``local:<workers>`` cluster, each phase timed.

    Phases: ``start`` (the cluster), ``ingest`` (read and build in the workers,
    stored on the driver), ``features`` (per-document features in the workers),
    ``corpus`` (``update_corpus`` on the driver, its per-story steps in the workers).
    """
    from storyline.config import Config
    from storyline.corpus.run import update_corpus
    from storyline.ingest.sources import iter_inputs
    from storyline.scale.dask import client_mapper, dask_client, ingest, put_document_features
    from storyline.store import open_store

    config = Config()
    steps_s = _time_corpus_steps()
    rss_before = peak_rss_kib()
    marks = [time.perf_counter()]
    cpu = [time.process_time()]  # the driver's own CPU time (all its threads)
    with open_store(workdir / "stores" / f"dask-{workers}.db") as store:
        with dask_client(f"local:{workers}") as client:
            marks.append(time.perf_counter())
            cpu.append(time.process_time())
            items = list(iter_inputs([workdir / "txt"], config))
            report = ingest(client, items, store, config)
            marks.append(time.perf_counter())
            cpu.append(time.process_time())
            put_document_features(client, store, config)
            marks.append(time.perf_counter())
            cpu.append(time.process_time())
            update_corpus(store, config, mapper=client_mapper(client))
            marks.append(time.perf_counter())
            cpu.append(time.process_time())
    steps = [b - a for a, b in itertools.pairwise(marks)]
    phases = dict(zip(PHASES, steps, strict=True))
    driver_cpu = [b - a for a, b in itertools.pairwise(cpu)]
    return {
        "workers": workers,
        "wall_s": marks[-1] - marks[0],
        **{f"{k}_s": v for k, v in phases.items()},
        "rss_before_kib": rss_before,
        "rss_peak_kib": peak_rss_kib(),
        "documents_added": report.documents_added,
        "failures": len(report.failures),
        "driver_cpu_s": dict(zip(PHASES, driver_cpu, strict=True)),
        "corpus_steps_s": dict(sorted(steps_s.items(), key=lambda kv: -kv[1])),
    }


def _time_corpus_steps() -> dict[str, float]:
    """Wrap the corpus steps with timers (as ``bench.add_profile`` does): seconds by step,
    filled in as they run (so a slow corpus phase shows where it went)."""
    import importlib

    from bench.add_profile import STEPS, _timed

    totals: dict[str, float] = {}
    for module_name, names in STEPS.items():
        module = importlib.import_module(module_name)
        for name in names:
            setattr(module, name, _timed(totals, name, getattr(module, name)))
    return totals


def spawn_case(workers: int, workdir: Path) -> dict[str, Any]:
    """Run one case in a fresh interpreter and return its measurements."""
    cmd = [sys.executable, "-m", "bench.dask_scaling", "--case", str(workers)]
    cmd += ["--workdir", str(workdir)]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"case local:{workers} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def render(rows: list[dict[str, Any]], docs: int) -> str:
    """The Markdown results table."""
    base = rows[0]["wall_s"]
    headers = ["cluster", "wall s", *(f"{p} s" for p in PHASES), "docs/s", "speed-up",
               "driver peak RSS MiB", "added / failed"]  # fmt: skip
    body = [
        [
            f"local:{r['workers']}",
            f"{r['wall_s']:.1f}",
            *(f"{r[p + '_s']:.1f}" for p in PHASES),
            f"{docs / r['wall_s']:.1f}",
            f"{base / r['wall_s']:.2f}x",
            f"{r['rss_peak_kib'] / 1024:.0f}",
            f"{r['documents_added']} / {r['failures']}",
        ]
        for r in rows
    ]
    return markdown_table(headers, body)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20_000, help="stories to use")
    parser.add_argument("--case", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(args.case, args.workdir)))
        return
    if args.docs < 1:
        parser.error("--docs must be at least 1")
    try:
        stories = load_stories(dataset("reuters21578"), args.docs)
    except DatasetMissing as e:
        raise SystemExit(f"error: {e}") from None
    with tempfile.TemporaryDirectory(prefix="storyline-dask-") as tmp:
        corpus = prepare(stories, Path(tmp))
        print(f"{corpus.docs:,} stories, {corpus.words:,} words; running...", file=sys.stderr)
        sample = [s.body for s in stories[:CEILING_DOCS]]
        ceilings = [parse_ceiling(sample)]
        print(f"  ceiling before: {ceilings[0]['ceiling']:.2f}x", file=sys.stderr)
        rows = []
        for workers in WORKERS:
            rows.append(spawn_case(workers, corpus.workdir))
            print(f"  local:{workers}: {rows[-1]['wall_s']:.1f} s", file=sys.stderr)
        ceilings.append(parse_ceiling(sample))
    meta = {"docs": corpus.docs, "words": corpus.words}
    data = {"machine": machine_info(), "corpus": meta, "cases": rows, "ceilings": ceilings}
    path = write_results("dask_scaling", data)
    print(f"machine: {json.dumps(machine_info())}")
    print(f"corpus: {corpus.docs:,} Reuters stories, {corpus.words:,} words, one .txt each\n")
    print(render(rows, corpus.docs))
    print("\nceiling (bare nlp.pipe, 1 process vs 2 at once, before and after the cases):")
    for c in ceilings:
        print(f"  {c['docs']} docs: {c['one_s']:.1f} s vs {c['two_s']:.1f} s = {c['ceiling']:.2f}x")
    print(f"\nresults: {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
