"""Every fuzz harness, briefly: its seeds and seeded mutations of them through TestOneInput.

The harnesses live in ``fuzz/`` (run them with atheris for real fuzzing; see
fuzz/README.md). Here each runs a small, deterministic number of inputs, so a
harness that rots or an old crash that comes back fails the suite.
"""

from __future__ import annotations

import importlib
import importlib.util
import random
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).parent.parent / "fuzz"
sys.path.insert(0, str(FUZZ))
pytest.importorskip("atheris")

import seeds  # noqa: E402

HARNESSES = sorted(p.stem for p in FUZZ.glob("fuzz_*.py"))
MUTATIONS = 15

# Inputs fuzzing found that crashed a reader once (regressions), by harness.
FOUND: dict[str, list[bytes]] = {
    # feedparser raised ValueError on a NUL inside the declared encoding's name.
    "fuzz_readers": [
        b"\x05<?xml version='1.0' encoding='\x05\x00\x00\x00utf-8'?><rss version='2.0'>"
        b"<channel><title>t</title><item><description>x</description></item></channel></rss>"
    ],
    # lxml asserted on a fragment whose markup ends inside an unclosed <script>.
    "fuzz_html": [b"<html><head><title>t</title><script>x</p></body></html>"],
    # json.loads raised RecursionError / ValueError (int digits) / lone surrogates
    # crashed document ids.
    "fuzz_json": [
        b"j" + b"[" * 5000,
        b"l" + b'{"n": ' + b"1" * 5000 + b"}",
        b'j{"text": "\\udc00"}',
    ],
}


def test_there_is_a_harness_per_path() -> None:
    expected = {"readers", "html", "warc", "feeds", "json", "clean", "posts", "dates"}
    if importlib.util.find_spec("storyline.claims.numbers") is not None:
        expected.add("numbers")
    assert {h.removeprefix("fuzz_") for h in HARNESSES} >= expected


@pytest.mark.parametrize("harness", HARNESSES)
def test_harness_survives_seeds_and_mutations(harness: str) -> None:
    module = importlib.import_module(harness)
    rng = random.Random(f"storyline-{harness}")
    inputs = list(module.SEEDS) + FOUND.get(harness, [])
    for _ in range(MUTATIONS):
        data = rng.choice(module.SEEDS)
        for _ in range(rng.randrange(1, 4)):
            data = seeds.mutate(data, rng)
        inputs.append(data)
    for data in inputs:
        module.TestOneInput(data)


def test_harness_runs_under_atheris() -> None:
    """One harness through the real atheris entry point, a few runs."""
    done = subprocess.run(
        [sys.executable, str(FUZZ / "fuzz_dates.py"), "-atheris_runs=20", "-seed=1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Done 20 runs" in done.stderr or "Done 20 in" in done.stderr, done.stderr[-2000:]
