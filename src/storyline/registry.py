"""Every built-in stage, registered in this one place."""

from __future__ import annotations

from functools import partial

from storyline.config import Config
from storyline.pipeline import DocStage, StageSpec, register

_done = False


def _clean(config: Config) -> DocStage:
    from storyline.ingest.clean import clean_document, passthrough

    return clean_document if config.clean.enabled else passthrough


def _metadata(config: Config) -> DocStage:
    from storyline.ingest.metadata import extract_metadata

    return extract_metadata


def _language(config: Config) -> DocStage:
    from storyline.ingest.language import set_language

    return partial(
        set_language,
        languages=config.metadata.languages,
        min_confidence=config.metadata.min_language_confidence,
    )


def register_defaults() -> None:
    """Register the built-in stages (idempotent)."""
    global _done
    if _done:
        return
    register(
        StageSpec(
            "clean.rules.v1", _clean, assigns=frozenset({"text", "removed"}), changes_text=True
        )
    )
    register(
        StageSpec(
            "metadata.text.v1",
            _metadata,
            requires=frozenset({"removed"}),
            assigns=frozenset(
                {"title", "published", "author", "credited_sources", "tags", "provenance"}
            ),
        )
    )
    register(
        StageSpec("language.langid.v1", _language, assigns=frozenset({"language", "provenance"}))
    )
    _done = True
