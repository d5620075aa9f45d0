"""Predictive intervals: split-conformal and conformalised quantile intervals, interval scores and coverage.

A model's own interval (a Gaussian mean plus or minus z standard deviations, or two
predicted quantiles) covers what it promises only if the model is right about its
spread. *Split-conformal prediction* corrects it with a calibration set the model never
saw: it widens (or narrows) the interval by a quantile of the calibration errors, so that
the interval covers a new target with probability at least the nominal level,
whatever the model, provided the calibration and test points are exchangeable
(Vovk et al. 2005; Lei et al. 2018; Angelopoulos and Bates 2021). The guarantee is
*marginal*, over the inputs: it says nothing about the coverage at one ``x``.

* :func:`split_conformal`: mean (or point) predictions with a constant half-width, or
  with a half-width proportional to a predicted scale (normalised residuals).
* :func:`conformalized_quantiles`: conformalised quantile regression (CQR, Romano,
  Patterson and Candès 2019), which shifts two predicted quantiles by one amount.
* :func:`interval_score`: the interval (Winkler) score of a central interval,
  Gneiting and Raftery (2007, section 6.2), a proper score for the pair of quantiles.

The conformal functions are thin wrappers around MAPIE's ``SplitConformalRegressor``
and ``ConformalizedQuantileRegressor`` in prefit mode: they take predictions that a
model already made (on the calibration and the test set), so any model, a Keras
network included, can be conformalised without refitting. ``import companion`` does
not import MAPIE; these functions do, when called. Coverage and width are
:func:`companion.metrics.intervals.interval_coverage` and :func:`companion.metrics.intervals.interval_width`.
"""

import numpy as np

__all__ = ["split_conformal", "conformalized_quantiles", "interval_score"]


def _vector(values, name, n=None):
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"{name} must be 1-D, one value per sample, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if n is not None and len(values) != n:
        raise ValueError(f"{name} has {len(values)} values, expected {n}")
    return values


def _confidence(confidence_level):
    level = float(confidence_level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"confidence_level must lie strictly between 0 and 1, got {confidence_level!r}")
    return level


def _lookup(values):
    """A fitted scikit-learn regressor whose prediction for the row ``[i]`` is ``values[i]``."""
    from sklearn.base import BaseEstimator, RegressorMixin

    class _Lookup(RegressorMixin, BaseEstimator):
        def fit(self, X, y=None):  # pragma: no cover - prefit only
            return self

        def predict(self, X):
            return self.values_[np.asarray(X, dtype=np.int64)[:, 0]]

    estimator = _Lookup()
    estimator.values_ = np.asarray(values, dtype=np.float64)
    estimator.n_features_in_ = 1
    return estimator


def _rows(n, offset=0):
    return (offset + np.arange(n))[:, None]


def split_conformal(pred_calib, y_calib, pred_test, confidence_level=0.9, scale_calib=None, scale_test=None):
    """Return split-conformal prediction intervals around point predictions.

    Formula (``alpha = 1 - confidence_level``, ``n`` calibration points)::

        score_i = |y_calib_i - pred_calib_i| / scale_calib_i      # scale = 1 if not given
        q = the ceil((n + 1)(1 - alpha))-th smallest score
        lower, upper = pred_test - q * scale_test, pred_test + q * scale_test

    With exchangeable calibration and test points, ``P(lower <= y <= upper) >=
    1 - alpha`` for a new test point, marginally over the inputs (Vovk et al. 2005; Lei
    et al. 2018). With ``scale`` (a predicted standard deviation, say) the half-width
    follows the predicted spread: the *normalised* score. Computed by MAPIE's
    ``SplitConformalRegressor(prefit=True, conformity_score="absolute")``, applied to the
    standardised residuals when a scale is given.

    Parameters
    ----------
    pred_calib : array_like of shape (n_calib,)
        The model's predictions on the calibration set, which it was not trained on.
    y_calib : array_like of shape (n_calib,)
        The calibration targets.
    pred_test : array_like of shape (n_test,)
        The model's predictions on the test inputs.
    confidence_level : float, default=0.9
        Nominal coverage, strictly between 0 and 1.
    scale_calib, scale_test : array_like of shape (n_calib,) and (n_test,), optional
        Positive scales (predicted standard deviations); both or neither.

    Returns
    -------
    lower, upper : ndarray of shape (n_test,)

    Raises
    ------
    ValueError
        For arrays that are not 1-D, differ in length, hold NaN or infinite values, for
        non-positive scales or only one of them, for a level outside (0, 1), or for a
        calibration set too small for the level (``n < 1 / alpha - 1``, where the
        interval would be infinite).

    Examples
    --------
    >>> import numpy as np
    >>> from companion.intervals import split_conformal
    >>> residuals = np.arange(1, 20) / 10  # 19 calibration points: q is the 18th smallest, 1.8
    >>> lower, upper = split_conformal(np.zeros(19), residuals, np.array([5.0]), confidence_level=0.9)
    >>> float(lower[0]), float(upper[0])
    (3.2, 6.8)
    """
    from mapie.regression import SplitConformalRegressor

    level = _confidence(confidence_level)
    pred_calib = _vector(pred_calib, "pred_calib")
    y_calib = _vector(y_calib, "y_calib", len(pred_calib))
    pred_test = _vector(pred_test, "pred_test")
    if (scale_calib is None) != (scale_test is None):
        raise ValueError("give both scale_calib and scale_test, or neither")
    if scale_calib is None:
        scale_calib, scale_test = np.ones(len(pred_calib)), np.ones(len(pred_test))
    scale_calib = _vector(scale_calib, "scale_calib", len(pred_calib))
    scale_test = _vector(scale_test, "scale_test", len(pred_test))
    if np.any(scale_calib <= 0) or np.any(scale_test <= 0):
        raise ValueError("scales must be positive")
    n = len(pred_calib)
    if np.ceil((n + 1) * level) > n:
        raise ValueError(f"{n} calibration points are too few for confidence_level={level}: "
                         f"at least {int(np.ceil(level / (1 - level)))} are needed")
    # Standardised residuals against a prediction of 0: the absolute score is |y - pred| / scale.
    conformal = SplitConformalRegressor(_lookup(np.zeros(n + len(pred_test))), confidence_level=level,
                                        conformity_score="absolute", prefit=True)
    conformal.conformalize(_rows(n), (y_calib - pred_calib) / scale_calib)
    _, bounds = conformal.predict_interval(_rows(len(pred_test), offset=n))
    return pred_test + bounds[:, 0, 0] * scale_test, pred_test + bounds[:, 1, 0] * scale_test


def conformalized_quantiles(q_calib, y_calib, q_test, confidence_level=0.9):
    """Return conformalised quantile regression (CQR) intervals from predicted quantiles.

    Formula (Romano, Patterson and Candès 2019; ``alpha = 1 - confidence_level``)::

        score_i = max(lo_calib_i - y_calib_i, y_calib_i - hi_calib_i)
        q = the ceil((n + 1)(1 - alpha))-th smallest score
        lower, upper = lo_test - q, hi_test + q

    The predicted quantiles keep their shape (wide where the model expects noise), and
    one shift ``q``, negative when they were too wide, gives marginal coverage of at least
    ``1 - alpha`` on exchangeable data. Computed by MAPIE's
    ``ConformalizedQuantileRegressor(prefit=True)`` with ``symmetric_correction=True``
    (the one shift of the paper; MAPIE's default shifts each end by its own quantile).

    Parameters
    ----------
    q_calib : array_like of shape (n_calib, 2) or (n_calib, 3)
        Predicted lower and upper quantiles, at levels ``alpha / 2`` and ``1 - alpha /
        2``, on the calibration set; a middle column (the median) is allowed and ignored.
    y_calib : array_like of shape (n_calib,)
    q_test : array_like of shape (n_test, 2) or (n_test, 3)
        The same on the test inputs.
    confidence_level : float, default=0.9

    Returns
    -------
    lower, upper : ndarray of shape (n_test,)

    Raises
    ------
    ValueError
        For quantile arrays not of shape (n, 2) or (n, 3), crossed quantiles (lower above
        upper), lengths that differ, NaN or infinite values, a level outside (0, 1) or a
        calibration set too small for it.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.intervals import conformalized_quantiles
    >>> q = np.tile([-1.0, 1.0], (39, 1))  # 39 calibration points, all with the interval [-1, 1]
    >>> y = np.linspace(-2.9, 2.8, 39)  # the score is |y| - 1; its 36th smallest is 1.65
    >>> lower, upper = conformalized_quantiles(q, y, np.array([[0.0, 0.5]]))
    >>> round(float(lower[0]), 6), round(float(upper[0]), 6)
    (-1.65, 2.15)
    """
    from mapie.regression import ConformalizedQuantileRegressor

    level = _confidence(confidence_level)
    columns = []
    for name, q in (("q_calib", q_calib), ("q_test", q_test)):
        q = np.asarray(q, dtype=np.float64)
        if q.ndim != 2 or q.shape[1] not in (2, 3):
            raise ValueError(f"{name} must have shape (n, 2) or (n, 3): lower[, median], upper; got {q.shape}")
        lo, hi = _vector(q[:, 0], f"{name} lower"), _vector(q[:, -1], f"{name} upper")
        if np.any(lo > hi):
            raise ValueError(f"{name}: lower exceeds upper at {int(np.sum(lo > hi))} of {len(lo)} samples; "
                             "rearrange crossed quantiles first (companion.metrics.rearrange_quantiles)")
        columns.append((lo, hi))
    (lo_c, hi_c), (lo_t, hi_t) = columns
    y_calib = _vector(y_calib, "y_calib", len(lo_c))
    n = len(lo_c)
    if np.ceil((n + 1) * level) > n:
        raise ValueError(f"{n} calibration points are too few for confidence_level={level}: "
                         f"at least {int(np.ceil(level / (1 - level)))} are needed")
    lows, highs = np.concatenate([lo_c, lo_t]), np.concatenate([hi_c, hi_t])
    estimators = [_lookup(lows), _lookup(highs), _lookup((lows + highs) / 2)]  # MAPIE's order: lower, upper, median
    cqr = ConformalizedQuantileRegressor(estimators, confidence_level=level, prefit=True)
    cqr.conformalize(_rows(n), y_calib)
    _, bounds = cqr.predict_interval(_rows(len(lo_t), offset=n), symmetric_correction=True)
    return bounds[:, 0, 0], bounds[:, 1, 0]


def interval_score(y, lower, upper, confidence_level=0.9):
    """Return the mean interval (Winkler) score of central prediction intervals; lower is better.

    Formula (Gneiting and Raftery 2007, section 6.2; ``alpha = 1 - confidence_level``)::

        score = (upper - lower) + (2 / alpha) * max(lower - y, 0) + (2 / alpha) * max(y - upper, 0)

    averaged over the samples. It is a proper score for the pair of quantiles at levels
    ``alpha / 2`` and ``1 - alpha / 2``: it charges the width, and every target outside
    the interval by its distance times ``2 / alpha``. It equals ``(2 / alpha)`` times
    the sum of the two quantiles' pinball losses, so unlike a pinball loss averaged
    with the median's, it scores the interval alone. In the target's units.

    Parameters
    ----------
    y, lower, upper : array_like of shape (n,)
        Targets and interval bounds, ``lower <= upper``.
    confidence_level : float, default=0.9
        The interval's nominal coverage, strictly between 0 and 1.

    Returns
    -------
    score : float

    Raises
    ------
    ValueError
        For arrays that are not 1-D or differ in length, NaN or infinite values, a
        level outside (0, 1), or ``lower > upper`` anywhere (MAPIE's
        ``regression_mwi_score`` swaps such ends silently; here they are refused).

    Examples
    --------
    >>> from companion.intervals import interval_score
    >>> round(interval_score([0.0, 3.0], [-1.0, -1.0], [1.0, 1.0]), 6)  # the mean of 2 and 2 + 20 * 2
    22.0
    """
    alpha = 1.0 - _confidence(confidence_level)
    y = _vector(y, "y")
    lower, upper = _vector(lower, "lower", len(y)), _vector(upper, "upper", len(y))
    if np.any(lower > upper):
        raise ValueError(f"lower exceeds upper at {int(np.sum(lower > upper))} of {len(y)} samples")
    penalty = np.maximum(lower - y, 0.0) + np.maximum(y - upper, 0.0)
    return float(np.mean(upper - lower + 2.0 / alpha * penalty))
