"""Tests for companion.metrics: sign accuracy and the within-tolerance metric.

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
