"""Reference implementations of Keras's built-in loss functions, in NumPy.

Each function keeps the contract of the Keras 3 function of the same name (``keras.losses.mean_squared_error``
and so on): it takes ``(y_true, y_pred)``, reduces over the last axis and returns one value per sample, an
array of shape ``y_pred.shape[:-1]``. Inputs of shape ``(d,)`` are a single sample and give a Python float.
Keras's clipping and its epsilon (`EPSILON`, the default of ``keras.backend.epsilon()``) are reproduced, so
the values agree with Keras call for call to float32 precision. The arithmetic here is float64 throughout.

These are references, so they are stricter than Keras. Where Keras would quietly reshape an input, return
NaN or clip a value that is outside the loss's domain, they raise ``ValueError`` instead:

- ``y_true`` and ``y_pred`` must have exactly the same shape; nothing is squeezed, expanded or broadcast.
  Given ``(n, 1)`` against ``(n,)``, Keras squeezes the pair for the regression losses and raises for the
  crossentropies, but ``poisson``, ``hinge``, ``squared_hinge`` and ``kl_divergence`` broadcast it to
  ``(n, n)`` and average the wrong numbers without warning.
  The one exception is `sparse_categorical_crossentropy`, whose integer labels have one axis fewer than
  ``y_pred``.
- NaN and infinite inputs are rejected.
- Probabilities must lie in ``[0, 1]``, because logits passed without ``from_logits=True`` are a common
  mistake that Keras's clipping hides. Poisson rates must be non-negative. Sparse labels must be integers in
  ``[0, k)``; Keras truncates a label of 1.7 to 1.
- ``label_smoothing``, ``axis`` and ``ignore_class`` are not supported.

Clipping that is part of a loss's definition is kept, as in Keras; for example, MSLE replaces negative values
by `EPSILON`.
"""

import numpy as np

from ._checks import numeric

__all__ = [
    "EPSILON",
    "REFERENCE_LOSSES",
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

EPSILON = 1e-7
"""The fuzz factor Keras uses for clipping and division, ``keras.backend.epsilon()`` by default."""

_LOGITS_HINT = " If these are logits, pass from_logits=True."


def mean_squared_error(y_true, y_pred):
    """Compute the mean squared error between targets and predictions, per sample.

    Formula::

        loss = mean(square(y_true - y_pred), axis=-1)

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets.
    y_pred : array_like of shape (..., d)
        Predictions, the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (...) or float
        One loss per sample; a float for 1-D inputs.

    Raises
    ------
    ValueError
        If the shapes differ or an input is not finite.

    Examples
    --------
    >>> mean_squared_error([[1, 9, 2], [-5, -2, 6]], [[4, 8, 12], [8, 1, 3]])
    array([36.66666667, 62.33333333])
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    return _per_sample(np.mean, np.square(y_true - y_pred))


def mean_absolute_error(y_true, y_pred):
    """Compute the mean absolute error between targets and predictions, per sample.

    Formula::

        loss = mean(abs(y_true - y_pred), axis=-1)

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets.
    y_pred : array_like of shape (..., d)
        Predictions, the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (...) or float
        One loss per sample; a float for 1-D inputs.

    Raises
    ------
    ValueError
        If the shapes differ or an input is not finite.

    Examples
    --------
    >>> mean_absolute_error([[1, 9, 2], [-5, -2, 6]], [[4, 8, 12], [8, 1, 3]])
    array([4.66666667, 6.33333333])
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    return _per_sample(np.mean, np.abs(y_true - y_pred))


def mean_squared_logarithmic_error(y_true, y_pred):
    """Compute the mean squared logarithmic error between targets and predictions, per sample.

    Formula::

        loss = mean(square(log(maximum(y_pred, EPSILON) + 1) - log(maximum(y_true, EPSILON) + 1)), axis=-1)

    Values below `EPSILON`, zero and negative ones alike, are replaced by `EPSILON` before the logarithm.
    A negative target or prediction therefore counts as (almost) zero: the loss of ``y_true = [-5]`` against
    ``y_pred = [0]`` is 0.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets; meant to be non-negative.
    y_pred : array_like of shape (..., d)
        Predictions, the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (...) or float
        One loss per sample; a float for 1-D inputs.

    Raises
    ------
    ValueError
        If the shapes differ or an input is not finite.

    Examples
    --------
    Each prediction is off by a factor of 2 in ``1 + y``, so every term is ``log(2) ** 2``:

    >>> mean_squared_logarithmic_error([[1, 3, 7]], [[3, 7, 15]])
    array([0.48045301])
    >>> mean_squared_logarithmic_error([-5.0], [0.0])
    0.0
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    log_ratio = np.log1p(np.maximum(y_pred, EPSILON)) - np.log1p(np.maximum(y_true, EPSILON))
    return _per_sample(np.mean, np.square(log_ratio))


def mean_absolute_percentage_error(y_true, y_pred):
    """Compute the mean absolute percentage error between targets and predictions, per sample.

    Formula::

        loss = 100 * mean(abs(y_true - y_pred) / maximum(abs(y_true), EPSILON), axis=-1)

    Division by zero is prevented by dividing by ``maximum(abs(y_true), EPSILON)``, so an error of 1 against
    a target of 0 counts as ``1e9`` percent.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets.
    y_pred : array_like of shape (..., d)
        Predictions, the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (...) or float
        One loss per sample, in percent; a float for 1-D inputs.

    Raises
    ------
    ValueError
        If the shapes differ or an input is not finite.

    Examples
    --------
    >>> mean_absolute_percentage_error([[1, 9, 2], [-5, -2, 6]], [[4, 8, 12], [8, 1, 3]])
    array([270.37037037, 153.33333333])
    >>> mean_absolute_percentage_error([0.0], [1.0])
    1000000000.0
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    ratio = np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), EPSILON)
    return _per_sample(np.mean, 100.0 * ratio)


def huber(y_true, y_pred, delta=1.0):
    """Compute the Huber loss between targets and predictions, per sample.

    Formula::

        error = y_pred - y_true
        loss = mean(where(abs(error) <= delta,
                          0.5 * square(error),
                          delta * abs(error) - 0.5 * square(delta)), axis=-1)

    The loss is quadratic, like half the squared error, for errors up to ``delta`` and linear, like the
    absolute error, beyond it; value and slope are continuous at ``abs(error) == delta``.

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
    ndarray of shape (...) or float
        One loss per sample; a float for 1-D inputs.

    Raises
    ------
    ValueError
        If the shapes differ, an input is not finite, or ``delta`` is not a finite positive number.

    Examples
    --------
    >>> huber([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    array([0.18, 0.13])
    >>> huber([0.0, 0.0], [0.5, 2.0])  # (0.5 * 0.5**2 + (2 - 0.5)) / 2
    0.8125
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    delta = float(delta)
    if not (np.isfinite(delta) and delta > 0):
        raise ValueError(f"delta must be a finite positive number; got {delta!r}.")
    abs_error = np.abs(y_pred - y_true)
    quadratic = 0.5 * np.square(abs_error)
    linear = delta * abs_error - 0.5 * delta**2
    return _per_sample(np.mean, np.where(abs_error <= delta, quadratic, linear))


def log_cosh(y_true, y_pred):
    """Compute the mean logarithm of the hyperbolic cosine of the prediction error, per sample.

    Formula::

        x = y_pred - y_true
        loss = mean(log(cosh(x)), axis=-1)
             = mean(x + softplus(-2 * x) - log(2), axis=-1)

    The second form, the one Keras computes, stays finite for every finite error, whereas ``cosh`` overflows
    float64 beyond ``abs(x) > 710``. ``log(cosh(x))`` is close to ``x**2 / 2`` for small errors and to
    ``abs(x) - log(2)`` for large ones.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets.
    y_pred : array_like of shape (..., d)
        Predictions, the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (...) or float
        One loss per sample; a float for 1-D inputs.

    Raises
    ------
    ValueError
        If the shapes differ or an input is not finite.

    Examples
    --------
    >>> log_cosh([[0, 1], [0, 0]], [[1, 1], [0, 0]])  # [log(cosh(1)) / 2, 0]
    array([0.21689042, 0.        ])
    >>> log_cosh([0.0], [1e4])  # 1e4 - log(2)
    9999.30685281944
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    x = y_pred - y_true
    return _per_sample(np.mean, x + np.logaddexp(0.0, -2.0 * x) - np.log(2.0))


def poisson(y_true, y_pred):
    """Compute the Poisson loss (negative log-likelihood up to a constant) of predicted rates, per sample.

    Formula::

        loss = mean(y_pred - y_true * log(y_pred + EPSILON), axis=-1)

    `EPSILON` keeps the logarithm finite at ``y_pred = 0``. The loss is not 0 for a perfect prediction: for
    fixed ``y_true`` it is smallest at ``y_pred = y_true``, where it equals ``y_true - y_true * log(y_true)``.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Observed counts.
    y_pred : array_like of shape (..., d)
        Predicted rates, non-negative, the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (...) or float
        One loss per sample; a float for 1-D inputs.

    Raises
    ------
    ValueError
        If the shapes differ, an input is not finite, or a rate is negative (Keras returns NaN there).

    Examples
    --------
    >>> poisson([[1.0, 2.0]], [[1.0, 2.0]]).round(6)  # mean of 1 - log(1) and 2 - 2 * log(2)
    array([0.806853])
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    _check_range(y_pred, "y_pred", low=0.0, hint=" Poisson rates cannot be negative.")
    return _per_sample(np.mean, y_pred - y_true * np.log(y_pred + EPSILON))


def binary_crossentropy(y_true, y_pred, from_logits=False):
    """Compute the binary cross-entropy between targets and predicted probabilities, per sample.

    Formula::

        p = clip(y_pred, EPSILON, 1 - EPSILON)
        loss = mean(-(y_true * log(p) + (1 - y_true) * log(1 - p)), axis=-1)

    With ``from_logits=True``, ``y_pred`` holds logits ``x`` and the loss is computed in the stable form
    ``max(x, 0) - x * y_true + log1p(exp(-abs(x)))``, which stays finite for any finite logit.

    Probabilities are clipped to ``[EPSILON, 1 - EPSILON]``, so a confident wrong prediction costs at most
    ``-log(EPSILON) = 16.12`` per output and a perfect one about ``EPSILON``, not 0. Keras, computing in
    float32, rounds ``1 - EPSILON`` to ``1 - 2**-23``; at ``y_pred = 1`` exactly it therefore reports
    ``-log(2**-23) = 15.94`` for a wrong label.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets in ``[0, 1]``: labels 0 and 1, or soft labels.
    y_pred : array_like of shape (..., d)
        Predicted probabilities in ``[0, 1]``, or logits if ``from_logits`` is true; the same shape as
        ``y_true``.
    from_logits : bool, default=False
        Whether ``y_pred`` holds logits rather than probabilities.

    Returns
    -------
    ndarray of shape (...) or float
        One loss per sample, averaged over its ``d`` outputs; a float for 1-D inputs.

    Raises
    ------
    ValueError
        If the shapes differ, an input is not finite, ``y_true`` is outside ``[0, 1]``, or ``y_pred`` is
        outside ``[0, 1]`` while ``from_logits`` is false.

    Examples
    --------
    >>> binary_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    array([0.91629073, 0.71355818])
    >>> round(binary_crossentropy([1.0], [0.0]), 4)  # -log(EPSILON)
    16.1181
    >>> binary_crossentropy([1.0, 0.0], [0.0, 0.0], from_logits=True)  # log(2)
    0.6931471805599453
    """
    _, _, terms = _binary_crossentropy_terms(y_true, y_pred, from_logits)
    return _per_sample(np.mean, terms)


def _binary_crossentropy_terms(y_true, y_pred, from_logits):
    """Check the inputs of a binary cross-entropy; return them and the loss of every output, unreduced."""
    y_true, y_pred = _check_pair(y_true, y_pred)
    _check_range(y_true, "y_true", low=0.0, high=1.0)
    if from_logits:
        x = y_pred
        return y_true, y_pred, np.maximum(x, 0.0) - x * y_true + np.log1p(np.exp(-np.abs(x)))
    _check_range(y_pred, "y_pred", low=0.0, high=1.0, hint=_LOGITS_HINT)
    p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
    return y_true, y_pred, -(y_true * np.log(p) + (1.0 - y_true) * np.log1p(-p))


def hinge(y_true, y_pred):
    """Compute the hinge loss between labels and predicted scores, per sample.

    Formula::

        loss = mean(maximum(1 - y_true * y_pred, 0), axis=-1)

    Labels are meant to be -1 or 1. As in Keras, if *every* label in ``y_true`` is 0 or 1, all of them are
    mapped to -1 or 1 by ``2 * y_true - 1``; otherwise they are used as given. The decision is made for the
    whole array, not per sample, so a 0 in an array that also holds a -1 stays 0 (a term of exactly 1), and a
    sample's loss can depend on the other samples in the batch. Use one label convention throughout.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Labels, -1 or 1 (or all 0 or 1).
    y_pred : array_like of shape (..., d)
        Predicted scores, e.g. the output of a tanh unit; the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (...) or float
        One loss per sample; a float for 1-D inputs.

    Raises
    ------
    ValueError
        If the shapes differ or an input is not finite.

    Examples
    --------
    The labels ``[0, 1, 1]`` are read as ``[-1, 1, 1]``:

    >>> hinge([[0, 1, 1]], [[0.5, 0.5, -0.5]])  # (1.5 + 0.5 + 1.5) / 3
    array([1.16666667])
    >>> hinge([-1.0, 1.0], [-2.0, 1.0])  # both on the right side with margin >= 1
    0.0
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    return _per_sample(np.mean, np.maximum(1.0 - _hinge_labels(y_true) * y_pred, 0.0))


def squared_hinge(y_true, y_pred):
    """Compute the squared hinge loss between labels and predicted scores, per sample.

    Formula::

        loss = mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)

    Labels of 0 and 1 are converted to -1 and 1 exactly as in `hinge`: only if every label in the array is
    0 or 1.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Labels, -1 or 1 (or all 0 or 1).
    y_pred : array_like of shape (..., d)
        Predicted scores, the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (...) or float
        One loss per sample; a float for 1-D inputs.

    Raises
    ------
    ValueError
        If the shapes differ or an input is not finite.

    Examples
    --------
    >>> squared_hinge([[0, 1, 1]], [[0.5, 0.5, -0.5]])  # (1.5**2 + 0.5**2 + 1.5**2) / 3
    array([1.58333333])
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    return _per_sample(np.mean, np.square(np.maximum(1.0 - _hinge_labels(y_true) * y_pred, 0.0)))


def categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Compute the categorical cross-entropy between target and predicted class distributions, per sample.

    Formula::

        p = clip(y_pred / sum(y_pred, axis=-1), EPSILON, 1 - EPSILON)
        loss = -sum(y_true * log(p), axis=-1)

    With ``from_logits=True``, ``y_pred`` holds logits ``x`` and the loss is
    ``-sum(y_true * log_softmax(x), axis=-1)``, computed with the log-sum-exp trick so that it stays finite
    for any finite logits.

    The predictions are first rescaled to sum to 1 and then clipped to ``[EPSILON, 1 - EPSILON]``, so a
    predicted probability of 0 for the true class costs ``-log(EPSILON) = 16.12``, and a perfect prediction
    costs ``-log(1 - EPSILON)``, about ``EPSILON``, not 0. Terms with ``y_true = 0`` contribute 0.

    Parameters
    ----------
    y_true : array_like of shape (..., k)
        Target distributions over ``k`` classes, usually one-hot; entries in ``[0, 1]``.
    y_pred : array_like of shape (..., k)
        Predicted class probabilities (non-negative, rescaled to sum 1), or logits if ``from_logits`` is true;
        the same shape as ``y_true``.
    from_logits : bool, default=False
        Whether ``y_pred`` holds logits rather than probabilities.

    Returns
    -------
    ndarray of shape (...) or float
        One loss per sample; a float for 1-D inputs.

    Raises
    ------
    ValueError
        If the shapes differ, an input is not finite, ``y_true`` is outside ``[0, 1]``, or, with
        ``from_logits`` false, ``y_pred`` has a negative entry or a sample whose predictions are all 0.

    Examples
    --------
    >>> categorical_crossentropy([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    array([0.05129329, 2.30258509])
    >>> categorical_crossentropy([0, 1, 0], [0.0, 1e4, -1e4], from_logits=True)
    0.0
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    _check_range(y_true, "y_true", low=0.0, high=1.0)
    if from_logits:
        return _per_sample(np.sum, -y_true * _log_softmax(y_pred))
    _check_range(y_pred, "y_pred", low=0.0, hint=_LOGITS_HINT)
    totals = np.sum(y_pred, axis=-1, keepdims=True)
    if np.any(totals == 0):
        raise ValueError("y_pred has a sample whose predicted probabilities are all 0.")
    p = np.clip(y_pred / totals, EPSILON, 1.0 - EPSILON)
    return _per_sample(np.sum, -y_true * np.log(p))


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Compute the categorical cross-entropy between integer class labels and predictions, per sample.

    Formula::

        p = clip(y_pred, EPSILON, 1 - EPSILON)
        loss = -log(p[..., y_true] / sum(p, axis=-1))

    This is `categorical_crossentropy` with the one-hot targets given as class indices. With
    ``from_logits=True``, ``y_pred`` holds logits ``x`` and the loss is ``-log_softmax(x)[..., y_true]``,
    computed with the log-sum-exp trick so that it stays finite for any finite logits.

    Unlike `categorical_crossentropy`, Keras clips the probabilities to ``[EPSILON, 1 - EPSILON]`` *before*
    rescaling them to sum to 1, and so does this function. A perfect one-hot prediction over ``k`` classes
    therefore costs ``log(1 + (k - 2) * EPSILON) - log(1 - EPSILON)``, about ``(k - 1) * EPSILON``, not 0.

    Parameters
    ----------
    y_true : array_like of shape (...) or (..., 1)
        Class labels, integers in ``[0, k)`` (integer-valued floats such as ``2.0`` are accepted). A trailing
        axis of length 1 is accepted, as in Keras.
    y_pred : array_like of shape (..., k)
        Predicted class probabilities in ``[0, 1]``, or logits if ``from_logits`` is true.
    from_logits : bool, default=False
        Whether ``y_pred`` holds logits rather than probabilities.

    Returns
    -------
    ndarray of shape (...) or float
        One loss per sample; a float when ``y_pred`` is 1-D.

    Raises
    ------
    ValueError
        If the shape of ``y_true`` is neither ``y_pred.shape[:-1]`` nor ``y_pred.shape[:-1] + (1,)``, an input
        is not finite, a label is not an integer in ``[0, k)``, or, with ``from_logits`` false, ``y_pred`` is
        outside ``[0, 1]``.

    Examples
    --------
    >>> sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    array([0.05129339, 2.30258509])
    >>> sparse_categorical_crossentropy(1, [0.0, 1e4, -1e4], from_logits=True)
    0.0
    """
    y_pred = _as_array(y_pred, "y_pred")
    labels = np.asarray(y_true, dtype=np.float64)
    batch_shape, k = y_pred.shape[:-1], y_pred.shape[-1]
    if labels.shape == batch_shape + (1,):
        labels = labels[..., 0]
    if labels.shape != batch_shape:
        raise ValueError(
            f"y_true must have shape y_pred.shape[:-1] or y_pred.shape[:-1] + (1,); got "
            f"y_true.shape={np.shape(y_true)} and y_pred.shape={y_pred.shape}."
        )
    if k == 0:
        raise ValueError(f"y_pred has no classes (y_pred.shape={y_pred.shape}).")
    _check_finite(labels, "y_true")
    invalid = (labels != np.floor(labels)) | (labels < 0) | (labels >= k)
    if np.any(invalid):
        raise ValueError(
            f"y_true must hold integer class labels in [0, {k}) for y_pred with {k} classes; "
            f"got {labels[invalid].flat[0]:g}."
        )
    index = labels.astype(np.intp)[..., np.newaxis]
    if from_logits:
        log_p = _log_softmax(y_pred)
    else:
        _check_range(y_pred, "y_pred", low=0.0, high=1.0, hint=_LOGITS_HINT)
        p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        log_p = np.log(p) - np.log(np.sum(p, axis=-1, keepdims=True))
    return _result(-np.take_along_axis(log_p, index, axis=-1)[..., 0])


def kl_divergence(y_true, y_pred):
    """Compute the Kullback-Leibler divergence of predicted from target distributions, per sample.

    Formula::

        t = clip(y_true, EPSILON, 1)
        p = clip(y_pred, EPSILON, 1)
        loss = sum(t * log(t / p), axis=-1)

    Both arguments are clipped to ``[EPSILON, 1]`` and neither is rescaled to sum to 1. Because of the
    clipping, a 0 in ``y_true`` contributes ``EPSILON * log(EPSILON / p)``, a small non-zero amount, not the
    ``0 log 0 = 0`` of `companion.information.kl_divergence`; and a 0 in ``y_pred`` where ``y_true > 0``
    costs ``y_true * log(y_true / EPSILON)`` instead of ``inf``. A perfect prediction gives 0.

    Parameters
    ----------
    y_true : array_like of shape (..., k)
        Target distributions, entries in ``[0, 1]``.
    y_pred : array_like of shape (..., k)
        Predicted distributions, entries in ``[0, 1]``; the same shape as ``y_true``.

    Returns
    -------
    ndarray of shape (...) or float
        One divergence per sample; a float for 1-D inputs.

    Raises
    ------
    ValueError
        If the shapes differ, an input is not finite, or an entry is outside ``[0, 1]``.

    Examples
    --------
    >>> kl_divergence([[0.5, 0.5]], [[0.25, 0.75]])  # 0.5 * log(4/3)
    array([0.14384104])
    >>> kl_divergence([0.0, 1.0], [0.0, 1.0])
    0.0
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    _check_range(y_true, "y_true", low=0.0, high=1.0)
    _check_range(y_pred, "y_pred", low=0.0, high=1.0)
    t = np.clip(y_true, EPSILON, 1.0)
    p = np.clip(y_pred, EPSILON, 1.0)
    return _per_sample(np.sum, t * np.log(t / p))


REFERENCE_LOSSES = {
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
"""Each reference loss under its Keras name: ``REFERENCE_LOSSES[name]`` mirrors ``keras.losses.<name>``."""


def _as_array(x, name):
    """Return ``x`` as a finite float64 array with at least one axis, or raise ``ValueError``."""
    x = numeric(x, name, labels=name == "y_true")
    if x.ndim == 0:
        raise ValueError(f"{name} is a scalar; a sample's values lie along the last axis: pass shape (d,).")
    _check_finite(x, name)
    return x


def _check_finite(x, name):
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or infinite values.")


def _check_pair(y_true, y_pred):
    """Return ``y_true`` and ``y_pred`` as float64 arrays after checking that their shapes are identical."""
    y_true = _as_array(y_true, "y_true")
    y_pred = _as_array(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape; got y_true.shape={y_true.shape} and "
            f"y_pred.shape={y_pred.shape}. Nothing is broadcast: reshape one of them explicitly."
        )
    if y_pred.shape[-1] == 0:
        raise ValueError(f"the last axis is empty (y_pred.shape={y_pred.shape}); there is nothing to reduce.")
    return y_true, y_pred


def _check_range(x, name, low, high=np.inf, hint=""):
    """Raise ``ValueError`` if an entry of ``x`` lies outside ``[low, high]``."""
    outside = (x < low) | (x > high)
    if np.any(outside):
        allowed = f">= {low:g}" if high == np.inf else f"in [{low:g}, {high:g}]"
        raise ValueError(f"{name} must be {allowed}; got {x[outside].flat[0]:g}.{hint}")


def _per_sample(reduce, values):
    """Reduce ``values`` over the last axis with ``reduce`` (``np.mean`` or ``np.sum``)."""
    return _result(reduce(values, axis=-1))


def _result(values):
    """Return a 0-d result as a float and others as arrays; ``+ 0.0`` turns ``-0.0`` into ``0.0``."""
    values = values + 0.0
    return float(values) if np.ndim(values) == 0 else values


def _log_softmax(x):
    """Return ``log(softmax(x))`` over the last axis, finite for any finite ``x`` (log-sum-exp trick)."""
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def _hinge_labels(y_true):
    """Map labels to -1 and 1 if every label is 0 or 1, as Keras does; otherwise return them unchanged."""
    if np.all((y_true == 0) | (y_true == 1)):
        return 2.0 * y_true - 1.0
    return y_true


# --- Predictive distributions: a Gaussian's negative log-likelihood and the pinball loss (uncertainty chapter).

def gaussian_nll(y_true, mean, variance):
    """Compute the negative log-likelihood of targets under Gaussians with predicted means and variances.

    A model that predicts a mean ``mean`` and a variance ``variance`` for every target
    claims ``y_true ~ N(mean, variance)``; this is minus the log of that density at the
    target, averaged over the last axis like every loss in this module. Minimising it
    over a constant ``variance`` gives back the squared error: with ``variance``
    fixed, the loss is ``(y_true - mean) ** 2 / (2 variance)`` plus a constant.

    Formula::

        loss = mean(0.5 * log(2 * pi * variance) + (y_true - mean) ** 2 / (2 * variance), axis=-1)

    so ``loss == -mean(scipy.stats.norm.logpdf(y_true, mean, sqrt(variance)), axis=-1)``,
    constant included. It is not bounded below: as ``variance`` shrinks around a
    perfect prediction the loss goes to minus infinity.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets: ``d`` targets per sample along the last axis. For ``n`` samples of
        one target pass shape ``(n, 1)``; a 1-D array of shape ``(d,)`` is one sample.
    mean : array_like, same shape as ``y_true``
        Predicted means.
    variance : array_like, same shape as ``y_true``
        Predicted variances, every one ``> 0``. (A standard deviation is its square root.)

    Returns
    -------
    loss : ndarray of shape ``y_true.shape[:-1]``, or float for 1-D inputs
        The negative log-likelihood per sample, in nats.

    Raises
    ------
    ValueError
        If the three shapes differ (nothing is broadcast), an input is NaN or infinite,
        or a variance is zero or negative.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.losses import gaussian_nll
    >>> round(gaussian_nll([0.0], [0.0], [1.0]), 6)  # 0.5 * log(2 pi): the standard normal at its mode
    0.918939
    >>> gaussian_nll(np.array([[1.0], [3.0]]), np.array([[1.0], [1.0]]), np.array([[1.0], [4.0]])).round(4)
    array([0.9189, 2.1121])
    """
    y_true, mean = _check_pair(y_true, mean)
    variance = _as_array(variance, "variance")
    if variance.shape != y_true.shape:
        raise ValueError(f"variance must have the shape of y_true; got variance.shape={variance.shape} and "
                         f"y_true.shape={y_true.shape}. Nothing is broadcast: reshape it explicitly.")
    if np.any(variance <= 0):
        raise ValueError(f"variance must be > 0 everywhere; got {variance[variance <= 0].flat[0]:g} "
                         f"({int(np.sum(variance <= 0))} non-positive entries). A model's raw output is "
                         f"no variance: pass it through softplus (plus a small floor) first.")
    nll = 0.5 * np.log(2.0 * np.pi * variance) + (y_true - mean) ** 2 / (2.0 * variance)
    return _per_sample(np.mean, nll)


def pinball(y_true, y_pred, quantile):
    """Compute the pinball (quantile) loss between targets and predicted quantiles, per sample.

    Under-predictions cost ``quantile`` per unit and over-predictions ``1 - quantile``,
    so the expected loss is smallest at the ``quantile``-quantile of the target
    (Koenker and Bassett 1978). ``quantile=0.5`` gives half the absolute error. This is
    the NumPy reference of :class:`companion.custom.PinballLoss`; with a sequence of
    quantile levels it scores several predicted quantiles at once, one per column. Its mean
    over samples is scikit-learn's ``mean_pinball_loss(y_true, y_pred, alpha=quantile)``
    (tested equal); it adds the per-sample values, several levels at once, and the shape
    checks of the other reference losses.

    Formula::

        error = y_true - y_pred
        loss = mean(maximum(quantile * error, (quantile - 1) * error), axis=-1)

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets, ``d`` per sample along the last axis (see :func:`gaussian_nll`).
    y_pred : array_like, same shape as ``y_true``
        Predicted quantiles.
    quantile : float or array_like of shape (d,)
        Quantile level(s), each strictly between 0 and 1. An array gives column ``j``
        of ``y_pred`` the level ``quantile[j]``: for ``n`` samples and levels
        ``(0.05, 0.5, 0.95)`` pass ``y_true`` as ``np.repeat(y[:, None], 3, axis=1)``
        and ``y_pred`` of shape ``(n, 3)``; the result is the mean over the levels.

    Returns
    -------
    loss : ndarray of shape ``y_true.shape[:-1]``, or float for 1-D inputs

    Raises
    ------
    ValueError
        If the shapes differ, an input is NaN or infinite, a level lies outside (0, 1),
        or the number of levels does not match the last axis.

    Examples
    --------
    >>> from companion.losses import pinball
    >>> pinball([1.0, 1.0], [0.0, 2.0], 0.9)  # one unit under (cost 0.9), one unit over (cost 0.1)
    0.5
    >>> round(pinball([0.0, 0.0], [-1.0, 1.0], [0.1, 0.9]), 6)  # both levels on the right side: 0.1 each
    0.1
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    quantile = np.asarray(quantile, dtype=np.float64)
    if quantile.ndim > 1 or (quantile.ndim == 1 and quantile.shape[0] != y_true.shape[-1]):
        raise ValueError(f"quantile must be a number or hold one level per column ({y_true.shape[-1]}); "
                         f"got shape {quantile.shape}")
    _check_finite(quantile, "quantile")
    if np.any((quantile <= 0) | (quantile >= 1)):
        raise ValueError(f"quantile levels must lie strictly between 0 and 1; got {quantile}")
    error = y_true - y_pred
    return _per_sample(np.mean, np.maximum(quantile * error, (quantile - 1.0) * error))


__all__ += ["gaussian_nll", "pinball"]


# --- Noise-robust classification: the generalised cross-entropy (noisy-labels chapter).

def generalized_cross_entropy(y_true, y_pred, q=0.7):
    """Compute the generalised cross-entropy of Zhang and Sabuncu (2018), per sample.

    A Box-Cox transform of the predicted probability of the labelled class: for a
    one-hot label of class ``c`` the loss is ``(1 - p_c ** q) / q``. As ``q -> 0`` it
    tends to the cross-entropy ``-log p_c``; at ``q = 1`` it is ``1 - p_c``, which is
    ``k / 2`` times the mean absolute error between the one-hot label and the ``k``
    predicted probabilities. In between, the loss is bounded (by ``1 / q``), so a
    mislabelled sample the model confidently disagrees with costs at most ``1 / q``
    instead of the cross-entropy's unbounded ``-log p_c``; that is what makes it more
    robust to label noise.

    Formula::

        p = clip(y_pred / sum(y_pred, axis=-1), EPSILON, 1 - EPSILON)
        loss = sum(y_true * (1 - p ** q), axis=-1) / q

    For a one-hot ``y_true`` this is ``(1 - p_c ** q) / q``; for soft targets it is
    the target-weighted average over the classes, which keeps the ``q -> 0`` limit
    equal to :func:`categorical_crossentropy`. The predictions are rescaled and
    clipped exactly as in :func:`categorical_crossentropy`, so a perfect prediction
    costs about ``EPSILON``, not 0, and a predicted 0 costs ``(1 - EPSILON ** q) / q``.

    Parameters
    ----------
    y_true : array_like of shape (..., k)
        Target distributions over ``k`` classes, usually one-hot; entries in ``[0, 1]``.
    y_pred : array_like of shape (..., k)
        Predicted class probabilities (non-negative, rescaled to sum 1); the same shape
        as ``y_true``. Logits are not accepted: apply a softmax first.
    q : float, default=0.7
        The exponent, in ``(0, 1]``; Zhang and Sabuncu recommend 0.7.

    Returns
    -------
    ndarray of shape (...) or float
        One loss per sample; a float for 1-D inputs.

    Raises
    ------
    ValueError
        If the shapes differ, an input is not finite, ``y_true`` is outside ``[0, 1]``,
        ``y_pred`` has a negative entry or a sample whose predictions are all 0, or
        ``q`` is not a number in ``(0, 1]``.

    Examples
    --------
    >>> from companion.losses import generalized_cross_entropy
    >>> generalized_cross_entropy([0, 1, 0], [0.2, 0.5, 0.3], q=1.0)  # 1 - 0.5
    0.5
    >>> round(generalized_cross_entropy([0, 1, 0], [0.2, 0.5, 0.3], q=0.5), 6)  # (1 - sqrt(0.5)) / 0.5
    0.585786
    >>> round(generalized_cross_entropy([0, 1, 0], [0.2, 0.5, 0.3], q=1e-6), 4)  # -log(0.5)
    0.6931
    """
    if (isinstance(q, bool) or not isinstance(q, (int, float, np.integer, np.floating))
            or not np.isfinite(q) or not 0.0 < q <= 1.0):
        raise ValueError(f"q must be a number in (0, 1], got {q!r}")
    q = float(q)
    y_true, y_pred = _check_pair(y_true, y_pred)
    _check_range(y_true, "y_true", low=0.0, high=1.0)
    _check_range(y_pred, "y_pred", low=0.0, hint=" Apply a softmax to logits first.")
    totals = np.sum(y_pred, axis=-1, keepdims=True)
    if np.any(totals == 0):
        raise ValueError("y_pred has a sample whose predicted probabilities are all 0.")
    p = np.clip(y_pred / totals, EPSILON, 1.0 - EPSILON)
    # -expm1(q log p) = 1 - p**q without cancellation when q log p is tiny (q -> 0).
    return _per_sample(np.sum, y_true * -np.expm1(q * np.log(p)) / q)


__all__ += ["generalized_cross_entropy"]


def binary_focal_crossentropy(y_true, y_pred, gamma=2.0, alpha=0.25, apply_class_balancing=False,
                              from_logits=False):
    """Compute the binary focal cross-entropy of Lin et al. (2017), as Keras does, per sample.

    The cross-entropy of each output is multiplied by a *focal factor*
    ``(1 - p_t) ** gamma``, where ``p_t`` is the probability given to the true label:
    confident correct predictions (``p_t`` near 1) are down-weighted, so the many
    easy examples of the majority class weigh less in the mean.

    Formula::

        p = sigmoid(y_pred) if from_logits else y_pred
        bce = -(y_true * log(p) + (1 - y_true) * log(1 - p))      # clipped as binary_crossentropy
        p_t = y_true * p + (1 - y_true) * (1 - p)
        loss = (1 - p_t) ** gamma * bce
        if apply_class_balancing:
            loss = (y_true * alpha + (1 - y_true) * (1 - alpha)) * loss
        loss = mean(loss, axis=-1)

    **alpha is ignored unless apply_class_balancing is true**, exactly as in
    ``keras.losses.binary_focal_crossentropy``: ``alpha=0.9`` alone changes nothing.
    With balancing, ``alpha`` weights class 1 and ``1 - alpha`` class 0, so Keras's
    default ``alpha=0.25`` gives the positive class the *smaller* weight (Lin et al.
    used it that way, for the rare foreground class, together with ``gamma=2``).
    ``gamma=0`` without balancing is :func:`binary_crossentropy`.

    With probabilities, the cross-entropy is clipped to ``[EPSILON, 1 - EPSILON]`` as
    in :func:`binary_crossentropy` and ``p_t`` uses the unclipped ``p``, as in Keras.
    With ``from_logits=True`` the cross-entropy is computed from the logits in the
    stable form (Keras does the same, because its ``sigmoid`` remembers its logits),
    and ``p`` is the float64 sigmoid; Keras computes the sigmoid in float32, so for
    logits beyond about ±16 the two focal factors differ in relative terms.

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Labels in ``[0, 1]`` (0 and 1, or soft labels).
    y_pred : array_like of shape (..., d)
        Predicted probabilities in ``[0, 1]``, or logits if ``from_logits`` is true; the
        same shape as ``y_true``.
    gamma : float, default=2.0
        Focusing parameter, ``>= 0``.
    alpha : float, default=0.25
        Weight of class 1 when ``apply_class_balancing`` is true (class 0 gets
        ``1 - alpha``), in ``[0, 1]``. Ignored otherwise.
    apply_class_balancing : bool, default=False
    from_logits : bool, default=False

    Returns
    -------
    ndarray of shape (...) or float
        One loss per sample, averaged over its ``d`` outputs; a float for 1-D inputs.

    Raises
    ------
    ValueError
        As :func:`binary_crossentropy`, and for a negative or non-finite ``gamma`` or an
        ``alpha`` outside ``[0, 1]``.

    Examples
    --------
    >>> y_true, y_pred = [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]
    >>> binary_focal_crossentropy(y_true, y_pred, gamma=2).round(3)  # Keras's docstring example
    array([0.33 , 0.206])
    >>> binary_focal_crossentropy(y_true, y_pred, gamma=0).round(3)  # gamma 0: binary_crossentropy
    array([0.916, 0.714])
    >>> a = binary_focal_crossentropy(y_true, y_pred, alpha=0.9)  # alpha alone: ignored
    >>> bool((a == binary_focal_crossentropy(y_true, y_pred, alpha=0.1)).all())
    True
    """
    for name, value, high in (("gamma", gamma, np.inf), ("alpha", alpha, 1.0)):
        if isinstance(value, bool) or not np.isscalar(value) or not np.isfinite(float(value)) \
                or not 0.0 <= float(value) <= high:
            allowed = ">= 0" if high == np.inf else "in [0, 1]"
            raise ValueError(f"{name} must be a finite number {allowed}, got {value!r}")
    y_true, y_pred, bce = _binary_crossentropy_terms(y_true, y_pred, from_logits)
    if from_logits:
        x = y_pred
        p = np.where(x >= 0, 1.0 / (1.0 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1.0 + np.exp(-np.abs(x))))
    else:
        p = y_pred
    p_t = y_true * p + (1.0 - y_true) * (1.0 - p)
    loss = (1.0 - p_t) ** float(gamma) * bce
    if apply_class_balancing:
        loss = (y_true * float(alpha) + (1.0 - y_true) * (1.0 - float(alpha))) * loss
    return _per_sample(np.mean, loss)


__all__ += ["binary_focal_crossentropy"]


# --- Deviances for positive targets: Poisson, compound Poisson-Gamma (Tweedie), Gamma (skewed_targets chapter).

def _tweedie_power(power):
    if isinstance(power, bool) or not np.isscalar(power) or not np.isfinite(float(power)) \
            or not 1.0 <= float(power) <= 2.0:
        raise ValueError(f"power must be a number in [1, 2] (1 Poisson, between them compound Poisson-Gamma, "
                         f"2 Gamma), got {power!r}")
    return float(power)


def tweedie_deviance(y_true, y_pred, power=1.5):
    """Compute the Tweedie deviance of predicted means, per sample (Poisson, compound Poisson-Gamma, Gamma).

    The unit deviance of the Tweedie distribution with variance ``mean ** power``:
    twice the log-likelihood lost by predicting ``mu`` instead of ``y`` itself. Its
    expected value is smallest at the true conditional mean for every ``power``
    (a consistent score for the mean, like the squared error), and it is 0 for a
    perfect prediction. The mean over samples is scikit-learn's
    ``mean_tweedie_deviance(y_true, y_pred, power=power)`` (tested equal).

    Formula::

        p = 1:      d = 2 * (y log(y / mu) - y + mu)                   (0 log 0 = 0)
        1 < p < 2:  d = 2 * (y**(2-p) / ((1-p)(2-p)) - y mu**(1-p) / (1-p) + mu**(2-p) / (2-p))
        p = 2:      d = 2 * (log(mu / y) + y / mu - 1)
        loss = mean(d, axis=-1)

    Parameters
    ----------
    y_true : array_like of shape (..., d)
        Targets: ``>= 0`` for ``power < 2``, ``> 0`` for ``power = 2`` (Gamma).
    y_pred : array_like, same shape as ``y_true``
        Predicted means, ``> 0``.
    power : float, default=1.5
        The Tweedie power, in [1, 2].

    Returns
    -------
    loss : ndarray of shape ``y_true.shape[:-1]``, or float for 1-D inputs

    Raises
    ------
    ValueError
        If the shapes differ, an input is not finite, ``power`` lies outside [1, 2],
        a predicted mean is not positive, a target is negative, or (Gamma, ``power=2``)
        a target is 0.

    Examples
    --------
    >>> from companion.losses import tweedie_deviance
    >>> tweedie_deviance([2.0], [2.0], power=1.5)  # a perfect prediction
    0.0
    >>> round(tweedie_deviance([1.0, 4.0], [2.0, 2.0], power=2), 6)  # Gamma: mean of 2 (log 2 - 1/2) and 2 (1 - log 2)
    0.5
    >>> round(tweedie_deviance([0.0], [0.5], power=1), 6)  # Poisson at y = 0: 2 mu
    1.0
    """
    power = _tweedie_power(power)
    y_true, y_pred = _check_pair(y_true, y_pred)
    if np.any(y_pred <= 0):
        raise ValueError(f"y_pred must be > 0 (a predicted mean); got {y_pred[y_pred <= 0].flat[0]:g}. "
                         "Pass the model's output through an exponential or softplus output layer.")
    if power == 2.0:
        if np.any(y_true <= 0):
            raise ValueError(f"y_true must be > 0 for the Gamma deviance (power=2); got "
                             f"{y_true[y_true <= 0].flat[0]:g}. Targets with zeros need 1 <= power < 2.")
    else:
        _check_range(y_true, "y_true", low=0.0, hint=f" The Tweedie deviance with power={power:g} needs "
                                                       "targets >= 0.")
    y, mu = y_true, y_pred
    if power == 1.0:
        from scipy.special import xlogy

        d = 2.0 * (xlogy(y, y) - xlogy(y, mu) - y + mu)
    elif power == 2.0:
        d = 2.0 * (np.log(mu / y) + y / mu - 1.0)
    else:
        p = power
        d = 2.0 * (y ** (2 - p) / ((1 - p) * (2 - p)) - y * mu ** (1 - p) / (1 - p) + mu ** (2 - p) / (2 - p))
    return _per_sample(np.mean, d)


__all__ += ["tweedie_deviance"]
