"""MinHash signatures: near-duplicate fingerprints of documents.

The pipeline is ``normalize`` → word shingles → ``signatures`` (one row of
``num_perm`` uint32 minima per document) → :mod:`storyline.corpus.lsh`
(``candidate_pairs``: documents that agree on every row of at least one band,
then verification by exact shingle Jaccard when the shingles are at hand, else
the fraction of equal signature slots).
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

import hashlib
import itertools
import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "SENTINEL",
    "MinHashParams",
    "estimated_jaccard",
    "jaccard",
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


def _is_empty(sig: np.ndarray) -> bool:
    return bool(sig.min(initial=SENTINEL) == SENTINEL)
