"""Clustering and coreference scores: B-cubed, ARI, V-measure, MUC, CEAF-e, CoNLL F1.

Every score compares a *key* (the gold clustering) with a *response* (the
system's clustering). Both are given as clusters: iterables of hashable items
(document ids, mention ids). :func:`clusters_from_labels` turns an
``item -> label`` mapping into that form.

The coreference scores (MUC, B-cubed, CEAF-e) follow the reference scorer of
Pradhan et al. (2014), "Scoring coreference partitions of predicted mentions":
items present in only one side ("twinless" mentions) are allowed and simply
count as unmatched. ARI and V-measure are partition scores and need both sides
to cover the same items.

Example:
    >>> key = [{"a", "b", "c"}, {"d", "e", "f", "g"}]
    >>> response = [{"a", "b"}, {"c", "d"}, {"f", "g", "h", "i"}]
    >>> round(muc(key, response).f1, 3), round(b_cubed(key, response).precision, 3)
    (0.4, 0.5)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

Clusters = Sequence[Iterable[Hashable]]


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and their harmonic mean (0.0 when both are 0)."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def clusters_from_labels(labels: Mapping[Hashable, Hashable]) -> list[set[Hashable]]:
    """Group items by label.

    Args:
        labels: item -> cluster label.

    Returns:
        One set per label, in order of the label's first appearance.

    Example:
        >>> [sorted(c) for c in clusters_from_labels({"a": 1, "b": 2, "c": 1})]
        [['a', 'c'], ['b']]
    """
    groups: dict[Hashable, set[Hashable]] = {}
    for item, label in labels.items():
        groups.setdefault(label, set()).add(item)
    return list(groups.values())


def _as_sets(clusters: Clusters) -> list[set[Hashable]]:
    """Normalise clusters to non-empty sets and reject an item in two clusters."""
    sets = [set(c) for c in clusters]
    seen: set[Hashable] = set()
    for s in sets:
        if seen & s:
            raise ValueError(f"items in more than one cluster: {sorted(map(str, seen & s))[:5]}")
        seen |= s
    return [s for s in sets if s]


def _cluster_of(clusters: list[set[Hashable]]) -> dict[Hashable, int]:
    return {item: i for i, c in enumerate(clusters) for item in c}


def _safe_div(num: float, den: float) -> float:
    return num / den if den else 0.0


# --- B-cubed ------------------------------------------------------------------


def b_cubed(key: Clusters, response: Clusters) -> PRF:
    """B-cubed precision and recall (Bagga and Baldwin 1998).

    Each item's precision is the share of its response cluster that is in its
    key cluster; recall the other way round; both are averaged over items.

    Args:
        key: gold clusters.
        response: system clusters.

    Returns:
        :class:`PRF`; an item missing from one side scores 0 for it.

    Example:
        >>> b_cubed([{1, 2}, {3}], [{1, 2, 3}]).precision  # (2/3 + 2/3 + 1/3) / 3
        0.5555555555555556
    """
    k, r = _as_sets(key), _as_sets(response)
    return PRF(
        precision=_b_cubed_side(r, k),
        recall=_b_cubed_side(k, r),
    )


def _b_cubed_side(base: list[set[Hashable]], other: list[set[Hashable]]) -> float:
    """Mean over items of ``base`` of |their base cluster ∩ other cluster| / |base cluster|."""
    total = sum(len(c) for c in base)
    other_of = _cluster_of(other)
    parts = []
    for c in base:
        overlaps = Counter(other_of[item] for item in c if item in other_of)
        # Each item of an overlap of size n scores n/|c|; summed over the n items: n²/|c|.
        parts.append(sum(n * n for n in overlaps.values()) / len(c))
    # fsum: exact, so the score does not depend on the (hash-seeded) order of set items.
    return _safe_div(math.fsum(parts), total)


# --- MUC ----------------------------------------------------------------------


def muc(key: Clusters, response: Clusters) -> PRF:
    """MUC link-based precision and recall (Vilain et al. 1995).

    Recall counts, for each key cluster, how many of its ``|k| - 1`` links the
    response keeps: ``|k| - p(k)`` where ``p(k)`` is the number of parts the
    response cuts it into (an item the response lacks is a part of its own).
    Singletons carry no links, so a clustering of singletons scores 0.

    Args:
        key: gold clusters.
        response: system clusters.

    Returns:
        :class:`PRF` (0.0 where there are no links to count).

    Example:
        >>> muc([{"A", "B", "C", "D"}], [{"A", "B"}, {"C", "D"}]).recall
        0.6666666666666666
    """
    k, r = _as_sets(key), _as_sets(response)
    return PRF(precision=_muc_side(r, k), recall=_muc_side(k, r))


def _muc_side(base: list[set[Hashable]], other: list[set[Hashable]]) -> float:
    other_of = _cluster_of(other)
    num = den = 0
    for c in base:
        inside = {other_of[item] for item in c if item in other_of}
        missing = sum(1 for item in c if item not in other_of)
        num += len(c) - (len(inside) + missing)
        den += len(c) - 1
    return _safe_div(num, den)


# --- CEAF-e -------------------------------------------------------------------


def ceaf_e(key: Clusters, response: Clusters) -> PRF:
    """Entity-based CEAF (Luo 2005) with the ``phi4`` similarity.

    Key and response clusters are aligned one-to-one to maximise the sum of
    ``phi4(k, r) = 2|k ∩ r| / (|k| + |r|)``; recall is that sum over the number
    of key clusters, precision over the number of response clusters.

    Args:
        key: gold clusters.
        response: system clusters.

    Returns:
        :class:`PRF`.

    Example:
        >>> ceaf_e([{1, 2}, {3}], [{1, 2}, {3}]).f1
        1.0
    """
    k, r = _as_sets(key), _as_sets(response)
    if not k or not r:
        return PRF(0.0, 0.0)
    sim = [[2 * len(a & b) / (len(a) + len(b)) for b in r] for a in k]
    total = math.fsum(sim[i][j] for i, j in max_weight_matching(sim))
    return PRF(precision=total / len(r), recall=total / len(k))


def max_weight_matching(weights: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
    """Rows matched to columns, one-to-one, maximising the summed weight.

    Uses :func:`scipy.optimize.linear_sum_assignment` when scipy is installed,
    otherwise a small Hungarian algorithm (:func:`_hungarian`) giving the same
    optimum.

    Args:
        weights: a rectangular matrix (rows x columns) of non-negative weights.

    Returns:
        ``(row, column)`` pairs, ``min(rows, columns)`` of them, sorted by row.
    """
    if not weights or not weights[0]:
        return []
    try:
        import numpy as np
        from scipy.optimize import linear_sum_assignment
    except ImportError:
        return _hungarian(weights)
    rows, cols = linear_sum_assignment(np.asarray(weights, dtype=float), maximize=True)
    return sorted(zip(rows.tolist(), cols.tolist(), strict=True))


def _hungarian(weights: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
    """Maximum-weight assignment by the O(n³) Hungarian algorithm (Jonker-Volgenant form).

    Works on the transposed problem when there are more rows than columns so
    the inner loop always runs over the longer side.
    """
    n_rows, n_cols = len(weights), len(weights[0])
    transposed = n_rows > n_cols
    if transposed:
        weights = [[weights[i][j] for i in range(n_rows)] for j in range(n_cols)]
        n_rows, n_cols = n_cols, n_rows
    # Minimise cost = -weight. 1-based arrays; index 0 is the virtual start column.
    inf = math.inf
    u = [0.0] * (n_rows + 1)
    v = [0.0] * (n_cols + 1)
    owner = [0] * (n_cols + 1)  # owner[j]: the row matched to column j (0 = none)
    way = [0] * (n_cols + 1)
    for i in range(1, n_rows + 1):
        owner[0] = i
        j0 = 0
        min_to = [inf] * (n_cols + 1)
        used = [False] * (n_cols + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = owner[j0], inf, 0
            for j in range(1, n_cols + 1):
                if used[j]:
                    continue
                cur = -weights[i0 - 1][j - 1] - u[i0] - v[j]
                if cur < min_to[j]:
                    min_to[j], way[j] = cur, j0
                if min_to[j] < delta:
                    delta, j1 = min_to[j], j
            for j in range(n_cols + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    min_to[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:  # walk the augmenting path back, flipping the matching
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    pairs = [(owner[j] - 1, j - 1) for j in range(1, n_cols + 1) if owner[j]]
    if transposed:
        pairs = [(c, r) for r, c in pairs]
    return sorted(pairs)


def conll_f1(key: Clusters, response: Clusters) -> float:
    """The CoNLL-2012 score: the mean of MUC, B-cubed and CEAF-e F1.

    Example:
        >>> conll_f1([{1, 2}, {3}], [{1, 2}, {3}])
        1.0
    """
    return (muc(key, response).f1 + b_cubed(key, response).f1 + ceaf_e(key, response).f1) / 3


# --- partition scores ---------------------------------------------------------


def _contingency(key: Clusters, response: Clusters) -> tuple[list[int], list[int], list[int]]:
    """Cluster sizes of both sides and the non-zero cell counts of their contingency table."""
    k, r = _as_sets(key), _as_sets(response)
    k_items = set().union(*k) if k else set()
    r_items = set().union(*r) if r else set()
    if k_items != r_items:
        raise ValueError(
            f"key and response cover different items ({len(k_items ^ r_items)} differ); "
            "ARI and V-measure need the same items on both sides"
        )
    r_of = _cluster_of(r)
    cells: list[int] = []
    for c in k:
        cells.extend(Counter(r_of[item] for item in c).values())
    return [len(c) for c in k], [len(c) for c in r], cells


def adjusted_rand_index(key: Clusters, response: Clusters) -> float:
    """Adjusted Rand index (Hubert and Arabie 1985) of two partitions of the same items.

    1.0 for identical partitions, about 0.0 for chance agreement, negative below
    chance.

    Raises:
        ValueError: the two sides do not cover the same items.

    Example:
        >>> round(adjusted_rand_index([{0, 1}, {2, 3}], [{0, 1}, {2}, {3}]), 4)
        0.5714
    """
    k_sizes, r_sizes, cells = _contingency(key, response)
    n = sum(k_sizes)

    def pairs(x: int) -> float:
        return x * (x - 1) / 2

    index = sum(pairs(c) for c in cells)
    sum_k = sum(pairs(s) for s in k_sizes)
    sum_r = sum(pairs(s) for s in r_sizes)
    expected = sum_k * sum_r / pairs(n) if n > 1 else 0.0
    maximum = (sum_k + sum_r) / 2
    if maximum == expected:
        # Both partitions trivial (all singletons or one cluster): they agree fully.
        return 1.0
    return (index - expected) / (maximum - expected)


def v_measure(key: Clusters, response: Clusters) -> PRF:
    """Homogeneity and completeness (Rosenberg and Hirschberg 2007) as a :class:`PRF`.

    ``precision`` is homogeneity (each response cluster holds one key class),
    ``recall`` completeness; ``f1`` is the V-measure.

    Raises:
        ValueError: the two sides do not cover the same items.

    Example:
        >>> v_measure([{1, 2}, {3, 4}], [{1, 2}, {3, 4}]).f1
        1.0
    """
    k_sizes, r_sizes, cells = _contingency(key, response)
    n = sum(k_sizes)
    if n == 0:
        return PRF(1.0, 1.0)

    def entropy(sizes: list[int]) -> float:
        return -math.fsum(s / n * math.log(s / n) for s in sorted(sizes) if s)

    h_k, h_r = entropy(k_sizes), entropy(r_sizes)
    mutual = h_k + h_r - entropy(cells)  # I(K;R) = H(K) + H(R) - H(K,R)
    homogeneity = 1.0 if h_k == 0 else mutual / h_k
    completeness = 1.0 if h_r == 0 else mutual / h_r
    return PRF(precision=homogeneity, recall=completeness)
