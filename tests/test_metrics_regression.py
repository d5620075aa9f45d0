"""Tests for companion.metrics.regression: the within-tolerance rule of seed 001.

Targets of shape (n,) must be aligned with predictions of shape (n, 1), never broadcast to (n, n).
"""

import numpy as np
import pytest

from companion.metrics import within_tolerance


def values(tensor):
    return np.asarray(tensor, dtype="float64")


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
