"""Scores of predicted ranks against true ranks: MAE on the ranks, quadratic weighted kappa, accuracy.

An ordinal target takes ``K`` ordered values ``0..K-1`` (ratings, grades, severity levels). Three scores
judge predicted ranks, each a thin wrapper over scikit-learn with the same input checks:

* :func:`rank_mae` -- the mean absolute error on the ranks, ``mean |y - y_hat|``: one step off costs 1, two
  steps 2 (``sklearn.metrics.mean_absolute_error``);
* :func:`quadratic_weighted_kappa` -- Cohen's kappa with quadratic weights, the agreement beyond chance
  with a miss of ``d`` steps weighted ``d**2`` (``sklearn.metrics.cohen_kappa_score(weights="quadratic")``);
  1 is perfect agreement, 0 what chance gives, and it depends on how the ranks are spread over the scale;
* :func:`rank_accuracy` -- the share of exact ranks (``sklearn.metrics.accuracy_score``): a near miss
  counts as much as a far one.

:func:`ordinal_scores` returns all three. Inputs are ranks, not model outputs: decode outputs first with
:func:`companion.ordinal.predicted_ranks`. scikit-learn is imported inside the functions.
"""

import numpy as np

from .._checks import numeric

__all__ = ["ordinal_scores", "quadratic_weighted_kappa", "rank_accuracy", "rank_mae"]


def _ranks(y_true, y_pred, n_classes):
    """Check both rank arrays (shape (n,), whole numbers >= 0, below n_classes) and return them as int64."""
    if n_classes is not None and (isinstance(n_classes, (bool, np.bool_))
                                  or not isinstance(n_classes, (int, np.integer)) or n_classes < 2):
        raise ValueError(f"n_classes must be an integer >= 2, got {n_classes!r}")
    out = []
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        array = numeric(values, name)
        if array.ndim != 1:
            raise ValueError(f"{name} must be ranks of shape (n,), got shape {array.shape}; decode model outputs "
                             "with companion.ordinal.predicted_ranks first")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} contains NaN or infinite values")
        if np.any(array != np.round(array)) or np.any(array < 0):
            bad = array[(array != np.round(array)) | (array < 0)][0]
            raise ValueError(f"{name} must be integer ranks 0, 1, 2, ..., got {bad:g}")
        if n_classes is not None and array.size and array.max() > n_classes - 1:
            raise ValueError(f"{name} must lie in 0..{n_classes - 1} (n_classes={n_classes}), got {array.max():g}")
        out.append(array.astype("int64"))
    if out[0].shape != out[1].shape:
        raise ValueError(f"y_pred has shape {out[1].shape} but y_true has shape {out[0].shape}; "
                         "give one predicted rank per true rank")
    if out[0].size == 0:
        raise ValueError("y_true and y_pred are empty")
    return out


def rank_mae(y_true, y_pred, n_classes=None):
    """Return the mean absolute error between true and predicted ranks.

    Formula::

        mae = mean(|y_true - y_pred|)

    ``sklearn.metrics.mean_absolute_error`` on the ranks. The rank minimising its expectation is the
    median of the predicted distribution.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n,)
        Integer ranks ``0, 1, ...`` (floats holding whole numbers are accepted).
    n_classes : int, optional
        ``K``: if given, ranks above ``K - 1`` are refused.

    Returns
    -------
    mae : float, in ``[0, K-1]``

    Raises
    ------
    ValueError
        For shapes other than (n,) or that differ (naming ``y_pred``), non-integer or negative ranks,
        ranks ``>= n_classes``, NaN, or empty input.

    Examples
    --------
    >>> from companion.metrics.ordinal import rank_mae
    >>> rank_mae([0, 1, 2, 3], [0, 2, 2, 1])
    0.75
    """
    from sklearn.metrics import mean_absolute_error

    y, p = _ranks(y_true, y_pred, n_classes)
    return float(mean_absolute_error(y, p))


def quadratic_weighted_kappa(y_true, y_pred, n_classes=None, replace_undefined_by=0.0):
    """Return Cohen's kappa with quadratic weights between true and predicted ranks.

    Formula, with ``O`` the ``K x K`` table of (true, predicted) counts, ``E`` the table that
    independent ranks with the same margins would give (scaled to the same total) and
    ``w_ij = (i - j)**2``::

        kappa = 1 - sum(w * O) / sum(w * E)

    ``sklearn.metrics.cohen_kappa_score(y_true, y_pred, weights="quadratic", labels=range(K))``.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n,)
        Integer ranks.
    n_classes : int, optional
        ``K``; by default ``max(y_true, y_pred) + 1``. Ranks nobody uses change nothing.
    replace_undefined_by : float, default=0.0
        The value when kappa is undefined: both inputs hold one and the same rank, so chance
        agreement is already perfect (``sum(w * E) = 0``). Fixed in advance so that no replicate
        is dropped; scikit-learn's own default is NaN.

    Returns
    -------
    kappa : float, at most 1

    Raises
    ------
    ValueError
        As :func:`rank_mae`.

    Examples
    --------
    >>> from companion.metrics.ordinal import quadratic_weighted_kappa
    >>> round(quadratic_weighted_kappa([0, 1, 2, 3], [0, 2, 2, 1]), 4)
    0.375
    >>> quadratic_weighted_kappa([2, 2], [2, 2])  # undefined: the default replacement
    0.0
    """
    from sklearn.metrics import cohen_kappa_score

    y, p = _ranks(y_true, y_pred, n_classes)
    if np.union1d(y, p).size == 1:  # every rank, true and predicted, is one value: kappa is 0/0
        return float(replace_undefined_by)
    k = int(max(y.max(), p.max())) + 1 if n_classes is None else int(n_classes)
    return float(cohen_kappa_score(y, p, weights="quadratic", labels=np.arange(k),
                                   replace_undefined_by=replace_undefined_by))


def rank_accuracy(y_true, y_pred, n_classes=None):
    """Return the share of predicted ranks that equal the true rank (``sklearn.metrics.accuracy_score``).

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n,)
        Integer ranks.
    n_classes : int, optional
        ``K``: if given, ranks above ``K - 1`` are refused.

    Returns
    -------
    accuracy : float, in [0, 1]

    Raises
    ------
    ValueError
        As :func:`rank_mae`.

    Examples
    --------
    >>> from companion.metrics.ordinal import rank_accuracy
    >>> rank_accuracy([0, 1, 2, 3], [0, 2, 2, 1])
    0.5
    """
    from sklearn.metrics import accuracy_score

    y, p = _ranks(y_true, y_pred, n_classes)
    return float(accuracy_score(y, p))


def ordinal_scores(y_true, y_pred, n_classes=None):
    """Return the three ordinal scores of predicted ranks as a dict.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n,)
        Integer ranks.
    n_classes : int, optional
        ``K``.

    Returns
    -------
    scores : dict
        ``"mae"`` (:func:`rank_mae`), ``"qwk"`` (:func:`quadratic_weighted_kappa`) and ``"accuracy"``
        (:func:`rank_accuracy`).

    Examples
    --------
    >>> from companion.metrics.ordinal import ordinal_scores
    >>> {k: round(v, 3) for k, v in ordinal_scores([0, 1, 2, 3], [0, 2, 2, 1]).items()}
    {'mae': 0.75, 'qwk': 0.375, 'accuracy': 0.5}
    """
    return {"mae": rank_mae(y_true, y_pred, n_classes),
            "qwk": quadratic_weighted_kappa(y_true, y_pred, n_classes),
            "accuracy": rank_accuracy(y_true, y_pred, n_classes)}
