"""Label noise: noise transition matrices, their estimation, and forward-corrected losses.

A noise transition matrix ``T`` of ``k`` classes holds
``T[i, j] = P(noisy label = j | true class = i)``; its rows sum to one. Symmetric
noise of rate ``eta`` keeps ``1 - eta`` on the diagonal and spreads ``eta`` evenly over
the other ``k - 1`` classes (:func:`symmetric_transition`); pair flipping moves
``eta`` of every class ``c`` to one other class (:func:`pairwise_transition`).
:func:`companion.datasets.flip_labels` draws labels from either.

Forward loss correction (Patrini et al. 2017) trains the network's probabilities
``p`` of the *clean* class through the noise: the model of the noisy label is
``T^T p``, and the loss is the cross-entropy of the noisy label under it,
``-log (T^T p)[noisy label]``. With the right ``T`` its minimiser is the clean
posterior, so ``p`` itself is read at test time. ``T`` is rarely known;
:func:`estimate_transition` estimates it from a network trained on the noisy labels
with Patrini et al.'s anchor points. :func:`forward_targets` and
:func:`forward_crossentropy` write the corrected loss as one Keras loss function of
fixed form: the target of a sample with noisy label ``j`` is the column ``T[:, j]``,
and ``-log(sum(target * p))`` is the corrected loss (it is the ordinary
cross-entropy for a one-hot target), so replicates with different estimated
matrices share one loss.

Importing this module does not import Keras: the loss functions import it when
called.
"""

import numpy as np

__all__ = ["symmetric_transition", "pairwise_transition", "estimate_transition", "forward_targets",
           "forward_crossentropy", "forward_corrected_loss"]


def _check_k(n_classes):
    if isinstance(n_classes, (bool, np.bool_)) or not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
        raise ValueError(f"n_classes must be an integer of at least 2, got {n_classes!r}")
    return int(n_classes)


def _check_rate(rate):
    if isinstance(rate, (bool, np.bool_)) or not np.isscalar(rate) or not 0.0 <= float(rate) <= 1.0:
        raise ValueError(f"rate must be a number in [0, 1], got {rate!r}")
    return float(rate)


def symmetric_transition(n_classes, rate):
    """Return the transition matrix of symmetric label noise.

    ``T[i, i] = 1 - rate`` and ``T[i, j] = rate / (k - 1)`` for ``j != i``: a flipped
    label is any other class, uniformly.

    Parameters
    ----------
    n_classes : int
        ``k``, at least 2.
    rate : float
        The probability that a label is flipped, in [0, 1].

    Returns
    -------
    T : ndarray of shape (k, k)
        Rows sum to one.

    Raises
    ------
    ValueError
        If ``n_classes`` is not an integer of at least 2 or ``rate`` is outside [0, 1].

    Examples
    --------
    >>> from companion.noise import symmetric_transition
    >>> symmetric_transition(3, 0.4).round(2).tolist()
    [[0.6, 0.2, 0.2], [0.2, 0.6, 0.2], [0.2, 0.2, 0.6]]
    """
    k, rate = _check_k(n_classes), _check_rate(rate)
    T = np.full((k, k), rate / (k - 1))
    np.fill_diagonal(T, 1.0 - rate)
    return T


def pairwise_transition(n_classes, rate, to=None):
    """Return the transition matrix of pair flipping (class-dependent label noise).

    ``T[c, c] = 1 - rate`` and ``T[c, to[c]] = rate``: every class loses ``rate`` of its
    labels to one other class, by default ``(c + 1) % k`` (Han et al. 2018), as
    ``flip_labels(y, rate, kind="pairwise")`` draws them.

    Parameters
    ----------
    n_classes : int
        ``k``, at least 2.
    rate : float
        The share of every class that is flipped, in [0, 1].
    to : sequence of int of length k, optional
        The class each class flips to, ``to[c] != c``.

    Returns
    -------
    T : ndarray of shape (k, k)

    Raises
    ------
    ValueError
        For a bad ``n_classes`` or ``rate``, or a ``to`` of the wrong length, that maps a
        class to itself or outside ``0..k-1``.

    Examples
    --------
    >>> from companion.noise import pairwise_transition
    >>> pairwise_transition(3, 0.25).tolist()
    [[0.75, 0.25, 0.0], [0.0, 0.75, 0.25], [0.25, 0.0, 0.75]]
    """
    k, rate = _check_k(n_classes), _check_rate(rate)
    target = [(c + 1) % k for c in range(k)] if to is None else list(np.asarray(to).reshape(-1))
    if len(target) != k:
        raise ValueError(f"to must hold {k} target classes, one per class, got {len(target)}")
    T = np.zeros((k, k))
    for c, t in enumerate(target):
        if not isinstance(t, (int, np.integer)) or isinstance(t, (bool, np.bool_)) or not 0 <= t < k:
            raise ValueError(f"to[{c}] must be a class in 0..{k - 1}, got {t!r}")
        if t == c:
            raise ValueError(f"to[{c}] is {c} itself; a flipped label must change class")
        T[c, c], T[c, t] = 1.0 - rate, rate
    return T


def estimate_transition(probabilities, quantile=0.97):
    """Estimate a noise transition matrix from anchor points (Patrini et al. 2017).

    ``probabilities`` are a network's estimates of ``P(noisy label | x)``: the softmax of a
    network trained on the noisy labels, on images it was not trained on (a network
    that has memorised its training labels reports one-hot rows there). An *anchor
    point* of class ``i`` is an ``x`` that surely belongs to class ``i``; for it
    ``P(noisy label = j | x) = T[i, j]``. The estimator takes as anchor of class ``i``
    the sample with the largest ``probabilities[:, i]`` and copies its row into
    ``T_hat[i]``. With ``quantile`` (Patrini et al.'s robust variant, 97 in their
    code) it takes instead the largest value strictly below that quantile of the
    column (numpy's ``"higher"`` quantile), which ignores the few most extreme,
    possibly overconfident samples.

    Parameters
    ----------
    probabilities : array_like of shape (n, k)
        Rows of probabilities (non-negative, summing to one).
    quantile : float or None, default=0.97
        In (0, 1); ``None`` takes the plain maximum.

    Returns
    -------
    T_hat : ndarray of shape (k, k)
        Row ``i`` is the probability row of class ``i``'s anchor; rows sum to one.

    Raises
    ------
    ValueError
        If ``probabilities`` is not a finite 2-D array of at least two columns with
        rows that sum to one, or ``quantile`` is outside (0, 1).

    Examples
    --------
    >>> import numpy as np
    >>> from companion.noise import estimate_transition, pairwise_transition
    >>> T = pairwise_transition(3, 0.3)
    >>> clean = np.array([[1, 0, 0], [0.5, 0.5, 0], [0, 1, 0], [0, 0, 1], [0.2, 0.2, 0.6]])
    >>> np.allclose(estimate_transition(clean @ T, quantile=None), T)
    True
    """
    p = np.asarray(probabilities, dtype="float64")
    if p.ndim != 2 or p.shape[1] < 2 or p.shape[0] < 1:
        raise ValueError(f"probabilities must have shape (n, k) with k >= 2, got {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-4):
        raise ValueError("probabilities must be finite, non-negative rows that sum to one (a softmax output)")
    if quantile is not None and (isinstance(quantile, bool) or not np.isscalar(quantile)
                                 or not 0.0 < float(quantile) < 1.0):
        raise ValueError(f"quantile must be a number in (0, 1) or None, got {quantile!r}")
    k = p.shape[1]
    T = np.empty((k, k))
    for i in range(k):
        column = p[:, i].copy()
        if quantile is not None:
            threshold = np.quantile(column, float(quantile), method="higher")
            column[column >= threshold] = -np.inf
            if not np.isfinite(column).any():  # every value ties at the top: take the top
                column = p[:, i]
        T[i] = p[int(np.argmax(column))]
    return T


def forward_targets(y_noisy, transition):
    """Return the targets that make :func:`forward_crossentropy` the forward-corrected loss.

    The target of a sample with noisy label ``j`` is the column ``T[:, j]``, so that
    ``sum(target * p) = (T^T p)[j]``, the probability the noise model gives the label
    it was shown.

    Parameters
    ----------
    y_noisy : array_like of int, shape (n,)
        Noisy labels ``0..k-1``.
    transition : array_like of shape (k, k)
        ``T[i, j] = P(noisy = j | true = i)``; rows sum to one.

    Returns
    -------
    targets : ndarray of shape (n, k), float32

    Raises
    ------
    ValueError
        If ``transition`` is not a square matrix of non-negative rows summing to one,
        or a label is not an integer in ``0..k-1``.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.noise import forward_targets
    >>> forward_targets([0, 1], np.eye(2)).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    T = _check_transition(transition)
    y = np.asarray(y_noisy)
    if y.ndim != 1 or y.size == 0 or not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= len(T):
        raise ValueError(f"y_noisy must be a non-empty vector of integer labels 0..{len(T) - 1}")
    return T[:, y].T.astype("float32")


def _check_transition(transition):
    T = np.asarray(transition, dtype="float64")
    if (T.ndim != 2 or T.shape[0] != T.shape[1] or T.shape[0] < 2 or not np.all(np.isfinite(T))
            or np.any(T < 0) or not np.allclose(T.sum(axis=1), 1.0, atol=1e-4)):
        raise ValueError("transition must be a (k, k) matrix, k >= 2, of non-negative rows that sum to one")
    return T


def forward_crossentropy(y_true, y_pred):
    """Keras loss: ``-log(sum(y_true * y_pred))`` per sample, the forward-corrected cross-entropy.

    With ``y_true = forward_targets(y_noisy, T)`` this is ``-log (T^T p)[y_noisy]``,
    Patrini et al.'s forward correction; with one-hot ``y_true`` it is the ordinary
    categorical cross-entropy. The sum is clipped to ``[1e-7, 1]`` (Keras's epsilon),
    as Keras clips probabilities in its cross-entropy.

    Parameters
    ----------
    y_true : tensor of shape (n, k)
        Targets from :func:`forward_targets` (or one-hot rows).
    y_pred : tensor of shape (n, k)
        Probabilities of the clean classes (a softmax output).

    Returns
    -------
    loss : tensor of shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> from companion.noise import forward_crossentropy
    >>> p = np.array([[0.7, 0.2, 0.1]], dtype="float32")
    >>> round(float(forward_crossentropy(np.array([[0.6, 0.4, 0.0]], dtype="float32"), p)[0]), 4)  # -log 0.5
    0.6931
    """
    from keras import backend, ops

    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    eps = backend.epsilon()
    return -ops.log(ops.clip(ops.sum(y_true * y_pred, axis=-1), eps, 1.0))


def forward_corrected_loss(transition):
    """Return a Keras loss for integer noisy labels, forward-corrected by ``transition``.

    ``loss(y, p) = -log (T^T p)[y]`` per sample (Patrini et al. 2017), for integer labels
    ``y`` and a softmax output ``p`` of the clean classes; Keras averages it over the
    batch. Use it when one matrix serves every model; to share one loss across models
    with different matrices, train :func:`forward_crossentropy` on
    :func:`forward_targets` instead (the same values).

    Parameters
    ----------
    transition : array_like of shape (k, k)

    Returns
    -------
    loss : callable ``loss(y_true, y_pred)`` returning a tensor of shape (n,)

    Raises
    ------
    ValueError
        If ``transition`` is not a square matrix of non-negative rows summing to one.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.noise import forward_corrected_loss
    >>> loss = forward_corrected_loss([[0.6, 0.4], [0.0, 1.0]])
    >>> p = np.array([[0.9, 0.1]], dtype="float32")
    >>> round(float(loss(np.array([1]), p)[0]), 4)  # -log(0.9 * 0.4 + 0.1 * 1.0)
    0.7765
    """
    T = _check_transition(transition)

    def loss(y_true, y_pred):
        from keras import ops

        y_pred = ops.convert_to_tensor(y_pred)
        columns = ops.convert_to_tensor(T.T.astype("float32"))  # row j: the column T[:, j]
        y = ops.reshape(ops.cast(y_true, "int32"), (-1,))
        return forward_crossentropy(ops.take(columns, y, axis=0), y_pred)

    loss.__name__ = "forward_corrected_crossentropy"
    return loss
