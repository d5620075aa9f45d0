"""Tests for companion.scratch: backpropagation against finite differences, and training against Keras.

Tolerances. The NumPy network computes in float64. Against Keras in float32 (its default), loss curves agree
to a relative 1e-5 and weights to 1e-5 after a few epochs: float32 rounding, accumulated over the steps.
Against Keras with float64 layers and loss, the weights agree to 1e-12 when the learning rate is exactly
representable in float32 (Keras keeps it in a float32 variable), while the losses Keras reports still pass
through its float32 ``Mean`` metric, so they agree to a relative 1e-6.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from companion import losses  # noqa: E402
from companion.scratch import TwoLayerNet, batch_order, keras_twin, train_keras  # noqa: E402

# (hidden activation, output activation, loss, loss kwargs, number of outputs, target kind)
CONFIGS = [
    ("relu", "sigmoid", "binary_crossentropy", {}, 1, "bits"),
    ("tanh", "sigmoid", "mean_squared_error", {}, 1, "bits"),
    ("relu", "linear", "binary_crossentropy", {"from_logits": True}, 1, "bits"),
    ("relu", "linear", "mean_squared_error", {}, 2, "real"),
    ("sigmoid", "linear", "huber", {"delta": 0.5}, 2, "real"),
    ("tanh", "linear", "log_cosh", {}, 1, "real"),
    ("tanh", "tanh", "squared_hinge", {}, 1, "signs"),
    ("tanh", "softmax", "categorical_crossentropy", {}, 3, "one_hot"),
    ("relu", "softmax", "sparse_categorical_crossentropy", {}, 3, "labels"),
    ("tanh", "linear", "sparse_categorical_crossentropy", {"from_logits": True}, 3, "labels"),
    ("sigmoid", "softmax", "kl_divergence", {}, 3, "one_hot"),
    ("relu", "sigmoid", "poisson", {}, 2, "counts"),
]


def config_id(config):
    hidden, output, loss, kwargs, *_ = config
    return "-".join([hidden, output, loss] + [f"{k}={v}" for k, v in kwargs.items()])


def make_problem(config, n_samples=8, n_inputs=3, n_hidden=5, seed=0):
    hidden, output, loss, kwargs, n_out, kind = config
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_inputs))
    targets = {
        "bits": lambda: rng.integers(0, 2, size=n_samples).astype(float),
        "real": lambda: rng.normal(size=(n_samples, n_out)),
        "signs": lambda: rng.choice([-1.0, 1.0], size=n_samples),
        "one_hot": lambda: np.eye(n_out)[rng.integers(n_out, size=n_samples)],
        "labels": lambda: rng.integers(n_out, size=n_samples),
        "counts": lambda: rng.poisson(1.5, size=(n_samples, n_out)).astype(float),
    }
    net = TwoLayerNet.random(n_inputs, n_hidden, n_out, seed=rng, hidden_activation=hidden, output=output,
                             loss=loss, loss_kwargs=kwargs)
    net.params["b1"] = rng.normal(scale=0.1, size=n_hidden)  # non-zero biases, so their gradients are tested
    net.params["b2"] = rng.normal(scale=0.1, size=n_out)
    return net, X, targets[kind]()


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_backward_matches_finite_differences(config):
    net, X, y = make_problem(config)
    grads = net.backward(X, y)
    step = 1e-6
    checked = 0
    for name, param in net.params.items():
        numeric = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            saved = param[index]
            param[index] = saved + step
            up = net.loss(X, y)
            param[index] = saved - step
            down = net.loss(X, y)
            param[index] = saved
            numeric[index] = (up - down) / (2 * step)
            checked += 1
        assert grads[name].shape == param.shape
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)
    assert checked == 3 * 5 + 5 + 5 * net.shape[2] + net.shape[2]


def test_loss_is_the_batch_mean_of_the_reference_loss():
    net, X, y = make_problem(CONFIGS[0])
    # A sigmoid output with binary cross-entropy is computed from the logits, as Keras does; away from
    # saturation it equals the loss of the probabilities.
    expected = np.mean(losses.binary_crossentropy(y[:, None], net.forward(X)))
    assert net.fused
    assert net.loss(X, y) == pytest.approx(expected, rel=1e-12)
    net, X, y = make_problem(CONFIGS[3])
    assert not net.fused
    assert net.loss(X, y) == pytest.approx(np.mean(losses.mean_squared_error(y, net.forward(X))), rel=1e-12)


def test_train_is_plain_sgd_over_the_given_batches():
    net, X, y = make_problem(CONFIGS[0], n_samples=10)
    copy = TwoLayerNet(*net.get_weights(), hidden_activation="relu", output="sigmoid", loss="binary_crossentropy")
    order = batch_order(10, 2, seed=4)
    history = net.train(X, y, epochs=2, batch_size=4, learning_rate=0.3, order=order)
    assert history["loss"].shape == (2,) and history["batch_loss"].shape == (6,)  # batches of 4, 4 and 2
    losses_by_hand = []
    for epoch in order:
        for batch in (epoch[:4], epoch[4:8], epoch[8:]):
            grads = copy.backward(X[batch], y[batch])
            losses_by_hand.append(copy.loss(X[batch], y[batch]))
            for name in grads:
                copy.params[name] -= 0.3 * grads[name]
    np.testing.assert_allclose(history["batch_loss"], losses_by_hand, rtol=1e-12)
    sizes = np.array([4, 4, 2])
    np.testing.assert_allclose(history["loss"], [np.dot(sizes, history["batch_loss"][i:i + 3]) / 10 for i in (0, 3)])
    for a, b in zip(net.get_weights(), copy.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert history["loss"][-1] < history["loss"][0]


def test_orders():
    net, X, y = make_problem(CONFIGS[3], n_samples=6)
    start = net.get_weights()
    runs = []
    for order in (None, np.arange(6), 7, 7):
        net = TwoLayerNet(*start, hidden_activation="relu", output="linear", loss="mean_squared_error")
        runs.append(net.train(X, y, epochs=3, batch_size=4, learning_rate=0.1, order=order)["batch_loss"])
    np.testing.assert_array_equal(runs[0], runs[1])  # None is the given order, every epoch
    np.testing.assert_array_equal(runs[2], runs[3])  # the same seed, the same batches
    assert not np.array_equal(runs[0], runs[2])
    for bad in (np.zeros(6, dtype=int), np.arange(5), np.zeros((2, 6), dtype=int)):
        with pytest.raises(ValueError, match="order"):
            net.train(X, y, epochs=3, order=bad)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"W1": np.zeros((3, 5)), "b1": np.zeros(4)}, "expected W1"),
        ({"hidden_activation": "elu"}, "hidden_activation"),
        ({"output": "softplus"}, "output"),
        ({"loss": "cosine_similarity"}, "loss"),
        ({"b2": np.array([np.nan])}, "NaN"),
    ],
)
def test_rejects_bad_arguments(kwargs, message):
    arguments = {"W1": np.zeros((3, 5)), "b1": np.zeros(5), "W2": np.zeros((5, 1)), "b2": np.zeros(1)}
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        TwoLayerNet(**arguments)


# Equality with Keras: the same initial weights, the same batches in the same order, SGD without momentum.
KERAS_CONFIGS = [CONFIGS[0], CONFIGS[3], CONFIGS[8]]


@pytest.mark.parametrize("config", KERAS_CONFIGS, ids=config_id)
def test_training_matches_keras_float32(config):
    net, X, y = make_problem(config, n_samples=64, n_inputs=2, n_hidden=8, seed=1)
    start = net.get_weights()
    order = batch_order(64, 3, seed=2)
    model = keras_twin(net, learning_rate=0.1)
    ours = net.train(X, y, epochs=3, batch_size=16, learning_rate=0.1, order=order)
    theirs = train_keras(model, X, y, epochs=3, batch_size=16, order=order)
    np.testing.assert_allclose(ours["batch_loss"], theirs["batch_loss"], rtol=1e-5)
    np.testing.assert_allclose(ours["loss"], theirs["loss"], rtol=1e-5)
    for a, b in zip(net.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    assert not np.allclose(net.get_weights()[0], start[0], atol=1e-3)  # training did move the weights


def test_training_matches_keras_float64():
    net, X, y = make_problem(CONFIGS[7], n_samples=48, n_inputs=2, n_hidden=8, seed=3)
    order = batch_order(48, 3, seed=5)
    model = keras_twin(net, learning_rate=0.125, dtype="float64")  # 0.125 is exact in Keras's float32 variable
    ours = net.train(X, y, epochs=3, batch_size=16, learning_rate=0.125, order=order)
    theirs = train_keras(model, X, y, epochs=3, batch_size=16, order=order)
    for a, b in zip(net.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ours["batch_loss"], theirs["batch_loss"], rtol=1e-6)


@pytest.mark.parametrize(
    ("output", "loss", "W2", "y"),
    [
        ("sigmoid", "binary_crossentropy", [[25.0], [25.0]], np.array([0.0])),
        ("softmax", "sparse_categorical_crossentropy", [[30.0, 0, 0], [30.0, 0, 0]], np.array([1])),
        ("softmax", "categorical_crossentropy", [[30.0, 0, 0], [30.0, 0, 0]], np.array([[0.0, 1.0, 0.0]])),
    ],
)
def test_saturated_output_costs_its_logit_as_in_keras(output, loss, W2, y):
    # Keras's TensorFlow backend computes these losses from the activation's logits (50 or 60 here), not
    # from the clipped probabilities, which would cost about -log(ε) = 16.1; so does TwoLayerNet.
    W2 = np.array(W2)
    net = TwoLayerNet(np.eye(2), np.zeros(2), W2, np.zeros(W2.shape[1]), output=output, loss=loss)
    X = np.array([[1.0, 1.0]])
    logit = 2 * W2[0, 0]
    assert net.loss(X, y) == pytest.approx(logit)
    assert keras_twin(net, 0.1).evaluate(X, y, verbose=0) == pytest.approx(logit)
    assert np.all(np.isfinite(net.backward(X, y)["W2"]))
