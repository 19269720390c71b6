"""Pure per-input and per-document work, run by any executor (Dask workers included).

Nothing here touches a store: each function takes inputs or documents and returns
plain values (documents, failures, feature bytes) that the caller stores with the
same calls :func:`storyline.api.analyze` and :func:`storyline.corpus.run.update_corpus`
use, so ids, skip-if-done, failure records and cached features are identical.
Every function is a module-level function of picklable arguments; models load once
per process (:func:`storyline.nlp.model.load_nlp` caches them).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.config import Config
from storyline.corpus.run import derivation_features, english, mentions_feature, timex_bytes
from storyline.errors import IngestError
from storyline.ingest.build import build_loaded
from storyline.ingest.sources import Input, Loaded, load
from storyline.model import Document, Failure

TIMEX_FEATURE = "timex_v1"
"""The time-expression feature (as in ``corpus.run.update_time_expressions``)."""


@dataclass(frozen=True, slots=True)
class InputResult:
    """What reading one input gave.

    Attributes:
        input: the input.
        digest: sha256 of its bytes; None when it could not be loaded.
        docs: its documents, with ``source`` and ``position`` set.
        failures: records that failed; or the one failure of an unloadable input.
    """

    input: Input
    digest: str | None
    docs: tuple[Document, ...]
    failures: tuple[Failure, ...]


ToBuild = Loaded | Input | InputResult
"""One input of a partition as the driver hands it over: its bytes, read already; a URL to
fetch; or the failure reading it gave."""


def load_for_workers(inp: Input, config: Config) -> ToBuild:
    """What the driver hands over for ``inp``: a file's bytes (so workers need not see
    the driver's files), a URL as it is (fetched where the work runs), or the failure
    of a file that cannot be read."""
    return inp if inp.url is not None else _load(inp, config)


def build_partition(items: Sequence[ToBuild], config: Config) -> list[InputResult]:
    """Read and build a partition of inputs, in order (one pipeline for all), as
    ``api._ingest_one`` does without storing: bytes the driver read are built, URLs
    fetched and built here, failures passed on.

    Raises:
        StageError: only with ``pipeline.on_error = "raise"``.
    """
    from storyline.pipeline import build_pipeline

    pipeline = build_pipeline(config)
    out = []
    for item in items:
        got = _load(item, config) if isinstance(item, Input) else item
        if isinstance(got, Loaded):
            docs, failures = build_loaded(got, config, pipeline)
            got = InputResult(got.input, got.digest, tuple(docs), tuple(failures))
        out.append(got)
    return out


def _load(inp: Input, config: Config) -> Loaded | InputResult:
    """An input's bytes, or the failure loading them gave."""
    try:
        return load(inp, config)
    except IngestError as e:
        return InputResult(inp, None, (), (Failure(e.source, e.reason),))


def storyline_version() -> str:
    """The storyline version this process runs (asked of each worker before a run)."""
    from storyline import __version__

    return __version__


def language_enabled(config: Config) -> bool:
    """Whether ``update_language`` computes its per-document feature."""
    return config.events.enabled or config.claims.enabled or config.quotes.enabled


def parse_feature(config: Config) -> str:
    """The parse feature name for ``config.nlp`` (loads the model in this process)."""
    from storyline.nlp.model import load_nlp
    from storyline.nlp.parse import feature_name

    return feature_name(load_nlp(config.nlp))


def document_features(
    docs: Sequence[Document], config: Config, *, keep_parses: bool = True
) -> dict[str, dict[str, bytes]]:
    """The per-document features of a partition: ``{feature name: {document id: bytes}}``.

    Computes time expressions and (when sources are on) the derivation features
    (:func:`storyline.corpus.run.derivation_features`) for every document and, when
    the entity layer is on,
    for the English ones: the spaCy parse, entity mentions and (when events, claims
    or quotes are on) the language feature, each as the single-process stages do.
    The language feature is computed from the parse read back from its stored bytes,
    as ``update_language`` reads it from the store, so the results are identical.

    Args:
        docs: the documents of the partition.
        config: the settings.
        keep_parses: also return the parse bytes (the single-process run stores them).

    Returns:
        Feature name -> document id -> value, under the feature names that
        :func:`storyline.corpus.run.update_corpus` looks up.
    """
    timexes = {d.id: timex_bytes(d) for d in docs}
    out: dict[str, dict[str, bytes]] = {TIMEX_FEATURE: timexes}
    if config.sources.enabled:
        out.update(derivation_features(docs, config.sources))
    if not config.entities.enabled:
        return out
    todo = english(docs)
    if not todo:
        return out
    from storyline.corpus.language import _feature_name, document_language
    from storyline.entities.mentions import Mention, mentions_for
    from storyline.nlp.model import load_nlp
    from storyline.nlp.parse import doc_from_bytes, doc_to_bytes, feature_name, parse_texts
    from storyline.nlp.timex import Timex

    nlp = load_nlp(config.nlp)
    parses: dict[str, bytes] = {}
    mentions: dict[str, bytes] = {}
    language: dict[str, bytes] = {}
    fresh = parse_texts((d.text for d in todo), nlp, batch_size=config.nlp.batch_size)
    for doc, parsed in zip(todo, fresh, strict=True):
        parses[doc.id] = doc_to_bytes(parsed)
        found = [dataclasses.asdict(m) for m in mentions_for(doc, parsed, config.entities)]
        mentions[doc.id] = json.dumps(found, ensure_ascii=False).encode()
        if language_enabled(config):
            stored = doc_from_bytes(parses[doc.id], nlp.vocab)
            ms = [Mention(**m) for m in json.loads(mentions[doc.id])]
            ts = [Timex(**t) for t in json.loads(timexes[doc.id])]
            lang = document_language(doc, stored, ms, ts, config)
            language[doc.id] = json.dumps(lang, ensure_ascii=False).encode()
    out[mentions_feature(config)] = mentions
    if language:
        out[_feature_name(config)] = language
    if keep_parses:
        out[feature_name(nlp)] = parses
    return out


def features_partition(
    docs: Sequence[Document], config: Config, keep_parses: bool = True
) -> dict[str, dict[str, bytes]]:
    """:func:`document_features` for one partition of documents (one Dask task)."""
    return document_features(list(docs), config, keep_parses=keep_parses)


def warm_up(config: Config) -> str:
    """Load the model in this process (once per worker) and return the parse feature name."""
    return parse_feature(config) if config.entities.enabled else ""
