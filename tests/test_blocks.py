"""Corpus work in blocks of whole stories: the blocks, and the same sections either way."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import storyline
from storyline.config import Config
from storyline.corpus import blocks
from storyline.corpus.blocks import serial_map, story_blocks
from storyline.corpus.run import update_corpus
from storyline.store import open_store

FIX = Path(__file__).parent / "fixtures"
SECTIONS = ("events", "timeline", "claims", "conflicts", "quotes", "summary")


def test_story_blocks_hold_whole_stories_in_order() -> None:
    sizes = {"b": 2, "a": 1, "c": 5, "d": 1, "e": 1}
    got = story_blocks(sizes, max_docs=3)
    assert got == [["a", "b"], ["c"], ["d", "e"]]
    assert [s for block in got for s in block] == sorted(sizes)
    assert story_blocks({}, max_docs=3) == []
    assert story_blocks(sizes, max_docs=100) == [sorted(sizes)]


def test_sections_built_in_blocks_equal_those_built_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    shutil.copytree(FIX / "articles", folder / "articles")
    shutil.copytree(FIX / "reuse", folder / "reuse")
    db = tmp_path / "s.db"
    storyline.analyze([folder], db=db)
    with open_store(db) as store:
        once = {name: store.get_section(name) for name in SECTIONS}
        assert len(store.get_section("stories")) > 3
        calls: list[int] = []

        def counting_map(func: Any, items: Any) -> Any:
            calls.append(len(items))
            return serial_map(func, items)

        monkeypatch.setattr(blocks, "BLOCK_DOCS", 2)
        update_corpus(store, Config(), force=True, mapper=counting_map)
        assert calls and all(n > 1 for n in calls), "both steps went out in several blocks"
        for name in SECTIONS:
            assert store.get_section(name) == once[name], name
    assert any(once[name] for name in SECTIONS)


def test_module_examples() -> None:
    import doctest

    assert doctest.testmod(blocks).failed == 0
