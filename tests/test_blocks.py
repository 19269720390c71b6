"""Corpus work in blocks of whole stories: the blocks, and the same sections either way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import storyline
from storyline.config import Config
from storyline.corpus import blocks
from storyline.corpus import run as corpus_run
from storyline.corpus.blocks import serial_map, story_blocks
from storyline.corpus.run import update_corpus
from storyline.store import open_store

FIX = Path(__file__).parent / "fixtures"
SECTIONS = (
    "derivations", "families", "stories", "entities", "events", "timeline", "claims",
    "conflicts", "quotes", "summary",
)  # fmt: skip


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
    # A near duplicate (one word changed) and the same text under another title.
    text = (FIX / "reuse" / "wire.txt").read_text(encoding="utf-8")
    words = text.split(" ")
    words[len(words) // 2] = "changed"
    (folder / "near.txt").write_text(" ".join(words), encoding="utf-8")
    record = {"text": text, "title": "Another title"}
    (folder / "copies.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    once_db, blocks_db = tmp_path / "once.db", tmp_path / "blocks.db"
    storyline.analyze([folder], db=once_db)
    calls: list[tuple[str, int]] = []

    def counting_map(func: Any, items: Any) -> Any:
        calls.append((func.__name__, len(items)))
        return serial_map(func, items)

    # Blocks of two documents and of one candidate pair.
    monkeypatch.setattr(blocks, "BLOCK_DOCS", 2)
    monkeypatch.setattr(corpus_run, "PAIRS_PER_BLOCK", 1)
    with open_store(once_db) as once, open_store(blocks_db) as store:
        store.add_documents(list(once.iter_documents()))
        update_corpus(store, Config(), mapper=counting_map)
        assert len(store.get_section("stories")) > 3
        assert any(d.get("jaccard") for d in store.get_section("derivations"))
        for name in SECTIONS:
            assert store.get_section(name) == once.get_section(name), name
    tasks = dict(calls)
    assert set(tasks) == {
        "align_block",
        "terms_block",
        "scoped_keys",
        "block_sections",
        "summary_block",
    }
    assert all(n > 1 for n in tasks.values()), "every step went out in several blocks"


def test_module_examples() -> None:
    import doctest

    assert doctest.testmod(blocks).failed == 0
