"""How stories link: vector similarity, the date-gap penalty, average-linkage clustering.

Two groups merge while the mean similarity over all their cross pairs is at
least a threshold. In story clustering a row may stand for a whole story
(``sizes``). Products of sparse vectors go through ``scipy.sparse``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import numpy as np

Vector = dict[str, float]
"""A sparse feature vector: feature name -> weight (feature names carry a block prefix)."""


def similarity(rows: Sequence[Vector], cols: Sequence[Vector]) -> np.ndarray:
    """Dot products of two lists of sparse vectors, as a dense ``len(rows) x len(cols)`` array.

    Only features present on both sides can contribute, so only those become
    columns; comparing a list with itself (``cols is rows``), only features of
    two or more vectors, the diagonal being each vector's own squared length.
    """
    if cols is rows:
        counts = Counter(t for v in rows for t in v)
        shared = sorted(t for t, n in counts.items() if n > 1)
    else:
        shared = sorted({t for v in rows for t in v} & {t for v in cols for t in v})
    index = {t: i for i, t in enumerate(shared)}
    left = _sparse(rows, index)
    if cols is not rows:
        return (left @ _sparse(cols, index).T).toarray()
    sim = (left @ left.T).toarray()
    np.fill_diagonal(sim, [sum(x * x for x in v.values()) for v in rows])
    return sim


def _sparse(vectors: Sequence[Vector], index: dict[str, int]) -> Any:
    """The vectors as a CSR matrix over the columns of ``index`` (other features dropped)."""
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for v in vectors:
        for t, x in v.items():
            j = index.get(t)
            if j is not None:
                indices.append(j)
                data.append(x)
        indptr.append(len(indices))
    return csr_matrix(
        (np.asarray(data, dtype=float), np.asarray(indices, dtype=np.int64), indptr),
        shape=(len(vectors), len(index)),
    )


Row = tuple[np.ndarray, np.ndarray, float]
"""A vector encoded by :class:`Encoder`: column indices, weights (in the vector's own
order) and its squared length."""


class Encoder:
    """Sparse vectors encoded once as CSR rows over one growing vocabulary.

    Comparing a batch of documents with every story so far, batch after batch,
    would otherwise turn every story's vector into a matrix row again each time.
    Results are those of :func:`similarity`, to the bit: a row keeps its vector's
    order, so each dot product adds the same terms in the same order.

    Example:
        >>> enc = Encoder()
        >>> a, b = enc.row({"w:fire": 0.6, "n:denby": 0.8}), enc.row({"n:denby": 1.0})
        >>> enc.similarity([a], [a, b]).round(2).tolist()
        [[1.0, 0.8]]
    """

    def __init__(self) -> None:
        self._index: dict[str, int] = {}

    def row(self, vector: Vector) -> Row:
        """``vector`` as a row (its new features join the vocabulary)."""
        index = self._index
        columns = [index.setdefault(t, len(index)) for t in vector]
        weights = list(vector.values())
        return (
            np.asarray(columns, dtype=np.int64),
            np.asarray(weights, dtype=float),
            sum(x * x for x in weights),
        )

    def similarity(self, rows: Sequence[Row], cols: Sequence[Row]) -> np.ndarray:
        """Dot products of rows and columns, as :func:`similarity` gives them; with
        ``cols is rows``, the diagonal is each row's squared length."""
        left = self._matrix(rows)
        if cols is not rows:
            return (left @ self._matrix(cols).T).toarray()
        sim = (left @ left.T).toarray()
        np.fill_diagonal(sim, [r[2] for r in rows])
        return sim

    def _matrix(self, rows: Sequence[Row]) -> Any:
        from scipy.sparse import csr_matrix

        if not rows:
            return csr_matrix((0, len(self._index)))
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(r[0]) for r in rows], out=indptr[1:])
        return csr_matrix(
            (np.concatenate([r[1] for r in rows]), np.concatenate([r[0] for r in rows]), indptr),
            shape=(len(rows), len(self._index)),
        )


# --- dates --------------------------------------------------------------------

Span = tuple[date | None, date | None]
"""The first and last publication day of a document or story (None: undated)."""


def day(published: str | None) -> date | None:
    """The day of an ISO 8601 date or date-time, or None when it has none."""
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def gap_penalty(
    rows: Sequence[Span], cols: Sequence[Span], max_gap_days: int, penalty: float
) -> np.ndarray:
    """``penalty`` for each pair of date ranges more than ``max_gap_days`` apart (0 if undated)."""

    def ordinals(spans: Sequence[Span]) -> tuple[np.ndarray, ...]:
        first = [a.toordinal() if a and b else np.nan for a, b in spans]
        last = [b.toordinal() if a and b else np.nan for a, b in spans]
        return np.array(first, dtype=float), np.array(last, dtype=float)

    a_first, a_last = ordinals(rows)
    b_first, b_last = ordinals(cols)
    # Days between the two ranges (0 if they overlap); NaN where either side is undated.
    gap = np.maximum(b_first[None, :] - a_last[:, None], a_first[:, None] - b_last[None, :])
    with np.errstate(invalid="ignore"):
        return np.where(gap > max_gap_days, penalty, 0.0)


# --- clustering ---------------------------------------------------------------


def average_linkage(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage agglomerative clustering of a similarity matrix, cut at a threshold.

    Two groups merge while the mean similarity over all their cross pairs is at
    least ``threshold``.

    Args:
        sim: a symmetric ``n x n`` similarity matrix (the diagonal is ignored).
        threshold: the lowest similarity at which groups merge.

    Returns:
        Groups of row indices, each sorted, groups sorted by their first index.

    Example:
        >>> average_linkage(np.array([[1, .9, .1], [.9, 1, .2], [.1, .2, 1]]), 0.5)
        [[0, 1], [2]]
    """
    return cut_tree(len(sim), average_linkage_tree(sim), threshold)


def average_linkage_tree(
    sim: np.ndarray, sizes: Sequence[float] | None = None
) -> list[tuple[float, int, int]]:
    """Every merge of average-linkage clustering, down to one group.

    Runs the nearest-neighbour-chain algorithm: O(n²) time and one n x n
    matrix. It finds the same merges as always merging the closest pair first,
    because average linkage never makes a merged group closer to a third group
    than its closer part was; for the same reason a merge is never higher than
    the merges that built its two sides, so cutting the tree at a threshold
    (:func:`cut_tree`) gives what stopping at the threshold would. Ties go to
    the lower index.

    Args:
        sim: a symmetric ``n x n`` similarity matrix (the diagonal is ignored).
        sizes: how many members each row already stands for (default 1 each):
            row ``i`` is then a group whose mean similarity to row ``j`` is
            ``sim[i, j]``, and merged groups average by member count.

    Returns:
        ``n - 1`` merges ``(similarity, i, j)``, ``i`` and ``j`` being any
        member of each side, in the order they were made.

    Example:
        >>> average_linkage_tree(np.array([[1, .9, .1], [.9, 1, .3], [.1, .3, 1]]))
        [(0.9, 0, 1), (0.2, 0, 2)]
    """
    n = len(sim)
    s = np.array(sim, dtype=float)
    np.fill_diagonal(s, -np.inf)
    size = np.ones(n) if sizes is None else np.array(sizes, dtype=float)
    active = np.ones(n, dtype=bool)
    merges: list[tuple[float, int, int]] = []
    chain: list[int] = []
    while len(merges) < n - 1:
        if not chain:
            chain.append(int(np.flatnonzero(active)[0]))
        a = chain[-1]
        row = np.where(active, s[a], -np.inf)
        row[a] = -np.inf
        b = int(np.argmax(row))
        # Prefer the previous chain element on a tie, so the chain always ends in a mutual pair.
        if len(chain) > 1 and row[chain[-2]] >= row[b]:
            b = chain[-2]
        if len(chain) == 1 or b != chain[-2]:
            chain.append(b)
            continue
        del chain[-2:]
        keep, drop = min(a, b), max(a, b)
        merges.append((float(row[b]), keep, drop))
        # Lance-Williams update: the merged group's mean similarity to every other group.
        merged = (size[keep] * s[keep] + size[drop] * s[drop]) / (size[keep] + size[drop])
        s[keep, :] = merged
        s[:, keep] = merged
        s[keep, keep] = -np.inf
        size[keep] += size[drop]
        active[drop] = False
    return merges


def cut_tree(n: int, merges: Iterable[tuple[float, int, int]], threshold: float) -> list[list[int]]:
    """The groups left by the merges at or above a threshold.

    Args:
        n: number of items.
        merges: ``(similarity, i, j)`` as :func:`average_linkage_tree` returns.
        threshold: the lowest similarity of a merge that is kept.

    Returns:
        Groups of indices, each sorted, groups sorted by their first index.

    Example:
        >>> cut_tree(3, [(0.9, 0, 1), (0.2, 0, 2)], 0.5)
        [[0, 1], [2]]
    """
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for height, i, j in merges:
        if height >= threshold:
            a, b = root(i), root(j)
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values())
