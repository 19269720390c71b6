"""Fuzz the HTML reader (lxml + trafilatura + metadata + post parts) on decoded markup.

Run: ``.venv/bin/python fuzz/fuzz_html.py -atheris_runs=10000``
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
    from storyline.ingest.html import html_fragment_text, read_html

CONFIG = Config()


def TestOneInput(data: bytes) -> None:
    markup = data.decode("utf-8", errors="replace")
    assert isinstance(html_fragment_text(markup), str)
    try:
        record = read_html(markup, "fuzz", CONFIG, url="https://e.example/a")
    except IngestError as e:
        assert e.source == "fuzz" and e.reason, e
        return
    seeds.check_results([record], "fuzz")


SEEDS = seeds.html_seeds()

if __name__ == "__main__":
    seeds.run(TestOneInput, SEEDS)
