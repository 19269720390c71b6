"""Crash safety: ``storyline analyze`` killed with SIGKILL at random points.

After each kill the store passes SQLite's integrity check, every input marked
done has all its documents (one transaction per input), a re-run completes, and
the stored document ids are exactly those of a clean reference run: nothing
lost, nothing duplicated. Delays come from a seeded generator, so the sequence
of kill points is the same on every run of the test.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storyline.api import analyze
from storyline.config import load_config

RUNS = 30
"""Runs killed mid-way (runs that finish before their kill do not count)."""
SEED = 20261123
MAX_DELAY_S = 1.8
"""Kill delays are drawn from [0.05, this]; a full run takes about 2 s here."""

# Fictional articles written for this test: plain texts, a JSONL file of
# several records (one input, several documents) and an HTML page.
TOPICS = ("ferry", "bridge", "library", "market", "tram", "harbour", "school", "clinic")
CONFIG_TOML = "[entities]\nenabled = false\n[stories]\nenabled = false\n"


def _article(topic: str, i: int) -> str:
    return (
        f"Eastmere council votes on the {topic} plan, part {i}\n\n"
        f"The council of Eastmere met on Tuesday to vote on the {topic} plan, the {i}th "
        f"such meeting this year. Residents spoke for an hour about costs and timetables.\n\n"
        f"The {topic} committee will report again in the spring, the chair said after the vote.\n"
    )


def _write_corpus(folder: Path) -> None:
    folder.mkdir()
    for i, topic in enumerate(TOPICS):
        (folder / f"{i:02d}-{topic}.txt").write_text(_article(topic, i), encoding="utf-8")
    records = [{"title": f"Wire {i}", "text": _article("wire", 100 + i)} for i in range(6)]
    (folder / "wire.jsonl").write_text(
        "\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8"
    )
    paragraphs = "".join(f"<p>{_article('museum', 200)}</p>" for _ in range(2))
    (folder / "museum.html").write_text(
        f"<html><head><title>Museum</title></head><body><article>{paragraphs}</article></body></html>",
        encoding="utf-8",
    )


def _ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM documents ORDER BY id")]


def _check_consistent(db: Path) -> None:
    """The file is sound, and every input marked done has all of its documents."""
    if not db.exists():
        return  # killed before the store was created
    with sqlite3.connect(db, timeout=30) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "inputs" not in tables:
            return  # killed while the schema was being created: nothing committed yet
        for source, n in conn.execute("SELECT source, n_documents FROM inputs"):
            (have,) = conn.execute(
                "SELECT count(*) FROM documents WHERE source = ?", (source,)
            ).fetchone()
            assert have == n, f"{source}: {have} of {n} documents stored"
        (total, distinct) = conn.execute(
            "SELECT count(*), count(DISTINCT id) FROM documents"
        ).fetchone()
        assert total == distinct


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    root = tmp_path_factory.mktemp("crash")
    corpus = root / "corpus"
    _write_corpus(corpus)
    config_path = root / "config.toml"
    config_path.write_text(CONFIG_TOML, encoding="utf-8")
    reference = root / "reference.db"
    report = analyze([corpus], db=reference, config=load_config(config_path))
    assert report.ok
    ids = _ids(reference)
    assert len(ids) == len(TOPICS) + 6 + 1
    return corpus, config_path, ids


def _cli(corpus: Path, db: Path, config_path: Path) -> list[str]:
    return [sys.executable, "-m", "storyline", "analyze", str(corpus), "--db", str(db),
            "--config", str(config_path), "--quiet", "--no-progress"]  # fmt: skip


def test_sigkill_at_random_points(setup: tuple[Path, Path, list[str]], tmp_path: Path) -> None:
    corpus, config_path, reference = setup
    rng = random.Random(SEED)
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    config = load_config(config_path)
    killed = run = 0
    while killed < RUNS and run < 3 * RUNS:
        run += 1
        db = tmp_path / f"run-{run}.db"
        # Half the runs start from a store a previous killed run left behind.
        if run % 2 and (tmp_path / f"run-{run - 1}.db").exists():
            for suffix in ("", "-wal", "-shm"):
                src = tmp_path / f"run-{run - 1}.db{suffix}"
                if src.exists():
                    (tmp_path / f"run-{run}.db{suffix}").write_bytes(src.read_bytes())
        proc = subprocess.Popen(
            _cli(corpus, db, config_path),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, MAX_DELAY_S))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait(timeout=60)

        _check_consistent(db)
        # Re-run to completion: through the CLI every fifth time, else in-process (faster).
        if run % 5 == 0:
            done = subprocess.run(
                _cli(corpus, db, config_path), env=env, capture_output=True, timeout=120
            )
            assert done.returncode == 0, done.stderr[-2000:]
        else:
            assert analyze([corpus], db=db, config=config).ok
        _check_consistent(db)
        assert _ids(db) == reference, f"run {run}: stored documents differ from the reference"
        # And once more: a re-run on a complete store adds nothing.
        again = analyze([corpus], db=db, config=config)
        assert again.documents_added == 0 and again.ok
    assert killed == RUNS, f"only {killed} of {run} runs were killed mid-way"
