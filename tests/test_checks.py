"""Tests for companion._checks and for the entry points that use it: text where numbers belong is refused by name.

Before the check, ``expected_calibration_error(["a", "b"], ...)`` ended in NumPy's "could not convert string to
float", which names neither the argument nor the fix.
"""

import numpy as np
import pytest

import companion as cp
from companion._checks import numeric

TEXT = np.array(["cat", "dog", "cat", "dog"])
P = np.array([0.2, 0.8, 0.3, 0.6])
P2 = np.c_[1 - P, P]


def test_numbers_pass_unchanged_in_value():
    np.testing.assert_array_equal(numeric([0, 1, 1], "y"), [0.0, 1.0, 1.0])
    assert numeric(np.array([1, 2], dtype="int32"), "y", dtype=None).dtype == np.int32
    np.testing.assert_array_equal(numeric(np.array([1, 2.5], dtype=object), "y"), [1.0, 2.5])
    np.testing.assert_array_equal(numeric([True, False], "y"), [1.0, 0.0])


@pytest.mark.parametrize("values, shown", [(["cat", "dog"], "text such as 'cat'"),
                                           (np.array([1, "x"], dtype=object), "text such as 'x'"),
                                           ([b"x"], "text such as b'x'"),
                                           (np.array([1 + 2j]), "values of type complex")])
def test_non_numbers_are_refused_by_name(values, shown):
    with pytest.raises(ValueError, match=f"^labels must hold numbers, got {shown}.*LabelEncoder"):
        numeric(values, "labels")


def test_the_encoding_hint_is_only_for_labels():
    with pytest.raises(ValueError) as error:
        numeric(["0.5"], "prob", labels=False)
    assert str(error.value) == "prob must hold numbers, got text such as '0.5'"


@pytest.mark.parametrize("call, name", [
    (lambda: cp.metrics.expected_calibration_error(TEXT, P), "y_true"),
    (lambda: cp.metrics.reliability_curve(TEXT, P), "y_true"),
    (lambda: cp.metrics.brier_score(TEXT, P2), "y_true"),
    (lambda: cp.metrics.expected_calibration_error([0, 1, 0, 1], TEXT), "prob"),
    (lambda: cp.metrics.recall_at_precision(TEXT, P), "y_true"),
    (lambda: cp.metrics.imbalance_scores(TEXT, P), "y_true"),
    (lambda: cp.metrics.interval_coverage(TEXT, P, P), "y"),
    (lambda: cp.calibration.log_loss(TEXT, P2), "y_true"),
    (lambda: cp.calibration.brier_decomposition(TEXT, P2), "y_true"),
    (lambda: cp.calibration.calibration_error(TEXT, P2), "y_true"),
    (lambda: cp.imbalance.tuned_threshold(TEXT, P, [0, 0, 1, 1]), "y_true"),
    (lambda: cp.imbalance.expected_cost(TEXT, [0, 1, 0, 1], 1, 5), "y_true"),
    (lambda: cp.cross_entropy(TEXT, P), "p"),
    (lambda: cp.losses.binary_crossentropy(TEXT, P), "y_true"),
    (lambda: cp.losses.mean_squared_error([1.0, 2.0], ["1", "2"]), "y_pred"),
])
def test_public_helpers_name_the_argument_that_holds_text(call, name):
    with pytest.raises(ValueError, match=f"^{name} must hold numbers"):
        call()
