"""Text reuse below the document level: which runs of words two documents share.

Two texts are aligned on word n-grams (default 8 words): a token is *shared*
when an n-gram covering it occurs in both texts. That finds whole copies,
excerpts, copies with commentary added, and rewrites that keep long runs, while
a few common phrases ("the prime minister said on") do not add up to reuse.

Candidate pairs come from *anchors*: the n-grams whose hash falls in a fixed
1-in-``sample`` bucket (hash-based sampling, so every copy of a run samples the
same n-grams). Two documents sharing a run of ``n + sample`` words or more share
an anchor with high probability; pairs sharing at least ``min_anchors`` anchors
are aligned exactly.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storyline.config import SourcesConfig

_WORD = re.compile(r"\w+")
_MASK64 = (1 << 64) - 1


ReuseParams = SourcesConfig
"""How reuse is found: the ``[sources]`` settings (n-gram size, anchor sampling, thresholds)."""


@dataclass(frozen=True, slots=True)
class Tokens:
    """A text's word tokens (normalised) with their character offsets.

    ``quoted`` marks tokens inside quotation marks: two reports quoting the same
    statement share those words without one copying the other.
    """

    words: tuple[str, ...]
    starts: np.ndarray
    ends: np.ndarray
    quoted: np.ndarray

    def __len__(self) -> int:
        return len(self.words)


@dataclass(frozen=True, slots=True)
class Alignment:
    """What two texts share.

    ``shared_a``/``shared_b`` are the fractions of each text's tokens that are
    shared; ``only_a``/``only_b`` the character ranges of runs found in one text
    only (what one copy added or cut, seen from the other).
    """

    shared_a: float
    shared_b: float
    shared_tokens: int
    only_a: tuple[tuple[int, int], ...]
    only_b: tuple[tuple[int, int], ...]
    shared_unquoted: int = 0
    """Shared tokens outside quotation marks (in the text with fewer of them)."""


def tokenize(text: str) -> Tokens:
    """Lowercased NFKC word tokens with their offsets in ``text``."""
    words, starts, ends = [], [], []
    for m in _WORD.finditer(text):
        words.append(unicodedata.normalize("NFKC", m.group()).lower())
        starts.append(m.start())
        ends.append(m.end())
    start_arr = np.array(starts, dtype=np.int64)
    return Tokens(tuple(words), start_arr, np.array(ends, dtype=np.int64), _quoted(text, start_arr))


_QUOTE_MARKS = re.compile(r'["“”«»„]')


def _quoted(text: str, starts: np.ndarray) -> np.ndarray:
    """For each token start, whether it lies inside a quotation (per paragraph)."""
    inside = np.zeros(len(starts), dtype=bool)
    if not len(starts):
        return inside
    spans = []
    for para in re.finditer(r"[^\n]+", text):
        open_at = None
        for m in _QUOTE_MARKS.finditer(para.group()):
            ch = m.group()
            pos = para.start() + m.start()
            if open_at is None and ch not in "”»":
                open_at = pos
            elif open_at is not None and ch not in "“«„":
                spans.append((open_at, pos))
                open_at = None
    for a, b in spans:
        inside |= (starts > a) & (starts < b)
    return inside


def ngram_hashes(tokens: Tokens, n: int) -> np.ndarray:
    """A 64-bit hash per position of each n-gram (positional, not deduplicated)."""
    if len(tokens) < n:
        return np.zeros(0, dtype=np.uint64)
    h = np.array([zlib.crc32(w.encode("utf-8")) for w in tokens.words], dtype=np.uint64)
    h = (h << np.uint64(32)) | np.array(
        [zlib.adler32(w.encode("utf-8")) for w in tokens.words], dtype=np.uint64
    )
    out = np.zeros(len(h) - n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            # A different odd multiplier per position keeps word order in the hash.
            mult = np.uint64((0x9E3779B97F4A7C15 * (2 * k + 1)) & _MASK64)
            out = out * np.uint64(31) + h[k : len(h) - n + 1 + k] * mult
    return out


def anchors(hashes: np.ndarray, sample: int) -> np.ndarray:
    """The sampled n-gram hashes of one document (unique, sorted)."""
    if sample <= 1:
        return np.unique(hashes)
    mixed = hashes ^ (hashes >> np.uint64(29))
    return np.unique(hashes[(mixed % np.uint64(sample)) == 0])


def candidate_pairs(
    doc_anchors: Sequence[np.ndarray], params: ReuseParams
) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of documents sharing at least ``min_anchors`` anchors."""
    if not doc_anchors:
        return []
    sizes = [len(a) for a in doc_anchors]
    keys = np.concatenate([a for a in doc_anchors] or [np.zeros(0, np.uint64)])
    owners = np.repeat(np.arange(len(doc_anchors), dtype=np.int64), sizes)
    order = np.lexsort((owners, keys))
    keys, owners = keys[order], owners[order]
    if len(keys) == 0:
        return []
    bounds = np.flatnonzero(np.diff(keys)) + 1
    starts = np.concatenate(([0], bounds))
    stops = np.concatenate((bounds, [len(keys)]))
    counts: dict[tuple[int, int], int] = {}
    for a, b in zip(starts, stops, strict=True):
        run = b - a
        if run < 2 or run > params.max_anchor_docs:
            continue
        members = owners[a:b]
        for x in range(run):
            for y in range(x + 1, run):
                pair = (int(members[x]), int(members[y]))
                counts[pair] = counts.get(pair, 0) + 1
    return sorted(p for p, c in counts.items() if c >= params.min_anchors)


def align(a: Tokens, b: Tokens, params: ReuseParams) -> Alignment:
    """Align two tokenised texts on shared n-grams."""
    n = params.ngram
    ha, hb = ngram_hashes(a, n), ngram_hashes(b, n)
    cover_a = _coverage(np.isin(ha, hb), len(a), n)
    cover_b = _coverage(np.isin(hb, ha), len(b), n)
    shared = int(min(cover_a.sum(), cover_b.sum()))
    unquoted = int(min((cover_a & ~a.quoted).sum(), (cover_b & ~b.quoted).sum()))
    return Alignment(
        shared_a=float(cover_a.mean()) if len(a) else 0.0,
        shared_b=float(cover_b.mean()) if len(b) else 0.0,
        shared_tokens=shared,
        only_a=_runs(~cover_a, a, params.min_run_tokens),
        only_b=_runs(~cover_b, b, params.min_run_tokens),
        shared_unquoted=unquoted,
    )


def _coverage(hit: np.ndarray, length: int, n: int) -> np.ndarray:
    """Tokens covered by at least one matching n-gram starting at a hit position."""
    if length == 0:
        return np.zeros(0, dtype=bool)
    delta = np.zeros(length + 1, dtype=np.int64)
    idx = np.flatnonzero(hit)
    np.add.at(delta, idx, 1)
    np.add.at(delta, idx + n, -1)
    return np.cumsum(delta[:length]) > 0


def _runs(mask: np.ndarray, tokens: Tokens, min_run: int) -> tuple[tuple[int, int], ...]:
    """Character ranges of runs of ``True`` tokens at least ``min_run`` long."""
    if not mask.any():
        return ()
    padded = np.concatenate(([False], mask, [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    out = []
    for s, e in zip(edges[::2], edges[1::2], strict=True):
        if e - s >= min_run:
            out.append((int(tokens.starts[s]), int(tokens.ends[e - 1])))
    return tuple(out)
