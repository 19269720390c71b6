"""The Dask backend gives the same store as the single-process run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from storyline.api import analyze  # noqa: E402
from storyline.config import Config  # noqa: E402
from storyline.errors import ConfigError  # noqa: E402
from storyline.outputs.export import export_data  # noqa: E402
from storyline.scale.dask import analyze_dask, parse_cluster  # noqa: E402
from storyline.store import open_store  # noqa: E402

HERE = Path(__file__).parent
CONFIG = Config()
DEMO = HERE.parent / "src" / "storyline" / "demo" / "corpus"


def _export(db: Path) -> str:
    with open_store(db) as store:
        return json.dumps(export_data(store), ensure_ascii=False, sort_keys=False)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Fictional articles written for storyline: demo corpus, reuse and article fixtures."""
    root = tmp_path / "in"
    shutil.copytree(DEMO, root / "demo")
    shutil.copytree(HERE / "fixtures" / "reuse", root / "reuse")
    shutil.copytree(HERE / "fixtures" / "articles", root / "articles")
    (root / "broken.json").write_text("{not json", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("value", "expected"),
    [("local:2", ("local", 2)), ("tcp://scheduler:8786", ("tcp", "tcp://scheduler:8786"))],
)
def test_parse_cluster(value: str, expected: tuple[str, object]) -> None:
    assert parse_cluster(value) == expected


@pytest.mark.parametrize("value", ["local:0", "local:x", "scheduler:8786", ""])
def test_parse_cluster_rejects(value: str) -> None:
    with pytest.raises(ConfigError, match="local:N"):
        parse_cluster(value)


def test_local_cluster_matches_single_process(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.corpus import blocks

    # Blocks of a few documents, so the per-story steps go to the workers in many tasks.
    monkeypatch.setattr(blocks, "BLOCK_DOCS", 3)
    single = analyze([corpus], db=tmp_path / "single.db", config=CONFIG)
    spread = analyze_dask([corpus], db=tmp_path / "dask.db", cluster="local:2", config=CONFIG)
    assert spread == single
    assert spread.documents_added > 5 and spread.failures
    expected = _export(tmp_path / "single.db")
    got = _export(tmp_path / "dask.db")
    assert json.loads(got)["entities"], "the language layer ran"
    assert got == expected

    again = analyze_dask([corpus], db=tmp_path / "dask.db", cluster="local:1", config=CONFIG)
    assert again.documents_added == 0
    assert again.skipped == spread.inputs - len(spread.failures)
    assert _export(tmp_path / "dask.db") == expected
