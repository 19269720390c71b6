"""Export a store as JSON, JSON Lines, CSV or Parquet.

The JSON export is the reference form, described by the JSON Schema in
``outputs/schema/storyline-1.schema.json`` (see :func:`validate_export`). The
other formats carry the same data: JSONL as one typed record per line, CSV
and Parquet as one table per section.

Exports are deterministic: the same store gives byte-identical output, and no
timestamp or other run-dependent value is ever written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import IO, Any

from storyline.errors import StorylineError
from storyline.model import Document
from storyline.outputs.tables import CLAIM_COLUMNS, EVENT_COLUMNS, claim_rows, event_rows
from storyline.store.base import Store

SCHEMA_ID = "storyline/1"
SCHEMA_FILE = "storyline-1.schema.json"
FORMATS = ("json", "jsonl", "csv", "parquet")

SECTIONS = (
    "derivations", "families", "stories", "time_expressions", "entities", "events", "claims",
    "conflicts", "quotes", "timeline", "summary",
)  # fmt: skip
"""Stage result sections, in export order (read with ``Store.get_section``)."""

RECORD_TYPES = {
    "documents": "document", "derivations": "derivation", "families": "family", "stories": "story",
    "time_expressions": "time_expression",
    "entities": "entity", "events": "event", "claims": "claim", "conflicts": "conflict",
    "quotes": "quote", "timeline": "timeline_entry", "summary": "summary",
    "failures": "failure",
}  # fmt: skip
"""Section name → the ``type`` of its records in the JSONL export."""

DOCUMENT_COLUMNS = (
    "id", "kind", "source", "parent_id", "position", "url", "outlet", "credited_sources",
    "title", "author", "published", "published_precision", "language", "tags", "text",
)  # fmt: skip
"""Columns of the documents table (CSV and Parquet)."""

_LIST_COLUMNS = ("credited_sources", "tags")
_LIST_SEPARATOR = "; "

Out = IO[str] | IO[bytes] | str | Path | None

_FLAT_COLUMNS = {"events": EVENT_COLUMNS, "claims": CLAIM_COLUMNS}


# -- the data -------------------------------------------------------------------


def export_data(store: Store) -> dict[str, Any]:
    """The whole store in the JSON export form (valid against the schema).

    Returns:
        ``{"schema": "storyline/1", "documents": [...], <each section>: [...],
        "failures": [...]}`` with keys in that order.
    """
    data: dict[str, Any] = {"schema": SCHEMA_ID}
    data["documents"] = [doc.to_dict() for doc in store.iter_documents()]
    for name in SECTIONS:
        data[name] = store.get_section(name)
    data["failures"] = _failure_rows(store)
    return data


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON export, as a fresh dict."""
    text = resources.files("storyline.outputs").joinpath("schema", SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


def validate_export(data: dict[str, Any]) -> None:
    """Check a JSON export against the schema.

    Raises:
        jsonschema.ValidationError: the most relevant error found.
    """
    import jsonschema  # only needed here; keeps ``import storyline`` light

    jsonschema.Draft202012Validator(load_schema()).validate(data)


def _failure_rows(store: Store) -> list[dict[str, str]]:
    return [{"source": f.source, "stage": f.stage, "reason": f.reason} for f in store.failures()]


# -- the entry point --------------------------------------------------------------


def export(store: Store, fmt: str, out: Out = None) -> None:
    """Write the store in one format.

    Args:
        store: the store to export.
        fmt: ``json`` (one object), ``jsonl`` (one record per line, the first a
            header), ``csv`` or ``parquet`` (the documents table).
        out: None for standard output; a text or binary stream; a file path
            (written to a temporary file first, so a failed export leaves no
            half-written file). For ``csv`` and ``parquet``, an existing folder
            or a path ending in ``/`` gets one file per non-empty section
            (``documents.csv``, ``failures.csv``...).

    Raises:
        ValueError: unknown format, a folder for ``json``/``jsonl``, or a text
            stream for ``parquet``.
        OSError: the output cannot be written.

    Example::

        export(store, "json", "storyline.json")
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; valid: {', '.join(FORMATS)}")
    folder = _folder_of(out)
    if folder is not None:
        if fmt not in ("csv", "parquet"):
            raise ValueError(
                f"{fmt} export writes one file; give a file path, not the folder {out}"
            )
        _export_folder(store, fmt, folder)
    elif fmt == "parquet":
        with _binary_out(out) as stream:
            _write_parquet(_documents_table(store), stream)
    else:
        writers: dict[str, Callable[[Store, IO[str]], None]] = {
            "json": _write_json,
            "jsonl": _write_jsonl,
            "csv": _write_documents_csv,
        }
        with _text_out(out) as stream:
            writers[fmt](store, stream)


def _write_json(store: Store, stream: IO[str]) -> None:
    stream.write(json.dumps(export_data(store), ensure_ascii=False, indent=2))
    stream.write("\n")


def _write_jsonl(store: Store, stream: IO[str]) -> None:
    def line(record: dict[str, Any]) -> None:
        stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        stream.write("\n")

    line({"type": "header", "schema": SCHEMA_ID})
    for doc in store.iter_documents():
        line({"type": RECORD_TYPES["documents"], **doc.to_dict()})
    for name in SECTIONS:
        for item in store.get_section(name):
            # Stores refuse items with their own "type", so nothing is overwritten.
            line({"type": RECORD_TYPES[name], **item})
    for failure in _failure_rows(store):
        line({"type": RECORD_TYPES["failures"], **failure})


# -- tables (CSV and Parquet) -----------------------------------------------------


def _document_row(doc: Document) -> dict[str, Any]:
    d = doc.to_dict()
    return {column: d[column] for column in DOCUMENT_COLUMNS}


def _csv_cell(value: Any) -> str:
    """A CSV cell: strings as they are, None empty, anything else as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _write_csv(stream: IO[str], columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    writer = csv.writer(stream)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(column)) for column in columns])


def _write_documents_csv(store: Store, stream: IO[str]) -> None:
    def rows() -> Iterator[dict[str, Any]]:
        for doc in store.iter_documents():
            row = _document_row(doc)
            for column in _LIST_COLUMNS:
                row[column] = _LIST_SEPARATOR.join(row[column])
            yield row

    _write_csv(stream, DOCUMENT_COLUMNS, rows())


def _columns_of(items: Sequence[dict[str, Any]]) -> list[str]:
    """Every key of the items, in first-seen order (stable for the same items)."""
    return list(dict.fromkeys(key for item in items for key in item))


def _documents_table(store: Store) -> Any:
    import pyarrow as pa

    def arrow_type(column: str) -> Any:
        if column in _LIST_COLUMNS:
            return pa.list_(pa.string())
        return pa.int64() if column == "position" else pa.string()

    # An explicit schema: the column types hold even for an empty store.
    schema = pa.schema([(column, arrow_type(column)) for column in DOCUMENT_COLUMNS])
    rows = [_document_row(doc) for doc in store.iter_documents()]
    return pa.Table.from_pylist(rows, schema=schema)


def _items_table(items: Sequence[dict[str, Any]]) -> Any:
    """A Parquet table of section items, one column per key.

    A column whose values are all strings, all booleans, all integers or all
    numbers keeps that type; mixed or nested values are stored as JSON text,
    as in CSV, so the column type depends only on the data.
    """
    import pyarrow as pa

    columns = {}
    for column in _columns_of(items):
        values = [item.get(column) for item in items]
        types = {type(v) for v in values if v is not None}
        arrow_type = {
            frozenset({bool}): pa.bool_(),
            frozenset({int}): pa.int64(),
            frozenset({float}): pa.float64(),
            frozenset({int, float}): pa.float64(),
        }.get(frozenset(types), pa.string())
        if arrow_type == pa.string() and not types <= {str}:
            values = [None if v is None else _csv_cell(v) for v in values]
        try:
            columns[column] = pa.array(values, arrow_type)
        except OverflowError:
            # An integer beyond 64 bits: keep it exactly, as text.
            columns[column] = pa.array([None if v is None else str(v) for v in values])
    return pa.table(columns)


def _write_parquet(table: Any, stream: IO[bytes]) -> None:
    import pyarrow.parquet as pq

    pq.write_table(table, stream)


def table_rows(store: Store, name: str) -> list[dict[str, Any]]:
    """The rows of one table of the CSV/Parquet export.

    ``documents`` and ``failures`` are tables of their own; ``events`` and
    ``claims`` are flattened (:mod:`storyline.outputs.tables`); any other section
    is one row per item, nested values as JSON text in CSV.
    """
    if name == "documents":
        return [_document_row(d) for d in store.iter_documents()]
    if name == "failures":
        return _failure_rows(store)
    if name not in SECTIONS:
        tables = ", ".join(("documents", *SECTIONS, "failures"))
        raise StorylineError(f"no table {name!r}; tables: {tables}")
    items = store.get_section(name)
    if name == "events":
        urls = {d.id: d.url for d in store.iter_documents()} if items else {}
        return event_rows(items, urls)
    if name == "claims":
        return claim_rows(items)
    return items


def _export_folder(store: Store, fmt: str, folder: Path) -> None:
    """One file per non-empty section: ``documents.csv``, ``failures.csv``..."""
    folder.mkdir(parents=True, exist_ok=True)
    if store.count_documents():
        if fmt == "csv":
            with _text_out(folder / "documents.csv") as stream:
                _write_documents_csv(store, stream)
        else:
            with _binary_out(folder / "documents.parquet") as stream:
                _write_parquet(_documents_table(store), stream)
    for name in (*SECTIONS, "failures"):
        items = table_rows(store, name)
        if not items:
            continue
        if fmt == "csv":
            columns = _FLAT_COLUMNS.get(name) or _columns_of(items)
            with _text_out(folder / f"{name}.csv") as stream:
                _write_csv(stream, columns, items)
        else:
            with _binary_out(folder / f"{name}.parquet") as stream:
                _write_parquet(_items_table(items), stream)


# -- where the bytes go -----------------------------------------------------------


def _folder_of(out: Out) -> Path | None:
    """The folder ``out`` names (an existing folder, or a path ending in ``/``), or None."""
    if isinstance(out, str) and out.endswith(("/", os.sep)):
        return Path(out)
    if isinstance(out, str | Path) and Path(out).is_dir():
        return Path(out)
    return None


@contextmanager
def _atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A binary file that appears at ``path`` only once it is completely written."""
    # Not tempfile.mkstemp: it creates files readable by the owner only, and an
    # export should get the usual permissions.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def _binary_out(out: Out) -> Iterator[IO[bytes]]:
    if isinstance(out, str | Path):
        with _atomic_file(Path(out)) as f:
            yield f
    elif out is None:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            raise ValueError("standard output is not binary here; give parquet a file path")
        sys.stdout.flush()  # anything already printed must come first
        yield buffer
        buffer.flush()
    elif isinstance(out, io.TextIOBase):
        raise ValueError("parquet is binary: pass a path or a stream opened with 'wb'")
    else:
        yield out  # type: ignore[misc]


@contextmanager
def _text_out(out: Out) -> Iterator[IO[str]]:
    """A UTF-8 text stream on ``out``, whatever the locale says.

    ``newline=""`` everywhere: the csv module writes its own line ends, and
    JSON output should not change from one platform to another.
    """
    if out is None and not hasattr(sys.stdout, "buffer"):
        yield sys.stdout  # replaced by a text-only stream (an embedding app, a test)
        return
    if out is not None and not isinstance(out, str | Path | io.RawIOBase | io.BufferedIOBase):
        yield out  # type: ignore[misc]  # a text stream: write to it as it is
        return
    with _binary_out(out) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        try:
            yield text
        finally:
            text.detach()  # flushes, and leaves the underlying stream open
