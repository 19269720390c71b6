"""Fuzz the publication-date parser: None or a valid ISO date at its precision.

Run: ``.venv/bin/python fuzz/fuzz_dates.py -atheris_runs=10000``
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).parent))
import seeds  # noqa: E402

with atheris.instrument_imports(include=["storyline"]):
    from storyline.ingest.dates import parse_published

_FORMATS = {
    "year": ("%Y", 4),
    "month": ("%Y-%m", 7),
    "day": ("%Y-%m-%d", 10),
    "minute": ("%Y-%m-%dT%H:%M", 16),
    "second": ("%Y-%m-%dT%H:%M:%S", 19),
}
_ZONE = re.compile(r"[+-]\d{2}:\d{2}")


def check_date(value: str) -> None:
    found = parse_published(value, "fuzz")
    if found is None:
        return
    assert found.method == "fuzz"
    fmt, width = _FORMATS[found.precision]
    datetime.strptime(found.value[:width], fmt)
    zone = found.value[width:]
    assert not zone or (found.precision in ("minute", "second") and _ZONE.fullmatch(zone)), found


def TestOneInput(data: bytes) -> None:
    check_date(data.decode("utf-8", errors="replace"))


SEEDS = seeds.date_seeds()

if __name__ == "__main__":
    seeds.run(TestOneInput, SEEDS)
