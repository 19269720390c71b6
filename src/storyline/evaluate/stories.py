"""Story clustering on ECB+ against a tf-idf + agglomerative baseline: whole splits and small piles.

Gold story = ``subtopic`` (each ECB+ topic holds two real events of the same
kind). Two settings, both on the train and the dev split:

- **whole split**: all the split's documents clustered together, topics mixed
  (an archive);
- **small piles**: many small piles sampled from the split with a fixed seed,
  the way people run storyline on a folder about one story: *one-story* piles
  (5 to 15 documents of one subtopic; ideal: one cluster) and *two-story* piles
  (3 to 8 documents of each subtopic of one topic; ideal: the two events apart).

Three systems run on the same documents:

- ``storyline``: :func:`storyline.corpus.stories.cluster_stories`;
- ``storyline-incremental``: :func:`storyline.corpus.stories.assign_stories`,
  fed a whole split in 10 batches and a small pile one document at a time,
  in a fixed shuffled order (as ``storyline analyze`` run file by file does);
- ``baseline``: scikit-learn ``TfidfVectorizer()`` with its defaults, then
  average-linkage clustering on cosine distance (scipy's tree, cut where
  ``AgglomerativeClustering(linkage="average", distance_threshold=...)`` cuts).

The threshold of storyline and of the baseline are each tuned the same way, on
the *train* split only: the value on a 0.01 grid with the best mean of the
whole-split B-cubed F1 and the small-pile B-cubed F1 (one-story and two-story
piles counting half each). Dev is the held-out result. The ECB+ records carry no
title or publication date, so neither is given to storyline (a URL is present
for only some documents, and only for one of the two events of a topic: using
it would leak the answer).

Run ``python -m storyline.evaluate.stories [DATASETS_DIR]`` for Markdown tables;
``DATASETS_DIR`` defaults to ``$STORYLINE_DATASETS`` or ``../shared/datasets``.
The baseline needs scikit-learn.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np

from storyline.corpus.stories import (
    DEFAULT_PARAMS,
    StoryInput,
    StoryParams,
    assign_stories,
    average_linkage_tree,
    cut_tree,
)
from storyline.corpus.story_features import document_terms, vectors
from storyline.corpus.story_linkage import day, similarity
from storyline.errors import MissingExtraError
from storyline.evaluate.harness import harness_main
from storyline.evaluate.metrics import adjusted_rand_index, b_cubed, clusters_from_labels, v_measure

ECBPLUS_FILE = Path("ecbplus-dev") / "ecbplus_docs.jsonl"
SPLITS = ("train", "dev")
SYSTEMS = ("storyline", "storyline-incremental", "baseline")
# Similarity thresholds tried when tuning (the baseline's distance threshold is 1 - similarity).
THRESHOLD_GRID = tuple(round(0.05 + 0.01 * i, 2) for i in range(91))  # 0.05 .. 0.95
INCREMENTAL_BATCHES = 10
PILE_SEED = 0
PILES_PER_STORY = 2  # one-story piles drawn from each subtopic
PILES_PER_TOPIC = 2  # two-story piles drawn from each topic
ONE_STORY_SIZE = (5, 15)
TWO_STORY_SIZE = (3, 8)  # documents from each of the two subtopics
PILE_KINDS = ("one-story", "two-story")

Clustering = list[list[str]]


# --- data ---------------------------------------------------------------------


@lru_cache(maxsize=4)
def _read_jsonl(path: str) -> tuple[dict[str, Any], ...]:
    with open(path, encoding="utf-8") as f:
        return tuple(json.loads(line) for line in f if line.strip())


def load_ecbplus(path: str | Path, split: str) -> tuple[list[StoryInput], dict[str, str]]:
    """The documents of one ECB+ split and their gold story.

    Args:
        path: ``ecbplus_docs.jsonl``.
        split: ``"train"`` or ``"dev"``.

    Returns:
        ``(documents sorted by id, doc id -> gold subtopic)``. A document's text
        is its sentences, one per line.

    Raises:
        ValueError: the split is unknown or has no documents.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    records = [r for r in _read_jsonl(str(path)) if r["split"] == split]
    if not records:
        raise ValueError(f"no {split} documents in {path}")
    docs = [
        StoryInput(
            doc_id=str(r["doc_id"]),
            text="\n".join(s if isinstance(s, str) else " ".join(s) for s in r["sentences"]),
        )
        for r in records
    ]
    gold = {str(r["doc_id"]): str(r["subtopic"]) for r in records}
    return sorted(docs, key=lambda d: d.doc_id), gold


@dataclass(frozen=True, slots=True)
class Pile:
    """A small pile of documents: ``kind`` is ``"one-story"`` or ``"two-story"``."""

    kind: str
    docs: tuple[StoryInput, ...]


def small_piles(
    docs: Sequence[StoryInput], gold: Mapping[str, str], *, seed: int = PILE_SEED
) -> list[Pile]:
    """Small piles drawn from one split, the same on every run.

    From each subtopic, :data:`PILES_PER_STORY` one-story piles of 5 to 15 of
    its documents (all of them if it has fewer); from each topic with two
    subtopics, :data:`PILES_PER_TOPIC` two-story piles of 3 to 8 documents of
    each. A subtopic's topic is the part of its name before ``_``.

    Args:
        docs: the split's documents.
        gold: doc id -> subtopic.
        seed: the seed of the draws.

    Returns:
        The one-story piles by subtopic, then the two-story piles by topic.
    """
    by_story: dict[str, list[StoryInput]] = {}
    for d in sorted(docs, key=lambda d: d.doc_id):
        by_story.setdefault(gold[d.doc_id], []).append(d)
    rng = random.Random(seed)

    def draw(members: list[StoryInput], size: tuple[int, int]) -> list[StoryInput]:
        n = len(members)
        return rng.sample(members, rng.randint(min(size[0], n), min(size[1], n)))

    piles = []
    for story in sorted(by_story):
        for _ in range(PILES_PER_STORY):
            piles.append(Pile("one-story", tuple(draw(by_story[story], ONE_STORY_SIZE))))
    topics: dict[str, list[str]] = {}
    for story in sorted(by_story):
        topics.setdefault(story.split("_")[0], []).append(story)
    for topic in sorted(topics):
        if len(topics[topic]) == 2:
            for _ in range(PILES_PER_TOPIC):
                pile = [d for s in topics[topic] for d in draw(by_story[s], TWO_STORY_SIZE)]
                piles.append(Pile("two-story", tuple(pile)))
    return piles


# --- the systems --------------------------------------------------------------


def _storyline_runner(
    docs: Sequence[StoryInput], params: StoryParams = DEFAULT_PARAMS
) -> Callable[[float], Clustering]:
    """Featurise once; return threshold -> clustering (what ``cluster_stories`` returns).

    The similarity is :func:`~storyline.corpus.stories.similarity_matrix`'s.
    """
    ordered = sorted(docs, key=lambda d: d.doc_id)
    vs = vectors([document_terms(d) for d in ordered], params.weights, params.background_docs)
    days = [(day(d.published),) * 2 for d in ordered]
    sim = similarity(vs, vs) - params.penalty(days, days)
    # The whole tree once; each threshold is then a cut (what average_linkage does).
    tree = average_linkage_tree(sim)
    ids = [d.doc_id for d in ordered]
    return _cutter(ids, tree)


def _cutter(
    ids: Sequence[str], tree: Sequence[tuple[float, int, int]]
) -> Callable[[float], Clustering]:
    """threshold -> the clusters of a merge tree cut there, each distinct cut computed once."""
    heights = sorted((h for h, _, _ in tree), reverse=True)
    cuts: dict[int, Clustering] = {}

    def run(threshold: float) -> Clustering:
        kept = int(np.searchsorted(-np.array(heights), -threshold, side="right"))
        if kept not in cuts:
            groups = cut_tree(len(ids), tree, threshold)
            cuts[kept] = sorted(sorted(ids[i] for i in g) for g in groups)
        return cuts[kept]

    return run


def _baseline_runner(docs: Sequence[StoryInput]) -> Callable[[float], Clustering]:
    """tf-idf (scikit-learn defaults) + average-linkage cosine clustering at a similarity cut."""
    try:
        from scipy.cluster.hierarchy import linkage
        from scipy.spatial.distance import squareform
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.metrics.pairwise import cosine_distances
    except ImportError as exc:
        raise MissingExtraError(
            "the story-clustering baseline needs scikit-learn: pip install scikit-learn"
        ) from exc
    ids = [d.doc_id for d in docs]
    if len(docs) < 2:
        return lambda threshold: [ids] if ids else []
    distances = cosine_distances(TfidfVectorizer().fit_transform([d.text for d in docs]))
    np.fill_diagonal(distances, 0.0)
    # scipy's average-linkage tree, once; row k merges clusters a and b into cluster n + k.
    tree = linkage(squareform(distances, checks=False), "average")
    member = list(range(len(ids)))
    merges = []
    for a, b, distance, _ in tree.tolist():
        # A merge is kept below the distance cut 1 - t, not at it, as AgglomerativeClustering
        # (distance_threshold=...) does: nudge its similarity down by the last bit.
        merges.append(
            (float(np.nextafter(1.0 - distance, -np.inf)), member[int(a)], member[int(b)])
        )
        member.append(member[int(a)])
    return _cutter(ids, merges)


def _incremental(
    docs: Sequence[StoryInput], threshold: float, batches: int, params: StoryParams
) -> Clustering:
    """Feed the documents to ``assign_stories`` in batches, in a fixed shuffled order."""
    order = sorted(docs, key=lambda d: d.doc_id)
    random.Random(0).shuffle(order)  # seeded: the same order on every run
    size = -(-len(order) // batches)
    stories: list = []
    for start in range(0, len(order), size):
        batch = order[start : start + size]
        stories = assign_stories(stories, batch, threshold=threshold, params=params)
    return sorted(list(s.doc_ids) for s in stories)


# --- tuning and scoring -------------------------------------------------------


def scores(clusters: Clustering, gold: Mapping[str, str]) -> dict[str, Any]:
    """B-cubed, ARI, V-measure and cluster counts of one clustering against gold labels."""
    key = clusters_from_labels(gold)
    b3 = b_cubed(key, clusters)
    return {
        "b_cubed": b3.to_dict(),
        "ari": adjusted_rand_index(key, clusters),
        "v_measure": v_measure(key, clusters).f1,
        "clusters": len(clusters),
        "gold_clusters": len(key),
    }


def _pile_gold(pile: Pile, gold: Mapping[str, str]) -> dict[str, str]:
    return {d.doc_id: gold[d.doc_id] for d in pile.docs}


def tune_thresholds(path: str | Path, *, params: StoryParams = DEFAULT_PARAMS) -> dict[str, float]:
    """The best-on-train similarity threshold of storyline and of the baseline.

    Args:
        path: ``ecbplus_docs.jsonl``.
        params: storyline's settings (their threshold is what is tuned).

    Returns:
        ``{"storyline": t, "baseline": t}``: the grid value with the highest
        mean of the whole-train B-cubed F1 and the train small-pile B-cubed F1
        (the smaller on a tie). The baseline's distance threshold is ``1 - t``.
    """
    docs, gold = load_ecbplus(path, "train")
    key = clusters_from_labels(gold)
    piles = small_piles(docs, gold)
    pile_keys = [clusters_from_labels(_pile_gold(p, gold)) for p in piles]
    tuned: dict[str, float] = {}
    runners = {"storyline": partial(_storyline_runner, params=params), "baseline": _baseline_runner}
    for name, make in runners.items():
        objective = _objective(make(docs), key, [make(p.docs) for p in piles], pile_keys, piles)
        tuned[name] = THRESHOLD_GRID[int(np.argmax(objective))]
    return tuned


def _objective(
    run: Callable[[float], Clustering],
    key: list,
    pile_runs: Sequence[Callable[[float], Clustering]],
    pile_keys: Sequence[list],
    piles: Sequence[Pile],
) -> list[float]:
    """The tuning objective at each grid threshold (see :func:`tune_thresholds`)."""
    scored: dict[int, float] = {}  # a runner returns one object per distinct cut: score it once

    def f1(key: list, clusters: Clustering) -> float:
        if id(clusters) not in scored:
            scored[id(clusters)] = b_cubed(key, clusters).f1
        return scored[id(clusters)]

    objective = []
    for t in THRESHOLD_GRID:
        pile_f1 = [f1(k, r(t)) for k, r in zip(pile_keys, pile_runs, strict=True)]
        by_kind = [
            [f for f, p in zip(pile_f1, piles, strict=True) if p.kind == k] for k in PILE_KINDS
        ]
        small = np.mean([np.mean(f) for f in by_kind if f])
        objective.append(float(f1(key, run(t)) + small) / 2)
    return objective


def evaluate_stories(
    path: str | Path,
    split: str,
    *,
    thresholds: Mapping[str, float] | None = None,
    params: StoryParams = DEFAULT_PARAMS,
) -> dict[str, Any]:
    """Score storyline and the baseline on one whole ECB+ split.

    Args:
        path: ``ecbplus_docs.jsonl``.
        split: ``"train"`` or ``"dev"``.
        thresholds: ``{"storyline", "baseline"}`` similarity thresholds; tuned
            on train with :func:`tune_thresholds` when not given.
        params: storyline's settings but the threshold (to compare variants).

    Returns:
        ``{"split", "documents", "gold_stories", "thresholds", "systems"}``;
        ``systems`` maps each of ``storyline``, ``storyline-incremental`` and
        ``baseline`` to :func:`scores`.

    Raises:
        MissingExtraError: scikit-learn is not installed.

    Example:
        >>> r = evaluate_stories("../shared/datasets/ecbplus-dev/ecbplus_docs.jsonl", "dev")
        ... # doctest: +SKIP
        >>> r["systems"]["storyline"]["b_cubed"]["f1"] > r["systems"]["baseline"]["b_cubed"]["f1"]
        ... # doctest: +SKIP
        True
    """
    tuned = dict(thresholds) if thresholds else tune_thresholds(path, params=params)
    docs, gold = load_ecbplus(path, split)
    t = tuned["storyline"]
    systems = {
        "storyline": _storyline_runner(docs, params)(t),
        "storyline-incremental": _incremental(docs, t, INCREMENTAL_BATCHES, params),
        "baseline": _baseline_runner(docs)(tuned["baseline"]),
    }
    return {
        "split": split,
        "documents": len(docs),
        "gold_stories": len(set(gold.values())),
        "thresholds": tuned,
        "systems": {name: scores(c, gold) for name, c in systems.items()},
    }


def evaluate_small_piles(
    path: str | Path,
    split: str,
    *,
    thresholds: Mapping[str, float] | None = None,
    params: StoryParams = DEFAULT_PARAMS,
) -> dict[str, Any]:
    """Score storyline and the baseline on small piles drawn from one ECB+ split.

    Args:
        path: ``ecbplus_docs.jsonl``.
        split: ``"train"`` or ``"dev"``.
        thresholds, params: as for :func:`evaluate_stories`.

    Returns:
        ``{"split", "piles", "systems", "incremental_vs_batch"}``: ``piles`` is
        the count of each kind; ``systems`` maps each system and pile kind to
        the means over piles of ``b_cubed_f1``, ``ari``, ``cluster_error``
        (``|clusters - gold stories|``) and ``exact`` (the share of piles with
        the right number of clusters). ``incremental_vs_batch`` compares the
        one-document-at-a-time stories with batch ``cluster_stories`` on each
        pile: mean B-cubed F1 of one against the other and the share of piles
        where they are identical.

    Raises:
        MissingExtraError: scikit-learn is not installed.
    """
    tuned = dict(thresholds) if thresholds else tune_thresholds(path, params=params)
    docs, gold = load_ecbplus(path, split)
    piles = small_piles(docs, gold)
    rows: dict[str, dict[str, list[tuple[float, float, int]]]] = {
        name: {k: [] for k in PILE_KINDS} for name in SYSTEMS
    }
    agreement: list[tuple[float, bool]] = []
    for pile in piles:
        key = clusters_from_labels(_pile_gold(pile, gold))
        batch = _storyline_runner(pile.docs, params)(tuned["storyline"])
        incremental = _incremental(pile.docs, tuned["storyline"], len(pile.docs), params)
        runs = {
            "storyline": batch,
            "storyline-incremental": incremental,
            "baseline": _baseline_runner(pile.docs)(tuned["baseline"]),
        }
        for name, clusters in runs.items():
            row = (
                b_cubed(key, clusters).f1,
                adjusted_rand_index(key, clusters),
                abs(len(clusters) - len(key)),
            )
            rows[name][pile.kind].append(row)
        agreement.append((b_cubed(batch, incremental).f1, sorted(batch) == sorted(incremental)))
    return {
        "split": split,
        "piles": {k: len([p for p in piles if p.kind == k]) for k in PILE_KINDS},
        "thresholds": tuned,
        "systems": {
            name: {kind: _means(r) for kind, r in by_kind.items() if r}
            for name, by_kind in rows.items()
        },
        "incremental_vs_batch": {
            "b_cubed_f1": float(np.mean([f for f, _ in agreement])) if agreement else 1.0,
            "identical": float(np.mean([same for _, same in agreement])) if agreement else 1.0,
        },
    }


def _means(rows: Sequence[tuple[float, float, int]]) -> dict[str, float]:
    f1, ari, error = (np.array(x, dtype=float) for x in zip(*rows, strict=True))
    return {
        "b_cubed_f1": float(f1.mean()),
        "ari": float(ari.mean()),
        "cluster_error": float(error.mean()),
        "exact": float((error == 0).mean()),
    }


def ecbplus_path(dataset_dir: str | Path) -> Path:
    """``ecbplus_docs.jsonl`` under a datasets folder (or the ``ecbplus-dev`` folder itself).

    Raises:
        FileNotFoundError: it is in neither place, with where it was looked for.
    """
    base = Path(dataset_dir)
    for candidate in (base / ECBPLUS_FILE, base / ECBPLUS_FILE.name, base):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"ECB+ not found: looked for {base / ECBPLUS_FILE}; pass the shared datasets folder "
        "(../shared/datasets) or set STORYLINE_DATASETS"
    )


def run(dataset_dir: str | Path) -> dict[str, Any]:
    """Tune on train once, then evaluate train and dev, whole and in small piles.

    Args:
        dataset_dir: the shared datasets folder (holding ``ecbplus-dev/``).

    Returns:
        ``{"dataset", "thresholds", "splits", "small_piles"}``: for each split,
        :func:`evaluate_stories` and :func:`evaluate_small_piles` results.
    """
    path = ecbplus_path(dataset_dir)
    tuned = tune_thresholds(path)
    return {
        "dataset": str(path),
        "thresholds": tuned,
        "splits": {s: evaluate_stories(path, s, thresholds=tuned) for s in SPLITS},
        "small_piles": {s: evaluate_small_piles(path, s, thresholds=tuned) for s in SPLITS},
    }


def markdown(result: Mapping[str, Any]) -> str:
    """Markdown tables of :func:`run`'s result: whole splits, small piles, incremental agreement."""
    lines = [
        "| split | system | threshold | B³ P | B³ R | B³ F1 | ARI | V | clusters / gold |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    thresholds = result["thresholds"]
    for split, r in result["splits"].items():
        for name, s in r["systems"].items():
            b3 = s["b_cubed"]
            t = thresholds["baseline" if name == "baseline" else "storyline"]
            cut = f"distance {1 - t:.2f}" if name == "baseline" else f"similarity {t:.2f}"
            lines.append(
                f"| {split} | {name} | {cut} | {b3['precision']:.3f} | {b3['recall']:.3f} | "
                f"{b3['f1']:.3f} | {s['ari']:.3f} | {s['v_measure']:.3f} | "
                f"{s['clusters']} / {s['gold_clusters']} |"
            )
    lines += [
        "",
        "| split | piles | system | B³ F1 | ARI | exact count | mean cluster error |",
        "|---|---|---|---|---|---|---|",
    ]
    for split, r in result.get("small_piles", {}).items():
        for name, by_kind in r["systems"].items():
            for kind, m in by_kind.items():
                lines.append(
                    f"| {split} | {r['piles'][kind]} {kind} | {name} | {m['b_cubed_f1']:.3f} | "
                    f"{m['ari']:.3f} | {m['exact']:.2f} | {m['cluster_error']:.2f} |"
                )
    if result.get("small_piles"):
        lines += ["", "| split | incremental vs batch: B³ F1 | identical |", "|---|---|---|"]
        for split, r in result["small_piles"].items():
            agree = r["incremental_vs_batch"]
            lines.append(f"| {split} | {agree['b_cubed_f1']:.3f} | {agree['identical']:.2f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the Markdown tables for train and dev; exit status 0, or 2 without the data."""
    return harness_main(run, markdown, argv, missing=(FileNotFoundError, MissingExtraError))


if __name__ == "__main__":
    raise SystemExit(main())
