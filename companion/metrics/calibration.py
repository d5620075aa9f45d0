"""Calibration scores: reliability curves, expected calibration error, the Brier score, temperature scaling.

:func:`reliability_curve` bins predicted confidences as scikit-learn's
``calibration_curve`` does; :func:`expected_calibration_error` summarises it;
:func:`brier_score` is the multi-class Brier score; :func:`fit_temperature` and
:func:`scaled_probabilities` fit and apply one temperature to logits. The recalibration
maps and proper-score decompositions are in :mod:`companion.calibration`.
"""

import numpy as np

from .._checks import numeric


def _labels_and_probabilities(y_true, prob):
    """Check ``(y_true, prob)``; return integer labels, probabilities and whether they are binary."""
    prob = numeric(prob, "prob", labels=False)
    y = numeric(y_true, "y_true", dtype=None)
    if prob.ndim == 2 and prob.shape[1] == 1:
        prob = prob[:, 0]
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or prob.ndim not in (1, 2) or len(y) != len(prob):
        raise ValueError(f"y_true must have shape (n,) and prob shape (n,) or (n, k) with the same n, "
                         f"got {y.shape} and {prob.shape}")
    if len(y) == 0:
        raise ValueError("y_true and prob are empty")
    if not np.all(np.isfinite(prob)) or np.any((prob < 0) | (prob > 1)):
        raise ValueError("prob must hold finite probabilities in [0, 1]")
    if not np.all(np.isfinite(y.astype("float64"))) or np.any(y.astype("float64") != np.round(y.astype("float64"))):
        raise ValueError("y_true must hold integer class labels")
    y = y.astype("int64")
    if prob.ndim == 1:
        if np.any((y != 0) & (y != 1)):
            raise ValueError("with one probability per sample (binary), y_true must hold 0/1 labels")
        return y, prob, True
    k = prob.shape[1]
    if k < 2:
        raise ValueError(f"prob of shape (n, k) needs k >= 2 classes, got {prob.shape}")
    if np.any(y < 0) or np.any(y >= k):
        raise ValueError(f"y_true must hold labels 0..{k - 1} for prob with {k} columns")
    if not np.allclose(prob.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError("each row of prob must sum to 1 (a distribution over the classes)")
    return y, prob, False


class ReliabilityCurve(tuple):
    """The bins of a reliability diagram: ``(confidence, accuracy, count)``; see :func:`reliability_curve`.

    Examples
    --------
    >>> from companion.metrics import reliability_curve
    >>> from companion.metrics.calibration import ReliabilityCurve
    >>> curve = reliability_curve([0, 0, 1, 1], [0.1, 0.2, 0.6, 0.9], n_bins=2)
    >>> isinstance(curve, ReliabilityCurve), curve.count
    (True, array([2, 2]))
    >>> confidence, accuracy, count = curve  # unpacks as a tuple
    """

    __slots__ = ()

    def __new__(cls, confidence, accuracy, count):
        return super().__new__(cls, (confidence, accuracy, count))

    confidence = property(lambda self: self[0], doc="Mean predicted probability in each non-empty bin.")
    accuracy = property(lambda self: self[1], doc="Observed frequency (or accuracy) in each non-empty bin.")
    count = property(lambda self: self[2], doc="Number of samples in each non-empty bin.")


def reliability_curve(y_true, prob, n_bins=15, strategy="uniform"):
    """Bin predicted probabilities and compare each bin's mean with what happened.

    Two cases, told apart by the shape of ``prob``:

    * **binary**, ``prob`` of shape (n,): the predicted probability of class 1,
      :math:`c_i = p_i`, against the outcome :math:`a_i = y_i`. A bin's "accuracy" is
      then the fraction of positives, as in scikit-learn's ``calibration_curve``.
    * **multi-class top-label**, ``prob`` of shape (n, k): the confidence
      :math:`c_i = \\max_j p_{ij}` of the predicted class :math:`\\hat y_i =
      \\arg\\max_j p_{ij}`, against :math:`a_i = [\\hat y_i = y_i]` (Guo et al. 2017).

    Bin :math:`b` holds the samples with :math:`e_{b-1} < c_i \\le e_b` (the first bin
    also holds :math:`c_i = e_0`): a confidence on an edge goes to the bin *below* it,
    the convention of scikit-learn's ``calibration_curve`` and of Guo et al. (2017),
    whose bin :math:`m` is :math:`((m-1)/M, m/M]`. The uniform edges are computed as
    ``k / n_bins`` (correctly rounded), so a confidence of exactly ``0.6`` with five
    bins lands in the third bin, :math:`(0.4, 0.6]`. (``np.linspace(0, 1, 6)[3]`` is
    ``0.6000000000000001``, and scikit-learn, which bins on ``np.linspace``, puts a
    value such as ``5 / 6`` with six bins in the bin above it; the two agree everywhere
    else.)

    On binary probabilities it returns the ``(prob_true, prob_pred)`` of scikit-learn's
    ``calibration_curve`` (tested equal, with ``"uniform"`` and ``"quantile"`` bins). What it
    adds: the number of samples in each bin (which ECE weights by, and which says how far to
    trust a bin), top-label binning of (n, k) probabilities, edges at exactly ``k / n_bins``,
    and one-line errors for labels that do not fit ``prob``.

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Labels: 0/1 in the binary case, ``0..k-1`` in the multi-class case.
    prob : array_like of shape (n,) or (n, k)
        Probability of class 1, or one probability per class (rows sum to 1).
    n_bins : int, default=15
        Number of bins (before empty bins are dropped).
    strategy : {"uniform", "quantile"}, default="uniform"
        ``"uniform"``: edges ``0, 1/n_bins, ..., 1`` (equal width). ``"quantile"``:
        edges at the quantiles of the confidences (``np.quantile``), so the bins hold
        about equally many samples (equal mass; tied confidences stay in one bin).

    Returns
    -------
    curve : ReliabilityCurve
        A tuple ``(confidence, accuracy, count)`` of arrays of shape (m,), one entry
        per non-empty bin in increasing order: mean :math:`c_i`, mean :math:`a_i`
        and number of samples in the bin.

    Raises
    ------
    ValueError
        For mismatched shapes, labels that do not fit ``prob``, probabilities outside
        [0, 1], rows that do not sum to 1, ``n_bins < 1`` or an unknown ``strategy``.

    Examples
    --------
    >>> from companion.metrics import reliability_curve
    >>> curve = reliability_curve([0, 0, 1, 1], [0.1, 0.2, 0.6, 0.9], n_bins=2)
    >>> curve.confidence, curve.accuracy, curve.count
    (array([0.15, 0.75]), array([0., 1.]), array([2, 2]))
    """
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
    if strategy not in ("uniform", "quantile"):
        raise ValueError(f"strategy must be 'uniform' or 'quantile', got {strategy!r}")
    y, prob, binary = _labels_and_probabilities(y_true, prob)
    if binary:
        confidence, outcome = prob, y.astype("float64")
    else:
        confidence = prob.max(axis=1)
        outcome = (prob.argmax(axis=1) == y).astype("float64")
    if strategy == "uniform":
        edges = np.arange(n_bins + 1) / n_bins  # k / n_bins correctly rounded (np.linspace is not: 3 * 0.2 > 0.6)
    else:
        edges = np.quantile(confidence, np.linspace(0.0, 1.0, n_bins + 1))
    # (e_{b-1}, e_b]: an edge value goes to the bin below, as in calibration_curve (searchsorted, side="left")
    index = np.searchsorted(edges[1:-1], confidence, side="left")
    count = np.bincount(index, minlength=n_bins)
    full = count > 0
    mean_confidence = np.bincount(index, weights=confidence, minlength=n_bins)[full] / count[full]
    mean_outcome = np.bincount(index, weights=outcome, minlength=n_bins)[full] / count[full]
    return ReliabilityCurve(mean_confidence, mean_outcome, count[full])


def expected_calibration_error(y_true, prob, n_bins=15, strategy="uniform"):
    """Expected calibration error: the count-weighted gap of a reliability diagram.

    .. math::

        \\mathrm{ECE} = \\sum_{b=1}^{B} \\frac{n_b}{n}\\,
        \\bigl| \\bar a_b - \\bar c_b \\bigr|

    over the bins of :func:`reliability_curve`: :math:`n_b` samples in bin
    :math:`b`, mean confidence :math:`\\bar c_b`, mean outcome (fraction of positives,
    or top-label accuracy) :math:`\\bar a_b`. Zero for a perfectly calibrated model
    (up to binning and sampling noise); at most 1. Binned ECE is biased upwards on
    small samples and depends on ``n_bins``, so compare models on the same test set
    with the same bins.

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Labels: 0/1 (binary) or ``0..k-1`` (multi-class).
    prob : array_like of shape (n,) or (n, k)
        Probability of class 1 (binary: the class-1 reliability), or a probability
        per class (multi-class: top-label confidence and accuracy).
    n_bins : int, default=15
        Number of bins, as in Guo et al. (2017).
    strategy : {"uniform", "quantile"}, default="uniform"
        Equal-width or equal-mass bins (see :func:`reliability_curve`).

    Returns
    -------
    ece : float

    Raises
    ------
    ValueError
        As :func:`reliability_curve`.

    Examples
    --------
    Two bins: {0.1, 0.2} with no positive (gap 0.15) and {0.6, 0.9} with two
    (gap 0.25): ECE = (2 * 0.15 + 2 * 0.25) / 4.

    >>> from companion.metrics import expected_calibration_error
    >>> round(expected_calibration_error([0, 0, 1, 1], [0.1, 0.2, 0.6, 0.9], n_bins=2), 6)
    0.2
    """
    curve = reliability_curve(y_true, prob, n_bins=n_bins, strategy=strategy)
    return float(np.sum(curve.count * np.abs(curve.accuracy - curve.confidence)) / np.sum(curve.count))


def brier_score(y_true, prob):
    """Brier score: the mean squared distance between predicted probabilities and outcomes.

    Binary, ``prob`` of shape (n,) (probability of class 1):
    :math:`\\frac1n \\sum_i (p_i - y_i)^2`, in [0, 1] (scikit-learn's
    ``brier_score_loss``). Multi-class, ``prob`` of shape (n, k):
    :math:`\\frac1n \\sum_i \\sum_j (p_{ij} - [y_i = j])^2`, in [0, 2] (Brier 1950).
    For two classes the multi-class form is twice the binary one. Lower is better;
    it is a strictly proper scoring rule (Gneiting and Raftery 2007).

    The binary score is scikit-learn's ``brier_score_loss``, which it calls; with three or
    more columns it equals ``brier_score_loss(y_true, prob, labels=range(k))`` of
    scikit-learn >= 1.7 (tested). What it adds: one convention for every ``k``, the sum over
    the columns, where scikit-learn's ``scale_by_half="auto"`` halves a two-column input to
    the binary scale; labels read as column indices, so a class absent from ``y_true``
    needs no ``labels=``; and the checks and one-line errors of the other calibration scores.

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Labels: 0/1 (binary) or ``0..k-1`` (multi-class).
    prob : array_like of shape (n,) or (n, k)
        Probability of class 1, or one probability per class (rows sum to 1).

    Returns
    -------
    score : float

    Raises
    ------
    ValueError
        For mismatched shapes, labels that do not fit ``prob``, probabilities outside
        [0, 1] or rows that do not sum to 1.

    Examples
    --------
    >>> from companion.metrics import brier_score
    >>> round(brier_score([0, 1], [0.2, 0.6]), 6)  # (0.04 + 0.16) / 2
    0.1
    >>> round(brier_score([0, 2], [[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]]), 6)  # (0.25 + 0.25 + 0) / 2
    0.25
    """
    y, prob, binary = _labels_and_probabilities(y_true, prob)
    if binary:
        from sklearn.metrics import brier_score_loss

        return float(brier_score_loss(y, prob, pos_label=1))
    onehot = np.eye(prob.shape[1])[y]
    return float(np.mean(np.sum((prob - onehot) ** 2, axis=1)))


def _check_logits(logits):
    z = np.asarray(logits, dtype="float64")
    if z.ndim == 2 and z.shape[1] == 1:
        z = z[:, 0]
    if z.ndim not in (1, 2) or not np.all(np.isfinite(z)):
        raise ValueError(f"logits must be finite, of shape (n,) or (n, k), got shape {z.shape}")
    return z


def scaled_probabilities(logits, temperature=1.0):
    """Turn logits into probabilities after dividing them by a temperature.

    Binary logits of shape (n,) give :math:`\\sigma(z_i / T)`; logits of shape (n, k)
    give :math:`\\operatorname{softmax}(z_i / T)`. :math:`T > 1` softens the
    probabilities towards 1/2 (or 1/k), :math:`T < 1` sharpens them; the predicted
    class never changes.

    Parameters
    ----------
    logits : array_like of shape (n,) or (n, k)
        The model's pre-activation outputs.
    temperature : float, default=1.0
        A positive number.

    Returns
    -------
    prob : ndarray of shape (n,) or (n, k)

    Examples
    --------
    >>> from companion.metrics import scaled_probabilities
    >>> scaled_probabilities([0.0, 2.0], temperature=2.0).round(3)
    array([0.5  , 0.731])
    >>> scaled_probabilities([[0.0, 0.0]]).round(3)
    array([[0.5, 0.5]])
    """
    z = _check_logits(logits)
    t = float(temperature)
    if not np.isfinite(t) or t <= 0:
        raise ValueError(f"temperature must be a positive number, got {temperature!r}")
    z = z / t
    if z.ndim == 1:
        return 0.5 * (1.0 + np.tanh(0.5 * z))  # the logistic sigmoid, without overflow
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(logits, y_true, bounds=(0.05, 20.0)):
    """Fit temperature scaling: the one temperature that minimises the log loss.

    Temperature scaling (Guo et al. 2017) divides a trained model's logits by one
    scalar :math:`T` chosen to minimise the negative log-likelihood

    .. math::

        T^\\ast = \\arg\\min_T \\; -\\frac1n \\sum_i \\log p_{y_i}(z_i / T)

    on a held-out **calibration** set (never the test set), with
    ``scipy.optimize.minimize_scalar`` over :math:`\\log T`. It rescales confidence
    and leaves every predicted class unchanged.

    Parameters
    ----------
    logits : array_like of shape (n,) or (n, k)
        Logits of the calibration set: one per sample (binary, sigmoid) or one per
        class (softmax).
    y_true : array_like of shape (n,)
        Labels: 0/1 (binary) or ``0..k-1``.
    bounds : tuple of float, default=(0.05, 20.0)
        The range searched for :math:`T`.

    Returns
    -------
    temperature : float

    Raises
    ------
    ValueError
        For logits that are not finite or do not fit the labels, or bad ``bounds``.

    Examples
    --------
    Logits twice too large (the labels were drawn with the halved logits) give
    :math:`T \\approx 2`:

    >>> import numpy as np
    >>> from companion.metrics import fit_temperature
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(0, 3, size=20000)
    >>> y = (rng.random(20000) < 1 / (1 + np.exp(-z / 2))).astype(int)
    >>> round(fit_temperature(z, y), 1)
    2.0
    """
    from scipy.optimize import minimize_scalar

    z = _check_logits(logits)
    low, high = (float(b) for b in bounds)
    if not (0 < low < high and np.isfinite(high)):
        raise ValueError(f"bounds must be 0 < low < high, got {bounds!r}")
    y, _, _ = _labels_and_probabilities(y_true, scaled_probabilities(z))
    if z.ndim == 1:
        sign = np.where(y == 1, 1.0, -1.0)

        def nll(log_t):
            return float(np.mean(np.logaddexp(0.0, -sign * z / np.exp(log_t))))
    else:
        def nll(log_t):
            s = z / np.exp(log_t)
            m = s.max(axis=1)
            return float(np.mean(m + np.log(np.exp(s - m[:, None]).sum(axis=1)) - s[np.arange(len(y)), y]))

    result = minimize_scalar(nll, bounds=(np.log(low), np.log(high)), method="bounded",
                             options={"xatol": 1e-6})
    return float(np.exp(result.x))
