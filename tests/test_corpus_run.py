from __future__ import annotations

import json
import shutil
from pathlib import Path

import storyline
from storyline.config import Config
from storyline.corpus import run as corpus_run
from storyline.store import open_store

FIX = Path(__file__).parent / "fixtures" / "reuse"


def test_analyze_fills_derivations_and_families(tmp_path) -> None:
    db = tmp_path / "s.db"
    storyline.analyze([FIX], db=db)
    out = tmp_path / "e.json"
    storyline.export("json", db=db, out=out)
    data = json.loads(out.read_text())
    by_id = {d["id"]: d["source"] for d in data["documents"]}
    pairs = {(Path(by_id[d["source_id"]]).stem, Path(by_id[d["derived_id"]]).stem, d["relation"])
             for d in data["derivations"]}  # fmt: skip
    assert ("wire", "repost-with-comment", "expanded") in pairs
    assert not any("unrelated" in p for pair in pairs for p in pair)
    sizes = sorted(f["size"] for f in data["families"])
    assert sizes == [1, 3]  # wire + repost + excerpt; the unrelated story alone


def test_incremental_equals_from_scratch_and_reuses_features(tmp_path, monkeypatch) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for name in ("wire.txt", "unrelated.txt"):
        shutil.copy(FIX / name, first / name)
    for name in ("repost-with-comment.txt", "excerpt.txt"):
        shutil.copy(FIX / name, second / name)

    inc = tmp_path / "inc.db"
    storyline.analyze([first], db=inc)
    tokenized: list[str] = []
    real = corpus_run.tokenize
    monkeypatch.setattr(corpus_run, "tokenize", lambda text: tokenized.append(text) or real(text))
    storyline.analyze([second], db=inc)
    # Only the two new documents (and the one old document they pair with) were read.
    assert len(tokenized) <= 3
    monkeypatch.undo()

    scratch = tmp_path / "scratch.db"
    storyline.analyze([first, second], db=scratch)
    with open_store(inc) as a, open_store(scratch) as b:
        for name in ("derivations", "families"):
            assert a.get_section(name) == b.get_section(name)


def test_sources_can_be_switched_off(tmp_path) -> None:
    db = tmp_path / "s.db"
    storyline.analyze([FIX], db=db, config=Config().replace(sources={"enabled": False}))
    with open_store(db) as store:
        assert store.get_section("derivations") == []


def test_unchanged_store_skips_corpus_work(tmp_path) -> None:
    db = tmp_path / "s.db"
    storyline.analyze([FIX], db=db)
    config = Config()
    with open_store(db) as store:
        before = {n: store.get_section(n) for n in ("derivations", "families", "stories")}
        assert corpus_run.update_corpus(store, config) is None
        report = corpus_run.update_corpus(store, config, force=True)
        assert report is not None and report.documents == 4
        assert {n: store.get_section(n) for n in before} == before
        # Other settings: the sections are recomputed.
        other = config.replace(stories={"threshold": 0.9})
        assert corpus_run.update_corpus(store, other) is not None
