"""A two-layer network in NumPy, trained by hand-written backpropagation and plain mini-batch SGD.

:class:`TwoLayerNet` is the network of a ``Dense -> Dense`` Keras model, written out: a hidden layer
``h = act(X W1 + b1)``, an output layer ``ŷ = out(h W2 + b2)``, a loss from `companion.losses`, and its
gradient from `companion.gradients` carried back through both layers by the chain rule. Everything is
float64. It is meant to be *read*, and to be checked: given the same initial weights, the same mini-batches in
the same order and SGD without momentum, it takes the same steps as Keras, which :func:`keras_twin` and
:func:`train_keras` make easy to verify.

Two details that matter for that equality:

- The training loss is Keras's default reduction, the *mean* of the per-sample losses over the batch, so the
  gradient of the loss is the per-sample gradient divided by the batch size.
- With Keras's TensorFlow backend (the book's), the sigmoid and softmax activations attach the logits they
  received to their output, and ``binary_crossentropy`` (after a sigmoid) or ``categorical_crossentropy`` and
  ``sparse_categorical_crossentropy`` (after a softmax) use those logits instead of the probabilities, as if
  ``from_logits=True`` had been passed: nothing is clipped. (Keras's other backends do not.) This network does
  the same: for those pairs the loss and its gradient ``ŷ - y`` with respect to the logits come from the
  ``from_logits=True`` forms. The two routes agree wherever the probabilities lie inside ``[ε, 1 - ε]``;
  beyond, a confidently wrong output costs its full logit rather than ``-log(ε)``.
"""

import numpy as np

from .gradients import GRADIENTS, _sigmoid, _softmax
from .losses import REFERENCE_LOSSES

__all__ = ["TwoLayerNet", "batch_order", "keras_twin", "train_keras"]

HIDDEN_ACTIVATIONS = ("relu", "tanh", "sigmoid")
OUTPUT_ACTIVATIONS = ("linear", "sigmoid", "tanh", "softmax")
PARAMETERS = ("W1", "b1", "W2", "b2")

# Output activation -> losses that Keras's TensorFlow backend computes from the activation's logits in a
# compiled step (other backends use the clipped probabilities).
_FUSED = {
    "sigmoid": ("binary_crossentropy",),
    "softmax": ("categorical_crossentropy", "sparse_categorical_crossentropy"),
}


class TwoLayerNet:
    """A ``Dense -> Dense`` network with explicit forward and backward passes, in NumPy.

    Parameters
    ----------
    W1 : array_like of shape (n_inputs, n_hidden)
        Hidden layer weights (a Keras ``Dense`` kernel).
    b1 : array_like of shape (n_hidden,)
        Hidden layer biases.
    W2 : array_like of shape (n_hidden, n_outputs)
        Output layer weights.
    b2 : array_like of shape (n_outputs,)
        Output layer biases.
    hidden_activation : {"relu", "tanh", "sigmoid"}, default="relu"
        Activation of the hidden layer. The ReLU's derivative at 0 is taken to be 0, as in TensorFlow.
    output : {"sigmoid", "linear", "tanh", "softmax"}, default="sigmoid"
        Activation of the output layer.
    loss : str, default="binary_crossentropy"
        A key of `companion.losses.REFERENCE_LOSSES` (a Keras loss name).
    loss_kwargs : dict, optional
        Keyword arguments for the loss and its gradient, e.g. ``{"from_logits": True}`` or ``{"delta": 0.5}``.

    Attributes
    ----------
    params : dict of str to ndarray
        ``"W1", "b1", "W2", "b2"``, float64 copies of the arguments, updated in place by training.

    Examples
    --------
    >>> import numpy as np
    >>> net = TwoLayerNet.random(2, 4, 1, seed=0, output="sigmoid", loss="binary_crossentropy")
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> y = np.array([1.0, 1.0, 0.0])
    >>> net.forward(X).shape
    (3, 1)
    >>> sorted(net.backward(X, y))
    ['W1', 'W2', 'b1', 'b2']
    >>> history = net.train(X, y, epochs=50, batch_size=3, learning_rate=0.5)
    >>> bool(history["loss"][-1] < history["loss"][0])
    True
    """

    def __init__(self, W1, b1, W2, b2, hidden_activation="relu", output="sigmoid", loss="binary_crossentropy",
                 loss_kwargs=None):
        self.params = {name: np.array(value, dtype=np.float64) for name, value in zip(PARAMETERS, (W1, b1, W2, b2))}
        n_in, n_hidden, n_out = _check_shapes(self.params)
        if hidden_activation not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"hidden_activation must be one of {HIDDEN_ACTIVATIONS}; got {hidden_activation!r}.")
        if output not in OUTPUT_ACTIVATIONS:
            raise ValueError(f"output must be one of {OUTPUT_ACTIVATIONS}; got {output!r}.")
        if loss not in REFERENCE_LOSSES:
            raise ValueError(f"loss must be one of {sorted(REFERENCE_LOSSES)}; got {loss!r}.")
        if output == "softmax" and n_out < 2:
            raise ValueError("a softmax output needs at least 2 units.")
        self.hidden_activation = hidden_activation
        self.output = output
        self.loss_name = loss
        self.loss_kwargs = dict(loss_kwargs or {})
        self.fused = loss in _FUSED.get(output, ()) and not self.loss_kwargs.get("from_logits", False)
        self.shape = (n_in, n_hidden, n_out)

    @classmethod
    def random(cls, n_inputs, n_hidden, n_outputs, seed=None, **kwargs):
        """Build a network with Keras's default initialisation for the book's MLPs.

        Hidden weights He-uniform (``U(-a, a)``, ``a = sqrt(6 / n_inputs)``), output weights Glorot-uniform
        (``a = sqrt(6 / (n_hidden + n_outputs))``), biases 0: the initialisers of `companion.models.mlp`,
        though not Keras's random draws.

        Parameters
        ----------
        n_inputs, n_hidden, n_outputs : int
            Layer sizes.
        seed : int or numpy.random.Generator, optional
            Seeds the draw of the weights, so the same seed gives the same network.
        **kwargs
            Passed to :class:`TwoLayerNet` (``hidden_activation``, ``output``, ``loss``, ``loss_kwargs``).

        Returns
        -------
        net : TwoLayerNet
        """
        rng = np.random.default_rng(seed)
        hidden_limit = np.sqrt(6.0 / n_inputs)
        output_limit = np.sqrt(6.0 / (n_hidden + n_outputs))
        return cls(rng.uniform(-hidden_limit, hidden_limit, (n_inputs, n_hidden)), np.zeros(n_hidden),
                   rng.uniform(-output_limit, output_limit, (n_hidden, n_outputs)), np.zeros(n_outputs), **kwargs)

    def get_weights(self):
        """Return copies of ``[W1, b1, W2, b2]``, the order of Keras's ``model.get_weights()``."""
        return [self.params[name].copy() for name in PARAMETERS]

    def forward(self, X):
        """Compute the network's output.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_inputs)

        Returns
        -------
        y_pred : ndarray of shape (n_samples, n_outputs)
            The output layer's activations (probabilities for sigmoid and softmax outputs).
        """
        return self._forward(X)[-1]

    def loss(self, X, y):
        """Return the mean loss over the samples, Keras's default ``"sum_over_batch_size"`` reduction.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_inputs)
        y : array_like of shape (n_samples, n_outputs), or (n_samples,)
            Targets in the form the loss expects; ``(n_samples,)`` is read as one column when the network has
            one output, and as class labels for ``sparse_categorical_crossentropy``.

        Returns
        -------
        loss : float
        """
        *_, z2, out = self._forward(X)
        return self._loss(self._targets(y, len(z2)), z2, out)

    def backward(self, X, y):
        """Return the gradient of :meth:`loss` with respect to every parameter, by backpropagation.

        With ``g = ∂L/∂z2`` at the output layer's pre-activation ``z2`` (the loss's gradient from
        `companion.gradients`, divided by the batch size and multiplied by the output activation's derivative),
        and ``z1 = X W1 + b1``, ``h = act(z1)``::

            ∂L/∂W2 = hᵀ g              ∂L/∂b2 = sum of g over samples
            ∂L/∂z1 = (g W2ᵀ) * act'(z1)
            ∂L/∂W1 = Xᵀ ∂L/∂z1         ∂L/∂b1 = sum of ∂L/∂z1 over samples

        Parameters
        ----------
        X : array_like of shape (n_samples, n_inputs)
        y : array_like
            Targets, as for :meth:`loss`.

        Returns
        -------
        grads : dict of str to ndarray
            ``"W1", "b1", "W2", "b2"``, each the shape of its parameter.
        """
        return self._loss_and_gradients(X, y)[1]

    def step(self, X, y, learning_rate):
        """Take one SGD step on a mini-batch, ``θ ← θ - learning_rate * ∂L/∂θ``; return the loss before it.

        Parameters
        ----------
        X : array_like of shape (batch_size, n_inputs)
        y : array_like
            Targets, as for :meth:`loss`.
        learning_rate : float

        Returns
        -------
        loss : float
            The batch's mean loss before the update (what Keras's ``train_on_batch`` returns).
        """
        value, grads = self._loss_and_gradients(X, y)
        for name in PARAMETERS:
            self.params[name] -= learning_rate * grads[name]
        return value

    def train(self, X, y, epochs, batch_size=32, learning_rate=0.01, order=None):
        """Train by plain mini-batch SGD (no momentum), in a given or seeded batch order.

        Each epoch takes the samples in the order ``order[epoch]`` and cuts it into consecutive mini-batches
        of ``batch_size`` (the last one smaller), one SGD step per mini-batch.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_inputs)
        y : array_like
            Targets, as for :meth:`loss`.
        epochs : int
            Number of passes over the data.
        batch_size : int, default=32
        learning_rate : float, default=0.01
        order : None, int, numpy.random.Generator or array_like of int, optional
            The sample order of every epoch. ``None``: the given order, every epoch. An int or a Generator:
            a fresh permutation per epoch, ``batch_order(n_samples, epochs, order)``. An array of shape
            ``(epochs, n_samples)`` (one permutation per epoch) or ``(n_samples,)`` (the same every epoch):
            exactly that order, so that another implementation can be fed the same batches.

        Returns
        -------
        history : dict of str to ndarray
            ``"loss"``, shape (epochs,): per epoch, the mean over samples of each batch's loss before its
            update (batches weighted by their size), which is what ``model.fit`` reports as ``loss``.
            ``"batch_loss"``, shape (epochs * steps_per_epoch,): every batch's loss before its update.
        """
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        orders = _orders(order, len(X), epochs)
        batch_loss, loss = [], []
        for epoch_order in orders:
            weighted = 0.0
            for batch in _batches(epoch_order, batch_size):
                batch_loss.append(self.step(X[batch], y[batch], learning_rate))
                weighted += batch_loss[-1] * len(batch)
            loss.append(weighted / len(X))
        return {"loss": np.array(loss), "batch_loss": np.array(batch_loss)}

    # Internals ----------------------------------------------------------------------------------------------

    def _forward(self, X):
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.shape[0]:
            raise ValueError(f"X must have shape (n_samples, {self.shape[0]}); got {X.shape}.")
        z1 = X @ self.params["W1"] + self.params["b1"]
        h = _ACTIVATIONS[self.hidden_activation](z1)
        z2 = h @ self.params["W2"] + self.params["b2"]
        return X, z1, h, z2, _ACTIVATIONS[self.output](z2)

    def _loss_and_gradients(self, X, y):
        """One forward and one backward pass: the mean loss and its gradient for every parameter."""
        X, z1, h, z2, out = self._forward(X)
        y = self._targets(y, len(X))
        dz2 = self._output_gradient(y, z2, out)
        dz1 = (dz2 @ self.params["W2"].T) * self._hidden_derivative(z1, h)
        grads = {"W1": X.T @ dz1, "b1": dz1.sum(axis=0), "W2": h.T @ dz2, "b2": dz2.sum(axis=0)}
        return self._loss(y, z2, out), grads

    def _targets(self, y, n):
        y = np.asarray(y)
        if self.loss_name == "sparse_categorical_crossentropy":
            return y
        y = y.astype(np.float64)
        if y.ndim == 1 and self.shape[2] == 1 and len(y) == n:
            y = y[:, np.newaxis]
        return y

    def _loss(self, y, z2, out):
        if self.fused:
            per_sample = REFERENCE_LOSSES[self.loss_name](y, z2, from_logits=True)
        else:
            per_sample = REFERENCE_LOSSES[self.loss_name](y, out, **self.loss_kwargs)
        return float(np.mean(per_sample))

    def _output_gradient(self, y, z2, out):
        """∂(mean loss)/∂z2, shape (n, n_outputs)."""
        n = len(z2)
        if self.fused:
            return GRADIENTS[self.loss_name](y, z2, from_logits=True) / n
        g = GRADIENTS[self.loss_name](y, out, **self.loss_kwargs) / n
        if self.output == "linear":
            return g
        if self.output == "sigmoid":
            return g * out * (1.0 - out)
        if self.output == "tanh":
            return g * (1.0 - out**2)
        return out * (g - np.sum(g * out, axis=-1, keepdims=True))  # softmax Jacobian times g

    def _hidden_derivative(self, z1, h):
        if self.hidden_activation == "relu":
            return (z1 > 0).astype(np.float64)
        if self.hidden_activation == "tanh":
            return 1.0 - h**2
        return h * (1.0 - h)


def batch_order(n_samples, epochs, seed=None):
    """Draw one random permutation of the samples per epoch.

    Parameters
    ----------
    n_samples : int
    epochs : int
    seed : int or numpy.random.Generator, optional
        Seeds the permutations, so the same seed gives the same order.

    Returns
    -------
    order : ndarray of int of shape (epochs, n_samples)

    Examples
    --------
    >>> batch_order(5, 2, seed=0).shape
    (2, 5)
    >>> sorted(batch_order(5, 2, seed=0)[1].tolist())
    [0, 1, 2, 3, 4]
    """
    rng = np.random.default_rng(seed)
    return np.array([rng.permutation(n_samples) for _ in range(epochs)], dtype=np.intp).reshape(epochs, n_samples)


def keras_twin(net, learning_rate, dtype="float32"):
    """Build and compile the Keras model that :class:`TwoLayerNet` ``net`` writes out, with its current weights.

    ``Input -> Dense(n_hidden, hidden_activation) -> Dense(n_outputs, output)``, weights copied from ``net``,
    compiled with the same loss and ``SGD(learning_rate, momentum=0)``.

    Parameters
    ----------
    net : TwoLayerNet
    learning_rate : float
    dtype : {"float32", "float64"}, default="float32"
        The layers' and the loss's dtype. Keras's default is float32; with float64 both sides compute in the
        same precision.

    Returns
    -------
    model : keras.Sequential
        A compiled model, ready for :func:`train_keras`.

    Examples
    --------
    >>> import numpy as np
    >>> net = TwoLayerNet.random(2, 3, 1, seed=0)
    >>> model = keras_twin(net, learning_rate=0.1, dtype="float64")
    >>> [layer.units for layer in model.layers], model.layers[0].activation.__name__
    ([3, 1], 'relu')
    >>> all(np.array_equal(a, b) for a, b in zip(model.get_weights(), net.get_weights()))
    True
    """
    import keras

    n_in, n_hidden, n_out = net.shape
    activation = None if net.output == "linear" else net.output
    model = keras.Sequential([
        keras.Input(shape=(n_in,), dtype=dtype),
        keras.layers.Dense(n_hidden, activation=net.hidden_activation, dtype=dtype),
        keras.layers.Dense(n_out, activation=activation, dtype=dtype),
    ])
    model.set_weights([w.astype(dtype) for w in net.get_weights()])
    loss = getattr(keras.losses, _loss_class(net.loss_name))(dtype=dtype, **net.loss_kwargs)
    model.compile(loss=loss, optimizer=keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.0))
    return model


def train_keras(model, X, y, epochs, batch_size=32, order=None):
    """Train a compiled Keras model one mini-batch at a time, in the batch order of `TwoLayerNet.train`.

    The same arguments and the same history as :meth:`TwoLayerNet.train` (the learning rate is the model's
    optimizer's): each batch goes through ``model.train_on_batch``, which returns the batch's loss before the
    update.

    Parameters
    ----------
    model : keras.Model
        A compiled model.
    X : array_like of shape (n_samples, n_inputs)
    y : array_like
        Targets in the form the loss expects (a 1-D array is given one column when the model has one output,
        except for sparse labels).
    epochs : int
    batch_size : int, default=32
    order : None, int, numpy.random.Generator or array_like of int, optional
        As for :meth:`TwoLayerNet.train`.

    Returns
    -------
    history : dict of str to ndarray
        ``"loss"``, shape (epochs,), and ``"batch_loss"``, shape (epochs * steps_per_epoch,).

    Examples
    --------
    Two epochs of two batches, in the same seeded order on both sides; the NumPy network and its
    Keras twin (in float64) report the same losses, up to the float32 of Keras's loss tracker:

    >>> import numpy as np
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    >>> y = np.array([1.0, 1.0, 0.0, 0.0])
    >>> net = TwoLayerNet.random(2, 3, 1, seed=0)
    >>> model = keras_twin(net, learning_rate=0.125, dtype="float64")  # 0.125: exact in float32 too
    >>> ours = net.train(X, y, epochs=2, batch_size=2, learning_rate=0.125, order=0)
    >>> theirs = train_keras(model, X, y, epochs=2, batch_size=2, order=0)
    >>> theirs["loss"].shape, theirs["batch_loss"].shape
    ((2,), (4,))
    >>> bool(np.allclose(ours["batch_loss"], theirs["batch_loss"], rtol=1e-6))
    True
    """
    dtype = model.inputs[0].dtype
    X = np.asarray(X, dtype=dtype)
    y = np.asarray(y)
    if y.ndim == 1 and model.output_shape[-1] == 1:
        y = y[:, np.newaxis]
    if np.issubdtype(y.dtype, np.floating):
        y = y.astype(dtype)
    batch_loss, loss = [], []
    for epoch_order in _orders(order, len(X), epochs):
        weighted = 0.0
        for batch in _batches(epoch_order, batch_size):
            batch_loss.append(float(model.train_on_batch(X[batch], y[batch])))
            weighted += batch_loss[-1] * len(batch)
        loss.append(weighted / len(X))
    return {"loss": np.array(loss), "batch_loss": np.array(batch_loss)}




_ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "linear": lambda z: z,
    "softmax": _softmax,
}


def _check_shapes(params):
    W1, b1, W2, b2 = (params[name] for name in PARAMETERS)
    if W1.ndim != 2 or W2.ndim != 2 or b1.shape != (W1.shape[1],) or W2.shape[0] != W1.shape[1] \
            or b2.shape != (W2.shape[1],):
        raise ValueError(
            "expected W1 (n_inputs, n_hidden), b1 (n_hidden,), W2 (n_hidden, n_outputs), b2 (n_outputs,); got "
            + ", ".join(f"{name} {params[name].shape}" for name in PARAMETERS) + "."
        )
    if not all(np.all(np.isfinite(params[name])) for name in PARAMETERS):
        raise ValueError("the weights contain NaN or infinite values.")
    return W1.shape[0], W1.shape[1], W2.shape[1]


def _orders(order, n_samples, epochs):
    """Return the sample order of every epoch as an int array of shape (epochs, n_samples)."""
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer; got {epochs!r}.")
    if order is None:
        return np.tile(np.arange(n_samples), (epochs, 1))
    if isinstance(order, (int, np.integer, np.random.Generator)) and not isinstance(order, bool):
        return batch_order(n_samples, epochs, order)
    order = np.asarray(order)
    if order.ndim == 1:
        order = np.tile(order, (epochs, 1))
    if order.shape != (epochs, n_samples):
        raise ValueError(f"order must have shape ({n_samples},) or ({epochs}, {n_samples}); got {order.shape}.")
    if not np.all(np.sort(order, axis=1) == np.arange(n_samples)):
        raise ValueError("every row of order must be a permutation of range(n_samples).")
    return order.astype(np.intp)


def _batches(epoch_order, batch_size):
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}.")
    return [epoch_order[start:start + batch_size] for start in range(0, len(epoch_order), batch_size)]


def _loss_class(name):
    """Keras's class name for a loss function's name: ``"mean_squared_error"`` -> ``"MeanSquaredError"``."""
    return "KLDivergence" if name == "kl_divergence" else "".join(part.capitalize() for part in name.split("_"))
