"""The PostgreSQL store's schema and how values map onto it.

:data:`MIGRATIONS` holds the DDL, numbered as ``sqlite.MIGRATIONS``. Strings
are ``text COLLATE "C"`` (code point order, as in SQLite and Python).
PostgreSQL text cannot hold NUL, so :func:`esc` rewrites ``\\x00`` and
``\\x01`` in a way that keeps that order; JSON is stored as text (``jsonb``
would reorder keys and refuse ``\\u0000``). Nothing here imports psycopg.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from storyline.errors import StoreError
from storyline.model import Document, Published
from storyline.store.base import SCHEMA_VERSION

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
DOCUMENT_COLUMNS = (
    "id", "kind", "parent_id", "source", "position", "url", "outlet", "title", "author",
    "published", "published_precision", "published_method", "language",
    "credited_sources", "tags", "removed", "provenance", "text",
)  # fmt: skip
_JSON_COLUMNS = ("credited_sources", "tags", "removed", "provenance")
_TEXT = 'text COLLATE "C"'

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        f"CREATE TABLE meta (key {_TEXT} PRIMARY KEY, value text NOT NULL)",
        f"""CREATE TABLE documents (
            id {_TEXT} PRIMARY KEY, kind {_TEXT} NOT NULL, parent_id {_TEXT},
            source {_TEXT} NOT NULL, position bigint NOT NULL, url {_TEXT}, outlet {_TEXT},
            title {_TEXT}, author {_TEXT}, published {_TEXT}, published_precision {_TEXT},
            published_method {_TEXT}, language {_TEXT}, credited_sources text NOT NULL,
            tags text NOT NULL, removed text NOT NULL, provenance text NOT NULL,
            text {_TEXT} NOT NULL
        )""",
        "CREATE INDEX documents_order ON documents (source, position, id)",
        f"""CREATE TABLE inputs (
            source {_TEXT} NOT NULL, digest {_TEXT} NOT NULL, n_documents integer NOT NULL,
            done_at bigint NOT NULL, PRIMARY KEY (source, digest)
        )""",
        f"""CREATE TABLE failures (
            source {_TEXT} PRIMARY KEY, stage {_TEXT} NOT NULL, reason {_TEXT} NOT NULL,
            input_source {_TEXT}, input_digest {_TEXT}
        )""",
        "CREATE INDEX failures_input ON failures (input_source)",
        f"""CREATE TABLE sections (
            name {_TEXT} NOT NULL, seq integer NOT NULL, item text NOT NULL,
            PRIMARY KEY (name, seq)
        )""",
    ),
    2: (
        f"""CREATE TABLE features (
            name {_TEXT} NOT NULL, doc_id {_TEXT} NOT NULL, value bytea NOT NULL,
            PRIMARY KEY (name, doc_id)
        )""",
    ),
    3: (
        f"ALTER TABLE sections ADD COLUMN part {_TEXT}",
        f"ALTER TABLE sections ADD COLUMN sort_key {_TEXT} NOT NULL DEFAULT ''",
        "CREATE INDEX sections_part ON sections (name, part)",
    ),
}
"""Version → the statements that upgrade a database from the version before it.

The same numbering as ``sqlite.MIGRATIONS``: add a schema change to both (and
bump ``base.SCHEMA_VERSION``); never edit a released migration.
"""
assert max(MIGRATIONS) == SCHEMA_VERSION, "a migration is missing for SCHEMA_VERSION"


def split_schema(url: str, schema: str | None) -> tuple[str, str | None]:
    """Take a ``schema`` query parameter out of the URL; check the schema name."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    in_url = [v for k, v in query if k == "schema"]
    if in_url:
        if schema is not None and schema != in_url[-1]:
            raise StoreError(f"two schemas given: {in_url[-1]!r} in the URL and {schema!r}")
        schema = in_url[-1]
        rest = urlencode([(k, v) for k, v in query if k != "schema"])
        url = urlunsplit(parts._replace(query=rest))
    if schema is not None and not _SCHEMA_NAME.fullmatch(schema):
        raise StoreError(f"bad schema name {schema!r}: use a lowercase identifier")
    return url, schema


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def lock_key(kind: str, name: str | None) -> int:
    """A signed 64-bit advisory lock key for one thing in one schema."""
    digest = hashlib.blake2b(f"storyline/{kind}/{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


_UNESCAPE = re.compile("\x01[\x01\x02]")


def esc(value: str) -> str:
    """Make a string storable as PostgreSQL text, keeping its sort order.

    ``\\x00`` becomes ``\\x01\\x01`` and ``\\x01`` becomes ``\\x01\\x02``: a
    prefix-free code whose order matches the characters', so ``ORDER BY`` and
    prefix tests on escaped strings agree with Python on the originals.
    """
    if "\x00" in value or "\x01" in value:
        return value.replace("\x01", "\x01\x02").replace("\x00", "\x01\x01")
    return value


def unesc(value: str) -> str:
    """The inverse of :func:`esc`."""
    if "\x01" not in value:
        return value
    return _UNESCAPE.sub(lambda m: "\x00" if m.group() == "\x01\x01" else "\x01", value)


def opt(value: str | None) -> str | None:
    return None if value is None else esc(value)


def by_id(doc: Document) -> str:
    return doc.id


def encode_row(doc: Document) -> tuple[Any, ...]:
    """A document as a row of ``documents`` (as ``sqlite._encode``, strings escaped)."""
    row = doc.to_dict()
    row["published_method"] = doc.published.method if doc.published else None
    row["provenance"] = [list(pair) for pair in doc.provenance]
    for column in _JSON_COLUMNS:
        # json.dumps writes NUL as \\u0000: JSON text never needs escaping.
        row[column] = json.dumps(row[column], ensure_ascii=False)
    return tuple(
        row[c] if c in _JSON_COLUMNS or c == "position" else opt(row[c]) for c in DOCUMENT_COLUMNS
    )


def decode_row(row: Sequence[Any]) -> Document:
    """The inverse of :func:`encode_row`."""
    d = dict(zip(DOCUMENT_COLUMNS, row, strict=True))
    for column in DOCUMENT_COLUMNS:
        if column in _JSON_COLUMNS:
            d[column] = json.loads(d[column])
        elif isinstance(d[column], str):
            d[column] = unesc(d[column])
    provenance = tuple((str(name), str(how)) for name, how in d["provenance"])
    d["provenance"] = dict(provenance)
    published = None
    if d["published"] is not None:
        published = Published(d["published"], d["published_precision"], d["published_method"])
    return dataclasses.replace(Document.from_dict(d), published=published, provenance=provenance)
