"""Fuzz the sniffing entry point: any bytes under any name, through every reader.

Run: ``.venv/bin/python fuzz/fuzz_readers.py -atheris_runs=10000``
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
    from storyline.ingest.readers import read_input

NAMES = (
    "a.txt",
    "a.html",
    "a.json",
    "a.jsonl",
    "a.warc",
    "a.rss",
    "a.xml",
    "a.gz",
    "a.warc.gz",
    "a",
)
CONFIG = Config().replace(ingest={"max_bytes": 1_000_000, "max_records": 50})


def TestOneInput(data: bytes) -> None:
    name = NAMES[data[0] % len(NAMES)] if data else "a"
    try:
        seeds.check_results(read_input("fuzz", name, data[1:], CONFIG), "fuzz")
    except IngestError as e:
        assert e.source.startswith("fuzz") and e.reason, e


SEEDS = [
    bytes([i]) + s
    for i, group in enumerate(
        (seeds.text_seeds(), seeds.html_seeds(), seeds.json_seeds(), seeds.json_seeds(),
         seeds.warc_seeds(), seeds.feed_seeds())
    )
    for s in group
]  # fmt: skip

if __name__ == "__main__":
    seeds.run(TestOneInput, SEEDS)
