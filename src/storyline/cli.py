"""The ``storyline`` command: a thin layer over :mod:`storyline.api`.

Exit codes: 0 everything worked; 1 some inputs failed (the rest was stored);
2 nothing could be done (bad arguments, config or store).
"""

from __future__ import annotations

import importlib
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import click

from storyline import api
from storyline.config import Config, load_config
from storyline.errors import StorylineError
from storyline.model import IngestReport
from storyline.outputs.terminal import terminal_safe

DB_OPTION = click.option(
    "--db",
    default=None,
    envvar="STORYLINE_DB",
    help="Store: a SQLite file, or a postgresql://user:pass@host/db[?schema=NAME] URL "
    "(default: storyline.db, or $STORYLINE_DB).",
)
CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="TOML config file (see docs/config.md).",
)


def echo(message: Any = None, **kwargs: Any) -> None:
    """``click.echo`` of text made safe for the terminal (article text is hostile)."""
    if isinstance(message, str):
        message = terminal_safe(message)
    click.echo(message, **kwargs)


class Fatal(click.ClickException):
    exit_code = 2

    def format_message(self) -> str:
        return terminal_safe(self.message)  # it may name a hostile file or quote its text

    def show(self, file: Any = None) -> None:
        echo(f"storyline: error: {self.format_message()}", err=True)


def _config(path: Path | None) -> Config:
    try:
        return load_config(path)
    except StorylineError as e:
        raise Fatal(str(e)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="storyline")
def cli() -> None:
    """Turn a pile of news articles about one story into evidence-linked structure."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@DB_OPTION
@CONFIG_OPTION
@click.option("--quiet", "-q", is_flag=True, help="Print failures only, no summary.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar (default: when the terminal is interactive).",
)
@click.option(
    "--dask",
    "dask",
    default=None,
    metavar="CLUSTER",
    help="Run on Dask: local:N (N worker processes) or tcp://scheduler:8786 (needs the "
    "dask extra).",
)
def analyze(
    paths: tuple[str, ...],
    db: str | None,
    config_path: Path | None,
    quiet: bool,
    progress: bool | None,
    dask: str | None,
) -> None:
    """Ingest PATHS (files, folders, URLs) into the store and run every stage.

    Re-running on the same inputs adds nothing twice; an interrupted run resumes.
    """
    config = _config(config_path)
    report = _run_analyze(list(paths), db, config, quiet=quiet, progress=progress, dask=dask)
    sys.exit(0 if report.ok else 1)


def _run_analyze(
    paths: list[str],
    db: str | None,
    config: Config,
    *,
    quiet: bool,
    progress: bool | None,
    dask: str | None = None,
) -> IngestReport:
    show_bar = sys.stderr.isatty() if progress is None else progress
    where = db or config.store.path

    def waiting() -> None:
        if not quiet:
            echo(f"storyline: waiting for another run's corpus stage on {_shown(where)}", err=True)

    try:
        if show_bar:
            from storyline.ingest.sources import iter_inputs

            total = sum(1 for _ in iter_inputs(paths, config))  # a cheap walk, for the bar
            with click.progressbar(
                length=total, label="Ingesting", file=sys.stderr, show_pos=True
            ) as bar:
                report = api.analyze(
                    paths,
                    db=db,
                    config=config,
                    progress=lambda _item: bar.update(1),
                    dask=dask,
                    on_wait=waiting,
                )
        else:
            report = api.analyze(paths, db=db, config=config, dask=dask, on_wait=waiting)
    except StorylineError as e:
        raise Fatal(str(e)) from None
    for f in report.failures:
        echo(f"storyline: {f.source}: {f.reason}", err=True)
    if not quiet:
        echo(_summary(report, db or config.store.path), err=True)
    return report


def _summary(report: IngestReport, db: str | Path) -> str:
    known = report.documents_seen - report.documents_added
    lines = [
        f"{report.inputs} input(s): {report.documents_added} new document(s)"
        + (f", {known} already stored" if known else "")
        + (f", {report.skipped} unchanged input(s) skipped" if report.skipped else "")
        + f"; store: {_shown(db)}",
    ]
    if report.failures:
        lines.append(f"{len(report.failures)} failure(s), listed above.")
    return "\n".join(lines)


@cli.command()
@DB_OPTION
@CONFIG_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "csv", "parquet"]),
    default="json",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--out",
    type=click.Path(),
    default=None,
    help="Output file, or a folder (existing, or ending in /) for one file per table "
    "(default: standard output).",
)
def export(db: str | None, config_path: Path | None, fmt: str, out: str | None) -> None:
    """Write everything in the store as JSON, JSONL, CSV or Parquet."""
    config = _config(config_path)
    _require_store(db, config)
    if fmt == "parquet" and out is None and sys.stdout.isatty():
        raise Fatal("Parquet is binary: give --out FILE or pipe the output")
    try:
        api.export(fmt, db=db, out=out, config=config)
    except StorylineError as e:
        raise Fatal(str(e)) from None


@cli.command()
@DB_OPTION
@CONFIG_OPTION
def status(db: str | None, config_path: Path | None) -> None:
    """Show what the store holds and which inputs failed."""
    from storyline.store import open_store

    config = _config(config_path)
    path = _require_store(db, config)
    try:
        with open_store(path) as store:
            counts = {k: store.count_documents(kinds=[k]) for k in ("article", "post", "page")}
            failures = store.failures()
    except StorylineError as e:
        raise Fatal(str(e)) from None
    echo(f"store: {path}")
    echo("documents: " + ", ".join(f"{n} {k}(s)" for k, n in counts.items()))
    echo(f"failures: {len(failures)}")
    for f in failures:
        echo(f"  {f.source}: {f.reason}")


@cli.command()
@DB_OPTION
@CONFIG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the copy graph as JSON.")
def sources(db: str | None, config_path: Path | None, as_json: bool) -> None:
    """Show the copy graph: who reposts whom, and how many independent sources there are."""
    graph = _query(api.sources, db, config_path, as_json)
    if graph is None:
        return
    docs = graph["documents"]
    echo(
        f"{len(docs)} document(s), {graph['independent_sources']} independent source(s), "
        f"{len(graph['derivations'])} derivation(s)"
    )
    for fam in graph["families"]:
        if fam["size"] < 2:
            continue
        credits = ", ".join(fam["credited_sources"])
        echo(
            f"\nfamily {fam['id'][:12]} ({fam['size']} documents)"
            + (f", credits: {credits}" if credits else "")
        )
        for doc_id in fam["documents"]:
            echo(f"  {doc_id[:12]}  {_label(docs[doc_id])}")
        members = set(fam["documents"])
        for d in graph["derivations"]:
            if d["source_id"] not in members:
                continue
            arrow = "--" if d["direction"] == "unknown" else "->"
            evidence = "; ".join(d["direction_evidence"])
            echo(
                f"    {d['source_id'][:12]} {arrow} {d['derived_id'][:12]}  {d['relation']}"
                f" (shared {d['shared_source']:.0%} / {d['shared_derived']:.0%}"
                + (f"; {d['direction']}: {evidence}" if evidence else "")
                + ")"
            )


@cli.command()
@DB_OPTION
@CONFIG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the stories as JSON.")
def stories(db: str | None, config_path: Path | None, as_json: bool) -> None:
    """List stories: documents about the same event or development, largest first."""
    found = _query(api.stories, db, config_path, as_json)
    if found is None:
        return
    echo(f"{len(found)} stor{'y' if len(found) == 1 else 'ies'}")
    for story in found:
        dates = " to ".join(dict.fromkeys(
            d for d in (story["first_published"], story["last_published"]) if d
        ))  # fmt: skip
        leads = [m["lead"] for m in story["members"] if m.get("lead")]
        untitled = f"(untitled) \u201c{leads[0]}\u201d" if leads else "(untitled)"
        echo(
            f"\n{story['id'][:18]}  {story['title'] or untitled}\n"
            f"  {story['size']} document(s), {story['independent_sources']} independent "
            f"source(s)" + (f", {dates}" if dates else "")
        )
        for m in story["members"]:
            echo(f"    {m['id'][:12]}  {_label(m)}")


@cli.command(name="eval")
@click.option(
    "--datasets",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="STORYLINE_DATASETS",
    help="Folder holding the evaluation datasets (default: ../shared/datasets, or "
    "$STORYLINE_DATASETS).",
)
@click.option(
    "--task",
    type=click.Choice(
        ["stories", "timex", "entities", "events", "event_typing", "numbers", "claims_quotes"]
    ),
    multiple=True,
    help="What to evaluate (default: everything).",
)
def eval_command(datasets: Path | None, task: tuple[str, ...]) -> None:
    """Score storyline against gold data, each task beside its baseline in the same run."""
    from storyline.evaluate.harness import datasets_dir

    root = datasets_dir(datasets)
    if not root.is_dir():
        raise Fatal(f"no datasets folder at {root}; give --datasets DIR")
    titles = {
        "stories": "Story clustering (ECB+)",
        "timex": "Time expressions (TempEval-3)",
        "entities": "Cross-document entity coreference (ECB+)",
        "events": "Cross-document event coreference (ECB+)",
        "event_typing": "Event typing (storyline's own set)",
        "numbers": "Numbers (quantulum3 tests and storyline's news set)",
        "claims_quotes": "Claims and quotes (storyline's own set)",
    }
    for name in task or tuple(titles):
        module = importlib.import_module(f"storyline.evaluate.{name}")
        try:
            result = module.run(root)
        except (FileNotFoundError, ImportError) as e:
            raise Fatal(f"{name}: {e}") from None
        echo(f"## {titles[name]}\n")
        echo(module.markdown(result) + "\n")


@cli.command()
@DB_OPTION
@CONFIG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the entities as JSON.")
@click.option("--label", help="Only entities of this type (PERSON, ORG, GPE, LOC, FAC, NORP).")
@click.option("--limit", type=int, default=50, show_default=True, help="How many to list.")
def entities(
    db: str | None, config_path: Path | None, as_json: bool, label: str | None, limit: int
) -> None:
    """List canonical entities with their aliases and counts, most mentioned first."""
    found = _query(api.entities, db, config_path, as_json)
    if found is None:
        return
    if label:
        found = [e for e in found if e["label"] == label.upper()]
    echo(f"{len(found)} entit{'y' if len(found) == 1 else 'ies'}")
    for e in found[:limit]:
        aliases = ", ".join(f"{a['text']} ({a['count']})" for a in e["aliases"])
        echo(
            f"  {e['label']:<6} {e['name']}  [{len(e['mentions'])} mentions, "
            f"{len(e['documents'])} documents]  {aliases}"
        )


def _label(doc: dict[str, Any]) -> str:
    lead = f"\u201c{doc['lead']}\u201d" if doc.get("lead") else None
    parts = [doc.get("outlet"), doc.get("published"), doc.get("title") or lead or doc["source"]]
    return " | ".join(p for p in parts if p)


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("storyline-demo"),
    show_default=True,
    help="Folder for the demo store and its export.",
)
def demo(out: Path) -> None:
    """Analyse the small demo corpus that ships with storyline and say where the results are."""
    out.mkdir(parents=True, exist_ok=True)
    db = out / "demo.db"
    corpus = resources.files("storyline.demo").joinpath("corpus")
    with resources.as_file(corpus) as corpus_path:
        echo(f"Analysing the demo corpus in {corpus_path} ...", err=True)
        report = _run_analyze([str(corpus_path)], db, Config(), quiet=False, progress=False)
    export_path = out / "demo.json"
    api.export("json", db=db, out=export_path)
    graph = api.sources(db=db)
    found = api.stories(db=db)
    echo(
        f"Found:  {len(graph['documents'])} documents, {len(found)} stories, "
        f"{len(graph['derivations'])} reuse relation(s), "
        f"{graph['independent_sources']} independent sources"
    )
    echo(f"Store:  {db}")
    echo(f"Export: {export_path}")
    echo(f"Try:    storyline stories --db {db}")
    echo(f"        storyline sources --db {db}")
    sys.exit(0 if report.ok else 1)


def _query(fn: Any, db: str | None, config_path: Path | None, as_json: bool) -> Any:
    """Call a read-only API function on an existing store; print JSON and return None
    when ``as_json``, else return the result for the caller to render."""
    config = _config(config_path)
    path = _require_store(db, config)
    try:
        result = fn(db=path, config=config)
    except StorylineError as e:
        raise Fatal(str(e)) from None
    if as_json:
        echo(json.dumps(result, ensure_ascii=False, indent=2))
        return None
    return result


def _shown(target: str | Path) -> str:
    """A store location fit to print: a URL's password is masked."""
    from storyline.store.postgres_schema import redact

    return redact(str(target)) if "://" in str(target) else str(target)


def _require_store(db: str | None, config: Config) -> str:
    path = str(db or config.store.path)
    if "://" in path:
        return path  # a server: opening it says whether it is there
    if not Path(path).exists():
        raise Fatal(f"no store at {path}; run 'storyline analyze PATH --db {path}' first")
    return path


def main() -> None:
    """Entry point of the ``storyline`` command."""
    cli(prog_name="storyline")


# The result commands (events, timeline, claims, conflicts, quotes, report, serve)
# live in their own module; importing it registers them on the group.
from storyline import cli_results  # noqa: E402,F401
