"""Classification scores: accuracy by sign, the Bayes limit of Gaussian classes, and scores for rare classes.

Keras 3 resolves the string ``'accuracy'`` for a one-unit output to
``binary_accuracy``, which counts a prediction as class 1 when it exceeds 0.5 and
compares that with the label. With labels in {-1, +1} and a tanh output, a -1
label can never equal 0 or 1, so every negative example counts as wrong.
:func:`sign_accuracy` scores such models by sign instead. It takes ``(y_true, y_pred)``
like any Keras metric function and returns one value per sample.

:func:`gaussian_posterior` and :func:`gaussian_bayes_accuracy` give the limit no
model can beat on Gaussian classes such as the three blobs: the Bayes classifier's
posterior and its population accuracy.

For imbalanced classes (NumPy, on a test set's labels and scores):
:func:`recall_at_precision`, :func:`best_threshold` (threshold moving, chosen on
training or validation data), :func:`imbalance_scores` (average precision, recall at a
precision, balanced accuracy and log loss, from scikit-learn) and
:func:`undo_class_weight` (the probabilities a class-weighted model would give unweighted).
"""

import numpy as np

from .._checks import numeric
from ._shapes import _align


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


def _binary_scores(y_true, scores, name="scores"):
    """Check 0/1 labels and one finite score per sample; accept scores of shape (n,) or (n, 1)."""
    y = numeric(y_true, "y_true", dtype=None)
    s = numeric(scores, name, labels=False)
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
