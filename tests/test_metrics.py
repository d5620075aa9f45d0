"""Tests for companion.metrics: sign accuracy, the within-tolerance metric and the Bayes limit of Gaussian classes.

Both metrics must align labels of shape (n,) with predictions of shape (n, 1). Comparing them as
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


def test_within_tolerance_values_and_name():
    metric = within_tolerance(0.1)
    assert metric.__name__ == "within_0.1"
    out = values(metric(np.array([[0.5, 0.5], [0.5, 0.5], [0.2, 0.9]]),
                        np.array([[0.55, 0.45], [0.55, 0.7], [0.25, 0.85]])))
    np.testing.assert_array_equal(out, [1, 0, 1])
    assert within_tolerance(2).__name__ == "within_2"


def test_within_tolerance_needs_every_target_within():
    y_true = np.zeros((4, 5), dtype="float32")
    y_pred = np.zeros((4, 5), dtype="float32")
    y_pred[1, 4] = 0.3   # one target off by more than tol fails the sample
    y_pred[2, :] = -0.19  # every target just inside
    y_pred[3, 0] = 0.21
    np.testing.assert_array_equal(values(within_tolerance(0.2)(y_true, y_pred)), [1, 0, 1, 0])


def test_within_tolerance_aligns_n_targets_with_n_by_1_predictions():
    y_true = np.array([0.0, 1.0, 2.0, 3.0], dtype="float32")
    y_pred = np.array([[0.05], [1.5], [2.0], [2.9]], dtype="float32")
    out = values(within_tolerance(0.2)(y_true, y_pred))
    assert out.shape == (4,)
    np.testing.assert_array_equal(out, [1, 0, 1, 1])
    # A broadcast (4, 4) comparison would have reported 3 of 16 pairs instead of 3 of 4.
    assert np.mean(np.abs(y_true[None, :] - y_pred) <= 0.2) == pytest.approx(3 / 16)


@pytest.mark.parametrize("tol", [0, 0.0, -0.1])
def test_within_tolerance_rejects_non_positive_tol(tol):
    with pytest.raises(ValueError, match="tol must be positive"):
        within_tolerance(tol)


def test_within_tolerance_rejects_mismatched_targets():
    with pytest.raises(ValueError, match="3 targets per sample but y_pred has 2"):
        within_tolerance(0.1)(np.zeros((2, 3)), np.zeros((2, 2)))


# ---------------------------------------------------------------- the Bayes limit of Gaussian classes


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
