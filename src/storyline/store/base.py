"""The store interface: where documents, failures and stage results live.

A :class:`Store` is deliberately narrow. Documents are keyed by their content
hash (``Document.id``), so adding the same document twice stores it once;
every write is one transaction, so a crash leaves the previous state intact.
Later stages keep their results as named *sections*: lists of JSON-able dicts
that the export reads back verbatim. A section may be kept in parts (one per
story, say) so an incremental run rewrites only the parts it changed
(:meth:`Store.update_section`).

Two implementations share this contract and its tests:
:class:`~storyline.store.sqlite.SQLiteStore` (one file, safe for several
processes) and :class:`~storyline.store.memory.MemoryStore` (dicts, for tests).
"""

from __future__ import annotations

import abc
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any

from storyline.model import Document, Failure

SCHEMA_VERSION = 3
"""The newest store schema this code knows (see ``sqlite.MIGRATIONS``)."""

DOCUMENT_KINDS = ("article", "page", "post")

RESERVED_SECTIONS = ("documents", "failures")
"""Names the store owns itself; a stage cannot overwrite them with ``put_section``."""

RESERVED_ITEM_KEYS = ("type",)
"""Keys a section item may not use: the JSONL export writes the record type there."""

_SECTION_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_SURROGATE = re.compile("[\ud800-\udfff]")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def take_lock(lock: Any, on_wait: Callable[[], None] | None = None) -> None:
    """Take ``lock`` (``acquire(blocking=...)``: a ``threading.RLock`` or a
    ``filelock.FileLock``) at once if it is free, else call ``on_wait`` and wait for it
    (how :meth:`Store.exclusive` takes an in-process or a file lock)."""
    try:
        free = lock.acquire(blocking=False) is not False  # an RLock answers False
    except TimeoutError:  # a FileLock held elsewhere (filelock.Timeout)
        free = False
    if not free:
        if on_wait is not None:
            on_wait()
        lock.acquire()


class Store(abc.ABC):
    """Storage for documents, input bookkeeping, failures and result sections.

    Use as a context manager so the store is closed on the way out::

        with open_store("storyline.db") as store:
            store.add_documents(docs, input_source="a.html", input_digest=digest)

    Every method raises :class:`~storyline.errors.StoreError` when the store
    is closed or the backend fails, and ``ValueError``/``TypeError`` for bad
    arguments (before anything is written).
    """

    # -- documents and inputs -------------------------------------------------

    @abc.abstractmethod
    def add_documents(
        self,
        docs: Sequence[Document],
        *,
        input_source: str | None = None,
        input_digest: str | None = None,
        failures: Sequence[Failure] = (),
    ) -> int:
        """Store the documents of one input, in one atomic transaction.

        Documents whose id is already stored are left untouched (never
        duplicated, never overwritten). When ``input_source`` and
        ``input_digest`` are both given the input is marked done (see
        :meth:`input_done`) with ``len(docs)`` as its document count. When
        ``input_source`` is given, the failures stored for that input (its own
        source, or a record of it: ``f"{input_source}#..."``) are replaced by
        ``failures``; without it, ``failures`` are added (a failure with the same
        source replaces the old one).

        Args:
            docs: the documents read from the input.
            input_source: the path or URL of the input.
            input_digest: a digest of the input's content, to detect changes.
            failures: records of the input that could not be read.

        Returns:
            How many documents were new.

        Raises:
            TypeError: an item of ``docs`` or ``failures`` has the wrong type.
            ValueError: a string holds a lone surrogate (from
                ``errors="surrogateescape"``), or a position does not fit 64 bits.
        """

    @abc.abstractmethod
    def record_failure(self, failure: Failure, *, input_digest: str | None = None) -> None:
        """Record that an input failed as a whole.

        The failure replaces every failure stored for that input (its source
        and its records); documents are not touched. ``input_digest`` is kept
        with the failure for audit; a failed input never counts as done.

        Raises:
            ValueError: a string holds a lone surrogate.
        """

    @abc.abstractmethod
    def input_done(self, source: str, digest: str) -> bool:
        """True when this exact input (source and content digest) was stored before."""

    @abc.abstractmethod
    def get_document(self, doc_id: str) -> Document | None:
        """The document with this id, or None."""

    @abc.abstractmethod
    def iter_documents(self, *, kinds: Iterable[str] | None = None) -> Iterator[Document]:
        """Every document (of the given kinds), ordered by (source, position, id).

        Raises:
            ValueError: a kind is not one of ``article``, ``page``, ``post``.
        """

    @abc.abstractmethod
    def count_documents(self, *, kinds: Iterable[str] | None = None) -> int:
        """How many documents (of the given kinds) are stored."""

    @abc.abstractmethod
    def failures(self) -> list[Failure]:
        """Every stored failure, sorted by source."""

    # -- result sections ------------------------------------------------------

    @abc.abstractmethod
    def put_section(self, name: str, items: Sequence[dict[str, Any]]) -> None:
        """Replace a named result section (``"stories"``, ``"entities"``...).

        Items are stored as JSON, so what :meth:`get_section` returns is what a
        JSON round trip gives (tuples become lists). Key order is kept.

        Raises:
            ValueError: the name is not a lowercase identifier or is reserved
                (``documents``, ``failures``); an item is not a JSON-able dict or
                uses the reserved key ``type``.
        """

    @abc.abstractmethod
    def update_section(
        self,
        name: str,
        items: Sequence[dict[str, Any]],
        *,
        parts: Sequence[str],
        sort_keys: Sequence[str],
        keep: Collection[str],
    ) -> None:
        """Replace the parts of a section that are not in ``keep``, in one transaction.

        A section written this way is a set of parts (a story's items, say) that can be
        replaced one by one: the stored items of the parts in ``keep`` stay as they are,
        every other stored item (those written by :meth:`put_section` too) goes, and
        ``items`` are added, ``items[i]`` to part ``parts[i]``. :meth:`get_section`
        returns the items ordered by their ``sort_keys`` (code point order), items with
        equal keys in the order they were added. So writing every part at once and
        writing them over several updates give the same section.

        Raises:
            ValueError: as :meth:`put_section`; or ``parts`` or ``sort_keys`` is not
                one string per item.
        """

    @abc.abstractmethod
    def get_section(self, name: str) -> list[dict[str, Any]]:
        """The items of a section, in stored order; an empty list if never set."""

    # -- per-document features (derived, rebuildable caches) -------------------

    @abc.abstractmethod
    def put_features(self, name: str, values: Mapping[str, bytes]) -> None:
        """Store one named feature (``"minhash"``...) for some documents, replacing old values.

        Features are caches computed from a document's text (signatures, hashes): a
        corpus stage computes them once per document and later runs reuse them.

        Raises:
            ValueError: the name is not a lowercase identifier, or a value is not bytes.
        """

    @abc.abstractmethod
    def get_features(self, name: str, ids: Iterable[str] | None = None) -> dict[str, bytes]:
        """Stored values of one feature, by document id (all documents, or only ``ids``)."""

    # -- coordination ---------------------------------------------------------

    @abc.abstractmethod
    def exclusive(
        self, name: str, *, on_wait: Callable[[], None] | None = None
    ) -> AbstractContextManager[None]:
        """Hold the lock ``name`` of this store until the block ends, waiting while
        another process (or another store object on the same data) holds it.

        Writes from elsewhere go on meanwhile: the lock only keeps two holders of the
        same name apart (the corpus stage takes ``"corpus"``, so two runs never write
        their corpus sections at once). Reentrant within one store object.

        Args:
            name: the lock.
            on_wait: called once, before waiting, when the lock is held elsewhere.
        """

    # -- lifecycle ------------------------------------------------------------

    @property
    @abc.abstractmethod
    def schema_version(self) -> int:
        """The schema version of the stored data."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the store; calling it twice is harmless."""

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


# -- argument checks shared by the implementations ---------------------------


def check_documents(docs: Sequence[Document]) -> None:
    """Raise unless every item is a :class:`Document` that any store can keep.

    Raises:
        TypeError: an item is not a Document.
        ValueError: a string holds a lone surrogate (not valid Unicode), or the
            position does not fit in 64 bits.
    """
    for i, doc in enumerate(docs):
        if not isinstance(doc, Document):
            raise TypeError(f"docs[{i}] is a {type(doc).__name__}, expected a Document")
        if not _INT64_MIN <= doc.position <= _INT64_MAX:
            raise ValueError(f"docs[{i}] ({doc.id}): position {doc.position} does not fit 64 bits")
        for name, value in _strings_of(doc):
            check_unicode(value, f"docs[{i}] ({doc.id}) field {name}")


def check_input(input_source: str | None, input_digest: str | None) -> None:
    """Raise ValueError when the input's name or digest is not valid Unicode."""
    for value in (input_source, input_digest):
        if value is not None:
            check_unicode(value, f"input {value!r}")


def check_failures(failures: Sequence[Failure]) -> None:
    """Raise TypeError unless every item is a :class:`Failure` (ValueError: bad Unicode)."""
    for i, failure in enumerate(failures):
        if not isinstance(failure, Failure):
            raise TypeError(f"failures[{i}] is a {type(failure).__name__}, expected a Failure")
        for value in (failure.source, failure.reason, failure.stage):
            check_unicode(value, f"failures[{i}] ({failure.source!r})")


def check_unicode(value: str, where: str) -> None:
    """Raise ValueError when ``value`` holds a lone surrogate.

    Such strings exist in Python (``errors="surrogateescape"``) but cannot be
    written as UTF-8, so SQLite and every export would fail on them later.
    """
    match = _SURROGATE.search(value)
    if match:
        raise ValueError(
            f"{where}: lone surrogate {match.group()!r} at {match.start()} is not valid Unicode"
        )


_STRING_FIELDS = (
    "id", "source", "text", "kind", "parent_id", "url", "outlet", "title", "author", "language",
)  # fmt: skip


def _strings_of(doc: Document) -> Iterator[tuple[str, str]]:
    """Every string a document holds, with the name of its field."""
    for name in _STRING_FIELDS:
        value = getattr(doc, name)
        if value is not None:
            yield name, value
    if doc.published is not None:
        yield "published", doc.published.value
        yield "published", doc.published.method
    for value in doc.credited_sources:
        yield "credited_sources", value
    for value in doc.tags:
        yield "tags", value
    for removal in doc.removed:
        yield "removed", removal.text
        yield "removed", removal.reason
    for pair in doc.provenance:
        yield from (("provenance", value) for value in pair)


def check_kinds(kinds: Iterable[str] | None) -> tuple[str, ...] | None:
    """Validate a ``kinds`` filter; None means every kind."""
    if kinds is None:
        return None
    if isinstance(kinds, str):
        # A bare string would be read as its characters: a common slip.
        kinds = (kinds,)
    kinds = tuple(kinds)
    for kind in kinds:
        if kind not in DOCUMENT_KINDS:
            raise ValueError(f"unknown document kind {kind!r}; valid: {', '.join(DOCUMENT_KINDS)}")
    return kinds


def check_features(name: str, values: Mapping[str, bytes]) -> None:
    """Validate a feature name and its values (see :meth:`Store.put_features`)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name or ""):
        raise ValueError(f"feature name {name!r} must be a lowercase identifier")
    for doc_id, value in values.items():
        if not isinstance(doc_id, str) or not isinstance(value, bytes | bytearray | memoryview):
            raise ValueError(f"feature {name!r}: values must be bytes keyed by document id")


def check_section_name(name: str) -> str:
    """Validate a section name: a lowercase identifier that the store does not own."""
    if not isinstance(name, str) or not _SECTION_NAME.fullmatch(name):
        raise ValueError(f"bad section name {name!r}: use a lowercase identifier such as 'stories'")
    if name in RESERVED_SECTIONS:
        raise ValueError(f"section name {name!r} is reserved for the store itself")
    return name


def encode_section(name: str, items: Sequence[dict[str, Any]]) -> list[str]:
    """Check and JSON-encode the items of a section, one string per item.

    Both stores keep items in this form, so they accept and return the same
    things.
    """
    check_section_name(name)
    if isinstance(items, dict | str | bytes):
        raise ValueError(f"section {name!r}: items must be a sequence of dicts")
    encoded: list[str] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValueError(f"section {name!r} item {i} is a {type(item).__name__}, not a dict")
        for key in RESERVED_ITEM_KEYS:
            if key in item:
                raise ValueError(
                    f"section {name!r} item {i} uses the reserved key {key!r} "
                    "(the JSONL export writes the record type there); rename it, e.g. 'label'"
                )
        try:
            # allow_nan=False: NaN is not JSON, and the export must stay valid JSON.
            text = json.dumps(item, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise ValueError(f"section {name!r} item {i} is not JSON-able: {e}") from None
        check_unicode(text, f"section {name!r} item {i}")
        encoded.append(text)
    return encoded


def check_parts(
    name: str, items: Sequence[dict[str, Any]], parts: Sequence[str], sort_keys: Sequence[str]
) -> None:
    """Validate the parts and sort keys of :meth:`Store.update_section`: one string each
    per item, valid Unicode without NUL (PostgreSQL text cannot hold it)."""
    for what, values in (("parts", parts), ("sort_keys", sort_keys)):
        if isinstance(values, str) or len(values) != len(items):
            raise ValueError(f"section {name!r}: {what} must hold one string per item")
        for i, value in enumerate(values):
            if not isinstance(value, str) or "\x00" in value:
                raise ValueError(f"section {name!r}: {what}[{i}] must be a string without NUL")
            check_unicode(value, f"section {name!r} {what}[{i}]")


def belongs_to(failure_source: str, input_source: str) -> bool:
    """True when a failure's source is the input itself or one record of it."""
    return failure_source == input_source or failure_source.startswith(f"{input_source}#")
