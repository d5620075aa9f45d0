"""Tests of companion.runner: the one experiment runner of the book."""

import keras
import numpy as np
import pytest

import companion as cp
from companion.datasets import Split
from companion import runner
from companion.runner import Recipe, Replicates, run_replicates


def draw(seed):
    """A small binary problem whose points depend on the replicate's seed."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(120, 3)).astype("float32")
    y = (X[:, 0] + 0.5 * X[:, 1] + 0.3 * rng.normal(size=120) > 0).astype("int64")
    return Split(X[:80], y[:80], X[80:], y[80:], task="binary", name="toy")


def accuracy(y_true, y_pred):
    return float(np.mean((y_pred > 0.5) == y_true))


def test_one_seed_gives_the_same_data_and_scores_twice():
    a = run_replicates(["bce", "hinge"], draw, seeds=[3, 4], epochs=3, scoring={"acc": accuracy})
    b = run_replicates(["bce", "hinge"], draw, seeds=[3, 4], epochs=3, scoring={"acc": accuracy})
    assert np.array_equal(a.splits[3].X_train, b.splits[3].X_train)
    assert a.table.equals(b.table)


def test_two_seeds_draw_different_data():
    runs = run_replicates(["bce"], draw, seeds=[3, 4], epochs=2)
    assert not np.array_equal(runs.splits[3].X_train, runs.splits[4].X_train)
    assert runs.scores("bce", "test_loss")[0] != runs.scores("bce", "test_loss")[1]


@pytest.mark.parametrize("side_by_side", [True, False])
def test_adding_a_recipe_leaves_the_others_unchanged(side_by_side):
    alone = run_replicates({"bce": "binary_crossentropy"}, draw, seeds=3, epochs=3, side_by_side=side_by_side)
    more = run_replicates({"focal": "binary_focal_crossentropy", "bce": "binary_crossentropy"}, draw, seeds=3,
                          epochs=3, side_by_side=side_by_side)
    assert np.array_equal(alone.scores("bce", "test_loss"), more.scores("bce", "test_loss"))
    assert np.array_equal(alone.scores("bce", "train_accuracy"), more.scores("bce", "train_accuracy"))


def test_recipes_of_one_replicate_share_their_initial_weights():
    runs = run_replicates({"a": "bce", "b": "bce"}, draw, seeds=2, epochs=2)
    assert np.array_equal(runs.scores("a", "test_loss"), runs.scores("b", "test_loss"))


def test_side_by_side_and_one_by_one_agree_to_float_rounding():
    fast = run_replicates(["bce"], draw, seeds=3, epochs=3)
    slow = run_replicates(["bce"], draw, seeds=3, epochs=3, side_by_side=False)
    np.testing.assert_allclose(fast.scores("bce", "test_loss"), slow.scores("bce", "test_loss"), rtol=1e-4)


def test_a_configured_loss_object_is_not_served_from_another_recipes_model():
    blobs = cp.get_problem("blobs")
    plain = keras.losses.CategoricalCrossentropy()
    smooth = keras.losses.CategoricalCrossentropy(label_smoothing=0.9)
    for side_by_side in (False, True):
        runs = run_replicates({"plain": plain, "smooth": smooth}, blobs, seeds=2, epochs=2, same_data=True,
                              side_by_side=side_by_side)
        # The smoothed loss of the same predictions is far larger: a shared model would give equal values.
        assert np.all(runs.scores("smooth", "test_loss") > runs.scores("plain", "test_loss") + 0.1)


def test_a_reader_model_keeps_its_compiled_metrics():
    def model(split):
        return keras.Sequential([keras.Input((split.n_features,)), keras.layers.Dense(4, activation="relu"),
                                 keras.layers.Dropout(0.1), keras.layers.Dense(1, activation="sigmoid")])

    recipe = Recipe("binary_crossentropy", model=model, metrics=(keras.metrics.AUC(name="auc"), "accuracy"))
    runs = run_replicates({"mine": recipe}, draw, seeds=2, epochs=2)
    assert {"test_auc", "test_accuracy", "train_auc"} <= set(runs.table.columns)
    assert np.all((runs.scores("mine", "test_auc") > 0) & (runs.scores("mine", "test_auc") <= 1))
    assert not np.array_equal(runs.scores("mine", "test_auc"), runs.scores("mine", "test_loss"))


def test_a_loss_with_logits_gets_a_linear_output():
    recipe = Recipe(keras.losses.BinaryCrossentropy(from_logits=True))
    assert recipe.resolved("binary") == (None, "01")
    assert Recipe("hinge").resolved("binary") == ("tanh", "pm1")
    assert Recipe(lambda t, p: (t - p) ** 2).resolved("regression") == (None, "float")


def test_scoring_and_predictions():
    runs = run_replicates(["bce"], draw, seeds=2, epochs=2, scoring={"acc": accuracy}, predictions=True)
    assert runs.outputs["bce"].shape == (2, 40)
    expected = [accuracy(runs.splits[s].y_test, runs.outputs["bce"][i]) for i, s in enumerate(runs.seeds)]
    assert np.array_equal(runs.scores("bce", "acc"), expected)


def test_an_undefined_score_stops_the_run_instead_of_dropping_the_replicate():
    with pytest.raises(ValueError, match="zero_division"):
        run_replicates(["bce"], draw, seeds=2, epochs=1, scoring={"bad": lambda y, p: float("nan")})


def test_concat_of_disjoint_seeds_is_one_run():
    whole = run_replicates(["bce", "hinge"], draw, seeds=4, epochs=2)
    parts = Replicates.concat([run_replicates(["bce", "hinge"], draw, seeds=[2, 3], epochs=2),
                               run_replicates(["bce", "hinge"], draw, seeds=[0, 1], epochs=2)])
    for name in ("bce", "hinge"):
        for column in ("test_loss", "train_loss"):
            assert np.array_equal(whole.scores(name, column)[[2, 3, 0, 1]], parts.scores(name, column))


def test_same_data_keeps_one_draw():
    runs = run_replicates(["mse"], "regression", seeds=2, epochs=1, same_data=True)
    assert runs.same_data
    assert np.array_equal(runs.splits[0].X_train, runs.splits[1].X_train)


def test_summary_prints_the_supported_digits():
    runs = run_replicates(["bce"], draw, seeds=3, epochs=2)
    text = runs.summary("test_loss").loc["bce", "test_loss"]
    assert "±" in text


@pytest.mark.parametrize("kwargs, message", [
    ({"recipes": {}}, "at least one recipe"),
    ({"recipes": "bce"}, "dict"),
    ({"seeds": [1, 1]}, "repeated"),
    ({"seeds": 0}, "at least 1"),
    ({"seeds": 2, "first_seed": -1}, "first_seed"),
    ({"recipes": ["mse"]}, "regression problems"),
    ({"data": 3}, "data must be"),
    ({"scoring": {"a": 1}}, "scoring"),
    ({"data": draw, "same_data": True}, "same_data"),
])
def test_bad_input_is_named(kwargs, message):
    args = {"recipes": ["bce"], "data": draw, "seeds": 2, "epochs": 1, **kwargs}
    with pytest.raises(ValueError, match=message):
        run_replicates(args.pop("recipes"), args.pop("data"), **args)


def test_unknown_recipe_or_score_is_named():
    runs = run_replicates(["bce"], draw, seeds=2, epochs=1)
    with pytest.raises(ValueError, match="not in these results"):
        runs.scores("mse", "test_loss")
    with pytest.raises(ValueError, match="no score 'test_mse'"):
        runs.scores("bce", "test_mse")


@pytest.mark.parametrize(
    "setting, progress, shown",
    [("0", None, False), ("off", None, False), ("1", None, True), ("yes", None, True), ("auto", None, False),
     ("0", True, True), ("1", False, False)],
)
def test_progress_setting(monkeypatch, setting, progress, shown):
    monkeypatch.setenv("COMPANION_PROGRESS", setting)
    assert runner._show_progress(progress) is shown  # "auto": stderr is captured, not a terminal


def test_a_loss_outside_its_task_needs_its_activation_and_labels():
    def draw_multilabel(seed):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(60, 3)).astype("float32")
        Y = (X[:, :2] + 0.3 * rng.normal(size=(60, 2)) > 0).astype("float32")
        return Split(X[:40], Y[:40], X[40:], Y[40:], task="multiclass", name="multilabel")

    with pytest.raises(ValueError, match="binary problems"):
        run_replicates(["binary_crossentropy"], draw_multilabel, seeds=1, epochs=1)
    recipe = Recipe("binary_crossentropy", activation="sigmoid", labels="float")
    runs = run_replicates({"sigmoid": recipe}, draw_multilabel, seeds=2, epochs=1, predictions=True)
    assert runs.outputs["sigmoid"].shape == (2, 20, 2)
    assert list(runs.table.columns) == ["recipe", "seed", "train_loss", "test_loss"]


def test_every_seed_of_a_recipe_reuses_one_compiled_model():
    # Keras names layers and optimizers by a process-wide counter (dense_7, sgd_3); the fingerprint must
    # ignore those names, or every seed would trace a graph of its own.
    before = len(runner._TEMPLATES)
    recipe = Recipe("binary_crossentropy", metrics=("accuracy", keras.metrics.AUC(name="auc")))
    run_replicates({"auc": recipe}, draw, seeds=3, epochs=1)  # AUC is no mean: one fit at a time
    assert len(runner._TEMPLATES) == before + 1


def test_integer_labels_of_shape_n_steps_train_a_sequence_model_unchanged():
    # A class index per step (sequence labelling) or a label sequence (CTC) keeps its shape (n, steps).
    def draw_tags(seed):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(40, 6)).astype("float32")
        y = (X > 0).astype("int64") + 1
        y[:, 4:] = 0  # two pad steps
        return Split(X[:30], y[:30], X[30:], y[30:], task="multiclass", name="tags")

    def tagger(split):
        inputs = keras.Input((6,))
        hidden = keras.layers.Reshape((6, 1))(inputs)
        return keras.Model(inputs, keras.layers.Dense(3)(hidden))

    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
    runs = run_replicates({"tags": Recipe(loss, model=tagger, labels="integer")}, draw_tags, seeds=2, epochs=2,
                          predictions=True)
    assert runs.outputs["tags"].shape == (2, 10, 6, 3)
    assert runs.splits[0].y_train.shape == (30, 6) and np.isfinite(runs.scores("tags", "test_loss")).all()
    with pytest.raises(ValueError, match="non-negative integers, one class index per step"):
        run_replicates({"tags": Recipe(loss, model=tagger, labels="integer")},
                       lambda s: (lambda d: Split(d.X_train, d.y_train - 1, d.X_test, d.y_test, "multiclass"))(
                           draw_tags(s)), seeds=1, epochs=1)
