"""MinHash signatures, LSH banding, incremental index and near-duplicate verification."""

from __future__ import annotations

import math
import pickle
import random
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.corpus.lsh import (
    SignatureIndex,
    candidate_pairs,
    lsh_params,
    near_duplicates,
)
from storyline.corpus.minhash import (
    SENTINEL,
    MinHashParams,
    estimated_jaccard,
    jaccard,
    normalize,
    shingle_hashes,
    sig_from_bytes,
    sig_to_bytes,
    signatures,
    signatures_from_shingles,
    text_hash,
)

PARAMS = MinHashParams()
SMALL = MinHashParams(num_perm=32, shingle_size=3, seed=7)
MASK64 = (1 << 64) - 1
WORDS = (
    "oil price rose fell bank rate cut said minister talks port grain wheat corn ship "
    "strike union court ruling shares market dollar yen gold export import tonnes year "
    "week month quarter profit loss company group deal bid offer stake board chief"
).split()


def story(rng: random.Random, n: int = 60) -> str:
    """A random text of ``n`` words from a small vocabulary."""
    return " ".join(rng.choice(WORDS) for _ in range(n))


# --- a reference implementation, written plainly, that the vectorised code must equal ----


def _mix(x: int) -> int:
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & MASK64
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


def reference_shingles(tokens: list[str], k: int) -> set[int]:
    hashes = [_mix(zlib.crc32(t.encode("utf-8"))) for t in tokens]
    windows = [hashes[i : i + k] for i in range(len(hashes) - k + 1)] or (
        [hashes] if hashes else []
    )
    out = set()
    for window in windows:
        poly = 0
        for h in window:
            poly = (poly * 0x9E3779B97F4A7C15 + h) & MASK64
        out.add(_mix(poly) >> 32)
    return out


def reference_signature(tokens: list[str], params: MinHashParams) -> list[int]:
    shingles = reference_shingles(tokens, params.shingle_size)
    if not shingles:
        return [SENTINEL] * params.num_perm
    prime = (1 << 61) - 1
    return [
        min(((a * x + b) % prime) & 0xFFFFFFFF for x in shingles)
        for a, b in zip(params.a, params.b, strict=True)
    ]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(WORDS + ["é", "ﬁnance", "x1"]), max_size=30))
def test_signature_equals_the_plain_definition(tokens: list[str]) -> None:
    text = " ".join(tokens)
    got = signatures([text], SMALL)[0]
    assert got.tolist() == reference_signature(normalize(text), SMALL)
    assert set(shingle_hashes(normalize(text), SMALL).tolist()) == reference_shingles(
        normalize(text), SMALL.shingle_size
    )


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FFF), max_size=80))
def test_fast_ascii_path_equals_the_normalize_path(text: str) -> None:
    # signatures() tokenises ASCII text on bytes; shingle_hashes() gets normalize()'s tokens.
    for variant in (text, text.encode("ascii", "ignore").decode("ascii")):
        expected = signatures_from_shingles([shingle_hashes(normalize(variant), SMALL)], SMALL)
        assert np.array_equal(signatures([variant], SMALL), expected)


# --- normalisation and exact keys -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Hello, World!", ["hello", "world"]),
        ("don’t — it's 40,000", ["don", "t", "it", "s", "40", "000"]),
        ("ＦＵＬＬ width ﬁnance", ["full", "width", "finance"]),  # NFKC
        ("  \n\t", []),
        ("Café São", ["café", "são"]),
    ],
)
def test_normalize(text: str, tokens: list[str]) -> None:
    assert normalize(text) == tokens


def test_reposts_with_other_punctuation_hash_the_same() -> None:
    a = 'The minister said: "We won\'t cut rates" - talks go on.'
    b = "The Minister said — “We won’t cut rates” – talks go on"
    assert text_hash(a) == text_hash(b)
    assert np.array_equal(signatures([a])[0], signatures([b])[0])
    assert text_hash(a) != text_hash(a + " again")


# --- parameters ----------------------------------------------------------------------


def test_params_are_derived_from_the_seed_and_round_trip() -> None:
    p = MinHashParams()
    assert p == MinHashParams(128, 5, 1)
    assert p.a == MinHashParams().a and p.b == MinHashParams().b
    assert all(1 <= a < 2**31 for a in p.a) and all(0 <= b < 2**31 for b in p.b)
    assert MinHashParams(seed=2).a != p.a
    assert MinHashParams.from_dict(p.to_dict()) == p
    assert pickle.loads(pickle.dumps(p)).a == p.a
    assert p.fingerprint.startswith("minhash/v1:perm=128:shingle=5:seed=1:")
    assert MinHashParams(num_perm=64).fingerprint != p.fingerprint


def test_params_detect_a_stale_fingerprint() -> None:
    stored = {**PARAMS.to_dict(), "fingerprint": "minhash/v1:perm=128:shingle=5:seed=1:0"}
    with pytest.raises(ValueError, match="recompute"):
        MinHashParams.from_dict(stored)


@pytest.mark.parametrize("kwargs", [{"num_perm": 0}, {"shingle_size": 0}, {"seed": -1}])
def test_params_reject_bad_values(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        MinHashParams(**kwargs)


# --- signatures ------------------------------------------------------------------------


def test_signatures_are_deterministic_and_batch_independent() -> None:
    rng = random.Random(1)
    texts = [story(rng, rng.randint(0, 80)) for _ in range(40)]
    sigs = signatures(texts)
    assert sigs.shape == (40, 128) and sigs.dtype == np.uint32
    assert np.array_equal(sigs, signatures(texts))
    assert np.array_equal(sigs, np.vstack([signatures([t]) for t in texts]))
    sets = [shingle_hashes(normalize(t), PARAMS) for t in texts]
    assert np.array_equal(sigs, signatures_from_shingles(sets, PARAMS))


def test_identical_texts_have_identical_signatures() -> None:
    text = story(random.Random(2))
    sigs = signatures([text, "something else entirely here", text])
    assert np.array_equal(sigs[0], sigs[2])
    assert estimated_jaccard(sigs[0], sigs[2]) == 1.0


def test_empty_and_short_documents() -> None:
    sigs = signatures(["", "!!!", "two words", "two words", "one two three four five six"])
    assert (sigs[0] == SENTINEL).all() and (sigs[1] == SENTINEL).all()
    assert not (sigs[2] == SENTINEL).all()
    assert len(shingle_hashes(["two", "words"], PARAMS)) == 1  # one shingle of all tokens
    assert len(shingle_hashes([], PARAMS)) == 0
    assert len(shingle_hashes(normalize("one two three four five six"), PARAMS)) == 2
    assert estimated_jaccard(sigs[0], sigs[1]) == 0.0  # empty never matches, not even empty
    assert estimated_jaccard(sigs[2], sigs[3]) == 1.0
    assert candidate_pairs(sigs, *lsh_params(0.8)).tolist() == [[2, 3]]
    assert jaccard(np.zeros(0, np.uint32), np.zeros(0, np.uint32)) == 0.0
    assert signatures([]).shape == (0, 128)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    st.integers(20, 400),
    st.integers(0, 400),
    st.integers(0, 400),
    st.integers(0, 2**20),
)
def test_estimated_jaccard_is_close_to_exact(
    shared: int, only_a: int, only_b: int, base: int
) -> None:
    # Sets of shingle hashes with known overlap; spread out so they look hashed.
    ids = (np.arange(shared + only_a + only_b, dtype=np.uint64) + base) * np.uint64(2654435761)
    ids = (ids % np.uint64(2**32)).astype(np.uint32)
    a = np.unique(ids[: shared + only_a])
    b = np.unique(np.concatenate([ids[:shared], ids[shared + only_a :]]))
    exact = jaccard(a, b)
    sigs = signatures_from_shingles([a, b], PARAMS)
    sd = math.sqrt(exact * (1 - exact) / PARAMS.num_perm)
    # 5 standard deviations (plus one slot for the discreteness of the estimate).
    assert abs(estimated_jaccard(sigs[0], sigs[1]) - exact) <= 5 * sd + 1 / PARAMS.num_perm


@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.lists(st.integers(0, 2**32 - 1), max_size=300))
def test_signature_bytes_round_trip(values: list[int]) -> None:
    row = np.array(values, np.uint32)
    data = sig_to_bytes(row)
    assert len(data) == 4 * len(values)
    assert np.array_equal(sig_from_bytes(data), row)
    assert data[:4] == (values[0].to_bytes(4, "little") if values else b"")


def test_signature_bytes_reject_a_torn_blob() -> None:
    with pytest.raises(ValueError, match="multiple of 4"):
        sig_from_bytes(b"\x00\x01\x02")


# --- LSH -----------------------------------------------------------------------------


def test_lsh_params() -> None:
    for threshold in (0.3, 0.5, 0.7, 0.8, 0.9):
        bands, rows = lsh_params(threshold, 128)
        assert bands * rows <= 128 and bands >= 1 and rows >= 1
    assert lsh_params(0.9, 128)[1] > lsh_params(0.5, 128)[1]  # stricter: longer bands
    bands, rows = lsh_params(0.8, 128, min_recall=0.95)
    assert 1 - (1 - 0.8**rows) ** bands >= 0.95
    assert lsh_params(0.8, 64)[0] * lsh_params(0.8, 64)[1] <= 64
    for bad in (0.0, 1.0, -0.1):
        with pytest.raises(ValueError):
            lsh_params(bad, 128)
    with pytest.raises(ValueError):
        lsh_params(0.8, 128, weights=(0.0, 0.0))


def planted_corpus(n: int, seed: int) -> tuple[list[str], tuple[int, int]]:
    """Unrelated random stories plus one light edit of story 3 at the end."""
    rng = random.Random(seed)
    texts = [story(rng, 80) for _ in range(n)]
    words = texts[3].split()
    words[77] = "embargo"  # one substitution near the end: 3 of 76 shingles change
    texts.append(" ".join(words) + " Reuter")
    return texts, (3, n)


def test_candidate_pairs_find_a_planted_pair_and_nothing_else() -> None:
    texts, pair = planted_corpus(50, seed=3)
    sigs = signatures(texts)
    found = candidate_pairs(sigs, *lsh_params(0.8))
    assert found.tolist() == [list(pair)]
    assert candidate_pairs(sigs, *lsh_params(0.8), ids=np.arange(100, 151)).tolist() == [[103, 150]]


def test_candidate_pairs_star_for_huge_buckets() -> None:
    sigs = signatures(["same words in every one of these copies"] * 6 + ["other text here"])
    full = candidate_pairs(sigs, 4, 8)
    assert len(full) == 15  # all pairs of the 6 copies
    star = candidate_pairs(sigs, 4, 8, max_run=3)
    assert star.tolist() == [[0, k] for k in range(1, 6)]


def test_candidate_pairs_reject_too_many_bands() -> None:
    with pytest.raises(ValueError, match="lsh_params"):
        candidate_pairs(signatures(["a b c"]), 20, 10)


# --- incremental index -----------------------------------------------------------------


def clustered_signatures(seed: int, n: int = 120) -> np.ndarray:
    """Random signatures in which some rows copy most slots of an earlier row."""
    rng = np.random.default_rng(seed)
    sigs = rng.integers(0, 2**32, size=(n, 64), dtype=np.uint32)
    for i in range(1, n):
        if rng.random() < 0.5:
            src = rng.integers(0, i)
            keep = rng.random(64) < rng.uniform(0.6, 1.0)
            sigs[i, keep] = sigs[src, keep]
    sigs[5] = SENTINEL
    return sigs


@pytest.mark.parametrize("max_run", [1000, 3])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_incremental_index_equals_batch(seed: int, max_run: int) -> None:
    sigs = clustered_signatures(seed)
    bands, rows = 8, 4
    index = SignatureIndex(bands, rows, max_run=max_run)
    got, lo = [], 0
    for hi in (1, 30, 31, 90, 120):  # uneven additions, one of a single document
        # Each add gives exactly the batch pairs (so far) that involve a new document.
        batch_so_far = candidate_pairs(sigs[:hi], bands, rows, max_run=max_run)
        added = index.add(sigs[lo:hi])
        assert np.array_equal(added, batch_so_far[batch_so_far[:, 1] >= lo])
        got.append(added)
        lo = hi
    merged = np.concatenate(got)
    batch = candidate_pairs(sigs, bands, rows, max_run=max_run)
    if max_run == 1000:  # no star bucket: the adds together are the batch result
        assert np.array_equal(merged[np.lexsort((merged[:, 1], merged[:, 0]))], batch)
    assert len(index) == 120 and np.array_equal(index.signatures(), sigs)


def test_index_returns_only_pairs_with_a_new_document_and_maps_ids() -> None:
    texts, (i, j) = planted_corpus(20, seed=4)
    sigs = signatures(texts)
    index = SignatureIndex(*lsh_params(0.8))
    assert index.add(sigs[:10], range(1000, 1010)).tolist() == []
    new = index.add(sigs[10:], range(1010, 1010 + len(texts) - 10))
    assert new.tolist() == [[1000 + i, 1000 + j]]
    sims = index.similarities(new)
    assert sims[0] == pytest.approx(estimated_jaccard(sigs[i], sigs[j]))
    assert pickle.loads(pickle.dumps(index)).ids.tolist() == index.ids.tolist()
    with pytest.raises(ValueError, match="unique"):
        index.add(sigs[:1], [1000])
    with pytest.raises(KeyError):
        index.similarities(np.array([[1000, 99]]))


# --- verification ----------------------------------------------------------------------


def test_near_duplicates_from_texts_and_from_signatures() -> None:
    texts, (i, j) = planted_corpus(30, seed=5)
    exact = near_duplicates(texts)
    assert [(a, b) for a, b, _ in exact] == [(i, j)]
    sets = [shingle_hashes(normalize(t), PARAMS) for t in texts]
    assert exact[0][2] == pytest.approx(jaccard(sets[i], sets[j]))
    estimated = near_duplicates(sigs=signatures(texts))
    assert [(a, b) for a, b, _ in estimated] == [(i, j)]
    assert near_duplicates(texts, threshold=0.95) == []


def test_near_duplicates_needs_exactly_one_input() -> None:
    with pytest.raises(ValueError, match="either"):
        near_duplicates()
    with pytest.raises(ValueError, match="either"):
        near_duplicates(["a"], sigs=signatures(["a"]))
    with pytest.raises(ValueError, match="MinHashParams"):
        near_duplicates(sigs=signatures(["a b"], SMALL))
