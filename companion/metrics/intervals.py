"""Scores of prediction intervals and predicted quantiles.

:func:`interval_coverage` and :func:`interval_width` score an interval;
:func:`quantile_crossings` counts rows of predicted quantiles that are out of order and
:func:`rearrange_quantiles` sorts them (the rearrangement of Chernozhukov et al.). The
conformal intervals themselves are built by :mod:`companion.intervals`.
"""

import numpy as np

from .._checks import numeric


def _interval(y, lower, upper):
    """Return ``y``, ``lower``, ``upper`` as finite float64 arrays of one shape, or raise ``ValueError``."""
    arrays = []
    for name, value in (("y", y), ("lower", lower), ("upper", upper)):
        if value is None:
            arrays.append(None)
            continue
        value = numeric(value, name, labels=False)
        if value.ndim != 1 or value.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D array (one value per sample), got shape {value.shape}")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{name} contains NaN or infinite values")
        arrays.append(value)
    shapes = {a.shape for a in arrays if a is not None}
    if len(shapes) != 1:
        raise ValueError(f"y, lower and upper must have one shape, got "
                         f"{', '.join(str(a.shape) for a in arrays if a is not None)}")
    crossed = arrays[1] > arrays[2]
    if np.any(crossed):
        raise ValueError(f"lower exceeds upper at {int(crossed.sum())} of {crossed.size} samples: the predicted "
                         f"quantiles cross; rearrange them first (companion.metrics.rearrange_quantiles)")
    return arrays


def interval_coverage(y, lower, upper):
    """Return the share of targets inside their prediction intervals.

    A central 90 % interval should cover about 90 % of fresh targets. Coverage is a
    check, not a score: the same interval for every input (the training set's 5 % and
    95 % quantiles) covers about 90 % too, and so does a wide interval where the
    noise is small paired with a narrow one where it is large. Score predicted
    quantiles with the pinball loss (:func:`companion.losses.pinball`), which is
    proper, and report coverage and :func:`interval_width` beside it.

    Formula::

        coverage = mean(lower <= y <= upper)

    Parameters
    ----------
    y : array_like of shape (n,)
        Targets.
    lower, upper : array_like of shape (n,)
        Interval bounds per sample, ``lower <= upper``.

    Returns
    -------
    coverage : float
        In [0, 1]; the endpoints count as inside.

    Raises
    ------
    ValueError
        For arrays that are not 1-D or differ in length, NaN or infinite values, or
        ``lower > upper`` anywhere (crossed quantiles; the message counts them).

    Examples
    --------
    >>> from companion.metrics import interval_coverage
    >>> interval_coverage([0.0, 1.0, 5.0, -3.0], [-1.0, 0.0, 0.0, -2.0], [1.0, 1.0, 2.0, 2.0])
    0.5
    """
    y, lower, upper = _interval(y, lower, upper)
    return float(np.mean((lower <= y) & (y <= upper)))


def interval_width(lower, upper):
    """Return the mean width of prediction intervals, ``mean(upper - lower)``.

    Of two intervals with the same coverage the narrower one says more; the width is
    what a wide interval pays for its coverage.

    Parameters
    ----------
    lower, upper : array_like of shape (n,)
        Interval bounds per sample, ``lower <= upper``.

    Returns
    -------
    width : float

    Raises
    ------
    ValueError
        As :func:`interval_coverage`.

    Examples
    --------
    >>> from companion.metrics import interval_width
    >>> interval_width([-1.0, 0.0], [1.0, 1.0])
    1.5
    """
    _, lower, upper = _interval(None, lower, upper)
    return float(np.mean(upper - lower))


def _quantile_predictions(predictions):
    predictions = np.asarray(predictions, dtype=np.float64)
    if predictions.ndim < 2 or predictions.shape[-1] < 2 or predictions.size == 0:
        raise ValueError(f"predictions must have shape (..., k) with k >= 2 quantile levels in increasing order "
                         f"along the last axis, got shape {predictions.shape}")
    if not np.all(np.isfinite(predictions)):
        raise ValueError("predictions contain NaN or infinite values")
    return predictions


def quantile_crossings(predictions):
    """Count the samples whose predicted quantiles cross.

    Quantiles of one distribution never decrease with their level, but a model that
    predicts several levels with separate outputs (or separate models) is not held to
    that, and can predict a 5 % quantile above the median for some inputs, typically
    where training data are sparse.

    Parameters
    ----------
    predictions : array_like of shape (n, k)
        Predicted quantiles, column ``j`` for the ``j``-th of ``k`` increasing levels.
        Leading axes are allowed: ``(seeds, n, k)`` counts per seed.

    Returns
    -------
    count : int or ndarray of int of shape ``predictions.shape[:-2]``
        Number of samples (rows) with at least one column below its left neighbour.
        Equal predictions do not cross.

    Raises
    ------
    ValueError
        For fewer than two dimensions or two columns, or NaN and infinite values.

    Examples
    --------
    >>> from companion.metrics import quantile_crossings
    >>> quantile_crossings([[-1.0, 0.0, 1.0], [0.5, 0.0, 1.0], [0.0, 0.0, -1.0]])
    2
    """
    predictions = _quantile_predictions(predictions)
    crossed = np.any(np.diff(predictions, axis=-1) < 0, axis=-1)
    counts = crossed.sum(axis=-1)
    return int(counts) if np.ndim(counts) == 0 else counts.astype(int)


def rearrange_quantiles(predictions):
    """Remove quantile crossings by sorting each sample's predicted quantiles.

    The rearrangement of Chernozhukov, Fernández-Val and Galichon (2010): sort the
    predictions of every sample in increasing order and read them as the quantiles
    at the levels, in order. Rows that do not cross are unchanged. When the true
    quantiles increase with the level, the sorted curve is never farther from them
    than the original, in any Lp norm over the levels.

    Parameters
    ----------
    predictions : array_like of shape (..., n, k)
        Predicted quantiles, the last axis ordered by increasing level.

    Returns
    -------
    rearranged : ndarray of the same shape
        Sorted along the last axis; :func:`quantile_crossings` of it is 0.

    Raises
    ------
    ValueError
        As :func:`quantile_crossings`.

    Examples
    --------
    >>> from companion.metrics import rearrange_quantiles
    >>> rearrange_quantiles([[0.5, 0.0, 1.0], [-1.0, 0.0, 1.0]])
    array([[ 0. ,  0.5,  1. ],
           [-1. ,  0. ,  1. ]])
    """
    return np.sort(_quantile_predictions(predictions), axis=-1)
