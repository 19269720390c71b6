"""LSH banding over MinHash signatures: candidate pairs, verification, an incremental index.

Banding is sort-based: each band's rows are hashed into one key per document,
the keys are sorted and runs of equal keys give the candidate pairs, so a
million documents need a few arrays, not a dict of millions of buckets.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import numpy as np

from storyline.corpus.minhash import (
    _BAND_MULT,
    _PAIR_CHUNK,
    DEFAULT_MAX_RUN,
    SENTINEL,
    MinHashParams,
    _mix64,
    _shingle_sets,
    _sorted_unique,
    _token_bytes,
    jaccard,
    signatures_from_shingles,
)

__all__ = ["SignatureIndex", "candidate_pairs", "lsh_params", "near_duplicates"]


def _live_rows(sigs: np.ndarray) -> np.ndarray:
    """Rows that are not an empty document's; the row minimum avoids an n x num_perm temporary."""
    return sigs.min(axis=1, initial=SENTINEL) != SENTINEL


def _estimated_rows(sigs: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Estimated Jaccard of each pair of rows, chunked to bound memory."""
    out = np.empty(len(pairs), np.float64)
    for lo in range(0, len(pairs), _PAIR_CHUNK):
        p = pairs[lo : lo + _PAIR_CHUNK]
        out[lo : lo + len(p)] = (sigs[p[:, 0]] == sigs[p[:, 1]]).mean(axis=1)
    return out


# --- LSH -------------------------------------------------------------------------


def _candidate_probability(s: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Chance that two documents of Jaccard ``s`` agree on at least one band."""
    return 1.0 - (1.0 - s**rows) ** bands


@functools.lru_cache(maxsize=64)  # bounded: pure function of a few numbers
def lsh_params(
    threshold: float,
    num_perm: int = 128,
    weights: tuple[float, float] = (0.3, 0.7),
    min_recall: float = 0.0,
) -> tuple[int, int]:
    """Bands and rows (``bands * rows <= num_perm``) for a Jaccard threshold.

    Minimises ``fp_weight * FP + fn_weight * FN``, where FP is the area under the
    candidate-probability curve below the threshold and FN the area above it
    that is missed (as datasketch does). Recall is weighted higher by default
    because verification removes false candidates but nothing recovers a missed
    pair. ``min_recall`` restricts the choice to settings under which a pair
    *exactly at* the threshold becomes a candidate with at least that
    probability (pairs above it more often); the weighted optimum alone leaves
    that probability near 0.6.

    Args:
        threshold: Jaccard similarity in (0, 1).
        num_perm: signature length.
        weights: ``(fp_weight, fn_weight)``.
        min_recall: lower bound on the candidate probability at the threshold.

    Returns:
        ``(bands, rows)``.

    Raises:
        ValueError: threshold or weights out of range.

    Example:
        >>> b, r = lsh_params(0.8, 128)
        >>> b * r <= 128
        True
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    if min(weights) < 0 or sum(weights) <= 0:
        raise ValueError(f"weights must be >= 0 and not both 0, got {weights}")
    if not 0.0 <= min_recall < 1.0:
        raise ValueError(f"min_recall must be in [0, 1), got {min_recall}")
    below = np.linspace(0.0, threshold, 1001)
    above = np.linspace(threshold, 1.0, 1001)
    best, best_err = (1, num_perm), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            if _candidate_probability(np.float64(threshold), bands, rows) < min_recall:
                continue
            fp = np.trapezoid(_candidate_probability(below, bands, rows), below)
            fn = np.trapezoid(1.0 - _candidate_probability(above, bands, rows), above)
            err = weights[0] * fp + weights[1] * fn
            if err < best_err - 1e-15:  # strict: ties keep the first (smallest b)
                best, best_err = (bands, rows), err
    return best


def _check_bands(sigs: np.ndarray, bands: int, rows: int) -> None:
    if sigs.ndim != 2:
        raise ValueError(f"signatures must be a 2-D array, got shape {sigs.shape}")
    if bands < 1 or rows < 1 or bands * rows > sigs.shape[1]:
        raise ValueError(
            f"bands * rows must be between 1 and num_perm ({sigs.shape[1]}), "
            f"got {bands} x {rows}; use lsh_params(threshold, num_perm)"
        )


def _band_keys(sigs: np.ndarray, band: int, rows: int) -> np.ndarray:
    """One uint64 key per document for the rows of one band."""
    key = np.zeros(len(sigs), np.uint64)
    for col in range(band * rows, (band + 1) * rows):
        key = (key ^ sigs[:, col].astype(np.uint64)) * _BAND_MULT
    # A 64-bit collision between different bands only adds a candidate that
    # verification rejects; it never loses one.
    return _mix64(key)


def _run_pairs(members: np.ndarray, keys: np.ndarray, max_run: int) -> np.ndarray:
    """Pairs within runs of equal ``keys`` (sorted); ``members`` ascend within each run.

    A run longer than ``max_run`` gives a star ``(first, other)`` instead of all
    its pairs: such a bucket is a blob of (near-)identical documents, all pairs
    would be quadratic, and the star keeps the same connected components.
    """
    n = len(keys)
    if n < 2:
        return np.zeros((0, 2), np.int64)
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    sizes = np.diff(np.append(starts, n))
    chunks = [np.zeros((0, 2), np.int64)]
    for size in _sorted_unique(sizes[sizes >= 2]):
        group = members[starts[sizes == size][:, None] + np.arange(size)]
        if size > max_run:
            first = np.repeat(group[:, :1], size - 1, axis=1)
            chunks.append(np.stack([first.ravel(), group[:, 1:].ravel()], axis=1))
        else:
            iu, ju = np.triu_indices(size, 1)
            chunks.append(np.stack([group[:, iu].ravel(), group[:, ju].ravel()], axis=1))
    return np.concatenate(chunks).astype(np.int64)


def _unique_pairs(pairs: np.ndarray, n: int) -> np.ndarray:
    """Sorted unique rows of a pair array (``n``: number of documents)."""
    code = _sorted_unique(
        pairs[:, 0].astype(np.uint64) * np.uint64(n) + pairs[:, 1].astype(np.uint64)
    )
    return np.stack([code // np.uint64(n), code % np.uint64(n)], axis=1).astype(np.int64)


def candidate_pairs(
    sigs: np.ndarray,
    bands: int,
    rows: int,
    ids: np.ndarray | None = None,
    *,
    max_run: int = DEFAULT_MAX_RUN,
) -> np.ndarray:
    """Documents that agree on every row of at least one band.

    Each band is hashed to one uint64 per document, sorted (stable), and runs of
    equal keys give the pairs: memory is a few arrays of length ``n`` per band
    plus the pairs, never a dictionary of buckets. Empty documents are skipped.

    Args:
        sigs: ``(n, num_perm)`` signatures.
        bands, rows: from ``lsh_params``.
        ids: optional integer id per row; pairs are then given as ids.
        max_run: buckets larger than this give a star (first, other), see ``_run_pairs``.

    Returns:
        ``(k, 2)`` int64 array of pairs ``(i, j)`` with row ``i < j``, sorted.

    Raises:
        ValueError: ``bands * rows`` exceeds the signature length.

    Example:
        >>> s = signatures(["a b c d e f g", "a b c d e f g", "x y z"])
        >>> candidate_pairs(s, *lsh_params(0.8)).tolist()
        [[0, 1]]
    """
    _check_bands(sigs, bands, rows)
    n = len(sigs)
    live = np.flatnonzero(_live_rows(sigs))
    found = np.zeros((0, 2), np.int64)
    for band in range(bands):
        keys = _band_keys(sigs, band, rows)[live]  # select keys, not rows: no big copy
        order = np.argsort(keys, kind="stable")
        pairs = live[_run_pairs(order, keys[order], max_run)]
        found = _unique_pairs(np.concatenate([found, pairs]), max(n, 1))
    return found if ids is None else np.asarray(ids, np.int64)[found]


# --- incremental index -------------------------------------------------------------


class SignatureIndex:
    """Band buckets of the signatures seen so far; new documents are compared to them.

    ``add`` returns the candidate pairs that involve at least one new document:
    exactly the pairs ``candidate_pairs`` gives on all signatures indexed so far
    that touch a new one (star buckets included), without recomputing or
    re-sorting old signatures. Over several adds the union equals the batch
    result, except that pairs emitted before a bucket outgrew ``max_run`` stay
    emitted (the batch result then holds only the star).
    Sorted band keys are kept per band, so each ``add`` costs a merge, not a re-sort.
    The index is derived data: rebuild it from stored signatures when in doubt.

    Args:
        bands, rows: from ``lsh_params``.
        max_run: as in ``candidate_pairs``.

    Example:
        >>> idx = SignatureIndex(*lsh_params(0.8))
        >>> idx.add(signatures(["a b c d e f"]), [10]).tolist()
        []
        >>> idx.add(signatures(["a b c d e f", "q r s"]), [11, 12]).tolist()
        [[10, 11]]
    """

    def __init__(self, bands: int, rows: int, *, max_run: int = DEFAULT_MAX_RUN) -> None:
        if bands < 1 or rows < 1:
            raise ValueError(f"bands and rows must be >= 1, got {bands} x {rows}")
        self.bands, self.rows, self.max_run = bands, rows, max_run
        self._n = 0
        # Signatures and ids live in buffers that double when full, so many small
        # adds cost amortised O(added), not a copy of everything each time.
        self._sigs: np.ndarray | None = None
        self._id_buf = np.zeros(0, np.int64)
        self._keys = [np.zeros(0, np.uint64) for _ in range(bands)]
        self._members = [np.zeros(0, np.int64) for _ in range(bands)]

    def __len__(self) -> int:
        return self._n

    @property
    def ids(self) -> np.ndarray:
        """Ids of the indexed documents, in the order they were added (read-only view)."""
        view = self._id_buf[: self._n]
        view.flags.writeable = False
        return view

    def signatures(self) -> np.ndarray:
        """All indexed signatures, in the order they were added (read-only view)."""
        if self._sigs is None:
            return np.zeros((0, self.bands * self.rows), np.uint32)
        view = self._sigs[: self._n]
        view.flags.writeable = False
        return view

    def _append(self, new_sigs: np.ndarray, ids: np.ndarray) -> None:
        need = self._n + len(new_sigs)
        if self._sigs is None or need > len(self._sigs):
            cap = max(need, 2 * (0 if self._sigs is None else len(self._sigs)), 1024)
            sigs = np.empty((cap, new_sigs.shape[1]), np.uint32)
            id_buf = np.empty(cap, np.int64)
            if self._sigs is not None:
                sigs[: self._n] = self._sigs[: self._n]
                id_buf[: self._n] = self._id_buf[: self._n]
            self._sigs, self._id_buf = sigs, id_buf
        self._sigs[self._n : need] = new_sigs
        self._id_buf[self._n : need] = ids
        self._n = need

    def add(self, new_sigs: np.ndarray, new_ids: Iterable[int] | None = None) -> np.ndarray:
        """Index new signatures; return candidate pairs that involve a new one.

        Args:
            new_sigs: ``(k, num_perm)`` signatures.
            new_ids: integer ids (default: running row numbers); must be new.

        Returns:
            ``(p, 2)`` int64 id pairs ``(older, newer)`` (by order added), sorted by
            that order.

        Raises:
            ValueError: shape mismatch or an id already indexed.
        """
        _check_bands(new_sigs, self.bands, self.rows)
        old_n, k = self._n, len(new_sigs)
        ids = (
            np.arange(old_n, old_n + k, dtype=np.int64)
            if new_ids is None
            else np.asarray(list(new_ids), np.int64)
        )
        self._check_new(new_sigs, ids)
        positions = np.arange(old_n, old_n + k, dtype=np.int64)
        live = _live_rows(new_sigs)
        found = [np.zeros((0, 2), np.int64)]
        for band in range(self.bands):
            keys = _band_keys(new_sigs, band, self.rows)[live]
            found.append(self._add_band(band, keys, positions[live], old_n))
        self._append(new_sigs, ids)
        pairs = _unique_pairs(np.concatenate(found), max(old_n + k, 1))
        return self._id_buf[pairs]

    def _check_new(self, new_sigs: np.ndarray, ids: np.ndarray) -> None:
        if self._sigs is not None and new_sigs.shape[1] != self._sigs.shape[1]:
            raise ValueError(
                f"signature length {new_sigs.shape[1]} differs from the index's "
                f"{self._sigs.shape[1]}"
            )
        if len(ids) != len(new_sigs):
            raise ValueError(f"{len(ids)} ids for {len(new_sigs)} signatures")
        both = np.concatenate([self._id_buf[: self._n], ids])
        if len(_sorted_unique(both)) != len(both):
            raise ValueError("ids must be unique; an id is already indexed or repeated")

    def _add_band(
        self, band: int, keys: np.ndarray, positions: np.ndarray, old_n: int
    ) -> np.ndarray:
        """Pairs of one band touching a new document; merges the new keys in."""
        old_keys, old_members = self._keys[band], self._members[band]
        order = np.argsort(keys, kind="stable")
        keys, positions = keys[order], positions[order]
        # Old documents in the buckets the new ones fall into, then the new ones:
        # sorted stably by key, each bucket lists old before new, ascending, as
        # the batch sort would.
        uniq = _sorted_unique(keys)
        lo = np.searchsorted(old_keys, uniq, side="left")
        hi = np.searchsorted(old_keys, uniq, side="right")
        take = np.repeat(lo, hi - lo) + (
            np.arange((hi - lo).sum()) - np.repeat(np.cumsum(hi - lo) - (hi - lo), hi - lo)
        )
        sub_keys = np.concatenate([old_keys[take], keys])
        sub_members = np.concatenate([old_members[take], positions])
        sub_order = np.argsort(sub_keys, kind="stable")
        pairs = _run_pairs(sub_members[sub_order], sub_keys[sub_order], self.max_run)
        pairs = pairs[pairs[:, 1] >= old_n]  # rows ascend in a pair: j is the newer
        at = np.searchsorted(old_keys, keys, side="right")
        self._keys[band] = np.insert(old_keys, at, keys)
        self._members[band] = np.insert(old_members, at, positions)
        return pairs

    def similarities(self, pairs: np.ndarray) -> np.ndarray:
        """Estimated Jaccard of id pairs (as returned by ``add``).

        Raises:
            KeyError: an id is not indexed.
        """
        ids = self.ids
        order = np.argsort(ids, kind="stable")
        flat = np.asarray(pairs, np.int64).reshape(-1)
        at = np.minimum(np.searchsorted(ids, flat, sorter=order), max(len(order) - 1, 0))
        rows = order[at] if len(order) else np.zeros(0, np.int64)
        if len(flat) and (len(rows) != len(flat) or not np.array_equal(ids[rows], flat)):
            raise KeyError("some ids are not in the index")
        return _estimated_rows(self.signatures(), rows.reshape(-1, 2))


# --- near duplicates ---------------------------------------------------------------


def near_duplicates(
    texts: Sequence[str] | None = None,
    *,
    sigs: np.ndarray | None = None,
    params: MinHashParams | None = None,
    threshold: float = 0.8,
    min_recall: float = 0.95,
    max_run: int = DEFAULT_MAX_RUN,
) -> list[tuple[int, int, float]]:
    """Pairs of documents whose Jaccard similarity of word shingles is >= ``threshold``.

    Candidates come from LSH banding tuned by ``lsh_params(threshold,
    min_recall=min_recall)``: a pair exactly at the threshold is a candidate
    with probability >= ``min_recall``, which costs more candidates to verify
    but verification is cheap and a missed pair is lost for good. They are
    then verified:

    - from ``texts``: with the exact Jaccard of the shingle sets, so every pair
      returned really is above the threshold (precision is that of 32-bit
      shingle hashes, i.e. essentially exact) and the score is exact;
    - from ``sigs`` only (texts not kept, as at corpus scale): with the estimated
      Jaccard, whose error is ``sqrt(J(1-J)/num_perm)``, so pairs within a few
      hundredths of the threshold can fall on either side.

    Args:
        texts: raw texts, or None when ``sigs`` are given.
        sigs: precomputed signatures (``signatures(texts, params)``).
        params: signature parameters (default ``MinHashParams()``).
        threshold: Jaccard threshold in (0, 1).
        min_recall: candidate probability of a pair at the threshold.
        max_run: see ``candidate_pairs``.

    Returns:
        ``(i, j, jaccard)`` with ``i < j``, sorted by ``(i, j)``. Inside a band
        bucket of more than ``max_run`` documents only the star pairs are
        checked (see ``candidate_pairs``); the groups they form are the same.

    Raises:
        ValueError: neither or both of ``texts`` and ``sigs`` given; signatures
            that do not fit ``params``; bad threshold.

    Example:
        >>> a = "Oil prices rose sharply on Monday after the cartel cut its output again"
        >>> near_duplicates([a, a + " REUTER", "Something else entirely was said"])
        [(0, 1, 0.9)]
    """
    if (texts is None) == (sigs is None):
        raise ValueError("give either texts or sigs (signatures), not both or neither")
    params = params or MinHashParams()
    if sigs is not None and (sigs.ndim != 2 or sigs.shape[1] != params.num_perm):
        raise ValueError(
            f"signatures of shape {sigs.shape} do not fit num_perm={params.num_perm}; "
            "pass the MinHashParams they were made with"
        )
    bands, rows = lsh_params(threshold, params.num_perm, min_recall=min_recall)
    if sigs is not None:
        pairs = candidate_pairs(sigs, bands, rows, max_run=max_run)
        scores = _estimated_rows(sigs, pairs)
    else:
        assert texts is not None  # for the type checker: checked above
        sets = _shingle_sets([_token_bytes(t) for t in texts], params.shingle_size)
        pairs = candidate_pairs(
            signatures_from_shingles(sets, params), bands, rows, max_run=max_run
        )
        scores = np.array([jaccard(sets[i], sets[j]) for i, j in pairs], np.float64)
    keep = scores >= threshold
    return [(int(i), int(j), float(s)) for (i, j), s in zip(pairs[keep], scores[keep], strict=True)]
