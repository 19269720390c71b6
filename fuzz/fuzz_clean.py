"""Fuzz the cleaner: it must never fail and never lose a character.

``Document.original_text()`` rebuilt from the cleaned text and its removals
must equal the input, and every removal must point inside both texts.

Run: ``.venv/bin/python fuzz/fuzz_clean.py -atheris_runs=10000``
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).parent))
import seeds  # noqa: E402

with atheris.instrument_imports(include=["storyline"]):
    from storyline.ingest.build import draft
    from storyline.ingest.clean import clean_document
    from storyline.ingest.record import RawRecord


def check_clean(text: str, title: str | None) -> None:
    doc = clean_document(draft(RawRecord(source="fuzz", text=text, title=title)))
    assert doc.original_text() == text
    for r in doc.removed:
        assert 0 <= r.at <= len(doc.text)
        assert 0 <= r.start <= r.end <= len(text)
        assert text[r.start : r.end] == r.text and r.reason


def TestOneInput(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace").replace("\r", "\n")
    title = text.split("\n", 1)[0] if data[:1] == b"T" else None
    check_clean(text, title)


SEEDS = seeds.clean_seeds()

if __name__ == "__main__":
    seeds.run(TestOneInput, SEEDS)
