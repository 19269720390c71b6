"""Fuzz the RSS/Atom reader, entity-declaration guard included.

Run: ``.venv/bin/python fuzz/fuzz_feeds.py -atheris_runs=10000``
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).parent))
import seeds  # noqa: E402

with atheris.instrument_imports(include=["storyline"]):
    from storyline.config import Config
    from storyline.errors import IngestError
    from storyline.ingest.feeds import read_feed

CONFIG = Config().replace(ingest={"max_records": 20})


def TestOneInput(data: bytes) -> None:
    try:
        seeds.check_results(read_feed(data, "fuzz", CONFIG), "fuzz")
    except IngestError as e:
        assert e.source.startswith("fuzz") and e.reason, e


SEEDS = seeds.feed_seeds()

if __name__ == "__main__":
    seeds.run(TestOneInput, SEEDS)
