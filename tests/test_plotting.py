"""Tests for companion.plotting: what each function draws, and how it refuses bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection, PolyCollection  # noqa: E402

from companion import plotting  # noqa: E402
from companion.training import FitResult  # noqa: E402

EPOCHS = 12


def make_run(seed, keys=("loss", "accuracy"), epochs=EPOCHS):
    rng = np.random.default_rng(seed)
    history = {}
    for key in keys:
        history[key] = np.sort(rng.random(epochs))[::-1]
        history[f"val_{key}"] = history[key] + 0.1 * rng.random(epochs)
    return FitResult(history=history, train={}, test={})


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def bands(ax):
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


# ---------------------------------------------------------------- style


def test_import_changes_no_global_setting():
    import importlib

    before = dict(plt.rcParams)
    importlib.reload(plotting)
    assert dict(plt.rcParams) == before


def test_style_applies_and_restores():
    before = plt.rcParams["axes.spines.top"]
    with plotting.style():
        assert plt.rcParams["axes.spines.top"] is False
        colours = [c["color"] for c in plt.rcParams["axes.prop_cycle"]]
        assert colours == list(plotting.PALETTE)
    assert plt.rcParams["axes.spines.top"] == before


# ---------------------------------------------------------------- learning_curves


def test_single_run_one_panel_two_lines_no_band():
    axes = plotting.learning_curves(make_run(0))
    assert axes.shape == (1,)
    ax = axes[0]
    assert [line.get_label() for line in ax.lines] == ["train", "test"]
    assert [line.get_linestyle() for line in ax.lines] == ["-", "--"]
    assert bands(ax) == []
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "loss")
    x, y = ax.lines[0].get_data()
    np.testing.assert_array_equal(x, np.arange(1, EPOCHS + 1))
    np.testing.assert_allclose(y, make_run(0).history["loss"])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), make_run(0).history["val_loss"])


def test_list_of_runs_draws_mean_and_std_bands():
    runs = [make_run(seed) for seed in range(4)]
    axes = plotting.learning_curves(runs, keys=("loss", "accuracy"), label="mse")
    assert axes.shape == (2,)
    for ax, key in zip(axes, ("loss", "accuracy")):
        assert [line.get_label() for line in ax.lines] == ["mse train", "mse test"]
        assert len(bands(ax)) == 2
        assert ax.get_ylabel() == key
        expected = np.mean([run.history[key] for run in runs], axis=0)
        np.testing.assert_allclose(ax.lines[0].get_ydata(), expected)
        # the band spans mean -+ std
        std = np.std([run.history[key] for run in runs], axis=0)
        verts = bands(ax)[0].get_paths()[0].vertices
        assert verts[:, 1].min() == pytest.approx((expected - std).min())
        assert verts[:, 1].max() == pytest.approx((expected + std).max())


def test_key_as_string_and_given_axes_and_overlay_colours():
    fig, ax = plt.subplots()
    out = plotting.learning_curves(make_run(1), keys="accuracy", axes=ax, label="a")
    assert out[0] is ax
    plotting.learning_curves(make_run(2), keys="accuracy", axes=[ax], label="b")
    assert len(ax.lines) == 4
    first, second = ax.lines[0].get_color(), ax.lines[2].get_color()
    assert first == ax.lines[1].get_color() == plotting.PALETTE[0]
    assert second == plotting.PALETTE[1]
    plotting.learning_curves(make_run(3), keys="accuracy", axes=ax, color="red")
    assert ax.lines[-1].get_color() == "red"


def test_learning_curves_uses_every_axes_of_a_grid():
    fig, grid = plt.subplots(2, 2)
    out = plotting.learning_curves(make_run(0, keys=("a", "b", "c", "d")), keys=("a", "b", "c", "d"), axes=grid)
    assert len(out) == 4
    assert all(len(ax.lines) == 2 for ax in grid.ravel())


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(results=[]), "empty list"),
        (dict(results=make_run(0), keys=("mse",)), "no 'mse'"),
        (dict(results=FitResult(history={"loss": np.ones(3)}, train={}, test={})), "no 'val_loss'"),
        (dict(results=[make_run(0), make_run(1, epochs=5)]), "differ in length"),
        (dict(results=make_run(0), keys=()), "keys is empty"),
    ],
)
def test_learning_curves_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plotting.learning_curves(**kwargs)


def test_learning_curves_rejects_wrong_number_of_axes():
    fig, axes = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="3 Axes for 2 keys"):
        plotting.learning_curves(make_run(0), keys=("loss", "accuracy"), axes=axes)


def test_learning_curves_rejects_non_results():
    with pytest.raises(TypeError, match="FitResult"):
        plotting.learning_curves([{"loss": [1.0]}])


# ---------------------------------------------------------------- decision_boundary


class LogisticModel:
    """A stand-in for a Keras model: ``predict`` with Keras's keywords."""

    def __init__(self, w, b=0.0, outputs="sigmoid"):
        self.w, self.b, self.outputs = np.asarray(w, float), b, outputs
        self.calls = []

    def predict(self, X, batch_size=None, verbose="auto"):
        self.calls.append(dict(n=len(X), verbose=verbose))
        z = X @ self.w + self.b
        if self.outputs == "sigmoid":
            return (1 / (1 + np.exp(-z)))[:, None]
        if self.outputs == "tanh":
            return np.tanh(z)
        return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)  # softmax over columns of w


def points(seed, n=40):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


def scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def test_binary_sigmoid_boundary_grid_and_points():
    X, y = points(0)
    model = LogisticModel([1.0, 1.0])
    ax = plotting.decision_boundary(model, X, y, title="logistic", resolution=30)
    assert model.calls == [dict(n=900, verbose=0)]
    assert ax.get_title() == "logistic"
    assert ax.get_legend_handles_labels()[1] == ["y = 0", "y = 1"]
    assert len(scatters(ax)) == 2
    assert sum(len(s.get_offsets()) for s in scatters(ax)) == len(X)
    np.testing.assert_allclose(ax.get_xlim(), (X[:, 0].min() - 0.5, X[:, 0].max() + 0.5))
    np.testing.assert_allclose(ax.get_ylim(), (X[:, 1].min() - 0.5, X[:, 1].max() + 0.5))
    # a black contour line at the threshold, running along x1 + x2 = 0
    lines = [c for c in ax.collections if type(c).__name__ == "QuadContourSet" and list(c.levels) == [0.5]]
    assert len(lines) == 1
    vertices = np.vstack([p.vertices for p in lines[0].get_paths() if len(p.vertices)])
    np.testing.assert_allclose(vertices.sum(axis=1), 0.0, atol=0.05)


def test_tanh_with_pm1_labels_and_threshold_zero():
    X, y = points(1)
    y = 2 * y - 1
    ax = plotting.decision_boundary(LogisticModel([2.0, 2.0], outputs="tanh"), X, y, threshold=0.0, resolution=25)
    assert ax.get_legend_handles_labels()[1] == ["y = -1", "y = 1"]
    contours = [c for c in ax.collections if type(c).__name__ == "QuadContourSet" and list(c.levels) == [0.0]]
    assert len(contours) == 1
    # the negative class gets the first colour, the positive class the second
    colours = [tuple(s.get_facecolor()[0][:3]) for s in scatters(ax)]
    assert colours == [matplotlib.colors.to_rgb(plotting.PALETTE[0]), matplotlib.colors.to_rgb(plotting.PALETTE[1])]


def test_no_boundary_line_when_one_class_everywhere():
    X, y = points(2)
    ax = plotting.decision_boundary(LogisticModel([0.0, 0.0], b=5.0), X, y, resolution=10)
    contour_lines = [c for c in ax.collections if type(c).__name__ == "QuadContourSet" and not c.filled]
    assert contour_lines == []


def test_softmax_regions_by_argmax_with_onehot_and_integer_labels():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 2))
    w = np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 1.0]])
    y = (X @ w).argmax(axis=1)
    for labels in (y, np.eye(3)[y]):
        fig, ax = plt.subplots()
        out = plotting.decision_boundary(LogisticModel(w, outputs="softmax"), X, labels, ax=ax, resolution=40)
        assert out is ax
        assert ax.get_legend_handles_labels()[1] == ["y = 0", "y = 1", "y = 2"]
        filled = [c for c in ax.collections if type(c).__name__ == "QuadContourSet" and c.filled]
        assert len(filled) == 1 and list(filled[0].levels) == [-0.5, 0.5, 1.5, 2.5]
        colours = [matplotlib.colors.to_hex(s.get_facecolor()[0]) for s in scatters(ax)]
        assert colours == [c.lower() for c in plotting.PALETTE[:3]]


def test_plain_callable_model():
    X, y = points(4)
    ax = plotting.decision_boundary(lambda g: 1 / (1 + np.exp(-g[:, 0])), X, y, resolution=20)
    assert len(scatters(ax)) == 2


@pytest.mark.parametrize(
    "X, y, kwargs, message",
    [
        (np.zeros((5, 3)), np.zeros(5), {}, "shape \\(n_samples, 2\\)"),
        (np.zeros((0, 2)), np.zeros(0), {}, "empty"),
        (np.zeros((5, 2)), np.zeros(4), {}, "one label per sample"),
        (np.zeros((5, 2)), np.zeros(5), {"resolution": 1}, "resolution"),
    ],
)
def test_decision_boundary_rejects_bad_input(X, y, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plotting.decision_boundary(LogisticModel([1.0, 1.0]), X, y, **kwargs)


def test_decision_boundary_rejects_wrong_prediction_shape():
    X, y = points(5)
    with pytest.raises(ValueError, match="grid points"):
        plotting.decision_boundary(lambda g: np.zeros(3), X, y, resolution=10)


def test_decision_boundary_with_a_keras_model():
    pytest.importorskip("keras")
    import companion as cp

    X, y = points(6)
    cp.set_seed(0)
    model = cp.mlp(2, hidden=(4,), activation="sigmoid")
    ax = plotting.decision_boundary(model, X, y, resolution=20)
    assert len(scatters(ax)) == 2


# ---------------------------------------------------------------- loss_curves


def test_loss_curves_dict_one_line_each_in_palette_order():
    r = np.linspace(-2, 2, 41)
    ax = plotting.loss_curves({"squared": np.square, "absolute": np.abs, "zero": lambda x: 0.0}, r)
    assert [line.get_label() for line in ax.lines] == ["squared", "absolute", "zero"]
    assert [line.get_color() for line in ax.lines] == list(plotting.PALETTE[:3])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), r**2)
    np.testing.assert_array_equal(ax.lines[2].get_ydata(), np.zeros_like(r))  # a scalar is broadcast
    assert ax.get_ylabel() == "loss"


def test_loss_curves_names_labels_and_existing_axes():
    fig, ax = plt.subplots()
    ax.set_ylabel("penalty")
    plotting.loss_curves([np.square, np.abs], np.linspace(0, 1, 5), ax=ax)
    plotting.loss_curves(np.exp, np.linspace(0, 1, 5), ax=ax, labels=["exp"])
    assert [line.get_label() for line in ax.lines] == ["square", "absolute", "exp"]
    assert ax.lines[2].get_color() == plotting.PALETTE[2]
    assert ax.get_ylabel() == "penalty"


@pytest.mark.parametrize(
    "fns, x, labels, message",
    [
        ([], np.linspace(0, 1, 5), None, "empty"),
        ([lambda x: x], np.linspace(0, 1, 5), None, "labels="),
        ([np.abs, np.square], np.linspace(0, 1, 5), ["one"], "2 functions"),
        ([np.abs], np.zeros((2, 2)), None, "one-dimensional"),
        ([lambda x: x[:2]], np.linspace(0, 1, 5), ["short"], "short: returned shape"),
        ([1.0], np.linspace(0, 1, 5), None, "callable"),
    ],
)
def test_loss_curves_rejects_bad_input(fns, x, labels, message):
    with pytest.raises(ValueError, match=message):
        plotting.loss_curves(fns, x, labels=labels)


def test_decision_boundary_rejects_a_model_that_cannot_predict():
    X, y = points(7)
    with pytest.raises(TypeError, match="predict method or be callable"):
        plotting.decision_boundary(object(), X, y, resolution=10)


# reliability_diagram


def test_reliability_diagram_draws_bins_diagonal_once_and_ece_in_label():
    from companion.metrics import expected_calibration_error, reliability_curve

    rng = np.random.default_rng(0)
    p = rng.random(500)
    y = (rng.random(500) < p ** 2).astype(int)  # over-confident: the truth is p**2
    ax = plotting.reliability_diagram(y, p, n_bins=5, label="model")
    curve = reliability_curve(y, p, n_bins=5)
    line = [ln for ln in ax.lines if ln.get_gid() == "reliability"][0]
    np.testing.assert_allclose(line.get_xdata(), curve.confidence)
    np.testing.assert_allclose(line.get_ydata(), curve.accuracy)
    assert line.get_label() == f"model (ECE {expected_calibration_error(y, p, n_bins=5):.3f})"
    assert ax.get_xlim() == (0.0, 1.0) and ax.get_ylim() == (0.0, 1.0)
    assert "class 1" in ax.get_xlabel()
    plotting.reliability_diagram(y, np.sqrt(p), ax=ax, n_bins=5, label="other")
    assert sum(ln.get_gid() == "reliability_diagonal" for ln in ax.lines) == 1
    colours = [ln.get_color() for ln in ax.lines if ln.get_gid() == "reliability"]
    assert colours == [plotting.PALETTE[0], plotting.PALETTE[1]]
    assert len(scatters(ax)) == 2
    plotting.reliability_diagram(y, p, ax=ax, n_bins=5, label="plain", show_ece=False)
    assert [ln for ln in ax.lines if ln.get_gid() == "reliability"][-1].get_label() == "plain"


def test_reliability_diagram_top_label_axis_labels():
    prob = np.array([[0.6, 0.4], [0.2, 0.8], [0.9, 0.1]])
    fig, ax = plt.subplots()
    assert plotting.reliability_diagram([0, 1, 1], prob, ax=ax) is ax
    assert ax.get_ylabel() == "accuracy" and "confidence" in ax.get_xlabel()


def test_reliability_diagram_rejects_bad_probabilities():
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        plotting.reliability_diagram([0, 1], [0.5, 1.5])
