"""Regression scores that Keras 3 does not provide.

:func:`within_tolerance` is the "every target within a tolerance" rule from seed
``001``. It is a 0/1 rule, flat almost everywhere, so it is a metric and not a loss.
It takes ``(y_true, y_pred)`` like any Keras metric function and returns one value
per sample; Keras averages them over the dataset. Targets of shape ``(n,)`` are
aligned with predictions of shape ``(n, 1)`` explicitly, never by broadcasting to
``(n, n)``.
"""

from ._shapes import _align


def within_tolerance(tol):
    """Make a metric: the fraction of samples whose every target is within ``tol``.

    Seed ``001`` calls a prediction of five targets "accurate" when every target is
    within 10 of the truth. With targets scaled to [0, 1] from 0..100, that is
    ``within_tolerance(0.1)``.

    Formula::

        value = all(abs(y_true - y_pred) <= tol, axis=-1)

    Parameters
    ----------
    tol : float
        Largest accepted absolute error per target, in the units of ``y_true``.
        Must be positive.

    Returns
    -------
    metric : callable
        A Keras metric function ``metric(y_true, y_pred)`` named
        ``within_<tol>``, returning a tensor of shape (n,) with 1.0 where every
        target of the sample is within ``tol``. ``y_true`` of shape (n,) is aligned
        with ``y_pred`` of shape (n, 1).

    Examples
    --------
    >>> import numpy as np
    >>> from companion.metrics import within_tolerance
    >>> metric = within_tolerance(0.1)
    >>> metric.__name__
    'within_0.1'
    >>> np.asarray(metric(np.array([[0.5, 0.5], [0.5, 0.5]]), np.array([[0.55, 0.45], [0.55, 0.7]])))
    array([1., 0.], dtype=float32)
    """
    tol = float(tol)
    if not tol > 0:
        raise ValueError(f"tol must be positive, got {tol}")

    def metric(y_true, y_pred):
        ops, y_true, y_pred = _align(y_true, y_pred)
        close = ops.all(ops.less_equal(ops.abs(y_true - y_pred), tol), axis=-1)
        return ops.cast(close, "float32")

    metric.__name__ = f"within_{tol:g}"
    metric.__qualname__ = metric.__name__
    return metric
