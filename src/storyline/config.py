"""One typed configuration, loaded from one TOML file.

Every default lives here. Each stage reads its own section::

    [fetch]
    timeout = 10
    allow_private = false

    [clean]
    enabled = true

Unknown sections or keys raise :class:`ConfigError` with the closest valid name.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.errors import ConfigError


@dataclass(frozen=True)
class IngestConfig:
    """Reading inputs from disk."""

    max_bytes: int = 50_000_000
    """Largest input accepted, after decompression (bytes)."""
    max_records: int = 100_000
    """Largest number of records read from one JSON, JSONL, WARC or feed file."""
    follow_symlinks: bool = False
    skip_hidden: bool = True
    """Skip files and folders whose names start with a dot when walking folders."""


@dataclass(frozen=True)
class FetchConfig:
    """Fetching URLs over HTTP(S)."""

    timeout: float = 20.0
    max_bytes: int = 20_000_000
    max_redirects: int = 5
    allow_private: bool = False
    """Allow loopback, private and link-local addresses (off by default: SSRF guard)."""
    user_agent: str = "storyline/0.1 (+news analysis)"


@dataclass(frozen=True)
class HtmlConfig:
    """Main-text extraction from HTML (trafilatura)."""

    favor_precision: bool = True
    include_tables: bool = False
    split_articles: bool = True
    """Split pages holding several <article> elements into posts."""


@dataclass(frozen=True)
class CleanConfig:
    """Removal of page furniture from extracted text."""

    enabled: bool = True
    rules: str = "clean.rules.v1"


@dataclass(frozen=True)
class PostsConfig:
    """Splitting pages that hold several dated posts."""

    enabled: bool = True
    splitter: str = "posts.footer.v1"
    min_posts: int = 2


@dataclass(frozen=True)
class MetadataConfig:
    """Metadata found in the text (date lines, credit lines, bylines)."""

    languages: tuple[str, ...] = ()
    """Restrict language identification to these ISO 639-1 codes (empty: all)."""
    min_language_confidence: float = 0.8


@dataclass(frozen=True)
class SourcesConfig:
    """Duplicates, text reuse and derivation families (corpus level)."""

    enabled: bool = True
    ngram: int = 8
    """Words per n-gram when aligning two texts."""
    sample: int = 4
    """Keep 1 in ``sample`` n-grams as anchors for finding candidate pairs."""
    min_anchors: int = 2
    max_anchor_docs: int = 200
    min_shared_tokens: int = 30
    """Fewer shared words than this (outside quotation marks) is not reuse, unless they
    are nearly all of a short text."""
    min_shared_fraction: float = 0.15
    """Nor is sharing less than this fraction of the shorter text."""
    min_run_tokens: int = 3
    """Added or removed runs shorter than this are not reported as evidence."""
    near_duplicate_threshold: float = 0.8
    """MinHash Jaccard at or above which two documents are near duplicates."""
    merge_shared_credits: bool = True
    """Documents crediting the same source count as one independent source."""


@dataclass(frozen=True)
class StoriesConfig:
    """Grouping documents into stories (corpus level)."""

    enabled: bool = True
    threshold: float = 0.18
    """Average cosine similarity a document needs to join a story (tuned on ECB+ train)."""
    max_gap_days: int = 30
    """Documents dated further apart than this are penalised as the same story."""
    gap_penalty: float = 0.5
    batch_size: int = 500
    """New documents are clustered this many at a time (bounds memory on large archives)."""


# The language layer's sections are defined beside the code that reads them, and
@dataclass(frozen=True)
class EventsConfig:
    """Events (``[events]``): who did what to whom, merged across reports."""

    enabled: bool = True
    merge_within_stories: bool = True


@dataclass(frozen=True)
class ClaimsConfig:
    """Numeric claims and their conflicts (``[claims]``)."""

    enabled: bool = True


@dataclass(frozen=True)
class QuotesConfig:
    """Direct and indirect quotes with their speakers (``[quotes]``)."""

    enabled: bool = True


@dataclass(frozen=True)
class SummaryConfig:
    """Cited extractive summaries per story (``[summary]``)."""

    enabled: bool = True
    sentences_per_story: int = 5


# imported here so that this one Config holds every setting.
from storyline.entities.mentions import EntitiesConfig  # noqa: E402
from storyline.nlp.model import NlpConfig  # noqa: E402


@dataclass(frozen=True)
class PipelineConfig:
    """Which per-document stages run, in order."""

    stages: tuple[str, ...] = ("clean.rules.v1", "metadata.text.v1", "language.langid.v1")
    on_error: str = "record"
    """``record``: store the failure and go on; ``raise``: stop at the first one."""


@dataclass(frozen=True)
class StoreConfig:
    path: str = "storyline.db"


@dataclass(frozen=True)
class Config:
    """The whole configuration. Build with ``Config()`` or :func:`load_config`."""

    ingest: IngestConfig = field(default_factory=IngestConfig)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    html: HtmlConfig = field(default_factory=HtmlConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    posts: PostsConfig = field(default_factory=PostsConfig)
    metadata: MetadataConfig = field(default_factory=MetadataConfig)
    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    sources: SourcesConfig = field(default_factory=SourcesConfig)
    stories: StoriesConfig = field(default_factory=StoriesConfig)
    nlp: NlpConfig = field(default_factory=NlpConfig)
    entities: EntitiesConfig = field(default_factory=EntitiesConfig)
    events: EventsConfig = field(default_factory=EventsConfig)
    claims: ClaimsConfig = field(default_factory=ClaimsConfig)
    quotes: QuotesConfig = field(default_factory=QuotesConfig)
    summary: SummaryConfig = field(default_factory=SummaryConfig)
    store: StoreConfig = field(default_factory=StoreConfig)

    def replace(self, **sections: Any) -> Config:
        """Return a copy with some sections replaced (dicts are merged into the section)."""
        return _build(Config, {**_asdict(self), **sections}, "")


def load_config(path: str | Path | None = None, **overrides: Any) -> Config:
    """Load a TOML config file; missing keys take their defaults.

    Raises:
        ConfigError: the file is missing, not TOML, or has an unknown or mistyped key.
    """
    data: dict[str, Any] = {}
    if path is not None:
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {p}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"{p}: not valid TOML: {e}") from None
    for key, value in overrides.items():
        data.setdefault(key, {}).update(value)
    return _build(Config, data, "")


def _asdict(cfg: Any) -> dict[str, Any]:
    return {f.name: dataclasses.asdict(getattr(cfg, f.name)) for f in dataclasses.fields(cfg)}


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"[{where}] must be a table, got {type(data).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            close = difflib.get_close_matches(key, list(fields), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; valid: {', '.join(fields)}"
            name = f"{where}.{key}" if where else key
            raise ConfigError(f"unknown config key {name!r}{hint}")
        kwargs[key] = _coerce(hints[key], value, f"{where}.{key}" if where else key)
    return cls(**kwargs)


def _coerce(tp: Any, value: Any, where: str) -> Any:
    if dataclasses.is_dataclass(tp):
        if isinstance(value, tp):
            return value
        return _build(tp, value, where)
    origin = typing.get_origin(tp)
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{where} must be a list")
        return tuple(value)
    if origin in (typing.Union, types.UnionType):
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, got {value!r}")
        return value
    if tp is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if tp in (int, str) and not isinstance(value, tp) or isinstance(value, bool) and tp is not bool:
        raise ConfigError(f"{where} must be {tp.__name__}, got {value!r}")
    return value
