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


def _hide_files() -> None:
    """In a worker: reading any file fails, as on a machine that cannot see them."""
    from storyline.errors import IngestError
    from storyline.scale import work

    def cannot_see(inp, config):
        raise IngestError(inp.source, "this worker cannot see the driver's files")

    work.load = cannot_see


def test_analyze_on_a_scheduler_address_from_the_command_line(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``storyline analyze --dask tcp://...`` sends the work to that cluster's workers,
    which need not see the files (the driver reads them), and stores what one process
    stores."""
    from click.testing import CliRunner
    from distributed import Client, LocalCluster

    from storyline.cli import cli
    from storyline.corpus import blocks

    monkeypatch.setattr(blocks, "BLOCK_DOCS", 3)
    analyze([corpus], db=tmp_path / "single.db", config=CONFIG)
    db = tmp_path / "remote.db"
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://")
        with Client(cluster) as client:
            client.run(_hide_files)
        args = ["analyze", str(corpus), "--db", str(db), "--dask", cluster.scheduler_address]
        result = CliRunner().invoke(cli, args)
        ran = set(cluster.scheduler.task_prefixes)
    assert result.exit_code == 1, result.output  # broken.json failed; the rest was stored
    assert "broken.json" in result.output
    # Reading, features and the corpus blocks all ran on the cluster's worker.
    assert {"build_partition", "features_partition", "scoped_keys", "block_sections"} <= ran
    assert _export(db) == _export(tmp_path / "single.db")


def test_dask_into_a_postgres_store_matches_single_process_sqlite(
    corpus: Path, tmp_path: Path, postgres_url: str, pg_schema: str
) -> None:
    """The shared store and the cluster together give what one process gives in SQLite."""
    analyze([corpus], db=tmp_path / "single.db", config=CONFIG)
    sep = "&" if "?" in postgres_url else "?"
    url = f"{postgres_url}{sep}schema={pg_schema}"
    analyze_dask([corpus], db=url, cluster="local:2", config=CONFIG)
    with open_store(url) as pg:
        got = json.dumps(export_data(pg), ensure_ascii=False, sort_keys=False)
    assert got == _export(tmp_path / "single.db")


def test_adding_on_dask_to_a_store_equals_analysing_everything_at_once(
    corpus: Path, tmp_path: Path
) -> None:
    """An incremental add run on the cluster reuses what the store holds and gives the
    same store as one single-process run over everything."""
    files = sorted(str(p) for p in corpus.rglob("*") if p.is_file())
    half = len(files) // 2
    steps = tmp_path / "steps.db"
    analyze(files[:half], db=steps, config=CONFIG)
    added = analyze_dask(files[half:], db=steps, cluster="local:2", config=CONFIG)
    assert added.documents_added > 0
    analyze(files, db=tmp_path / "once.db", config=CONFIG)
    assert _export(steps) == _export(tmp_path / "once.db")


def _claim_another_version() -> None:
    from storyline.scale import work

    work.storyline_version = lambda: "0.0.0-other"


def test_workers_running_another_storyline_are_refused(corpus: Path, tmp_path: Path) -> None:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(_claim_another_version)
        with pytest.raises(ConfigError, match="must run storyline .* has 0.0.0-other"):
            analyze_dask([corpus], db=tmp_path / "s.db", client=client, config=CONFIG)
    with open_store(tmp_path / "s.db") as store:
        assert store.count_documents() == 0  # refused before anything was read


def _fails_on_zero(x: int) -> int:
    if x == 0:
        raise ValueError("block 0 is broken")
    return x


def test_a_failing_block_stops_the_map_and_its_tasks() -> None:
    """The mapper takes items only as it sends them, and a failure leaves nothing running."""
    import time

    from distributed import Client, LocalCluster

    from storyline.scale.dask import client_mapper

    taken: list[int] = []

    def items():
        for i in range(10):
            taken.append(i)
            yield i

    with (
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        assert list(client_mapper(client)(_fails_on_zero, [3, 4, 5])) == [3, 4, 5]
        with pytest.raises(ValueError, match="block 0 is broken"):
            list(client_mapper(client)(_fails_on_zero, items()))
        assert taken == [0, 1]  # two in flight for one worker, no more taken
        deadline = time.monotonic() + 10
        while cluster.scheduler.tasks and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not cluster.scheduler.tasks, "tasks left behind"


def test_inputs_the_driver_reads_build_as_one_process_builds_them(tmp_path: Path) -> None:
    """No cluster: what the driver hands over and what a worker builds from it."""
    from storyline.config import IngestConfig
    from storyline.ingest.sources import Input, Loaded
    from storyline.scale import work

    config = Config(ingest=IngestConfig(max_bytes=200))
    (tmp_path / "a.txt").write_text("Storm floods Lorvik harbour.\n\nThe storm flooded it.\n")
    (tmp_path / "big.txt").write_text("word " * 100)
    small, big = (Input(str(tmp_path / n), path=tmp_path / n) for n in ("a.txt", "big.txt"))
    url = Input("https://example.invalid/x", url="https://example.invalid/x")
    handed = [work.load_for_workers(i, config) for i in (small, big, url)]
    assert isinstance(handed[0], Loaded) and handed[2] is url  # a URL is fetched by the worker
    assert isinstance(handed[1], work.InputResult) and handed[1].digest is None
    built = work.build_partition(handed[:2], config)
    assert [r.input for r in built] == [small, big]
    assert len(built[0].docs) == 1 and built[0].digest == handed[0].digest
    assert "a.txt" in built[0].docs[0].source and not built[0].failures
    (failure,) = built[1].failures
    assert failure.source == big.source and "too large" in failure.reason
