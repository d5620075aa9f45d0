"""Seed, train and score Keras models: the whole run inside one compiled graph.

On the book's small problems (500 samples, batch 32) ``model.fit`` spends almost
all of its time on per-step Python overhead: callbacks, logs, data adapters and
one graph call per batch. :func:`fit` runs the same algorithm with that overhead
removed. Every epoch, every mini-batch and every end-of-epoch evaluation run in
one ``tf.function``:

* the model's compiled loss, optimizer and metrics, through Keras's own
  ``model.train_step`` and ``model.test_step``;
* the training set reshuffled every epoch and cut into mini-batches of
  ``batch_size`` (the last one smaller);
* after each epoch, the running train loss and metrics (averaged over the epoch's
  batches, as ``model.fit`` reports them) and the loss and metrics on the test set;
* a final evaluation of the trained model on both sets, as ``model.evaluate``.

:func:`fit_keras` runs plain ``model.fit`` and returns the same
:class:`~companion.training.FitResult`, so the two paths can be compared call for call.

Reproducibility is one explicit call: :func:`set_seed` seeds Python, NumPy,
Keras and TensorFlow without throwing away TensorFlow's compiled kernels. Call it
before building the model; :func:`fit` draws its shuffling seed from the seeded
NumPy generator.
"""

import math
import time
import weakref
from collections import Counter
from dataclasses import dataclass, field

import numpy as np



def set_seed(seed):
    """Seed every generator a training run draws from, in one call, keeping compiled kernels.

    After ``set_seed(seed)``, building a model and training it gives the same
    initial weights, mini-batch order, dropout masks and data draws, and so the
    same printed scores, in this process and in any other.

    What it seeds:

    * Python's ``random``: Keras 3 draws the seed of every initializer and
      every ``SeedGenerator`` (dropout, noise layers) from it when none is given,
      so it fixes the initial weights and the dropout masks;
    * NumPy's global generator: :func:`fit` draws its mini-batch order from it,
      and so do most data helpers;
    * Keras's global ``SeedGenerator`` (used by ``keras.random`` calls without a
      seed), which is reset so that it restarts from the seeded state;
    * TensorFlow's global seed, which the random ops in traced graphs (the
      shuffling in ``model.fit``'s ``tf.data`` pipeline) derive their seeds from.

    It differs from ``keras.utils.set_random_seed`` in one respect: it does not
    call ``tf.random.set_seed``, which also empties TensorFlow's eager kernel
    cache, so that every fit after it rebuilds the kernels of its compiled graph
    (measured here: a 100-epoch circles fit took twice as long after it;
    ``python -m benchmarks.seeding``). TensorFlow's global seed is set without
    that side effect.

    Parameters
    ----------
    seed : int
        A non-negative integer. The same seed gives the same initial weights,
        the same mini-batch order and the same printed scores.

    Raises
    ------
    ValueError
        If ``seed`` is not a non-negative integer.

    Notes
    -----
    Stateful TensorFlow random ops called eagerly without a seed
    (``tf.random.uniform(shape)`` in a notebook cell) keep their kernels, and so
    their position in the random stream, across calls: they are not reset. Keras
    never uses them (its random ops are stateless); give such a call an explicit
    seed, or use ``keras.random`` functions, which this function does reset.

    Examples
    --------
    >>> import numpy as np
    >>> import companion as cp
    >>> cp.set_seed(0); a = np.random.rand()
    >>> cp.set_seed(0); b = np.random.rand()
    >>> a == b
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    import random

    import keras
    from keras.src.backend.common import global_state
    from keras.src.random import seed_generator
    from keras.src.utils import rng_utils

    random.seed(seed)
    np.random.seed(seed)
    # What keras.utils.set_random_seed does besides seeding TensorFlow: record the seed and drop
    # the global SeedGenerator, which keras.random then rebuilds from the seeded Python generator.
    global_state.set_global_attribute(rng_utils.GLOBAL_RANDOM_SEED, seed)
    global_state.set_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR, None)
    if keras.backend.backend() == "tensorflow":
        _set_tensorflow_seed(seed)


def _set_tensorflow_seed(seed):
    """Set TensorFlow's global seed as ``tf.random.set_seed`` does, without emptying its kernel cache.

    ``tf.random.set_seed`` (eager) stores the seed and an op-seed generator on the
    context, then calls ``TFE_ContextClearCaches``. The first two are what random
    ops read; the third only matters for stateful eager random ops (see
    :func:`set_seed`). Where the context lacks these attributes (another
    TensorFlow release), fall back to ``tf.random.set_seed``: correct, only slower.
    ``tests/test_training.py`` checks both the effect and that the fast branch is
    the one taken with the locked TensorFlow.
    """
    import random

    import tensorflow as tf
    from tensorflow.python.eager import context

    ctx = context.context()
    if not (tf.executing_eagerly() and hasattr(ctx, "_seed") and hasattr(ctx, "_rng")):
        tf.random.set_seed(seed)
        return False
    ctx._seed = seed
    ctx._rng = random.Random(seed)
    return True


@dataclass(frozen=True)
class FitResult:
    """What one training run produced.

    Attributes
    ----------
    history : dict of str to ndarray of shape (epochs,)
        Per-epoch curves with Keras's keys: ``"loss"`` and one key per metric for
        the training set (averaged over the epoch's batches), and the same keys
        prefixed with ``"val_"`` for the test set (evaluated after the epoch).
    train : dict of str to float
        Loss and metrics of the final model on the whole training set.
    test : dict of str to float
        Loss and metrics of the final model on the test set.
    seconds : float
        Wall time of the run (not shown in the repr: it is not a result).
    weights : list of ndarray or None
        The final weights (``model.get_weights()`` after training), so that a run's
        trained model can be rebuilt with ``model.set_weights(result.weights)`` after
        its model has been re-initialised for the next seed. Not in the repr.

    Examples
    --------
    :func:`fit` and :func:`fit_keras` return one; built by hand:

    >>> import numpy as np
    >>> from companion.training import FitResult
    >>> result = FitResult({"loss": np.array([0.9, 0.5]), "val_loss": np.array([1.0, 0.6])}, {"loss": 0.45},
    ...                    {"loss": 0.55}, seconds=2.0)
    >>> result.epochs
    2
    >>> result
    FitResult(epochs=2, train: loss=0.450; test: loss=0.550)
    >>> result == FitResult(result.history, result.train, result.test, seconds=3.0)  # the wall time is no result
    True
    """

    history: dict
    train: dict
    test: dict
    seconds: float = field(default=float("nan"), repr=False, compare=False)
    weights: list = field(default=None, repr=False, compare=False)

    def __eq__(self, other):
        # The generated __eq__ would compare the history arrays with ``==`` and raise
        # "truth value of an array is ambiguous"; compare them element for element instead.
        if not isinstance(other, FitResult):
            return NotImplemented
        return (self.train == other.train and self.test == other.test
                and self.history.keys() == other.history.keys()
                and all(np.array_equal(self.history[k], other.history[k]) for k in self.history))

    @property
    def epochs(self):
        """Number of epochs trained."""
        return len(self.history["loss"])

    def __repr__(self):
        def fmt(scores):
            return ", ".join(f"{k}={v:.3f}" for k, v in scores.items())

        return f"FitResult(epochs={self.epochs}, train: {fmt(self.train)}; test: {fmt(self.test)})"


def _as_arrays(model, split):
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", False):
        raise ValueError("the model must be compiled (model.compile(loss=..., optimizer=..., metrics=[...])) first")
    arrays = []
    for name in ("X_train", "y_train", "X_test", "y_test"):
        value = np.asarray(getattr(split, name))
        if not np.issubdtype(value.dtype, np.number):
            raise ValueError(f"{name} must be numeric, got dtype {value.dtype}")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{name} contains NaN or infinite values")
        arrays.append(value)
    x, y, xv, yv = arrays
    if len(x) != len(y) or len(xv) != len(yv):
        raise ValueError(f"X and y lengths differ: train {len(x)} vs {len(y)}, test {len(xv)} vs {len(yv)}")
    if len(x) == 0 or len(xv) == 0:
        raise ValueError("the train and test sets must both be non-empty")
    return x.astype("float32"), y, xv.astype("float32"), yv


def _check_run(epochs, batch_size):
    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


# How many models this process has trained, by path (see models_trained).
_TRAINED = Counter()


def models_trained():
    """Return how many models this process has trained through companion, by path.

    Returns
    -------
    counts : dict of str to int
        ``"fit"`` (:func:`fit`), ``"fit_keras"`` (:func:`fit_keras`) and
        ``"replicates"`` (replicates trained by :func:`companion.replicates.fit_replicates`).
        A ``model.fit`` call made outside companion is not counted.
        ``python -m benchmarks.execution_stats`` reads it at the end of each chapter.

    Examples
    --------
    >>> from companion.training import models_trained
    >>> sorted(models_trained())
    ['fit', 'fit_keras', 'replicates']
    """
    return {path: _TRAINED[path] for path in ("fit", "fit_keras", "replicates")}


# Compiled runners per model, so that training the same model object again (for example a
# template model re-initialised for each seed) reuses its graph instead of tracing a new one.
_RUNNERS = weakref.WeakKeyDictionary()


def _prepare(model, x, y):
    """Build the optimizer, compiled loss and metrics eagerly; return the metric keys in order.

    Variables must exist before the whole-run graph is traced, because a
    ``tf.function`` may not create variables inside its loops. The optimizer's
    initial state is recorded so that :func:`reinitialize` can restore it.
    """
    model.optimizer.build(model.trainable_variables)
    y_pred = model(x[:1], training=False)
    model.compute_loss(x=x[:1], y=y[:1], y_pred=y_pred, training=False)
    model.compute_metrics(x[:1], y[:1], y_pred, sample_weight=None)
    names = list(model.get_metrics_result().keys())
    model.reset_metrics()
    return names


def _runner(model, x, y, epochs, batch_size, weighted=False):
    cache = _RUNNERS.setdefault(model, {})
    if "names" not in cache:
        cache["names"] = _prepare(model, x, y)
        cache["optimizer_state"] = [v.numpy() for v in model.optimizer.variables]
    key = (epochs, batch_size, weighted)
    if key not in cache:
        cache[key] = _graph_functions(model, cache["names"], epochs, batch_size, weighted)
    return cache["names"], cache[key]


def _graph_functions(model, names, epochs, batch_size, weighted=False):
    import tensorflow as tf


    def scores():
        result = model.get_metrics_result()
        return tf.stack([tf.cast(result[k], tf.float32) for k in names])

    @tf.function(autograph=True)
    def run(x, y, xv, yv, shuffle_seed, w=None):
        n = tf.shape(x)[0]
        steps = (n + batch_size - 1) // batch_size
        train_curve = tf.TensorArray(tf.float32, size=epochs)
        test_curve = tf.TensorArray(tf.float32, size=epochs)
        for epoch in tf.range(epochs):
            model.reset_metrics()
            order = tf.random.experimental.stateless_shuffle(tf.range(n), seed=tf.stack([shuffle_seed, epoch]))
            for step in tf.range(steps):
                batch = order[step * batch_size:(step + 1) * batch_size]
                if weighted:
                    # As model.fit(sample_weight=...): the weights scale the training loss (and
                    # weighted_metrics), never the plain metrics or the test evaluation.
                    model.train_step((tf.gather(x, batch), tf.gather(y, batch), tf.gather(w, batch)))
                else:
                    model.train_step((tf.gather(x, batch), tf.gather(y, batch)))
            train_curve = train_curve.write(epoch, scores())
            model.reset_metrics()
            model.test_step((xv, yv))
            test_curve = test_curve.write(epoch, scores())
        return train_curve.stack(), test_curve.stack()

    @tf.function
    def evaluate(x, y):
        model.reset_metrics()
        model.test_step((x, y))
        return scores()

    return _traced_by_design(run), _traced_by_design(evaluate)


def _traced_by_design(function):
    """Silence TensorFlow's "excessive retracing" warning for one ``tf.function``.

    TensorFlow counts traces per Python code object, across every ``tf.function``
    made from it, and warns after five. Here each recipe (or model) is given its
    own ``tf.function`` on purpose and traces it once; the warning would blame the
    reader for the design. TensorFlow sets the same flag on functions it restores
    from a SavedModel.
    """
    function._omit_frequent_tracing_warning = True
    return function


def reinitialize(model, weights):
    """Give a model new weights and a fresh optimizer, as if it had just been built.

    Training a re-initialised model reuses its compiled graph; the result is the
    same as training a newly built model that starts from ``weights``.

    Parameters
    ----------
    model : keras.Model
        A compiled model that :func:`fit` has trained before (or not at all).
    weights : list of ndarray
        Initial weights, e.g. ``fresh_model.get_weights()``.

    Examples
    --------
    >>> import numpy as np
    >>> import companion as cp
    >>> from companion.training import reinitialize
    >>> cp.set_seed(0)
    >>> model = cp.mlp(2, hidden=(3,))
    >>> model.compile(loss="mse", optimizer=cp.sgd())
    >>> cp.set_seed(1)
    >>> fresh = cp.mlp(2, hidden=(3,)).get_weights()  # the next seed's initial weights
    >>> reinitialize(model, fresh)
    >>> all(np.array_equal(a, b) for a, b in zip(model.get_weights(), fresh))
    True
    """
    model.set_weights(weights)
    state = _RUNNERS.get(model, {}).get("optimizer_state")
    if state is not None:
        for variable, value in zip(model.optimizer.variables, state):
            variable.assign(value)
    model.reset_metrics()


def fit(model, split, epochs, batch_size=32, sample_weight=None, class_weight=None):
    """Train a compiled model on a split, fast, and score it on both sets.

    The same algorithm as ``model.fit(X_train, y_train, epochs=epochs,
    batch_size=batch_size, validation_data=(X_test, y_test), shuffle=True)``
    followed by ``model.evaluate`` on both sets, run as one compiled graph (see the
    module docstring). Typically 10-100x faster than ``model.fit`` on small data.

    Parameters
    ----------
    model : keras.Model
        A compiled model: its loss, optimizer and metrics are the ones used.
    split : Split
        Anything with ``X_train, y_train, X_test, y_test`` arrays, with labels
        already in the form the loss expects.
    epochs : int
        Number of passes over the training set.
    batch_size : int, default=32
        Mini-batch size; the last batch of an epoch holds the remainder.
    sample_weight : array-like of shape (n_train,), optional
        A non-negative weight per training sample, as ``model.fit(sample_weight=...)``.
    class_weight : dict or "balanced", optional
        A weight per class, as ``model.fit(class_weight=...)``: each training sample
        gets its class's weight (see :func:`class_weights`; ``"balanced"`` is
        scikit-learn's :math:`n / (k\\,n_c)`). Not together with ``sample_weight``.

    Returns
    -------
    result : FitResult
        Per-epoch train and test curves and the final train and test scores.
        Weights scale only the training loss (and any ``weighted_metrics``), as in
        ``model.fit``: the train loss curve is the weighted one, and the final
        ``train``/``test`` scores and the ``val_`` curves are unweighted.

    Notes
    -----
    The training set is reshuffled every epoch, as ``model.fit(shuffle=True)`` is
    documented to do. (Measured with Keras 3.15: after
    ``keras.utils.set_random_seed``, ``model.fit`` on NumPy arrays repeats the same
    batch order in every epoch, so seeded runs of the two paths differ by that
    shuffle and agree in distribution, not bit for bit; ``tests/test_training.py``
    checks both.)

    The mini-batch order is drawn from NumPy's global generator, so
    :func:`set_seed` before building the model makes the whole run reproducible.
    The test set is evaluated in one batch; losses and metrics that are means over
    samples give the same value as Keras's batched evaluation up to float rounding.

    Examples
    --------
    >>> import companion as cp
    >>> split = cp.datasets.regression()
    >>> cp.set_seed(1)
    >>> model = cp.mlp(20, hidden=(25,))
    >>> model.compile(loss="mean_squared_error", optimizer=cp.sgd(), metrics=["mse"])
    >>> result = cp.fit(model, split, epochs=5)
    >>> sorted(result.history)
    ['loss', 'mse', 'val_loss', 'val_mse']
    >>> result.test["mse"] < 0.1
    True
    """
    _check_run(epochs, batch_size)
    x, y, xv, yv = _as_arrays(model, split)
    w = sample_weights(y, sample_weight, class_weight)
    start = time.perf_counter()
    names, (run, evaluate) = _runner(model, x, y, int(epochs), int(batch_size), weighted=w is not None)
    shuffle_seed = np.int32(np.random.randint(0, 2**31 - 1))
    args = (x, y, xv, yv, shuffle_seed) if w is None else (x, y, xv, yv, shuffle_seed, w)
    train_curve, test_curve = (c.numpy().astype("float64") for c in run(*args))
    history = {k: train_curve[:, i] for i, k in enumerate(names)}
    history.update({f"val_{k}": test_curve[:, i] for i, k in enumerate(names)})
    train = dict(zip(names, evaluate(x, y).numpy().astype("float64").tolist()))
    test = dict(zip(names, evaluate(xv, yv).numpy().astype("float64").tolist()))
    _TRAINED["fit"] += 1
    return FitResult(history, train, test, seconds=time.perf_counter() - start, weights=model.get_weights())


def fit_keras(model, split, epochs, batch_size=32, sample_weight=None, class_weight=None):
    """Train with plain ``model.fit`` and score with ``model.evaluate``.

    The reference for :func:`fit`: same arguments, same :class:`~companion.training.FitResult`.

    Parameters
    ----------
    model : keras.Model
        A compiled model.
    split : Split
        Train and test arrays, labels in the form the loss expects.
    epochs : int
        Number of passes over the training set.
    batch_size : int, default=32
        Mini-batch size for training and evaluation.
    sample_weight, class_weight : optional
        As in :func:`fit`; passed to ``model.fit`` as per-sample weights.

    Returns
    -------
    result : FitResult

    Examples
    --------
    Two epochs on four points:

    >>> import numpy as np
    >>> import companion as cp
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    >>> split = cp.Split(X, np.array([1, 1, 0, 0]), X, np.array([1, 1, 0, 0]), "binary", "xor")
    >>> cp.set_seed(0)
    >>> model = cp.mlp(2, hidden=(3,), activation="sigmoid")
    >>> model.compile(loss="binary_crossentropy", optimizer=cp.sgd(), metrics=["accuracy"])
    >>> result = cp.fit_keras(model, split, epochs=2)
    >>> result.epochs, sorted(result.history)
    (2, ['accuracy', 'loss', 'val_accuracy', 'val_loss'])
    >>> sorted(result.test), len(result.weights)
    (['accuracy', 'loss'], 4)
    """
    _check_run(epochs, batch_size)
    x, y, xv, yv = _as_arrays(model, split)
    w = sample_weights(y, sample_weight, class_weight)
    start = time.perf_counter()
    fitted = model.fit(x, y, epochs=int(epochs), batch_size=int(batch_size), validation_data=(xv, yv),
                       shuffle=True, verbose=0, sample_weight=w)
    history = {k: np.asarray(v, dtype="float64") for k, v in fitted.history.items()}
    train = {k: float(v) for k, v in model.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True).items()}
    test = {k: float(v) for k, v in model.evaluate(xv, yv, batch_size=batch_size, verbose=0, return_dict=True).items()}
    _TRAINED["fit_keras"] += 1
    return FitResult(history, train, test, seconds=time.perf_counter() - start, weights=model.get_weights())


def steps_per_epoch(n_samples, batch_size=32):
    """Return the number of mini-batches in one epoch: ``ceil(n_samples / batch_size)``.

    Examples
    --------
    >>> steps_per_epoch(500, 32)
    16
    """
    return math.ceil(n_samples / batch_size)


def epochs_to_reach(curve, threshold):
    """Return the first epoch (1-based) at which a curve is at or below ``threshold``.

    Parameters
    ----------
    curve : array-like of shape (epochs,)
        A per-epoch error curve, e.g. ``result.history["val_loss"]``.
    threshold : float
        The error to reach.

    Returns
    -------
    epoch : int or None
        ``None`` when the curve never reaches the threshold.

    Examples
    --------
    >>> epochs_to_reach([0.9, 0.5, 0.2, 0.1], 0.3)
    3
    >>> epochs_to_reach([0.9, 0.5], 0.1) is None
    True
    """
    curve = np.asarray(curve, dtype=float)
    if curve.ndim != 1 or len(curve) == 0:
        raise ValueError(f"curve must be a non-empty 1-D array, got shape {curve.shape}")
    hits = np.flatnonzero(curve <= threshold)
    return int(hits[0]) + 1 if len(hits) else None


def class_labels(y):
    """Return the class of each sample: the label itself, or the column of a one-hot row.

    Parameters
    ----------
    y : array-like of shape (n,) or (n, k)
        Integer-valued labels (0/1, ±1, 0..k-1), or one-hot / probability rows.

    Returns
    -------
    labels : ndarray of int, shape (n,)

    Raises
    ------
    ValueError
        For labels of another shape, text, or values that are not whole numbers.

    Examples
    --------
    >>> from companion.training import class_labels
    >>> class_labels([[0, 1, 0], [0, 0, 1]])  # one-hot rows: the column of the 1
    array([1, 2])
    >>> class_labels([-1.0, 1.0, 1.0])  # ±1 labels stay as they are, as integers
    array([-1,  1,  1])
    """
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1)
    y = y.reshape(len(y)) if y.ndim == 2 else y
    if y.ndim != 1:
        raise ValueError(f"labels must have shape (n,) or (n, k), got {y.shape}")
    if y.dtype.kind not in "biuf":
        raise ValueError(f"labels must be numbers (0/1, ±1, 0..k-1) or one-hot rows, got dtype {y.dtype}")
    if not np.all(np.isfinite(y)) or not np.array_equal(y, np.round(y)):
        raise ValueError("class weights need integer-valued class labels (0/1, ±1, 0..k-1) or one-hot rows")
    return y.astype(int)


def class_weights(y, class_weight="balanced"):
    """Return a weight per class, as ``model.fit(class_weight=...)`` takes it.

    The balanced weights are scikit-learn's ``compute_class_weight("balanced")``, which this function
    calls; it adds what ``model.fit`` needs around it: one-hot rows read as classes, the dict that Keras
    takes, checks of a dict you pass, and one-line errors naming the problem.

    Parameters
    ----------
    y : array-like of shape (n,) or (n, k)
        Training labels: integer-valued classes, one-hot rows, or class names (strings).
    class_weight : "balanced" or dict, default="balanced"
        ``"balanced"`` gives class :math:`c` the weight :math:`n / (k\\,n_c)`: every class then
        carries the same total weight, :math:`n / k`. A dict is checked and returned with
        float weights.

    Returns
    -------
    weights : dict
        One entry per class present in ``y``: keyed by ``int`` for numeric labels (what
        ``model.fit`` takes), by the class name for string labels (encode the names as
        ``0..k-1`` in sorted order, as ``np.unique`` does, before training).

    Raises
    ------
    ValueError
        For an unknown string, a dict that misses a class of ``y``, a negative or
        non-finite weight, empty labels, or labels that are neither integers nor names.

    Examples
    --------
    >>> from companion.training import class_weights
    >>> class_weights([0, 0, 0, 1])
    {0: 0.6666666666666666, 1: 2.0}
    >>> class_weights(["cat", "dog", "dog"])
    {'cat': 1.5, 'dog': 0.75}
    """
    from sklearn.utils.class_weight import compute_class_weight

    array = np.asarray(y)
    if array.size == 0:
        raise ValueError("labels are empty; class weights need at least one label")
    if array.dtype.kind in "OUS":
        if array.ndim != 1:
            raise ValueError(f"class names must have shape (n,), got {array.shape}")
        if not all(isinstance(v, str) for v in array.tolist()):
            raise ValueError("labels mix class names with other values; pass strings only, or integers only")
        labels = array.astype(str)
        key = str
    else:
        labels = class_labels(array)
        key = int
    classes = np.unique(labels)
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ValueError(f"class_weight must be 'balanced' or a dict, got {class_weight!r}")
        weights = compute_class_weight("balanced", classes=classes, y=labels)
        return {key(c): float(w) for c, w in zip(classes, weights)}
    if not isinstance(class_weight, dict):
        raise ValueError(f"class_weight must be 'balanced' or a dict, got {type(class_weight).__name__}")
    missing = [key(c) for c in classes if key(c) not in class_weight]
    if missing:
        raise ValueError(f"class_weight has no weight for class(es) {missing}; it has {sorted(class_weight)}")
    out = {key(k): float(v) for k, v in class_weight.items()}
    bad = {k: v for k, v in out.items() if not (np.isfinite(v) and v >= 0)}
    if bad:
        raise ValueError(f"class weights must be finite and non-negative, got {bad}")
    return out


def sample_weights(y, sample_weight=None, class_weight=None):
    """Return the per-sample training weights that :func:`fit` uses, or ``None``.

    Parameters
    ----------
    y : array-like of shape (n,) or (n, k)
        Training labels.
    sample_weight : array-like of shape (n,), optional
    class_weight : dict or "balanced", optional
        See :func:`class_weights`. At most one of the two may be given.

    Returns
    -------
    weights : ndarray of float32, shape (n,), or None
        ``None`` when neither is given (unweighted training).

    Examples
    --------
    >>> from companion.training import sample_weights
    >>> sample_weights([0, 0, 0, 1], class_weight="balanced").round(3)
    array([0.667, 0.667, 0.667, 2.   ], dtype=float32)
    """
    if sample_weight is not None and class_weight is not None:
        raise ValueError("give sample_weight or class_weight, not both")
    if class_weight is not None:
        table = class_weights(y, class_weight)
        return np.array([table[c] for c in class_labels(y)], dtype="float32")
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype="float64")
    n = len(np.asarray(y))
    if w.shape != (n,):
        raise ValueError(f"sample_weight must have shape ({n},), one weight per training sample, got {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("sample_weight must be finite and non-negative")
    if not np.any(w > 0):
        raise ValueError("sample_weight is zero for every sample")
    return w.astype("float32")
