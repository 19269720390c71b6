"""Clustering and coreference scores on textbook cases, checked against scikit-learn."""

from __future__ import annotations

import doctest
import itertools
import random

import pytest

from storyline.evaluate import metrics
from storyline.evaluate.metrics import (
    PRF,
    _hungarian,
    adjusted_rand_index,
    b_cubed,
    ceaf_e,
    clusters_from_labels,
    conll_f1,
    max_weight_matching,
    muc,
    v_measure,
)

# Pradhan et al. (2014), "Scoring coreference partitions of predicted mentions: a reference
# implementation", the worked example: key {a b c} {d e f g}; response {a b} {c d} {f g h i}
# (h and i are twinless, e is missing from the response).
KEY = [{"a", "b", "c"}, {"d", "e", "f", "g"}]
RESPONSE = [{"a", "b"}, {"c", "d"}, {"f", "g", "h", "i"}]


def test_module_examples() -> None:
    assert doctest.testmod(metrics).failed == 0


def test_published_example_muc() -> None:
    score = muc(KEY, RESPONSE)
    assert (score.recall, score.precision, score.f1) == pytest.approx((0.4, 0.4, 0.4))


def test_published_example_b_cubed() -> None:
    score = b_cubed(KEY, RESPONSE)
    # R = (4/3 + 1/3 + 1/4 + 4/4) / 7 = 35/84; P = (4/2 + 1/2 + 1/2 + 4/4) / 8 = 1/2
    assert score.recall == pytest.approx(35 / 84)
    assert score.precision == pytest.approx(0.5)
    assert score.f1 == pytest.approx(2 * (35 / 84) * 0.5 / (35 / 84 + 0.5))


def test_published_example_ceaf_e() -> None:
    score = ceaf_e(KEY, RESPONSE)
    # Best alignment: {abc}-{ab} (phi4 = 4/5) and {defg}-{fghi} (phi4 = 4/8): 1.3 in all.
    assert score.recall == pytest.approx(1.3 / 2)
    assert score.precision == pytest.approx(1.3 / 3)


def test_conll_is_the_mean_of_three_f1() -> None:
    expected = (muc(KEY, RESPONSE).f1 + b_cubed(KEY, RESPONSE).f1 + ceaf_e(KEY, RESPONSE).f1) / 3
    assert conll_f1(KEY, RESPONSE) == pytest.approx(expected)


def test_vilain_muc_example() -> None:
    # Vilain et al. (1995): one chain A-B-C-D answered as A-B and C-D keeps 2 of 3 links.
    score = muc([{"A", "B", "C", "D"}], [{"A", "B"}, {"C", "D"}])
    assert (score.recall, score.precision) == pytest.approx((2 / 3, 1.0))


GOLD = [{1, 2, 3}, {4, 5}, {6}]


@pytest.mark.parametrize("score", [muc, b_cubed, ceaf_e])
def test_perfect_clustering_scores_one(score: object) -> None:
    result = score(GOLD, [{3, 2, 1}, {5, 4}, {6}])  # type: ignore[operator]
    assert (result.precision, result.recall, result.f1) == pytest.approx((1.0, 1.0, 1.0))
    assert conll_f1(GOLD, GOLD) == pytest.approx(1.0)


def test_all_in_one_cluster() -> None:
    everything = [{1, 2, 3, 4, 5, 6}]
    # B-cubed precision = sum(|k|^2) / n^2 = (9 + 4 + 1) / 36; recall 1.
    assert b_cubed(GOLD, everything).precision == pytest.approx(14 / 36)
    assert b_cubed(GOLD, everything).recall == pytest.approx(1.0)
    # MUC: all 3 key links kept; 3 of the 5 response links are right.
    assert (muc(GOLD, everything).recall, muc(GOLD, everything).precision) == pytest.approx(
        (1.0, 3 / 5)
    )
    assert adjusted_rand_index(GOLD, everything) == pytest.approx(0.0)
    # CEAF-e: one response cluster aligned with {1,2,3}: phi4 = 6/9.
    assert ceaf_e(GOLD, everything).precision == pytest.approx(6 / 9)
    assert ceaf_e(GOLD, everything).recall == pytest.approx(6 / 9 / 3)


def test_all_singletons() -> None:
    singletons = [{i} for i in range(1, 7)]
    # B-cubed recall = number of key clusters / n; precision 1.
    assert b_cubed(GOLD, singletons).recall == pytest.approx(3 / 6)
    assert b_cubed(GOLD, singletons).precision == pytest.approx(1.0)
    # MUC: singletons keep no link.
    assert muc(GOLD, singletons).f1 == 0.0
    assert adjusted_rand_index(GOLD, singletons) == pytest.approx(0.0)


def test_ari_known_values() -> None:
    assert adjusted_rand_index(GOLD, GOLD) == 1.0
    # scikit-learn's documented example: labels [0,0,1,1] against [0,0,1,2] give 4/7.
    assert adjusted_rand_index([{0, 1}, {2, 3}], [{0, 1}, {2}, {3}]) == pytest.approx(4 / 7)
    # [0,0,1,1] against [0,1,0,1]: worse than chance.
    assert adjusted_rand_index([{0, 1}, {2, 3}], [{0, 2}, {1, 3}]) == pytest.approx(-0.5)


def test_partition_scores_need_the_same_items() -> None:
    with pytest.raises(ValueError, match="different items"):
        adjusted_rand_index([{1, 2}], [{1, 3}])
    with pytest.raises(ValueError, match="more than one cluster"):
        b_cubed([{1, 2}, {2, 3}], [{1, 2, 3}])


def test_v_measure_known_values() -> None:
    assert v_measure(GOLD, GOLD).f1 == pytest.approx(1.0)
    everything = v_measure(GOLD, [{1, 2, 3, 4, 5, 6}])
    assert (everything.precision, everything.recall) == pytest.approx((0.0, 1.0))


def test_clusters_from_labels() -> None:
    groups = clusters_from_labels({"a": "x", "b": "y", "c": "x"})
    assert groups == [{"a", "c"}, {"b"}]


def test_prf_zero_is_safe() -> None:
    assert PRF(0.0, 0.0).f1 == 0.0


def _random_labels(rng: random.Random, n: int, k: int) -> list[int]:
    return [rng.randrange(k) for _ in range(n)]


def _as_clusters(labels: list[int]) -> list[set[int]]:
    return clusters_from_labels(dict(enumerate(labels)))


def test_ari_and_v_measure_match_scikit_learn() -> None:
    skm = pytest.importorskip("sklearn.metrics")
    rng = random.Random(3)
    for n, k1, k2 in itertools.product((5, 30), (1, 3, 7), (2, 5)):
        a, b = _random_labels(rng, n, k1), _random_labels(rng, n, k2)
        ours_ari = adjusted_rand_index(_as_clusters(a), _as_clusters(b))
        assert ours_ari == pytest.approx(skm.adjusted_rand_score(a, b))
        h, c, v = skm.homogeneity_completeness_v_measure(a, b)
        ours = v_measure(_as_clusters(a), _as_clusters(b))
        assert (ours.precision, ours.recall, ours.f1) == pytest.approx((h, c, v))


def test_hungarian_fallback_matches_brute_force_and_scipy() -> None:
    rng = random.Random(11)
    for rows, cols in [(1, 1), (2, 3), (3, 2), (4, 4), (5, 3)]:
        w = [[rng.random() for _ in range(cols)] for _ in range(rows)]
        pairs = _hungarian(w)
        assert len(pairs) == min(rows, cols)
        if rows <= cols:
            best = max(
                sum(w[i][p[i]] for i in range(rows))
                for p in itertools.permutations(range(cols), rows)
            )
        else:
            best = max(
                sum(w[p[j]][j] for j in range(cols))
                for p in itertools.permutations(range(rows), cols)
            )
        assert sum(w[i][j] for i, j in pairs) == pytest.approx(best)
        assert sum(w[i][j] for i, j in max_weight_matching(w)) == pytest.approx(best)


def test_harness_main_reports_missing_data(tmp_path, capsys) -> None:
    from storyline.evaluate.harness import harness_main

    def run(path):
        raise FileNotFoundError(f"no data under {path}")

    assert harness_main(run, str, [str(tmp_path / "none")]) == 2
    assert "no data under" in capsys.readouterr().err
    assert harness_main(lambda path: {"at": str(path)}, lambda r: r["at"], [str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path)
