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
