"""Train many replicates of one small MLP side by side, in one compiled graph.

A verdict in this book rests on a paired comparison over replicates: the same
recipe trained again and again, each time with new initial weights, a new
mini-batch order and, often, new data. Trained one after another, each of those
small fits keeps the machine mostly idle: a 2-50-1 network does too little work
per step to fill a core. :func:`fit_replicates` instead gives every weight a
leading replicate axis and trains a block of ``R`` replicates at once:

* the kernels of every Dense layer are stacked into one tensor of shape
  ``(R, n_in, n_out)``, the biases into ``(R, n_out)``;
* a mini-batch is a tensor of shape ``(R, batch_size, n_features)``, gathered
  with each replicate's own sample order, so one batched matrix product
  ``(R, b, n_in) @ (R, n_in, n_out)`` runs a layer for every replicate;
* the loss of the block is the sum over replicates of each replicate's batch
  mean; its gradient with respect to replicate ``r``'s weights is exactly that
  replicate's own gradient, since no other term depends on them;
* SGD with momentum updates every replicate with Keras's rule
  (:math:`v \\leftarrow \\mu v - \\eta g`, :math:`w \\leftarrow w + v`).

Every replicate is the run that :func:`companion.training.fit` makes after
``set_seed(seed)``: the same initial weights (drawn by building the model after
seeding), the same mini-batch order (``stateless_shuffle`` with the seed drawn from
NumPy's generator, reshuffled each epoch), the same loss and metric functions
(Keras's own), and the same per-epoch curves and final scores. The two paths add
the same numbers in different kernels, so a replicate agrees with its
one-at-a-time fit to float rounding at first and in distribution after many
epochs (``tests/test_replicates.py`` checks both).

A replicate's numbers must not depend on which replicates it is swept with. Its
arithmetic never mixes with another replicate's, but XLA and oneDNN choose their
kernels by shape, so the last bits of a replicate can depend on the size of its
block and on its place in it (measured: seed 6 alone and seed 6 beside seeds 5 and
9 differed in their last bits). So the blocks are fixed: every block holds
``block_size`` slots, and seed ``s`` always trains in slot ``s % block_size``
(empty slots repeat a replicate whose results are dropped). A replicate's numbers
are then a function of its seed and its data alone; ``tests/test_replicates.py``
checks this bit for bit, with and without XLA.

Only the book's own MLPs take this path (a ``Sequential`` stack of ``Dense``
layers compiled with SGD); a reader's own model keeps :func:`companion.training.fit`.
"""

import time
from dataclasses import replace

import numpy as np

from .training import _TRAINED, FitResult, _as_arrays, _check_run, _prepare, _traced_by_design, set_seed

# The Keras classes this path reproduces; anything else raises with the reason.
_SUPPORTED_LAYERS = ("InputLayer", "Dense")


def fit_replicates(build, splits, seeds, epochs, batch_size=32, block_size=16, jit_compile=True):
    """Train one replicate per seed of the MLP that ``build`` returns, side by side.

    Replicate ``i`` is the run::

        set_seed(seeds[i]); model = build(); fit(model, splits[i], epochs, batch_size)

    trained together with the others in one compiled graph (see the module docstring).

    Parameters
    ----------
    build : callable
        ``build()`` returns a compiled Keras ``Sequential`` MLP of ``Dense`` layers
        (for instance :func:`companion.models.mlp` compiled with
        :func:`companion.models.sgd`). It is called once per seed, right after
        ``set_seed(seed)``, so its initial weights are that seed's.
    splits : Split or sequence of Split
        One split for every replicate (fresh initial weights and batch order on
        fixed data), or one split per seed (the data redrawn for each replicate).
        All splits must have the same shapes.
    seeds : sequence of int
        One non-negative seed per replicate. Must not be empty.
    epochs : int
        Passes over the training set.
    batch_size : int, default=32
        Mini-batch size; the last batch of an epoch holds the remainder.
    block_size : int, default=16
        Replicates per compiled graph. Seed ``s`` trains in slot ``s % block_size``
        of a block (see the module docstring), so a sweep of seeds ``0..n-1`` takes
        ``ceil(n / block_size)`` blocks. Changing it can change the last bits of a
        replicate's numbers.
    jit_compile : bool, default=True
        Compile the whole run with XLA. The first sweep of a recipe pays about 1.5 s
        to compile; every later sweep of it then runs about 4 times faster than
        without XLA (``python -m benchmarks.replicates``). For one sweep of a few
        replicates, ``False`` is faster.

    Returns
    -------
    results : list of FitResult, one per seed, in the order of ``seeds``
        Each as :func:`companion.training.fit` returns it: per-epoch train curves (averaged
        over the epoch's batches) and test curves, final ``train`` and ``test``
        scores, and the final ``weights`` in ``model.get_weights()`` order.
        ``seconds`` is the block's wall time divided by its replicates.

    Raises
    ------
    ValueError
        For an empty or invalid ``seeds``, splits of different shapes, a model that
        is not a stack of ``Dense`` layers, an optimizer other than SGD (or one with
        weight decay, clipping or a schedule), a loss reduction other than the mean
        over the batch, or a metric that is not a mean over samples (such as AUC).

    Examples
    --------
    >>> import companion as cp
    >>> split = cp.datasets.circles()
    >>> def build():
    ...     model = cp.mlp(2, hidden=(50,), activation="sigmoid")
    ...     model.compile(loss="binary_crossentropy", optimizer=cp.sgd(), metrics=["accuracy"])
    ...     return model
    >>> results = cp.fit_replicates(build, split, seeds=range(4), epochs=20)
    >>> len(results), sorted(results[0].test)
    (4, ['accuracy', 'loss'])
    >>> all(r.test["accuracy"] > 0.6 for r in results)
    True
    """
    seeds = _check_seeds(seeds)
    _check_run(epochs, batch_size)
    if isinstance(block_size, bool) or not isinstance(block_size, (int, np.integer)) or block_size < 1:
        raise ValueError(f"block_size must be a positive integer, got {block_size!r}")
    splits = _check_splits(splits, len(seeds))
    results = [None] * len(seeds)
    for block in _blocks(seeds, int(block_size)):
        # Empty slots repeat the block's first replicate; their results are dropped.
        fill = next(i for i in block if i is not None)
        members = [fill if i is None else i for i in block]
        start = time.perf_counter()
        out = _fit_block(build, [splits[i] for i in members], [seeds[i] for i in members], int(epochs),
                         int(batch_size), bool(jit_compile))
        trained = sum(i is not None for i in block)
        _TRAINED["replicates"] += trained
        seconds = (time.perf_counter() - start) / trained
        for slot, i in enumerate(block):
            if i is not None:
                results[i] = replace(out[slot], seconds=seconds)
    return results


def _blocks(seeds, block_size):
    """Assign every replicate a fixed place: slot ``seed % block_size`` of a block of ``block_size``.

    Returns a list of blocks, each a list of ``block_size`` indices into ``seeds``
    (``None`` for an empty slot). The compiled graph's arithmetic for one slot can
    depend on the block's size and on the slot (XLA and oneDNN choose kernels by
    shape), never on what the other slots hold; fixing both makes a replicate's
    numbers a function of its seed and data alone, whichever seeds it is swept with.

    >>> _blocks([5, 3, 9, 2], 4)
    [[None, 0, 3, 1], [None, 2, None, None]]
    """
    blocks = []
    for i, seed in enumerate(seeds):
        slot = seed % block_size
        for block in blocks:
            if block[slot] is None:
                block[slot] = i
                break
        else:
            blocks.append([None] * block_size)
            blocks[-1][slot] = i
    return blocks


def unsupported(model, split):
    """Say why :func:`fit_replicates` cannot train ``model`` on ``split``, or return ``None`` if it can.

    Parameters
    ----------
    model : keras.Model
        A compiled model, trained or not. Its metrics are built on the first
        training sample (as a first training step would build them).
    split : Split
        The data it would be trained on.

    Returns
    -------
    reason : str or None
        The message :func:`fit_replicates` would raise, or ``None``.

    Examples
    --------
    >>> import companion as cp
    >>> split = cp.datasets.circles()
    >>> model = cp.mlp(2, hidden=(8,), activation="sigmoid")
    >>> model.compile(loss="binary_crossentropy", optimizer=cp.sgd(), metrics=["accuracy"])
    >>> unsupported(model, split) is None
    True
    >>> model.compile(loss="binary_crossentropy", optimizer="adam")
    >>> unsupported(model, split)
    'fit_replicates reproduces SGD only, got Adam; use companion.fit'
    """
    try:
        x, y, _, _ = _as_arrays(model, split)
        _prepare(model, x, y)
        _recipe(model)
    except ValueError as err:
        return str(err)
    return None


def _check_seeds(seeds):
    try:
        seeds = list(seeds)
    except TypeError:
        raise ValueError(f"seeds must be a sequence of non-negative integers, got {seeds!r}") from None
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    bad = [s for s in seeds if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0]
    if bad:
        raise ValueError(f"seeds must be non-negative integers, got {bad[:3]!r}")
    return [int(s) for s in seeds]


def _check_splits(splits, n):
    if hasattr(splits, "X_train"):
        return [splits] * n
    splits = list(splits)
    if len(splits) != n:
        raise ValueError(f"give one split, or one split per seed: got {len(splits)} splits for {n} seeds")
    shapes = {tuple(np.shape(getattr(s, k)) for k in ("X_train", "y_train", "X_test", "y_test")) for s in splits}
    if len(shapes) > 1:
        raise ValueError(f"every split must have the same shapes, got {sorted(shapes)}")
    return splits


def _recipe(model):
    """Read what the batched run needs from a compiled model, or say why it cannot.

    Returns the activations of the Dense layers, the per-sample loss function, the
    metrics as ``(name, per-sample function)`` and the SGD settings.
    """
    import keras
    from keras.src.metrics.reduction_metrics import MeanMetricWrapper

    if not isinstance(model, keras.Sequential):
        raise ValueError(f"fit_replicates trains Sequential MLPs only, got a {type(model).__name__}; "
                         "use companion.fit for other models")
    activations = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind not in _SUPPORTED_LAYERS:
            raise ValueError(f"fit_replicates trains stacks of Dense layers only, got a {kind} layer "
                             f"({layer.name!r}); use companion.fit for this model")
        if not layer.use_bias or any(getattr(layer, a, None) is not None for a in
                                     ("kernel_regularizer", "bias_regularizer", "activity_regularizer",
                                      "kernel_constraint", "bias_constraint")):
            raise ValueError(f"layer {layer.name!r} has no bias, a regularizer or a constraint, which "
                             "fit_replicates does not reproduce; use companion.fit")
        activations.append(layer.activation)

    opt = model.optimizer
    if type(opt).__name__ != "SGD":
        raise ValueError(f"fit_replicates reproduces SGD only, got {type(opt).__name__}; use companion.fit")
    if any(getattr(opt, a, None) for a in ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm")) \
            or getattr(opt, "use_ema", False) or getattr(opt, "loss_scale_factor", None) \
            or getattr(opt, "gradient_accumulation_steps", None):
        raise ValueError("fit_replicates reproduces plain SGD: no weight decay, clipping, EMA, loss scaling "
                         "or gradient accumulation")
    if not isinstance(opt._learning_rate, keras.Variable) and callable(opt._learning_rate):
        raise ValueError("fit_replicates needs a constant learning rate, not a schedule")
    sgd = (float(np.asarray(opt.learning_rate)), float(opt.momentum), bool(opt.nesterov))

    loss = model.loss
    if isinstance(loss, str):
        loss = keras.losses.get(loss)
    if isinstance(loss, keras.losses.Loss):
        if loss.reduction != "sum_over_batch_size":
            raise ValueError(f"fit_replicates averages the loss over the batch; the loss's reduction is "
                             f"{loss.reduction!r}")
        loss_fn = loss.call
    elif callable(loss):
        from keras.src.losses.losses import LossFunctionWrapper

        loss_fn = LossFunctionWrapper(loss).call
    else:
        raise ValueError(f"fit_replicates needs one loss for the single output, got {loss!r}")

    metrics = []
    compiled = model._compile_metrics
    if compiled is not None and any(e is not None and getattr(e, "metrics", [e])
                                    for e in compiled._flat_weighted_metrics):
        raise ValueError("fit_replicates does not support weighted_metrics")
    for entry in compiled._flat_metrics if compiled is not None else []:
        for metric in getattr(entry, "metrics", [entry]) if entry is not None else []:
            if not isinstance(metric, MeanMetricWrapper):
                raise ValueError(f"fit_replicates scores metrics that are means over samples; {metric.name!r} "
                                 "is not (score the returned weights instead)")
            metrics.append((metric.name, metric._fn, dict(metric._fn_kwargs)))
    # What the compiled graph depends on. Functions (activations, losses, metrics) are keyed by
    # identity, so two closures of one factory never share a graph; Loss objects by class and config.
    loss_key = (type(model.loss), repr(model.loss.get_config())) if isinstance(model.loss, keras.losses.Loss) \
        else model.loss
    key = (tuple((layer.units, layer.activation) for layer in model.layers), loss_key,
           tuple((m[1], repr(sorted(m[2].items()))) for m in metrics), sgd)
    return _Recipe(activations, loss_fn, metrics, sgd, key)


def _fit_block(build, splits, seeds, epochs, batch_size, jit_compile):
    set_seed(seeds[0])
    model = build()
    # Per distinct seed: its initial weights and the seed of its batch order, which companion.fit
    # draws from NumPy right after the build. Padded slots repeat a seed and reuse its draws.
    draws = {seeds[0]: (model.get_weights(), np.random.randint(0, 2**31 - 1))}
    # Per distinct split: its checked float arrays (one shared split fills every slot).
    checked = {}
    for split in splits:
        if id(split) not in checked:
            checked[id(split)] = _as_arrays(model, split)
    data = [checked[id(split)] for split in splits]
    names = _prepare(model, data[0][0], data[0][1])
    recipe = _recipe(model)
    if names != ["loss"] + [m[0] for m in recipe.metrics]:
        raise ValueError(f"fit_replicates cannot reproduce the model's scores {names}")
    fast = _initial_weights(model, seeds[0])
    exact = all(np.array_equal(a, b) for a, b in zip(fast, draws[seeds[0]][0]))
    for seed in seeds[1:]:
        if seed in draws:
            continue
        if exact:
            weights = _initial_weights(model, seed)
        else:  # build() draws more than its layers' initializers: build every replicate's model
            set_seed(seed)
            weights = build().get_weights()
        draws[seed] = (weights, np.random.randint(0, 2**31 - 1))
    initial = [draws[seed][0] for seed in seeds]
    shuffle_seeds = [draws[seed][1] for seed in seeds]
    x, y, xv, yv = (np.stack([d[i] for d in data]) for i in range(4))
    y, yv = y.astype("float32"), yv.astype("float32")  # as Keras's losses convert y_true
    if y.ndim == 2 and model.output_shape[-1] == 1:
        # Labels of shape (n,) for a one-unit output: one model squeezes the output to (n,) and
        # averages over the batch inside the loss; with a replicate axis, give every label its unit.
        y, yv = y[..., None], yv[..., None]
    params = [np.stack([w[i] for w in initial]).astype("float32") for i in range(len(initial[0]))]
    orders = _orders(shuffle_seeds, x.shape[1], epochs)
    run = _runner(recipe, epochs, batch_size, jit_compile)
    out = run(params, orders, x, y, xv, yv)
    weights, train_curve, test_curve, final_train, final_test = (
        [w.numpy() for w in out[0]], *(t.numpy().astype("float64") for t in out[1:]))
    results = []
    for r in range(len(seeds)):
        history = {k: train_curve[:, r, i] for i, k in enumerate(names)}
        history.update({f"val_{k}": test_curve[:, r, i] for i, k in enumerate(names)})
        results.append(FitResult(history, dict(zip(names, final_train[r].tolist())),
                                 dict(zip(names, final_test[r].tolist())), weights=[w[r] for w in weights]))
    return results


def _initial_weights(model, seed):
    """The weights ``build()`` gives after ``set_seed(seed)``, drawn without building a model.

    Building a Keras model costs about 20 ms; drawing its weights costs a fraction of
    that. Keras draws the seed of every unseeded initializer from Python's generator
    when the initializer is created, layer by layer, kernel before bias; new
    initializers created in that order after ``set_seed(seed)`` draw the same seeds.
    :func:`_fit_block` checks the result against a built model for the block's first
    seed and builds every model instead if they differ.
    """
    set_seed(seed)
    weights = []
    for layer in model.layers:
        for init, variable in ((layer.kernel_initializer, layer.kernel), (layer.bias_initializer, layer.bias)):
            fresh = type(init).from_config(init.get_config())
            weights.append(np.asarray(fresh(tuple(variable.shape), dtype=variable.dtype)))
    return weights


class _Recipe:
    """What the batched run reproduces of a compiled model (see :func:`_recipe`)."""

    def __init__(self, activations, loss_fn, metrics, sgd, key):
        self.activations, self.loss_fn, self.metrics, self.sgd, self.key = activations, loss_fn, metrics, sgd, key


# Compiled whole-run functions, per recipe and run settings: a second sweep of the same recipe
# (more seeds, another block) reuses the traced and XLA-compiled graph.
_RUNNERS = {}


def _runner(recipe, epochs, batch_size, jit_compile):
    key = (recipe.key, epochs, batch_size, jit_compile)
    if key not in _RUNNERS:
        _RUNNERS[key] = _compile(recipe, epochs, batch_size, jit_compile)
    return _RUNNERS[key]


def _compile(recipe, epochs, batch_size, jit_compile):
    """Build the whole-run function of one recipe: every epoch, batch and evaluation in one graph."""
    import tensorflow as tf

    activations, loss_fn, metrics = recipe.activations, recipe.loss_fn, recipe.metrics
    lr, momentum, nesterov = recipe.sgd

    def forward(params, inputs):
        h = inputs
        for layer, act in enumerate(activations):
            h = act(tf.matmul(h, params[2 * layer]) + params[2 * layer + 1][:, None, :])
        return h

    def scores(y_true, y_pred):
        """Per-replicate sums over the batch of the loss and each metric, (R, 1 + n_metrics),
        and the per-sample loss, (R, b)."""
        values = [loss_fn(y_true, y_pred)]
        for _, fn, kwargs in metrics:
            values.append(tf.cast(fn(*_same_rank(y_true, y_pred), **kwargs), tf.float32))
        # Keras averages every element a loss or metric returns; some return (R, b), others
        # (R, b, 1) (the accuracies): average the trailing axes into one value per sample.
        values = [tf.reduce_mean(v, axis=list(range(2, v.shape.rank))) if v.shape.rank > 2 else v
                  for v in values]
        return tf.stack([tf.reduce_sum(v, axis=1) for v in values], axis=1), values[0]

    def step(params, velocity, totals, xb, yb):
        with tf.GradientTape() as tape:
            tape.watch(params)
            sums, per_sample = scores(yb, forward(params, xb))
            # Each replicate's loss is its own batch mean; their sum has, for every replicate's
            # weights, that replicate's gradient and nothing else.
            loss = tf.reduce_sum(tf.reduce_mean(per_sample, axis=1))
        grads = tape.gradient(loss, params)
        velocity = [momentum * v - lr * g for v, g in zip(velocity, grads)]
        if nesterov:
            params = [p + momentum * v - lr * g for p, v, g in zip(params, velocity, grads)]
        else:
            params = [p + v for p, v in zip(params, velocity)]
        return params, velocity, totals + sums

    @tf.function(jit_compile=jit_compile, autograph=False)
    def run(params, orders, x, y, xv, yv):
        n, n_test = x.shape[1], xv.shape[1]
        full, rest = divmod(n, batch_size)
        reps = x.shape[0]
        velocity = [tf.zeros_like(p) for p in params]

        def epoch_body(epoch, params, velocity, train_curve, test_curve):
            order = orders[:, epoch, :]

            def batch_body(i, params, velocity, totals):
                index = tf.slice(order, [0, i * batch_size], [reps, batch_size])
                xb, yb = tf.gather(x, index, batch_dims=1), tf.gather(y, index, batch_dims=1)
                return (i + 1, *step(params, velocity, totals, xb, yb))

            totals = tf.zeros((reps, 1 + len(metrics)))
            if full:  # (a training set smaller than one batch has only the short batch)
                _, params, velocity, totals = tf.while_loop(
                    lambda i, *_: i < full, batch_body, (tf.constant(0), params, velocity, totals))
            if rest:  # the short last batch, with its own static shape
                index = order[:, full * batch_size:]
                xb, yb = tf.gather(x, index, batch_dims=1), tf.gather(y, index, batch_dims=1)
                params, velocity, totals = step(params, velocity, totals, xb, yb)
            train_curve = train_curve.write(epoch, totals / n)
            test_curve = test_curve.write(epoch, scores(yv, forward(params, xv))[0] / n_test)
            return epoch + 1, params, velocity, train_curve, test_curve

        curves = (tf.TensorArray(tf.float32, size=epochs), tf.TensorArray(tf.float32, size=epochs))
        _, params, _, train_curve, test_curve = tf.while_loop(
            lambda e, *_: e < epochs, epoch_body, (tf.constant(0), params, velocity, *curves))
        final_train = scores(y, forward(params, x))[0] / n
        final_test = scores(yv, forward(params, xv))[0] / n_test
        return params, train_curve.stack(), test_curve.stack(), final_train, final_test

    return _traced_by_design(run)


def _orders(shuffle_seeds, n, epochs):
    """Each replicate's sample order for every epoch, as :func:`companion.training.fit` draws it: (R, epochs, n)."""
    seeds = np.array([[s, e] for s in shuffle_seeds for e in range(epochs)], dtype="int32")
    return _shuffles(n)(seeds).numpy().reshape(len(shuffle_seeds), epochs, n)


_SHUFFLES = {}


def _shuffles(n):
    """A compiled function from seeds of shape (m, 2) to m stateless shuffles of ``range(n)``."""
    import tensorflow as tf

    if n not in _SHUFFLES:
        _SHUFFLES[n] = tf.function(
            lambda seeds: tf.map_fn(lambda s: tf.random.experimental.stateless_shuffle(tf.range(n), seed=s),
                                    seeds, fn_output_signature=tf.int32, parallel_iterations=64),
            autograph=False, reduce_retracing=True)
    return _SHUFFLES[n]


def _same_rank(y_true, y_pred):
    from keras.src.losses.loss import squeeze_or_expand_to_same_rank

    return squeeze_or_expand_to_same_rank(y_true, y_pred)
