"""Closed-form gradients of Keras's built-in losses with respect to the prediction, in NumPy.

For every loss in :data:`companion.losses.REFERENCE_LOSSES` this module gives the derivative of the
per-sample loss ``L(y_true, y_pred)`` with respect to each entry of ``y_pred``. Each function keeps the
contract of its loss: it takes ``(y_true, y_pred)`` (and the loss's keyword arguments), validates them in
exactly the same way (the same ``ValueError`` for the same inputs), and returns an array of the same shape as
``y_pred``. Because a sample's loss depends on that sample only, the returned array is also the gradient of
the *sum* of the per-sample losses, which is what ``tf.GradientTape`` reports for
``reduce_sum(keras.losses.<name>(y_true, y_pred))``. Keras's default training loss is the *mean* over the
batch: divide by the batch size for that.

Notation, used in the docstrings and in :data:`FORMULAS`: ``y`` is ``y_true``, ``ŷ`` is ``y_pred``, ``d`` is
the length of the last axis (the number of outputs of a sample), ``z`` stands for ``y_pred`` when it holds
logits, ``ε`` is :data:`companion.losses.EPSILON`, and every formula is per entry.

Conventions where a loss is not differentiable, chosen to agree with TensorFlow's automatic differentiation:

- **Clipping.** Where a loss clips its input (probabilities to ``[ε, 1 - ε]``, MSLE's ``max(ŷ, ε)``, KL's
  ``[ε, 1]``), the gradient is the interior formula on the *closed* clip range and 0 strictly outside it:
  a clipped prediction does not move the loss.
- **Kinks.** ``sign(0) = 0``: mean absolute error and MAPE have gradient 0 where ``ŷ == y``. The hinge at
  margin exactly 1 (``y ŷ == 1``) takes the gradient of the active side, ``-y / d``. Any value between the
  two one-sided derivatives is a valid subgradient; these are the ones ``tf.GradientTape`` returns.

Huber, log-cosh, squared hinge and the from-logits crossentropies are differentiable everywhere.
"""

import numpy as np

from . import losses
from .losses import EPSILON

__all__ = [
    "FORMULAS",
    "CONDITIONS",
    "GRADIENTS",
    "mean_squared_error",
    "mean_absolute_error",
    "mean_squared_logarithmic_error",
    "mean_absolute_percentage_error",
    "huber",
    "log_cosh",
    "poisson",
    "binary_crossentropy",
    "hinge",
    "squared_hinge",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "kl_divergence",
]


def mean_squared_error(y_true, y_pred):
    """Gradient of the per-sample mean squared error with respect to ``y_pred``.

    Formula::

        dL/dŷ = 2 * (ŷ - y) / d

    The gradient is proportional to the error: a prediction twice as far off is pushed twice as hard.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets.
    y_pred : array_like of shape (..., d)
        Predictions, the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (..., d)
        ``∂L/∂ŷ`` for each entry, the same shape as ``y_pred``.

    Raises
    ------
    ValueError
        For the inputs that `companion.losses.mean_squared_error` rejects.

    Examples
    --------
    >>> mean_squared_error([[0.0, 0.0]], [[1.0, -3.0]])
    array([[ 1., -3.]])
    """
    y_true, y_pred = _pair(losses.mean_squared_error, y_true, y_pred)
    return 2.0 * (y_pred - y_true) / y_pred.shape[-1]


def mean_absolute_error(y_true, y_pred):
    """Gradient of the per-sample mean absolute error with respect to ``y_pred``.

    Formula::

        dL/dŷ = sign(ŷ - y) / d

    The magnitude is the same, ``1 / d``, however large or small the error. At ``ŷ == y`` the loss has a
    kink; this function returns 0 there (``sign(0) = 0``), as TensorFlow does.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets.
    y_pred : array_like of shape (..., d)
        Predictions, the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (..., d)
        ``∂L/∂ŷ`` for each entry, the same shape as ``y_pred``.

    Raises
    ------
    ValueError
        For the inputs that `companion.losses.mean_absolute_error` rejects.

    Examples
    --------
    >>> mean_absolute_error([[0.0, 0.0, 0.0]], [[0.1, -30.0, 0.0]])
    array([[ 0.33333333, -0.33333333,  0.        ]])
    """
    y_true, y_pred = _pair(losses.mean_absolute_error, y_true, y_pred)
    return np.sign(y_pred - y_true) / y_pred.shape[-1] + 0.0


def mean_squared_logarithmic_error(y_true, y_pred):
    """Gradient of the per-sample mean squared logarithmic error with respect to ``y_pred``.

    Formula::

        dL/dŷ = 2 * (log(1 + max(ŷ, ε)) - log(1 + max(y, ε))) / ((1 + ŷ) * d)   where ŷ >= ε
        dL/dŷ = 0                                                             where ŷ < ε

    The loss replaces predictions below ``ε`` (negative ones included) by ``ε``, so they get no gradient:
    a network whose output went negative is not pulled back by this loss.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets; meant to be non-negative.
    y_pred : array_like of shape (..., d)
        Predictions, the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (..., d)
        ``∂L/∂ŷ`` for each entry, the same shape as ``y_pred``.

    Raises
    ------
    ValueError
        For the inputs that `companion.losses.mean_squared_logarithmic_error` rejects.

    Examples
    --------
    ``1 + ŷ = e * (1 + y)`` gives a log-ratio of 1; a negative prediction gets 0:

    >>> mean_squared_logarithmic_error([[0.0, 1.0]], [[np.e - 1, -2.0]]).round(6)
    array([[0.367879, 0.      ]])
    """
    y_true, y_pred = _pair(losses.mean_squared_logarithmic_error, y_true, y_pred)
    inside = y_pred >= EPSILON
    p = np.maximum(y_pred, EPSILON)
    log_ratio = np.log1p(p) - np.log1p(np.maximum(y_true, EPSILON))
    return np.where(inside, 2.0 * log_ratio / ((1.0 + p) * y_pred.shape[-1]), 0.0)


def mean_absolute_percentage_error(y_true, y_pred):
    """Gradient of the per-sample mean absolute percentage error with respect to ``y_pred``.

    Formula::

        dL/dŷ = 100 * sign(ŷ - y) / (max(|y|, ε) * d)

    Like the absolute error, the magnitude does not depend on the size of the error, but it is divided by the
    size of the target: small targets get huge gradients (``1e9 / d`` for a zero target). At ``ŷ == y`` the
    function returns 0 (``sign(0) = 0``), as TensorFlow does.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets.
    y_pred : array_like of shape (..., d)
        Predictions, the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (..., d)
        ``∂L/∂ŷ`` for each entry, in percent per unit of ``ŷ``; the same shape as ``y_pred``.

    Raises
    ------
    ValueError
        For the inputs that `companion.losses.mean_absolute_percentage_error` rejects.

    Examples
    --------
    >>> mean_absolute_percentage_error([[2.0, -4.0]], [[3.0, 0.0]])
    array([[25. , 12.5]])
    """
    y_true, y_pred = _pair(losses.mean_absolute_percentage_error, y_true, y_pred)
    scale = np.maximum(np.abs(y_true), EPSILON)
    return 100.0 * np.sign(y_pred - y_true) / (scale * y_pred.shape[-1]) + 0.0


def huber(y_true, y_pred, delta=1.0):
    """Gradient of the per-sample Huber loss with respect to ``y_pred``.

    Formula::

        dL/dŷ = clip(ŷ - y, -delta, delta) / d

    The error itself (like half the squared error) while it is at most ``delta`` in size, then a constant
    ``± delta`` (like the absolute error, scaled): the gradient is continuous, so there is no kink.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets.
    y_pred : array_like of shape (..., d)
        Predictions, the same shape as ``y_true``.
    delta : float, default=1.0
        The error size at which the loss turns from quadratic to linear; must be positive.

    Returns
    -------
    ndarray of shape (..., d)
        ``∂L/∂ŷ`` for each entry, the same shape as ``y_pred``.

    Raises
    ------
    ValueError
        For the inputs that `companion.losses.huber` rejects.

    Examples
    --------
    >>> huber([[0.0, 0.0]], [[0.5, 3.0]])
    array([[0.25, 0.5 ]])
    """
    y_true, y_pred = _pair(losses.huber, y_true, y_pred, delta=delta)
    delta = float(delta)
    return np.clip(y_pred - y_true, -delta, delta) / y_pred.shape[-1]


def log_cosh(y_true, y_pred):
    """Gradient of the per-sample log-cosh loss with respect to ``y_pred``.

    Formula::

        dL/dŷ = tanh(ŷ - y) / d

    Close to the error for small errors (``tanh(x) ≈ x``) and to ``sign(ŷ - y) / d`` for large ones: a
    smooth Huber loss with ``delta = 1``.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets.
    y_pred : array_like of shape (..., d)
        Predictions, the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (..., d)
        ``∂L/∂ŷ`` for each entry, the same shape as ``y_pred``.

    Raises
    ------
    ValueError
        For the inputs that `companion.losses.log_cosh` rejects.

    Examples
    --------
    >>> log_cosh([[0.0]], [[1e4]])
    array([[1.]])
    """
    y_true, y_pred = _pair(losses.log_cosh, y_true, y_pred)
    return np.tanh(y_pred - y_true) / y_pred.shape[-1]


def poisson(y_true, y_pred):
    """Gradient of the per-sample Poisson loss with respect to ``y_pred``.

    Formula::

        dL/dŷ = (1 - y / (ŷ + ε)) / d

    Zero at ``ŷ = y - ε``, the rate that fits the count (up to ``ε``); very negative for rates far below a
    positive count.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Observed counts.
    y_pred : array_like of shape (..., d)
        Predicted rates, non-negative, the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (..., d)
        ``∂L/∂ŷ`` for each entry, the same shape as ``y_pred``.

    Raises
    ------
    ValueError
        For the inputs that `companion.losses.poisson` rejects (for example a negative rate).

    Examples
    --------
    >>> poisson([[2.0, 0.0]], [[1.0, 1.0]]).round(6)
    array([[-0.5,  0.5]])
    """
    y_true, y_pred = _pair(losses.poisson, y_true, y_pred)
    return (1.0 - y_true / (y_pred + EPSILON)) / y_pred.shape[-1]


def binary_crossentropy(y_true, y_pred, from_logits=False):
    """Gradient of the per-sample binary cross-entropy with respect to ``y_pred``.

    Formula::

        dL/dŷ = (ŷ - y) / (ŷ * (1 - ŷ) * d)   where ε <= ŷ <= 1 - ε, 0 outside     (probabilities)
        dL/dz = (sigmoid(z) - y) / d                                               (from_logits=True)

    For probabilities, the factor ``1 / (ŷ (1 - ŷ))`` is exactly ``1 / σ'(z)`` for ``ŷ = σ(z)``: chained
    through a sigmoid output unit, it cancels the sigmoid's derivative and leaves ``(ŷ - y) / d``, the
    from-logits form. Predictions outside the clip range ``[ε, 1 - ε]`` get gradient 0.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets in ``[0, 1]``.
    y_pred : array_like of shape (..., d)
        Predicted probabilities in ``[0, 1]``, or logits ``z`` if ``from_logits`` is true.
    from_logits : bool, default=False
        Whether ``y_pred`` holds logits rather than probabilities.

    Returns
    -------
    ndarray of shape (..., d)
        ``∂L/∂ŷ`` (or ``∂L/∂z``) for each entry, the same shape as ``y_pred``.

    Raises
    ------
    ValueError
        For the inputs that `companion.losses.binary_crossentropy` rejects.

    Examples
    --------
    >>> binary_crossentropy([[1.0, 0.0]], [[0.5, 0.8]])
    array([[-1. ,  2.5]])
    >>> binary_crossentropy([[1.0, 0.0]], [[0.0, 0.0]], from_logits=True)
    array([[-0.25,  0.25]])
    """
    y_true, y_pred = _pair(losses.binary_crossentropy, y_true, y_pred, from_logits=from_logits)
    d = y_pred.shape[-1]
    if from_logits:
        return (_sigmoid(y_pred) - y_true) / d
    inside = (y_pred >= EPSILON) & (y_pred <= 1.0 - EPSILON)
    p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
    return np.where(inside, (p - y_true) / (p * (1.0 - p) * d), 0.0)


def hinge(y_true, y_pred):
    """Gradient of the per-sample hinge loss with respect to ``y_pred``.

    Formula::

        dL/dŷ = -y / d   where y * ŷ <= 1
        dL/dŷ = 0        where y * ŷ > 1

    Labels are read as in `companion.losses.hinge`: if every label in ``y_true`` is 0 or 1 they are mapped
    to -1 and 1 first. A constant push toward the right side until the margin reaches 1, then nothing. At
    ``y * ŷ == 1`` exactly, the loss has a kink; this function returns the active side's ``-y / d``, as
    TensorFlow does.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Labels, -1 or 1 (or all 0 or 1).
    y_pred : array_like of shape (..., d)
        Predicted scores, the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (..., d)
        ``∂L/∂ŷ`` for each entry, the same shape as ``y_pred``.

    Raises
    ------
    ValueError
        For the inputs that `companion.losses.hinge` rejects.

    Examples
    --------
    >>> hinge([[-1.0, 1.0, 1.0]], [[0.5, 0.2, 3.0]])
    array([[ 0.33333333, -0.33333333,  0.        ]])
    """
    y_true, y_pred = _pair(losses.hinge, y_true, y_pred)
    y = _hinge_labels(y_true)
    return np.where(y * y_pred <= 1.0, -y / y_pred.shape[-1], 0.0) + 0.0


def squared_hinge(y_true, y_pred):
    """Gradient of the per-sample squared hinge loss with respect to ``y_pred``.

    Formula::

        dL/dŷ = -2 * y * max(1 - y * ŷ, 0) / d

    Labels are read as in `hinge`. Proportional to the margin violation, and continuous at margin 1.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Labels, -1 or 1 (or all 0 or 1).
    y_pred : array_like of shape (..., d)
        Predicted scores, the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (..., d)
        ``∂L/∂ŷ`` for each entry, the same shape as ``y_pred``.

    Raises
    ------
    ValueError
        For the inputs that `companion.losses.squared_hinge` rejects.

    Examples
    --------
    >>> squared_hinge([[-1.0, 1.0]], [[0.5, 3.0]])
    array([[1.5, 0. ]])
    """
    y_true, y_pred = _pair(losses.squared_hinge, y_true, y_pred)
    y = _hinge_labels(y_true)
    return -2.0 * y * np.maximum(1.0 - y * y_pred, 0.0) / y_pred.shape[-1] + 0.0


def categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Gradient of the per-sample categorical cross-entropy with respect to ``y_pred``.

    Formula::

        dL/dŷ_j = sum_k y_k / sum_k ŷ_k  -  y_j / ŷ_j      (probabilities, every q_j = ŷ_j / sum ŷ in [ε, 1-ε])
        dL/dz_j = softmax(z)_j * sum_k y_k  -  y_j          (from_logits=True)

    For one-hot targets and predictions that sum to 1, the first is ``1 - 1/ŷ_j`` for the true class and
    ``1`` for the others: the loss only looks at the true class, but the rescaling ``ŷ / sum(ŷ)`` spreads
    the gradient over every entry. The second is ``softmax(z) - y``: through a softmax output, the
    probabilities' gradient times the softmax Jacobian collapses to this difference. When some rescaled
    probability ``q_j`` lies outside ``[ε, 1 - ε]`` it is clipped and its term gets no gradient; the function
    applies the chain rule through the rescaling exactly in that case too.

    Parameters
    ----------
    y_true : array_like of shape (..., k)
        Target distributions, usually one-hot; entries in ``[0, 1]``.
    y_pred : array_like of shape (..., k)
        Predicted probabilities (non-negative, rescaled to sum 1), or logits ``z`` if ``from_logits`` is true.
    from_logits : bool, default=False
        Whether ``y_pred`` holds logits rather than probabilities.

    Returns
    -------
    ndarray of shape (..., k)
        ``∂L/∂ŷ`` (or ``∂L/∂z``) for each entry, the same shape as ``y_pred``.

    Raises
    ------
    ValueError
        For the inputs that `companion.losses.categorical_crossentropy` rejects.

    Examples
    --------
    >>> categorical_crossentropy([[0, 1, 0]], [[0.2, 0.5, 0.3]])
    array([[ 1., -1.,  1.]])
    >>> categorical_crossentropy([[0, 1, 0]], [[0.0, 0.0, 0.0]], from_logits=True).round(6)
    array([[ 0.333333, -0.666667,  0.333333]])
    """
    y_true, y_pred = _pair(losses.categorical_crossentropy, y_true, y_pred, from_logits=from_logits)
    if from_logits:
        return _softmax(y_pred) * np.sum(y_true, axis=-1, keepdims=True) - y_true
    total = np.sum(y_pred, axis=-1, keepdims=True)
    q = y_pred / total
    inside = (q >= EPSILON) & (q <= 1.0 - EPSILON)
    # dL/dq_j = -y_j / q_j inside the clip range, 0 outside; then through q = ŷ / sum(ŷ).
    dq = np.where(inside, -y_true / np.clip(q, EPSILON, 1.0), 0.0)
    return (dq - np.sum(dq * q, axis=-1, keepdims=True)) / total


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Gradient of the per-sample sparse categorical cross-entropy with respect to ``y_pred``.

    Formula, with ``[j = y]`` equal to 1 for the labelled class and 0 otherwise::

        dL/dŷ_j = 1 / sum_k ŷ_k  -  [j = y] / ŷ_j     (probabilities, where ε <= ŷ_j <= 1 - ε; 0 outside)
        dL/dz_j = softmax(z)_j  -  [j = y]              (from_logits=True)

    Keras clips each probability to ``[ε, 1 - ε]`` *before* rescaling (see
    `companion.losses.sparse_categorical_crossentropy`), so the sum in the first formula is over the clipped
    values and a clipped entry gets gradient 0.

    Parameters
    ----------
    y_true : array_like of shape (...) or (..., 1)
        Class labels, integers in ``[0, k)``.
    y_pred : array_like of shape (..., k)
        Predicted class probabilities in ``[0, 1]``, or logits ``z`` if ``from_logits`` is true.
    from_logits : bool, default=False
        Whether ``y_pred`` holds logits rather than probabilities.

    Returns
    -------
    ndarray of shape (..., k)
        ``∂L/∂ŷ`` (or ``∂L/∂z``) for each entry, the same shape as ``y_pred``.

    Raises
    ------
    ValueError
        For the inputs that `companion.losses.sparse_categorical_crossentropy` rejects.

    Examples
    --------
    >>> sparse_categorical_crossentropy([1], [[0.2, 0.5, 0.3]])
    array([[ 1., -1.,  1.]])
    >>> sparse_categorical_crossentropy([1], [[0.0, 0.0, 0.0]], from_logits=True).round(6)
    array([[ 0.333333, -0.666667,  0.333333]])
    """
    losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits)  # validates both
    y_pred = np.asarray(y_pred, dtype=np.float64)
    labels = np.asarray(y_true, dtype=np.float64).reshape(y_pred.shape[:-1]).astype(np.intp)
    one_hot = np.arange(y_pred.shape[-1]) == labels[..., np.newaxis]
    if from_logits:
        return _softmax(y_pred) - one_hot
    inside = (y_pred >= EPSILON) & (y_pred <= 1.0 - EPSILON)
    p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
    return np.where(inside, 1.0 / np.sum(p, axis=-1, keepdims=True) - one_hot / p, 0.0)


def kl_divergence(y_true, y_pred):
    """Gradient of the per-sample Kullback-Leibler divergence with respect to ``y_pred``.

    Formula::

        dL/dŷ = -max(y, ε) / ŷ   where ε <= ŷ <= 1, 0 outside

    Only the cross-entropy part ``-sum(y log ŷ)`` depends on ``ŷ``, so this is the gradient of
    `categorical_crossentropy` without the rescaling term: Keras's KL divergence does not rescale ``ŷ`` to
    sum 1. The target is clipped to ``[ε, 1]`` as in the loss.

    Parameters
    ----------
    y_true : array_like of shape (..., k)
        Target distributions, entries in ``[0, 1]``.
    y_pred : array_like of shape (..., k)
        Predicted distributions, entries in ``[0, 1]``; the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (..., k)
        ``∂L/∂ŷ`` for each entry, the same shape as ``y_pred``.

    Raises
    ------
    ValueError
        For the inputs that `companion.losses.kl_divergence` rejects.

    Examples
    --------
    >>> kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]).round(6)
    array([[-2.      , -0.666667]])
    """
    y_true, y_pred = _pair(losses.kl_divergence, y_true, y_pred)
    inside = y_pred >= EPSILON
    return np.where(inside, -np.clip(y_true, EPSILON, 1.0) / np.maximum(y_pred, EPSILON), 0.0)


GRADIENTS = {
    fn.__name__: fn
    for fn in (
        mean_squared_error,
        mean_absolute_error,
        mean_squared_logarithmic_error,
        mean_absolute_percentage_error,
        huber,
        log_cosh,
        poisson,
        binary_crossentropy,
        hinge,
        squared_hinge,
        categorical_crossentropy,
        sparse_categorical_crossentropy,
        kl_divergence,
    )
}
"""Each gradient under its loss's Keras name, the same keys as `companion.losses.REFERENCE_LOSSES`."""

LOGITS = " (from_logits=True)"
"""Suffix of the keys of :data:`FORMULAS` that give the from-logits form of a crossentropy."""

FORMULAS = {
    "mean_squared_error": r"\frac{2}{d}\,(\hat y - y)",
    "mean_absolute_error": r"\frac{1}{d}\,\operatorname{sign}(\hat y - y)",
    "mean_squared_logarithmic_error": r"\frac{2}{d}\,\frac{\ln(1 + \hat y) - \ln(1 + y)}{1 + \hat y}",
    "mean_absolute_percentage_error":
        r"\frac{100}{d}\,\frac{\operatorname{sign}(\hat y - y)}{\max(\lvert y \rvert, \epsilon)}",
    "huber": r"\frac{1}{d}\,\operatorname{clip}(\hat y - y, -\delta, \delta)",
    "log_cosh": r"\frac{1}{d}\,\tanh(\hat y - y)",
    "poisson": r"\frac{1}{d}\left(1 - \frac{y}{\hat y + \epsilon}\right)",
    "binary_crossentropy": r"\frac{1}{d}\,\frac{\hat y - y}{\hat y\,(1 - \hat y)}",
    "binary_crossentropy" + LOGITS: r"\frac{1}{d}\,(\sigma(z) - y)",
    "hinge": r"-\frac{1}{d}\,y\,[\,y \hat y \le 1\,]",
    "squared_hinge": r"-\frac{2}{d}\,y\,\max(1 - y \hat y, 0)",
    "categorical_crossentropy": r"\frac{\sum_k y_k}{\sum_k \hat y_k} - \frac{y_j}{\hat y_j}",
    "categorical_crossentropy" + LOGITS: r"\operatorname{softmax}(z)_j \sum_k y_k - y_j",
    "sparse_categorical_crossentropy": r"\frac{1}{\sum_k \hat y_k} - \frac{[\,j = y\,]}{\hat y_j}",
    "sparse_categorical_crossentropy" + LOGITS: r"\operatorname{softmax}(z)_j - [\,j = y\,]",
    "kl_divergence": r"-\frac{\max(y_j, \epsilon)}{\hat y_j}",
}
"""LaTeX for each gradient ``∂L/∂ŷ`` (``∂L/∂z`` for logits), keyed by loss name; from-logits forms end in
``LOGITS``. Per entry; ``[·]`` is 1 when the condition holds, else 0. Conditions in :data:`CONDITIONS`."""

CONDITIONS = {
    "mean_squared_error": "",
    "mean_absolute_error": r"$0$ at $\hat y = y$",
    "mean_squared_logarithmic_error": r"$\hat y \ge \epsilon$, else $0$; $y < \epsilon$ counts as $\epsilon$",
    "mean_absolute_percentage_error": r"$0$ at $\hat y = y$",
    "huber": "",
    "log_cosh": "",
    "poisson": "",
    "binary_crossentropy": r"$\epsilon \le \hat y \le 1 - \epsilon$, else $0$",
    "binary_crossentropy" + LOGITS: "",
    "hinge": r"$y$ mapped to $\pm 1$ if all labels are $0/1$",
    "squared_hinge": r"$y$ mapped to $\pm 1$ if all labels are $0/1$",
    "categorical_crossentropy": r"every $\hat y_j / \sum_k \hat y_k$ in $[\epsilon, 1 - \epsilon]$",
    "categorical_crossentropy" + LOGITS: r"one-hot $y$: $\operatorname{softmax}(z) - y$",
    "sparse_categorical_crossentropy": r"$\epsilon \le \hat y_j \le 1 - \epsilon$, else $0$",
    "sparse_categorical_crossentropy" + LOGITS: "",
    "kl_divergence": r"$\epsilon \le \hat y_j \le 1$, else $0$",
}
"""Where each formula of :data:`FORMULAS` holds, as Markdown with inline math ("" when everywhere)."""


def _pair(loss, y_true, y_pred, **kwargs):
    """Validate the inputs with the reference ``loss`` and return them as float64 arrays."""
    loss(y_true, y_pred, **kwargs)
    return np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)


def _hinge_labels(y_true):
    """Map labels to -1 and 1 if every label is 0 or 1, as `companion.losses.hinge` does."""
    if np.all((y_true == 0) | (y_true == 1)):
        return 2.0 * y_true - 1.0
    return y_true


def _sigmoid(z):
    """Logistic function, without overflow warnings for large ``|z|``."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softmax(z):
    """Softmax over the last axis, stable for any finite ``z``."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
