"""Stage registry and the per-document pipeline runner.

A stage is a plain callable ``Document -> Document``. Stages are registered by
versioned name (``"clean.rules.v1"``) with what they need and what they
produce; :func:`build_pipeline` resolves the names in the config, checks that
every need is met by an earlier stage, and returns a :class:`Pipeline` that
checks each stage's contract as it runs (spaCy's ``Language.__call__`` does
the same for components).

Registrations live in one place, :mod:`storyline.registry`; importing a stage
module registers nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, fields

from storyline.config import Config
from storyline.errors import ConfigError, StageError
from storyline.model import Document

DocStage = Callable[[Document], Document]

# Fields a document has from its reader, before any stage runs.
BASE_FIELDS = frozenset({"text", "source", "kind", "url", "title", "outlet", "author", "published"})
_DOC_FIELDS = frozenset(f.name for f in fields(Document))


@dataclass(frozen=True, slots=True)
class StageSpec:
    """A registered stage: how to build it from the config, what it needs and makes.

    ``changes_text`` marks stages that rewrite ``Document.text``; they run at ingest,
    before the document's id (a content hash) is fixed.
    """

    name: str
    factory: Callable[[Config], DocStage]
    requires: frozenset[str] = frozenset()
    assigns: frozenset[str] = frozenset()
    changes_text: bool = False

    def __post_init__(self) -> None:
        unknown = (self.requires | self.assigns) - _DOC_FIELDS
        if unknown:
            raise ValueError(f"stage {self.name}: unknown document fields {sorted(unknown)}")


_REGISTRY: dict[str, StageSpec] = {}


def register(spec: StageSpec) -> StageSpec:
    """Add a stage to the registry; a name can be registered once."""
    if spec.name in _REGISTRY and _REGISTRY[spec.name] is not spec:
        raise ValueError(f"stage {spec.name!r} is already registered")
    _REGISTRY[spec.name] = spec
    return spec


def registered() -> dict[str, StageSpec]:
    """All registered stages by name (the defaults are registered on first call)."""
    from storyline.registry import register_defaults

    register_defaults()
    return dict(_REGISTRY)


@dataclass(frozen=True)
class Pipeline:
    """Per-document stages in order. Call it on a document to run them all."""

    stages: tuple[tuple[str, DocStage, StageSpec], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _, _ in self.stages)

    def __call__(self, doc: Document) -> Document:
        for name, stage, spec in self.stages:
            try:
                out = stage(doc)
            except (ValueError, KeyError, IndexError, TypeError, AttributeError) as e:
                raise StageError(f"stage {name} failed on {doc.source}: {e}") from e
            if not isinstance(out, Document):
                raise StageError(f"stage {name} returned {type(out).__name__}, not a Document")
            if out.text != doc.text and not spec.changes_text:
                raise StageError(f"stage {name} changed the text but does not declare it")
            doc = out
        return doc


def build_pipeline(config: Config) -> Pipeline:
    """Resolve ``config.pipeline.stages`` into a checked :class:`Pipeline`.

    Raises:
        ConfigError: a stage name is unknown, or a stage needs a field no earlier
            stage produces.
    """
    available = registered()
    have = set(BASE_FIELDS)
    built = []
    for name in config.pipeline.stages:
        spec = available.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, list(available), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"unknown stage {name!r} in pipeline.stages{hint}")
        missing = spec.requires - have
        if missing:
            raise ConfigError(
                f"stage {name} needs {', '.join(sorted(missing))}, which no earlier stage "
                "produces; put the stage that makes it first"
            )
        have |= spec.assigns
        built.append((name, spec.factory(config), spec))
    if config.pipeline.on_error not in ("record", "raise"):
        raise ConfigError("pipeline.on_error must be 'record' or 'raise'")
    return Pipeline(tuple(built))
