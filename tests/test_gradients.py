"""Tests for companion.gradients: every closed-form gradient against TensorFlow's automatic differentiation.

For each loss, ``tf.GradientTape`` differentiates ``reduce_sum(keras.losses.<name>(y_true, y_pred))`` with
respect to ``y_pred`` in float64, on seeded random inputs drawn away from kinks (``ŷ == y``, margin 1) and
clip boundaries (``ε``, ``1 - ε``). Some cases put predictions strictly *outside* a clip range on purpose, to
check that the gradient is 0 there. The kink conventions are checked separately, by hand.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from companion import gradients  # noqa: E402
from companion.gradients import CONDITIONS, FORMULAS, GRADIENTS, LOGITS  # noqa: E402
from companion.losses import EPSILON, REFERENCE_LOSSES  # noqa: E402
from random_inputs import bits, counts, distributions, labels, one_hot, positive, probabilities, real, signs  # noqa: E402

RTOL = 1e-5
ATOL = 1e-9
SHAPES = [(6,), (5, 3), (2, 4, 3)]
SPARSE = "sparse_categorical_crossentropy"


def tape_gradient(name, y_true, y_pred, **kwargs):
    """Return d/d(y_pred) of sum(keras.losses.<name>(y_true, y_pred)), computed by tf.GradientTape in float64."""
    y_true = tf.constant(y_true, dtype=tf.int64 if name == SPARSE else tf.float64)
    y_pred = tf.Variable(np.asarray(y_pred, dtype=np.float64))
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(getattr(keras.losses, name)(y_true, y_pred, **kwargs))
    return tape.gradient(total, y_pred).numpy()


# Seeded inputs. Targets are drawn by `draw_true(rng, shape)`; predictions by `draw_pred(rng, y_true)`, so a
# prediction can be kept a safe distance from the target or from the hinge's margin.


def away_from_zero(rng, shape):
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.2, 3.0, size=shape)


def off_target(rng, y_true, shape):
    """y_true plus an error of size 0.2 to 3 (never at the kink ŷ == y)."""
    return y_true + away_from_zero(rng, shape)


def any_real(rng, y_true, shape):
    return real(rng, shape)


def any_positive(rng, y_true, shape):
    return positive(rng, shape)


def positive_or_negative(rng, y_true, shape):
    """Sizes 0.1 to 5 of either sign: the negative ones are below MSLE's clip at ε, where the gradient is 0."""
    return signs(rng, shape) * positive(rng, shape)


def logits(rng, y_true, shape):
    return rng.normal(scale=3.0, size=shape)


def interior(rng, y_true, shape):
    """Probabilities in [0.01, 0.99], well inside [ε, 1 - ε]."""
    return rng.uniform(0.01, 0.99, size=shape)


def unnormalised(rng, y_true, shape):
    """Positive class scores that do not sum to 1, each a sizeable share of the total (nothing is clipped)."""
    return rng.uniform(0.2, 1.0, size=shape)


def with_exact_zeros_and_ones(rng, y_true, shape):
    """Interior probabilities with about a third of the entries set to exactly 0 or 1 (outside the clip)."""
    p = interior(rng, y_true, shape)
    return np.where(rng.uniform(size=shape) < 1 / 3, rng.integers(0, 2, size=shape).astype(float), p)


def with_a_zero(rng, y_true, shape):
    """Interior probabilities with the first entry of every sample set to exactly 0 (clipped)."""
    p = interior(rng, y_true, shape)
    p[..., 0] = 0.0
    return p


def off_margin(rng, y_true, shape):
    """Scores with y * ŷ at least 0.05 away from the hinge's margin 1 (labels ±1, or all 0/1)."""
    y = 2 * y_true - 1 if np.all((y_true == 0) | (y_true == 1)) else y_true
    violated = rng.uniform(size=shape) < 0.5
    margin = np.where(violated, rng.uniform(-2.0, 0.95, shape), rng.uniform(1.05, 3.0, shape))
    return margin * y


# (key of FORMULAS, keyword arguments, draw_true, draw_pred)
CASES = [
    ("mean_squared_error", {}, real, any_real),
    ("mean_absolute_error", {}, real, off_target),
    ("mean_squared_logarithmic_error", {}, positive, any_positive),
    ("mean_squared_logarithmic_error", {}, positive, positive_or_negative),
    ("mean_absolute_percentage_error", {}, away_from_zero, off_target),
    ("huber", {}, real, any_real),
    ("huber", {"delta": 0.5}, real, any_real),
    ("log_cosh", {}, real, any_real),
    ("poisson", {}, counts, any_positive),
    ("binary_crossentropy", {}, bits, interior),
    ("binary_crossentropy", {}, probabilities, interior),
    ("binary_crossentropy", {}, bits, with_exact_zeros_and_ones),
    ("binary_crossentropy" + LOGITS, {"from_logits": True}, probabilities, logits),
    ("hinge", {}, signs, off_margin),
    ("hinge", {}, bits, off_margin),
    ("squared_hinge", {}, signs, off_margin),
    ("squared_hinge", {}, bits, off_margin),
    ("categorical_crossentropy", {}, one_hot, unnormalised),
    ("categorical_crossentropy", {}, distributions, unnormalised),
    ("categorical_crossentropy", {}, one_hot, with_a_zero),
    ("categorical_crossentropy" + LOGITS, {"from_logits": True}, one_hot, logits),
    ("categorical_crossentropy" + LOGITS, {"from_logits": True}, distributions, logits),
    (SPARSE, {}, labels, interior),
    (SPARSE, {}, labels, with_a_zero),
    (SPARSE + LOGITS, {"from_logits": True}, labels, logits),
    ("kl_divergence", {}, distributions, unnormalised),
    ("kl_divergence", {}, one_hot, with_a_zero),
]


def test_cases_cover_every_formula_and_every_loss():
    keys = {key for key, *_ in CASES}
    assert keys == set(FORMULAS) == set(CONDITIONS)
    assert {key.removesuffix(LOGITS) for key in keys} == set(GRADIENTS) == set(REFERENCE_LOSSES)
    assert {key for key in keys if key.endswith(LOGITS)} == {
        "binary_crossentropy" + LOGITS, "categorical_crossentropy" + LOGITS, SPARSE + LOGITS}
    assert all(name.startswith(fn.__name__) for name, fn in GRADIENTS.items())


def case_id(case):
    key, kwargs, draw_true, draw_pred = case
    return "-".join([key.removesuffix(LOGITS), draw_true.__name__, draw_pred.__name__]
                    + [f"{k}={v}" for k, v in kwargs.items()])


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize(("key", "kwargs", "draw_true", "draw_pred"), CASES, ids=[case_id(c) for c in CASES])
def test_matches_gradient_tape(key, kwargs, draw_true, draw_pred, shape):
    name = key.removesuffix(LOGITS)
    rng = np.random.default_rng([CASES.index((key, kwargs, draw_true, draw_pred)), len(shape)])
    y_true = np.asarray(draw_true(rng, shape))  # class labels have shape shape[:-1]
    y_pred = draw_pred(rng, y_true, shape)
    ours = GRADIENTS[name](y_true, y_pred, **kwargs)
    assert isinstance(ours, np.ndarray) and ours.shape == np.shape(y_pred)
    expected = tape_gradient(name, y_true, y_pred, **kwargs)
    np.testing.assert_allclose(ours, expected, rtol=RTOL, atol=ATOL)
    assert np.any(ours != 0)


def test_clipped_entries_get_zero_gradient():
    # Both sides agree on the zeros above; here they are shown to be there at all.
    assert np.all(GRADIENTS["binary_crossentropy"]([[1.0, 0.0]], [[0.0, 1.0]]) == 0)
    assert GRADIENTS["mean_squared_logarithmic_error"]([[1.0]], [[-3.0]])[0, 0] == 0
    assert GRADIENTS["kl_divergence"]([[0.5, 0.5]], [[0.0, 0.5]])[0, 0] == 0
    assert GRADIENTS[SPARSE]([0], [[0.0, 0.5]])[0, 0] == 0


def test_kink_conventions():
    # sign(0) = 0 for the absolute and percentage errors.
    assert GRADIENTS["mean_absolute_error"]([[1.0, 2.0]], [[1.0, 3.0]]).tolist() == [[0.0, 0.5]]
    assert GRADIENTS["mean_absolute_percentage_error"]([[2.0]], [[2.0]]).tolist() == [[0.0]]
    # The hinge at margin exactly 1 takes the active side, -y / d.
    assert GRADIENTS["hinge"]([[1.0, -1.0]], [[1.0, -1.0]]).tolist() == [[-0.5, 0.5]]
    # The squared hinge and Huber are continuous at their joins.
    assert GRADIENTS["squared_hinge"]([[1.0]], [[1.0]]).tolist() == [[0.0]]
    assert GRADIENTS["huber"]([[0.0]], [[1.0]]).tolist() == [[1.0]]


def test_mean_squared_error_is_proportional_to_the_error_and_mae_is_not():
    y_true = np.zeros((1, 4))
    errors = np.array([[0.1, 1.0, 10.0, -100.0]])
    np.testing.assert_allclose(GRADIENTS["mean_squared_error"](y_true, errors), errors / 2)
    np.testing.assert_allclose(np.abs(GRADIENTS["mean_absolute_error"](y_true, errors)), 0.25)


@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy"])
def test_crossentropy_through_its_output_activation_is_prediction_minus_target(name):
    rng = np.random.default_rng(3)
    z = rng.normal(size=(4, 3))
    if name == "binary_crossentropy":
        y = bits(rng, z.shape)
        p = 1 / (1 + np.exp(-z))
        through_activation = GRADIENTS[name](y, p) * p * (1 - p)  # times the sigmoid's derivative
    else:
        y = one_hot(rng, z.shape)
        p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
        g = GRADIENTS[name](y, p)
        through_activation = p * (g - np.sum(g * p, axis=-1, keepdims=True))  # the softmax Jacobian
    d = z.shape[-1] if name == "binary_crossentropy" else 1
    np.testing.assert_allclose(through_activation, (p - y) / d, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(GRADIENTS[name](y, z, from_logits=True), (p - y) / d, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    ("name", "y_true", "y_pred", "kwargs", "message"),
    [
        ("mean_squared_error", [[1.0, 2.0]], [[1.0], [2.0]], {}, "same shape"),
        ("binary_crossentropy", [[1.0]], [[3.0]], {}, "from_logits=True"),
        ("poisson", [[1.0]], [[-1.0]], {}, "cannot be negative"),
        (SPARSE, [3], [[0.2, 0.8]], {}, "integer class labels"),
        ("huber", [[1.0]], [[1.0]], {"delta": 0.0}, "delta"),
        ("kl_divergence", [[np.nan]], [[0.5]], {}, "NaN"),
    ],
)
def test_rejects_what_the_reference_loss_rejects(name, y_true, y_pred, kwargs, message):
    with pytest.raises(ValueError, match=message):
        REFERENCE_LOSSES[name](y_true, y_pred, **kwargs)
    with pytest.raises(ValueError, match=message):
        GRADIENTS[name](y_true, y_pred, **kwargs)


def test_formulas_are_latex_strings_without_table_pipes():
    for key, formula in FORMULAS.items():
        assert isinstance(formula, str) and formula, key
        assert "|" not in formula and "|" not in CONDITIONS[key], key  # they go into Markdown table cells
    assert gradients.FORMULAS is FORMULAS
