"""Fuzz number parsing (``storyline.claims.numbers.find_numbers``): offsets and bounds.

Run: ``.venv/bin/python fuzz/fuzz_numbers.py -atheris_runs=10000``
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).parent))
import seeds  # noqa: E402

with atheris.instrument_imports(include=["storyline"]):
    from storyline.claims.numbers import find_numbers


def check_numbers(text: str) -> None:
    last = 0
    for n in find_numbers(text):
        assert 0 <= n.start < n.end <= len(text) and text[n.start : n.end] == n.text, n
        assert n.start >= last, "numbers out of order or overlapping"
        last = n.end
        for bound in (n.value, n.low, n.high):
            assert bound is None or not (isinstance(bound, float) and math.isnan(bound)), n


def TestOneInput(data: bytes) -> None:
    check_numbers(data.decode("utf-8", errors="replace"))


SEEDS = seeds.number_seeds()

if __name__ == "__main__":
    seeds.run(TestOneInput, SEEDS)
