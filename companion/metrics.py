"""Metrics that Keras 3 does not provide, written as ordinary Keras metric functions.

Keras 3 resolves the string ``'accuracy'`` for a one-unit output to
``binary_accuracy``, which counts a prediction as class 1 when it exceeds 0.5 and
compares that with the label. With labels in {-1, +1} and a tanh output, a -1
label can never equal 0 or 1, so every negative example counts as wrong.
:func:`sign_accuracy` scores such models by sign instead.

:func:`within_tolerance` is the "every target within a tolerance" rule from seed
``001``. It is a 0/1 rule, flat almost everywhere, so it is a metric and not a loss.

Both functions take ``(y_true, y_pred)`` like any Keras metric function and return
one value per sample; Keras averages them over the dataset. Labels of shape
``(n,)`` are aligned with predictions of shape ``(n, 1)`` explicitly, never by
broadcasting to ``(n, n)``.
"""



def _align(y_true, y_pred, dtype="float32"):
    """Give ``y_true`` and ``y_pred`` the same rank when they differ by one trailing axis.

    Without this, ``(n,)`` labels against ``(n, 1)`` predictions broadcast to ``(n, n)``.
    ``dtype=None`` keeps the tensors' own dtype (for losses computed in ``floatx``).
    """
    from keras import ops

    y_true = ops.convert_to_tensor(y_true, dtype=dtype)
    y_pred = ops.convert_to_tensor(y_pred, dtype=dtype)
    rank_true, rank_pred = len(y_true.shape), len(y_pred.shape)
    if rank_true == rank_pred - 1:
        y_true = ops.expand_dims(y_true, -1)
    elif rank_pred == rank_true - 1:
        y_pred = ops.expand_dims(y_pred, -1)
    elif rank_true != rank_pred:
        raise ValueError(f"cannot align y_true of shape {y_true.shape} with y_pred of shape {y_pred.shape}")
    if y_true.shape[-1] is not None and y_pred.shape[-1] is not None and y_true.shape[-1] != y_pred.shape[-1]:
        raise ValueError(f"y_true has {y_true.shape[-1]} targets per sample but y_pred has {y_pred.shape[-1]}")
    return ops, y_true, y_pred


def sign_accuracy(y_true, y_pred):
    """Score a tanh-output binary classifier by the sign of its prediction.

    A prediction counts as positive when ``y_pred > 0`` and a label as positive
    when ``y_true > 0``, so labels may be {-1, +1} or {0, 1}.

    Formula::

        value = mean(equal(y_true > 0, y_pred > 0), axis=-1)

    Parameters
    ----------
    y_true : tensor of shape (n,) or (n, 1)
        Labels in {-1, +1} (or {0, 1}).
    y_pred : tensor of shape (n, 1) or (n,)
        Model outputs, e.g. from a tanh layer. An output of exactly 0 counts as
        negative.

    Returns
    -------
    values : tensor of shape (n,)
        1.0 where the signs agree, 0.0 where they do not.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.metrics import sign_accuracy
    >>> np.asarray(sign_accuracy(np.array([-1.0, 1.0, 1.0]), np.array([[-0.3], [0.2], [-0.1]])))
    array([1., 1., 0.], dtype=float32)
    """
    ops, y_true, y_pred = _align(y_true, y_pred)
    match = ops.equal(ops.greater(y_true, 0.0), ops.greater(y_pred, 0.0))
    return ops.mean(ops.cast(match, "float32"), axis=-1)


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
