from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.corpus.reuse import (
    ReuseParams,
    align,
    anchors,
    candidate_pairs,
    ngram_hashes,
    tokenize,
)

WORDS = "the fire crews cut a line along the road while wind carried embers over it".split()


def test_tokens_keep_offsets() -> None:
    text = "Fire-chief Dana  Roemer said: “hold”."
    t = tokenize(text)
    assert t.words == ("fire", "chief", "dana", "roemer", "said", "hold")
    assert [text[a:b] for a, b in zip(t.starts, t.ends, strict=True)][2] == "Dana"


def test_quoted_tokens() -> None:
    text = 'He said “we will stay” and left. "Go home," she replied.\nA stray " mark here'
    t = tokenize(text)
    quoted = [w for w, q in zip(t.words, t.quoted, strict=True) if q]
    assert quoted == ["we", "will", "stay", "go", "home"]


def test_hashes_are_positional_and_deterministic() -> None:
    t = tokenize(" ".join(WORDS))
    h = ngram_hashes(t, 4)
    assert len(h) == len(WORDS) - 3
    assert np.array_equal(h, ngram_hashes(tokenize(" ".join(WORDS).upper()), 4))
    assert len(ngram_hashes(tokenize("too short"), 4)) == 0


def test_alignment_of_copy_with_addition() -> None:
    params = ReuseParams()
    src = " ".join(WORDS * 3)
    derived = src + " and then something quite different was added by the reposting site today"
    al = align(tokenize(src), tokenize(derived), params)
    assert al.shared_a == 1.0 and al.shared_b < 0.85
    assert al.only_a == ()
    [(start, end)] = al.only_b
    assert derived[start:end].startswith("and then something")


def test_unrelated_texts_share_nothing() -> None:
    al = align(
        tokenize(" ".join(WORDS)),
        tokenize("a wholly different sentence about books"),
        ReuseParams(),
    )
    assert al.shared_tokens == 0 and al.shared_a == 0.0


def test_candidate_pairs_need_shared_anchors() -> None:
    params = ReuseParams(sample=1)
    texts = [
        " ".join(WORDS * 2),
        " ".join(WORDS * 2) + " extra words here",
        "nothing in common at all here",
    ]
    docs = [anchors(ngram_hashes(tokenize(t), params.ngram), params.sample) for t in texts]
    assert candidate_pairs(docs, params) == [(0, 1)]


def test_boilerplate_anchors_are_ignored() -> None:
    params = ReuseParams(sample=1, max_anchor_docs=2)
    docs = [anchors(ngram_hashes(tokenize(" ".join(WORDS)), 8), 1)] * 3
    assert candidate_pairs(docs, params) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=0, max_size=60), st.integers(0, 40))
def test_alignment_fractions_are_bounded(words: list[str], cut: int) -> None:
    a = " ".join(words)
    b = " ".join(words[cut:])
    al = align(tokenize(a), tokenize(b), ReuseParams())
    assert 0.0 <= al.shared_a <= 1.0 and 0.0 <= al.shared_b <= 1.0
    for s, e in al.only_a:
        assert 0 <= s < e <= len(a)
