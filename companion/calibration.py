"""Calibration: post-hoc recalibration (temperature, Platt, isotonic), proper scores and their decompositions, and binned calibration error.

* :func:`fit_recalibration` fits one of three maps from a model's logits to
  probabilities on a held-out calibration set and returns a :class:`Recalibration`
  whose ``.apply(logits)`` maps new logits: ``"temperature"`` (Guo et al. 2017),
  ``"platt"`` (Platt 1999, a logistic regression on the logit) and ``"isotonic"``
  (Zadrozny and Elkan 2002, scikit-learn's ``IsotonicRegression``).
* :func:`brier_decomposition`: Murphy's reliability, resolution and uncertainty of the
  Brier score over bins, with the within-bin terms that make the identity exact.
* :func:`calibration_error` (equal-mass bins by default), :func:`classwise_calibration_error`
  (one-vs-rest, every class) and :func:`noise_floor`, the calibration error that a
  perfectly calibrated forecaster with the same forecasts scores by chance: binned
  ECE's upward bias, which differs from model to model.

The reliability bins themselves are :func:`companion.metrics.calibration.reliability_curve`.
"""

import numpy as np

__all__ = ["Recalibration", "fit_recalibration", "log_loss", "BrierDecomposition", "brier_decomposition",
           "calibration_error", "classwise_calibration_error", "noise_floor"]

METHODS = ("temperature", "platt", "isotonic")


def _binary_logits(logits, method):
    from .metrics.calibration import _check_logits

    z = _check_logits(logits)
    if z.ndim != 1:
        raise ValueError(f"method {method!r} maps binary logits of shape (n,); for logits of shape (n, k) use "
                         f"'temperature', got shape {z.shape}")
    return z


class Recalibration:
    """A fitted map from logits to probabilities; make one with :func:`fit_recalibration`.

    Attributes
    ----------
    method : {"temperature", "platt", "isotonic"}
    params : dict
        ``{"temperature": T}``, ``{"slope": a, "intercept": b}`` (Platt:
        :math:`\\sigma(a z + b)`), or ``{"steps": m}`` (isotonic: the number of
        thresholds of the fitted step function).

    Examples
    --------
    >>> from companion.calibration import Recalibration, fit_recalibration
    >>> platt = fit_recalibration("platt", [-2.0, -1.0, -0.5, 0.5, 1.0, 2.0], [0, 0, 1, 0, 1, 1])
    >>> isinstance(platt, Recalibration), platt.method, sorted(platt.params)
    (True, 'platt', ['intercept', 'slope'])
    >>> platt.apply([-1.0, 0.0, 3.0]).shape
    (3,)

    A temperature of 2 halves the logits before the sigmoid:

    >>> halve = Recalibration("temperature", {"temperature": 2.0})
    >>> halve
    Recalibration('temperature', temperature=2)
    >>> halve.apply([0.0, 2.0]).round(3)
    array([0.5  , 0.731])
    """

    def __init__(self, method, params, model=None, clip=None):
        self.method, self.params, self._model, self._clip = method, dict(params), model, clip

    def apply(self, logits):
        """Return the recalibrated probabilities of ``logits``.

        Parameters
        ----------
        logits : array_like of shape (n,) or (n, k)
            Logits of new samples, in the form the map was fitted on.

        Returns
        -------
        prob : ndarray of shape (n,) or (n, k)
            Probability of class 1 (binary) or of every class (softmax).
        """
        from .metrics.calibration import _check_logits, scaled_probabilities

        if self.method == "temperature":
            return scaled_probabilities(_check_logits(logits), self.params["temperature"])
        z = _binary_logits(logits, self.method)
        if self.method == "platt":
            return scaled_probabilities(self.params["slope"] * z + self.params["intercept"])
        return np.clip(self._model.predict(z), self._clip, 1.0 - self._clip)

    def __repr__(self):
        shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params.items())
        return f"Recalibration({self.method!r}, {shown})"


def fit_recalibration(method, logits, y_true, clip=1e-3):
    """Fit a post-hoc map from a trained model's logits to calibrated probabilities.

    Fit it on a held-out **calibration** set (never on the test set, and not on the
    training set, where a network's outputs are over-confident), then ``.apply`` it to
    new logits.

    * ``"temperature"``: :math:`\\sigma(z / T)` or :math:`\\operatorname{softmax}(z / T)`,
      one parameter, the maximum-likelihood :math:`T`
      (:func:`companion.metrics.calibration.fit_temperature`). It keeps every predicted class and
      the point :math:`z = 0`, so it cannot move a shift of the log-odds.
    * ``"platt"``: :math:`\\sigma(a z + b)`, binary only: scikit-learn's
      ``LogisticRegression(C=np.inf)`` (no penalty) on the one feature :math:`z`, plain maximum
      likelihood (Platt's 1999 smoothed targets, which ``CalibratedClassifierCV``'s
      ``"sigmoid"`` uses, are left out). The intercept :math:`b` takes up a shift of the
      log-odds, such as the :math:`\\log(w_1 / w_0)` of class weights.
    * ``"isotonic"``: the non-decreasing step function of :math:`z` closest to the
      labels in squared error, binary only: scikit-learn's ``IsotonicRegression``
      (``out_of_bounds="clip"``), as ``CalibratedClassifierCV(method="isotonic")``
      uses it. Its steps can reach 0 and 1, which gives an infinite log loss on a test
      point of the other class, so its outputs are clipped to ``[clip, 1 - clip]``.

    Parameters
    ----------
    method : {"temperature", "platt", "isotonic"}
    logits : array_like of shape (n,) or (n, k)
        Calibration-set logits: one per sample (binary) or one per class (softmax,
        ``"temperature"`` only).
    y_true : array_like of shape (n,)
        Labels 0/1, or ``0..k-1``.
    clip : float, default=1e-3
        Isotonic outputs are clipped to ``[clip, 1 - clip]``; in (0, 0.5).

    Returns
    -------
    recalibration : Recalibration
        ``.apply(logits)`` returns probabilities; ``.params`` the fitted values.

    Raises
    ------
    ValueError
        For an unknown method, a multi-class ``"platt"`` or ``"isotonic"``, labels that
        do not fit the logits, one class only (Platt, isotonic), or a bad ``clip``.

    Examples
    --------
    Logits that are the true log-odds shifted by +1 (a model that predicts class 1 too
    often): Platt's intercept finds the shift, a temperature cannot.

    >>> import numpy as np
    >>> from companion.calibration import fit_recalibration
    >>> rng = np.random.default_rng(0)
    >>> truth = rng.normal(0, 2, 20000)
    >>> y = (rng.random(20000) < 1 / (1 + np.exp(-truth))).astype(int)
    >>> platt = fit_recalibration("platt", truth + 1, y)
    >>> round(platt.params["slope"], 1), round(platt.params["intercept"], 1)
    (1.0, -1.0)
    >>> fit_recalibration("isotonic", truth + 1, y).apply([-50.0, 50.0])
    array([0.001, 0.999])
    """
    from .metrics.calibration import _check_logits, _labels_and_probabilities, fit_temperature, scaled_probabilities

    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    clip = float(clip)
    if not 0 < clip < 0.5:
        raise ValueError(f"clip must lie in (0, 0.5), got {clip!r}")
    if method == "temperature":
        return Recalibration(method, {"temperature": fit_temperature(logits, y_true)})
    z = _binary_logits(logits, method)
    y, _, _ = _labels_and_probabilities(y_true, scaled_probabilities(_check_logits(z)))
    if np.unique(y).size < 2:
        raise ValueError(f"method {method!r} needs both classes among the calibration labels")
    if method == "platt":
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=np.inf).fit(z[:, None], y)  # no penalty: plain maximum likelihood
        return Recalibration(method, {"slope": float(model.coef_[0, 0]), "intercept": float(model.intercept_[0])})
    from sklearn.isotonic import IsotonicRegression

    model = IsotonicRegression(out_of_bounds="clip", increasing=True).fit(z, y)
    return Recalibration(method, {"steps": len(model.X_thresholds_)}, model=model, clip=clip)


def log_loss(y_true, prob):
    """Mean negative log-likelihood of the labels under the predicted probabilities (log loss, in nats).

    .. math::

        \\mathrm{NLL} = -\\frac1n \\sum_i \\log p_{i, y_i}

    with :math:`p_{i,1} = p_i` and :math:`p_{i,0} = 1 - p_i` for binary probabilities.
    Probabilities are clipped to ``[eps, 1 - eps]`` (``eps`` the float64 machine
    epsilon), as scikit-learn's ``log_loss`` does, so a confident mistake costs about 36
    nats instead of infinity. The same value as ``sklearn.metrics.log_loss`` without its
    input checks, which cost more than the sum itself on a few thousand points. Strictly
    proper: lower is better.

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Labels 0/1, or ``0..k-1``.
    prob : array_like of shape (n,) or (n, k)
        Probability of class 1, or of every class (rows sum to 1).

    Returns
    -------
    nll : float

    Raises
    ------
    ValueError
        For mismatched shapes, labels that do not fit ``prob``, probabilities outside
        [0, 1] or rows that do not sum to 1.

    Examples
    --------
    >>> from companion.calibration import log_loss
    >>> round(log_loss([1, 0], [0.8, 0.4]), 6)  # -(log 0.8 + log 0.6) / 2
    0.366985
    """
    from .metrics.calibration import _labels_and_probabilities

    y, p, binary = _labels_and_probabilities(y_true, prob)
    given = np.where(y == 1, p, 1.0 - p) if binary else p[np.arange(len(y)), y]
    eps = np.finfo(np.float64).eps
    return float(-np.mean(np.log(np.clip(given, eps, 1.0 - eps))))


class BrierDecomposition(tuple):
    """``(reliability, resolution, uncertainty, within_bin)``; see :func:`brier_decomposition`.

    A tuple of four floats with a name for each, and :attr:`brier` their combination.

    Examples
    --------
    >>> from companion.calibration import BrierDecomposition, brier_decomposition
    >>> d = brier_decomposition([0, 1, 1, 1], [0.2, 0.2, 0.8, 0.8], n_bins=2, strategy="uniform")
    >>> isinstance(d, BrierDecomposition), len(d)
    (True, 4)
    >>> round(d.reliability, 4), round(d.resolution, 4), round(d.uncertainty, 4), round(d.brier, 4)
    (0.065, 0.0625, 0.1875, 0.19)
    >>> reliability, resolution, uncertainty, within_bin = d  # unpacks as a tuple
    """

    __slots__ = ()

    def __new__(cls, reliability, resolution, uncertainty, within_bin):
        return super().__new__(cls, (reliability, resolution, uncertainty, within_bin))

    reliability = property(lambda self: self[0], doc="Count-weighted mean squared gap of the bins (lower is better).")
    resolution = property(lambda self: self[1], doc="Count-weighted spread of the bins' frequencies around the base "
                                                    "rate (higher is better).")
    uncertainty = property(lambda self: self[2], doc="Base rate times its complement: the Brier score of always "
                                                     "forecasting the test set's base rate.")
    within_bin = property(lambda self: self[3], doc="Within-bin variance minus twice the within-bin covariance of "
                                                    "forecast and outcome (0 when every bin holds one forecast).")

    @property
    def brier(self):
        """The Brier score, ``reliability - resolution + uncertainty + within_bin``."""
        return self[0] - self[1] + self[2] + self[3]


def brier_decomposition(y_true, prob, n_bins=15, strategy="quantile"):
    """Murphy's decomposition of the Brier score into reliability, resolution and uncertainty.

    With the forecasts grouped into the bins of
    :func:`companion.metrics.calibration.reliability_curve` (bin :math:`b`: :math:`n_b` samples,
    mean forecast :math:`\\bar c_b`, frequency :math:`\\bar a_b`; base rate
    :math:`\\bar y`), Murphy (1973) and Stephenson et al. (2008):

    .. math::

        \\mathrm{BS} = \\underbrace{\\sum_b \\tfrac{n_b}{n} (\\bar c_b - \\bar a_b)^2}_{\\text{reliability}}
        - \\underbrace{\\sum_b \\tfrac{n_b}{n} (\\bar a_b - \\bar y)^2}_{\\text{resolution}}
        + \\underbrace{\\bar y (1 - \\bar y)}_{\\text{uncertainty}}
        + \\underbrace{\\tfrac1n \\sum_b \\sum_{i \\in b} \\bigl[(c_i - \\bar c_b)^2
          - 2 (c_i - \\bar c_b)(y_i - \\bar a_b)\\bigr]}_{\\text{within bin}}

    exactly. Reliability is the squared calibration gap (the squared-error cousin of
    ECE); resolution rewards forecasts that separate the outcomes; uncertainty is the
    test set's own. The within-bin term vanishes when each bin holds a single forecast
    value and is small for narrow bins. Reliability shares binned ECE's upward bias on a
    finite sample (see :func:`noise_floor`); the Brier score itself is unbiased.

    For ``prob`` of shape (n, k) each term is summed over the classes, one-vs-rest, as
    the multi-class Brier score :math:`\\frac1n \\sum_i \\sum_j (p_{ij} - [y_i = j])^2` is
    the sum of the classes' binary Brier scores.

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Labels 0/1, or ``0..k-1``.
    prob : array_like of shape (n,) or (n, k)
        Probability of class 1, or of every class.
    n_bins : int, default=15
    strategy : {"quantile", "uniform"}, default="quantile"
        Equal-mass or equal-width bins (:func:`companion.metrics.calibration.reliability_curve`).

    Returns
    -------
    decomposition : BrierDecomposition
        ``(reliability, resolution, uncertainty, within_bin)``, floats; ``.brier`` their
        combination, equal to :func:`companion.metrics.calibration.brier_score` up to rounding.

    Raises
    ------
    ValueError
        As :func:`companion.metrics.calibration.reliability_curve`.

    Examples
    --------
    Forecasts 0.2 (twice, one positive) and 0.8 (twice, both positive), one bin each:

    >>> from companion.calibration import brier_decomposition
    >>> d = brier_decomposition([0, 1, 1, 1], [0.2, 0.2, 0.8, 0.8], n_bins=2, strategy="uniform")
    >>> [round(x, 4) for x in d]  # reliability (0.09 + 0.04) / 2, resolution 0.0625, 0.75 * 0.25, 0
    [0.065, 0.0625, 0.1875, 0.0]
    >>> round(d.brier, 4)  # (0.04 + 0.64 + 0.04 + 0.04) / 4
    0.19
    """
    from .metrics.calibration import _labels_and_probabilities, reliability_curve

    y, p, binary = _labels_and_probabilities(y_true, prob)
    columns = [(y, p)] if binary else [((y == j).astype("int64"), p[:, j]) for j in range(p.shape[1])]
    reliability_curve(*columns[0], n_bins=n_bins, strategy=strategy)  # checks n_bins and strategy
    total = np.zeros(4)
    for outcome, forecast in columns:
        index = _bin_index(forecast, n_bins, strategy)
        n = len(outcome)
        count = np.bincount(index, minlength=n_bins)
        full = count > 0
        mean_c = np.bincount(index, weights=forecast, minlength=n_bins)[full] / count[full]
        mean_a = np.bincount(index, weights=outcome, minlength=n_bins)[full] / count[full]
        base = outcome.mean()
        dc = forecast - np.bincount(index, weights=forecast, minlength=n_bins)[index] / count[index]
        da = outcome - np.bincount(index, weights=outcome, minlength=n_bins)[index] / count[index]
        total += [np.sum(count[full] * (mean_c - mean_a) ** 2) / n, np.sum(count[full] * (mean_a - base) ** 2) / n,
                  base * (1 - base), np.sum(dc**2 - 2 * dc * da) / n]
    return BrierDecomposition(*(float(x) for x in total))


def _bin_index(confidence, n_bins, strategy):
    """Bin of each confidence, as :func:`companion.metrics.calibration.reliability_curve` assigns it."""
    if strategy == "uniform":
        edges = np.arange(n_bins + 1) / n_bins
    else:
        edges = np.quantile(confidence, np.linspace(0.0, 1.0, n_bins + 1))
    return np.searchsorted(edges[1:-1], confidence, side="left")


def calibration_error(y_true, prob, n_bins=15, strategy="quantile"):
    """Expected calibration error over equal-mass bins (by default).

    :func:`companion.metrics.calibration.expected_calibration_error` with ``strategy="quantile"``:
    every bin holds about ``n / n_bins`` samples, so no bin's frequency rests on a
    handful of points where the forecasts are rare (Nixon et al. 2019; Roelofs et
    al. 2022). It is still biased upwards on a finite sample, by an amount that depends
    on the forecasts (:func:`noise_floor`), and it measures reliability only: use it to
    diagnose, and a proper score (log loss, Brier) to rank models.

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Labels 0/1 (class-1 reliability) or ``0..k-1`` (top-label).
    prob : array_like of shape (n,) or (n, k)
    n_bins : int, default=15
    strategy : {"quantile", "uniform"}, default="quantile"

    Returns
    -------
    ece : float

    Raises
    ------
    ValueError
        As :func:`companion.metrics.calibration.reliability_curve`.

    Examples
    --------
    >>> from companion.calibration import calibration_error
    >>> round(calibration_error([0, 0, 1, 1], [0.1, 0.2, 0.6, 0.9], n_bins=2), 6)  # bins {0.1, 0.2}, {0.6, 0.9}
    0.2
    """
    from .metrics import expected_calibration_error

    return expected_calibration_error(y_true, prob, n_bins=n_bins, strategy=strategy)


def classwise_calibration_error(y_true, prob, n_bins=15, strategy="quantile"):
    """Class-wise calibration error: the mean over classes of each class's one-vs-rest ECE.

    Top-label ECE looks only at the largest probability. A multi-class model can be
    calibrated there and still mis-state the probabilities of the other classes, which
    a reader uses when ranking alternatives or adding up risks. Class-wise ECE (Kull et
    al. 2019; Nixon et al. 2019's "static calibration error") bins the probability of
    each class :math:`j` against the outcome :math:`[y = j]` over all samples:

    .. math::

        \\mathrm{cwECE} = \\frac1k \\sum_{j=1}^{k} \\mathrm{ECE}\\bigl([y = j],\\, p_{\\cdot j}\\bigr)

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Labels ``0..k-1``.
    prob : array_like of shape (n, k)
        One probability per class, rows summing to 1.
    n_bins : int, default=15
    strategy : {"quantile", "uniform"}, default="quantile"

    Returns
    -------
    ece : float

    Raises
    ------
    ValueError
        For ``prob`` that is not of shape (n, k), and as
        :func:`companion.metrics.calibration.reliability_curve`.

    Examples
    --------
    >>> from companion.calibration import classwise_calibration_error
    >>> prob = [[0.8, 0.2], [0.8, 0.2], [0.4, 0.6], [0.4, 0.6]]
    >>> round(classwise_calibration_error([0, 1, 1, 1], prob, n_bins=2), 6)  # each class: gaps 0.3 and 0.4
    0.35
    """
    from .metrics.calibration import _labels_and_probabilities, expected_calibration_error

    y, p, binary = _labels_and_probabilities(y_true, prob)
    if binary:
        raise ValueError("classwise_calibration_error needs prob of shape (n, k), one column per class; for binary "
                         "probabilities of shape (n,) use calibration_error")
    return float(np.mean([expected_calibration_error((y == j).astype("int64"), p[:, j], n_bins=n_bins,
                                                     strategy=strategy) for j in range(p.shape[1])]))


def noise_floor(prob, n_bins=15, strategy="quantile", classwise=False, draws=100, seed=0):
    """The calibration error a perfectly calibrated forecaster scores by chance with these forecasts.

    Binned ECE is biased upwards: each bin's frequency is a noisy estimate, and the
    absolute value turns its noise into a positive gap. How large that bias is depends
    on the forecasts: how many samples fall in each bin and how far from 0 and 1 they
    lie. So the ECE of two models does not carry the same bias, and it does not cancel
    in their difference. This function measures it for one model's forecasts: it
    draws outcomes from the forecasts themselves (so the forecasts are exactly
    calibrated) ``draws`` times and returns the mean ECE. An observed ECE near it means
    "calibrated as far as this test set can tell".

    Parameters
    ----------
    prob : array_like of shape (n,) or (n, k)
        The model's test forecasts: probability of class 1, or of every class.
    n_bins : int, default=15
    strategy : {"quantile", "uniform"}, default="quantile"
    classwise : bool, default=False
        Score with :func:`classwise_calibration_error` (``prob`` of shape (n, k)) instead
        of :func:`calibration_error` (class-1 or top-label).
    draws : int, default=100
        Number of simulated label sets.
    seed : int, default=0
        Seed of the simulation's own generator (no global state is touched).

    Returns
    -------
    floor : float
        Mean ECE over the draws.

    Raises
    ------
    ValueError
        For probabilities outside [0, 1], rows that do not sum to 1, ``draws < 1``,
        and as :func:`companion.metrics.calibration.reliability_curve`.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.calibration import noise_floor
    >>> p = np.random.default_rng(42).random(2000)  # forecasts spread evenly over [0, 1]
    >>> round(noise_floor(p, draws=50), 2)  # 15 equal-mass bins of about 133 points
    0.03
    """
    from .metrics.calibration import _labels_and_probabilities

    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise ValueError(f"draws must be a positive integer, got {draws!r}")
    p = np.asarray(prob, dtype="float64")
    if p.ndim == 2 and p.shape[1] == 1:
        p = p[:, 0]
    _, p, binary = _labels_and_probabilities(np.zeros(len(p), dtype=int), p)
    if classwise and binary:
        raise ValueError("classwise=True needs prob of shape (n, k)")
    rng = np.random.default_rng(seed)
    values = []
    if not classwise:  # the bins depend on the forecasts only: find them once, then score every draw in them
        from .metrics import reliability_curve

        reliability_curve(np.zeros(len(p), dtype=int), p, n_bins=n_bins, strategy=strategy)  # checks the arguments
        confidence = p if binary else p.max(axis=1)
        index = _bin_index(confidence, n_bins, strategy)
        count = np.bincount(index, minlength=n_bins)
        full = count > 0
        mean_confidence = np.bincount(index, weights=confidence, minlength=n_bins)[full] / count[full]
    cumulative = None if binary else np.cumsum(p, axis=1)
    for _ in range(draws):
        if binary:
            y = (rng.random(len(p)) < p).astype("int64")
        else:
            y = np.minimum((rng.random((len(p), 1)) > cumulative).sum(axis=1), p.shape[1] - 1)
        if classwise:
            values.append(classwise_calibration_error(y, p, n_bins=n_bins, strategy=strategy))
            continue
        outcome = (y if binary else (p.argmax(axis=1) == y)).astype("float64")
        mean_outcome = np.bincount(index, weights=outcome, minlength=n_bins)[full] / count[full]
        values.append(float(np.sum(count[full] * np.abs(mean_outcome - mean_confidence)) / np.sum(count[full])))
    return float(np.mean(values))
