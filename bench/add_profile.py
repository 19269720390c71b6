"""Where an incremental add spends its time: each corpus step timed, on a kept store.

Run from the repository root, after ``bench.scale --keep DIR`` kept a size::

    .venv/bin/python -m bench.add_profile /tmp/keep/5000

It copies ``DIR/<size>/stores/full.db``, adds the 100 stories of
``DIR/<size>/extra/reuters.jsonl`` to the copy (the input of ``bench.scale``'s add case) with
``storyline.analyze`` and prints the wall time of the add and of each corpus step
(the functions below, wrapped with a timer; nested steps count in their callers too).
``--corpus`` times the corpus stage recomputed over the copy instead; with ``--dask
local:N`` too, through a local Dask cluster's mapper (as ``analyze --dask`` runs it).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.ingest_throughput import JSONL_NAME

STEPS = {
    "storyline.corpus.run": [
        "update_corpus", "update_derivations", "update_time_expressions", "update_stories",
        "update_entities", "update_summary", "_features",
    ],
    "storyline.corpus.language": ["update_language"],
    "storyline.nlp.parse": ["parse_texts"],
    "storyline.entities.mentions": ["mentions_for"],
    "storyline.entities.canonical": [
        "entity_groups", "rewrite_keys", "rank_entities", "_identify",
    ],
    "storyline.events.merge": ["merge_events"],
    "storyline.events.sections": ["events_section"],
    "storyline.claims.conflicts": ["group_claims", "claims_section", "conflicts_section"],
    "storyline.quotes.sections": ["quotes_section"],
    "storyline.outputs.summary": ["summary_section"],
}  # fmt: skip


def _timed(totals: dict[str, float], name: str, fn: Any) -> Any:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[name] = totals.get(name, 0.0) + time.perf_counter() - start

    return wrapper


def profile_add(
    kept: Path, *, corpus: bool = False, dask: str | None = None
) -> tuple[float, dict[str, float]]:
    """``(wall seconds of the add, seconds per step)`` for the kept size folder ``kept``;
    with ``corpus``, of the corpus stage recomputed over the stored documents instead
    (every per-document feature cached: what a Dask run leaves to its driver, less the
    alignment of new pairs), through a Dask cluster's mapper with ``dask``
    (``local:N``; the cluster is started before the clock starts)."""
    import storyline
    from storyline.store.sqlite import SQLiteStore

    totals: dict[str, float] = {}
    for module_name, names in STEPS.items():
        module = importlib.import_module(module_name)
        for name in names:
            setattr(module, name, _timed(totals, name, getattr(module, name)))
    for name in ("put_section", "get_section", "update_section"):
        setattr(SQLiteStore, name, _timed(totals, name, getattr(SQLiteStore, name)))
    with tempfile.TemporaryDirectory(prefix="storyline-add-") as tmp:
        db = Path(tmp) / "add.db"
        shutil.copy(kept / "stores" / "full.db", db)
        if corpus:
            from storyline.config import Config
            from storyline.corpus.run import update_corpus
            from storyline.scale.dask import client_mapper, dask_client
            from storyline.store import open_store

            with contextlib.ExitStack() as stack:
                mapper = None
                if dask:
                    mapper = client_mapper(stack.enter_context(dask_client(dask)))
                store = stack.enter_context(open_store(db))
                start = time.perf_counter()
                update_corpus(store, Config(), force=True, mapper=mapper)
                return time.perf_counter() - start, totals
        else:
            start = time.perf_counter()
            storyline.analyze([kept / "extra" / JSONL_NAME], db=db)
        return time.perf_counter() - start, totals


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("kept", type=Path, help="a size folder kept by bench.scale --keep")
    parser.add_argument(
        "--corpus", action="store_true", help="time the whole corpus stage, not an add"
    )
    parser.add_argument("--dask", help="with --corpus: map blocks on a cluster (local:N)")
    args = parser.parse_args(argv)
    wall, totals = profile_add(args.kept, corpus=args.corpus, dask=args.dask)
    print(f"{'corpus' if args.corpus else 'add'}: {wall:.2f} s")
    for name, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {name:26s} {seconds:7.2f} s")


if __name__ == "__main__":
    main()
