"""Custom Keras objects: a quantile loss, a dataset-exact F1 metric, seed 001's problem and a two-head model.

Keras accepts three kinds of custom loss: a plain function ``fn(y_true, y_pred)``, a
``keras.losses.Loss`` subclass, and a built-in class with its own arguments. Only the
subclass carries its hyper-parameters through ``model.save`` and
``keras.saving.load_model``: :class:`PinballLoss` stores its ``quantile`` in
``get_config``. :class:`BinaryF1Score` is the same pattern for a metric: it keeps
running counts across batches, so the F1 score it reports is that of the whole
dataset, not an average of per-batch scores.

:func:`tolerance_targets` generates a problem shaped like seed ``001``'s (five targets
between 0 and 100, a prediction counted correct when every target is within 10 of
the truth), and :func:`two_head_mlp` builds a functional model with a regression head
and a classification head for multi-output losses.

Unlike the rest of :mod:`companion`, importing this module imports Keras: the
decorator ``keras.saving.register_keras_serializable(package="companion")`` must run
when the classes are defined. Once this module is imported, a model saved with
either class reloads without ``custom_objects``; they are registered as
``"companion>PinballLoss"`` and ``"companion>BinaryF1Score"``.

The part "Beyond the seeds" adds three losses in the same pattern:
:class:`GeneralizedCrossEntropy` (robust to noisy labels, Zhang & Sabuncu 2018),
:class:`GaussianNLL` (a mean and a softplus variance per sample) and
:class:`MultiPinballLoss` (several quantiles at once), with :func:`quantile_mlp` and its
:class:`IncreasingColumns` output layer, which keeps the quantiles from crossing.
"""

import keras
import numpy as np
from keras import ops

from .datasets import Split
from .metrics import _align

__all__ = ["PinballLoss", "BinaryF1Score", "tolerance_targets", "two_head_mlp"]


@keras.saving.register_keras_serializable(package="companion")
class PinballLoss(keras.losses.Loss):
    """Compute the pinball (quantile) loss between targets and predictions.

    A model trained with this loss predicts the ``quantile``-quantile of the target
    given the inputs: with ``quantile=0.9`` about 90 % of the targets fall at or below
    the prediction. Under-predictions cost ``quantile`` per unit of error and
    over-predictions ``1 - quantile``, so ``quantile=0.5`` is half the mean absolute
    error and predicts the median.

    Formula::

        error = y_true - y_pred
        loss = mean(maximum(quantile * error, (quantile - 1) * error), axis=-1)

    Parameters
    ----------
    quantile : float, default=0.5
        The quantile to predict, strictly between 0 and 1.
    reduction : str, default="sum_over_batch_size"
        How the per-sample losses are reduced, as for every Keras loss; ``None``
        returns them unreduced.
    name : str, default="pinball"
        Name of the loss.
    dtype : str, optional
        Computation dtype; defaults to Keras's float type (float32).

    Notes
    -----
    Calling the loss returns a scalar (the mean over samples with the default
    reduction) or, with ``reduction=None``, one value per sample: an array of shape
    ``y_pred.shape[:-1]``. ``y_true`` of shape ``(n,)`` is aligned with ``y_pred`` of
    shape ``(n, 1)`` explicitly, never broadcast to ``(n, n)``. The loss is
    differentiable everywhere except at ``error == 0``, where the gradient Keras
    uses is that of the ``(quantile - 1) * error`` branch.

    ``get_config`` stores ``quantile``, so ``keras.saving.load_model`` restores the
    same loss.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.custom import PinballLoss
    >>> loss = PinballLoss(quantile=0.9)
    >>> y_true = np.array([[1.0, 1.0]])
    >>> y_pred = np.array([[0.0, 2.0]])  # one unit under (cost 0.9), one unit over (cost 0.1)
    >>> round(float(loss(y_true, y_pred)), 6)
    0.5
    >>> PinballLoss.from_config(loss.get_config()).quantile
    0.9
    """

    def __init__(self, quantile=0.5, reduction="sum_over_batch_size", name="pinball", dtype=None):
        quantile = float(quantile)
        if not 0.0 < quantile < 1.0:
            raise ValueError(f"quantile must be strictly between 0 and 1, got {quantile}")
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.quantile = quantile

    def call(self, y_true, y_pred):
        _, y_true, y_pred = _align(y_true, y_pred, dtype=None)
        error = y_true - y_pred
        return ops.mean(ops.maximum(self.quantile * error, (self.quantile - 1.0) * error), axis=-1)

    def get_config(self):
        return {**super().get_config(), "quantile": self.quantile}


@keras.saving.register_keras_serializable(package="companion")
class BinaryF1Score(keras.metrics.Metric):
    """Accumulate the F1 score of a binary classifier over a whole dataset.

    F1 is not a mean over samples, so the mean of per-batch F1 scores (what Keras
    reports for a metric *function*) is not the F1 score of the dataset. This
    metric keeps running counts of true positives, false positives and false
    negatives across batches and computes F1 once, from the totals.

    Formula::

        predicted = y_pred > threshold
        tp = sum(y_true * predicted); fp = sum((1 - y_true) * predicted)
        fn = sum(y_true * (1 - predicted))
        f1 = 2 * tp / (2 * tp + fp + fn)

    Parameters
    ----------
    threshold : float, default=0.5
        A prediction above ``threshold`` counts as positive (for a sigmoid output;
        use 0 for logits).
    name : str, default="f1"
        Name of the metric, the key in ``model.evaluate``'s results.
    dtype : str, optional
        Dtype of the counts; defaults to Keras's float type (float32).

    Notes
    -----
    ``update_state(y_true, y_pred, sample_weight=None)`` takes labels in {0, 1} and
    predictions of any shape with the same number of entries (``(n,)`` against
    ``(n, 1)`` is fine); both are flattened, so with several outputs per sample the
    score is micro-averaged over all entries. When there are no positive labels and
    no positive predictions the score is 0, as in scikit-learn's ``f1_score`` with
    ``zero_division=0``. ``reset_state`` sets the counts back to zero.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.custom import BinaryF1Score
    >>> metric = BinaryF1Score()
    >>> metric.update_state(np.array([1, 1, 0]), np.array([[0.9], [0.2], [0.7]]))  # tp 1, fn 1, fp 1
    >>> metric.update_state(np.array([1, 0]), np.array([[0.8], [0.1]]))             # tp 1
    >>> round(float(metric.result()), 6)  # 2 * 2 / (2 * 2 + 1 + 1)
    0.666667
    """

    def __init__(self, threshold=0.5, name="f1", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.threshold = float(threshold)
        self.true_positives = self.add_variable(shape=(), initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(shape=(), initializer="zeros", name="false_positives")
        self.false_negatives = self.add_variable(shape=(), initializer="zeros", name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.reshape(ops.cast(y_true, self.dtype), (-1,))
        y_pred = ops.reshape(ops.convert_to_tensor(y_pred), (-1,))
        predicted = ops.cast(ops.greater(y_pred, self.threshold), self.dtype)
        if sample_weight is None:
            weight = ops.ones_like(y_true)
        else:
            weight = ops.cast(ops.reshape(sample_weight, (-1,)), self.dtype)
            weight = ops.broadcast_to(weight, ops.shape(y_true))
        self.true_positives.assign_add(ops.sum(weight * y_true * predicted))
        self.false_positives.assign_add(ops.sum(weight * (1.0 - y_true) * predicted))
        self.false_negatives.assign_add(ops.sum(weight * y_true * (1.0 - predicted)))

    def result(self):
        tp = self.true_positives
        return ops.divide_no_nan(2.0 * tp, 2.0 * tp + self.false_positives + self.false_negatives)

    def reset_state(self):
        for variable in self.variables:
            variable.assign(ops.zeros_like(variable))

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


def tolerance_targets(n_samples=1000, n_features=8, n_targets=5, noise=4.0, n_train=500, random_state=0,
                      return_truth=False):
    """Generate a problem shaped like seed 001's: several targets between 0 and 100.

    Seed ``001`` asks for a model whose prediction of five scores between 0 and 100
    counts as correct when *every* score is within 10 of the truth. This generator
    makes such data. Each target is a smooth function of the inputs with a linear and
    a quadratic part, clipped to [0, 100] like a bounded score; the observed target
    adds Gaussian noise and is clipped again.

    Formula::

        truth[:, k] = clip(50 + 25 * (X @ a_k) + 10 * ((X @ b_k) ** 2 - 1), 0, 100)
        y = clip(truth + noise * standard_normal, 0, 100)

    where ``X`` is standard normal and ``a_k``, ``b_k`` are random unit vectors.

    Parameters
    ----------
    n_samples : int, default=1000
        Total number of samples generated.
    n_features : int, default=8
        Number of input features.
    n_targets : int, default=5
        Number of targets per sample (seed ``001`` has five).
    noise : float, default=4.0
        Standard deviation of the Gaussian noise added to each target, in the
        targets' units (0..100).
    n_train : int, default=500
        The first ``n_train`` samples form the training set, the rest the test set.
    random_state : int, default=0
        Determines the inputs, the target functions and the noise. Pass an int for
        reproducible output across multiple function calls.
    return_truth : bool, default=False
        Also return the noise-free targets.

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_train, n_features) and ``y_train`` of shape
        (n_train, n_targets) with values in [0, 100]; the same for the test set.
        ``task`` is ``"regression"``, ``name`` is ``"tolerance_targets"``.
    truth : ndarray of shape (n_samples, n_targets)
        The noise-free targets, train rows first. Only returned if
        ``return_truth`` is True.

    Examples
    --------
    >>> from companion.custom import tolerance_targets
    >>> split = tolerance_targets()
    >>> split.X_train.shape, split.y_test.shape
    ((500, 8), (500, 5))
    >>> bool(split.y_train.min() >= 0 and split.y_train.max() <= 100)
    True
    """
    for name, value in (("n_samples", n_samples), ("n_features", n_features), ("n_targets", n_targets)):
        if int(value) < 1:
            raise ValueError(f"{name} must be positive, got {value}")
    if not 0 < int(n_train) < int(n_samples):
        raise ValueError(f"n_train must be between 1 and n_samples - 1, got {n_train} of {n_samples}")
    if float(noise) < 0:
        raise ValueError(f"noise must be non-negative, got {noise}")
    rng = np.random.default_rng(random_state)
    X = rng.standard_normal((int(n_samples), int(n_features)))
    linear = rng.standard_normal((int(n_features), int(n_targets)))
    quadratic = rng.standard_normal((int(n_features), int(n_targets)))
    linear /= np.linalg.norm(linear, axis=0)
    quadratic /= np.linalg.norm(quadratic, axis=0)
    truth = np.clip(50.0 + 25.0 * (X @ linear) + 10.0 * ((X @ quadratic) ** 2 - 1.0), 0.0, 100.0)
    y = np.clip(truth + float(noise) * rng.standard_normal(truth.shape), 0.0, 100.0)
    X, y = X.astype("float32"), y.astype("float32")
    n = int(n_train)
    split = Split(X[:n], y[:n], X[n:], y[n:], task="regression", name="tolerance_targets")
    return (split, truth) if return_truth else split


def two_head_mlp(n_features, hidden=(4,), regression_name="value", classification_name="label", name=None):
    """Build an uncompiled functional model with a regression head and a classification head.

    Both heads read the same hidden layers, so they compete for its units; the
    ``loss_weights`` given to ``compile`` decide which head the shared layers serve.

    Parameters
    ----------
    n_features : int
        Number of input features.
    hidden : tuple of int, default=(4,)
        Units of each shared hidden layer (ReLU, He-uniform initialisation), in
        order. A narrow layer makes the trade-off between the heads visible.
    regression_name : str, default="value"
        Name of the linear one-unit regression head.
    classification_name : str, default="label"
        Name of the sigmoid one-unit classification head.
    name : str, optional
        Name of the model.

    Returns
    -------
    model : keras.Model
        Input of shape (batch, n_features); outputs a dict ``{regression_name:
        (batch, 1), classification_name: (batch, 1)}``. Compile it with losses,
        loss weights and metrics keyed by the same names, and pass targets as a dict.
        Weights are drawn from Keras's global seed: call
        :func:`companion.training.set_seed` first for a reproducible model.

    Examples
    --------
    >>> from companion.custom import two_head_mlp
    >>> model = two_head_mlp(8)
    >>> model.compile(optimizer="adam", loss={"value": "mse", "label": "binary_crossentropy"},
    ...               loss_weights={"value": 1.0, "label": 0.5})
    >>> sorted(model.output_names)
    ['label', 'value']
    """
    if int(n_features) < 1:
        raise ValueError(f"n_features must be positive, got {n_features}")
    if any(int(h) < 1 for h in hidden):
        raise ValueError(f"hidden layer sizes must be positive, got {tuple(hidden)}")
    if regression_name == classification_name:
        raise ValueError(f"the two heads need different names, got {regression_name!r} twice")
    inputs = keras.Input(shape=(int(n_features),), name="features")
    x = inputs
    for units in hidden:
        x = keras.layers.Dense(int(units), activation="relu", kernel_initializer="he_uniform")(x)
    outputs = {
        regression_name: keras.layers.Dense(1, name=regression_name)(x),
        classification_name: keras.layers.Dense(1, activation="sigmoid", name=classification_name)(x),
    }
    return keras.Model(inputs, outputs, name=name)


@keras.saving.register_keras_serializable(package="companion")
class GeneralizedCrossEntropy(keras.losses.Loss):
    """Compute the generalised cross-entropy (Zhang and Sabuncu 2018), a loss robust to label noise.

    For a one-hot label of class ``c`` and predicted probabilities ``p`` the loss is
    ``(1 - p_c ** q) / q``: the cross-entropy ``-log p_c`` in the limit ``q -> 0``, and
    ``1 - p_c`` (``k / 2`` times the mean absolute error on probabilities) at ``q = 1``.
    Its gradient with respect to the logits is the cross-entropy's multiplied by
    ``p_c ** q``, so samples the model finds implausible (often the mislabelled ones)
    pull less on the weights.

    Formula::

        p = clip(y_pred / sum(y_pred, axis=-1), epsilon, 1 - epsilon)
        loss = sum(y_true * (1 - p ** q), axis=-1) / q

    Parameters
    ----------
    q : float, default=0.7
        The exponent, in ``(0, 1]``; 0.7 is the value Zhang and Sabuncu recommend.
    reduction : str, default="sum_over_batch_size"
        How the per-sample losses are reduced, as for every Keras loss; ``None``
        returns them unreduced.
    name : str, default="generalized_cross_entropy"
        Name of the loss.
    dtype : str, optional
        Computation dtype; defaults to Keras's float type (float32).

    Notes
    -----
    ``y_true`` holds one-hot rows (or soft targets) of the shape of ``y_pred``, as for
    ``keras.losses.CategoricalCrossentropy``; ``y_pred`` holds probabilities (a softmax
    output), not logits. The clip uses ``keras.backend.epsilon()`` (``1e-7``), as
    :func:`companion.losses.generalized_cross_entropy`, its NumPy reference, does.
    Where the clip is active the gradient is zero.

    ``get_config`` stores ``q``, so ``keras.saving.load_model`` restores the same loss.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.custom import GeneralizedCrossEntropy
    >>> loss = GeneralizedCrossEntropy(q=0.5)
    >>> y_true = np.array([[0.0, 1.0, 0.0]])
    >>> y_pred = np.array([[0.2, 0.5, 0.3]])
    >>> round(float(loss(y_true, y_pred)), 5)  # (1 - sqrt(0.5)) / 0.5
    0.58579
    >>> GeneralizedCrossEntropy.from_config(loss.get_config()).q
    0.5
    """

    def __init__(self, q=0.7, reduction="sum_over_batch_size", name="generalized_cross_entropy", dtype=None):
        if (isinstance(q, bool) or not isinstance(q, (int, float, np.integer, np.floating))
            or not np.isfinite(q) or not 0.0 < q <= 1.0):
            raise ValueError(f"q must be a number in (0, 1], got {q!r}")
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.q = float(q)

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        if len(y_true.shape) != len(y_pred.shape) or (y_true.shape[-1] is not None
                                                     and y_true.shape[-1] != y_pred.shape[-1]):
            raise ValueError(f"y_true must be one-hot rows of the shape of y_pred, got y_true.shape={y_true.shape} "
                             f"and y_pred.shape={y_pred.shape}; encode integer labels first")
        eps = keras.backend.epsilon()
        p = ops.clip(y_pred / ops.sum(y_pred, axis=-1, keepdims=True), eps, 1.0 - eps)
        # -expm1(q log p) = 1 - p**q, without float32 cancellation for small q.
        return ops.sum(y_true * -ops.expm1(self.q * ops.log(p)), axis=-1) / self.q

    def get_config(self):
        return {**super().get_config(), "q": self.q}


__all__ += ["GeneralizedCrossEntropy"]


# --- Predicted variances and quantiles (uncertainty chapter).

_VARIANCE_LINKS = ("softplus", "exp")


@keras.saving.register_keras_serializable(package="companion")
class GaussianNLL(keras.losses.Loss):
    """Compute the Gaussian negative log-likelihood of a model that predicts a mean and a variance.

    The model has two output units per target: column 0 is the mean and column 1 a raw
    score that the loss turns into a variance, by default ``softplus(raw) +
    min_variance``, the parametrisation of Lakshminarayanan et al. (2017); the loss itself
    is that of Nix and Weigend (1994), who used an exponential variance unit. The floor
    keeps ``1 / variance`` bounded, so one well-fitted training point cannot drive the
    loss to minus infinity: ``|d loss / d mean| = |y - mean| / variance`` never exceeds
    ``|y - mean| / min_variance``. Softplus alone gives no such bound (``softplus(s) ~
    exp(s)`` for ``s -> -inf``); it only avoids ``exp``'s overflow for large raw scores.
    With ``link="exp"`` the raw score is a log-variance, the other common choice;
    without a floor it has no bound on either side.

    Formula::

        mean, raw = y_pred[..., 0], y_pred[..., 1]
        variance = softplus(raw) + min_variance        # link="softplus"
        variance = exp(raw) + min_variance             # link="exp"
        loss = 0.5 * log(2 * pi * variance) + (y_true - mean) ** 2 / (2 * variance)

    the NumPy reference :func:`companion.losses.gaussian_nll` applied to that variance.

    Parameters
    ----------
    min_variance : float, default=1e-3
        Floor added to every variance, ``>= 0``, in squared target units. The default
        suits standardized targets (unit variance): a standard deviation of about 0.03
        of the targets' spread, far below any noise level worth modelling, while it caps
        the factor on a residual's pull at 1000 (a floor of ``1e-6`` would allow
        ``10**6``, no practical cap). For targets in other units scale it with their
        variance.
    link : {"softplus", "exp"}, default="softplus"
        How the raw score becomes a variance.
    reduction : str, default="sum_over_batch_size"
        As for every Keras loss; ``None`` returns one value per sample.
    name : str, default="gaussian_nll"
    dtype : str, optional
        Computation dtype; defaults to Keras's float type (float32).

    Notes
    -----
    ``y_pred`` has shape ``(n, 2)``; ``y_true`` has shape ``(n,)`` or ``(n, 1)``
    (one target per sample). Unreduced, the loss has shape ``(n,)``. Use
    :meth:`mean_variance` on a model's predictions to read them with the same link.
    ``get_config`` stores ``min_variance`` and ``link``, so ``keras.saving.load_model``
    restores the same loss.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.custom import GaussianNLL
    >>> loss = GaussianNLL(min_variance=0.0, link="exp")
    >>> round(float(loss(np.array([0.0]), np.array([[0.0, 0.0]]))), 6)  # N(0, 1) at 0: 0.5 log(2 pi)
    0.918939
    >>> mean, variance = GaussianNLL().mean_variance(np.array([[1.0, 0.0]]))
    >>> mean.round(3).tolist(), variance.round(3).tolist()  # softplus(0) + 0.001 = log 2 + 0.001
    ([1.0], [0.694])
    """

    def __init__(self, min_variance=1e-3, link="softplus", reduction="sum_over_batch_size", name="gaussian_nll",
                 dtype=None):
        min_variance = float(min_variance)
        if not (np.isfinite(min_variance) and min_variance >= 0):
            raise ValueError(f"min_variance must be a finite number >= 0, got {min_variance}")
        if link not in _VARIANCE_LINKS:
            raise ValueError(f"link must be one of {_VARIANCE_LINKS}, got {link!r}")
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.min_variance = min_variance
        self.link = link

    def _variance(self, raw, backend):
        positive = backend.softplus(raw) if self.link == "softplus" else backend.exp(raw)
        return positive + self.min_variance

    def _aligned(self, y_true, y_pred, columns="mean, raw variance"):
        """Tensors ``(y_true, y_pred)``: two output columns, one target per sample, ``y_true`` of shape (...)."""
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype)
        if y_pred.shape[-1] != 2:
            raise ValueError(f"y_pred must have 2 columns ({columns}), got shape {y_pred.shape}")
        if len(y_true.shape) == len(y_pred.shape):
            if y_true.shape[-1] != 1:
                raise ValueError(f"y_true must hold one target per sample, shape (n,) or (n, 1), got {y_true.shape}")
            y_true = ops.squeeze(y_true, -1)
        elif len(y_true.shape) != len(y_pred.shape) - 1:
            raise ValueError(f"cannot align y_true of shape {y_true.shape} with y_pred of shape {y_pred.shape}")
        return y_true, y_pred

    def call(self, y_true, y_pred):
        y_true, y_pred = self._aligned(y_true, y_pred)
        mean, variance = y_pred[..., 0], self._variance(y_pred[..., 1], ops)
        return 0.5 * ops.log(2.0 * np.pi * variance) + ops.square(y_true - mean) / (2.0 * variance)

    def mean_variance(self, y_pred):
        """Split predictions of shape (..., 2) into NumPy means and variances (float64), with this loss's link."""
        y_pred = np.asarray(y_pred, dtype=np.float64)
        if y_pred.ndim < 1 or y_pred.shape[-1] != 2:
            raise ValueError(f"y_pred must have 2 columns (mean, raw variance), got shape {y_pred.shape}")
        raw = y_pred[..., 1]
        positive = np.logaddexp(0.0, raw) if self.link == "softplus" else np.exp(raw)
        return y_pred[..., 0], positive + self.min_variance

    def get_config(self):
        return {**super().get_config(), "min_variance": self.min_variance, "link": self.link}


def beta_nll(y_true, mean, variance, beta=0.5):
    """Return the beta-NLL of Seitzer et al. (2022) per sample, in NumPy: the Gaussian NLL times ``variance ** beta``.

    Formula::

        loss = variance ** beta * (0.5 * log(2 * pi * variance) + (y_true - mean) ** 2 / (2 * variance))

    The NumPy reference of :class:`BetaNLL`'s value; in training the weight
    ``variance ** beta`` is a constant (no gradient flows through it).

    Parameters
    ----------
    y_true, mean, variance : array_like of the same shape (n,)
        Targets, predicted means and predicted variances (``> 0``).
    beta : float, default=0.5
        In [0, 1]; 0 gives the Gaussian NLL, 1 a loss whose gradient for the mean is
        that of half the squared error.

    Returns
    -------
    loss : ndarray of shape (n,)

    Examples
    --------
    >>> from companion.custom import beta_nll
    >>> beta_nll([0.0], [0.0], [4.0], beta=0.5).round(4).tolist()  # 2 * (0.5 log(8 pi))
    [3.2242]
    """
    y_true, mean, variance = (np.asarray(v, dtype=np.float64) for v in (y_true, mean, variance))
    if np.any(variance <= 0):
        raise ValueError("variance must be positive")
    if not 0.0 <= float(beta) <= 1.0:
        raise ValueError(f"beta must lie in [0, 1], got {beta}")
    nll = 0.5 * np.log(2.0 * np.pi * variance) + (y_true - mean) ** 2 / (2.0 * variance)
    return variance ** float(beta) * nll


def student_t_nll(y_true, loc, scale, df):
    """Return the negative log-density of a Student-t distribution per sample, in NumPy.

    Formula::

        z = (y_true - loc) / scale
        loss = -lgamma((df + 1) / 2) + lgamma(df / 2) + 0.5 * log(df * pi) + log(scale)
               + (df + 1) / 2 * log(1 + z ** 2 / df)

    which is ``-scipy.stats.t.logpdf(y_true, df, loc, scale)``; the NumPy reference of
    :class:`StudentTNLL`.

    Parameters
    ----------
    y_true, loc, scale : array_like of the same shape (n,)
        Targets, locations and scales (``> 0``).
    df : float
        Degrees of freedom, ``> 0``.

    Returns
    -------
    loss : ndarray of shape (n,)

    Examples
    --------
    >>> from companion.custom import student_t_nll
    >>> student_t_nll([0.0], [0.0], [1.0], df=1.0).round(4).tolist()  # Cauchy at 0: log(pi)
    [1.1447]
    """
    from math import lgamma

    y_true, loc, scale = (np.asarray(v, dtype=np.float64) for v in (y_true, loc, scale))
    df = float(df)
    if not (np.isfinite(df) and df > 0):
        raise ValueError(f"df must be a finite number > 0, got {df}")
    if np.any(scale <= 0):
        raise ValueError("scale must be positive")
    z = (y_true - loc) / scale
    constant = -lgamma((df + 1.0) / 2.0) + lgamma(df / 2.0) + 0.5 * np.log(df * np.pi)
    return constant + np.log(scale) + (df + 1.0) / 2.0 * np.log1p(z ** 2 / df)


@keras.saving.register_keras_serializable(package="companion")
class BetaNLL(GaussianNLL):
    """Compute the beta-NLL of Seitzer et al. (2022): the Gaussian NLL weighted by ``variance ** beta``.

    The Gaussian NLL divides each squared residual by its predicted variance, so points
    the model already expects to be noisy pull little on the mean, and a model can
    settle on a poor mean with a large variance. beta-NLL multiplies each sample's NLL by
    its predicted variance to the power ``beta``, held constant in the gradient (a
    stop-gradient), which restores part of that pull: at ``beta = 1`` the mean's
    gradient is the squared error's, at ``beta = 0`` the loss is :class:`GaussianNLL`.
    Seitzer et al. recommend ``beta = 0.5``. The model and its outputs are those of
    :class:`GaussianNLL` (column 0 the mean, column 1 a raw variance score), and so is
    :meth:`mean_variance`.

    Formula::

        variance = softplus(raw) + min_variance
        loss = stop_gradient(variance) ** beta * gaussian_nll(y_true, mean, variance)

    Parameters
    ----------
    beta : float, default=0.5
        In [0, 1].
    min_variance, link, reduction, name, dtype
        As for :class:`GaussianNLL`.

    Notes
    -----
    The loss's value is not a log-likelihood; score the trained model with the Gaussian
    NLL (:func:`companion.losses.gaussian_nll`). :func:`beta_nll` is the NumPy reference.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.custom import BetaNLL
    >>> loss = BetaNLL(beta=0.5, min_variance=0.0, link="exp")
    >>> round(float(loss(np.array([0.0]), np.array([[0.0, np.log(4.0)]]))), 4)  # 4 ** 0.5 * 0.5 log(8 pi)
    3.2242
    """

    def __init__(self, beta=0.5, min_variance=1e-3, link="softplus", reduction="sum_over_batch_size",
                 name="beta_nll", dtype=None):
        beta = float(beta)
        if not (np.isfinite(beta) and 0.0 <= beta <= 1.0):
            raise ValueError(f"beta must lie in [0, 1], got {beta}")
        super().__init__(min_variance=min_variance, link=link, reduction=reduction, name=name, dtype=dtype)
        self.beta = beta

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        nll = super().call(y_true, y_pred)
        weight = ops.stop_gradient(self._variance(y_pred[..., 1], ops))
        return nll * ops.power(weight, self.beta)

    def get_config(self):
        return {**super().get_config(), "beta": self.beta}


@keras.saving.register_keras_serializable(package="companion")
class StudentTNLL(GaussianNLL):
    """Compute the negative log-likelihood of a Student-t with a predicted location and scale.

    A heavy-tailed alternative to :class:`GaussianNLL`: the same two output units
    (column 0 the location, column 1 a raw score), read as a Student-t with ``df``
    degrees of freedom whose squared scale is ``softplus(raw) + min_variance``. A
    residual of ``r`` scales costs ``(df + 1) / 2 * log(1 + r**2 / df)``, which grows
    like ``log r`` instead of the Gaussian's ``r**2 / 2``, so a few wild targets pull
    less on the fit. As ``df -> inf`` it becomes the Gaussian NLL.

    Formula::

        loc, scale ** 2 = y_pred[..., 0], softplus(y_pred[..., 1]) + min_variance
        loss = student_t_nll(y_true, loc, scale, df)    # -scipy.stats.t.logpdf

    Parameters
    ----------
    df : float, default=5.0
        Degrees of freedom, ``> 0``, fixed (not learnt). The variance is
        ``scale ** 2 * df / (df - 2)`` for ``df > 2``.
    min_variance, link, reduction, name, dtype
        As for :class:`GaussianNLL`; the floor applies to ``scale ** 2``.

    Notes
    -----
    :meth:`mean_variance` returns the location and ``scale ** 2`` (not the variance);
    :meth:`location_scale` returns the location and the scale. A quantile at level
    ``tau`` is ``loc + scale * scipy.stats.t.ppf(tau, df)``.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.custom import StudentTNLL
    >>> loss = StudentTNLL(df=1.0, min_variance=0.0, link="exp")
    >>> round(float(loss(np.array([0.0]), np.array([[0.0, 0.0]]))), 4)  # Cauchy at 0: log(pi)
    1.1447
    """

    def __init__(self, df=5.0, min_variance=1e-3, link="softplus", reduction="sum_over_batch_size",
                 name="student_t_nll", dtype=None):
        df = float(df)
        if not (np.isfinite(df) and df > 0):
            raise ValueError(f"df must be a finite number > 0, got {df}")
        super().__init__(min_variance=min_variance, link=link, reduction=reduction, name=name, dtype=dtype)
        self.df = df

    def call(self, y_true, y_pred):
        from math import lgamma

        y_true, y_pred = self._aligned(y_true, y_pred, columns="location, raw scale")
        loc, scale2 = y_pred[..., 0], self._variance(y_pred[..., 1], ops)
        df = self.df
        constant = -lgamma((df + 1.0) / 2.0) + lgamma(df / 2.0) + 0.5 * np.log(df * np.pi)
        return (constant + 0.5 * ops.log(scale2)
                + (df + 1.0) / 2.0 * ops.log1p(ops.square(y_true - loc) / (df * scale2)))

    def location_scale(self, y_pred):
        """Split predictions of shape (..., 2) into NumPy locations and scales (float64)."""
        loc, scale2 = self.mean_variance(y_pred)
        return loc, np.sqrt(scale2)

    def get_config(self):
        return {**super().get_config(), "df": self.df}


def _levels(quantiles):
    levels = tuple(float(q) for q in np.atleast_1d(quantiles))
    if not levels or not all(0.0 < q < 1.0 for q in levels):
        raise ValueError(f"quantiles must be levels strictly between 0 and 1, got {quantiles!r}")
    if any(b <= a for a, b in zip(levels, levels[1:])):
        raise ValueError(f"quantiles must be strictly increasing, got {levels}")
    return levels


@keras.saving.register_keras_serializable(package="companion")
class MultiPinballLoss(keras.losses.Loss):
    """Compute the pinball loss of several predicted quantiles at once, one output column per level.

    One model with ``k`` outputs predicts the ``k`` quantiles; the loss is the mean of
    :class:`PinballLoss` over the levels. The levels are not tied together: nothing
    stops column 0 (say the 5 % quantile) from exceeding column 1 (the median) for some
    inputs. :func:`quantile_mlp` with ``monotone=True`` builds a model whose columns
    cannot cross.

    Formula::

        error[..., j] = y_true - y_pred[..., j]
        loss = mean_j(maximum(q[j] * error[..., j], (q[j] - 1) * error[..., j]))

    Parameters
    ----------
    quantiles : sequence of float, default=(0.05, 0.5, 0.95)
        Strictly increasing levels in (0, 1), one per output column.
    reduction : str, default="sum_over_batch_size"
    name : str, default="multi_pinball"
    dtype : str, optional

    Notes
    -----
    ``y_pred`` has shape ``(n, k)``, ``y_true`` shape ``(n,)`` or ``(n, 1)``; unreduced,
    the loss has shape ``(n,)``. It equals :func:`companion.losses.pinball` with the
    targets repeated over the ``k`` columns.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.custom import MultiPinballLoss
    >>> loss = MultiPinballLoss([0.1, 0.9])
    >>> round(float(loss(np.array([0.0]), np.array([[-1.0, 1.0]]))), 6)  # 0.1 per unit on each side
    0.1
    """

    def __init__(self, quantiles=(0.05, 0.5, 0.95), reduction="sum_over_batch_size", name="multi_pinball",
                 dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.quantiles = _levels(quantiles)

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype)
        k = len(self.quantiles)
        if y_pred.shape[-1] != k:
            raise ValueError(f"y_pred must have one column per quantile ({k}), got shape {y_pred.shape}")
        if len(y_true.shape) == len(y_pred.shape) - 1:
            y_true = ops.expand_dims(y_true, -1)
        elif len(y_true.shape) != len(y_pred.shape) or y_true.shape[-1] != 1:
            raise ValueError(f"y_true must hold one target per sample, shape (n,) or (n, 1), got {y_true.shape}")
        q = ops.convert_to_tensor(np.array(self.quantiles), dtype=y_pred.dtype)
        error = y_true - y_pred
        return ops.mean(ops.maximum(q * error, (q - 1.0) * error), axis=-1)

    def get_config(self):
        return {**super().get_config(), "quantiles": list(self.quantiles)}


@keras.saving.register_keras_serializable(package="companion")
class IncreasingColumns(keras.layers.Layer):
    """Map raw scores to increasing columns: the first as it is, then positive steps.

    Formula::

        out[..., 0] = raw[..., 0]
        out[..., j] = out[..., j - 1] + softplus(raw[..., j]) + min_step

    A monotone parametrisation of predicted quantiles: whatever the weights, column
    ``j`` is at least column ``j - 1`` plus ``min_step``, so the quantiles never cross. In
    float32 a very negative raw score makes ``softplus`` underflow to 0, so with the
    default ``min_step=0`` two columns can be equal (the example's first two).

    Parameters
    ----------
    min_step : float, default=0.0
        Smallest gap between neighbouring columns, ``>= 0``.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.custom import IncreasingColumns
    >>> np.asarray(IncreasingColumns()(np.array([[1.0, -30.0, 0.0]]))).round(3)
    array([[1.   , 1.   , 1.693]], dtype=float32)
    """

    def __init__(self, min_step=0.0, **kwargs):
        super().__init__(**kwargs)
        min_step = float(min_step)
        if not (np.isfinite(min_step) and min_step >= 0):
            raise ValueError(f"min_step must be a finite number >= 0, got {min_step}")
        self.min_step = min_step

    def call(self, inputs):
        steps = ops.softplus(inputs[..., 1:]) + self.min_step
        return ops.concatenate([inputs[..., :1], inputs[..., :1] + ops.cumsum(steps, axis=-1)], axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "min_step": self.min_step}


def quantile_mlp(n_features, n_quantiles=3, hidden=(25,), monotone=False, name=None):
    """Build an uncompiled MLP that predicts several quantiles, one output column per level.

    The hidden layers are those of :func:`companion.models.mlp` (ReLU, He-uniform);
    the output is a linear layer with ``n_quantiles`` units, followed, with
    ``monotone=True``, by :class:`IncreasingColumns`, so that the columns increase
    for every input and the quantiles cannot cross. Compile it with
    :class:`MultiPinballLoss`.

    Parameters
    ----------
    n_features : int
        Number of input features.
    n_quantiles : int, default=3
        Number of quantile levels, ``>= 1`` (``>= 2`` with ``monotone=True``).
    hidden : tuple of int, default=(25,)
        Units of each hidden layer.
    monotone : bool, default=False
        Make the columns increasing by construction.
    name : str, optional

    Returns
    -------
    model : keras.Sequential
        Input (batch, n_features), output (batch, n_quantiles). Call
        :func:`companion.training.set_seed` first for reproducible weights.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.custom import quantile_mlp
    >>> model = quantile_mlp(4, monotone=True)
    >>> pred = np.asarray(model(np.random.default_rng(0).normal(size=(50, 4))))
    >>> pred.shape, bool(np.all(np.diff(pred, axis=1) > 0))
    ((50, 3), True)
    """
    if int(n_features) < 1:
        raise ValueError(f"n_features must be positive, got {n_features}")
    if int(n_quantiles) < (2 if monotone else 1):
        raise ValueError(f"n_quantiles must be at least {2 if monotone else 1}, got {n_quantiles}")
    if any(int(h) < 1 for h in hidden):
        raise ValueError(f"hidden layer sizes must be positive, got {tuple(hidden)}")
    layers = [keras.Input(shape=(int(n_features),))]
    layers += [keras.layers.Dense(int(h), activation="relu", kernel_initializer="he_uniform") for h in hidden]
    layers.append(keras.layers.Dense(int(n_quantiles)))
    if monotone:
        layers.append(IncreasingColumns())
    return keras.Sequential(layers, name=name)


__all__ += ["GaussianNLL", "MultiPinballLoss", "IncreasingColumns", "quantile_mlp"]


def _concrete(x):
    """``x`` as a NumPy array when its values are known (eager call), else ``None`` (inside a compiled step)."""
    try:
        return np.asarray(x)
    except Exception:  # a symbolic tensor: its values exist only when the graph runs
        return None


@keras.saving.register_keras_serializable(package="companion")
class TweedieDeviance(keras.losses.Loss):
    """Compute the Tweedie deviance of a predicted positive mean: Poisson, compound Poisson-Gamma or Gamma.

    The model outputs the conditional **mean** ``mu > 0`` itself (as for
    ``keras.losses.Poisson``), so give it an output layer that keeps it positive:
    ``activation="exponential"`` (the log link of a generalised linear model) or
    ``"softplus"``. For every ``power`` the expected deviance is smallest at the true
    conditional mean, so a model trained with it estimates the mean; ``power`` says how
    fast the noise is assumed to grow with the mean (variance ``~ mu ** power``): 1 for
    counts (Poisson), 2 for a constant relative spread (Gamma, as in a log-normal), in
    between for positive amounts with exact zeros (compound Poisson-Gamma, insurance
    claims). NumPy reference: :func:`companion.losses.tweedie_deviance`, whose mean is
    scikit-learn's ``mean_tweedie_deviance``.

    Formula, with ``mu = maximum(y_pred, EPSILON)`` and ``y = y_true``::

        p = 1:      d = 2 * (y log(y / mu) - y + mu)
        1 < p < 2:  d = 2 * (y**(2-p) / ((1-p)(2-p)) - y mu**(1-p) / (1-p) + mu**(2-p) / (2-p))
        p = 2:      d = 2 * (log(mu / y) + y / mu - 1)
        loss = mean(d, axis=-1)

    Parameters
    ----------
    power : float, default=1.5
        The Tweedie power, in [1, 2].
    reduction : str, default="sum_over_batch_size"
    name : str, default="tweedie_deviance"
    dtype : str, optional

    Raises
    ------
    ValueError
        At construction, for ``power`` outside [1, 2]. When called eagerly (outside a
        compiled training step, where values are known), for a negative target, or a
        target of 0 with ``power=2`` (the Gamma deviance is infinite there). Inside a
        compiled step such a target gives ``inf`` or ``NaN``; check the data first.

    Notes
    -----
    ``y_pred`` is clipped below at ``keras.config.epsilon()`` (1e-7): a linear output
    that goes negative gets the deviance of ``mu = 1e-7`` and no gradient, and stays
    there. ``y_true`` of shape ``(n,)`` is aligned with ``y_pred`` of shape ``(n, 1)``,
    never broadcast. ``get_config`` stores ``power``.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.custom import TweedieDeviance
    >>> loss = TweedieDeviance(power=2)
    >>> round(float(loss(np.array([1.0, 4.0]), np.array([[2.0], [2.0]]))), 5)
    0.5
    >>> TweedieDeviance.from_config(TweedieDeviance(power=1.2).get_config()).power
    1.2
    """

    def __init__(self, power=1.5, reduction="sum_over_batch_size", name="tweedie_deviance", dtype=None):
        from .losses import _tweedie_power

        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.power = _tweedie_power(power)

    def call(self, y_true, y_pred):
        _, y_true, y_pred = _align(y_true, y_pred, dtype=None)
        y_true = ops.cast(y_true, y_pred.dtype)
        values = _concrete(y_true)
        if values is not None:
            if np.any(values < 0):
                raise ValueError(f"y_true must be >= 0 for the Tweedie deviance, got {values[values < 0].flat[0]:g}")
            if self.power == 2.0 and np.any(values <= 0):
                raise ValueError("y_true must be > 0 for the Gamma deviance (power=2), got 0; "
                                 "targets with zeros need 1 <= power < 2")
        mu = ops.maximum(y_pred, keras.config.epsilon())
        y, p = y_true, self.power
        if p == 1.0:
            # y log(y / mu), 0 at y = 0 (the log of the clipped y is finite there)
            d = 2.0 * (y * (ops.log(ops.maximum(y, keras.config.epsilon())) - ops.log(mu)) - y + mu)
        elif p == 2.0:
            d = 2.0 * (ops.log(mu / y) + y / mu - 1.0)
        else:
            d = 2.0 * (ops.power(y, 2.0 - p) / ((1.0 - p) * (2.0 - p))
                       - y * ops.power(mu, 1.0 - p) / (1.0 - p) + ops.power(mu, 2.0 - p) / (2.0 - p))
        return ops.mean(d, axis=-1)

    def get_config(self):
        return {**super().get_config(), "power": self.power}


__all__ += ["TweedieDeviance"]


# --- Segmentation with a rare foreground (segmentation chapter).


@keras.saving.register_keras_serializable(package="companion")
class BinaryCrossentropyDice(keras.losses.Loss):
    """Compute binary cross-entropy plus a weighted Dice loss: the sum often recommended for segmentation.

    Formula::

        loss = binary_crossentropy(y_true, y_pred) + dice_weight * dice(y_true, y_pred, axis)

    with Keras's own ``keras.losses.binary_crossentropy`` (probabilities clipped at ``1e-7``),
    averaged over each sample's pixels, and ``keras.losses.dice``. With ``axis=None`` (Keras's
    default for ``Dice``) the Dice term is one number for the whole batch, added to every
    sample's cross-entropy; ``axis=1`` (flattened images) or ``axis=(1, 2, 3)`` (images of
    shape ``(h, w, 1)``) gives one Dice per image.

    Parameters
    ----------
    dice_weight : float, default=1.0
        Weight of the Dice term, ``>= 0``; 0 gives the cross-entropy alone.
    axis : int, tuple of int or None, default=None
        Axes the Dice term sums over, as for ``keras.losses.Dice``.
    reduction : str, default="sum_over_batch_size"
    name : str, default="binary_crossentropy_dice"
    dtype : str, optional

    Notes
    -----
    ``y_pred`` holds probabilities (a sigmoid output). A plain function
    ``lambda y, p: keras.losses.binary_crossentropy(y, p) + keras.losses.dice(y, p)`` trains
    the same model; this class also stores ``dice_weight`` and ``axis`` in ``get_config``,
    so ``keras.saving.load_model`` restores the loss without ``custom_objects``.

    Examples
    --------
    >>> import numpy as np
    >>> import keras
    >>> from companion.custom import BinaryCrossentropyDice
    >>> y_true = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
    >>> y_pred = np.array([[0.1, 0.8, 0.1, 0.1], [0.2, 0.1, 0.6, 0.1]])
    >>> both = float(BinaryCrossentropyDice()(y_true, y_pred))
    >>> parts = float(keras.losses.BinaryCrossentropy()(y_true, y_pred) + keras.losses.Dice()(y_true, y_pred))
    >>> bool(abs(both - parts) < 1e-6)
    True
    >>> BinaryCrossentropyDice.from_config(BinaryCrossentropyDice(axis=(1, 2, 3)).get_config()).axis
    (1, 2, 3)
    """

    def __init__(self, dice_weight=1.0, axis=None, reduction="sum_over_batch_size", name="binary_crossentropy_dice",
                 dtype=None):
        if (isinstance(dice_weight, bool) or not isinstance(dice_weight, (int, float, np.integer, np.floating))
                or not np.isfinite(dice_weight) or dice_weight < 0):
            raise ValueError(f"dice_weight must be a finite number >= 0, got {dice_weight!r}")
        if isinstance(axis, list):
            axis = tuple(axis)  # get_config's JSON round trip turns the tuple into a list
        if axis is not None and not (isinstance(axis, int) or isinstance(axis, tuple)
                                     and all(isinstance(a, int) for a in axis)):
            raise ValueError(f"axis must be None, an int or a tuple of ints, got {axis!r}")
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.dice_weight = float(dice_weight)
        self.axis = axis

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        bce = keras.losses.binary_crossentropy(y_true, y_pred)  # averaged over the last axis
        if len(bce.shape) > 1:  # images (n, h, w, 1): one cross-entropy per image, to add to its Dice
            bce = ops.mean(bce, axis=tuple(range(1, len(bce.shape))))
        return bce + self.dice_weight * keras.losses.dice(y_true, y_pred, axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "dice_weight": self.dice_weight, "axis": self.axis}


__all__ += ["BinaryCrossentropyDice"]


# --- Ordinal targets (ordinal chapter): the cumulative-link (CORAL) loss and its output layer.

@keras.saving.register_keras_serializable(package="companion")
class CoralLoss(keras.losses.Loss):
    """Compute the cumulative-link (CORAL) loss of integer ranks against ``K - 1`` cumulative logits.

    An ordinal target ``y`` in ``0..K-1`` is split into ``K - 1`` binary questions, "is ``y > k``?",
    ``k = 0..K-2``. The model outputs one logit ``z_k`` per question, and the loss is the sum of their
    binary cross-entropies (Cao, Mirjalili & Raschka 2020, eq. 3, every task weighted 1). With
    :class:`CoralLogits` as the output layer, ``z_k = g(x) + b_k``: one score and ``K - 1`` biases, the
    proportional-odds model of McCullagh (1980), whose predicted ranks cannot contradict each other.

    Formula, with ``t_k = [y_true > k]`` (:func:`companion.ordinal.cumulative_targets`)::

        loss = sum_k [ max(z_k, 0) - t_k z_k + log(1 + exp(-|z_k|)) ]

    the binary cross-entropy from logits written without overflow, summed over the thresholds.
    :func:`companion.ordinal.coral_loss` is its NumPy reference.

    Parameters
    ----------
    reduction : str, default="sum_over_batch_size"
        How the per-sample losses are reduced, as for every Keras loss; ``None`` returns them.
    name : str, default="coral"
    dtype : str, optional
        Computation dtype; defaults to Keras's float type (float32).

    Notes
    -----
    ``y_true`` holds integer ranks, shape ``(batch,)`` or ``(batch, 1)``, as for
    ``SparseCategoricalCrossentropy``; ``y_pred`` holds logits, shape ``(batch, K-1)``, so ``K`` is read
    from it. Called eagerly (outside ``fit``) the loss checks the ranks and raises a ``ValueError`` for a
    rank outside ``0..K-1`` or one that is not a whole number; inside a compiled graph the values
    cannot be checked, so check the training labels once with :func:`companion.ordinal.check_ranks`.
    Decode predictions with :func:`companion.ordinal.predicted_ranks` (the number of ``z_k > 0``).

    The loss has no hyper-parameter; ``get_config`` stores its name and reduction, so
    ``keras.saving.load_model`` restores it without ``custom_objects``.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.custom import CoralLoss
    >>> loss = CoralLoss(reduction=None)
    >>> np.asarray(loss(np.array([0, 2]), np.zeros((2, 3)))).round(4)  # 3 log 2 each
    array([2.0794, 2.0794], dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size", name="coral", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        if len(y_pred.shape) < 2 or y_pred.shape[-1] is None or y_pred.shape[-1] < 1:
            raise ValueError(f"y_pred must hold K-1 >= 1 cumulative logits per sample, shape (batch, K-1), "
                             f"got shape {tuple(y_pred.shape)}")
        thresholds = int(y_pred.shape[-1])
        try:  # concrete values (an eager call): check them; symbolic ones (inside fit) cannot be read
            values = np.asarray(y_true)
        except Exception:  # noqa: BLE001 - a symbolic tensor refuses conversion in several ways
            values = None
        if values is not None and values.dtype != object:
            from .ordinal import check_ranks

            check_ranks(values, thresholds + 1, name="y_true")
        y_true = ops.cast(y_true, y_pred.dtype)
        if len(y_true.shape) == len(y_pred.shape):
            if y_true.shape[-1] not in (1, None):
                raise ValueError(f"y_true must hold one integer rank per sample, shape (batch,) or (batch, 1), "
                                 f"got shape {tuple(y_true.shape)}; do not encode the ranks")
            y_true = ops.squeeze(y_true, axis=-1)
        levels = ops.arange(thresholds, dtype=y_pred.dtype)
        t = ops.cast(ops.expand_dims(y_true, -1) > levels, y_pred.dtype)
        z = y_pred
        return ops.sum(ops.relu(z) - t * z + ops.log1p(ops.exp(-ops.abs(z))), axis=-1)


@keras.saving.register_keras_serializable(package="companion")
class CoralLogits(keras.layers.Layer):
    """Map features to ``K - 1`` cumulative logits that share one weight vector: ``z_k = h . w + b_k``.

    The output layer of CORAL (Cao, Mirjalili & Raschka 2020): a linear score with one weight vector
    ``w`` and no bias of its own, plus one bias per threshold. Sharing ``w`` makes the thresholds
    differ by constants only, the proportional-odds assumption; where the biases are ordered
    (``b_0 >= b_1 >= ...``, which training reaches, Cao et al. Theorem 1) the cumulative
    probabilities ``sigmoid(z_k)`` never increase with ``k``, so the predicted ranks are consistent.

    Parameters
    ----------
    n_classes : int
        ``K``, ``>= 2``; the layer outputs ``K - 1`` logits.
    kernel_initializer : str, default="glorot_uniform"
        Initializer of ``w`` (the Dense layer's default). The biases start at 0.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.custom import CoralLogits
    >>> layer = CoralLogits(4)
    >>> z = np.asarray(layer(np.ones((2, 3), dtype="float32")))
    >>> z.shape, bool(np.allclose(z[:, 1:], z[:, :1]))  # biases start equal (at 0)
    ((2, 3), True)
    """

    def __init__(self, n_classes, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
            raise ValueError(f"n_classes must be an integer >= 2, got {n_classes!r}")
        self.n_classes = int(n_classes)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(int(input_shape[-1]), 1), initializer=self.kernel_initializer,
                                      name="kernel")
        self.bias = self.add_weight(shape=(self.n_classes - 1,), initializer="zeros", name="bias")

    def call(self, inputs):
        return ops.matmul(inputs, self.kernel) + self.bias

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.n_classes - 1)

    def get_config(self):
        return {**super().get_config(), "n_classes": self.n_classes,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer)}


def coral_mlp(n_features, n_classes, hidden=(50,), name=None):
    """Build an uncompiled CORAL network: ReLU hidden layers, then :class:`CoralLogits`.

    The hidden layers are those of :func:`companion.models.mlp` (ReLU, He-uniform), so a CORAL
    network and the book's MLP with the same ``hidden`` differ only in the output layer. Compile it
    with :class:`CoralLoss`.

    Parameters
    ----------
    n_features : int
    n_classes : int
        ``K``, ``>= 2``.
    hidden : tuple of int, default=(50,)
    name : str, optional

    Returns
    -------
    model : keras.Sequential
        Input (batch, n_features), output (batch, K-1) cumulative logits. Call
        :func:`companion.training.set_seed` first for reproducible weights.

    Examples
    --------
    >>> from companion.custom import coral_mlp
    >>> coral_mlp(4, n_classes=5).output_shape
    (None, 4)
    """
    if int(n_features) < 1:
        raise ValueError(f"n_features must be positive, got {n_features}")
    if any(int(h) < 1 for h in hidden):
        raise ValueError(f"hidden layer sizes must be positive, got {tuple(hidden)}")
    layers = [keras.Input(shape=(int(n_features),))]
    layers += [keras.layers.Dense(int(h), activation="relu", kernel_initializer="he_uniform") for h in hidden]
    layers.append(CoralLogits(n_classes))
    return keras.Sequential(layers, name=name)


__all__ += ["CoralLoss", "CoralLogits", "coral_mlp"]
