"""The Dask ingest phase alone: inputs read, cleaned and built on a warm local cluster.

Run from the repository root::

    .venv/bin/python -m bench.dask_ingest --docs 2000 --workers 2 --repeat 2

Writes the first N Reuters stories with a body as one ``.txt`` file each (untimed), starts
a local cluster, then times :func:`storyline.scale.dask.ingest` of the folder into a fresh
store, ``--repeat`` times (the cluster warm after the first). Prints one line per run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.common import dataset
from bench.ingest_throughput import load_stories, prepare


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    from storyline.config import Config
    from storyline.ingest.sources import iter_inputs
    from storyline.scale.dask import dask_client, ingest
    from storyline.store import open_store

    stories = load_stories(dataset("reuters21578"), args.docs)
    config = Config()
    with tempfile.TemporaryDirectory(prefix="storyline-dask-ingest-") as tmp:
        corpus = prepare(stories, Path(tmp) / "corpus")
        items = list(iter_inputs([corpus.txt], config))
        with dask_client(f"local:{args.workers}") as client:
            for run in range(args.repeat):
                with open_store(Path(tmp) / f"run{run}.db") as store:
                    start = time.perf_counter()
                    report = ingest(client, items, store, config)
                    wall = time.perf_counter() - start
                print(
                    f"local:{args.workers} run {run + 1}: {len(items)} inputs, "
                    f"{report.documents_added} documents, {wall:.1f} s"
                )


if __name__ == "__main__":
    main()
