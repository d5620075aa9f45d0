"""Tests for companion.metrics.classification: sign accuracy, the Bayes limit of Gaussian classes, rare-class scores.

The Keras metric must align labels of shape (n,) with predictions of shape (n, 1). Comparing them as
they are broadcasts to (n, n), which silently reports a different number, so every alignment test
uses data for which the broadcast answer differs from the right one (and asserts that it does).
"""

import numpy as np
import pytest

import companion as cp
from companion.metrics import sign_accuracy, within_tolerance

# Eight predictions (a 1-unit model output) and their +-1 labels: signs agree on 6 of 8.
PRED = np.array([[0.5], [0.4], [0.3], [-0.5], [0.2], [-0.1], [-0.7], [0.9]], dtype="float32")
LABELS = np.array([1, 1, 1, -1, -1, -1, 1, 1], dtype="float32")
EXPECTED_SIGN_ACCURACY = 6 / 8


def broadcast_sign_accuracy(y_true, y_pred):
    """What a metric that forgets to align shapes reports: the mean over the (n, n) broadcast."""
    return float(np.mean((np.asarray(y_true) > 0) == (np.asarray(y_pred) > 0)))


def values(tensor):
    return np.asarray(tensor, dtype="float64")


def test_broadcasting_would_give_a_different_number():
    assert broadcast_sign_accuracy(LABELS, PRED) == pytest.approx(17 / 32)
    assert broadcast_sign_accuracy(LABELS, PRED) != pytest.approx(EXPECTED_SIGN_ACCURACY)


def test_sign_accuracy_pm1_labels_per_sample():
    np.testing.assert_array_equal(values(sign_accuracy(LABELS[:, None], PRED)), [1, 1, 1, 1, 0, 1, 0, 1])


def test_sign_accuracy_01_labels_give_the_same_values():
    labels01 = (LABELS + 1) / 2
    np.testing.assert_array_equal(values(sign_accuracy(labels01[:, None], PRED)),
                                  values(sign_accuracy(LABELS[:, None], PRED)))


def test_sign_accuracy_aligns_n_labels_with_n_by_1_predictions():
    out = values(sign_accuracy(LABELS, PRED))
    assert out.shape == (8,)
    assert out.mean() == pytest.approx(EXPECTED_SIGN_ACCURACY)
    # and the other way round
    assert values(sign_accuracy(LABELS[:, None], PRED[:, 0])).mean() == pytest.approx(EXPECTED_SIGN_ACCURACY)


def test_sign_accuracy_zero_output_counts_as_negative():
    np.testing.assert_array_equal(values(sign_accuracy(np.array([1.0, -1.0]), np.array([[0.0], [0.0]]))), [0, 1])


def test_sign_accuracy_rejects_incompatible_shapes():
    with pytest.raises(ValueError, match="cannot align"):
        sign_accuracy(LABELS, PRED[:, :, None])
    with pytest.raises(ValueError, match="1 targets per sample but y_pred has 2"):
        sign_accuracy(LABELS[:, None], np.hstack([PRED, PRED]))


def identity_model():
    """A compiled Keras model whose output is its 1-feature input: y_pred = x, shape (n, 1)."""
    import keras

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")])
    model.compile(loss="mean_squared_error", optimizer=cp.sgd(), metrics=[sign_accuracy, within_tolerance(0.25)])
    return model


@pytest.mark.parametrize("batch_size", [8, 3])
def test_metrics_inside_model_evaluate_with_n_labels(batch_size):
    scores = identity_model().evaluate(PRED, LABELS, batch_size=batch_size, verbose=0, return_dict=True)
    assert scores["sign_accuracy"] == pytest.approx(EXPECTED_SIGN_ACCURACY)
    # |label - prediction| <= 0.25 only for the last sample (|1 - 0.9| = 0.1).
    within = [v for k, v in scores.items() if k.startswith("within")]
    assert within == [pytest.approx(1 / 8)]


def test_gaussian_posterior_rows_sum_to_one_and_pick_the_nearest_centre():
    from companion.metrics import gaussian_posterior

    rng = np.random.default_rng(0)
    centers = rng.normal(scale=5.0, size=(4, 3))
    X = rng.normal(scale=8.0, size=(200, 3))
    posterior = gaussian_posterior(X, centers, 1.5)
    nearest = np.argmin(((X[:, None, :] - centers[None]) ** 2).sum(axis=-1), axis=1)
    assert posterior.shape == (200, 4)
    np.testing.assert_allclose(posterior.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_array_equal(posterior.argmax(axis=1), nearest)


def test_gaussian_posterior_matches_bayes_rule_by_hand_and_survives_far_points():
    from scipy import stats

    from companion.metrics import gaussian_posterior

    centers, std, x = np.array([[0.0, 0.0], [3.0, 1.0]]), 2.0, np.array([[1.0, -2.0]])
    densities = [stats.multivariate_normal.pdf(x[0], mean=c, cov=std**2) for c in centers]
    np.testing.assert_allclose(gaussian_posterior(x, centers, std)[0], np.array(densities) / sum(densities))
    far = gaussian_posterior(np.array([[1e4, 0.0]]), centers, 0.1)  # exp underflows without the shift
    assert np.all(np.isfinite(far)) and far[0, 1] == 1.0


def test_gaussian_bayes_accuracy_two_classes_is_phi_of_half_the_distance():
    from scipy import stats

    from companion.metrics import gaussian_bayes_accuracy

    centers = np.array([[1.0, 2.0, 0.0], [4.0, -2.0, 0.0]])  # distance 5
    assert gaussian_bayes_accuracy(centers, 2.0) == pytest.approx(stats.norm.cdf(5 / 4), abs=1e-12)


@pytest.mark.parametrize("centers, std", [
    (np.array([[0.0, 0.0], [3.0, 0.0], [1.5, 2.6]]), 1.5),
    (np.array([[0.0, 0.0], [2.0, 0.0], [5.0, 0.0]]), 1.0),  # collinear: a singular covariance
])
def test_gaussian_bayes_accuracy_three_classes_matches_monte_carlo(centers, std):
    from companion.metrics import gaussian_bayes_accuracy

    rng = np.random.default_rng(1)
    n = 400_000
    y = rng.integers(0, len(centers), size=n)
    X = centers[y] + std * rng.normal(size=(n, centers.shape[1]))
    nearest = np.argmin(((X[:, None, :] - centers[None]) ** 2).sum(axis=-1), axis=1)
    assert gaussian_bayes_accuracy(centers, std) == pytest.approx(np.mean(nearest == y), abs=3e-3)


def test_gaussian_bayes_accuracy_of_the_blobs_problem():
    from companion import datasets
    from companion.metrics import gaussian_bayes_accuracy, gaussian_posterior

    centers = datasets.blob_centers()
    accuracy = gaussian_bayes_accuracy(centers, 2.0)
    assert accuracy == pytest.approx(0.8224, abs=1e-4)
    split = datasets.blobs()
    X, y = np.concatenate([split.X_train, split.X_test]), np.concatenate([split.y_train, split.y_test])
    sample = np.mean(gaussian_posterior(X, centers, 2.0).argmax(axis=1) == y)
    assert abs(sample - accuracy) < 3 * np.sqrt(accuracy * (1 - accuracy) / len(y))


@pytest.mark.parametrize("centers, std, message", [
    (np.array([[0.0, 0.0]]), 1.0, "n_classes >= 2"),
    (np.array([[0.0, 0.0], [0.0, 0.0]]), 1.0, "distinct"),
    (np.array([[0.0, 0.0], [1.0, 0.0]]), 0.0, "positive"),
    (np.array([[0.0, np.nan], [1.0, 0.0]]), 1.0, "finite"),
])
def test_gaussian_bayes_rejects(centers, std, message):
    from companion.metrics import gaussian_bayes_accuracy, gaussian_posterior

    with pytest.raises(ValueError, match=message):
        gaussian_bayes_accuracy(centers, std)
    with pytest.raises(ValueError, match=message):
        gaussian_posterior(np.zeros((1, 2)), centers, std)


def test_gaussian_posterior_rejects_a_feature_count_mismatch():
    from companion.metrics import gaussian_posterior

    with pytest.raises(ValueError, match="match the centres"):
        gaussian_posterior(np.zeros((3, 3)), np.array([[0.0, 0.0], [1.0, 0.0]]), 1.0)


# Imbalanced-classes scorers: recall_at_precision, best_threshold, imbalance_scores, undo_class_weight.

def brute_force_recall_at_precision(y, s, precision):
    # Every threshold t in the scores, positive when s >= t: the best recall with precision >= the level.
    y, s = np.asarray(y), np.asarray(s, dtype=float)
    best = 0.0
    for t in np.unique(s):
        called = s >= t
        tp = np.sum(called & (y == 1))
        if tp / called.sum() >= precision:
            best = max(best, tp / y.sum())
    return best


def test_recall_at_precision_matches_brute_force():
    from companion.metrics import recall_at_precision

    rng = np.random.default_rng(8)
    checked = 0
    for _ in range(40):
        y = (rng.uniform(size=60) < 0.2).astype(int)
        if y.sum() == 0:
            continue
        s = np.round(rng.normal(size=60) + 1.5 * y, 1)  # rounded: ties between scores
        for level in (0.5, 0.8, 0.95, 1.0):
            assert recall_at_precision(y, s, level) == pytest.approx(brute_force_recall_at_precision(y, s, level))
            checked += 1
    assert checked > 100


def test_recall_at_precision_edges_and_shapes():
    from companion.metrics import recall_at_precision

    y = np.array([0, 0, 1, 1])
    assert recall_at_precision(y, [0.1, 0.2, 0.8, 0.9], 1.0) == 1.0  # perfect ranking
    assert recall_at_precision(y, [0.9, 0.8, 0.2, 0.1], 0.9) == 0.0  # reversed: never reaches 0.9
    assert recall_at_precision(y, [[0.1], [0.2], [0.8], [0.9]], 1.0) == 1.0  # (n, 1) like a Keras output


@pytest.mark.parametrize("y, s, kwargs, match", [
    ([0, 1, 2], [0.1, 0.2, 0.3], {}, "labels 0 and 1"),
    ([0, 0, 0], [0.1, 0.2, 0.3], {}, "only class 0"),
    ([0, 1], [0.1, 0.2, 0.3], {}, "shape"),
    ([0, 1], [[0.1, 0.2], [0.3, 0.4]], {}, "shape"),
    ([0, 1], [0.1, np.nan], {}, "NaN"),
    ([0, 1], [0.1, 0.2], {"precision": 0.0}, "precision must lie"),
    ([0, 1], [0.1, 0.2], {"precision": 1.5}, "precision must lie"),
])
def test_recall_at_precision_rejects(y, s, kwargs, match):
    from companion.metrics import recall_at_precision

    with pytest.raises(ValueError, match=match):
        recall_at_precision(y, s, **kwargs)


@pytest.mark.parametrize("metric", ["balanced_accuracy", "f1"])
def test_best_threshold_beats_every_other_threshold(metric):
    from sklearn.metrics import balanced_accuracy_score, f1_score

    from companion.metrics import best_threshold

    score_fn = balanced_accuracy_score if metric == "balanced_accuracy" else f1_score
    rng = np.random.default_rng(9)
    for _ in range(20):
        y = (rng.uniform(size=80) < 0.15).astype(int)
        y[:2] = [0, 1]
        p = np.round(1 / (1 + np.exp(-(rng.normal(size=80) + 2 * y - 2))), 2)
        t = best_threshold(y, p, metric=metric)
        best = score_fn(y, (p >= t).astype(int))
        every = [score_fn(y, (p >= c).astype(int)) for c in np.concatenate([np.unique(p), [1.1]])]
        assert best == pytest.approx(max(every))
        # the threshold sits strictly between scores, never on one
        assert not np.any(p == t)


def test_best_threshold_separable_data_is_the_middle_of_the_gap():
    from companion.metrics import best_threshold

    assert best_threshold([0, 0, 1, 1], [0.1, 0.3, 0.7, 0.9]) == pytest.approx(0.5)
    assert best_threshold([0, 0, 1, 1], [0.01, 0.02, 0.2, 0.9]) == pytest.approx(0.11)


def test_best_threshold_rejects():
    from companion.metrics import best_threshold

    with pytest.raises(ValueError, match="metric must be"):
        best_threshold([0, 1], [0.2, 0.8], metric="accuracy")
    with pytest.raises(ValueError, match="only class 1"):
        best_threshold([1, 1], [0.2, 0.8])


def test_imbalance_scores_match_scikit_learn_and_the_constant_predictor():
    from sklearn.metrics import average_precision_score, balanced_accuracy_score, log_loss

    from companion.metrics import imbalance_scores, recall_at_precision

    rng = np.random.default_rng(10)
    y = (rng.uniform(size=200) < 0.1).astype(int)
    p = 1 / (1 + np.exp(-(rng.normal(size=200) + 3 * y - 2.5)))
    scores = imbalance_scores(y, p[:, None], threshold=0.3, precision=0.7)
    assert list(scores) == ["pr_auc", "recall_at_precision", "balanced_accuracy", "log_loss"]
    assert scores["pr_auc"] == pytest.approx(average_precision_score(y, p))
    assert scores["recall_at_precision"] == recall_at_precision(y, p, 0.7)
    assert scores["balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y, p >= 0.3))
    assert scores["log_loss"] == pytest.approx(log_loss(y, p))
    # Predicting the prevalence everywhere: PR-AUC = prevalence, balanced accuracy 0.5, log loss = entropy.
    pi = y.mean()
    const = imbalance_scores(y, np.full(200, pi))
    assert const["pr_auc"] == pytest.approx(pi)
    assert const["balanced_accuracy"] == 0.5
    assert const["log_loss"] == pytest.approx(-(pi * np.log(pi) + (1 - pi) * np.log(1 - pi)))


def test_imbalance_scores_rejects_logits():
    from companion.metrics import imbalance_scores

    with pytest.raises(ValueError, match="not logits"):
        imbalance_scores([0, 1, 0], [-2.0, 3.0, 0.1])


def test_undo_class_weight_inverts_the_minimiser_of_the_weighted_cross_entropy():
    from scipy.optimize import minimize_scalar

    from companion.metrics import undo_class_weight

    w = {0: 0.55, 1: 5.5}
    for p in (0.01, 0.1, 0.5, 0.9):
        # the weighted expected cross-entropy, minimised numerically
        loss = lambda q: -(w[1] * p * np.log(q) + w[0] * (1 - p) * np.log(1 - q))  # noqa: E731
        q = minimize_scalar(loss, bounds=(1e-9, 1 - 1e-9), method="bounded", options={"xatol": 1e-12}).x
        assert q > p  # the minority weight inflates the probability
        assert undo_class_weight(q, w) == pytest.approx(p, abs=1e-6)
    # equal weights change nothing; shapes are kept
    q = np.array([[0.2, 0.7], [0.0, 1.0]])
    np.testing.assert_allclose(undo_class_weight(q, {0: 3.0, 1: 3.0}), q)
    assert undo_class_weight(q, w).shape == (2, 2)


@pytest.mark.parametrize("prob, weights, match", [
    ([0.5, 1.2], {0: 1.0, 1: 2.0}, "probabilities"),
    ([0.5], {0: 1.0}, "dict"),
    ([0.5], "balanced", "dict"),
    ([0.5], {0: 0.0, 1: 2.0}, "positive"),
])
def test_undo_class_weight_rejects(prob, weights, match):
    from companion.metrics import undo_class_weight

    with pytest.raises(ValueError, match=match):
        undo_class_weight(prob, weights)
