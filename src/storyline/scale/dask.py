"""The Dask backend: ``storyline analyze --dask local:N`` or ``--dask tcp://host:8786``.

:func:`analyze_dask` gives the same store as :func:`storyline.api.analyze`:

1. Inputs are listed on the driver (same order as ``api.analyze``); the driver reads
   the files' bytes (so the workers of a remote cluster need not see its files) and
   the workers fetch URLs, and read, clean and build the documents, a partition of
   inputs at a time (:func:`storyline.scale.work.build_partition`, a few partitions in
   flight per worker, so the driver never holds every file's bytes). The driver stores
   each input's documents and failures with the same store call and in the same order
   as ``api.analyze``, so ids, skip-if-done and failure records are identical.
2. The expensive per-document features (time expressions, spaCy parse, entity
   mentions, event mentions/claims/quotes) are computed in the workers by
   partition of documents, the model loaded once per worker process, and put
   into the store under the feature names the single-process stages use.
3. :func:`storyline.corpus.run.update_corpus` then runs on the driver: it finds
   those features cached and only does the corpus-level grouping; the work it can
   cut into blocks goes back to the workers (:func:`client_mapper`): the alignment of
   candidate pairs, the documents' story terms, and, in blocks of whole stories, the
   entity keys rewritten within each story and the steps that depend on one story at
   a time (events, claims, conflicts, quotes, summaries).

The reuse anchors, MinHash signatures and text hashes are per-document features
too, computed in the workers; ``update_corpus`` keeps its own record of which
documents it has aligned, so only the pairwise alignment and grouping is left to it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline.config import Config
from storyline.corpus.blocks import Mapper, chunks
from storyline.errors import ConfigError, MissingExtraError
from storyline.ingest.sources import Input, iter_inputs
from storyline.model import Document, Failure, IngestReport
from storyline.scale import work
from storyline.store import Store

if TYPE_CHECKING:
    from distributed import Client

Progress = Callable[[Input | Failure], None]

INPUTS_PER_PARTITION = 64
"""Inputs per read task: small enough to spread, large enough to amortise scheduling."""

DOCS_PER_PARTITION = 128
"""Documents per feature task (parsed with ``nlp.pipe`` in batches of ``nlp.batch_size``)."""


def parse_cluster(cluster: str) -> tuple[str, int | str]:
    """Check a ``--dask`` value: ``("local", workers)`` or ``("tcp", address)``.

    Raises:
        ConfigError: neither ``local:N`` (N >= 1) nor a ``tcp://`` scheduler address.

    Example:
        >>> parse_cluster("local:2")
        ('local', 2)
    """
    if cluster.startswith("local:"):
        count = cluster.removeprefix("local:")
        if count.isdigit() and int(count) >= 1:
            return "local", int(count)
    elif cluster.startswith(("tcp://", "tls://")) and len(cluster) > 6:
        return "tcp", cluster
    raise ConfigError(
        f"bad Dask cluster {cluster!r}: use local:N (N worker processes on this machine) "
        "or the scheduler's address, such as tcp://scheduler:8786"
    )


@contextmanager
def dask_client(cluster: str) -> Iterator[Client]:
    """A Dask client for ``cluster``; a ``local:N`` cluster is started here and closed after.

    A local cluster has N worker processes of one thread each, so every worker
    holds its own copy of the models and no two stages share the GIL.

    Raises:
        MissingExtraError: ``dask[distributed]`` is not installed.
        ConfigError: a bad cluster value.
    """
    kind, where = parse_cluster(cluster)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise MissingExtraError(
            "the Dask backend needs dask: pip install 'storyline[dask]'"
        ) from None
    if kind == "tcp":
        with Client(str(where)) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=int(where),
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
        ) as local,
        Client(local) as client,
    ):
        yield client


def analyze_dask(
    paths: Sequence[str | Path],
    *,
    db: str | Path | Store | None = None,
    config: Config | None = None,
    cluster: str = "local:2",
    progress: Progress | None = None,
    client: Client | None = None,
    on_wait: Callable[[], None] | None = None,
) -> IngestReport:
    """:func:`storyline.api.analyze` with the per-document work spread over a Dask cluster.

    Args:
        paths: files, folders (read recursively) and http(s) URLs.
        db: a store or a store location (default ``config.store.path``).
        config: the configuration (default: ``Config()``).
        cluster: ``local:N`` (a local cluster of N worker processes, started and
            closed here) or a scheduler address (``tcp://scheduler:8786``).
        progress: called once per input, after it is stored, in input order.
        client: an open Dask client to use instead of ``cluster``.
        on_wait: as :func:`storyline.api.analyze` takes it.

    Returns:
        The same :class:`IngestReport` as ``api.analyze`` on the same inputs.

    Raises:
        StageError: only with ``pipeline.on_error = "raise"``.
        ConfigError: a bad ``cluster`` value.

    Example:
        >>> analyze_dask(["articles/"], db="case.db", cluster="local:2")  # doctest: +SKIP
    """
    from storyline.api import _store, _store_files

    config = config or Config()
    from storyline.pipeline import build_pipeline

    build_pipeline(config)  # a bad pipeline fails here, before any cluster starts
    with _store(db, config) as store:
        own_files = _store_files(db if isinstance(db, str | Path) else None, config)
        items = list(iter_inputs(paths, config, exclude=own_files))
        from storyline.corpus.run import update_corpus

        if client is not None:
            report = _run(client, items, store, config, progress)
            update_corpus(store, config, mapper=client_mapper(client), on_wait=on_wait)
        else:
            with dask_client(cluster) as started:
                report = _run(started, items, store, config, progress)
                update_corpus(store, config, mapper=client_mapper(started), on_wait=on_wait)
    return report


def _width(client: Client) -> int:
    """Tasks to keep in flight: two per worker, so none waits for the driver."""
    return max(2 * len(client.scheduler_info().get("workers", {})), 2)


def _windowed(
    client: Client, func: Callable[[Any], Any], items: Iterable[Any], *, ordered: bool = True
) -> Iterator[Any]:
    """``func(item)`` for each item on the cluster, two tasks per worker in flight, items
    taken only as tasks are sent (so the driver never holds every item's data at once);
    results in item order, or with ``ordered`` False as they finish (for work whose
    results can be stored in any order). Tasks left when it stops early are cancelled."""
    from distributed import wait

    todo = iter(items)
    width = _width(client)
    in_flight: list[Any] = []
    try:
        while True:
            for item in itertools.islice(todo, width - len(in_flight)):
                in_flight.append(client.submit(func, item, pure=False))
            if not in_flight:
                return
            if ordered:
                ready = in_flight[:1]
            else:
                done = wait(in_flight, return_when="FIRST_COMPLETED").done
                ready = [f for f in in_flight if f in done]  # in the order they were sent
            for future in ready:
                yield future.result()
                in_flight.remove(future)
                future.release()
    finally:
        _cancel(client, in_flight)  # a failure, or a caller that stopped reading


def _cancel(client: Client, futures: Iterable[Any]) -> None:
    """Stop and forget tasks whose results nobody will read."""
    left = list(futures)
    if left:
        client.cancel(left)


def check_workers(client: Client) -> None:
    """Refuse a cluster whose workers cannot run this storyline, before any work is sent.

    Raises:
        ConfigError: a worker cannot import storyline, or runs another version.
    """
    from storyline import __version__

    try:
        found = client.run(work.storyline_version)
    except Exception as e:  # noqa: BLE001 - a worker without storyline fails to unpickle
        raise ConfigError(
            f"the Dask workers cannot run storyline {__version__} "
            f"({type(e).__name__}: {e}); install it on every worker"
        ) from None
    other = [f"{where} has {version}" for where, version in sorted(found.items())
             if version != __version__]  # fmt: skip
    if other:
        raise ConfigError(
            f"the Dask workers must run storyline {__version__}, as this process does: "
            + "; ".join(other)
        )


def client_mapper(client: Client) -> Mapper:
    """A :data:`~storyline.corpus.blocks.Mapper` over ``client``: one task per item, at
    most two per worker in flight, items taken only as tasks are sent, results in item
    order (:func:`_windowed`)."""

    def run(func: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        return _windowed(client, func, items)

    return run


def _run(
    client: Client,
    items: list[Input | Failure],
    store: Store,
    config: Config,
    progress: Progress | None,
) -> IngestReport:
    """Ingest every input, then compute the missing per-document features, on ``client``."""
    check_workers(client)
    report = ingest(client, items, store, config, progress)
    put_document_features(client, store, config)
    return report


def ingest(
    client: Client,
    items: list[Input | Failure],
    store: Store,
    config: Config,
    progress: Progress | None = None,
) -> IngestReport:
    """Read the inputs in the workers and store them on the driver, in input order.

    Each input is stored in its own transaction with ``Store.add_documents``, as
    ``api.analyze`` does: an input whose bytes were stored before is skipped, an
    input with failures is not marked done.
    """
    inputs = [i for i in items if isinstance(i, Input)]
    parts = (
        [work.load_for_workers(i, config) for i in part]
        for part in chunks(inputs, INPUTS_PER_PARTITION)
    )
    build = partial(work.build_partition, config=config)
    results = (res for found in _windowed(client, build, parts) for res in found)
    report = IngestReport()
    for item in items:
        report = replace(report, inputs=report.inputs + 1)
        if isinstance(item, Failure):
            store.record_failure(item)
            report = replace(report, failures=report.failures + (item,))
        else:
            report = _store_input(next(results), store, report)
        if progress is not None:
            progress(item)
    return report


def _store_input(res: work.InputResult, store: Store, report: IngestReport) -> IngestReport:
    if res.digest is None:
        (failure,) = res.failures
        store.record_failure(failure)
        return replace(report, failures=report.failures + (failure,))
    if store.input_done(res.input.source, res.digest):
        return replace(report, skipped=report.skipped + 1)
    added = store.add_documents(
        list(res.docs),
        input_source=res.input.source,
        input_digest=None if res.failures else res.digest,
        failures=list(res.failures),
    )
    return replace(
        report,
        documents_added=report.documents_added + added,
        documents_seen=report.documents_seen + len(res.docs),
        failures=report.failures + res.failures,
    )


def missing_features(store: Store, docs: Sequence[Document], config: Config) -> dict[str, set[str]]:
    """Feature name -> ids of the documents that lack it (among those it applies to)."""
    ids = [d.id for d in docs]
    names = [work.TIMEX_FEATURE]
    per_document = {work.TIMEX_FEATURE}
    if config.sources.enabled:
        from storyline.corpus.run import derivation_features

        per_document |= set(derivation_features([], config.sources))
        names += sorted(per_document - {work.TIMEX_FEATURE})
    english = [d.id for d in work.english(docs)] if config.entities.enabled else []
    if english:
        names.append(work.mentions_feature(config))
        if work.language_enabled(config):
            from storyline.corpus.language import _feature_name

            names.append(_feature_name(config))
    missing = {}
    for name in names:
        applies = ids if name in per_document else english
        have = store.get_features(name, applies)
        missing[name] = {i for i in applies if i not in have}
    return missing


def put_document_features(client: Client, store: Store, config: Config) -> int:
    """Compute in the workers the features the store lacks, and store them.

    Only documents that lack a feature are sent; of what comes back, only the
    missing values are stored (a parse is stored where none is).

    Returns:
        How many documents were sent to the workers.
    """
    from storyline.corpus.run import ANALYSED_KINDS

    docs = sorted(store.iter_documents(kinds=ANALYSED_KINDS), key=lambda d: d.id)
    missing = missing_features(store, docs, config)
    need = set().union(*missing.values())
    todo = [d for d in docs if d.id in need]
    if not todo:
        return 0
    compute = partial(work.features_partition, config=config)
    for found in _windowed(client, compute, chunks(todo, DOCS_PER_PARTITION), ordered=False):
        for name, values in sorted(found.items()):
            if name in missing:
                wanted = {i: v for i, v in values.items() if i in missing[name]}
            else:  # the parse: cached only where none is stored
                have = store.get_features(name, list(values))
                wanted = {i: v for i, v in values.items() if i not in have}
            if wanted:
                store.put_features(name, wanted)
    return len(todo)
