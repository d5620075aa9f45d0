"""Class imbalance: resampling, logit adjustment, and thresholds chosen out of fold or for stated costs.

Thin, documented wrappers over the shipped implementations where one exists:

- :func:`resample` applies imbalanced-learn's ``RandomOverSampler``,
  ``RandomUnderSampler`` or ``SMOTE`` to the *training* part of a
  :class:`~companion.datasets.Split` (the test set is never touched).
- :func:`class_weighted_bce` writes class weights into the cross-entropy (what
  ``model.fit(class_weight=...)`` minimises), so weighted replicates train side by side.
- :func:`logit_adjusted_bce` is the logit-adjusted loss of Menon et al. (2021) for one
  logit; :func:`logit_adjust` is its post-hoc counterpart on a plain model's
  probabilities. For k classes (a softmax output): :func:`class_weighted_cce`,
  :func:`logit_adjusted_cce` and :func:`logit_adjust_multiclass`.
- :func:`fold_splits` and :func:`out_of_fold_predictions` give every training sample a
  prediction from a model that did not see it (k-fold), trained through
  :func:`companion.runner.run_replicates`; :func:`tuned_threshold` then picks the threshold the
  way scikit-learn's ``TunedThresholdClassifierCV`` does (the score averaged over the
  folds' curves).
- :func:`cost_threshold` and :func:`expected_cost` state a decision's costs: the Bayes
  threshold ``c_FP / (c_FP + c_FN)`` for calibrated probabilities, and the mean cost per
  case of a set of decisions.
"""

import numpy as np

from ._checks import numeric

RESAMPLERS = ("over", "under", "smote")


def resample(split, method, seed=0, k_neighbors=5):
    """Return ``split`` with its training set resampled to balanced classes (imbalanced-learn).

    - ``"over"``: ``imblearn.over_sampling.RandomOverSampler``: draws minority rows
      with replacement until both classes have as many rows as the majority.
    - ``"under"``: ``imblearn.under_sampling.RandomUnderSampler``: keeps as many
      majority rows, drawn without replacement, as there are minority rows.
    - ``"smote"``: ``imblearn.over_sampling.SMOTE``: adds synthetic minority rows on
      the segments between a minority row and one of its ``k_neighbors`` nearest
      minority neighbours, until the classes are balanced.

    The test set is returned unchanged, so a resampled replicate is scored on the same
    test cases as the original one (paired by seed).

    Parameters
    ----------
    split : Split
        A binary split with labels 0 and 1 in ``y_train`` of shape (n_train,).
    method : {"over", "under", "smote"}
    seed : int, default=0
        The sampler's ``random_state``.
    k_neighbors : int, default=5
        SMOTE's neighbours; lowered to ``n_minority - 1`` when the training set holds
        fewer minority rows than ``k_neighbors + 1``.

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_resampled, n_features) in the dtype of the input,
        ``y_train`` of shape (n_resampled,) with as many 0s as 1s; the test arrays are
        the input's. ``name`` gets ``", <method>"`` appended.

    Raises
    ------
    ValueError
        For an unknown ``method``, a split that is not binary with 0/1 labels of shape
        (n,), or fewer than two minority rows for SMOTE.

    Examples
    --------
    >>> import companion as cp
    >>> split = cp.datasets.imbalanced("breast_cancer", ratio=10)
    >>> over = resample(split, "over", seed=0)
    >>> int((over.y_train == 0).sum()), int((over.y_train == 1).sum()), over.X_test is split.X_test
    (178, 178, True)
    >>> under = resample(split, "under", seed=0)
    >>> under.X_train.shape
    (36, 30)
    """
    from dataclasses import replace

    if method not in RESAMPLERS:
        raise ValueError(f"method must be one of {RESAMPLERS}, got {method!r}")
    y = np.asarray(split.y_train)
    if getattr(split, "task", None) != "binary" or y.ndim != 1 or not np.all(np.isin(y, (0, 1))):
        raise ValueError("resample needs a binary split with labels 0/1 of shape (n,) in y_train")
    counts = np.bincount(y.astype("int64"), minlength=2)
    if counts.min() == 0:
        raise ValueError("the training set holds one class only; there is nothing to balance")
    if method == "over":
        from imblearn.over_sampling import RandomOverSampler

        sampler = RandomOverSampler(random_state=seed)
    elif method == "under":
        from imblearn.under_sampling import RandomUnderSampler

        sampler = RandomUnderSampler(random_state=seed)
    else:
        from imblearn.over_sampling import SMOTE

        if counts.min() < 2:
            raise ValueError("SMOTE needs at least two minority rows in the training set")
        sampler = SMOTE(random_state=seed, k_neighbors=int(min(k_neighbors, counts.min() - 1)))
    X, y_new = sampler.fit_resample(np.asarray(split.X_train), y)
    return replace(split, X_train=np.asarray(X, dtype=np.asarray(split.X_train).dtype),
                   y_train=np.asarray(y_new, dtype=y.dtype), name=f"{split.name}, {method}")


def class_weighted_bce(class_weight):
    """Return the binary cross-entropy with class weights written into the loss, a Keras loss function.

    Formula::

        loss = w[y] * binary_crossentropy(y, p),   w[y] = w0 + (w1 - w0) * y

    Averaged over a batch, this is what ``model.fit(class_weight={0: w0, 1: w1})``
    minimises with Keras's default reduction (the weighted sum divided by the batch
    size, not by the sum of the weights). Written into the loss, the weighted model
    is an ordinary loss to the trainer, so :func:`companion.runner.run_replicates` can train
    its replicates side by side.

    Parameters
    ----------
    class_weight : dict
        ``{0: w0, 1: w1}``, positive and finite (for instance
        :func:`companion.training.class_weights` of the training labels, ``"balanced"``).

    Returns
    -------
    loss : callable
        ``loss(y_true, y_pred)`` with probabilities ``y_pred``, one value per sample;
        named ``"class_weighted_bce"``.

    Raises
    ------
    ValueError
        For weights that are missing, not positive or not finite.

    Examples
    --------
    >>> import numpy as np
    >>> loss = class_weighted_bce({0: 0.5, 1: 5.0})
    >>> y, p = np.array([[1.0], [0.0]], dtype="float32"), np.array([[0.5], [0.5]], dtype="float32")
    >>> np.asarray(loss(y, p), dtype="float64").round(3).tolist()  # 5 log 2 and 0.5 log 2
    [3.466, 0.347]
    """
    if not isinstance(class_weight, dict) or set(class_weight) != {0, 1}:
        raise ValueError(f"class_weight must be a dict {{0: w0, 1: w1}}, got {class_weight!r}")
    w0, w1 = float(class_weight[0]), float(class_weight[1])
    if not (np.isfinite(w0) and np.isfinite(w1) and w0 > 0 and w1 > 0):
        raise ValueError(f"class weights must be finite and positive, got {class_weight!r}")

    def class_weighted_bce(y_true, y_pred):
        import keras

        y_pred = keras.ops.convert_to_tensor(y_pred)
        y_true = keras.ops.cast(y_true, y_pred.dtype)
        weight = w0 + (w1 - w0) * keras.ops.mean(y_true, axis=-1)
        return weight * keras.losses.binary_crossentropy(y_true, y_pred)

    class_weighted_bce.class_weight = {0: w0, 1: w1}
    return class_weighted_bce


def _log_prior_odds(prior, tau):
    if isinstance(prior, bool) or not np.isscalar(prior) or not 0 < float(prior) < 1:
        raise ValueError(f"prior (the training share of class 1) must lie in (0, 1), got {prior!r}")
    if isinstance(tau, bool) or not np.isscalar(tau) or not np.isfinite(float(tau)) or float(tau) < 0:
        raise ValueError(f"tau must be a finite number >= 0, got {tau!r}")
    return float(tau) * float(np.log(prior / (1 - prior)))


def logit_adjusted_bce(prior, tau=1.0):
    """Return the logit-adjusted binary cross-entropy of Menon et al. (2021), a Keras loss function.

    The model outputs one logit ``z`` (a linear output layer). The loss adds the
    scaled log prior odds to it before the cross-entropy:

    Formula::

        loss = binary_crossentropy(y, sigmoid(z + tau * log(prior / (1 - prior))))

    which is Menon et al.'s softmax form ``-log softmax(f + tau log pi)_y`` for two
    classes with ``z = f_1 - f_0``. Trained this way, ``z`` itself is the scorer for
    the *balanced* error at ``tau = 1``: decide class 1 when ``z >= 0``. The
    probabilities for the training prior are ``sigmoid(z + tau log(prior / (1 - prior)))``
    (:func:`logit_adjust` with ``inverse=True``).

    Parameters
    ----------
    prior : float
        The training share of class 1, in (0, 1).
    tau : float, default=1.0
        The adjustment's scale, ``>= 0``; 0 gives the plain cross-entropy on logits.

    Returns
    -------
    loss : callable
        ``loss(y_true, logits)`` returning one value per sample, as Keras's
        ``binary_crossentropy`` does; it has ``from_logits = True`` (so
        :func:`companion.runner.run_replicates` gives the default MLP a linear output) and the
        name ``"logit_adjusted_bce"``.

    Raises
    ------
    ValueError
        For a prior outside (0, 1) or a negative or non-finite tau.

    Examples
    --------
    >>> import numpy as np
    >>> loss = logit_adjusted_bce(prior=0.1)
    >>> y, z = np.array([[1.0], [0.0]], dtype="float32"), np.array([[0.0], [0.0]], dtype="float32")
    >>> np.asarray(loss(y, z), dtype="float64").round(3).tolist()  # sigmoid(0 + log(1/9)) = 0.1
    [2.303, 0.105]
    """
    shift = _log_prior_odds(prior, tau)

    def logit_adjusted_bce(y_true, y_pred):
        import keras

        y_pred = keras.ops.convert_to_tensor(y_pred)
        y_true = keras.ops.cast(y_true, y_pred.dtype)
        return keras.losses.binary_crossentropy(y_true, y_pred + shift, from_logits=True)

    logit_adjusted_bce.from_logits = True
    logit_adjusted_bce.prior, logit_adjusted_bce.tau = float(prior), float(tau)
    return logit_adjusted_bce


def logit_adjust(values, prior, tau=1.0, inverse=False):
    """Adjust probabilities or logits by the prior: post-hoc logit adjustment (Menon et al. 2021).

    Formula::

        forward:  q = sigmoid(logit(p) - tau * log(prior / (1 - prior)))
        inverse:  p = sigmoid(z + tau * log(prior / (1 - prior)))

    The forward map turns a plain model's probability ``p`` of class 1 into a score
    whose 1/2 crossing minimises the balanced error at ``tau = 1``; ``q >= 1/2``
    exactly when ``p >= prior``, so post-hoc adjustment with ``tau = 1`` is the same
    decision as the threshold ``prior``. The inverse map turns the logit ``z`` of a
    model trained with :func:`logit_adjusted_bce` into probabilities for the training
    prior.

    Parameters
    ----------
    values : array_like
        Probabilities in [0, 1] (forward) or finite logits (inverse); any shape.
    prior : float
        The training share of class 1, in (0, 1).
    tau : float, default=1.0
    inverse : bool, default=False

    Returns
    -------
    prob : ndarray of float64
        Same shape as ``values``, in [0, 1].

    Raises
    ------
    ValueError
        For probabilities outside [0, 1], values that are not finite, a prior outside
        (0, 1) or a negative tau.

    Examples
    --------
    >>> logit_adjust([0.1, 0.5], prior=0.1).round(3)
    array([0.5, 0.9])
    >>> logit_adjust([0.0], prior=0.1, inverse=True).round(3)
    array([0.1])
    """
    from scipy.special import expit, logit

    shift = _log_prior_odds(prior, tau)
    v = np.asarray(values, dtype="float64")
    if not np.all(np.isfinite(v)):
        raise ValueError("values must be finite")
    if inverse:
        return expit(v + shift)
    if np.any((v < 0) | (v > 1)):
        raise ValueError("values must be probabilities in [0, 1] (pass inverse=True for logits)")
    return expit(logit(v) - shift)


# --- Many classes: class weights and logit adjustment for a softmax output (long-tailed classes).

def class_weighted_cce(class_weight, from_logits=False):
    """Return the categorical cross-entropy with class weights written into the loss, a Keras loss function.

    Formula::

        loss = w[y] * categorical_crossentropy(y, p),   w[y] = sum_c y_c w_c

    for one-hot rows ``y``. Averaged over a batch, this is what
    ``model.fit(class_weight={0: w_0, ..., k-1: w_k-1})`` minimises with Keras's
    default reduction (the weighted sum divided by the batch size). Written into
    the loss, the weighted model is an ordinary loss to the trainer, so
    :func:`companion.runner.run_replicates` can train its replicates side by side;
    :func:`class_weighted_bce` is the binary case.

    Parameters
    ----------
    class_weight : dict
        ``{0: w_0, ..., k-1: w_k-1}``, keys ``0..k-1``, weights positive and finite
        (for instance :func:`companion.training.class_weights` of the training
        labels, ``"balanced"``: ``w_c = n / (k n_c)``).
    from_logits : bool, default=False
        ``True`` for a linear output layer (``y_pred`` are logits).

    Returns
    -------
    loss : callable
        ``loss(y_true, y_pred)`` with one-hot ``y_true`` of shape (batch, k), one value
        per sample; named ``"class_weighted_cce"``, with ``from_logits`` and
        ``class_weight`` attributes.

    Raises
    ------
    ValueError
        For keys that are not ``0..k-1`` (k >= 2), or weights that are not positive
        and finite.

    Examples
    --------
    >>> import numpy as np
    >>> loss = class_weighted_cce({0: 1.0, 1: 2.0, 2: 4.0})
    >>> y = np.eye(3, dtype="float32")[[0, 2]]
    >>> p = np.full((2, 3), 1 / 3, dtype="float32")
    >>> np.asarray(loss(y, p), dtype="float64").round(3).tolist()  # log 3 and 4 log 3
    [1.099, 4.394]
    """
    if not isinstance(class_weight, dict) or len(class_weight) < 2 \
            or set(class_weight) != set(range(len(class_weight))):
        raise ValueError(f"class_weight must be a dict {{0: w_0, ..., k-1: w_k-1}} with k >= 2, got {class_weight!r}")
    weights = np.array([float(class_weight[c]) for c in range(len(class_weight))])
    if not np.all(np.isfinite(weights) & (weights > 0)):
        raise ValueError(f"class weights must be finite and positive, got {class_weight!r}")
    from_logits = bool(from_logits)

    def class_weighted_cce(y_true, y_pred):
        import keras

        y_pred = keras.ops.convert_to_tensor(y_pred)
        y_true = keras.ops.cast(y_true, y_pred.dtype)
        weight = keras.ops.sum(y_true * keras.ops.cast(weights, y_pred.dtype), axis=-1)
        return weight * keras.losses.categorical_crossentropy(y_true, y_pred, from_logits=from_logits)

    class_weighted_cce.from_logits = from_logits
    class_weighted_cce.class_weight = {c: float(w) for c, w in enumerate(weights)}
    return class_weighted_cce


def _log_prior(prior, tau):
    """``tau * log(prior)`` for a vector of class shares, checked."""
    p = np.asarray(prior, dtype="float64") if not isinstance(prior, (str, bytes, dict)) else np.array([np.nan])
    if p.ndim != 1 or p.size < 2 or not np.all(np.isfinite(p)) or np.any(p <= 0) or np.any(p >= 1) \
            or abs(p.sum() - 1.0) > 1e-6:
        raise ValueError(f"prior must be the training share of every class: a vector of k >= 2 numbers in (0, 1) "
                         f"that sums to 1, got {prior!r}")
    if isinstance(tau, bool) or not np.isscalar(tau) or not np.isfinite(float(tau)) or float(tau) < 0:
        raise ValueError(f"tau must be a finite number >= 0, got {tau!r}")
    return float(tau) * np.log(p / p.sum())


def logit_adjusted_cce(prior, tau=1.0):
    """Return the logit-adjusted categorical cross-entropy of Menon et al. (2021), a Keras loss function.

    The model outputs ``k`` logits ``f`` (a linear output layer). The loss adds the
    scaled log prior of every class before the softmax cross-entropy:

    Formula::

        loss = -log softmax(f + tau * log(prior))_y

    Trained this way, ``f`` itself is the scorer for the *balanced* error at
    ``tau = 1``: predict ``argmax f``. The probabilities for the training prior are
    ``softmax(f + tau log prior)`` (:func:`logit_adjust_multiclass` with
    ``inverse=True``). For ``k = 2`` it is :func:`logit_adjusted_bce` with
    ``z = f_1 - f_0``.

    Parameters
    ----------
    prior : array_like of shape (k,)
        The training share of every class, each in (0, 1), summing to 1.
    tau : float, default=1.0
        The adjustment's scale, ``>= 0``; 0 gives the plain cross-entropy on logits.

    Returns
    -------
    loss : callable
        ``loss(y_true, logits)`` with one-hot ``y_true`` of shape (batch, k), one value
        per sample; it has ``from_logits = True`` (so :func:`companion.runner.run_replicates`
        gives the default MLP a linear output), ``prior`` and ``tau`` attributes, and
        the name ``"logit_adjusted_cce"``.

    Raises
    ------
    ValueError
        For a prior that is not a vector of k >= 2 shares in (0, 1) summing to 1, or
        a negative or non-finite tau.

    Examples
    --------
    >>> import numpy as np
    >>> loss = logit_adjusted_cce(prior=[0.5, 0.3, 0.2])
    >>> y, f = np.eye(3, dtype="float32")[[0, 2]], np.zeros((2, 3), dtype="float32")
    >>> np.asarray(loss(y, f), dtype="float64").round(3).tolist()  # -log 0.5 and -log 0.2
    [0.693, 1.609]
    """
    shift = _log_prior(prior, tau)

    def logit_adjusted_cce(y_true, y_pred):
        import keras

        y_pred = keras.ops.convert_to_tensor(y_pred)
        y_true = keras.ops.cast(y_true, y_pred.dtype)
        return keras.losses.categorical_crossentropy(y_true, y_pred + keras.ops.cast(shift, y_pred.dtype),
                                                     from_logits=True)

    logit_adjusted_cce.from_logits = True
    logit_adjusted_cce.prior = np.asarray(prior, dtype="float64") / np.sum(prior)
    logit_adjusted_cce.tau = float(tau)
    return logit_adjusted_cce


def logit_adjust_multiclass(values, prior, tau=1.0, inverse=False):
    """Adjust class probabilities or logits by the prior: post-hoc logit adjustment for k classes (Menon et al. 2021).

    Formula::

        forward:  q = softmax(log(p) - tau * log(prior))
        inverse:  p = softmax(f + tau * log(prior))

    along the last axis. The forward map turns a plain model's probabilities ``p``
    into scores whose argmax is ``argmax_c p_c / prior_c ** tau``: at ``tau = 1`` the
    Bayes rule for the balanced error when ``p`` is calibrated. ``tau = 0`` changes
    nothing. The inverse map turns the logits ``f`` of a model trained with
    :func:`logit_adjusted_cce` into probabilities for the training prior.
    :func:`logit_adjust` is the binary case.

    Parameters
    ----------
    values : array_like of shape (..., k)
        Probabilities, rows in [0, 1] summing to 1 (forward; a zero probability stays
        zero), or finite logits (inverse).
    prior : array_like of shape (k,)
        The training share of every class, each in (0, 1), summing to 1.
    tau : float, default=1.0
    inverse : bool, default=False

    Returns
    -------
    prob : ndarray of float64, shape (..., k)
        Rows that sum to 1.

    Raises
    ------
    ValueError
        For values that are not finite, probabilities outside [0, 1] or rows that do
        not sum to 1, a last axis of another length than ``prior``, a bad prior or a
        negative tau.

    Examples
    --------
    >>> import numpy as np
    >>> q = logit_adjust_multiclass([[0.6, 0.3, 0.1]], prior=[0.6, 0.3, 0.1])
    >>> q.round(3)  # p / prior is 1 for every class
    array([[0.333, 0.333, 0.333]])
    >>> logit_adjust_multiclass(np.zeros((1, 3)), prior=[0.5, 0.3, 0.2], inverse=True).round(3)
    array([[0.5, 0.3, 0.2]])
    """
    from scipy.special import softmax

    shift = _log_prior(prior, tau)
    v = np.asarray(values, dtype="float64")
    if v.ndim < 1 or v.shape[-1] != shift.size:
        raise ValueError(f"values must have the k = {shift.size} classes of prior along their last axis, "
                         f"got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError("values must be finite")
    if inverse:
        return softmax(v + shift, axis=-1)
    if np.any((v < 0) | (v > 1)) or np.any(np.abs(v.sum(axis=-1) - 1.0) > 1e-4):
        raise ValueError("values must be probabilities: rows in [0, 1] that sum to 1 (pass inverse=True for logits)")
    with np.errstate(divide="ignore"):
        return softmax(np.log(v) - shift, axis=-1)


def fold_splits(split, k=5, seed=0):
    """Cut the training set of ``split`` into ``k`` stratified folds: one Split per fold.

    Fold ``f``'s Split trains on the other ``k - 1`` folds and holds fold ``f`` out as
    its "test" set, so a model trained on it predicts fold ``f`` without having seen
    it. Each class is shuffled (``numpy.random.default_rng(seed)``) and dealt to the
    folds in turn, so every fold holds ``floor`` or ``ceil`` of ``n_c / k`` rows of
    class ``c``, and the folds' sizes differ by at most one (none when ``k`` divides
    the training size).

    Parameters
    ----------
    split : Split
        A binary or multi-class split with labels of shape (n_train,).
    k : int, default=5
        Number of folds, ``>= 2``; every class needs at least ``k`` training rows.
    seed : int, default=0

    Returns
    -------
    folds : list of Split
        ``k`` splits; ``folds[f].X_test`` are the training rows of fold ``f``, in the
        order of ``index[f]``.
    index : list of ndarray of int
        ``index[f]`` holds the positions in ``split.X_train`` of fold ``f``'s rows.

    Raises
    ------
    ValueError
        For ``k`` below 2, labels that are not of shape (n,), or a class with fewer
        than ``k`` training rows.

    Examples
    --------
    >>> import companion as cp
    >>> split = cp.datasets.imbalanced("breast_cancer", ratio=10)
    >>> folds, index = fold_splits(split, k=4)
    >>> [len(i) for i in index], [int(f.y_test.sum()) for f in folds]
    ([49, 49, 49, 49], [4, 4, 5, 5])
    """
    from dataclasses import replace

    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise ValueError(f"k must be an integer >= 2, got {k!r}")
    y = np.asarray(split.y_train)
    if y.ndim != 1:
        raise ValueError("fold_splits needs labels of shape (n,) in y_train")
    classes, counts = np.unique(y, return_counts=True)
    if counts.min() < k:
        raise ValueError(f"class {classes[counts.argmin()]!r} has {counts.min()} training rows, fewer than k={k}")
    rng = np.random.default_rng(seed)
    dealt = np.concatenate([rng.permutation(np.flatnonzero(y == c)) for c in classes])
    fold_of = np.empty(len(y), dtype="int64")
    fold_of[dealt] = np.arange(len(y)) % k
    index = [np.flatnonzero(fold_of == f) for f in range(k)]
    folds = [replace(split, X_train=split.X_train[fold_of != f], y_train=y[fold_of != f],
                     X_test=split.X_train[index[f]], y_test=y[index[f]], name=f"{split.name}, fold {f}")
             for f in range(k)]
    return folds, index


def out_of_fold_predictions(recipe, data, seeds, k=5, epochs=None, fold_seed=0):
    """Predict every training sample of every replicate from a model that did not see it (k-fold).

    For replicate ``s``, :func:`fold_splits` cuts the training set of ``data(s)`` into
    ``k`` folds; one model per fold is trained with ``recipe`` on the other folds
    through :func:`companion.runner.run_replicates` (side by side where the model allows) and
    predicts its own fold. The ``k`` predictions are put back in the order of the
    training set. The fold models are extra models: their initial weights come from
    seeds of their own (``1_000_000 + k * s + f``), not from the replicate's.

    Parameters
    ----------
    recipe : Recipe or loss
        What :func:`companion.runner.run_replicates` takes as one recipe.
    data : Problem, str or callable
        A problem (or its name) whose ``draw(seed)`` gives replicate ``seed``, or a
        function ``seed -> Split``.
    seeds : sequence of int
        The replicates.
    k : int, default=5
    epochs : int, optional
        By default the problem's (100 for a function).
    fold_seed : int, default=0
        Seeds the folds (:func:`fold_splits`).

    Returns
    -------
    predictions : dict of int to ndarray of shape (n_train,)
        Replicate seed -> out-of-fold model outputs on its training set.
    folds : dict of int to ndarray of int of shape (n_train,)
        Replicate seed -> the fold of each training sample.

    Raises
    ------
    ValueError
        As :func:`fold_splits` and :func:`companion.runner.run_replicates`.

    Examples
    --------
    >>> import companion as cp
    >>> preds, folds = out_of_fold_predictions("binary_crossentropy", "breast_cancer", [0], k=4, epochs=2)
    >>> preds[0].shape, sorted(set(folds[0].tolist()))
    ((196,), [0, 1, 2, 3])
    """
    from .compare import Problem, get_problem
    from .runner import run_replicates

    if isinstance(data, str):
        data = get_problem(data)
    if isinstance(data, Problem):
        draw, epochs = data.draw, epochs or data.epochs
    elif callable(data):
        draw = data
    else:
        raise ValueError("data must be a problem, its name, or a function seed -> Split")
    seeds = [int(s) for s in seeds]
    cut = {s: fold_splits(draw(s), k, fold_seed) for s in seeds}
    where = {1_000_000 + k * s + f: (s, f) for s in seeds for f in range(k)}
    # Folds of different sizes cannot share a side-by-side block: one run per shape.
    groups = {}
    for fs, (s, f) in where.items():
        groups.setdefault(cut[s][0][f].X_train.shape, []).append(fs)
    outputs = {}
    for group in groups.values():
        runs = run_replicates({"model": recipe}, lambda fs: cut[where[fs][0]][0][where[fs][1]], seeds=group,
                              epochs=epochs, predictions=True, progress=False)
        outputs.update(zip(runs.seeds, runs.outputs["model"]))
    predictions, fold_of = {}, {}
    for s in seeds:
        folds, index = cut[s]
        n = sum(len(i) for i in index)
        pred, fold = np.empty(n, dtype="float64"), np.empty(n, dtype="int64")
        for f, rows in enumerate(index):
            pred[rows] = np.asarray(outputs[1_000_000 + k * s + f], dtype="float64").reshape(len(rows))
            fold[rows] = f
        predictions[s], fold_of[s] = pred, fold
    return predictions, fold_of


def tuned_threshold(y_true, scores, folds, score="balanced_accuracy", thresholds=100):
    """Choose a decision threshold from out-of-fold scores, as ``TunedThresholdClassifierCV`` does.

    For each fold, the score of the decisions ``scores >= t`` on that fold's samples is
    computed at every candidate threshold ``t``; the curves are averaged over the folds
    and the threshold with the highest mean wins (the lowest one on a tie). This is
    scikit-learn's ``TunedThresholdClassifierCV`` procedure, given the fold models'
    predictions instead of an estimator to refit.

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Labels 0 and 1.
    scores : array_like of shape (n,)
        Out-of-fold predictions (probabilities or any score), e.g. from
        :func:`out_of_fold_predictions`.
    folds : array_like of int of shape (n,)
        The fold of each sample.
    score : "balanced_accuracy", "f1" or callable, default="balanced_accuracy"
        ``score(y_true, decisions) -> float``, higher is better (for a cost, pass its
        negative, e.g. ``lambda y, d: -expected_cost(y, d, 1, 10)``).
    thresholds : int or array_like, default=100
        Candidates: that many evenly spaced between the smallest and largest score, or
        the given values.

    Returns
    -------
    threshold : float

    Raises
    ------
    ValueError
        For mismatched shapes, labels other than 0/1, non-finite scores, fewer than two
        folds, or constant scores.

    Examples
    --------
    >>> y = [0, 0, 1, 1, 0, 0, 1, 1]
    >>> s = [0.1, 0.3, 0.6, 0.8, 0.2, 0.5, 0.4, 0.9]
    >>> float(tuned_threshold(y, s, [0, 0, 0, 0, 1, 1, 1, 1], thresholds=[0.25, 0.35, 0.45, 0.55]))
    0.35
    """
    from sklearn.metrics import balanced_accuracy_score, f1_score

    y = numeric(y_true, "y_true", dtype=None)
    s = numeric(scores, "scores", labels=False)
    fold = np.asarray(folds)
    if y.ndim != 1 or s.shape != y.shape or fold.shape != y.shape:
        raise ValueError(f"y_true, scores and folds must have the same shape (n,), got {y.shape}, {s.shape}, "
                         f"{fold.shape}")
    if not np.all(np.isin(y, (0, 1))):
        raise ValueError("y_true must hold binary labels 0 and 1")
    if not np.all(np.isfinite(s)):
        raise ValueError("scores contain NaN or infinite values")
    if len(np.unique(fold)) < 2:
        raise ValueError("folds must name at least two folds")
    if np.isclose(s.min(), s.max()):
        raise ValueError("the scores are constant; no threshold can be tuned")
    if score == "balanced_accuracy":
        fn = balanced_accuracy_score
    elif score == "f1":
        fn = lambda t, d: f1_score(t, d, zero_division=0.0)  # noqa: E731
    elif callable(score):
        fn = score
    else:
        raise ValueError(f"score must be 'balanced_accuracy', 'f1' or a callable, got {score!r}")
    if np.isscalar(thresholds):
        if isinstance(thresholds, bool) or int(thresholds) != thresholds or thresholds < 2:
            raise ValueError(f"thresholds must be an integer >= 2 or an array, got {thresholds!r}")
        grid = np.linspace(s.min(), s.max(), int(thresholds))
    else:
        grid = np.asarray(thresholds, dtype="float64").ravel()
    curves = [[fn(y[fold == f], (s[fold == f] >= t).astype("int64")) for t in grid] for f in np.unique(fold)]
    return float(grid[int(np.argmax(np.mean(curves, axis=0)))])


def cost_threshold(cost_fp, cost_fn):
    """Return the Bayes threshold for stated costs: ``c_FP / (c_FP + c_FN)`` (Elkan 2001).

    For a calibrated probability ``p`` of class 1, calling a case positive costs
    ``(1 - p) c_FP`` in expectation and calling it negative costs ``p c_FN``; the first
    is smaller exactly when ``p >= c_FP / (c_FP + c_FN)``. Correct decisions cost 0.

    Parameters
    ----------
    cost_fp, cost_fn : float
        The cost of a false positive (a false alarm) and of a false negative (a missed
        positive), both positive and finite.

    Returns
    -------
    threshold : float
        In (0, 1).

    Raises
    ------
    ValueError
        For costs that are not positive and finite.

    Examples
    --------
    >>> cost_threshold(1, 10)  # a missed positive costs ten false alarms
    0.09090909090909091
    """
    costs = []
    for name, c in (("cost_fp", cost_fp), ("cost_fn", cost_fn)):
        if isinstance(c, bool) or not np.isscalar(c) or not np.isfinite(float(c)) or float(c) <= 0:
            raise ValueError(f"{name} must be a positive finite number, got {c!r}")
        costs.append(float(c))
    return costs[0] / (costs[0] + costs[1])


def expected_cost(y_true, decisions, cost_fp, cost_fn):
    """Return the mean cost per case of binary decisions: ``(c_FP FP + c_FN FN) / n``.

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Labels 0 and 1.
    decisions : array_like of shape (n,)
        Decisions 0 and 1 (or booleans), e.g. ``prob >= threshold``.
    cost_fp, cost_fn : float
        Positive, finite costs of a false positive and a false negative.

    Returns
    -------
    cost : float
        In ``[0, max(c_FP, c_FN)]``, in the units of the costs.

    Raises
    ------
    ValueError
        For mismatched or empty inputs, values other than 0/1, or costs that are not
        positive and finite.

    Examples
    --------
    >>> expected_cost([0, 0, 1, 1], [1, 0, 0, 1], cost_fp=1, cost_fn=10)  # one FP, one FN
    2.75
    """
    cost_threshold(cost_fp, cost_fn)  # checks the costs
    y = numeric(y_true, "y_true", dtype=None)
    d = numeric(decisions, "decisions", dtype=None, labels=False)
    if d.dtype == bool:
        d = d.astype("int64")
    if y.ndim != 1 or d.shape != y.shape or len(y) == 0:
        raise ValueError(f"y_true and decisions must be non-empty and of the same shape (n,), got {y.shape} "
                         f"and {d.shape}")
    if not (np.all(np.isin(y, (0, 1))) and np.all(np.isin(d, (0, 1)))):
        raise ValueError("y_true and decisions must hold 0 and 1 only")
    fp = np.sum((d == 1) & (y == 0))
    fn = np.sum((d == 0) & (y == 1))
    return float((float(cost_fp) * fp + float(cost_fn) * fn) / len(y))
