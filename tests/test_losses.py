"""Tests for companion.losses, in the manner of Keras's own losses_test.py.

Every reference loss is checked for a perfect prediction, against hand-computed constants, and against
``keras.losses.<name>`` on seeded random inputs, at the edges of its domain and with saturated logits.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from companion.losses import EPSILON, REFERENCE_LOSSES  # noqa: E402
from random_inputs import bits, counts, distributions, labels, one_hot, positive, probabilities, real, signs  # noqa: E402

# Keras computes in float32 and the references in float64: agreement is to float32 precision.
RTOL = 1e-5
ATOL = 1e-6
SHAPES = [(7,), (5, 3), (2, 4, 3)]
SPARSE = "sparse_categorical_crossentropy"


def keras_loss(name, y_true, y_pred, dtype="float32", **kwargs):
    """Return ``keras.losses.<name>(y_true, y_pred, **kwargs)`` as a NumPy array, computed in ``dtype``."""
    y_true = np.asarray(y_true, dtype="int64" if name == SPARSE else dtype)
    y_pred = np.asarray(y_pred, dtype=dtype)
    return keras.ops.convert_to_numpy(getattr(keras.losses, name)(y_true, y_pred, **kwargs))


# Seeded random inputs, each drawn for a loss's y_true or y_pred of the given shape.


RANDOM_CASES = [
    ("mean_squared_error", {}, real, real),
    ("mean_absolute_error", {}, real, real),
    ("mean_squared_logarithmic_error", {}, positive, positive),
    ("mean_absolute_percentage_error", {}, real, real),
    ("huber", {}, real, real),
    ("huber", {"delta": 0.5}, real, real),
    ("log_cosh", {}, real, real),
    ("poisson", {}, counts, positive),
    ("binary_crossentropy", {}, bits, probabilities),
    ("binary_crossentropy", {}, probabilities, probabilities),
    ("binary_crossentropy", {"from_logits": True}, bits, real),
    ("hinge", {}, signs, real),
    ("hinge", {}, bits, real),
    ("squared_hinge", {}, signs, real),
    ("squared_hinge", {}, bits, real),
    ("categorical_crossentropy", {}, one_hot, distributions),
    ("categorical_crossentropy", {}, distributions, distributions),
    ("categorical_crossentropy", {"from_logits": True}, one_hot, real),
    (SPARSE, {}, labels, distributions),
    (SPARSE, {"from_logits": True}, labels, real),
    ("kl_divergence", {}, distributions, distributions),
]


def test_random_cases_cover_every_reference_loss():
    assert RANDOM_CASES
    assert {name for name, *_ in RANDOM_CASES} == set(REFERENCE_LOSSES)


def case_id(case):
    name, kwargs, draw_true, draw_pred = case
    return "-".join([name, draw_true.__name__, draw_pred.__name__] + [f"{k}={v}" for k, v in kwargs.items()])


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize(
    ("name", "kwargs", "draw_true", "draw_pred"), RANDOM_CASES, ids=[case_id(case) for case in RANDOM_CASES]
)
def test_matches_keras_on_random_inputs(name, kwargs, draw_true, draw_pred, shape):
    rng = np.random.default_rng(0)
    # Round to float32 first, so that both implementations see exactly the same numbers.
    y_true = draw_true(rng, shape).astype(np.float32)
    y_pred = draw_pred(rng, shape).astype(np.float32)
    ours = REFERENCE_LOSSES[name](y_true, y_pred, **kwargs)
    assert np.shape(ours) == shape[:-1]
    if len(shape) == 1:
        assert isinstance(ours, float)
    np.testing.assert_allclose(ours, keras_loss(name, y_true, y_pred, **kwargs), rtol=RTOL, atol=ATOL)


# Perfect predictions. A loss need not be 0 there: the clipped crossentropies cost about EPSILON, and the
# Poisson loss is smallest, not zero, at y_pred == y_true.

REGRESSION_TARGETS = np.array([[4.0, 8.0, 12.0], [8.0, 1.0, 3.0]])
ONE_HOT = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
ONE_HOT_LOGITS = np.where(ONE_HOT == 1, 1e4, -1e4)
SIGNS = np.array([[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]])

PERFECT_CASES = [
    ("mean_squared_error", {}, REGRESSION_TARGETS, REGRESSION_TARGETS, [0.0, 0.0]),
    ("mean_absolute_error", {}, REGRESSION_TARGETS, REGRESSION_TARGETS, [0.0, 0.0]),
    ("mean_squared_logarithmic_error", {}, REGRESSION_TARGETS, REGRESSION_TARGETS, [0.0, 0.0]),
    ("mean_absolute_percentage_error", {}, REGRESSION_TARGETS, REGRESSION_TARGETS, [0.0, 0.0]),
    ("huber", {}, REGRESSION_TARGETS, REGRESSION_TARGETS, [0.0, 0.0]),
    ("log_cosh", {}, REGRESSION_TARGETS, REGRESSION_TARGETS, [0.0, 0.0]),
    ("poisson", {}, REGRESSION_TARGETS, REGRESSION_TARGETS,
     np.mean(REGRESSION_TARGETS - REGRESSION_TARGETS * np.log(REGRESSION_TARGETS + EPSILON), axis=-1)),
    ("binary_crossentropy", {}, ONE_HOT, ONE_HOT, [-np.log1p(-EPSILON)] * 2),
    ("binary_crossentropy", {"from_logits": True}, ONE_HOT, ONE_HOT_LOGITS, [0.0, 0.0]),
    ("hinge", {}, SIGNS, SIGNS, [0.0, 0.0]),
    ("hinge", {}, (SIGNS + 1) / 2, SIGNS, [0.0, 0.0]),  # {0, 1} labels are read as {-1, 1}
    ("squared_hinge", {}, SIGNS, SIGNS, [0.0, 0.0]),
    ("categorical_crossentropy", {}, ONE_HOT, ONE_HOT, [-np.log1p(-EPSILON)] * 2),
    ("categorical_crossentropy", {"from_logits": True}, ONE_HOT, ONE_HOT_LOGITS, [0.0, 0.0]),
    # Clipped to [EPSILON, 1 - EPSILON], then rescaled: -log((1 - eps) / (1 - eps + 2 * eps)) for k = 3.
    (SPARSE, {}, [1, 0], ONE_HOT, [np.log1p(EPSILON) - np.log1p(-EPSILON)] * 2),
    (SPARSE, {"from_logits": True}, [1, 0], ONE_HOT_LOGITS, [0.0, 0.0]),
    ("kl_divergence", {}, ONE_HOT, ONE_HOT, [0.0, 0.0]),
]


def test_perfect_cases_cover_every_reference_loss():
    assert {name for name, *_ in PERFECT_CASES} == set(REFERENCE_LOSSES)


@pytest.mark.parametrize(("name", "kwargs", "y_true", "y_pred", "expected"), PERFECT_CASES)
def test_perfect_prediction(name, kwargs, y_true, y_pred, expected):
    ours = REFERENCE_LOSSES[name](y_true, y_pred, **kwargs)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)


def test_poisson_is_smallest_at_the_truth():
    y_true = REGRESSION_TARGETS
    best = REFERENCE_LOSSES["poisson"](y_true, y_true)
    for factor in (0.9, 1.1):
        assert np.all(best < REFERENCE_LOSSES["poisson"](y_true, factor * y_true))


# Hand-computed constants: Keras's own test inputs where it has them. Keras must agree too, since the
# book quotes these values as facts about Keras.

Y_TRUE = [[1.0, 9.0, 2.0], [-5.0, -2.0, 6.0]]
Y_PRED = [[4.0, 8.0, 12.0], [8.0, 1.0, 3.0]]

HAND_COMPUTED = [
    # errors (-3, 1, -10) and (-13, -3, 3)
    ("mean_squared_error", {}, Y_TRUE, Y_PRED, [110 / 3, 187 / 3]),  # mean 49.5
    ("mean_absolute_error", {}, Y_TRUE, Y_PRED, [14 / 3, 19 / 3]),  # mean 5.5
    # 100 * mean(3/1, 1/9, 10/2) and 100 * mean(13/5, 3/2, 3/6)
    ("mean_absolute_percentage_error", {}, Y_TRUE, Y_PRED, [100 * (3 + 1 / 9 + 5) / 3, 100 * 4.6 / 3]),
    # 1 + y doubles in every entry: each term is log(2) ** 2
    ("mean_squared_logarithmic_error", {}, [[1.0, 3.0, 7.0]], [[3.0, 7.0, 15.0]], [np.log(2) ** 2]),
    # errors (0.6, -0.6) and (0.4, 0.6), all within delta = 1: mean of 0.5 * error**2
    ("huber", {}, [[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]], [0.18, 0.13]),
    # errors 0.5 (quadratic: 0.125) and 2 (linear: 2 - 0.5)
    ("huber", {}, [[0.0, 0.0]], [[0.5, 2.0]], [(0.125 + 1.5) / 2]),
    # errors 0.5 and 2 with delta = 0.5: 0.5 * 0.25 and 0.5 * 2 - 0.125
    ("huber", {"delta": 0.5}, [[0.0, 0.0]], [[0.5, 2.0]], [(0.125 + 0.875) / 2]),
    ("log_cosh", {}, [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]], [np.log(np.cosh(1.0)) / 2, 0.0]),
    # mean(1 - 1 * log(1), 2 - 2 * log(2)), up to EPSILON inside the logarithm
    ("poisson", {}, [[1.0, 2.0]], [[1.0, 2.0]], [(1 + 2 - 2 * np.log(2)) / 2]),
    # mean(-log(0.4), -log(0.4)) and mean(-log(0.6), -log(0.4))
    ("binary_crossentropy", {}, [[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]],
     [-np.log(0.4), -(np.log(0.6) + np.log(0.4)) / 2]),
    # logit 0 is probability 1/2 whatever the label; logit log(3) is probability 3/4
    ("binary_crossentropy", {"from_logits": True}, [[0.0, 1.0], [1.0, 0.0]],
     [[0.0, 0.0], [np.log(3), np.log(3)]], [np.log(2), -(np.log(0.75) + np.log(0.25)) / 2]),
    # labels [0, 1, 1] are read as [-1, 1, 1]: mean(1.5, 0.5, 1.5)
    ("hinge", {}, [[0.0, 1.0, 1.0]], [[0.5, 0.5, -0.5]], [3.5 / 3]),
    ("hinge", {}, [[-1.0, 1.0, 1.0]], [[0.5, 0.5, -0.5]], [3.5 / 3]),
    ("squared_hinge", {}, [[0.0, 1.0, 1.0]], [[0.5, 0.5, -0.5]], [(2.25 + 0.25 + 2.25) / 3]),
    ("squared_hinge", {}, [[-1.0, 1.0, 1.0]], [[0.5, 0.5, -0.5]], [(2.25 + 0.25 + 2.25) / 3]),
    ("categorical_crossentropy", {}, [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]],
     [-np.log(0.95), -np.log(0.1)]),
    # unnormalised scores are rescaled to sum 1: [2, 6] is [0.25, 0.75]
    ("categorical_crossentropy", {}, [[0.0, 1.0]], [[2.0, 6.0]], [-np.log(0.75)]),
    # softmax of logits [0, log 3] is [1/4, 3/4]
    ("categorical_crossentropy", {"from_logits": True}, [[0.0, 1.0]], [[0.0, np.log(3)]], [-np.log(0.75)]),
    (SPARSE, {}, [1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]], [-np.log(0.95), -np.log(0.1)]),
    (SPARSE, {"from_logits": True}, [1], [[0.0, np.log(3)]], [-np.log(0.75)]),
    # 0.5 * log(0.5 / 0.25) + 0.5 * log(0.5 / 0.75) = 0.5 * log(4 / 3)
    ("kl_divergence", {}, [[0.5, 0.5]], [[0.25, 0.75]], [0.5 * np.log(4 / 3)]),
]


def test_hand_computed_cases_cover_every_reference_loss():
    assert {name for name, *_ in HAND_COMPUTED} == set(REFERENCE_LOSSES)


def test_mean_squared_error_of_keras_example_is_49_5():
    assert np.mean(REFERENCE_LOSSES["mean_squared_error"](Y_TRUE, Y_PRED)) == pytest.approx(49.5, rel=1e-12)


@pytest.mark.parametrize(("name", "kwargs", "y_true", "y_pred", "expected"), HAND_COMPUTED)
def test_hand_computed_per_sample_values(name, kwargs, y_true, y_pred, expected):
    # EPSILON enters some of these (clipping, Poisson's log), hence the absolute tolerance.
    ours = REFERENCE_LOSSES[name](y_true, y_pred, **kwargs)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(keras_loss(name, y_true, y_pred, **kwargs), expected, rtol=RTOL, atol=ATOL)


# Edges of the domains, against Keras. Keras gets float64 here: in float32, 1 - EPSILON rounds to
# 1 - 2**-23, which changes -log(1 - p) at p = 1 (see test_keras_float32_rounds_the_upper_clip).

EDGE_CASES = [
    # probabilities exactly 0 and 1, right and wrong
    ("binary_crossentropy", {}, [[0.0, 0.0, 1.0, 1.0]], [[0.0, 1.0, 0.0, 1.0]]),
    ("categorical_crossentropy", {}, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]),
    (SPARSE, {}, [0, 1], [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]),
    (SPARSE, {}, [0, 1], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
    ("kl_divergence", {}, [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]], [[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]]),
    # zero targets: MAPE divides by EPSILON
    ("mean_absolute_percentage_error", {}, [[0.0, 0.0, 2.0], [0.0, -1.0, 1.0]],
     [[0.0, 1.0, 1.0], [-3.0, 0.0, 1.0]]),
    # zero and negative values: MSLE replaces both by EPSILON
    ("mean_squared_logarithmic_error", {}, [[0.0, -5.0, 3.0, -1.0]], [[-2.0, 0.0, 0.0, 3.0]]),
    ("mean_squared_logarithmic_error", {}, [[-5.0]], [[0.0]]),
    # zero rates and zero counts
    ("poisson", {}, [[0.0, 3.0, 0.0]], [[0.0, 0.0, 2.0]]),
    # errors exactly at delta
    ("huber", {}, [[0.0, 0.0, 0.0]], [[1.0, -1.0, 0.0]]),
    ("huber", {"delta": 2.0}, [[0.0, 0.0, 0.0]], [[2.0, -2.0, 3.0]]),
    # {0, 1} labels, {-1, 1} labels, and a mix, where the 0 is not converted (whole-array rule)
    ("hinge", {}, [[0.0, 1.0], [1.0, 0.0]], [[0.3, -0.2], [2.0, -1.5]]),
    ("hinge", {}, [[-1.0, 1.0], [1.0, -1.0]], [[0.3, -0.2], [2.0, -1.5]]),
    ("hinge", {}, [[0.0, 1.0], [1.0, -1.0]], [[0.3, -0.2], [2.0, -1.5]]),
    ("squared_hinge", {}, [[0.0, 1.0], [1.0, 0.0]], [[0.3, -0.2], [2.0, -1.5]]),
    ("squared_hinge", {}, [[-1.0, 1.0], [1.0, -1.0]], [[0.3, -0.2], [2.0, -1.5]]),
    ("squared_hinge", {}, [[0.0, 1.0], [1.0, -1.0]], [[0.3, -0.2], [2.0, -1.5]]),
]


@pytest.mark.parametrize(("name", "kwargs", "y_true", "y_pred"), EDGE_CASES)
def test_matches_keras_at_the_edges(name, kwargs, y_true, y_pred):
    ours = REFERENCE_LOSSES[name](y_true, y_pred, **kwargs)
    theirs = keras_loss(name, y_true, y_pred, dtype="float64", **kwargs)
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)


def test_msle_treats_negative_values_as_zero():
    assert REFERENCE_LOSSES["mean_squared_logarithmic_error"]([-5.0, 3.0], [0.0, 3.0]) == 0.0


def test_kl_divergence_clips_zero_targets_to_epsilon():
    # The 0 in y_true becomes EPSILON and contributes EPSILON * log(EPSILON / 0.5), not 0 log 0 = 0.
    expected = np.log(2) + EPSILON * np.log(2 * EPSILON)
    assert REFERENCE_LOSSES["kl_divergence"]([0.0, 1.0], [0.5, 0.5]) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(keras_loss("kl_divergence", [0.0, 1.0], [0.5, 0.5], dtype="float64"), expected)


def test_mape_of_a_zero_target_divides_by_epsilon():
    assert REFERENCE_LOSSES["mean_absolute_percentage_error"]([0.0], [1.0]) == pytest.approx(100 / EPSILON)


@pytest.mark.parametrize("name", ["hinge", "squared_hinge"])
def test_hinge_converts_binary_labels_for_the_whole_array_at_once(name):
    loss = REFERENCE_LOSSES[name]
    y_pred = [[0.5, 0.5], [0.5, 0.5]]
    alone = loss([[0.0, 1.0]], y_pred[:1])  # 0 read as -1: terms 1.5 and 0.5
    beside_a_minus_one = loss([[0.0, 1.0], [-1.0, 1.0]], y_pred)  # 0 kept as 0: terms 1 and 0.5
    assert alone[0] != beside_a_minus_one[0]
    for y_true, ours in (([[0.0, 1.0]], alone), ([[0.0, 1.0], [-1.0, 1.0]], beside_a_minus_one)):
        theirs = keras_loss(name, y_true, y_pred[: len(y_true)])
        np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)


def test_keras_float32_rounds_the_upper_clip():
    # A confident wrong prediction: -log(EPSILON) here and in Keras's float64, -log(2**-23) in its float32.
    y_true, y_pred = [[0.0]], [[1.0]]
    name = "binary_crossentropy"
    np.testing.assert_allclose(REFERENCE_LOSSES[name](y_true, y_pred), [-np.log(EPSILON)])
    np.testing.assert_allclose(keras_loss(name, y_true, y_pred, dtype="float64"), [-np.log(EPSILON)])
    np.testing.assert_allclose(keras_loss(name, y_true, y_pred), [23 * np.log(2)], rtol=RTOL)


# Saturation: huge logits and huge errors stay finite.

SATURATED_CASES = [
    ("binary_crossentropy", {"from_logits": True}, [[0.0, 1.0, 1.0, 0.0]], [[1e4, -1e4, 1e4, -1e4]], [5e3]),
    ("categorical_crossentropy", {"from_logits": True}, [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]],
     [[1e4, -1e4, 0.0], [1e4, -1e4, 0.0]], [2e4, 0.0]),
    (SPARSE, {"from_logits": True}, [1, 0], [[1e4, -1e4, 0.0], [1e4, -1e4, 0.0]], [2e4, 0.0]),
    ("log_cosh", {}, [[0.0, 0.0]], [[1e4, -1e4]], [1e4 - np.log(2)]),
]


@pytest.mark.parametrize(("name", "kwargs", "y_true", "y_pred", "expected"), SATURATED_CASES)
def test_saturated_inputs_stay_finite_and_match_keras(name, kwargs, y_true, y_pred, expected):
    ours = REFERENCE_LOSSES[name](y_true, y_pred, **kwargs)
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours, expected, rtol=1e-12)
    theirs = keras_loss(name, y_true, y_pred, **kwargs)
    assert np.all(np.isfinite(theirs))
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)


# Errors

DENSE_NAMES = [name for name in REFERENCE_LOSSES if name != SPARSE]


def test_dense_names_are_all_but_sparse():
    assert len(DENSE_NAMES) == len(REFERENCE_LOSSES) - 1


@pytest.mark.parametrize("name", DENSE_NAMES)
def test_column_against_vector_raises_instead_of_broadcasting(name):
    column, vector = np.full((4, 1), 0.5), np.full(4, 0.5)
    with pytest.raises(ValueError, match=r"y_true.shape=\(4, 1\) and y_pred.shape=\(4,\)"):
        REFERENCE_LOSSES[name](column, vector)
    with pytest.raises(ValueError, match=r"y_true.shape=\(4,\) and y_pred.shape=\(4, 1\)"):
        REFERENCE_LOSSES[name](vector, column)


@pytest.mark.parametrize(
    ("y_true_shape", "y_pred_shape"), [((5,), (4, 3)), ((4, 3), (4, 3)), ((4, 2), (4, 3)), ((1, 4), (4, 3))]
)
def test_sparse_labels_of_the_wrong_shape_raise(y_true_shape, y_pred_shape):
    with pytest.raises(ValueError, match=r"y_true.shape=.* and y_pred.shape=\(4, 3\)"):
        REFERENCE_LOSSES[SPARSE](np.zeros(y_true_shape), np.full(y_pred_shape, 1 / 3))


def test_sparse_labels_may_have_a_trailing_axis_of_one():
    y_pred = np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])
    sparse = REFERENCE_LOSSES[SPARSE]
    np.testing.assert_array_equal(sparse([[1], [2]], y_pred), sparse([1, 2], y_pred))


@pytest.mark.parametrize("label", [-1, 3, 1.5])
@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_labels_out_of_range_or_not_integers_raise(label, from_logits):
    with pytest.raises(ValueError, match=r"integer class labels in \[0, 3\)"):
        REFERENCE_LOSSES[SPARSE]([0, label], [[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]], from_logits=from_logits)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("name", list(REFERENCE_LOSSES))
def test_non_finite_inputs_raise(name, bad):
    y_true = [1, 0] if name == SPARSE else [[1.0, 0.0], [0.0, 1.0]]
    with pytest.raises(ValueError, match="y_pred contains NaN or infinite values"):
        REFERENCE_LOSSES[name](y_true, [[0.5, 0.5], [bad, 0.5]])
    if name != SPARSE:
        with pytest.raises(ValueError, match="y_true contains NaN or infinite values"):
            REFERENCE_LOSSES[name]([[0.5, 0.5], [bad, 0.5]], [[0.5, 0.5], [0.5, 0.5]])


DOMAIN_ERRORS = [
    ("binary_crossentropy", {}, [[1.0]], [[1.5]], r"y_pred must be in \[0, 1\]; got 1.5. If these are logit"),
    ("binary_crossentropy", {}, [[1.0]], [[-2.0]], r"y_pred must be in \[0, 1\]"),
    ("binary_crossentropy", {"from_logits": True}, [[2.0]], [[0.5]], r"y_true must be in \[0, 1\]"),
    ("categorical_crossentropy", {}, [[1.0, 0.0]], [[1.5, -0.5]], r"y_pred must be >= 0; got -0.5"),
    ("categorical_crossentropy", {}, [[1.0, 0.0]], [[0.0, 0.0]], r"all 0"),
    (SPARSE, {}, [0], [[1.5, 0.5]], r"y_pred must be in \[0, 1\]"),
    ("kl_divergence", {}, [[1.0, 0.0]], [[1.2, -0.2]], r"y_pred must be in \[0, 1\]"),
    ("poisson", {}, [[1.0]], [[-0.5]], r"y_pred must be >= 0; got -0.5. Poisson rates"),
    ("huber", {"delta": 0.0}, [[1.0]], [[0.5]], r"delta must be a finite positive number"),
    ("huber", {"delta": -1.0}, [[1.0]], [[0.5]], r"delta must be a finite positive number"),
    ("huber", {"delta": np.nan}, [[1.0]], [[0.5]], r"delta must be a finite positive number"),
    ("mean_squared_error", {}, 1.0, 1.0, r"scalar"),
    ("mean_squared_error", {}, np.zeros((2, 0)), np.zeros((2, 0)), r"last axis is empty"),
    (SPARSE, {}, 0, np.zeros((0,)), r"no classes"),
]


@pytest.mark.parametrize(("name", "kwargs", "y_true", "y_pred", "match"), DOMAIN_ERRORS)
def test_inputs_outside_the_domain_raise(name, kwargs, y_true, y_pred, match):
    with pytest.raises(ValueError, match=match):
        REFERENCE_LOSSES[name](y_true, y_pred, **kwargs)


# ------------------------------------------------- generalized_cross_entropy (Zhang & Sabuncu 2018)

from companion.losses import categorical_crossentropy, generalized_cross_entropy, mean_absolute_error  # noqa: E402


def _gce_inputs(seed=0, n=50, k=5):
    rng = np.random.default_rng(seed)
    y_pred = rng.dirichlet(np.ones(k), size=n)
    y_true = np.eye(k)[rng.integers(0, k, size=n)]
    return y_true, y_pred


def test_gce_tends_to_the_cross_entropy_as_q_goes_to_zero():
    y_true, y_pred = _gce_inputs()
    soft = 0.8 * y_true + 0.2 / y_true.shape[1]  # soft targets too: the target-weighted sum keeps the limit
    for target in (y_true, soft):
        np.testing.assert_allclose(generalized_cross_entropy(target, y_pred, q=1e-7),
                                   categorical_crossentropy(target, y_pred), rtol=1e-5)
    # and the limit is approached from below, monotonically: (1 - p**q)/q decreases in q
    values = [generalized_cross_entropy(y_true, y_pred, q=q) for q in (1e-4, 0.1, 0.5, 1.0)]
    assert all(np.all(a > b) for a, b in zip(values, values[1:]))


def test_gce_at_q_one_is_k_over_two_times_the_mae_on_probabilities():
    for k in (2, 3, 10):
        y_true, y_pred = _gce_inputs(seed=k, k=k)
        np.testing.assert_allclose(generalized_cross_entropy(y_true, y_pred, q=1.0),
                                   k / 2 * mean_absolute_error(y_true, y_pred), rtol=1e-9, atol=1e-6)


def test_gce_hand_values_and_bound():
    # (1 - 0.25**0.5) / 0.5 = 1.0, (1 - 0.64**0.5) / 0.5 = 0.4
    np.testing.assert_allclose(generalized_cross_entropy([[0, 1], [1, 0]], [[0.75, 0.25], [0.64, 0.36]], q=0.5),
                               [1.0, 0.4], rtol=1e-9)
    # unnormalised rows are rescaled first, as for the cross-entropy: [2, 6] is [0.25, 0.75]
    assert generalized_cross_entropy([0, 1], [2.0, 6.0], q=1.0) == pytest.approx(0.25)
    # a predicted 0 costs at most 1/q (the clip at EPSILON); a perfect prediction about EPSILON
    assert generalized_cross_entropy([1, 0], [0.0, 1.0], q=0.7) == pytest.approx((1 - EPSILON ** 0.7) / 0.7)
    assert generalized_cross_entropy([1, 0], [0.0, 1.0], q=0.7) < 1 / 0.7
    assert generalized_cross_entropy([1, 0], [1.0, 0.0], q=0.7) == pytest.approx(EPSILON, rel=1e-3)


@pytest.mark.parametrize(
    "y_true, y_pred, q, match",
    [
        ([[1.0, 0.0]], [[0.5, 0.5]], 0.0, r"q must be a number in \(0, 1\]"),
        ([[1.0, 0.0]], [[0.5, 0.5]], 1.5, r"q must be a number in \(0, 1\]"),
        ([[1.0, 0.0]], [[0.5, 0.5]], np.nan, r"q must be a number in \(0, 1\]"),
        ([[1.0, 0.0]], [[0.5, 0.5]], True, r"q must be a number in \(0, 1\]"),
        ([[1.0, 0.0]], [[2.0, -1.0]], 0.7, r"y_pred must be >= 0; got -1. Apply a softmax"),
        ([[1.0, 0.0]], [[0.0, 0.0]], 0.7, r"all 0"),
        ([1, 0], [[0.5, 0.5]], 0.7, r"same shape"),
        ([[2.0, 0.0]], [[0.5, 0.5]], 0.7, r"y_true must be in \[0, 1\]"),
    ],
)
def test_gce_rejects(y_true, y_pred, q, match):
    with pytest.raises(ValueError, match=match):
        generalized_cross_entropy(y_true, y_pred, q=q)


# ---------------------------------------------------------------- gaussian_nll and pinball (uncertainty chapter)

from scipy import stats  # noqa: E402

from companion.losses import gaussian_nll, pinball  # noqa: E402


def test_gaussian_nll_matches_scipy_logpdf():
    rng = np.random.default_rng(12)
    y, mean = rng.normal(size=(40, 3)), rng.normal(size=(40, 3))
    variance = rng.uniform(0.01, 5.0, size=(40, 3))
    expected = -stats.norm.logpdf(y, loc=mean, scale=np.sqrt(variance)).mean(axis=-1)
    np.testing.assert_allclose(gaussian_nll(y, mean, variance), expected, rtol=1e-12)
    assert gaussian_nll(y, mean, variance).shape == (40,)


def test_gaussian_nll_hand_computed_and_single_sample():
    # N(1, 4) at 3: 0.5 log(8 pi) + 4 / 8
    assert gaussian_nll([3.0], [1.0], [4.0]) == pytest.approx(0.5 * np.log(8 * np.pi) + 0.5, rel=1e-14)
    assert isinstance(gaussian_nll([3.0], [1.0], [4.0]), float)


def test_gaussian_nll_with_the_mean_squared_residual_as_variance_is_smallest():
    # For a fixed mean, the best constant variance is the mean squared residual.
    rng = np.random.default_rng(3)
    y, mean = rng.normal(size=(200, 1)), np.zeros((200, 1))
    best = np.mean(y ** 2)
    at_best = gaussian_nll(y, mean, np.full_like(y, best)).mean()
    for factor in (0.5, 0.9, 1.1, 2.0):
        assert gaussian_nll(y, mean, np.full_like(y, best * factor)).mean() > at_best


@pytest.mark.parametrize("variance", [0.0, -1.0])
def test_gaussian_nll_rejects_non_positive_variance(variance):
    with pytest.raises(ValueError, match="variance must be > 0"):
        gaussian_nll([[0.0], [1.0]], [[0.0], [1.0]], [[1.0], [variance]])


@pytest.mark.parametrize("args, match", [
    (([[0.0], [1.0]], [0.0, 1.0], [[1.0], [1.0]]), "same shape"),
    (([[0.0], [1.0]], [[0.0], [1.0]], [1.0, 1.0]), "variance must have the shape"),
    (([[np.nan]], [[0.0]], [[1.0]]), "NaN"),
])
def test_gaussian_nll_rejects_bad_shapes_and_values(args, match):
    with pytest.raises(ValueError, match=match):
        gaussian_nll(*args)


def test_pinball_reference_constants_and_median():
    assert pinball([1.0, 1.0], [0.0, 2.0], 0.9) == pytest.approx(0.5)
    rng = np.random.default_rng(5)
    y, p = rng.normal(size=(30, 4)), rng.normal(size=(30, 4))
    np.testing.assert_allclose(pinball(y, p, 0.5), 0.5 * np.mean(np.abs(y - p), axis=-1))
    # one level per column: the same as scoring each column with its level
    levels = np.array([0.05, 0.3, 0.7, 0.95])
    per_column = np.stack([pinball(y[:, [j]], p[:, [j]], q) for j, q in enumerate(levels)], axis=-1)
    np.testing.assert_allclose(pinball(y, p, levels), per_column.mean(axis=-1))


def test_pinball_expected_loss_is_smallest_at_the_true_quantile():
    y = np.random.default_rng(0).normal(size=(20000, 1))
    candidates = np.linspace(1.0, 2.0, 21)
    means = [pinball(y, np.full_like(y, c), 0.9).mean() for c in candidates]
    assert abs(candidates[int(np.argmin(means))] - stats.norm.ppf(0.9)) <= 0.05


@pytest.mark.parametrize("quantile, match", [(0.0, "strictly between"), (1.0, "strictly between"),
                                             ([0.1, 0.9], "one level per column")])
def test_pinball_reference_rejects_bad_levels(quantile, match):
    with pytest.raises(ValueError, match=match):
        pinball([[0.0, 1.0, 2.0]], [[0.0, 1.0, 2.0]], quantile)


# binary_focal_crossentropy (imbalanced-classes chapter): the NumPy reference against Keras.

FOCAL_SETTINGS = [
    {"gamma": 2.0},
    {"gamma": 0.5},
    {"gamma": 4.0, "alpha": 0.9},  # alpha without balancing: ignored by both
    {"gamma": 2.0, "apply_class_balancing": True},
    {"gamma": 2.0, "alpha": 0.9, "apply_class_balancing": True},
    {"gamma": 1.0, "alpha": 0.1, "apply_class_balancing": True},
]


@pytest.mark.parametrize("kwargs", FOCAL_SETTINGS)
@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("shape", [(9, 1), (5, 3)])
def test_binary_focal_crossentropy_matches_keras(kwargs, from_logits, shape):
    from companion.losses import binary_focal_crossentropy

    rng = np.random.default_rng(12)
    y_true = bits(rng, shape)
    # Logits within +-8: beyond about 16 Keras's float32 sigmoid saturates (see the docstring).
    y_pred = np.clip(real(rng, shape) * 2.0, -8.0, 8.0) if from_logits else probabilities(rng, shape)
    ours = binary_focal_crossentropy(y_true, y_pred, from_logits=from_logits, **kwargs)
    theirs = keras.ops.convert_to_numpy(keras.losses.binary_focal_crossentropy(
        y_true.astype("float32"), y_pred.astype("float32"), from_logits=from_logits, **kwargs))
    assert ours.shape == theirs.shape == shape[:-1]
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)
    # and through the class that model.compile takes, with its batch mean
    loss = keras.losses.BinaryFocalCrossentropy(from_logits=from_logits, **kwargs)
    assert float(loss(y_true.astype("float32"), y_pred.astype("float32"))) == pytest.approx(float(np.mean(ours)),
                                                                                            rel=1e-5, abs=1e-6)


def test_binary_focal_crossentropy_hand_computed():
    from companion.losses import binary_crossentropy, binary_focal_crossentropy

    # y = 1, p = 0.3: bce = -log 0.3, focal factor (1 - 0.3)**2 = 0.49; balanced with alpha 0.25: x 0.25
    assert binary_focal_crossentropy([1.0], [0.3]) == pytest.approx(0.49 * -np.log(0.3), rel=1e-12)
    assert binary_focal_crossentropy([1.0], [0.3], apply_class_balancing=True) == pytest.approx(
        0.25 * 0.49 * -np.log(0.3), rel=1e-12)
    # y = 0, p = 0.6: factor 0.6**gamma, class weight 1 - alpha
    assert binary_focal_crossentropy([0.0], [0.6], gamma=3.0, alpha=0.8, apply_class_balancing=True) == \
        pytest.approx(0.2 * 0.6**3 * -np.log(0.4), rel=1e-12)
    # gamma 0 without balancing is the binary cross-entropy, clipping included
    rng = np.random.default_rng(3)
    y, p = bits(rng, (20, 2)), probabilities(rng, (20, 2))
    p[0, 0] = 1.0 - y[0, 0]  # a confident mistake: clipped at -log(EPSILON)
    np.testing.assert_allclose(binary_focal_crossentropy(y, p, gamma=0.0), binary_crossentropy(y, p), rtol=1e-12)
    # logits: the same values as probabilities (away from the clip)
    x = real(rng, (20, 2))
    np.testing.assert_allclose(binary_focal_crossentropy(y, x, from_logits=True),
                               binary_focal_crossentropy(y, 1 / (1 + np.exp(-x))), rtol=1e-9)


def test_binary_focal_crossentropy_ignores_alpha_without_balancing():
    from companion.losses import binary_focal_crossentropy

    rng = np.random.default_rng(4)
    y, p = bits(rng, (30, 1)), probabilities(rng, (30, 1))
    plain = binary_focal_crossentropy(y, p, alpha=0.25)
    np.testing.assert_array_equal(plain, binary_focal_crossentropy(y, p, alpha=0.99))
    assert not np.allclose(plain, binary_focal_crossentropy(y, p, alpha=0.99, apply_class_balancing=True))
    # Keras too: alpha changes nothing until apply_class_balancing=True
    k = [keras.ops.convert_to_numpy(keras.losses.binary_focal_crossentropy(
        y.astype("float32"), p.astype("float32"), alpha=a)) for a in (0.25, 0.99)]
    np.testing.assert_array_equal(k[0], k[1])


def test_binary_focal_crossentropy_down_weights_easy_examples():
    from companion.losses import binary_crossentropy, binary_focal_crossentropy

    p = np.array([[0.95], [0.6], [0.2]])  # easy, medium and hard positives
    ratio = binary_focal_crossentropy(np.ones_like(p), p) / binary_crossentropy(np.ones_like(p), p)
    np.testing.assert_allclose(ratio, (1 - p[:, 0]) ** 2, rtol=1e-12)
    assert ratio[0] < ratio[1] < ratio[2]


@pytest.mark.parametrize("kwargs, match", [
    ({"gamma": -1.0}, "gamma must be"),
    ({"gamma": np.nan}, "gamma must be"),
    ({"alpha": 1.5}, "alpha must be"),
    ({"alpha": -0.1, "apply_class_balancing": True}, "alpha must be"),
])
def test_binary_focal_crossentropy_rejects_bad_parameters(kwargs, match):
    from companion.losses import binary_focal_crossentropy

    with pytest.raises(ValueError, match=match):
        binary_focal_crossentropy([[1.0]], [[0.5]], **kwargs)


@pytest.mark.parametrize("y_true, y_pred, kwargs, match", [
    ([[1.0, 0.0]], [[0.5]], {}, "same shape"),
    ([[1.0]], [[2.0]], {}, "from_logits=True"),
    ([[2.0]], [[0.5]], {}, "y_true must be in"),
    ([[1.0]], [[np.nan]], {"from_logits": True}, "NaN"),
])
def test_binary_focal_crossentropy_rejects_bad_inputs(y_true, y_pred, kwargs, match):
    from companion.losses import binary_focal_crossentropy

    with pytest.raises(ValueError, match=match):
        binary_focal_crossentropy(y_true, y_pred, **kwargs)


def test_pinball_mean_is_scikit_learns_mean_pinball_loss():
    from sklearn.metrics import mean_pinball_loss

    rng = np.random.default_rng(11)
    y, q = rng.normal(size=300), rng.normal(size=300)
    for level in (0.1, 0.5, 0.9):
        assert np.mean(pinball(y, q, level)) == pytest.approx(mean_pinball_loss(y, q, alpha=level), rel=1e-12)


# --- tweedie_deviance: the NumPy reference of companion.custom.TweedieDeviance (skewed_targets chapter).

from sklearn.metrics import mean_tweedie_deviance  # noqa: E402

from companion.losses import tweedie_deviance  # noqa: E402


@pytest.mark.parametrize("power", [1.0, 1.3, 1.5, 1.8, 2.0])
def test_tweedie_deviance_matches_sklearn(power):
    rng = np.random.default_rng(7)
    y = rng.gamma(2.0, 1.5, size=(40, 3))
    if power < 2:
        y[::4, 0] = 0.0
    mu = rng.gamma(2.0, 1.5, size=(40, 3))
    per_sample = tweedie_deviance(y, mu, power=power)
    assert per_sample.shape == (40,)
    np.testing.assert_allclose(per_sample.mean(), mean_tweedie_deviance(y.ravel(), mu.ravel(), power=power),
                               rtol=1e-12)
    assert tweedie_deviance(y[1], y[1], power=power) == pytest.approx(0.0, abs=1e-12)


def test_tweedie_deviance_hand_computed_cases():
    assert tweedie_deviance([1.0, 4.0], [2.0, 2.0], power=2) == pytest.approx(0.5)  # 2(log2 - 1/2) and 2(1 - log2)
    assert tweedie_deviance([0.0], [0.5], power=1) == pytest.approx(1.0)  # 2 mu at y = 0
    # p = 1.5 at y = 0: 2 mu**0.5 / 0.5 = 4 sqrt(mu)
    assert tweedie_deviance([0.0], [4.0], power=1.5) == pytest.approx(8.0)


def test_tweedie_deviance_refuses_bad_input():
    with pytest.raises(ValueError, match=r"power must be a number in \[1, 2\]"):
        tweedie_deviance([1.0], [1.0], power=3)
    with pytest.raises(ValueError, match=r"power must be a number in \[1, 2\]"):
        tweedie_deviance([1.0], [1.0], power=0)
    with pytest.raises(ValueError, match=r"y_true must be > 0 for the Gamma deviance \(power=2\)"):
        tweedie_deviance([0.0, 1.0], [1.0, 1.0], power=2)
    with pytest.raises(ValueError, match="y_true must be >= 0"):
        tweedie_deviance([-0.5], [1.0], power=1.5)
    with pytest.raises(ValueError, match="y_pred must be > 0"):
        tweedie_deviance([1.0], [0.0], power=1.5)
    with pytest.raises(ValueError, match="same shape"):
        tweedie_deviance([1.0, 2.0], [1.0], power=1.5)
