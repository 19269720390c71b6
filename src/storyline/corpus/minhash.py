"""Near-duplicate detection: MinHash signatures and sort-based LSH banding.

The pipeline is ``normalize`` → word shingles → ``signatures`` (one row of
``num_perm`` uint32 minima per document) → ``candidate_pairs`` (documents that
agree on every row of at least one band) → verification (exact shingle Jaccard
when the shingles are at hand, else the fraction of equal signature slots).
Every step is a pure, vectorised function over whole batches, deterministic on
any machine: tokens are hashed with CRC-32 over UTF-8 bytes (never Python's
salted ``hash()``) and the permutations come from a fixed seed, so a signature
stored today matches one computed tomorrow as long as ``MinHashParams.fingerprint``
is the same.

>>> params = MinHashParams()
>>> sigs = signatures(["The cat sat on the mat today.", "The cat sat on the mat, today!"], params)
>>> estimated_jaccard(sigs[0], sigs[1])
1.0
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "SENTINEL",
    "MinHashParams",
    "SignatureIndex",
    "candidate_pairs",
    "estimated_jaccard",
    "jaccard",
    "lsh_params",
    "near_duplicates",
    "normalize",
    "shingle_hashes",
    "sig_from_bytes",
    "sig_to_bytes",
    "signatures",
    "signatures_from_shingles",
    "text_hash",
]

SCHEME_VERSION = 1
"""Bumped whenever tokens, shingle hashing or permutations change meaning."""
SENTINEL = 0xFFFFFFFF
"""Every slot of an empty document's signature; such rows never become candidates."""
DEFAULT_MAX_RUN = 1000
"""Band buckets larger than this emit a star instead of all pairs (see ``candidate_pairs``)."""

_WORD = re.compile(r"\w+")
_WORD_ASCII = re.compile(rb"\w+")  # on ASCII input, the same matches as _WORD
_MERSENNE_BITS = 61  # permutations work modulo the Mersenne prime 2**61 - 1
_COEF_BITS = 31  # a, b < 2**31 and x < 2**32 keep a*x + b below 2**63: no uint64 overflow
_SHINGLE_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd, so the rolling step is a bijection
_BAND_MULT = np.uint64(0xC2B2AE3D27D4EB4F)
_BLOCK = 4096  # shingles per permutation block: 128 x 4096 uint64 = 4 MB stays in cache
_TEXT_BATCH = 2048  # documents tokenised at once by ``signatures``
_PAIR_CHUNK = 1 << 16  # candidate pairs verified at once: 2 x 32 MB of rows


# --- text ----------------------------------------------------------------------


def normalize(text: str) -> list[str]:
    """Lowercase NFKC word tokens of a text, the unit every hash is built from.

    Tokens are runs of Unicode word characters (letters, digits, underscore), so
    punctuation never reaches a token: curly and straight quotes, hyphens and
    dashes are all separators, and a repost that changed only its typography has
    the same tokens. ``don't`` and ``don’t`` both give ``["don", "t"]``.

    Args:
        text: any string.

    Returns:
        The tokens in order (empty for a text without word characters).

    Example:
        >>> normalize("Ｔhe “Fed” — raised rates 0.25%")
        ['the', 'fed', 'raised', 'rates', '0', '25']
    """
    # NFKC folds full-width letters, ligatures and compatibility digits; ASCII
    # text is already NFKC, so skip the call for the common case.
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _WORD.findall(text.lower())


def _token_bytes(text: str) -> list[bytes]:
    """``normalize(text)`` as UTF-8 bytes, the form tokens are hashed in.

    ASCII text (most news copy) takes a bytes-only path that is about 1.5x faster
    and gives the same tokens: NFKC is the identity on ASCII, and a bytes ``\\w``
    matches exactly the ASCII word characters.
    """
    if text.isascii():
        return _WORD_ASCII.findall(text.encode("ascii").lower())
    return [t.encode("utf-8") for t in normalize(text)]


def text_hash(text: str) -> str:
    """Exact-duplicate key: sha256 hex of the normalised tokens joined by single spaces.

    Example:
        >>> text_hash("Rates rose.") == text_hash("  rates ROSE!! ")
        True
    """
    return hashlib.sha256(" ".join(normalize(text)).encode("utf-8")).hexdigest()


# --- parameters ------------------------------------------------------------------


def _coefficients(num_perm: int, seed: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Permutation coefficients ``a`` in ``[1, 2**31)`` and ``b`` in ``[0, 2**31)``."""
    # The raw PCG64 bit stream is covered by numpy's stream-compatibility
    # promise; Generator distribution methods are not, so derive from raw bits.
    raw = np.random.Generator(np.random.PCG64(seed)).bit_generator.random_raw(2 * num_perm)
    top = raw >> np.uint64(64 - _COEF_BITS)
    a = np.maximum(top[:num_perm], np.uint64(1))
    return tuple(int(v) for v in a), tuple(int(v) for v in top[num_perm:])


@dataclass(frozen=True, slots=True)
class MinHashParams:
    """How signatures are made; store ``to_dict()`` (or ``fingerprint``) with them.

    Args:
        num_perm: permutations, i.e. signature length (more: finer estimates).
        shingle_size: words per shingle.
        seed: seed of the permutation coefficients.

    Raises:
        ValueError: a value is out of range.

    Example:
        >>> p = MinHashParams()
        >>> MinHashParams.from_dict(p.to_dict()) == p
        True
    """

    num_perm: int = 128
    shingle_size: int = 5
    seed: int = 1
    a: tuple[int, ...] = field(init=False, repr=False, compare=False)
    b: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 1 <= self.num_perm <= 4096:
            raise ValueError(f"num_perm must be in 1..4096, got {self.num_perm}")
        if not 1 <= self.shingle_size <= 64:
            raise ValueError(f"shingle_size must be in 1..64, got {self.shingle_size}")
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed}")
        a, b = _coefficients(self.num_perm, self.seed)
        object.__setattr__(self, "a", a)  # derived once; frozen afterwards
        object.__setattr__(self, "b", b)

    @property
    def fingerprint(self) -> str:
        """Identifies every input to a signature; differing fingerprints mean recompute.

        It includes a digest of the coefficients themselves, so a platform that
        derived other coefficients from the same seed is caught too.
        """
        digest = hashlib.sha256(repr((self.a, self.b)).encode("ascii")).hexdigest()[:16]
        return (
            f"minhash/v{SCHEME_VERSION}:perm={self.num_perm}:shingle={self.shingle_size}"
            f":seed={self.seed}:{digest}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters, with the fingerprint to check on load."""
        return {
            "num_perm": self.num_perm,
            "shingle_size": self.shingle_size,
            "seed": self.seed,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MinHashParams:
        """Parameters from ``to_dict()``.

        Raises:
            ValueError: the stored fingerprint does not match what these
                parameters give here: the stored signatures must be recomputed.
        """
        params = cls(int(data["num_perm"]), int(data["shingle_size"]), int(data["seed"]))
        stored = data.get("fingerprint")
        if stored is not None and stored != params.fingerprint:
            raise ValueError(
                f"stored MinHash fingerprint {stored!r} differs from {params.fingerprint!r}; "
                "recompute the signatures with the current parameters"
            )
        return params


# --- shingles --------------------------------------------------------------------


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values; ``np.unique`` on integers is two orders slower in numpy 2.4."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    return values[np.concatenate([[True], values[1:] != values[:-1]])]


def _mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a bijection on uint64 that spreads every input bit."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _token_hashes(tokens: Sequence[bytes]) -> np.ndarray:
    """A mixed 64-bit hash per UTF-8 token (CRC-32, then SplitMix64)."""
    return _mix64(np.fromiter(map(zlib.crc32, tokens), np.uint64, count=len(tokens)))


def _flat_shingles(token_lists: Sequence[Sequence[bytes]], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes of many documents at once, not deduplicated.

    Returns:
        ``(hashes, counts)``: uint32 hashes of all documents concatenated, and
        the number of shingles of each document (0 for an empty one).
    """
    lengths = np.fromiter(map(len, token_lists), np.int64, count=len(token_lists))
    flat = list(itertools.chain.from_iterable(token_lists))
    h = _token_hashes(flat)
    total = len(h)
    starts = np.cumsum(lengths) - lengths
    # Rolling polynomial over windows of the concatenation; windows that cross a
    # document boundary are computed and then never selected.
    padded = np.concatenate([h, np.zeros(k, np.uint64)])
    poly = np.zeros(total, np.uint64)
    short = (lengths > 0) & (lengths < k)
    short_vals = np.zeros(len(lengths), np.uint64)
    for j in range(k):
        poly = poly * _SHINGLE_MULT + padded[j : j + total]
        done = short & (lengths == j + 1)
        if done.any():  # a short document is one shingle of all its tokens
            short_vals[done] = poly[starts[done]]
    counts = np.where(lengths >= k, lengths - k + 1, short.astype(np.int64))
    # Start position of every kept window: each document's start repeated, plus 0, 1, ...
    firsts = np.repeat(starts, counts)
    within = np.arange(len(firsts)) - np.repeat(np.cumsum(counts) - counts, counts)
    picked = poly[firsts + within] if total else np.zeros(0, np.uint64)
    is_short = np.repeat(short, counts)
    picked[is_short] = short_vals[short]
    return (_mix64(picked) >> np.uint64(32)).astype(np.uint32), counts


def shingle_hashes(tokens: Sequence[str], params: MinHashParams) -> np.ndarray:
    """The set of word-shingle hashes of one document, sorted and unique.

    A document shorter than ``shingle_size`` is one shingle of all its tokens;
    an empty one has none.

    Args:
        tokens: ``normalize(text)``.
        params: the shingle size is taken from here.

    Returns:
        uint32 array.

    Example:
        >>> p = MinHashParams(shingle_size=2)
        >>> len(shingle_hashes(["a", "b", "a", "b"], p))  # "a b", "b a", "a b"
        2
    """
    return _shingle_sets([[t.encode("utf-8") for t in tokens]], params.shingle_size)[0]


def _shingle_sets(token_lists: Sequence[Sequence[bytes]], k: int) -> list[np.ndarray]:
    """Sorted unique shingle hashes per document, deduplicated with one sort per batch."""
    hashes, counts = _flat_shingles(token_lists, k)
    n = len(counts)
    doc = np.repeat(np.arange(n, dtype=np.uint64), counts)
    keys = _sorted_unique((doc << np.uint64(32)) | hashes.astype(np.uint64))
    bounds = np.searchsorted(keys >> np.uint64(32), np.arange(n + 1, dtype=np.uint64))
    values = (keys & np.uint64(SENTINEL)).astype(np.uint32)
    return [values[bounds[i] : bounds[i + 1]] for i in range(n)]


# --- signatures ------------------------------------------------------------------


def _minhash_flat(hashes: np.ndarray, counts: np.ndarray, params: MinHashParams) -> np.ndarray:
    """Signatures of documents whose shingle hashes are concatenated in ``hashes``."""
    n, m = len(counts), params.num_perm
    out = np.full((n, m), SENTINEL, np.uint32)
    total = len(hashes)
    if total == 0:
        return out
    a = np.array(params.a, np.uint64)[:, None]
    b = np.array(params.b, np.uint64)[:, None]
    x = hashes.astype(np.uint64)
    nonempty = counts > 0
    doc_starts = (np.cumsum(counts) - counts)[nonempty]
    # Segments: document pieces cut at block boundaries, so a block can be
    # reduced on its own and split documents are merged afterwards.
    seg_starts = _sorted_unique(np.concatenate([doc_starts, np.arange(0, total, _BLOCK)]))
    seg_mins = np.empty((len(seg_starts), m), np.uint32)
    v = np.empty((m, _BLOCK), np.uint64)
    t = np.empty((m, _BLOCK), np.uint64)
    r = np.empty((m, _BLOCK), np.uint32)
    shift = np.uint64(_MERSENNE_BITS)
    for lo in range(0, total, _BLOCK):
        w = min(_BLOCK, total - lo)
        vw, tw, rw = v[:, :w], t[:, :w], r[:, :w]
        np.multiply(a, x[lo : lo + w], out=vw)
        np.add(vw, b, out=vw)
        # (a*x + b) mod (2**61 - 1) by one Mersenne fold: low bits + high bits.
        # Only the low 32 bits are kept, and low32(v + (v >> 61)) equals
        # low32((v & P) + (v >> 61)), so the mask is skipped. The fold leaves a
        # value in [P, P+3] unreduced; that happens with probability < 2**-58
        # per value and is itself deterministic, so it costs nothing in quality
        # and saves three passes over the block.
        np.right_shift(vw, shift, out=tw)
        np.add(vw, tw, out=vw)
        np.copyto(rw, vw, casting="unsafe")  # keep the low 32 bits
        i0, i1 = np.searchsorted(seg_starts, [lo, lo + w])
        seg_mins[i0:i1] = np.minimum.reduceat(rw, seg_starts[i0:i1] - lo, axis=1).T
    doc_segs = np.searchsorted(seg_starts, doc_starts)
    out[nonempty] = np.minimum.reduceat(seg_mins, doc_segs, axis=0)
    return out


def signatures_from_shingles(
    shingle_sets: Sequence[np.ndarray], params: MinHashParams
) -> np.ndarray:
    """Signatures of documents given as shingle-hash arrays (as from ``shingle_hashes``).

    Args:
        shingle_sets: one uint32 array per document; repeats do not matter.
        params: permutations to apply.

    Returns:
        ``(len(shingle_sets), num_perm)`` uint32; an empty set gives a ``SENTINEL`` row.
    """
    counts = np.fromiter(map(len, shingle_sets), np.int64, count=len(shingle_sets))
    flat = np.concatenate([np.asarray(s, np.uint32) for s in shingle_sets] or [np.zeros(0)])
    return _minhash_flat(flat.astype(np.uint32), counts, params)


def signatures(texts: Sequence[str], params: MinHashParams | None = None) -> np.ndarray:
    """MinHash signatures of many texts, computed in batches.

    All permutations are applied to all shingles of a batch at once and reduced
    per document with ``np.minimum.reduceat``; memory stays bounded by the
    batch, not the corpus.

    Args:
        texts: raw texts; they are normalised here.
        params: defaults to ``MinHashParams()``.

    Returns:
        ``(len(texts), num_perm)`` uint32. A text without words gets a row of
        ``SENTINEL``, which never matches anything.

    Example:
        >>> signatures(["", "one two"]).shape
        (2, 128)
    """
    params = params or MinHashParams()
    out = np.empty((len(texts), params.num_perm), np.uint32)
    for lo in range(0, len(texts), _TEXT_BATCH):
        batch = texts[lo : lo + _TEXT_BATCH]
        hashes, counts = _flat_shingles([_token_bytes(t) for t in batch], params.shingle_size)
        out[lo : lo + len(batch)] = _minhash_flat(hashes, counts, params)
    return out


def sig_to_bytes(row: np.ndarray) -> bytes:
    """One signature as little-endian uint32 bytes, for a BLOB column."""
    return np.ascontiguousarray(row, dtype="<u4").tobytes()


def sig_from_bytes(data: bytes) -> np.ndarray:
    """The signature ``sig_to_bytes`` wrote (a native uint32 array).

    Raises:
        ValueError: the length is not a multiple of 4.
    """
    if len(data) % 4:
        raise ValueError(f"a signature is a multiple of 4 bytes, got {len(data)}")
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


# --- similarity ------------------------------------------------------------------


def estimated_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Fraction of equal slots of two signatures: the MinHash estimate of Jaccard.

    Its standard deviation is ``sqrt(J * (1 - J) / num_perm)`` (0.035 at J = 0.8
    with 128 permutations). An empty document's row scores 0 against anything.

    Raises:
        ValueError: the signatures differ in length.
    """
    if sig_a.shape != sig_b.shape:
        raise ValueError(f"signature shapes differ: {sig_a.shape} vs {sig_b.shape}")
    if _is_empty(sig_a) or _is_empty(sig_b):
        return 0.0
    return float(np.count_nonzero(sig_a == sig_b)) / sig_a.shape[-1]


def jaccard(shingles_a: np.ndarray, shingles_b: np.ndarray) -> float:
    """Exact Jaccard similarity of two unique shingle arrays; 0 when either is empty.

    Example:
        >>> jaccard(np.array([1, 2, 3]), np.array([2, 3, 4]))
        0.5
    """
    if len(shingles_a) == 0 or len(shingles_b) == 0:
        return 0.0
    inter = len(np.intersect1d(shingles_a, shingles_b, assume_unique=True))
    return inter / (len(shingles_a) + len(shingles_b) - inter)


def _live_rows(sigs: np.ndarray) -> np.ndarray:
    """Rows that are not an empty document's; the row minimum avoids an n x num_perm temporary."""
    return sigs.min(axis=1, initial=SENTINEL) != SENTINEL


def _is_empty(sig: np.ndarray) -> bool:
    return bool(sig.min(initial=SENTINEL) == SENTINEL)


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
