"""Tests for companion.models: the seed's MLP architecture and its optimizer."""

import numpy as np
import pytest

import companion as cp


def dense_layers(model):
    return [layer for layer in model.layers if layer.__class__.__name__ == "Dense"]


def test_mlp_default_is_the_seed_regression_model():
    model = cp.mlp(20)
    hidden, output = dense_layers(model)
    assert (hidden.units, output.units) == (25, 1)
    assert hidden.activation.__name__ == "relu"
    assert output.activation.__name__ == "linear"
    assert hidden.kernel_initializer.__class__.__name__ == "HeUniform"
    assert output.kernel_initializer.__class__.__name__ == "GlorotUniform"
    assert model.input_shape == (None, 20)
    assert model.output_shape == (None, 1)
    assert model.count_params() == 20 * 25 + 25 + 25 * 1 + 1


def test_mlp_classification_layers():
    model = cp.mlp(2, hidden=(50, 10), outputs=3, activation="softmax", hidden_activation="tanh",
                   kernel_initializer="glorot_normal", name="blobs_mlp")
    layers = dense_layers(model)
    assert [layer.units for layer in layers] == [50, 10, 3]
    assert [layer.activation.__name__ for layer in layers] == ["tanh", "tanh", "softmax"]
    assert [layer.kernel_initializer.__class__.__name__ for layer in layers] == [
        "GlorotNormal", "GlorotNormal", "GlorotUniform"]
    assert model.name == "blobs_mlp"
    assert model.output_shape == (None, 3)


def test_mlp_without_hidden_layers_is_linear():
    model = cp.mlp(4, hidden=(), outputs=2)
    assert [layer.units for layer in dense_layers(model)] == [2]


def test_mlp_output_shape_and_softmax_rows_sum_to_one():
    cp.set_seed(0)
    model = cp.mlp(2, hidden=(50,), outputs=3, activation="softmax")
    x = np.random.default_rng(0).normal(size=(7, 2)).astype("float32")
    out = np.asarray(model(x))
    assert out.shape == (7, 3)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-6)


def test_mlp_he_uniform_limits():
    cp.set_seed(0)
    kernel = dense_layers(cp.mlp(20, hidden=(25,)))[0].get_weights()[0]
    limit = np.sqrt(6 / 20)  # He uniform: U(-sqrt(6 / fan_in), sqrt(6 / fan_in))
    assert np.abs(kernel).max() <= limit
    assert np.abs(kernel).max() > 0.9 * limit  # 500 draws reach close to the limit
    np.testing.assert_allclose(kernel.std(), limit / np.sqrt(3), rtol=0.1)


def test_mlp_weights_follow_the_seed():
    cp.set_seed(7)
    a = cp.mlp(3).get_weights()
    cp.set_seed(7)
    b = cp.mlp(3).get_weights()
    cp.set_seed(8)
    c = cp.mlp(3).get_weights()
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_features": 0}, "n_features and outputs must be positive, got 0 and 1"),
        ({"n_features": 3, "outputs": 0}, "must be positive, got 3 and 0"),
        ({"n_features": 3, "hidden": (25, 0)}, r"hidden layer sizes must be positive, got \(25, 0\)"),
        ({"n_features": 3, "hidden": (-1,)}, "hidden layer sizes must be positive"),
    ],
)
def test_mlp_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        cp.mlp(**kwargs)


def test_sgd_is_the_seed_optimizer():
    opt = cp.sgd()
    assert opt.__class__.__name__ == "SGD"
    assert float(opt.learning_rate) == pytest.approx(0.01)
    assert float(opt.momentum) == pytest.approx(0.9)
    assert opt.nesterov is False


def test_sgd_custom_settings():
    opt = cp.sgd(learning_rate=0.1, momentum=0.0)
    assert float(opt.learning_rate) == pytest.approx(0.1)
    assert float(opt.momentum) == 0.0


def test_sgd_step_is_momentum_sgd():
    """Two steps on f(w) = w**2 / 2 (gradient w) from w = 1: v1 = -0.01, w1 = 0.99; v2 = 0.9 v1 - 0.01 w1."""
    import keras

    w = keras.Variable(np.array([1.0], dtype="float32"))
    opt = cp.sgd()
    for _ in range(2):
        opt.apply_gradients([(keras.ops.convert_to_tensor(w.numpy()), w)])
    v1, w1 = -0.01, 0.99
    w2 = w1 + 0.9 * v1 - 0.01 * w1
    np.testing.assert_allclose(w.numpy(), [w2], rtol=1e-6)
