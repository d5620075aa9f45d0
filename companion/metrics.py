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

:func:`gaussian_posterior` and :func:`gaussian_bayes_accuracy` give the limit no
model can beat on Gaussian classes such as the three blobs: the Bayes classifier's
posterior and its population accuracy.

The rest are NumPy scorers of the part "Beyond the seeds", one group per chapter:

* imbalanced classes: :func:`recall_at_precision`, :func:`best_threshold` (threshold
  moving, chosen on training or validation data), :func:`imbalance_scores` (PR-AUC,
  recall at a precision, balanced accuracy and log loss, from scikit-learn) and
  :func:`undo_class_weight` (the probabilities a class-weighted model would give unweighted);
* calibration: :func:`reliability_curve`, :func:`expected_calibration_error`,
  :func:`brier_score`, and temperature scaling (:func:`fit_temperature`,
  :func:`scaled_probabilities`);
* intervals: :func:`interval_coverage`, :func:`interval_width`,
  :func:`quantile_crossings` and :func:`rearrange_quantiles` (sorting crossed quantiles).
"""

import numpy as np


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


def _gaussian_classes(centers, cluster_std):
    centers = np.asarray(centers, dtype=float)
    if centers.ndim != 2 or centers.shape[0] < 2:
        raise ValueError(f"centers must have shape (n_classes >= 2, n_features), got {centers.shape}")
    if not np.all(np.isfinite(centers)):
        raise ValueError("centers must be finite")
    if len(np.unique(centers, axis=0)) != len(centers):
        raise ValueError("centers must be distinct: two classes with one centre cannot be told apart")
    cluster_std = float(cluster_std)
    if not (np.isfinite(cluster_std) and cluster_std > 0):
        raise ValueError(f"cluster_std must be a positive number, got {cluster_std!r}")
    return centers, cluster_std


def gaussian_posterior(X, centers, cluster_std):
    """Return the true class probabilities of isotropic Gaussian classes with equal priors.

    Data drawn like scikit-learn's ``make_blobs`` (class ``k`` is
    ``N(centers[k], cluster_std**2 I)``, classes equally likely) have the posterior

    Formula::

        p(k | x) = softmax_k(-||x - centers[k]||**2 / (2 * cluster_std**2))

    Its argmax, the nearest centre, is the Bayes classifier: no model scores a
    higher expected accuracy. ``-log p(y | x)`` averaged over samples is the Bayes
    log loss, the floor of any model's expected cross-entropy.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    centers : array_like of shape (n_classes, n_features)
        Distinct class centres.
    cluster_std : float
        Standard deviation of every class along every axis, ``> 0``.

    Returns
    -------
    posterior : ndarray of shape (n_samples, n_classes)
        Rows sum to 1 (computed with the log-sum-exp shift, so far points do not
        underflow to 0/0).

    Raises
    ------
    ValueError
        For centres that are not distinct, a non-positive ``cluster_std``, or ``X``
        whose feature count differs from the centres'.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.metrics import gaussian_posterior
    >>> gaussian_posterior(np.array([[0.0], [1.0]]), np.array([[-1.0], [1.0]]), 1.0).round(3)
    array([[0.5  , 0.5  ],
           [0.119, 0.881]])
    """
    centers, cluster_std = _gaussian_classes(centers, cluster_std)
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != centers.shape[1]:
        raise ValueError(f"X must have shape (n, {centers.shape[1]}) to match the centres, got {X.shape}")
    scores = -((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=-1) / (2 * cluster_std**2)
    scores -= scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def gaussian_bayes_accuracy(centers, cluster_std):
    """Return the population accuracy of the Bayes classifier for isotropic Gaussian classes.

    The classes are ``N(centers[k], cluster_std**2 I)`` with equal priors, as drawn by
    scikit-learn's ``make_blobs``. The Bayes classifier picks the nearest centre, so a
    point of class ``k`` is classified correctly when, for every other class ``j``,
    its offset from ``centers[k]`` projected on the unit vector ``e_j`` towards
    ``centers[j]`` stays below half the distance ``d_j = ||centers[j] - centers[k]||``:

    Formula::

        accuracy = mean_k P(U_j < d_j / 2 for all j != k),  U ~ N(0, cluster_std**2 E E^T)

    where the rows of ``E`` are the ``e_j``. This is a normal probability in
    ``n_classes - 1`` dimensions: ``Phi(d / (2 cluster_std))`` for two classes, the
    bivariate normal CDF (an exact algorithm, deterministic) for three.

    Parameters
    ----------
    centers : array_like of shape (n_classes, n_features)
        Distinct class centres.
    cluster_std : float
        Standard deviation of every class along every axis, ``> 0``.

    Returns
    -------
    accuracy : float
        The highest expected accuracy any classifier can reach on fresh samples.

    Raises
    ------
    ValueError
        For fewer than two or repeated centres, or a non-positive ``cluster_std``.

    Examples
    --------
    >>> from companion.metrics import gaussian_bayes_accuracy
    >>> round(gaussian_bayes_accuracy([[0.0, 0.0], [2.0, 0.0]], 1.0), 4)  # Phi(1)
    0.8413
    """
    from scipy import stats

    centers, cluster_std = _gaussian_classes(centers, cluster_std)
    k = len(centers)
    total = 0.0
    for c in range(k):
        offsets = np.delete(centers, c, axis=0) - centers[c]
        distances = np.linalg.norm(offsets, axis=1)
        if k == 2:
            total += float(stats.norm.cdf(distances[0] / (2 * cluster_std)))
            continue
        directions = offsets / distances[:, None]
        total += float(stats.multivariate_normal.cdf(distances / 2, mean=np.zeros(k - 1),
                                                     cov=cluster_std**2 * directions @ directions.T,
                                                     allow_singular=True))
    return total / k


# --- Prediction intervals and predicted quantiles (uncertainty chapter).

def _interval(y, lower, upper):
    """Return ``y``, ``lower``, ``upper`` as finite float64 arrays of one shape, or raise ``ValueError``."""
    arrays = []
    for name, value in (("y", y), ("lower", lower), ("upper", upper)):
        if value is None:
            arrays.append(None)
            continue
        value = np.asarray(value, dtype=np.float64)
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


def _binary_scores(y_true, scores, name="scores"):
    """Check 0/1 labels and one finite score per sample; accept scores of shape (n,) or (n, 1)."""
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    if s.ndim == 2 and s.shape[1] == 1:
        s = s[:, 0]
    if y.ndim != 1 or s.ndim != 1 or len(y) != len(s):
        raise ValueError(f"y_true must have shape (n,) and {name} shape (n,) or (n, 1), "
                         f"got {y.shape} and {np.shape(scores)}")
    if len(y) == 0:
        raise ValueError("y_true is empty")
    if not np.all(np.isin(y, (0, 1))):
        raise ValueError("y_true must hold binary labels 0 and 1")
    if not np.all(np.isfinite(s)):
        raise ValueError(f"{name} contain NaN or infinite values")
    if y.min() == y.max():
        raise ValueError(f"y_true holds only class {int(y[0])}; these scores need both classes")
    return y.astype("int64"), s


def recall_at_precision(y_true, scores, precision=0.9):
    """Return the highest recall any threshold reaches while keeping precision at least ``precision``.

    Sweeps the decision threshold over every distinct score (a sample is called
    positive when its score is at or above the threshold), keeps the thresholds
    whose precision ``TP / (TP + FP)`` is at least ``precision``, and returns the
    largest recall ``TP / (TP + FN)`` among them: "how many positives can be found
    if at most 1 - precision of the alarms may be false". The thresholds are read
    off the same data, so on a test set this is an optimistic, threshold-free
    summary like the area under the precision-recall curve.

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Labels 0 and 1, both present.
    scores : array_like of shape (n,) or (n, 1)
        Predicted probabilities or any score that ranks the positives higher.
    precision : float, default=0.9
        The precision to keep, in (0, 1].

    Returns
    -------
    recall : float
        In [0, 1]; 0.0 when no threshold reaches the precision.

    Raises
    ------
    ValueError
        For labels other than 0/1 or of one class only, scores of another length or
        not finite, or a precision outside (0, 1].

    Examples
    --------
    >>> from companion.metrics import recall_at_precision
    >>> y = [0, 0, 1, 0, 1, 1]
    >>> s = [0.1, 0.2, 0.3, 0.4, 0.8, 0.9]
    >>> recall_at_precision(y, s, precision=1.0)  # threshold 0.8: 2 of 3 positives, no false alarm
    0.6666666666666666
    >>> recall_at_precision(y, s, precision=0.75)  # threshold 0.3: 3 of 3, one false alarm in 4
    1.0
    """
    from sklearn.metrics import precision_recall_curve

    y, s = _binary_scores(y_true, scores)
    if isinstance(precision, bool) or not np.isscalar(precision) or not 0 < float(precision) <= 1:
        raise ValueError(f"precision must lie in (0, 1], got {precision!r}")
    p, r, _ = precision_recall_curve(y, s)
    # The last point (precision 1, recall 0) belongs to no threshold: drop it.
    reached = p[:-1] >= float(precision)
    return float(r[:-1][reached].max()) if reached.any() else 0.0


def best_threshold(y_true, prob, metric="balanced_accuracy"):
    """Choose the decision threshold that maximises a score on the data given (never the test set).

    Threshold moving: keep a model's probabilities and call a sample positive when
    ``prob >= threshold`` for a threshold other than 0.5. Candidates are the
    midpoints between consecutive distinct values of ``prob`` (and one point below
    the smallest and one above the largest), so the chosen threshold sits in the
    middle of a gap and small changes of the scores do not move a sample across it.
    Ties go to the lowest candidate. Pass training or validation data: a threshold
    chosen on the test set makes the test score optimistic.

    ``"balanced_accuracy"`` is ``(TPR + TNR) / 2``. For calibrated probabilities its
    population optimum is the prior ``pi = mean(y)`` (call positive when
    ``p / pi > (1 - p) / (1 - pi)``), the closed-form alternative to a search.

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Labels 0 and 1, both present.
    prob : array_like of shape (n,) or (n, 1)
        Predicted probabilities (or scores) on the same samples.
    metric : {"balanced_accuracy", "f1"}, default="balanced_accuracy"
        The score to maximise; ``"f1"`` is ``2 TP / (2 TP + FP + FN)``.

    Returns
    -------
    threshold : float

    Raises
    ------
    ValueError
        For labels other than 0/1 or of one class only, scores of another length or
        not finite, or an unknown ``metric``.

    Examples
    --------
    >>> from companion.metrics import best_threshold
    >>> round(best_threshold([0, 0, 0, 1, 0, 1], [0.1, 0.2, 0.3, 0.35, 0.4, 0.6]), 3)
    0.325
    """
    if metric not in ("balanced_accuracy", "f1"):
        raise ValueError(f"metric must be 'balanced_accuracy' or 'f1', got {metric!r}")
    y, s = _binary_scores(y_true, prob, "prob")
    values = np.unique(s)
    candidates = np.concatenate([[values[0] - 1.0], (values[:-1] + values[1:]) / 2, [values[-1] + 1.0]])
    # For each candidate t, count the samples at or above it: positives (TP) and negatives (FP).
    order = np.sort(s[y == 1]), np.sort(s[y == 0])
    tp = len(order[0]) - np.searchsorted(order[0], candidates, side="left")
    fp = len(order[1]) - np.searchsorted(order[1], candidates, side="left")
    n_pos, n_neg = len(order[0]), len(order[1])
    if metric == "balanced_accuracy":
        score = (tp / n_pos + (n_neg - fp) / n_neg) / 2
    else:
        score = 2 * tp / (2 * tp + fp + (n_pos - tp))
    return float(candidates[int(np.argmax(score))])


def imbalance_scores(y_true, prob, threshold=0.5, precision=0.9):
    """Score predicted probabilities of the positive (minority) class by four imbalance-aware scores.

    Accuracy rewards always predicting the majority: at 1:10 that scores 0.91. These
    four do not:

    - ``"pr_auc"``: average precision (scikit-learn's ``average_precision_score``),
      the precision at each positive's rank averaged over the positives, a
      step-wise (not trapezoidal) summary of the precision-recall curve;
      threshold-free. A random ranking scores the positive rate, so the value
      depends on the prevalence and is not comparable across problems.
    - ``"recall_at_precision"``: :func:`recall_at_precision` at ``precision``.
    - ``"balanced_accuracy"``: ``(TPR + TNR) / 2`` of the decisions
      ``prob >= threshold`` (scikit-learn's ``balanced_accuracy_score``); always
      predicting one class scores 0.5.
    - ``"log_loss"``: the mean binary cross-entropy in nats (scikit-learn's
      ``log_loss``), which scores the probabilities themselves, so it is the one
      of the four that class weights and focal loss can worsen while leaving the
      ranking intact.

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Labels 0 and 1, both present.
    prob : array_like of shape (n,) or (n, 1)
        Predicted probabilities of class 1, in [0, 1].
    threshold : float, default=0.5
        Decision threshold for the balanced accuracy.
    precision : float, default=0.9
        Precision level of the recall score.

    Returns
    -------
    scores : dict of str to float
        Keys ``"pr_auc"``, ``"recall_at_precision"``, ``"balanced_accuracy"``,
        ``"log_loss"``, in that order.

    Raises
    ------
    ValueError
        As :func:`recall_at_precision`, and for probabilities outside [0, 1].

    Examples
    --------
    >>> from companion.metrics import imbalance_scores
    >>> scores = imbalance_scores([0, 0, 0, 1], [0.1, 0.2, 0.6, 0.7])
    >>> {k: round(v, 3) for k, v in scores.items()}
    {'pr_auc': 1.0, 'recall_at_precision': 1.0, 'balanced_accuracy': 0.833, 'log_loss': 0.4}
    """
    from sklearn.metrics import average_precision_score, balanced_accuracy_score, log_loss

    y, p = _binary_scores(y_true, prob, "prob")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("prob must lie in [0, 1]: pass probabilities, not logits")
    threshold = float(threshold)
    return {
        "pr_auc": float(average_precision_score(y, p)),
        "recall_at_precision": recall_at_precision(y, p, precision),
        "balanced_accuracy": float(balanced_accuracy_score(y, (p >= threshold).astype("int64"))),
        "log_loss": float(log_loss(y, p, labels=[0, 1])),
    }


def undo_class_weight(prob, class_weight):
    """Map the probabilities of a model trained with class weights back to the data's own odds.

    Weighting class 1 by ``w1`` and class 0 by ``w0`` in the cross-entropy moves its
    minimiser: where the true probability is ``p``, the weighted loss
    ``w1 p (-log q) + w0 (1 - p) (-log (1 - q))`` is smallest at
    ``q = w1 p / (w1 p + w0 (1 - p))``, the odds multiplied by ``w1 / w0``. This
    function inverts that map, dividing the odds by ``w1 / w0``:

    Formula::

        p = w0 q / (w0 q + w1 (1 - q))

    With scikit-learn's balanced weights ``w_c = n / (2 n_c)``, ``w1 / w0`` is the
    majority:minority ratio of the training set.

    Parameters
    ----------
    prob : array_like
        Probabilities of class 1 predicted by the weighted model, in [0, 1]; any shape.
    class_weight : dict
        ``{0: w0, 1: w1}`` with positive weights, as passed to training (see
        :func:`companion.training.class_weights` for ``"balanced"``).

    Returns
    -------
    prob : ndarray
        Same shape as ``prob``.

    Raises
    ------
    ValueError
        For probabilities outside [0, 1] or not finite, or weights that are missing,
        non-positive or not finite.

    Examples
    --------
    >>> from companion.metrics import undo_class_weight
    >>> undo_class_weight([0.5, 0.9], {0: 0.55, 1: 5.5}).round(4)  # odds 1 and 9 divided by 10
    array([0.0909, 0.4737])
    """
    q = np.asarray(prob, dtype=float)
    if not np.all(np.isfinite(q)) or np.any((q < 0) | (q > 1)):
        raise ValueError("prob must hold finite probabilities in [0, 1]")
    if not isinstance(class_weight, dict) or set(class_weight) != {0, 1}:
        raise ValueError(f"class_weight must be a dict {{0: w0, 1: w1}}, got {class_weight!r}")
    w0, w1 = float(class_weight[0]), float(class_weight[1])
    if not (np.isfinite(w0) and np.isfinite(w1) and w0 > 0 and w1 > 0):
        raise ValueError(f"class weights must be finite and positive, got {class_weight!r}")
    return w0 * q / (w0 * q + w1 * (1.0 - q))


# Calibration: reliability curves, expected calibration error, Brier score, temperature scaling


def _labels_and_probabilities(y_true, prob):
    """Check ``(y_true, prob)``; return integer labels, probabilities and whether they are binary."""
    prob = np.asarray(prob, dtype="float64")
    y = np.asarray(y_true)
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
    """The bins of a reliability diagram: ``(confidence, accuracy, count)``; see :func:`reliability_curve`."""

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
