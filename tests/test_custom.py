"""Tests for companion.custom: PinballLoss, BinaryF1Score, tolerance_targets and two_head_mlp."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from sklearn.metrics import f1_score

import companion as cp
from companion.custom import BinaryF1Score, PinballLoss, tolerance_targets, two_head_mlp


def pinball_reference(y_true, y_pred, q):
    error = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    return np.mean(np.maximum(q * error, (q - 1.0) * error), axis=-1)


# ---------------------------------------------------------------- PinballLoss


def test_pinball_perfect_prediction_is_zero():
    y = np.array([[0.2, 0.7], [1.0, -3.0]])
    assert float(PinballLoss(quantile=0.3)(y, y)) == 0.0


def test_pinball_hand_computed_constant():
    # errors (y_true - y_pred): +1 costs 0.9, -1 costs 0.1, +2 costs 1.8, -4 costs 0.4
    loss = PinballLoss(quantile=0.9)
    y_true = np.array([[1.0, 1.0], [2.0, -4.0]])
    y_pred = np.array([[0.0, 2.0], [0.0, 0.0]])
    assert float(loss(y_true, y_pred)) == pytest.approx((0.9 + 0.1 + 1.8 + 0.4) / 4, rel=1e-6)


def test_pinball_per_sample_values_match_reference():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    values = PinballLoss(quantile=0.25, reduction=None)(y_true, y_pred)
    assert values.shape == (6,)
    np.testing.assert_allclose(np.asarray(values), pinball_reference(y_true, y_pred, 0.25), rtol=1e-5, atol=1e-6)


def test_pinball_median_is_half_the_mae():
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.normal(size=(20, 4)), rng.normal(size=(20, 4))
    mae = float(keras.losses.MeanAbsoluteError()(y_true, y_pred))
    assert float(PinballLoss(quantile=0.5)(y_true, y_pred)) == pytest.approx(mae / 2, rel=1e-5)


def test_pinball_aligns_labels_without_broadcasting():
    rng = np.random.default_rng(2)
    y_true, y_pred = rng.normal(size=(5,)), rng.normal(size=(5, 1))
    loss = PinballLoss(quantile=0.8)
    expected = np.mean(pinball_reference(y_true[:, None], y_pred, 0.8))
    assert float(loss(y_true, y_pred)) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("quantile", [0.0, 1.0, -0.1, 1.5])
def test_pinball_rejects_quantiles_outside_the_open_interval(quantile):
    with pytest.raises(ValueError, match="quantile"):
        PinballLoss(quantile=quantile)


def test_pinball_has_a_gradient_that_points_to_the_quantile():
    # Under-predictions are pushed up with slope q, over-predictions down with slope 1 - q.
    y_pred = tf.Variable([[0.0], [2.0]])
    with tf.GradientTape() as tape:
        value = PinballLoss(quantile=0.9, reduction="sum")(np.array([[1.0], [1.0]]), y_pred)
    gradient = tape.gradient(value, y_pred).numpy()[:, 0]
    np.testing.assert_allclose(gradient, [-0.9, 0.1], rtol=1e-6)


def test_pinball_get_config_from_config_round_trip():
    loss = PinballLoss(quantile=0.3, name="q30", reduction="sum")
    config = loss.get_config()
    assert config == {"name": "q30", "reduction": "sum", "quantile": 0.3}
    clone = PinballLoss.from_config(config)
    assert (clone.quantile, clone.name, clone.reduction) == (0.3, "q30", "sum")


def test_pinball_is_registered_for_deserialization():
    serialized = keras.losses.serialize(PinballLoss(quantile=0.7))
    assert serialized["registered_name"] == "companion>PinballLoss"
    clone = keras.losses.deserialize(serialized)
    assert isinstance(clone, PinballLoss) and clone.quantile == 0.7


def _trained_model(loss, seed=0):
    split = tolerance_targets(n_samples=120, n_train=80, random_state=seed)
    cp.set_seed(seed)
    model = cp.mlp(split.n_features, hidden=(8,), outputs=5, activation="sigmoid")
    model.compile(loss=loss, optimizer=keras.optimizers.Adam(learning_rate=0.01))
    model.fit(split.X_train, split.y_train / 100, epochs=2, batch_size=16, verbose=0)
    return model, split


def test_pinball_model_save_and_reload_round_trip(tmp_path):
    model, split = _trained_model(PinballLoss(quantile=0.9))
    path = tmp_path / "pinball.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)  # no custom_objects: the class is registered
    assert isinstance(reloaded.loss, PinballLoss)
    assert reloaded.loss.quantile == 0.9
    x, y = split.X_test, split.y_test / 100
    before, after = model.predict(x, verbose=0), reloaded.predict(x, verbose=0)
    np.testing.assert_array_equal(before, after)
    assert float(reloaded.loss(y, after)) == pytest.approx(float(model.loss(y, before)), rel=1e-7)
    assert reloaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-6)


def test_function_loss_needs_custom_objects_to_reload(tmp_path):
    def scaled_abs_error(y_true, y_pred):
        return keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1)

    model, split = _trained_model(scaled_abs_error)
    path = tmp_path / "function.keras"
    model.save(path)
    with pytest.raises(TypeError, match="Could not locate function 'scaled_abs_error'"):
        keras.saving.load_model(path)
    reloaded = keras.saving.load_model(path, custom_objects={"scaled_abs_error": scaled_abs_error})
    x, y = split.X_test, split.y_test / 100
    assert reloaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-6)


# -------------------------------------------------------------- BinaryF1Score


def _classifier_outputs(n=300, seed=0, positive_rate=0.4):
    rng = np.random.default_rng(seed)
    y_true = (rng.random(n) < positive_rate).astype("float32")
    y_pred = np.clip(0.35 * y_true + 0.65 * rng.random(n), 0, 1).astype("float32")[:, None]
    return y_true, y_pred


@pytest.mark.parametrize("batch_size", [1, 7, 32, 300])
def test_f1_over_batches_equals_f1_of_the_whole_set(batch_size):
    y_true, y_pred = _classifier_outputs()
    expected = f1_score(y_true, y_pred[:, 0] > 0.5)
    assert 0.2 < expected < 0.95  # a non-trivial case
    metric = BinaryF1Score()
    for start in range(0, len(y_true), batch_size):
        metric.update_state(y_true[start:start + batch_size], y_pred[start:start + batch_size])
    assert float(metric.result()) == pytest.approx(expected, rel=1e-6)


def test_f1_matches_keras_f1score_and_the_threshold_is_used():
    y_true, y_pred = _classifier_outputs(seed=3)
    for threshold in (0.3, 0.5, 0.7):
        ours = BinaryF1Score(threshold=threshold)
        theirs = keras.metrics.F1Score(threshold=threshold)
        ours.update_state(y_true, y_pred)
        theirs.update_state(y_true[:, None], y_pred)
        assert float(ours.result()) == pytest.approx(float(np.asarray(theirs.result())[0]), rel=1e-6)
        assert float(ours.result()) == pytest.approx(f1_score(y_true, y_pred[:, 0] > threshold), rel=1e-6)


def test_f1_sample_weight_matches_scikit_learn():
    y_true, y_pred = _classifier_outputs(seed=4)
    weight = np.random.default_rng(5).random(len(y_true)).astype("float32")
    metric = BinaryF1Score()
    metric.update_state(y_true, y_pred, sample_weight=weight)
    expected = f1_score(y_true, y_pred[:, 0] > 0.5, sample_weight=weight)
    assert float(metric.result()) == pytest.approx(expected, rel=1e-5)


def test_f1_is_zero_without_positives_and_resets():
    metric = BinaryF1Score()
    metric.update_state(np.zeros(4), np.full((4, 1), 0.1))
    assert float(metric.result()) == 0.0
    metric.update_state(np.array([1.0]), np.array([[0.9]]))
    assert float(metric.result()) == 1.0
    metric.reset_state()
    assert float(metric.result()) == 0.0
    assert all(float(v.numpy()) == 0.0 for v in metric.variables)


def test_f1_get_config_from_config_round_trip():
    metric = BinaryF1Score(threshold=0.25, name="f1_low")
    clone = BinaryF1Score.from_config(metric.get_config())
    assert (clone.threshold, clone.name) == (0.25, "f1_low")


def test_f1_in_evaluate_does_not_depend_on_the_batch_size():
    y_true, _ = _classifier_outputs(n=64, seed=6)
    x = np.random.default_rng(7).normal(size=(64, 3)).astype("float32")
    cp.set_seed(0)
    model = cp.mlp(3, hidden=(4,), activation="sigmoid")
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=[BinaryF1Score()])
    expected = f1_score(y_true, model.predict(x, verbose=0)[:, 0] > 0.5)
    scores = [model.evaluate(x, y_true, batch_size=b, verbose=0, return_dict=True)["f1"] for b in (4, 64)]
    assert scores == pytest.approx([expected, expected], rel=1e-6)


# ---------------------------------------------------------- tolerance_targets


def test_tolerance_targets_shapes_range_and_split():
    split = tolerance_targets()
    assert split.X_train.shape == (500, 8) and split.X_test.shape == (500, 8)
    assert split.y_train.shape == (500, 5) and split.y_test.shape == (500, 5)
    assert split.task == "regression" and split.name == "tolerance_targets"
    for y in (split.y_train, split.y_test):
        assert y.min() >= 0.0 and y.max() <= 100.0
    assert 30 < split.y_train.mean() < 70


def test_tolerance_targets_is_reproducible():
    a, b, c = tolerance_targets(random_state=3), tolerance_targets(random_state=3), tolerance_targets(random_state=4)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_train, c.y_train)


def test_tolerance_targets_truth_and_noise():
    split, truth = tolerance_targets(noise=0.0, return_truth=True)
    assert truth.shape == (1000, 5)
    np.testing.assert_allclose(split.y_train, truth[:500], rtol=1e-6)
    np.testing.assert_allclose(split.y_test, truth[500:], rtol=1e-6)
    noisy, truth_again = tolerance_targets(noise=4.0, return_truth=True)
    np.testing.assert_array_equal(truth, truth_again)  # the noise is drawn after the targets
    residual = (noisy.y_train - truth[:500])[(truth[:500] > 20) & (truth[:500] < 80)]
    assert len(residual) > 500
    assert residual.std() == pytest.approx(4.0, rel=0.1)


@pytest.mark.parametrize("kwargs", [{"n_train": 0}, {"n_train": 1000}, {"noise": -1.0}, {"n_targets": 0},
                                    {"n_features": 0}])
def test_tolerance_targets_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        tolerance_targets(**kwargs)


# --------------------------------------------------------------- two_head_mlp


def test_two_head_mlp_outputs_and_training_with_loss_weights():
    split = tolerance_targets(n_samples=96, n_train=64)
    targets = {"value": split.y_train[:, :1] / 100, "label": (split.y_train[:, 1:2] > 50).astype("float32")}
    cp.set_seed(0)
    model = two_head_mlp(split.n_features, hidden=(6, 3))
    outputs = model(split.X_test[:5])
    assert set(outputs) == {"value", "label"}
    assert outputs["value"].shape == (5, 1) and outputs["label"].shape == (5, 1)
    label = np.asarray(outputs["label"])
    assert np.all((label > 0) & (label < 1))
    model.compile(optimizer="adam", loss={"value": "mse", "label": "binary_crossentropy"},
                  loss_weights={"value": 1.0, "label": 0.5}, metrics={"label": ["accuracy"]})
    history = model.fit(split.X_train, targets, epochs=1, batch_size=16, verbose=0)
    assert {"value_loss", "label_loss", "label_accuracy"} <= set(history.history)
    total = history.history["loss"][0]
    assert np.isfinite(total)


def test_two_head_mlp_total_loss_is_the_weighted_sum():
    split = tolerance_targets(n_samples=64, n_train=32)
    x = split.X_train
    targets = {"value": split.y_train[:, :1] / 100, "label": (split.y_train[:, 1:2] > 50).astype("float32")}
    cp.set_seed(1)
    model = two_head_mlp(split.n_features)
    model.compile(optimizer="adam", loss={"value": "mse", "label": "binary_crossentropy"},
                  loss_weights={"value": 2.0, "label": 0.25})
    scores = model.evaluate(x, targets, batch_size=len(x), verbose=0, return_dict=True)
    assert scores["loss"] == pytest.approx(2.0 * scores["value_loss"] + 0.25 * scores["label_loss"], rel=1e-5)


@pytest.mark.parametrize("kwargs", [{"n_features": 0}, {"n_features": 3, "hidden": (0,)},
                                    {"n_features": 3, "regression_name": "x", "classification_name": "x"}])
def test_two_head_mlp_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        two_head_mlp(**kwargs)


# ------------------------------------------------------ GeneralizedCrossEntropy

from companion.custom import GeneralizedCrossEntropy  # noqa: E402
from companion.losses import categorical_crossentropy, generalized_cross_entropy  # noqa: E402


def _softmax_rows(seed=0, n=40, k=4):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=3.0, size=(n, k))
    p = np.exp(z - z.max(axis=1, keepdims=True))
    return np.eye(k)[rng.integers(0, k, size=n)], (p / p.sum(axis=1, keepdims=True)).astype("float32")


@pytest.mark.parametrize("q", [0.1, 0.7, 1.0])
def test_gce_keras_matches_the_numpy_reference(q):
    y_true, y_pred = _softmax_rows()
    values = GeneralizedCrossEntropy(q=q, reduction=None)(y_true, y_pred)
    assert values.shape == (40,)
    np.testing.assert_allclose(np.asarray(values), generalized_cross_entropy(y_true, y_pred, q=q),
                               rtol=1e-5, atol=1e-6)
    assert float(GeneralizedCrossEntropy(q=q)(y_true, y_pred)) == pytest.approx(
        generalized_cross_entropy(y_true, y_pred, q=q).mean(), rel=1e-5)


def test_gce_keras_small_q_is_keras_cross_entropy_and_its_gradient_is_scaled_by_p_to_the_q():
    y_true, y_pred = _softmax_rows(seed=1)
    small = GeneralizedCrossEntropy(q=1e-4, reduction=None)(y_true, y_pred)
    np.testing.assert_allclose(np.asarray(small), categorical_crossentropy(y_true, y_pred), rtol=1e-3)
    # d/dz of (1 - p_c^q)/q = p_c^q * d/dz(-log p_c): the cross-entropy's logit gradient weighted by p_c^q
    z = tf.Variable(np.log(y_pred))
    with tf.GradientTape(persistent=True) as tape:
        p = tf.nn.softmax(z)
        gce = tf.reduce_sum(GeneralizedCrossEntropy(q=0.7, reduction=None)(y_true, p))
        ce = tf.reduce_sum(-tf.math.log(tf.reduce_sum(y_true * p, axis=1)))
    p_c = np.sum(y_true * y_pred, axis=1, keepdims=True)
    np.testing.assert_allclose(tape.gradient(gce, z).numpy(), p_c ** 0.7 * tape.gradient(ce, z).numpy(),
                               rtol=1e-4, atol=1e-6)


def test_gce_keras_saves_and_loads_with_its_q(tmp_path):
    y_true, _ = _softmax_rows(seed=2, n=16, k=3)
    x = np.random.default_rng(2).normal(size=(16, 5)).astype("float32")
    cp.set_seed(0)
    model = cp.mlp(5, hidden=(4,), outputs=3, activation="softmax")
    model.compile(optimizer=cp.sgd(), loss=GeneralizedCrossEntropy(q=0.3))
    model.fit(x, y_true, epochs=1, batch_size=8, verbose=0)
    path = tmp_path / "gce.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)  # no custom_objects: the class is registered
    assert isinstance(loaded.loss, GeneralizedCrossEntropy) and loaded.loss.q == 0.3
    assert loaded.evaluate(x, y_true, verbose=0) == pytest.approx(model.evaluate(x, y_true, verbose=0), rel=1e-6)


@pytest.mark.parametrize("q", [0, -0.5, 1.01, float("nan"), "0.7", True])
def test_gce_keras_rejects_bad_q(q):
    with pytest.raises(ValueError, match=r"q must be a number in \(0, 1\]"):
        GeneralizedCrossEntropy(q=q)


def test_gce_keras_rejects_integer_labels():
    _, y_pred = _softmax_rows(n=5, k=3)
    with pytest.raises(ValueError, match="one-hot rows"):
        GeneralizedCrossEntropy()(np.array([0, 1, 2, 0, 1]), y_pred)


# ---------------------------------------------------------------- GaussianNLL, MultiPinballLoss, quantile_mlp (uncertainty chapter)

from scipy import stats  # noqa: E402

from companion import losses as reference  # noqa: E402
from companion.custom import GaussianNLL, IncreasingColumns, MultiPinballLoss, quantile_mlp  # noqa: E402


def _raw_predictions(n=64, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=n).astype("float32")
    y_pred = np.stack([rng.normal(size=n), rng.normal(scale=3.0, size=n)], axis=1).astype("float32")
    return y, y_pred


@pytest.mark.parametrize("link, floor", [("softplus", 1e-3), ("softplus", 0.0), ("exp", 0.0), ("exp", 0.5)])
def test_gaussian_nll_matches_the_numpy_reference_and_scipy(link, floor):
    y, y_pred = _raw_predictions()
    loss = GaussianNLL(min_variance=floor, link=link, reduction=None)
    values = np.asarray(loss(y, y_pred), dtype="float64")
    assert values.shape == (64,)
    raw = y_pred[:, 1].astype("float64")
    variance = (np.logaddexp(0.0, raw) if link == "softplus" else np.exp(raw)) + floor
    expected = reference.gaussian_nll(y[:, None], y_pred[:, :1], variance[:, None])
    np.testing.assert_allclose(values, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(values, -stats.norm.logpdf(y, y_pred[:, 0], np.sqrt(variance)), rtol=1e-5, atol=1e-5)
    mean, var = loss.mean_variance(y_pred)
    np.testing.assert_allclose(var, variance, rtol=1e-12)
    np.testing.assert_array_equal(mean, y_pred[:, 0])
    # (n, 1) labels give the same values as (n,) labels, never an (n, n) broadcast
    np.testing.assert_allclose(np.asarray(loss(y[:, None], y_pred)), values, rtol=1e-6)


def test_gaussian_nll_gradient_sets_the_variance_to_the_squared_residual():
    # d loss / d variance = 0 at variance = residual ** 2: with the exp link, d/d raw = 0.5 - r^2 / (2 v).
    loss = GaussianNLL(min_variance=0.0, link="exp", reduction=None)
    y = tf.constant([2.0])
    raw = tf.Variable([[0.0, float(np.log(4.0))]])  # mean 0, variance 4 = residual ** 2
    with tf.GradientTape() as tape:
        value = tf.reduce_sum(loss(y, raw))
    grad = tape.gradient(value, raw).numpy()
    np.testing.assert_allclose(grad, [[-2.0 / 4.0, 0.0]], atol=1e-6)  # d/d mean = -(y - mean) / variance


def test_gaussian_nll_floor_bounds_the_loss_and_the_gradient():
    y = np.zeros(1, "float32")
    far_negative = tf.Variable([[1.0, -30.0]])  # residual 1, raw score deep in softplus's flat part
    grads = {}
    for floor in (0.0, 1e-3):
        with tf.GradientTape() as tape:
            value = tf.reduce_sum(GaussianNLL(min_variance=floor, reduction=None)(y, far_negative))
        grads[floor] = float(tf.reduce_max(tf.abs(tape.gradient(value, far_negative))))
    assert grads[1e-3] <= 1.0 / 1e-3 * 1.001  # the largest is |d/d mean| = r / variance <= r / floor
    assert grads[0.0] > 1e6


@pytest.mark.parametrize("kwargs, match", [({"min_variance": -1.0}, "min_variance"),
                                           ({"min_variance": float("nan")}, "min_variance"),
                                           ({"link": "linear"}, "link")])
def test_gaussian_nll_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GaussianNLL(**kwargs)


def test_gaussian_nll_rejects_predictions_without_two_columns():
    with pytest.raises(ValueError, match="2 columns"):
        GaussianNLL()(np.zeros(4, "float32"), np.zeros((4, 3), "float32"))
    with pytest.raises(ValueError, match="one target per sample"):
        GaussianNLL()(np.zeros((4, 2), "float32"), np.zeros((4, 2), "float32"))
    with pytest.raises(ValueError, match="2 columns"):
        GaussianNLL().mean_variance(np.zeros((4, 1)))


def test_gaussian_nll_model_save_and_reload_round_trip(tmp_path):
    split = cp.datasets.heteroscedastic(n_samples=200, n_train=100)
    cp.set_seed(0)
    model = cp.mlp(1, hidden=(8,), outputs=2)
    model.compile(loss=GaussianNLL(min_variance=1e-3), optimizer=keras.optimizers.Adam(learning_rate=0.01))
    model.fit(split.X_train, split.y_train, epochs=2, batch_size=16, verbose=0)
    path = tmp_path / "nll.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    assert isinstance(reloaded.loss, GaussianNLL)
    assert (reloaded.loss.min_variance, reloaded.loss.link) == (1e-3, "softplus")
    before, after = model.predict(split.X_test, verbose=0), reloaded.predict(split.X_test, verbose=0)
    np.testing.assert_array_equal(before, after)
    assert reloaded.evaluate(split.X_test, split.y_test, verbose=0) == pytest.approx(
        model.evaluate(split.X_test, split.y_test, verbose=0), rel=1e-6)


def test_gaussian_nll_training_learns_the_growing_noise():
    split = cp.datasets.heteroscedastic(n_samples=2000, n_train=1000)
    cp.set_seed(0)
    model = cp.mlp(1, hidden=(25,), outputs=2)
    loss = GaussianNLL(min_variance=1e-3)
    model.compile(loss=loss, optimizer=keras.optimizers.Adam(learning_rate=0.01))
    cp.fit(model, split, epochs=30)
    _, variance = loss.mean_variance(model(np.array([[-1.5], [1.5]], "float32")))
    _, sd = cp.datasets.heteroscedastic_truth(np.array([[-1.5], [1.5]]))
    assert np.sqrt(variance[1]) > 2 * np.sqrt(variance[0])  # truth: 0.8 against 0.2
    np.testing.assert_allclose(np.sqrt(variance), sd, rtol=0.5)


def test_gaussian_nll_default_floor_caps_the_pull_of_a_residual_at_1000():
    # The default was 1e-6, a cap of 10**6 on |d loss / d mean| per unit residual: no practical cap.
    loss = GaussianNLL(reduction=None)
    assert loss.min_variance == 1e-3
    raw = tf.Variable([[1.0, -30.0]])
    with tf.GradientTape() as tape:
        value = tf.reduce_sum(loss(np.zeros(1, "float32"), raw))
    assert abs(float(tape.gradient(value, raw)[0, 0])) <= 1e3 * 1.001


from companion.custom import BetaNLL, StudentTNLL, beta_nll, student_t_nll  # noqa: E402


@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0])
def test_beta_nll_value_is_the_weighted_gaussian_nll(beta):
    y, y_pred = _raw_predictions()
    loss = BetaNLL(beta=beta, reduction=None)
    variance = np.logaddexp(0.0, y_pred[:, 1].astype("float64")) + 1e-3
    scipy_value = -stats.norm.logpdf(y, y_pred[:, 0], np.sqrt(variance)) * variance ** beta
    np.testing.assert_allclose(beta_nll(y, y_pred[:, 0], variance, beta), scipy_value, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(loss(y, y_pred), dtype="float64"), scipy_value, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(loss.mean_variance(y_pred)[1], variance, rtol=1e-6)


def test_beta_nll_weight_carries_no_gradient():
    # d/d mean = -variance ** beta * (y - mean) / variance; at beta = 1 that is -(y - mean), the gradient of
    # half the squared error, whatever the variance.
    y = tf.constant([2.0])
    raw = tf.Variable([[0.0, float(np.log(4.0))]])  # mean 0, variance 4
    for beta, expected in ((0.0, -2.0 / 4.0), (0.5, -2.0 / 2.0), (1.0, -2.0)):
        with tf.GradientTape() as tape:
            value = tf.reduce_sum(BetaNLL(beta=beta, min_variance=0.0, link="exp", reduction=None)(y, raw))
        grad = tape.gradient(value, raw).numpy()
        np.testing.assert_allclose(grad[0, 0], expected, rtol=1e-6)
        np.testing.assert_allclose(grad[0, 1], 0.0, atol=1e-6)  # the variance still sits at the squared residual


@pytest.mark.parametrize("df", [1.0, 3.0, 30.0])
def test_student_t_nll_matches_scipy(df):
    y, y_pred = _raw_predictions()
    loss = StudentTNLL(df=df, reduction=None)
    loc, scale = loss.location_scale(y_pred)
    np.testing.assert_allclose(scale ** 2, np.logaddexp(0.0, y_pred[:, 1].astype("float64")) + 1e-3, rtol=1e-12)
    expected = -stats.t.logpdf(y, df, loc, scale)
    np.testing.assert_allclose(student_t_nll(y, loc, scale, df), expected, rtol=1e-10)
    np.testing.assert_allclose(np.asarray(loss(y, y_pred), dtype="float64"), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(loss(y[:, None], y_pred)), expected, rtol=1e-5, atol=1e-5)


def test_student_t_nll_tends_to_the_gaussian_nll():
    rng = np.random.default_rng(1)
    y, loc, scale = rng.normal(size=50), rng.normal(size=50), rng.uniform(0.5, 2.0, size=50)
    np.testing.assert_allclose(student_t_nll(y, loc, scale, 1e9), -stats.norm.logpdf(y, loc, scale), atol=1e-5)
    raw = np.stack([loc, np.log(np.expm1(scale ** 2 - 1e-3))], axis=1).astype("float32")
    t = np.asarray(StudentTNLL(df=1e4, reduction=None)(y.astype("float32"), raw), dtype="float64")
    np.testing.assert_allclose(t, -stats.norm.logpdf(y, loc, scale), rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("call, match", [
    (lambda: BetaNLL(beta=1.5), "beta"), (lambda: BetaNLL(beta=float("nan")), "beta"),
    (lambda: StudentTNLL(df=0.0), "df"), (lambda: StudentTNLL(df=float("inf")), "df"),
    (lambda: StudentTNLL()(np.zeros(4, "float32"), np.zeros((4, 3), "float32")), "2 columns"),
    (lambda: beta_nll([0.0], [0.0], [0.0]), "variance"), (lambda: beta_nll([0.0], [0.0], [1.0], 2.0), "beta"),
    (lambda: student_t_nll([0.0], [0.0], [-1.0], 3.0), "scale"), (lambda: student_t_nll([0.0], [0.0], [1.0], -1), "df"),
])
def test_beta_and_student_t_reject_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("loss", [BetaNLL(beta=0.25, min_variance=1e-2), StudentTNLL(df=3.0, link="exp")])
def test_beta_and_student_t_save_and_reload(tmp_path, loss):
    split = cp.datasets.heteroscedastic(n_samples=200, n_train=100)
    cp.set_seed(0)
    model = cp.mlp(1, hidden=(8,), outputs=2)
    model.compile(loss=loss, optimizer=keras.optimizers.Adam(learning_rate=0.01))
    model.fit(split.X_train, split.y_train, epochs=1, batch_size=16, verbose=0)
    model.save(tmp_path / "m.keras")
    reloaded = keras.saving.load_model(tmp_path / "m.keras")
    assert type(reloaded.loss) is type(loss) and reloaded.loss.get_config() == loss.get_config()


def test_multi_pinball_matches_the_numpy_reference_and_pinball_loss():
    rng = np.random.default_rng(1)
    y = rng.normal(size=50).astype("float32")
    y_pred = rng.normal(size=(50, 3)).astype("float32")
    levels = (0.05, 0.5, 0.95)
    values = np.asarray(MultiPinballLoss(levels, reduction=None)(y, y_pred), dtype="float64")
    expected = reference.pinball(np.repeat(y[:, None], 3, axis=1), y_pred, levels)
    np.testing.assert_allclose(values, expected, rtol=1e-5, atol=1e-6)
    single = [np.asarray(PinballLoss(q, reduction=None)(y[:, None], y_pred[:, [j]])) for j, q in enumerate(levels)]
    np.testing.assert_allclose(values, np.mean(single, axis=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(MultiPinballLoss(levels, reduction=None)(y[:, None], y_pred)), values,
                               rtol=1e-6)


@pytest.mark.parametrize("quantiles, match", [((0.5, 0.05), "increasing"), ((0.0, 0.5), "strictly between"),
                                              ((), "strictly between")])
def test_multi_pinball_rejects_bad_levels(quantiles, match):
    with pytest.raises(ValueError, match=match):
        MultiPinballLoss(quantiles)


def test_multi_pinball_rejects_mismatched_columns():
    with pytest.raises(ValueError, match="one column per quantile"):
        MultiPinballLoss((0.1, 0.9))(np.zeros(4, "float32"), np.zeros((4, 3), "float32"))


def test_increasing_columns_never_cross_and_keep_the_first_column():
    raw = np.random.default_rng(2).normal(scale=10.0, size=(200, 4)).astype("float32")
    out = np.asarray(IncreasingColumns(min_step=0.01)(raw))
    np.testing.assert_array_equal(out[:, 0], raw[:, 0])
    assert np.all(np.diff(out, axis=1) >= 0.0099)  # float32 rounding of values up to about 30
    np.testing.assert_allclose(np.diff(out, axis=1), np.logaddexp(0, raw[:, 1:]) + 0.01, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="min_step"):
        IncreasingColumns(min_step=-1.0)


def test_quantile_mlp_monotone_model_save_and_reload_round_trip(tmp_path):
    split = cp.datasets.heteroscedastic(n_samples=200, n_train=100)
    cp.set_seed(0)
    model = quantile_mlp(1, 3, hidden=(8,), monotone=True)
    model.compile(loss=MultiPinballLoss((0.05, 0.5, 0.95)), optimizer=keras.optimizers.Adam(learning_rate=0.01))
    model.fit(split.X_train, split.y_train, epochs=2, batch_size=16, verbose=0)
    path = tmp_path / "quantiles.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    assert reloaded.loss.quantiles == (0.05, 0.5, 0.95)
    before, after = model.predict(split.X_test, verbose=0), reloaded.predict(split.X_test, verbose=0)
    np.testing.assert_array_equal(before, after)
    assert np.all(np.diff(after, axis=1) > 0)


@pytest.mark.parametrize("kwargs", [{"n_features": 0}, {"n_features": 2, "n_quantiles": 1, "monotone": True},
                                    {"n_features": 2, "hidden": (0,)}])
def test_quantile_mlp_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        quantile_mlp(**kwargs)


# --- TweedieDeviance: the deviance of a predicted positive mean (skewed_targets chapter).

from sklearn.metrics import mean_tweedie_deviance  # noqa: E402

from companion.custom import TweedieDeviance  # noqa: E402
from companion.losses import tweedie_deviance  # noqa: E402


@pytest.mark.parametrize("power", [1.0, 1.2, 1.5, 1.9, 2.0])
def test_tweedie_keras_matches_sklearn_and_the_reference(power):
    rng = np.random.default_rng(int(power * 10))
    y = rng.lognormal(0.5, 1.0, size=64)
    if power < 2:
        y[::5] = 0.0  # exact zeros: allowed below power 2
    mu = rng.lognormal(0.5, 0.8, size=64)
    loss = TweedieDeviance(power=power, dtype="float64")
    expected = mean_tweedie_deviance(y, mu, power=power)
    np.testing.assert_allclose(float(loss(y, mu[:, None])), expected, rtol=1e-10)
    per_sample = np.asarray(TweedieDeviance(power=power, reduction=None, dtype="float64")(y[:, None], mu[:, None]))
    np.testing.assert_allclose(per_sample, tweedie_deviance(y[:, None], mu[:, None], power=power), rtol=1e-10)
    # float32: the terms of the 1 < p < 2 formula cancel at y = mu to a few float32 ulps
    assert float(TweedieDeviance(power=power)(np.array([2.5]), np.array([[2.5]]))) == pytest.approx(0.0, abs=1e-5)


def test_tweedie_keras_refuses_bad_power_and_bad_targets():
    for power in (0.5, 2.5, np.nan, True):
        with pytest.raises(ValueError, match=r"power must be a number in \[1, 2\]"):
            TweedieDeviance(power=power)
    with pytest.raises(ValueError, match="y_true must be >= 0"):
        TweedieDeviance(power=1.5)(np.array([-1.0, 2.0]), np.array([[1.0], [1.0]]))
    with pytest.raises(ValueError, match=r"y_true must be > 0 for the Gamma deviance \(power=2\)"):
        TweedieDeviance(power=2)(np.array([0.0, 2.0]), np.array([[1.0], [1.0]]))
    # Below power 2 a zero target is fine: the Poisson deviance of mu at y = 0 is 2 mu.
    assert float(TweedieDeviance(power=1)(np.array([0.0]), np.array([[0.5]]))) == pytest.approx(1.0)


def test_tweedie_gradient_is_zero_at_the_mean_and_trains_in_a_compiled_step():
    # The expected deviance is smallest at the mean: its derivative in mu vanishes at mean(y).
    y = tf.constant(np.random.default_rng(1).lognormal(0.0, 1.0, size=(200, 1)))
    for power in (1.0, 1.5, 2.0):
        mu = tf.Variable(tf.fill((200, 1), tf.reduce_mean(y)))
        with tf.GradientTape() as tape:
            value = TweedieDeviance(power=power, dtype="float64")(y, mu)
        assert abs(float(tf.reduce_sum(tape.gradient(value, mu)))) < 1e-9
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, activation="exponential")])
    model.compile(loss=TweedieDeviance(power=1.5), optimizer=keras.optimizers.SGD(0.01))
    history = model.fit(np.ones((32, 1)), np.full((32,), 3.0), epochs=30, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_tweedie_saves_and_reloads_with_its_power(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="softplus")])
    model.compile(loss=TweedieDeviance(power=1.3), optimizer="sgd")
    model.save(tmp_path / "tweedie.keras")
    reloaded = keras.saving.load_model(tmp_path / "tweedie.keras")
    assert type(reloaded.loss) is TweedieDeviance and reloaded.loss.power == 1.3


# --- BinaryCrossentropyDice (segmentation chapter).


def test_bce_dice_is_kerass_bce_plus_weighted_dice():
    from companion.custom import BinaryCrossentropyDice

    rng = np.random.default_rng(0)
    y_true = (rng.random((4, 6, 6, 1)) < 0.1).astype("float32")
    y_pred = rng.uniform(0.01, 0.99, (4, 6, 6, 1)).astype("float32")
    bce = float(keras.losses.BinaryCrossentropy()(y_true, y_pred))
    for axis in (None, (1, 2, 3)):
        dice = float(keras.losses.Dice(axis=axis)(y_true, y_pred))
        for weight in (0.0, 1.0, 2.5):
            loss = BinaryCrossentropyDice(dice_weight=weight, axis=axis)
            assert float(loss(y_true, y_pred)) == pytest.approx(bce + weight * dice, rel=1e-5)
    # Per image (axis over the pixels) differs from the whole-batch Dice of the default.
    assert float(BinaryCrossentropyDice(axis=(1, 2, 3))(y_true, y_pred)) != pytest.approx(
        float(BinaryCrossentropyDice()(y_true, y_pred)), rel=1e-4)


def test_bce_dice_refuses_bad_settings():
    from companion.custom import BinaryCrossentropyDice

    with pytest.raises(ValueError, match="dice_weight must be a finite number >= 0"):
        BinaryCrossentropyDice(dice_weight=-1)
    with pytest.raises(ValueError, match="axis must be None, an int or a tuple of ints"):
        BinaryCrossentropyDice(axis="pixels")


def test_bce_dice_model_save_and_reload_round_trip(tmp_path):
    from companion.custom import BinaryCrossentropyDice

    model = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")])
    model.compile(loss=BinaryCrossentropyDice(dice_weight=0.5, axis=(1, 2, 3)), optimizer="sgd")
    path = tmp_path / "bce_dice.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)  # no custom_objects: the class is registered
    assert isinstance(reloaded.loss, BinaryCrossentropyDice)
    assert reloaded.loss.dice_weight == 0.5 and reloaded.loss.axis == (1, 2, 3)
    x = np.random.default_rng(1).normal(size=(3, 6, 6, 1)).astype("float32")
    y = (x > 1).astype("float32")
    assert float(reloaded.evaluate(x, y, verbose=0)) == pytest.approx(float(model.evaluate(x, y, verbose=0)), rel=1e-6)


# --- CORAL: the cumulative-link loss and its output layer (ordinal chapter).

from companion import ordinal as ordinal_helpers  # noqa: E402
from companion.custom import CoralLogits, CoralLoss, coral_mlp  # noqa: E402


def test_coral_loss_matches_the_numpy_reference_and_keras_binary_cross_entropy():
    rng = np.random.default_rng(0)
    z = rng.normal(scale=2, size=(40, 4)).astype("float32")
    y = rng.integers(0, 5, size=40)
    per_sample = np.asarray(CoralLoss(reduction=None)(y, z))
    np.testing.assert_allclose(per_sample, ordinal_helpers.coral_loss(y, z), rtol=1e-5)
    # Independently: Keras's own binary cross-entropy from logits on the cumulative targets, times K - 1.
    t = ordinal_helpers.cumulative_targets(y, 5)
    bce = keras.losses.binary_crossentropy(t, z, from_logits=True)
    np.testing.assert_allclose(per_sample, 4 * np.asarray(bce), rtol=1e-5)
    assert float(CoralLoss()(y[:, None], z)) == pytest.approx(per_sample.mean(), rel=1e-5)  # (n, 1) labels


def test_coral_loss_with_two_ranks_is_the_binary_cross_entropy():
    y, z = np.array([0, 1, 1]), np.array([[0.3], [-1.2], [2.0]], dtype="float32")
    expected = keras.losses.BinaryCrossentropy(from_logits=True, reduction=None)(y[:, None].astype("float32"), z)
    np.testing.assert_allclose(np.asarray(CoralLoss(reduction=None)(y, z)), np.asarray(expected), rtol=1e-6)


@pytest.mark.parametrize("y_true, y_pred, match", [
    (np.array([0, 5]), np.zeros((2, 4)), r"y_true must lie in 0\.\.4"),
    (np.array([-1, 2]), np.zeros((2, 4)), r"y_true must lie in 0\.\.4"),
    (np.array([0.0, 1.5]), np.zeros((2, 4)), "whole numbers"),
    (np.array([0, 1]), np.zeros(2), r"shape \(batch, K-1\)"),
    (np.array([[0, 1], [1, 0]]), np.zeros((2, 1)), "one integer rank per sample"),
])
def test_coral_loss_refuses_bad_ranks_and_shapes(y_true, y_pred, match):
    with pytest.raises(ValueError, match=match):
        CoralLoss()(y_true, y_pred)


def test_coral_logits_share_one_weight_vector_and_refuse_k_below_2():
    layer = CoralLogits(4)
    h = np.random.default_rng(1).normal(size=(6, 3)).astype("float32")
    layer(h)
    layer.bias.assign(np.array([1.0, 0.0, -2.0], dtype="float32"))
    z = np.asarray(layer(h))
    score = h @ np.asarray(layer.kernel)
    np.testing.assert_allclose(z, score + np.array([1.0, 0.0, -2.0]), rtol=1e-6)
    assert np.all(np.diff(z, axis=1) <= 0)  # ordered biases: logits never increase with k
    for bad in (1, 2.5, True):
        with pytest.raises(ValueError, match="n_classes must be an integer >= 2"):
            CoralLogits(bad)


def test_coral_model_trains_and_saves_and_reloads_with_its_loss(tmp_path):
    split = cp.datasets.ordinal(n_samples=600, n_train=400, seed=0)
    cp.set_seed(0)
    model = coral_mlp(split.n_features, n_classes=5, hidden=(16,))
    model.compile(loss=CoralLoss(), optimizer=cp.sgd())
    result = cp.fit(model, split, epochs=30)
    assert result.history["loss"][-1] < result.history["loss"][0]
    ranks = ordinal_helpers.predicted_ranks(model.predict(split.X_test, verbose=0), 5)
    assert np.mean(np.abs(ranks - split.y_test)) < 0.8  # a constant rank 2 scores about 1.0
    assert np.all(np.diff(np.asarray(model.layers[-1].bias)) < 0)  # trained biases come out ordered
    path = tmp_path / "coral.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)  # no custom_objects: both classes are registered
    assert isinstance(reloaded.loss, CoralLoss) and isinstance(reloaded.layers[-1], CoralLogits)
    assert reloaded.layers[-1].n_classes == 5
    np.testing.assert_allclose(reloaded.predict(split.X_test, verbose=0), model.predict(split.X_test, verbose=0),
                               rtol=1e-6)
    assert CoralLoss.from_config(CoralLoss(name="c").get_config()).name == "c"
