"""Tests for companion.ordinal: rank checks, cumulative targets, the CORAL loss's reference, decoding and scoring."""

import numpy as np
import pytest
from scipy.special import expit

from companion import ordinal


def test_check_ranks_accepts_whole_numbers_and_keeps_the_shape():
    out = ordinal.check_ranks(np.array([[0.0, 3.0], [1.0, 4.0]]), n_classes=5)
    assert out.dtype == np.int64 and out.tolist() == [[0, 3], [1, 4]]


@pytest.mark.parametrize("ranks, n_classes, match", [
    ([0, 5], 5, r"ranks must lie in 0\.\.4 \(n_classes=5\), got 5"),
    ([-1, 2], 5, r"ranks must lie in 0\.\.4 \(n_classes=5\), got -1"),
    ([0, 1.5], 5, "whole numbers"),
    ([0, np.nan], 5, "NaN"),
    (["low", "high"], 5, "must hold numbers"),
    ([0, 1], 1, r"n_classes must be an integer >= 2"),
    ([0, 1], 2.0, r"n_classes must be an integer >= 2"),
    ([0, 1], True, r"n_classes must be an integer >= 2"),
])
def test_check_ranks_refuses_bad_ranks_and_k(ranks, n_classes, match):
    with pytest.raises(ValueError, match=match):
        ordinal.check_ranks(ranks, n_classes)


def test_cumulative_targets_by_hand_and_their_sum_is_the_rank():
    t = ordinal.cumulative_targets([0, 1, 2], n_classes=3)
    np.testing.assert_array_equal(t, [[0, 0], [1, 0], [1, 1]])
    y = np.random.default_rng(0).integers(0, 6, size=50)
    np.testing.assert_array_equal(ordinal.cumulative_targets(y, 6).sum(axis=1), y)
    with pytest.raises(ValueError, match="shape"):
        ordinal.cumulative_targets([[0, 1]], 3)
    with pytest.raises(ValueError, match="0..2"):
        ordinal.cumulative_targets([0, 3], 3)


def test_coral_loss_is_the_sum_of_binary_cross_entropies_computed_by_hand():
    rng = np.random.default_rng(1)
    z = rng.normal(scale=3, size=(20, 3))
    y = rng.integers(0, 4, size=20)
    p = expit(z)
    t = (y[:, None] > np.arange(3)).astype(float)
    expected = -(t * np.log(p) + (1 - t) * np.log(1 - p)).sum(axis=1)
    np.testing.assert_allclose(ordinal.coral_loss(y, z), expected, rtol=1e-10)
    # K = 2: one binary cross-entropy; large logits stay finite.
    np.testing.assert_allclose(ordinal.coral_loss([1, 0], [[0.0], [0.0]]), [np.log(2)] * 2)
    assert np.all(np.isfinite(ordinal.coral_loss([0, 3], [[800.0, -800, 0], [-800, 800, 0]])))


def test_coral_loss_refuses_bad_input():
    with pytest.raises(ValueError, match="y_true must lie in 0..3"):
        ordinal.coral_loss([4], np.zeros((1, 3)))
    with pytest.raises(ValueError, match="shape \\(2,\\)"):
        ordinal.coral_loss([0, 1, 2], np.zeros((2, 3)))
    with pytest.raises(ValueError, match="shape \\(n, K-1\\)"):
        ordinal.coral_loss([0], np.zeros(3))


def test_class_probabilities_by_hand_sum_to_one_and_fix_crossings():
    p = ordinal.class_probabilities([[0.9, 0.6, 0.2], [0.5, 0.7, 0.1]])
    np.testing.assert_allclose(p[0], [0.1, 0.3, 0.4, 0.2])
    np.testing.assert_allclose(p[1], [0.5, 0.0, 0.4, 0.1])  # 0.7 after 0.5 is read as 0.5
    np.testing.assert_allclose(p.sum(axis=1), 1)
    with pytest.raises(ValueError, match="probabilities in \\[0, 1\\]"):
        ordinal.class_probabilities([[1.5, 0.2]])


def test_ranks_from_cumulative_is_the_median_of_the_class_probabilities():
    rng = np.random.default_rng(2)
    c = np.sort(rng.uniform(size=(200, 4)), axis=1)[:, ::-1]  # non-increasing rows
    ranks = ordinal.ranks_from_cumulative(c)
    median = np.argmax(np.cumsum(ordinal.class_probabilities(c), axis=1) >= 0.5, axis=1)
    np.testing.assert_array_equal(ranks, median)
    with pytest.raises(ValueError, match="threshold"):
        ordinal.ranks_from_cumulative(c, threshold=1.0)


def test_predicted_ranks_reads_the_kind_from_the_shape():
    assert ordinal.predicted_ranks([-3.0, 0.49, 0.51, 2.5, 3.5, 7.0], 5).tolist() == [0, 0, 1, 2, 4, 4]
    assert ordinal.predicted_ranks([[0.1], [1.7]], 5).tolist() == [0, 2]
    assert ordinal.predicted_ranks([[0.1, 0.6, 0.3]], 3).tolist() == [1]
    assert ordinal.predicted_ranks([[3.0, 1.0, -0.5, -2.0]], 5).tolist() == [2]
    assert ordinal.predicted_ranks([[0.9, 0.6, 0.2, 0.1]], 5, kind="cumulative_probabilities").tolist() == [2]
    assert ordinal.predicted_ranks([0.3, -0.2], 2, kind="cumulative_logits").tolist() == [1, 0]


@pytest.mark.parametrize("y_pred, n_classes, kind, match", [
    ([0.3], 2, None, "give kind="),
    (np.zeros((2, 7)), 5, None, "fits no output"),
    (np.zeros((2, 5)), 5, "score", "kind='score'"),
    (np.zeros((2, 4)), 5, "classes", "kind='classes'"),
    ([np.nan], 5, None, "NaN"),
    ([1.0], 5, "median", "kind must be one of"),
    ([1.0], 1, None, "n_classes must be an integer >= 2"),
])
def test_predicted_ranks_refuses_bad_input(y_pred, n_classes, kind, match):
    with pytest.raises(ValueError, match=match):
        ordinal.predicted_ranks(y_pred, n_classes, kind=kind)


def test_scoring_decodes_each_output_and_scores_with_scikit_learn():
    from sklearn.metrics import accuracy_score, cohen_kappa_score, mean_absolute_error

    rng = np.random.default_rng(3)
    y = rng.integers(0, 5, size=100)
    outputs = {"score": y + rng.normal(scale=0.8, size=100),
               "classes": rng.dirichlet(np.ones(5), size=100),
               "cumulative_logits": rng.normal(size=(100, 4))}
    scores = ordinal.scoring(5)
    assert list(scores) == ["mae", "qwk", "accuracy"]
    for out in outputs.values():
        ranks = ordinal.predicted_ranks(out, 5)
        assert scores["mae"](y, out) == pytest.approx(mean_absolute_error(y, ranks))
        assert scores["qwk"](y, out) == pytest.approx(cohen_kappa_score(y, ranks, weights="quadratic"))
        assert scores["accuracy"](y, out) == pytest.approx(accuracy_score(y, ranks))
    with pytest.raises(ValueError, match="kind must be one of"):
        ordinal.scoring(5, kind="mode")
