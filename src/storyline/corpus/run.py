"""Corpus-level stages over a whole store: text reuse, derivations, families.

Per-document features (reuse anchors) are computed once per document and
stored; a later run computes them only for new documents and aligns only the
candidate pairs that involve a new document. Derived results are stored as
sections (``derivations``, ``families``) that the export includes.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from storyline.config import Config, SourcesConfig
from storyline.corpus.derivations import Derivation, derivation_from_dict, derive
from storyline.corpus.families import families, family_index, independent_sources
from storyline.corpus.reuse import (
    ReuseParams,
    Tokens,
    anchors,
    candidate_pairs,
    ngram_hashes,
    tokenize,
)
from storyline.corpus.stories import (
    Story,
    StoryInput,
    StoryParams,
    assign_stories,
    story_summary,
)
from storyline.model import Document
from storyline.store import Store

ANALYSED_KINDS = ("article", "post")
"""Pages that hold posts are kept for audit; their posts are analysed instead."""


@dataclass(frozen=True, slots=True)
class CorpusReport:
    documents: int
    new_documents: int
    derivations: int
    families: int
    stories: int = 0


def reuse_params(cfg: SourcesConfig) -> ReuseParams:
    return ReuseParams(
        ngram=cfg.ngram,
        sample=cfg.sample,
        min_anchors=cfg.min_anchors,
        max_anchor_docs=cfg.max_anchor_docs,
        min_shared_tokens=cfg.min_shared_tokens,
        min_shared_fraction=cfg.min_shared_fraction,
    )


def _anchor_feature(params: ReuseParams) -> str:
    # The feature name carries the parameters it depends on: other settings, other cache.
    return f"reuse_anchors_n{params.ngram}_s{params.sample}"


def _state(store: Store, config: Config) -> dict[str, Any]:
    """What the corpus sections were computed from: document count and settings."""
    return {
        "documents": store.count_documents(kinds=ANALYSED_KINDS),
        "config": json.dumps(
            [dataclasses.asdict(config.sources), dataclasses.asdict(config.stories)],
            sort_keys=True,
        ),
    }


def update_corpus(store: Store, config: Config, *, force: bool = False) -> CorpusReport | None:
    """Bring the corpus-level sections of ``store`` up to date with its documents.

    Documents are only ever added, so when their count and the settings are those
    of the last update, nothing has changed and this returns None at once (a re-run
    on the same inputs costs no corpus work). ``force`` recomputes anyway.
    """
    state = _state(store, config)
    if not force and store.get_section("corpus_state") == [state]:
        return None
    docs = sorted(store.iter_documents(kinds=ANALYSED_KINDS), key=lambda d: d.id)
    fresh: set[str] = set()
    derivations: list[Derivation] = []
    if config.sources.enabled:
        fresh, derivations = update_derivations(store, docs, reuse_params(config.sources))
    texts = {d.id: d.text for d in docs}
    store.put_section("derivations", [d.to_dict(texts) for d in derivations])
    fams = families(docs, derivations, merge_shared_credits=config.sources.merge_shared_credits)
    store.put_section("families", [f.to_dict() for f in fams])
    n_stories = 0
    if config.stories.enabled:
        n_stories = update_stories(store, docs, config, family_index(fams))
    store.put_section("corpus_state", [state])
    return CorpusReport(len(docs), len(fresh), len(derivations), len(fams), n_stories)


def update_derivations(
    store: Store, docs: list[Document], params: ReuseParams
) -> tuple[set[str], list[Derivation]]:
    """Derivations among ``docs``, aligning only pairs that involve a new document.

    Returns the ids of the documents new to this stage, and every derivation.
    """
    feature = _anchor_feature(params)
    stored = store.get_features(feature)
    fresh = {d.id for d in docs if d.id not in stored}
    tokens: dict[str, Tokens] = {}
    if fresh:
        new_values = {}
        for d in docs:
            if d.id in fresh:
                tokens[d.id] = tokenize(d.text)
                a = anchors(ngram_hashes(tokens[d.id], params.ngram), params.sample)
                new_values[d.id] = a.astype("<u8").tobytes()
        store.put_features(feature, new_values)
        stored.update(new_values)
    doc_anchors = [np.frombuffer(stored[d.id], dtype="<u8") for d in docs]

    ids = {d.id for d in docs}
    kept = [
        derivation_from_dict(x)
        for x in store.get_section("derivations")
        if x["source_id"] in ids
        and x["derived_id"] in ids
        and x["source_id"] not in fresh
        and x["derived_id"] not in fresh
    ]

    def tokens_of(doc: Document) -> Tokens:
        if doc.id not in tokens:
            tokens[doc.id] = tokenize(doc.text)
        return tokens[doc.id]

    found = []
    for i, j in candidate_pairs(doc_anchors, params):
        a, b = docs[i], docs[j]
        if a.id not in fresh and b.id not in fresh:
            continue  # aligned in an earlier run
        d = derive(a, b, tokens_of(a), tokens_of(b), params)
        if d is not None:
            found.append(d)
    return fresh, sorted(kept + found, key=lambda d: (d.source_id, d.derived_id))


def story_params(config: Config) -> StoryParams:
    cfg = config.stories
    return StoryParams(
        threshold=cfg.threshold, max_gap_days=cfg.max_gap_days, gap_penalty=cfg.gap_penalty
    )


def update_stories(
    store: Store, docs: list[Document], config: Config, family_of: dict[str, str]
) -> int:
    """Put new documents into existing stories or new ones; existing stories stay whole.

    The state needed to add documents later (story centroids) is kept in the
    ``story_state`` section, which the export leaves out.
    """
    params = story_params(config)
    inputs = {
        d.id: StoryInput(d.id, d.text, d.title, d.published.day if d.published else None)
        for d in docs
    }
    existing = [
        s
        for s in (Story.from_dict(x) for x in store.get_section("story_state"))
        if all(i in inputs for i in s.doc_ids)
    ]
    placed = {i for s in existing for i in s.doc_ids}
    new = [inputs[i] for i in sorted(inputs) if i not in placed]
    stories = list(existing)
    # New documents join in batches: clustering compares a batch with itself, so the
    # batch size bounds memory and time (a whole archive at once would be n x n).
    size = config.stories.batch_size
    for start in range(0, len(new), size):
        stories = assign_stories(stories, new[start : start + size], params=params)
    store.put_section("story_state", [s.to_dict() for s in stories])
    summaries = []
    for story in stories:
        summary = story_summary(story, [inputs[i] for i in story.doc_ids], params=params)
        summary["independent_sources"] = independent_sources(story.doc_ids, family_of)
        summaries.append(summary)
    store.put_section("stories", summaries)
    return len(stories)
