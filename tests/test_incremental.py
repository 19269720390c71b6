"""Incremental analysis: adding documents to a store gives what analysing all at once gives."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

import storyline
from storyline.outputs.export import export_data
from storyline.store import open_store


@pytest.fixture(scope="module")
def corpus_files() -> list[Path]:
    root = Path(str(resources.files("storyline.demo").joinpath("corpus")))
    extra = Path(__file__).parent / "fixtures" / "articles"
    return sorted(p for p in [*root.rglob("*"), *extra.rglob("*")] if p.is_file())


def _export(db: Path) -> dict[str, str]:
    with open_store(db) as store:
        data = export_data(store)
    return {k: json.dumps(v, sort_keys=True, ensure_ascii=False) for k, v in data.items()}


def test_adding_documents_in_steps_equals_analysing_them_at_once(
    corpus_files: list[Path], tmp_path: Path
) -> None:
    steps, once = tmp_path / "steps.db", tmp_path / "once.db"
    half = len(corpus_files) // 2
    first = storyline.analyze([str(p) for p in corpus_files[:half]], db=steps)
    second = storyline.analyze([str(p) for p in corpus_files[half:]], db=steps)
    assert first.documents_added and second.documents_added
    storyline.analyze([str(p) for p in corpus_files], db=once)
    a, b = _export(steps), _export(once)
    assert set(a) == set(b)
    for section in a:
        assert a[section] == b[section], f"section {section!r} differs"
    # the sections were really computed, not empty on both sides
    assert json.loads(a["documents"]) and json.loads(a["entities"]) and json.loads(a["stories"])


def test_a_rerun_changes_nothing(corpus_files: list[Path], tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    storyline.analyze([str(p) for p in corpus_files], db=db)
    before = _export(db)
    report = storyline.analyze([str(p) for p in corpus_files], db=db)
    assert report.documents_added == 0
    assert _export(db) == before
