"""Stage ``language.langid.v1``: the document's language (ISO 639-1), or None if unsure."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Any

from storyline.model import Document

_MIN_LETTERS = 40


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if languages:
        ident.set_languages(list(languages))
    return ident


def detect_language(
    text: str, *, languages: tuple[str, ...] = (), min_confidence: float = 0.8
) -> str | None:
    """Language code of ``text``, or None when the text is too short or the guess is weak."""
    sample = text[:5000]
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
        return None
    lang, prob = _identifier(tuple(sorted(languages))).classify(sample)
    return str(lang) if prob >= min_confidence else None


def set_language(
    doc: Document, *, languages: tuple[str, ...] = (), min_confidence: float = 0.8
) -> Document:
    """Set ``doc.language`` unless the container already gave one."""
    if doc.language:
        return doc
    lang = detect_language(doc.text, languages=languages, min_confidence=min_confidence)
    if lang is None:
        return doc
    prov = dict(doc.provenance)
    prov["language"] = "langid"
    return replace(doc, language=lang, provenance=tuple(sorted(prov.items())))
