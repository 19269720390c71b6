"""Fuzz the post splitter: spans are ordered, inside the text, and tile it.

Run: ``.venv/bin/python fuzz/fuzz_posts.py -atheris_runs=10000``
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).parent))
import seeds  # noqa: E402

with atheris.instrument_imports(include=["storyline"]):
    from storyline.ingest.posts import find_posts


def check_posts(text: str) -> None:
    spans = find_posts(text)
    if not spans:
        return
    assert len(spans) >= 2
    assert spans[0].start == 0 and spans[-1].end == len(text)
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end == b.start
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)


def TestOneInput(data: bytes) -> None:
    check_posts(data.decode("utf-8", errors="replace"))


SEEDS = seeds.clean_seeds()

if __name__ == "__main__":
    seeds.run(TestOneInput, SEEDS)
