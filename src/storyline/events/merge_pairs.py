"""Pairwise scoring and average-linkage clustering of event mentions (used by ``merge``).

Each candidate pair of mentions in one scope (a story, or the whole pile) gets a
feature vector (:data:`FEATURES`): lemma evidence (same lemma, same lemma family,
a morphological variant such as "shoot"/"shot"), shared participants (through
the canonical entities), conflicts (two places, two calendar days, two types),
where the mentions stand (same document or sentence, both in a lead sentence),
how much their sentences share, and how central each lemma is to the scope (the
share of its documents using it). A logistic model trained on ECB+ train
(``scripts/train_event_merge.py``; weights in ``data/event_merge.json``) turns the
vector into a probability, and mentions are clustered by average linkage over
those probabilities, stopping at a threshold; a hard conflict (two places, two
days) never merges. Everything is ordered, so results are deterministic.
"""

from __future__ import annotations

import heapq
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from storyline.events.model import EventMention

__all__ = ["FEATURES", "MentionInfo", "average_linkage", "load_weights", "pair_features"]

WEIGHTS_PATH = Path(__file__).parent / "data" / "event_merge.json"
FEATURES = (
    "same_lemma",
    "same_family",
    "morph_variant",
    "same_doc",
    "same_sentence",
    "both_lead",
    "one_lead",
    "shared_actor",
    "shared_target",
    "shared_any",
    "location_conflict",
    "day_conflict",
    "same_day",
    "type_same",
    "type_conflict",
    "context",
    "salience_min",
    "salience_max",
    "lemma_x_context",
    "lemma_x_salience",
    "other_x_lead",
)
_UNTYPED = frozenset({"", "OTHER"})
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
_STOP = frozenset(
    """the and for that with this from have has had was were are been his her their its
    they them she him who which what when where will would could should said says after
    before about into over than then there also more most other some such only not but
    our out all one two new one year years last first told""".split()
)


@dataclass(frozen=True, slots=True)
class MentionInfo:
    """What pair features need to know about one mention, computed once."""

    mention: EventMention
    family: str
    location: str | None
    day: str | None
    actors: frozenset[str]
    targets: frozenset[str]
    words: frozenset[str]
    salience: float


def context_words(text: str) -> frozenset[str]:
    """The content words of a sentence, lowercased (stop words and short words out)."""
    return frozenset(w for w in (m.group().lower() for m in _WORD.finditer(text)) if w not in _STOP)


def _morph(a: str, b: str) -> bool:
    """Whether two lemmas look like forms of one word ("shoot"/"shot", "check"/"checks")."""
    if a == b:
        return False
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n >= 3 and n >= 0.6 * min(len(a), len(b))


def pair_features(a: MentionInfo, b: MentionInfo) -> list[float]:
    """The feature vector of a pair, in the order of :data:`FEATURES`."""
    ma, mb = a.mention, b.mention
    same_lemma = float(ma.lemma.lower() == mb.lemma.lower())
    same_family = float(not same_lemma and a.family == b.family)
    lead_a, lead_b = ma.sentence_start == 0, mb.sentence_start == 0
    union = a.words | b.words
    context = len(a.words & b.words) / len(union) if union else 0.0
    typed = ma.type not in _UNTYPED and mb.type not in _UNTYPED
    args_a, args_b = a.actors | a.targets, b.actors | b.targets
    if a.location:
        args_a = args_a | {a.location}
    if b.location:
        args_b = args_b | {b.location}
    sal_min, sal_max = min(a.salience, b.salience), max(a.salience, b.salience)
    lemmaish = max(same_lemma, same_family)
    return [
        same_lemma,
        same_family,
        float(not lemmaish and _morph(ma.lemma.lower(), mb.lemma.lower())),
        float(ma.doc_id == mb.doc_id),
        float(ma.doc_id == mb.doc_id and ma.sentence_start == mb.sentence_start),
        float(lead_a and lead_b),
        float(lead_a != lead_b),
        float(bool(a.actors & b.actors)),
        float(bool(a.targets & b.targets)),
        float(bool(args_a & args_b)),
        float(a.location is not None and b.location is not None and a.location != b.location),
        float(a.day is not None and b.day is not None and a.day != b.day),
        float(a.day is not None and a.day == b.day),
        float(typed and ma.type == mb.type),
        float(typed and ma.type != mb.type),
        context,
        sal_min,
        sal_max,
        lemmaish * context,
        lemmaish * sal_min,
        (1.0 - lemmaish) * float(lead_a and lead_b),
    ]


@lru_cache(maxsize=4)
def load_weights(path: str = "") -> tuple[float, tuple[float, ...]]:
    """``(intercept, coefficients)`` of the pair model (default: the shipped weights).

    Raises:
        ValueError: the file's feature names are not :data:`FEATURES`.
    """
    with Path(path or WEIGHTS_PATH).open(encoding="utf-8") as f:
        data = json.load(f)
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path or WEIGHTS_PATH} was trained on other features; retrain it")
    return float(data["intercept"]), tuple(float(w) for w in data["coefficients"])


def probability(features: Sequence[float], weights: tuple[float, tuple[float, ...]]) -> float:
    """The logistic model's probability that a pair names one event."""
    intercept, coefs = weights
    z = intercept + sum(w * x for w, x in zip(coefs, features, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


def average_linkage(
    n: int,
    scores: Mapping[tuple[int, int], float],
    threshold: float,
    cannot: Callable[[int, int], bool] | None = None,
    start: Sequence[Sequence[int]] | None = None,
) -> list[list[int]]:
    """Average-linkage clustering of ``n`` items from sparse pair scores (absent pairs: 0).

    Args:
        n: the number of items (0..n-1).
        scores: ``(i, j) -> score`` with ``i < j``.
        threshold: the lowest average score at which two clusters still merge.
        cannot: pairs that must never end in one cluster.
        start: initial clusters (a partition of the items; default: singletons).

    Returns:
        Clusters as sorted lists of item indices, sorted by their first item.
    """
    groups = [sorted(g) for g in start] if start is not None else [[i] for i in range(n)]
    members: dict[int, list[int]] = dict(enumerate(groups))
    of = {item: c for c, g in members.items() for item in g}
    sums: dict[int, dict[int, float]] = defaultdict(dict)
    blocked: dict[int, set[int]] = defaultdict(set)
    for (i, j), s in sorted(scores.items()):
        a, b = of[i], of[j]
        if a != b:
            sums[a][b] = sums[b].get(a, 0.0) + s
            sums[b][a] = sums[a][b]
            if cannot is not None and cannot(i, j):
                blocked[a].add(b)
                blocked[b].add(a)
    heap = [
        (-total / (len(members[a]) * len(members[b])), a, b)
        for a in sorted(sums)
        for b, total in sorted(sums[a].items())
        if a < b
    ]
    heap = [h for h in heap if -h[0] >= threshold]
    heapq.heapify(heap)
    next_id = len(members)
    while heap:
        neg, i, j = heapq.heappop(heap)
        if i not in members or j not in members or j in blocked[i]:
            continue
        k, next_id = next_id, next_id + 1
        members[k] = sorted(members.pop(i) + members.pop(j))
        blocked[k] = blocked.pop(i, set()) | blocked.pop(j, set())
        si, sj = sums.pop(i, {}), sums.pop(j, {})
        for other in sorted(set(si) | set(sj)):
            if other in (i, j) or other not in members:
                continue
            total = si.get(other, 0.0) + sj.get(other, 0.0)
            for side in (i, j):
                sums[other].pop(side, None)
            sums[k][other] = sums[other][k] = total
            if i in blocked[other] or j in blocked[other]:
                blocked[other] |= {k}
            avg = total / (len(members[k]) * len(members[other]))
            if avg >= threshold and other not in blocked[k]:
                heapq.heappush(heap, (-avg, min(k, other), max(k, other)))
    return sorted(members.values())
