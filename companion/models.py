"""The small multilayer perceptrons and the optimizer of the seed tutorial.

Seed ``002`` uses one hidden ReLU layer with He-uniform initialisation
(25 units for regression, 50 for classification), an output layer whose
activation matches the loss, and SGD with learning rate 0.01 and momentum 0.9.
"""



def mlp(n_features, hidden=(25,), outputs=1, activation=None, hidden_activation="relu",
        kernel_initializer="he_uniform", name=None):
    """Build an uncompiled multilayer perceptron.

    Parameters
    ----------
    n_features : int
        Number of input features.
    hidden : tuple of int, default=(25,)
        Units of each hidden layer, in order.
    outputs : int, default=1
        Units of the output layer (1 for regression and binary problems,
        ``n_classes`` for multi-class problems).
    activation : str or None, default=None
        Output activation: ``None`` (linear), ``"sigmoid"``, ``"tanh"``, ``"softmax"``, ...
    hidden_activation : str, default="relu"
        Activation of every hidden layer.
    kernel_initializer : str, default="he_uniform"
        Initializer of the hidden layers' weights. The output layer keeps Keras's
        default (Glorot uniform), as in the seed.
    name : str, optional
        Name of the model.

    Returns
    -------
    model : keras.Sequential
        Input of shape (batch, n_features), output of shape (batch, outputs).
        Weights are drawn from TensorFlow's global seed: call
        :func:`companion.training.set_seed` first for a reproducible model.

    Examples
    --------
    >>> import companion as cp
    >>> cp.set_seed(1)
    >>> model = cp.mlp(2, hidden=(50,), activation="sigmoid")
    >>> model.output_shape
    (None, 1)
    """
    if int(n_features) < 1 or int(outputs) < 1:
        raise ValueError(f"n_features and outputs must be positive, got {n_features} and {outputs}")
    if any(int(h) < 1 for h in hidden):
        raise ValueError(f"hidden layer sizes must be positive, got {tuple(hidden)}")
    import keras

    layers = [keras.Input(shape=(int(n_features),))]
    layers += [keras.layers.Dense(int(h), activation=hidden_activation, kernel_initializer=kernel_initializer)
               for h in hidden]
    layers.append(keras.layers.Dense(int(outputs), activation=activation))
    return keras.Sequential(layers, name=name)


def sgd(learning_rate=0.01, momentum=0.9):
    """Return the seed's optimizer: SGD with momentum.

    Keras 3 spells the step size ``learning_rate``; the seed's ``lr=`` raises.

    Parameters
    ----------
    learning_rate : float, default=0.01
    momentum : float, default=0.9

    Returns
    -------
    optimizer : keras.optimizers.SGD

    Examples
    --------
    >>> import companion as cp
    >>> float(cp.sgd().momentum)
    0.9
    """
    import keras

    return keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
