"""Fuzz the JSON and JSON Lines readers (first byte picks which).

Run: ``.venv/bin/python fuzz/fuzz_json.py -atheris_runs=10000``
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
    from storyline.ingest.readers import read_json, read_jsonl

CONFIG = Config().replace(ingest={"max_records": 50})


def TestOneInput(data: bytes) -> None:
    text = data[1:].decode("utf-8", errors="replace")
    reader = read_jsonl if data[:1] == b"l" else read_json
    try:
        seeds.check_results(reader(text, "fuzz", CONFIG), "fuzz")
    except IngestError as e:
        assert e.source == "fuzz" and e.reason, e


SEEDS = [p + s for s in seeds.json_seeds() for p in (b"j", b"l")]

if __name__ == "__main__":
    seeds.run(TestOneInput, SEEDS)
