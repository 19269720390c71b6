"""The Python API: what the CLI calls, one function per command."""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from storyline.config import Config
from storyline.errors import IngestError
from storyline.ingest.sources import Input, iter_inputs, load
from storyline.model import Document, Failure, IngestReport
from storyline.pipeline import Pipeline, build_pipeline
from storyline.store import Store, open_store

LEAD_CHARS = 80
"""How much of a document's text ``stories`` gives as its ``lead``."""

Progress = Callable[[Input | Failure], None]


@contextmanager
def _store(db: str | Path | Store | None, config: Config | None) -> Iterator[Store]:
    """The store to use: a given one stays open; one opened from a location is closed."""
    if isinstance(db, Store):
        yield db
        return
    store = open_store(db if db is not None else (config or Config()).store.path)
    try:
        yield store
    finally:
        store.close()


def _store_files(db: str | Path | None, config: Config) -> list[Path]:
    """The files of a SQLite store, so that ingesting its folder skips them."""
    target = str(db if db is not None else config.store.path).removeprefix("sqlite:///")
    if "://" in target or target == ":memory:":
        return []
    files = [Path(target + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
    # Lock files (Store.exclusive): one per lock name, "<store>-<name>-lock".
    return files + [
        Path(target + "-corpus-lock"),
        *Path(target).parent.glob(glob.escape(Path(target).name) + "-*-lock"),
    ]


def analyze(
    paths: Sequence[str | Path],
    *,
    db: str | Path | Store | None = None,
    config: Config | None = None,
    progress: Progress | None = None,
    dask: str | None = None,
    on_wait: Callable[[], None] | None = None,
) -> IngestReport:
    """Ingest files, folders and URLs into a store and run every stage.

    Inputs already ingested with the same bytes are skipped, so re-running adds
    nothing twice and an interrupted run resumes where it stopped. Each input is
    stored in one transaction: a crash never leaves half an input behind.

    Args:
        paths: files, folders (read recursively) and http(s) URLs.
        db: a store or a store location (SQLite path; default ``config.store.path``).
        config: the configuration (default: ``Config()``).
        progress: called once per input, after it is handled.
        dask: run the per-document work on a Dask cluster: ``local:N`` (N worker
            processes here) or a scheduler address (``tcp://scheduler:8786``); the
            store ends up the same (see :mod:`storyline.scale.dask`).
        on_wait: called if another run on the same store holds its corpus stage, before
            this run waits for it (two runs never write corpus sections at once).

    Returns:
        An :class:`IngestReport` with counts and every failure.

    Raises:
        StageError: only with ``pipeline.on_error = "raise"``.
        ConfigError: a bad ``dask`` value.
        MissingExtraError: ``dask`` is given but dask is not installed.

    Example:
        >>> report = storyline.analyze(["articles/"], db="case.db")  # doctest: +SKIP
        >>> report.documents_added, report.failures
    """
    if dask is not None:
        from storyline.scale.dask import analyze_dask

        return analyze_dask(
            paths, db=db, config=config, cluster=dask, progress=progress, on_wait=on_wait
        )
    config = config or Config()
    pipeline = build_pipeline(config)
    report = IngestReport()
    with _store(db, config) as store:
        own_files = _store_files(db if isinstance(db, str | Path) else None, config)
        for item in iter_inputs(paths, config, exclude=own_files):
            report = replace(report, inputs=report.inputs + 1)
            if isinstance(item, Failure):
                store.record_failure(item)
                report = replace(report, failures=report.failures + (item,))
            else:
                report = _ingest_one(item, store, config, pipeline, report)
            if progress is not None:
                progress(item)
        from storyline.corpus.run import update_corpus

        update_corpus(store, config, on_wait=on_wait)
    return report


def _ingest_one(
    inp: Input, store: Store, config: Config, pipeline: Pipeline, report: IngestReport
) -> IngestReport:
    try:
        loaded = load(inp, config)
    except IngestError as e:
        failure = Failure(e.source, e.reason)
        store.record_failure(failure)
        return replace(report, failures=report.failures + (failure,))
    digest = loaded.digest
    if store.input_done(inp.source, digest):
        return replace(report, skipped=report.skipped + 1)
    from storyline.ingest.build import build_loaded

    docs, failures = build_loaded(loaded, config, pipeline)
    # An input with failures is not marked done, so the next run retries it.
    added = store.add_documents(
        docs,
        input_source=inp.source,
        input_digest=None if failures else digest,
        failures=failures,
    )
    return replace(
        report,
        documents_added=report.documents_added + added,
        documents_seen=report.documents_seen + len(docs),
        failures=report.failures + tuple(failures),
    )


def export(
    fmt: str = "json",
    *,
    db: str | Path | Store | None = None,
    out: IO[Any] | str | Path | None = None,
    config: Config | None = None,
) -> None:
    """Write the store's contents as ``json``, ``jsonl``, ``csv`` or ``parquet``.

    ``out`` is a file, a path (a folder for one file per table), or None for
    standard output. The JSON form follows ``storyline/1`` (see docs/export.md).
    """
    from storyline.outputs.export import export as _export

    with _store(db, config) as store:
        _export(store, fmt, out)


def documents(
    *, db: str | Path | Store | None = None, config: Config | None = None
) -> list[Document]:
    """Every stored document, in export order."""
    with _store(db, config) as store:
        return list(store.iter_documents())


def sources(
    *, db: str | Path | Store | None = None, config: Config | None = None
) -> dict[str, Any]:
    """The copy graph: ``{"documents", "derivations", "families", "independent_sources"}``.

    ``documents`` maps ids to ``{"source", "outlet", "title", "published"}``;
    ``derivations`` and ``families`` are as in the export; ``independent_sources``
    counts the families (documents that are not copies of each other).
    """
    with _store(db, config) as store:
        docs = {
            d.id: {
                "source": d.source,
                "outlet": d.outlet,
                "title": d.title,
                "published": d.published.value if d.published else None,
            }
            for d in store.iter_documents(kinds=("article", "post"))
        }
        families = store.get_section("families")
        return {
            "documents": docs,
            "derivations": store.get_section("derivations"),
            "families": families,
            "independent_sources": len(families),
        }


def stories(
    *, db: str | Path | Store | None = None, config: Config | None = None
) -> list[dict[str, Any]]:
    """Stories as in the export, each with its documents' source, outlet, title and date.

    Each story: ``{"id", "documents", "size", "title", "first_published",
    "last_published", "independent_sources", "members"}``, largest first. A member's
    ``lead`` is the start of its text (to tell untitled posts apart; not a title).
    """
    from storyline.evidence import clip

    with _store(db, config) as store:
        out = []
        for story in store.get_section("stories"):
            members = []
            for doc_id in story["documents"]:
                d = store.get_document(doc_id)
                if d is not None:
                    members.append({
                        "id": d.id, "source": d.source, "outlet": d.outlet, "title": d.title,
                        "published": d.published.value if d.published else None,
                        "lead": clip(d.text[:400], LEAD_CHARS),
                    })  # fmt: skip
            out.append({**story, "members": members})
        return sorted(out, key=lambda s: (-s["size"], s["id"]))


def entities(
    *, db: str | Path | Store | None = None, config: Config | None = None
) -> list[dict[str, Any]]:
    """Canonical entities as in the export, most mentioned first.

    Each: ``{"id", "name", "label", "aliases", "roles", "documents", "mentions"}``,
    every mention an evidence span.
    """
    with _store(db, config) as store:
        found = store.get_section("entities")
        return sorted(found, key=lambda e: (-len(e["mentions"]), e["name"], e["id"]))


def _sections(db: str | Path | Store | None, config: Config | None, *names: str) -> list[Any]:
    with _store(db, config) as store:
        return [store.get_section(n) for n in names]


def events(
    *,
    db: str | Path | Store | None = None,
    config: Config | None = None,
    entity: str | None = None,
    type: str | None = None,
    since: str | None = None,
    until: str | None = None,
    story: str | None = None,
) -> list[dict[str, Any]]:
    """Events (see docs/sections.md), filtered by entity (id or name), PLOVER type,
    date range (ISO dates, inclusive) and story, in timeline order."""
    from storyline.query import filter_events

    (found,) = _sections(db, config, "events")
    return filter_events(found, entity=entity, type=type, since=since, until=until, story=story)


def timeline(
    *,
    db: str | Path | Store | None = None,
    config: Config | None = None,
    entity: str | None = None,
    type: str | None = None,
    since: str | None = None,
    until: str | None = None,
    story: str | None = None,
) -> list[dict[str, Any]]:
    """Timeline entries (events by date, unknown dates last), filtered like :func:`events`."""
    from storyline.query import filter_timeline

    found, evts = _sections(db, config, "timeline", "events")
    return filter_timeline(
        found, evts, entity=entity, type=type, since=since, until=until, story=story
    )


def claims(
    *,
    db: str | Path | Store | None = None,
    config: Config | None = None,
    counted: str | None = None,
    story: str | None = None,
    speaker: str | None = None,
) -> list[dict[str, Any]]:
    """Numeric claims, filtered by what they count, story and who asserts them."""
    from storyline.query import filter_claims, story_index

    found, stories_ = _sections(db, config, "claims", "stories")
    return filter_claims(
        found, counted=counted, story=story, story_of=story_index(stories_), speaker=speaker
    )


def conflicts(
    *,
    db: str | Path | Store | None = None,
    config: Config | None = None,
    status: str | None = None,
    counted: str | None = None,
    story: str | None = None,
) -> list[dict[str, Any]]:
    """Groups of claims about one quantity: conflicts, corroborated and compatible figures."""
    from storyline.query import filter_conflicts, story_index

    found, stories_ = _sections(db, config, "conflicts", "stories")
    return filter_conflicts(
        found, status=status, counted=counted, story=story, story_of=story_index(stories_)
    )


def quotes(
    *,
    db: str | Path | Store | None = None,
    config: Config | None = None,
    speaker: str | None = None,
    story: str | None = None,
    kind: str | None = None,
) -> list[dict[str, Any]]:
    """Quotes, filtered by speaker (entity id or name, or "unknown"), story and kind."""
    from storyline.query import filter_quotes, story_index

    found, stories_ = _sections(db, config, "quotes", "stories")
    return filter_quotes(
        found, speaker=speaker, story=story, story_of=story_index(stories_), kind=kind
    )


def dataframe(
    section: str, *, db: str | Path | Store | None = None, config: Config | None = None
) -> Any:
    """One table of the export as a pandas DataFrame (needs the ``pandas`` extra).

    ``section`` is a table name of the CSV export (``documents``, ``events``,
    ``claims``...): the same columns, one row per item.
    """
    try:
        import pandas as pd
    except ImportError:
        from storyline.errors import MissingExtraError

        raise MissingExtraError("pandas is needed: pip install 'storyline[pandas]'") from None
    from storyline.outputs.export import table_rows

    with _store(db, config) as store:
        return pd.DataFrame(table_rows(store, section))


def report(
    out: str | Path,
    *,
    db: str | Path | Store | None = None,
    config: Config | None = None,
    title: str | None = None,
) -> Path:
    """Write the self-contained HTML report of the store to ``out``."""
    from storyline.outputs.report import write_report

    with _store(db, config) as store:
        return write_report(store, Path(out), title=title)


def clean(text: str, *, title: str | None = None) -> Document:
    """Run the ingest stages on one text on its own and return the document.

    Handy to evaluate cleaning and text metadata alone: the result's
    ``removed`` lists every cut, ``published``/``credited_sources`` what the text
    states.
    """
    from storyline.ingest.build import draft, finalize
    from storyline.ingest.record import RawRecord

    pipeline = build_pipeline(Config())
    return finalize(pipeline(draft(RawRecord(source="<text>", text=text, title=title))))
