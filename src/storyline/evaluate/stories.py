"""Story clustering on ECB+ against a tf-idf + agglomerative baseline.

Each split of ECB+ (train, dev) is clustered as a whole, all its topics mixed
together; the gold story of a document is its ``subtopic`` (each topic holds two
real events of the same kind). Three systems run on the same documents:

- ``storyline``: :func:`storyline.corpus.stories.cluster_stories`;
- ``storyline-incremental``: :func:`storyline.corpus.stories.assign_stories`
  fed the split in 10 batches, in a fixed shuffled order;
- ``baseline``: scikit-learn ``TfidfVectorizer()`` with its defaults, then
  ``AgglomerativeClustering`` (average linkage, cosine distance).

The threshold of storyline and of the baseline are each tuned the same way: the
value on a 0.01 grid that gives the best B-cubed F1 on the *train* split; dev is
the held-out result. The ECB+ records carry no title or publication date, so
neither is given to storyline (a URL is present for only some documents, and
only for one of the two events of a topic: using it would leak the answer).

Run ``python -m storyline.evaluate.stories [DATASETS_DIR]`` for a Markdown table;
``DATASETS_DIR`` defaults to ``$STORYLINE_DATASETS`` or ``../shared/datasets``.
The baseline needs scikit-learn.
"""

from __future__ import annotations

import json
import os
import random
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from storyline.corpus.stories import (
    StoryInput,
    assign_stories,
    average_linkage_tree,
    cut_tree,
    similarity_matrix,
)
from storyline.errors import MissingExtraError
from storyline.evaluate.metrics import adjusted_rand_index, b_cubed, clusters_from_labels, v_measure

ECBPLUS_FILE = Path("ecbplus-dev") / "ecbplus_docs.jsonl"
SPLITS = ("train", "dev")
SYSTEMS = ("storyline", "storyline-incremental", "baseline")
# Similarity thresholds tried when tuning (the baseline's distance threshold is 1 - similarity).
THRESHOLD_GRID = tuple(round(0.05 + 0.01 * i, 2) for i in range(91))  # 0.05 .. 0.95
INCREMENTAL_BATCHES = 10

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


# --- the systems --------------------------------------------------------------


def _storyline_runner(docs: Sequence[StoryInput]) -> Callable[[float], Clustering]:
    """Featurise once; return threshold -> clustering (what ``cluster_stories`` returns)."""
    ordered, sim = similarity_matrix(docs)
    # The whole tree once; each threshold is then a cut (what average_linkage does).
    tree = average_linkage_tree(sim)

    def run(threshold: float) -> Clustering:
        groups = cut_tree(len(ordered), tree, threshold)
        return [[ordered[i].doc_id for i in g] for g in groups]

    return run


def _baseline_runner(docs: Sequence[StoryInput]) -> Callable[[float], Clustering]:
    """tf-idf (scikit-learn defaults) + average-linkage cosine clustering at a similarity cut."""
    try:
        from sklearn.cluster import AgglomerativeClustering
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.metrics.pairwise import cosine_distances
    except ImportError as exc:
        raise MissingExtraError(
            "the story-clustering baseline needs scikit-learn: pip install scikit-learn"
        ) from exc
    x = TfidfVectorizer().fit_transform([d.text for d in docs])
    # The same cosine distances AgglomerativeClustering(metric="cosine") computes, once.
    distances = cosine_distances(x)

    def run(threshold: float) -> Clustering:
        model = AgglomerativeClustering(
            n_clusters=None,
            metric="precomputed",
            linkage="average",
            distance_threshold=1.0 - threshold,
        )
        labels = model.fit_predict(distances)
        groups = clusters_from_labels(
            {d.doc_id: int(label) for d, label in zip(docs, labels, strict=True)}
        )
        return sorted(sorted(map(str, g)) for g in groups)

    return run


def _incremental(docs: Sequence[StoryInput], threshold: float) -> Clustering:
    """Feed the documents to ``assign_stories`` in batches, in a fixed shuffled order."""
    order = list(docs)
    random.Random(0).shuffle(order)  # seeded: the same order on every run
    size = -(-len(order) // INCREMENTAL_BATCHES)
    stories: list = []
    for start in range(0, len(order), size):
        stories = assign_stories(stories, order[start : start + size], threshold=threshold)
    return sorted(list(s.doc_ids) for s in stories)


_RUNNERS = {"storyline": _storyline_runner, "baseline": _baseline_runner}


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


def tune_thresholds(path: str | Path) -> dict[str, float]:
    """The best-on-train similarity threshold of storyline and of the baseline.

    Args:
        path: ``ecbplus_docs.jsonl``.

    Returns:
        ``{"storyline": t, "baseline": t}``: the grid value with the highest
        train B-cubed F1 (the smaller on a tie). The baseline's distance
        threshold is ``1 - t``.
    """
    docs, gold = load_ecbplus(path, "train")
    key = clusters_from_labels(gold)
    tuned: dict[str, float] = {}
    for name, make in _RUNNERS.items():
        run = make(docs)
        f1 = [b_cubed(key, run(t)).f1 for t in THRESHOLD_GRID]
        tuned[name] = THRESHOLD_GRID[int(np.argmax(f1))]
    return tuned


def evaluate_stories(
    path: str | Path, split: str, *, thresholds: Mapping[str, float] | None = None
) -> dict[str, Any]:
    """Score storyline and the baseline on one ECB+ split.

    Args:
        path: ``ecbplus_docs.jsonl``.
        split: ``"train"`` or ``"dev"``.
        thresholds: ``{"storyline", "baseline"}`` similarity thresholds; tuned
            on train with :func:`tune_thresholds` when not given.

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
    tuned = dict(thresholds) if thresholds is not None else tune_thresholds(path)
    docs, gold = load_ecbplus(path, split)
    systems = {
        "storyline": _storyline_runner(docs)(tuned["storyline"]),
        "storyline-incremental": _incremental(docs, tuned["storyline"]),
        "baseline": _baseline_runner(docs)(tuned["baseline"]),
    }
    return {
        "split": split,
        "documents": len(docs),
        "gold_stories": len(set(gold.values())),
        "thresholds": tuned,
        "systems": {name: scores(c, gold) for name, c in systems.items()},
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
    """Tune on train once, then evaluate train and dev.

    Args:
        dataset_dir: the shared datasets folder (holding ``ecbplus-dev/``).

    Returns:
        ``{"dataset", "thresholds", "splits": {"train": ..., "dev": ...}}`` with
        :func:`evaluate_stories` results.
    """
    path = ecbplus_path(dataset_dir)
    tuned = tune_thresholds(path)
    return {
        "dataset": str(path),
        "thresholds": tuned,
        "splits": {s: evaluate_stories(path, s, thresholds=tuned) for s in SPLITS},
    }


def markdown(result: Mapping[str, Any]) -> str:
    """A Markdown table of :func:`run`'s result: one row per split and system."""
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
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the Markdown table for train and dev; exit status 0, or 2 without the data."""
    args = list(sys.argv[1:] if argv is None else argv)
    dataset_dir = args[0] if args else os.environ.get("STORYLINE_DATASETS", "../shared/datasets")
    try:
        result = run(dataset_dir)
    except (FileNotFoundError, MissingExtraError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
