"""Corpus-level stages over a whole store: text reuse, derivations, families.

Per-document features (reuse anchors) are computed once per document and
stored; a later run computes them only for new documents and aligns only the
candidate pairs that involve a new document. Derived results are stored as
sections (``derivations``, ``families``) that the export includes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from storyline.config import Config
from storyline.corpus.blocks import Mapper, chunks, serial_map
from storyline.corpus.derivations import Derivation, derivation_from_dict, derive
from storyline.corpus.families import families, family_index, independent_sources
from storyline.corpus.lsh import candidate_pairs as lsh_candidates
from storyline.corpus.lsh import lsh_params
from storyline.corpus.minhash import (
    MinHashParams,
    estimated_jaccard,
    sig_from_bytes,
    sig_to_bytes,
    signatures,
    text_hash,
)
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
    StoryBuilder,
    StoryInput,
    StoryParams,
    pack_pairs,
    story_summary,
    summed_df,
    unpack_pairs,
)
from storyline.corpus.story_features import TermTable, terms_block
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


def _anchor_feature(params: ReuseParams) -> str:
    # The feature name carries the parameters it depends on: other settings, other cache.
    return f"reuse_anchors_n{params.ngram}_s{params.sample}"


LAYOUT = 5
"""How the corpus sections are stored and what they mean (3: story state, summaries,
events, claims, conflicts, quotes and timeline in parts, one per story; time expressions
one part per document; 4: entities one part each, story feature counts for the whole
corpus in one item rather than in every story; 5: a conflict group is corroborated only
by two independent sources). A store written with another layout is not reused: its
sections are rewritten whole once."""


def _state(store: Store, config: Config) -> dict[str, Any]:
    """What the corpus sections were computed from: document count, settings, layout."""
    return {
        "layout": LAYOUT,
        "documents": store.count_documents(kinds=ANALYSED_KINDS),
        "config": json.dumps(
            [
                dataclasses.asdict(getattr(config, name))
                for name in (
                    "sources",
                    "stories",
                    "entities",
                    "events",
                    "claims",
                    "quotes",
                    "summary",
                )
            ],
            sort_keys=True,
        ),
    }


def update_corpus(
    store: Store,
    config: Config,
    *,
    force: bool = False,
    mapper: Mapper | None = None,
    on_wait: Callable[[], None] | None = None,
) -> CorpusReport | None:
    """Bring the corpus-level sections of ``store`` up to date with its documents.

    Documents are only ever added, so when their count and the settings are those
    of the last update, nothing has changed and this returns None at once (a re-run
    on the same inputs costs no corpus work). ``force`` recomputes anyway. With a
    ``mapper`` (a Dask client's map: :func:`storyline.scale.dask.client_mapper`), the
    alignment of candidate pairs and the steps that depend on one story at a time
    (events, claims, quotes, summaries) run in blocks through it; the sections are the
    same. Two runs on one store (two processes, or two machines on one PostgreSQL
    schema) take turns here (:meth:`Store.exclusive`): the later one sees the documents
    the earlier one stored, and each writes a whole, consistent set of sections;
    ``on_wait`` is called when this run has to wait for another.
    """
    with store.exclusive("corpus", on_wait=on_wait):
        return _update_corpus(store, config, force=force, mapper=mapper)


def _update_corpus(
    store: Store, config: Config, *, force: bool, mapper: Mapper | None
) -> CorpusReport | None:
    state = _state(store, config)
    previous = store.get_section("corpus_state")
    if not force and previous == [state]:
        return None
    # Results of the last run may be reused for what new documents left untouched, but
    # only when they were made with the same settings and stored in the same layout.
    reuse = (
        not force
        and bool(previous)
        and previous[0].get("config") == state["config"]
        and previous[0].get("layout") == state["layout"]
    )
    docs = sorted(store.iter_documents(kinds=ANALYSED_KINDS), key=lambda d: d.id)
    fresh: set[str] = set()
    derivations: list[Derivation] = []
    if config.sources.enabled:
        fresh, derivations = update_derivations(
            store, docs, config.sources, config.sources.near_duplicate_threshold, mapper
        )
    texts = {d.id: d.text for d in docs}
    store.put_section("derivations", [d.to_dict(texts) for d in derivations])
    if config.sources.enabled:
        mark_derived(store, fresh, config.sources, config.sources.near_duplicate_threshold)
    fams = families(docs, derivations, merge_shared_credits=config.sources.merge_shared_credits)
    store.put_section("families", [f.to_dict() for f in fams])
    update_time_expressions(store, docs, reuse=reuse)
    n_stories = 0
    if config.stories.enabled:
        n_stories = update_stories(
            store, docs, config, family_index(fams), reuse=reuse, mapper=mapper
        )
    story_of = {d: s["id"] for s in store.get_section("stories") for d in s["documents"]}
    if config.entities.enabled:
        mentions, spans = update_entities(store, docs, config, story_of, reuse=reuse, mapper=mapper)
        from storyline.corpus.language import update_language

        update_language(
            store,
            docs,
            config,
            mentions,
            story_of,
            family_index(fams),
            spans=spans,
            reuse=reuse,
            mapper=mapper,
        )
    if config.summary.enabled:
        update_summary(store, docs, config, reuse=reuse, mapper=mapper)
    store.put_section("corpus_state", [state])
    return CorpusReport(len(docs), len(fresh), len(derivations), len(fams), n_stories)


def update_summary(
    store: Store,
    docs: list[Document],
    config: Config,
    *,
    reuse: bool,
    mapper: Mapper | None = None,
) -> None:
    """The ``summary`` section, one part per story; with ``reuse``, a story whose
    documents, copies and family grouping are those of the last run keeps its stored
    sentences (``summary_state`` holds each story's key; the export leaves it out).
    With a ``mapper``, stories are summarised in blocks through it."""
    from storyline.outputs.summary import story_keys, summary_in_blocks, summary_section

    stories = store.get_section("stories")
    inputs = (docs, stories, store.get_section("derivations"), store.get_section("families"))
    n = config.summary.sentences_per_story
    keys = story_keys(*inputs, sentences_per_story=n)
    before = {(s["story_id"], s["key"]) for s in store.get_section("summary_state")}
    kept = {story for story, key in keys.items() if (story, key) in before} if reuse else set()
    todo = [s for s in stories if str(s.get("id")) not in kept]
    if mapper is None:
        items = summary_section(docs, todo, *inputs[2:], sentences_per_story=n)
    else:
        items = summary_in_blocks(mapper, docs, todo, *inputs[2:], sentences_per_story=n)
    # Until the new keys are written, no stored summary counts as current.
    store.put_section("summary_state", [])
    # Stories come sorted by id, the sort key.
    ids = [str(i["story_id"]) for i in items]
    store.update_section("summary", items, parts=ids, sort_keys=ids, keep=kept)
    store.put_section("summary_state", [{"story_id": s, "key": k} for s, k in keys.items()])


def derivation_features(
    docs: Sequence[Document],
    params: ReuseParams,
    mh: MinHashParams | None = None,
    tokens: dict[str, Tokens] | None = None,
) -> dict[str, dict[str, bytes]]:
    """The per-document features derivations are found from, by feature name:
    reuse anchors (sampled n-gram hashes), MinHash signatures and the text hash.

    Pure and per document, so the Dask workers compute them too. ``tokens`` (document
    id -> :func:`tokenize` of its text) is read and filled when given.
    """
    mh = mh or MinHashParams()
    tokens = {} if tokens is None else tokens
    for d in docs:
        if d.id not in tokens:
            tokens[d.id] = tokenize(d.text)
    anchor_values = {
        d.id: anchors(ngram_hashes(tokens[d.id], params.ngram), params.sample)
        .astype("<u8")
        .tobytes()
        for d in docs
    }
    sigs = _signature_bytes(list(docs), mh) if docs else []
    return {
        _anchor_feature(params): anchor_values,
        _minhash_feature(mh): dict(zip((d.id for d in docs), sigs, strict=True)),
        "text_hash": {d.id: text_hash(d.text).encode() for d in docs},
    }


def _seen_feature(params: ReuseParams, threshold: float, mh: MinHashParams) -> str:
    """The marker of documents already compared with every document stored before them."""
    raw = json.dumps([dataclasses.asdict(params), threshold, mh.fingerprint], sort_keys=True)
    return "derivations_seen_" + hashlib.sha256(raw.encode()).hexdigest()[:16]


def update_derivations(
    store: Store,
    docs: list[Document],
    params: ReuseParams,
    threshold: float,
    mapper: Mapper | None = None,
) -> tuple[set[str], list[Derivation]]:
    """Derivations among ``docs``, aligning only pairs that involve a new document.

    Candidate pairs come from two indexes over per-document features computed once
    and stored (:func:`derivation_features`, here or in Dask workers): reuse anchors
    (shared runs of words) and MinHash signatures with LSH (near duplicates at
    ``threshold``). A document is new to this stage until a run has aligned it
    and stored the result (:func:`mark_derived`), whoever computed its features.
    Returns the ids of the documents new to this stage, and every derivation. The
    candidate pairs are aligned in blocks (:func:`align_block`) through ``mapper``
    (default: in this process, reusing the tokens computed here).
    """
    mh = MinHashParams()
    tokens: dict[str, Tokens] = {}
    values: dict[str, dict[str, bytes]] = {}
    names = list(derivation_features([], params, mh))
    for name in names:
        values[name] = store.get_features(name)
    todo = [d for d in docs if any(d.id not in values[name] for name in names)]
    if todo:
        computed = derivation_features(todo, params, mh, tokens)
        for name in names:
            missing = {i: v for i, v in computed[name].items() if i not in values[name]}
            store.put_features(name, missing)
            values[name].update(missing)
    anchor_values, sig_values, hash_values = (values[name] for name in names)
    seen = store.get_features(_seen_feature(params, threshold, mh))
    fresh = {d.id for d in docs if d.id not in seen}

    ids = {d.id for d in docs}
    kept = [
        derivation_from_dict(x)
        for x in store.get_section("derivations")
        if x["source_id"] in ids
        and x["derived_id"] in ids
        and x["source_id"] not in fresh
        and x["derived_id"] not in fresh
    ]

    doc_anchors = [np.frombuffer(anchor_values[d.id], dtype="<u8") for d in docs]
    pairs = set(candidate_pairs(doc_anchors, params))
    sigs = np.stack([sig_from_bytes(sig_values[d.id]) for d in docs]) if docs else None
    jaccards: dict[tuple[int, int], float] = {}
    if sigs is not None and len(docs) > 1:
        bands, rows = lsh_params(threshold, mh.num_perm, min_recall=0.95)
        for i, j in lsh_candidates(sigs, bands, rows).tolist():
            est = estimated_jaccard(sigs[i], sigs[j])
            if est >= threshold:
                jaccards[(i, j)] = round(est, 4)
                pairs.add((i, j))

    # Pairs aligned in an earlier run are left out.
    todo_pairs = [(i, j) for i, j in sorted(pairs) if docs[i].id in fresh or docs[j].id in fresh]
    jobs = [
        _pair_block(docs, chunk, jaccards, hash_values, tokens, params)
        for chunk in chunks(todo_pairs, PAIRS_PER_BLOCK)
    ]
    found = [d for block_found in (mapper or serial_map)(align_block, jobs) for d in block_found]
    return fresh, sorted(kept + found, key=lambda d: (d.source_id, d.derived_id))


PAIRS_PER_BLOCK = 2000
"""Candidate pairs per alignment task when a mapper spreads them (:func:`align_block`)."""


@dataclass(frozen=True)
class PairBlock:
    """Candidate pairs to align, with their documents (picklable, for a Dask worker):
    ``pairs`` holds ``(index of a, index of b, estimated Jaccard or None, same text)``;
    ``tokens``, each document's tokens where this process had them already (else None)."""

    docs: tuple[Document, ...]
    pairs: tuple[tuple[int, int, float | None, bool], ...]
    params: ReuseParams
    tokens: tuple[Tokens | None, ...]


def _pair_block(
    docs: Sequence[Document],
    pairs: Sequence[tuple[int, int]],
    jaccards: dict[tuple[int, int], float],
    hash_values: dict[str, bytes],
    tokens: dict[str, Tokens],
    params: ReuseParams,
) -> PairBlock:
    local = sorted({i for pair in pairs for i in pair})
    at = {i: n for n, i in enumerate(local)}
    return PairBlock(
        tuple(docs[i] for i in local),
        tuple(
            (at[i], at[j], jaccards.get((i, j)), hash_values[docs[i].id] == hash_values[docs[j].id])
            for i, j in pairs
        ),
        params,
        tuple(tokens.get(docs[i].id) for i in local),
    )


def align_block(block: PairBlock) -> list[Derivation]:
    """The derivations among one block's candidate pairs, in the block's order."""
    tokens = dict(enumerate(block.tokens))
    found = []
    for i, j, jaccard, exact in block.pairs:
        for n in (i, j):
            if tokens[n] is None:
                tokens[n] = tokenize(block.docs[n].text)
        d = derive(block.docs[i], block.docs[j], tokens[i], tokens[j], block.params)
        if d is not None:
            found.append(dataclasses.replace(d, jaccard=jaccard, exact=exact))
    return found


def mark_derived(store: Store, ids: set[str], params: ReuseParams, threshold: float) -> None:
    """Record that ``ids`` were aligned (call once their derivations are stored)."""
    if ids:
        name = _seen_feature(params, threshold, MinHashParams())
        store.put_features(name, dict.fromkeys(sorted(ids), b"1"))


def _minhash_feature(params: MinHashParams) -> str:
    # Signatures made with other parameters are another feature, never mixed up.
    return "minhash_" + hashlib.sha256(params.fingerprint.encode()).hexdigest()[:16]


def _signature_bytes(docs: list[Document], params: MinHashParams) -> list[bytes]:
    return [sig_to_bytes(row) for row in signatures([d.text for d in docs], params)]


def _features(
    store: Store,
    docs: list[Document],
    name: str,
    compute: Callable[[list[Document]], list[bytes]],
) -> tuple[dict[str, bytes], set[str]]:
    """A stored per-document feature, computed (in one batch) and stored where missing.

    Returns every document's value and the ids of the documents that lacked it.
    """
    values = store.get_features(name)
    todo = [d for d in docs if d.id not in values]
    if todo:
        missing = dict(zip((d.id for d in todo), compute(todo), strict=True))
        store.put_features(name, missing)
        values.update(missing)
    return values, {d.id for d in todo}


def timex_bytes(doc: Document) -> bytes:
    """A document's time expressions as the ``timex_v1`` feature stores them."""
    from storyline.nlp.timex import find_timexes

    found = find_timexes(doc.text, doc.published.value if doc.published else None)
    return json.dumps([t.to_dict() for t in found], ensure_ascii=False).encode()


def mentions_feature(config: Config) -> str:
    """The name of the entity-mentions feature: its settings are part of it."""
    settings = json.dumps([dataclasses.asdict(config.entities), config.nlp.model], sort_keys=True)
    return "mentions_" + hashlib.sha256(settings.encode()).hexdigest()[:16]


def update_time_expressions(store: Store, docs: list[Document], *, reuse: bool = False) -> int:
    """Time expressions of every document, resolved against its publication date.

    Found once per document (cached as a feature) and written as the
    ``time_expressions`` section, in export order of the documents. Each document's
    items are a part of the section; with ``reuse``, a document already listed (a
    marker feature written after the section) keeps its part as stored.

    Returns:
        How many items were written for documents not listed before.
    """

    def compute(batch: list[Document]) -> list[bytes]:
        return [timex_bytes(d) for d in batch]

    listed = store.get_features(_TIMEX_LISTED) if reuse else {}
    todo = [d for d in docs if d.id not in listed]
    # The published date is part of the input: the feature is keyed by id, and the id
    # hashes the date, so a changed date is a new document.
    values, _ = _features(store, todo, "timex_v1", compute)
    items, parts, keys = [], [], []
    for d in todo:
        # (source, position, id) as a string in the same order: positions offset to >= 0.
        key = f"{d.source}\x1f{d.position + 2**63:020d}\x1f{d.id}"
        for t in json.loads(values[d.id]):
            evidence = {"document_id": d.id, "start": t["start"], "end": t["end"]}
            items.append({
                "evidence": {**evidence, "text": t["text"]},
                "timex_type": t["type"],
                "value": t["value"],
                "end_value": t["end_value"],
                "precision": t["precision"],
                "anchored": t["anchored"],
                "method": t["method"],
            })  # fmt: skip
            parts.append(d.id)
            keys.append(key)
    kept = {d.id for d in docs if d.id in listed}
    store.update_section("time_expressions", items, parts=parts, sort_keys=keys, keep=kept)
    store.put_features(_TIMEX_LISTED, dict.fromkeys(sorted(d.id for d in todo), b"1"))
    return len(items)


_TIMEX_LISTED = "time_expressions_listed"
"""The marker of documents whose time expressions the section holds (layout 3)."""


def english(docs: Sequence[Document]) -> list[Document]:
    """The documents the entity layer analyses (English or of unknown language)."""
    return [d for d in docs if d.language in (None, "en")]


def update_entities(
    store: Store,
    docs: list[Document],
    config: Config,
    story_of: dict[str, str],
    *,
    reuse: bool = False,
    mapper: Mapper | None = None,
) -> tuple[dict[str, list[Any]], dict[str, list[tuple[int, int, str, str]]]]:
    """Canonical entities of the corpus, written as the ``entities`` section.

    Returns each English document's corrected mentions and, by document, its entity
    mention spans ``(start, end, entity id, name)`` (the later language stages use both).

    Each English document is parsed once (the parse is cached in the store) and
    its mentions are cached too; the grouping of mentions into entities runs again
    over the corpus when documents are added, since a new spelling can join an old
    entity. With ``reuse``, a group of mentions seen last run (the same fingerprint,
    kept in the internal section ``entity_state``) keeps its name, type and id, and its
    item stays stored as it is: each entity is a part of the section. The rules that
    look within a story run in blocks of whole stories through ``mapper``.
    """
    from storyline.entities.canonical import (
        build_entity,
        entity_groups,
        gazetteer_index,
        rank_entities,
        rank_key,
    )
    from storyline.entities.mentions import Mention, mentions_for
    from storyline.nlp.parse import iter_parsed

    ecfg, ncfg = config.entities, config.nlp
    # The model reads English: documents identified as another language are left out
    # rather than given wrong entities.
    docs = english(docs)
    feature = mentions_feature(config)
    by_id = {d.id: d for d in docs}

    def compute(batch: list[Document]) -> list[bytes]:
        found = {
            doc_id: [dataclasses.asdict(m) for m in mentions_for(by_id[doc_id], parsed, ecfg)]
            for doc_id, parsed in iter_parsed(store, batch, ncfg)
        }
        return [json.dumps(found[d.id], ensure_ascii=False).encode() for d in batch]

    values, _ = _features(store, docs, feature, compute)
    by_doc = {d.id: [Mention(**m) for m in json.loads(values[d.id])] for d in docs}
    groups = entity_groups([m for d in docs for m in by_doc[d.id]], story_of, ecfg, mapper=mapper)
    fingerprints = [g.fingerprint() for g in groups]
    before = {x["fp"]: x for x in store.get_section("entity_state")} if reuse else {}
    gaz = gazetteer_index(ecfg)
    built = []
    for group, fp in zip(groups, fingerprints, strict=True):
        old = before.get(fp)
        known = (old["base"], old["name"], old["label"]) if old else None
        built.append((build_entity(group, gaz, known), fp))
    # Groups never share a mention: a group's first mention names it.
    first = {e.mentions[0]: (e.id, fp) for e, fp in built}
    entities = rank_entities([e for e, _ in built])
    state = [
        {"fp": fp, "id": e.id, "base": base, "name": e.name, "label": e.label}
        for e in entities
        for base, fp in [first[e.mentions[0]]]
    ]
    # An entity whose group and id are those of the last run keeps its stored item.
    kept = {x["id"] for x in state if before.get(x["fp"], {}).get("id") == x["id"]}
    texts = {d.id: d.text for d in docs}
    todo = [e for e in entities if e.id not in kept]
    # Until the new fingerprints are written, no stored entity counts as current.
    store.put_section("entity_state", [])
    store.update_section(
        "entities",
        [e.to_dict(texts) for e in todo],
        parts=[e.id for e in todo],
        sort_keys=[rank_key(e) for e in todo],
        keep=kept,
    )
    store.put_section("entity_state", state)
    spans: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for e in entities:
        for m in e.mentions:
            spans[m.doc_id].append((m.start, m.end, e.id, e.name))
    for found in spans.values():
        found.sort()
    return by_doc, dict(spans)


def _stored_df(store: Store, stories: list[Story], placed: set[str]) -> Counter[str] | None:
    """How many of the placed documents have each story feature: the ``story_df``
    section when it counts exactly those documents, else summed from the stories' own
    counts (as stores of an earlier layout keep them), else None."""
    item = next(iter(store.get_section("story_df")), None)
    if item is not None and item.get("documents") == len(placed):
        return Counter(dict(unpack_pairs(item, "df", int)))
    try:
        return summed_df(stories)
    except ValueError:
        return None


def story_params(config: Config) -> StoryParams:
    cfg = config.stories
    return StoryParams(
        threshold=cfg.threshold, max_gap_days=cfg.max_gap_days, gap_penalty=cfg.gap_penalty
    )


def update_stories(
    store: Store,
    docs: list[Document],
    config: Config,
    family_of: dict[str, str],
    *,
    reuse: bool = False,
    mapper: Mapper | None = None,
) -> int:
    """Put new documents into existing stories or new ones; a story is never split, but
    two stories that a new document bridges may merge. Documents' terms are read in
    blocks through ``mapper``; the placing itself runs here, batch after batch.

    The state needed to add documents later is kept in sections the export leaves
    out: each story's centroid in ``story_state`` (a part per story), and how many
    documents have each feature, over the whole corpus, in ``story_df`` (one item).
    """
    params = story_params(config)
    inputs = {
        d.id: StoryInput(d.id, d.text, d.title, d.published.day if d.published else None)
        for d in docs
    }
    stored = [Story.from_dict(x) for x in store.get_section("story_state")]
    existing = [s for s in stored if all(i in inputs for i in s.doc_ids)]
    placed = {i for s in existing for i in s.doc_ids}
    df = _stored_df(store, existing, placed)
    if df is None:
        existing, placed, df = [], set(), Counter()  # no counts to go on: start over
    new = [inputs[i] for i in sorted(inputs) if i not in placed]
    mapper = mapper or serial_map
    # New documents join in batches: clustering compares a batch with itself, so the
    # batch size bounds memory and time (a whole archive at once would be n x n). Their
    # terms come in blocks of a batch through the mapper, ahead of the placing.
    size = config.stories.batch_size
    batches = chunks(new, size)
    builder = StoryBuilder(existing, df, params=params)
    table = TermTable()  # kept for the summaries, compactly
    # Blocks of a batch at most (never straddling two), so each batch's come next.
    parts = [block for batch in batches for block in chunks(batch)]
    computed = zip(parts, mapper(terms_block, parts), strict=True)
    for batch in batches:
        while any(d.doc_id not in table for d in batch):
            table.put_block(*next(computed))
        builder.add(batch, table)
    stories, df = builder.stories, builder.df
    # A story state is a part of its own: those the builder left as they were stay
    # stored as they are (stories come back sorted by id, the sort key).
    unchanged = {id(s) for s in existing} if reuse else set()
    changed = [dataclasses.replace(s, df=None) for s in stories if id(s) not in unchanged]
    store.put_section("story_df", [])  # until the new state is written, none counts
    store.update_section(
        "story_state",
        [s.to_dict() for s in changed],
        parts=[s.id for s in changed],
        sort_keys=[s.id for s in changed],
        keep={s.id for s in stories if id(s) in unchanged},
    )
    counts = {"documents": len(inputs), **pack_pairs("df", sorted(df.items()))}
    store.put_section("story_df", [counts])
    # A story with the documents it had last run keeps its title and dates.
    before = {s["id"]: s for s in store.get_section("stories")} if reuse else {}
    kept = {
        s.id: {k: v for k, v in before[s.id].items() if k != "independent_sources"}
        for s in stories
        if s.id in before and before[s.id]["documents"] == list(s.doc_ids)
    }
    # Members placed on an earlier run that a summary reads: their terms, in blocks.
    read = {i for s in stories if s.id not in kept and len(s.doc_ids) > 1 for i in s.doc_ids}
    missing = sorted(read - set(table))
    blocks = chunks([inputs[i] for i in missing])
    for block, counts in zip(blocks, mapper(terms_block, blocks) if blocks else (), strict=True):
        table.put_block(block, counts)
    summaries = []
    for story in stories:
        summary = kept.get(story.id) or story_summary(
            story, [inputs[i] for i in story.doc_ids], params=params, terms=table
        )
        summary["independent_sources"] = independent_sources(story.doc_ids, family_of)
        summaries.append(summary)
    store.put_section("stories", summaries)
    return len(stories)
