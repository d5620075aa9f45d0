"""Ordinal targets: ranks, their cumulative encoding, and the ranks a model's output predicts.

An ordinal target takes ``K`` ordered values ``0 < 1 < ... < K-1`` (a rating, a grade, a severity level)
whose spacing is unknown. A cumulative-link model predicts, for each threshold ``k = 0..K-2``, the
probability that the rank exceeds it, ``P(y > k | x)``, from one score and ``K - 1`` thresholds: the
proportional-odds model of McCullagh (1980) and, with a neural network's score, CORAL (Cao, Mirjalili &
Raschka 2020). Its loss, :class:`companion.custom.CoralLoss`, is the sum of ``K - 1`` binary
cross-entropies on the *cumulative targets* ``[y > k]`` that :func:`cumulative_targets` writes.

* :func:`check_ranks` -- integer ranks in ``0..K-1``, or a ``ValueError`` that names what is wrong;
* :func:`cumulative_targets` -- ranks to the ``(n, K-1)`` 0/1 matrix ``[y > k]``, and
  :func:`coral_loss`, the NumPy reference of the loss;
* :func:`class_probabilities` and :func:`ranks_from_cumulative` -- cumulative probabilities to the
  ``K`` class probabilities and to ranks (the number of thresholds passed, the predicted median);
* :func:`predicted_ranks` -- the rank each kind of output predicts: a regression score rounded and
  clipped, the top class of ``K`` class scores, or the thresholds passed by ``K - 1`` cumulative logits;
* :func:`scoring` -- the book's three ordinal scores (MAE on the ranks, quadratic weighted kappa,
  accuracy, from :mod:`companion.metrics.ordinal`) as a ``scoring`` dict for
  :func:`companion.runner.run_replicates`.

NumPy only; scikit-learn is imported inside :func:`scoring`'s scorers.
"""

import numpy as np

from ._checks import numeric

__all__ = ["check_ranks", "cumulative_targets", "coral_loss", "class_probabilities", "ranks_from_cumulative",
           "predicted_ranks", "scoring"]

KINDS = ("score", "classes", "cumulative_logits", "cumulative_probabilities")
"""The kinds of model output :func:`predicted_ranks` decodes."""


def _check_n_classes(n_classes):
    if isinstance(n_classes, (bool, np.bool_)) or not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
        raise ValueError(f"n_classes must be an integer >= 2 (an ordinal target has at least two ranks), "
                         f"got {n_classes!r}")
    return int(n_classes)


def check_ranks(ranks, n_classes, name="ranks"):
    """Return ``ranks`` as an int64 array, or raise a ``ValueError`` that says what is wrong.

    Parameters
    ----------
    ranks : array_like
        Ranks of any shape; floats are accepted when they hold whole numbers (``2.0``).
    n_classes : int
        ``K``, the number of ranks, ``>= 2``.
    name : str, default="ranks"
        The argument's name, used in the messages.

    Returns
    -------
    ranks : ndarray of int64, the shape of the input

    Raises
    ------
    ValueError
        For ``K < 2``, values that are not numbers, NaN or infinite values, non-integer
        values (``1.5``), or ranks outside ``0..K-1``.

    Examples
    --------
    >>> from companion.ordinal import check_ranks
    >>> check_ranks([0, 2.0, 4], n_classes=5)
    array([0, 2, 4])
    >>> try:
    ...     check_ranks([0, 5], n_classes=5)
    ... except ValueError as error:
    ...     print(error)
    ranks must lie in 0..4 (n_classes=5), got 5
    """
    k = _check_n_classes(n_classes)
    values = numeric(ranks, name, dtype="float64")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if np.any(values != np.round(values)):
        bad = values[values != np.round(values)].ravel()[0]
        raise ValueError(f"{name} must be whole numbers (integer ranks 0..{k - 1}), got {bad:g}")
    if values.size and (values.min() < 0 or values.max() > k - 1):
        bad = values.min() if values.min() < 0 else values.max()
        raise ValueError(f"{name} must lie in 0..{k - 1} (n_classes={k}), got {bad:g}")
    return values.astype("int64")


def cumulative_targets(ranks, n_classes):
    """Encode ranks as cumulative 0/1 targets, one column per threshold: ``[y > k]`` for ``k = 0..K-2``.

    Formula::

        target[i, k] = 1 if ranks[i] > k else 0

    so rank 0 is a row of zeros, rank ``K-1`` a row of ones, and the rank is the row's sum.

    Parameters
    ----------
    ranks : array_like of shape (n,)
        Integer ranks in ``0..K-1``.
    n_classes : int
        ``K``, ``>= 2``.

    Returns
    -------
    targets : ndarray of shape (n, K-1), float32

    Raises
    ------
    ValueError
        As :func:`check_ranks`, or for ranks that are not one-dimensional.

    Examples
    --------
    >>> from companion.ordinal import cumulative_targets
    >>> cumulative_targets([0, 2, 4], n_classes=5)
    array([[0., 0., 0., 0.],
           [1., 1., 0., 0.],
           [1., 1., 1., 1.]], dtype=float32)
    """
    y = check_ranks(ranks, n_classes)
    if y.ndim != 1:
        raise ValueError(f"ranks must have shape (n,), got {y.shape}")
    return (y[:, None] > np.arange(int(n_classes) - 1)[None, :]).astype("float32")


def _cumulative(values, name, n_classes=None):
    array = numeric(values, name)
    if array.ndim != 2 or array.shape[1] < 1:
        raise ValueError(f"{name} must have shape (n, K-1), one column per threshold, got {array.shape}")
    if n_classes is not None and array.shape[1] != _check_n_classes(n_classes) - 1:
        raise ValueError(f"{name} must have K-1 = {int(n_classes) - 1} columns for n_classes={n_classes}, "
                         f"got {array.shape[1]}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def coral_loss(y_true, logits):
    """Return the cumulative-link (CORAL) loss per sample: the sum of ``K - 1`` binary cross-entropies.

    The NumPy reference of :class:`companion.custom.CoralLoss`. Formula, with
    ``t = cumulative_targets(y_true, K)`` and ``z`` the cumulative logits::

        loss = sum_k [ -t_k log sigmoid(z_k) - (1 - t_k) log(1 - sigmoid(z_k)) ]
             = sum_k [ max(z_k, 0) - t_k z_k + log(1 + exp(-|z_k|)) ]

    (the second line is the same number without overflow). Cao, Mirjalili & Raschka (2020), eq. 3, with
    every threshold weighted 1.

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Integer ranks in ``0..K-1``.
    logits : array_like of shape (n, K-1)
        ``z_k``, the logit of ``P(y > k)``.

    Returns
    -------
    loss : ndarray of shape (n,)

    Raises
    ------
    ValueError
        As :func:`check_ranks` (with ``K`` read from the logits' columns), or for logits
        that are not of shape (n, K-1) or do not match ``y_true``'s length.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.ordinal import coral_loss
    >>> coral_loss([0, 2], np.zeros((2, 3))).round(4)  # three thresholds at p = 1/2: 3 log 2
    array([2.0794, 2.0794])
    """
    z = _cumulative(logits, "logits")
    y = check_ranks(y_true, z.shape[1] + 1, name="y_true")
    if y.shape != (len(z),):
        raise ValueError(f"y_true must have shape ({len(z)},), one rank per row of logits, got {y.shape}")
    t = cumulative_targets(y, z.shape[1] + 1).astype("float64")
    return np.sum(np.maximum(z, 0) - t * z + np.log1p(np.exp(-np.abs(z))), axis=1)


def class_probabilities(cumulative):
    """Turn cumulative probabilities ``P(y > k)`` into the ``K`` class probabilities ``P(y = k)``.

    Formula, with ``c_k = P(y > k)`` made non-increasing first (``c = minimum.accumulate(c)``, a
    no-op for a rank-consistent model, whose ``c`` never increase)::

        P(y = 0) = 1 - c_0,   P(y = k) = c_{k-1} - c_k,   P(y = K-1) = c_{K-2}

    Parameters
    ----------
    cumulative : array_like of shape (n, K-1)
        Probabilities in [0, 1].

    Returns
    -------
    probabilities : ndarray of shape (n, K)
        Non-negative rows that sum to 1.

    Raises
    ------
    ValueError
        For an array not of shape (n, K-1), or values outside [0, 1].

    Examples
    --------
    >>> from companion.ordinal import class_probabilities
    >>> class_probabilities([[0.9, 0.6, 0.2]]).round(3)
    array([[0.1, 0.3, 0.4, 0.2]])
    """
    c = _cumulative(cumulative, "cumulative")
    if np.any((c < 0) | (c > 1)):
        raise ValueError("cumulative must hold probabilities in [0, 1]; for logits apply a sigmoid first")
    c = np.minimum.accumulate(c, axis=1)
    ones, zeros = np.ones((len(c), 1)), np.zeros((len(c), 1))
    return -np.diff(np.concatenate([ones, c, zeros], axis=1), axis=1)


def ranks_from_cumulative(cumulative, threshold=0.5):
    """Return the rank a cumulative model predicts: how many thresholds it passes.

    Formula::

        rank = sum_k [ P(y > k) > threshold ]

    CORAL's rule. With ``threshold=0.5`` and non-increasing probabilities it is the median of
    :func:`class_probabilities`, the rank that minimises the expected absolute error.

    Parameters
    ----------
    cumulative : array_like of shape (n, K-1)
        Probabilities ``P(y > k)``.
    threshold : float, default=0.5
        In (0, 1).

    Returns
    -------
    ranks : ndarray of shape (n,), int64

    Examples
    --------
    >>> from companion.ordinal import ranks_from_cumulative
    >>> ranks_from_cumulative([[0.9, 0.6, 0.2], [0.4, 0.1, 0.0]]).tolist()
    [2, 0]
    """
    c = _cumulative(cumulative, "cumulative")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
        raise ValueError(f"threshold must be a number in (0, 1), got {threshold!r}")
    return np.sum(c > threshold, axis=1).astype("int64")


def predicted_ranks(y_pred, n_classes, kind=None):
    """Return the ranks that a model's outputs predict, whatever the loss it was trained with.

    ================================  ==================  ==========================================
    ``kind``                          output shape        rank
    ================================  ==================  ==========================================
    ``"score"``                       (n,) or (n, 1)      ``clip(round(score), 0, K-1)``
    ``"classes"``                     (n, K)              ``argmax`` (probabilities or logits)
    ``"cumulative_logits"``           (n, K-1)            ``sum_k [z_k > 0]``
    ``"cumulative_probabilities"``    (n, K-1)            ``sum_k [p_k > 0.5]``
    ================================  ==================  ==========================================

    ``kind=None`` reads it from the shape: one column is a score (a regression on the rank), ``K``
    columns are class scores (cross-entropy), ``K - 1`` columns are cumulative logits (what
    :class:`companion.custom.CoralLoss` trains). With ``K = 2`` one column is ambiguous; give ``kind``.
    ``round`` rounds halves to even (NumPy's ``rint``).

    Parameters
    ----------
    y_pred : array_like of shape (n,), (n, 1), (n, K) or (n, K-1)
    n_classes : int
        ``K``, ``>= 2``.
    kind : {"score", "classes", "cumulative_logits", "cumulative_probabilities"}, optional

    Returns
    -------
    ranks : ndarray of shape (n,), int64, in ``0..K-1``

    Raises
    ------
    ValueError
        For ``K < 2``, an unknown ``kind``, a shape that fits no kind (or not the given one), an
        ambiguous shape with ``kind=None``, or NaN values.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.ordinal import predicted_ranks
    >>> predicted_ranks(np.array([-0.7, 1.4, 2.6, 9.0]), n_classes=5).tolist()
    [0, 1, 3, 4]
    >>> predicted_ranks(np.array([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]]), n_classes=3).tolist()
    [2, 0]
    >>> predicted_ranks(np.array([[2.0, -1.0], [3.0, 0.5]]), n_classes=3).tolist()
    [1, 2]
    """
    k = _check_n_classes(n_classes)
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    out = numeric(y_pred, "y_pred")
    if out.ndim == 2 and out.shape[1] == 1 and kind in (None, "score"):
        out = out[:, 0]
    if kind is None:
        if k == 2 and (out.ndim == 1 or out.shape[1] == 1):
            raise ValueError("with n_classes=2 one column may be a score or a cumulative logit; give kind=")
        if out.ndim == 1:
            kind = "score"
        elif out.ndim == 2 and out.shape[1] == k:
            kind = "classes"
        elif out.ndim == 2 and out.shape[1] == k - 1:
            kind = "cumulative_logits"
        else:
            raise ValueError(f"y_pred of shape {out.shape} fits no output for n_classes={k}: give (n,) scores, "
                             f"(n, {k}) class scores or (n, {k - 1}) cumulative logits")
    if np.any(np.isnan(out)):
        raise ValueError("y_pred contains NaN values")
    if kind == "score":
        if out.ndim != 1:
            raise ValueError(f"kind='score' needs y_pred of shape (n,) or (n, 1), got {out.shape}")
        return np.clip(np.rint(out), 0, k - 1).astype("int64")
    if kind == "classes":
        if out.ndim != 2 or out.shape[1] != k:
            raise ValueError(f"kind='classes' needs y_pred of shape (n, {k}), got {out.shape}")
        return np.argmax(out, axis=1).astype("int64")
    if out.ndim == 1 and k == 2:
        out = out[:, None]
    if out.ndim != 2 or out.shape[1] != k - 1:
        raise ValueError(f"kind={kind!r} needs y_pred of shape (n, {k - 1}), got {out.shape}")
    if kind == "cumulative_logits":
        return np.sum(out > 0, axis=1).astype("int64")
    return ranks_from_cumulative(out)


def scoring(n_classes, kind=None):
    """Return the book's ordinal scores as a ``scoring`` dict for :func:`companion.runner.run_replicates`.

    Each entry decodes the model's raw test-set outputs with :func:`predicted_ranks` (``kind=None``:
    by their shape, so one dict scores a cross-entropy, a regression on the rank and a cumulative
    model alike) and scores the ranks with :mod:`companion.metrics.ordinal`:

    * ``"mae"``: mean absolute error on the ranks (lower is better);
    * ``"qwk"``: quadratic weighted kappa, scikit-learn's ``cohen_kappa_score(weights="quadratic")``
      (higher is better; 1 is perfect agreement, 0 chance);
    * ``"accuracy"``: the share of exact ranks.

    Parameters
    ----------
    n_classes : int
        ``K``, ``>= 2``.
    kind : str, optional
        Passed to :func:`predicted_ranks`.

    Returns
    -------
    scoring : dict of str to callable ``(y_true, y_pred) -> float``

    Examples
    --------
    >>> import numpy as np
    >>> from companion.ordinal import scoring
    >>> scores = scoring(3)
    >>> y, outputs = np.array([0, 1, 2, 2]), np.array([0.2, 1.4, 1.6, 2.2])
    >>> {name: round(f(y, outputs), 3) for name, f in scores.items()}
    {'mae': 0.0, 'qwk': 1.0, 'accuracy': 1.0}
    """
    k = _check_n_classes(n_classes)
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")

    def scorer(metric):
        def score(y_true, y_pred):
            from .metrics import ordinal as scores

            return getattr(scores, metric)(y_true, predicted_ranks(y_pred, k, kind), n_classes=k)

        score.__name__ = metric
        return score

    return {"mae": scorer("rank_mae"), "qwk": scorer("quadratic_weighted_kappa"), "accuracy": scorer("rank_accuracy")}
