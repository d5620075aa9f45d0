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
