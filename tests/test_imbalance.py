"""Tests of companion.imbalance against independent implementations (imbalanced-learn, scikit-learn, Keras)."""

import numpy as np
import pytest


@pytest.fixture(scope="module")
def split():
    from companion.datasets import imbalanced

    return imbalanced("breast_cancer", ratio=10)


# resample: imbalanced-learn's samplers on the training part only


@pytest.mark.parametrize("method", ["over", "under", "smote"])
def test_resample_matches_imblearn_and_keeps_the_test_set(split, method):
    from imblearn.over_sampling import SMOTE, RandomOverSampler
    from imblearn.under_sampling import RandomUnderSampler

    from companion.imbalance import resample

    out = resample(split, method, seed=3)
    sampler = {"over": RandomOverSampler(random_state=3), "under": RandomUnderSampler(random_state=3),
               "smote": SMOTE(random_state=3, k_neighbors=5)}[method]
    X, y = sampler.fit_resample(split.X_train, split.y_train)
    np.testing.assert_array_equal(out.y_train, y)
    np.testing.assert_allclose(out.X_train, X, rtol=1e-6)
    assert out.X_train.dtype == split.X_train.dtype and out.y_train.dtype == split.y_train.dtype
    assert out.X_test is split.X_test and out.y_test is split.y_test
    assert (out.y_train == 0).sum() == (out.y_train == 1).sum()
    assert out.name == f"{split.name}, {method}"


def test_resample_smote_with_few_minority_rows_lowers_k():
    from companion.datasets import Split
    from companion.imbalance import resample

    rng = np.random.default_rng(0)
    X = rng.normal(size=(23, 2)).astype("float32")
    y = np.array([0] * 20 + [1] * 3)
    out = resample(Split(X, y, X, y, task="binary"), "smote", seed=0)
    assert (out.y_train == 1).sum() == 20
    # every synthetic row lies on a segment between minority rows: inside their bounding box
    new = out.X_train[len(y):]
    assert np.all(new >= X[y == 1].min(axis=0) - 1e-6) and np.all(new <= X[y == 1].max(axis=0) + 1e-6)


@pytest.mark.parametrize("method, y, match", [
    ("nearmiss", None, "method must be one of"),
    ("smote", [0, 0, 0, 1], "at least two minority"),
    ("over", [0, 0, 0, 0], "one class only"),
    ("over", [0, 2, 0, 1], "labels 0/1"),
])
def test_resample_rejects(method, y, match):
    from companion.datasets import Split
    from companion.imbalance import resample

    y = np.array(y if y is not None else [0, 0, 1, 1])
    X = np.zeros((4, 2), dtype="float32")
    with pytest.raises(ValueError, match=match):
        resample(Split(X, y, X, y, task="binary"), method)


# class weights in the loss: Keras's sample weights with the default reduction


def test_class_weighted_bce_is_keras_bce_with_sample_weights():
    import keras

    from companion.imbalance import class_weighted_bce

    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, size=(64, 1)).astype("float32")
    p = rng.uniform(0.01, 0.99, size=(64, 1)).astype("float32")
    w = {0: 0.55, 1: 5.5}
    ours = np.asarray(class_weighted_bce(w)(y, p))
    sample_weight = np.where(y[:, 0] == 1, w[1], w[0])
    reference = float(keras.losses.BinaryCrossentropy()(y, p, sample_weight=sample_weight))
    assert ours.shape == (64,)
    assert float(np.mean(ours)) == pytest.approx(reference, rel=1e-5)
    with pytest.raises(ValueError, match="dict"):
        class_weighted_bce("balanced")
    with pytest.raises(ValueError, match="positive"):
        class_weighted_bce({0: 1.0, 1: 0.0})


# logit adjustment: Menon et al.'s softmax form, computed with Keras's categorical cross-entropy


@pytest.mark.parametrize("prior, tau", [(0.1, 1.0), (0.02, 1.0), (0.3, 0.5), (0.5, 2.0), (0.1, 0.0)])
def test_logit_adjusted_bce_is_menons_softmax_loss(prior, tau):
    import keras

    from companion.imbalance import logit_adjusted_bce

    rng = np.random.default_rng(1)
    z = rng.normal(scale=3, size=(50, 1)).astype("float32")
    y = rng.integers(0, 2, size=(50, 1)).astype("float32")
    ours = np.asarray(logit_adjusted_bce(prior, tau)(y, z))
    # Two logits (f_0, f_1) = (0, z), each shifted by tau * log pi_c, then softmax cross-entropy.
    logits = np.concatenate([np.zeros_like(z), z], axis=1) + tau * np.log([1 - prior, prior])
    onehot = np.concatenate([1 - y, y], axis=1)
    reference = np.asarray(keras.losses.CategoricalCrossentropy(from_logits=True, reduction=None)(onehot, logits))
    np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-6)
    assert ours.shape == (50,)


def test_logit_adjusted_bce_is_a_loss_the_runner_trains_on_logits():
    from companion.imbalance import logit_adjusted_bce
    from companion.runner import Recipe

    loss = logit_adjusted_bce(0.1)
    assert loss.from_logits and loss.__name__ == "logit_adjusted_bce"
    assert Recipe(loss).resolved("binary") == (None, "01")  # linear output, 0/1 labels


def test_logit_adjust_forward_is_the_threshold_prior_and_inverse_undoes_the_shift():
    from scipy.special import expit, logit

    from companion.imbalance import logit_adjust

    rng = np.random.default_rng(2)
    p = rng.uniform(0.001, 0.999, size=500)
    for prior in (0.02, 0.1, 0.4):
        q = logit_adjust(p, prior)
        np.testing.assert_array_equal(q >= 0.5, logit(p) >= logit(prior))
        np.testing.assert_allclose(logit_adjust(logit(q), prior, inverse=True), p, rtol=1e-9)
        np.testing.assert_allclose(logit_adjust(p, prior, tau=0.0), p)
        np.testing.assert_allclose(logit_adjust([0.0], prior, inverse=True), [prior])
    assert logit_adjust(np.full((2, 3), 0.5), 0.1).shape == (2, 3)
    np.testing.assert_allclose(logit_adjust([0.5], 0.2, tau=2), expit(-2 * np.log(0.25)))


@pytest.mark.parametrize("kwargs, match", [
    ({"values": [0.5], "prior": 0.0}, "prior"), ({"values": [0.5], "prior": 1.2}, "prior"),
    ({"values": [0.5], "prior": 0.1, "tau": -1}, "tau"), ({"values": [1.5], "prior": 0.1}, "probabilities"),
    ({"values": [np.nan], "prior": 0.1}, "finite"),
])
def test_logit_adjust_rejects(kwargs, match):
    from companion.imbalance import logit_adjust, logit_adjusted_bce

    with pytest.raises(ValueError, match=match):
        logit_adjust(**kwargs)
    if match in ("prior", "tau"):
        with pytest.raises(ValueError, match=match):
            logit_adjusted_bce(kwargs["prior"], kwargs.get("tau", 1.0))


# folds and out-of-fold thresholds: scikit-learn's TunedThresholdClassifierCV on a logistic regression


def test_fold_splits_partition_the_training_set_stratified(split):
    from companion.imbalance import fold_splits

    for k in (2, 4, 5):
        folds, index = fold_splits(split, k=k, seed=1)
        assert len(folds) == k
        np.testing.assert_array_equal(np.sort(np.concatenate(index)), np.arange(len(split.y_train)))
        sizes = [len(i) for i in index]
        assert max(sizes) - min(sizes) <= 1
        positives = [int(split.y_train[i].sum()) for i in index]
        assert max(positives) - min(positives) <= 1
        for f, fold in enumerate(folds):
            np.testing.assert_array_equal(fold.X_test, split.X_train[index[f]])
            assert len(fold.y_train) + len(fold.y_test) == len(split.y_train)
            assert fold.X_test is not split.X_test


def test_fold_splits_rejects(split):
    from companion.imbalance import fold_splits

    with pytest.raises(ValueError, match="k must be"):
        fold_splits(split, k=1)
    with pytest.raises(ValueError, match="fewer than k"):
        fold_splits(split, k=19)  # 18 training positives


def test_tuned_threshold_matches_tuned_threshold_classifier_cv():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import TunedThresholdClassifierCV

    from companion.datasets import imbalanced
    from companion.imbalance import expected_cost, fold_splits, tuned_threshold

    split = imbalanced("classification", ratio=20, n_majority=400)
    folds, index = fold_splits(split, k=4, seed=0)
    n = len(split.y_train)
    # The fold models' predictions of their own fold, put back in training order.
    oof, fold_of = np.empty(n), np.empty(n, dtype=int)
    for f, fold in enumerate(folds):
        oof[index[f]] = LogisticRegression().fit(fold.X_train, fold.y_train).predict_proba(fold.X_test)[:, 1]
        fold_of[index[f]] = f
    cv = [(np.concatenate([index[g] for g in range(4) if g != f]), index[f]) for f in range(4)]
    grid = np.linspace(0.005, 0.995, 199)
    from sklearn.metrics import make_scorer

    checked = 0
    for score, scoring in (("balanced_accuracy", "balanced_accuracy"), ("f1", "f1"),
                           (lambda y, d: -expected_cost(y, d, 1, 10),
                            make_scorer(lambda y, d: -expected_cost(y, d, 1, 10)))):
        tuned = TunedThresholdClassifierCV(LogisticRegression(), scoring=scoring, cv=cv, thresholds=grid).fit(split.X_train, split.y_train)
        assert tuned_threshold(split.y_train, oof, fold_of, score=score, thresholds=grid) == \
            pytest.approx(tuned.best_threshold_)
        checked += 1
    assert checked == 3


def test_tuned_threshold_default_grid_and_rejects():
    from companion.imbalance import tuned_threshold

    y = np.array([0, 0, 1, 1, 0, 0, 1, 1])
    s = np.array([0.1, 0.3, 0.6, 0.8, 0.2, 0.5, 0.4, 0.9])
    f = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    t = tuned_threshold(y, s, f)
    assert s.min() <= t <= s.max()
    for kwargs, match in (({"folds": np.zeros(8)}, "two folds"), ({"scores": np.full(8, 0.3)}, "constant"),
                          ({"score": "accuracy"}, "score must be"), ({"thresholds": 1}, "thresholds"),
                          ({"scores": s[:4]}, "same shape"), ({"y_true": y + 1}, "binary labels")):
        args = {"y_true": y, "scores": s, "folds": f} | kwargs
        with pytest.raises(ValueError, match=match):
            tuned_threshold(**args)


def test_out_of_fold_predictions_come_from_models_that_did_not_see_the_fold():
    from companion.datasets import imbalanced
    from companion.imbalance import fold_splits, out_of_fold_predictions

    def draw(seed):
        return imbalanced("breast_cancer", ratio=10, seed=seed)

    preds, folds = out_of_fold_predictions("binary_crossentropy", draw, [0, 1], k=4, epochs=3)
    assert sorted(preds) == [0, 1]
    for s in (0, 1):
        split = draw(s)
        assert preds[s].shape == (len(split.y_train),) and np.all((preds[s] > 0) & (preds[s] < 1))
        _, index = fold_splits(split, 4, 0)
        for f, rows in enumerate(index):
            assert np.all(folds[s][rows] == f)
    # A fold model's prediction depends on its own training part only: the same seeds give the same numbers.
    again, _ = out_of_fold_predictions("binary_crossentropy", draw, [1], k=4, epochs=3)
    np.testing.assert_allclose(again[1], preds[1], rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="data must be"):
        out_of_fold_predictions("binary_crossentropy", 3, [0], k=4)


# costs: the Bayes threshold minimises the expected cost of calibrated probabilities


def test_cost_threshold_minimises_the_expected_cost_of_calibrated_probabilities():
    from companion.imbalance import cost_threshold

    p = np.linspace(0.0005, 0.9995, 1000)  # true probabilities of class 1
    grid = np.linspace(0, 1, 2001)
    checked = 0
    for c_fp, c_fn in ((1, 1), (1, 10), (5, 1), (1, 50)):
        t = cost_threshold(c_fp, c_fn)
        # expected cost of the rule p >= s, averaged over the cases, for every s of the grid
        risk = [np.mean(np.where(p >= s, c_fp * (1 - p), c_fn * p)) for s in grid]
        best = grid[int(np.argmin(risk))]
        assert abs(best - t) <= 1e-3 + 1 / len(p)
        checked += 1
    assert checked == 4 and cost_threshold(1, 1) == 0.5


def test_expected_cost_matches_the_confusion_matrix():
    from sklearn.metrics import confusion_matrix

    from companion.imbalance import expected_cost

    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 300)
    d = rng.integers(0, 2, 300)
    tn, fp, fn, tp = confusion_matrix(y, d).ravel()
    assert expected_cost(y, d, 2.0, 7.0) == pytest.approx((2 * fp + 7 * fn) / 300)
    assert expected_cost(y, d.astype(bool), 1, 1) == pytest.approx(1 - (tp + tn) / 300)
    assert expected_cost(y, y, 3, 3) == 0.0


@pytest.mark.parametrize("args, match", [
    (([0, 1], [0, 1], 0, 1), "cost_fp"), (([0, 1], [0, 1], 1, np.inf), "cost_fn"),
    (([0, 1], [0, 1, 1], 1, 1), "same shape"), (([0, 2], [0, 1], 1, 1), "0 and 1"), (([], [], 1, 1), "non-empty"),
])
def test_expected_cost_rejects(args, match):
    from companion.imbalance import expected_cost

    with pytest.raises(ValueError, match=match):
        expected_cost(*args)


# --- many classes: class_weighted_cce, logit_adjusted_cce, logit_adjust_multiclass

def test_class_weighted_cce_is_keras_cce_with_sample_weights_and_the_focal_loss_at_gamma_0():
    import keras

    from companion.imbalance import class_weighted_cce

    rng = np.random.default_rng(6)
    labels = rng.integers(0, 4, size=64)
    y = np.eye(4, dtype="float32")[labels]
    logits = rng.normal(scale=2, size=(64, 4)).astype("float32")
    w = {0: 0.4, 1: 1.0, 2: 2.5, 3: 6.0}
    ours = np.asarray(class_weighted_cce(w, from_logits=True)(y, logits))
    sample_weight = np.array([w[c] for c in labels])
    reference = float(keras.losses.CategoricalCrossentropy(from_logits=True)(y, logits, sample_weight=sample_weight))
    assert ours.shape == (64,)
    assert float(np.mean(ours)) == pytest.approx(reference, rel=1e-5)
    # Keras's focal loss with per-class alpha and gamma = 0 is the same weighted cross-entropy.
    focal = keras.losses.CategoricalFocalCrossentropy(alpha=[w[c] for c in range(4)], gamma=0.0, from_logits=True,
                                                      reduction=None)
    np.testing.assert_allclose(ours, np.asarray(focal(y, logits)), rtol=1e-4, atol=1e-6)
    probs = np.asarray(keras.ops.softmax(logits))
    np.testing.assert_allclose(np.asarray(class_weighted_cce(w)(y, probs)), ours, rtol=1e-4, atol=1e-5)
    loss = class_weighted_cce(w, from_logits=True)
    assert loss.from_logits and loss.__name__ == "class_weighted_cce" and loss.class_weight == w


@pytest.mark.parametrize("bad, match", [("balanced", "dict"), ({0: 1.0}, "k >= 2"), ({0: 1.0, 2: 1.0}, "dict"),
                                        ({0: 1.0, 1: -1.0}, "positive"), ({0: 1.0, 1: np.nan}, "positive")])
def test_class_weighted_cce_rejects(bad, match):
    from companion.imbalance import class_weighted_cce

    with pytest.raises(ValueError, match=match):
        class_weighted_cce(bad)


@pytest.mark.parametrize("tau", [0.0, 0.5, 1.0, 2.0])
def test_logit_adjusted_cce_is_cce_on_shifted_logits(tau):
    import keras

    from companion.imbalance import logit_adjusted_cce

    rng = np.random.default_rng(2)
    prior = np.array([0.5, 0.25, 0.15, 0.1])
    f = rng.normal(scale=3, size=(40, 4)).astype("float32")
    y = np.eye(4, dtype="float32")[rng.integers(0, 4, size=40)]
    ours = np.asarray(logit_adjusted_cce(prior, tau)(y, f))
    # Hand computation: -log softmax(f + tau log pi)_y, in float64.
    shifted = f.astype("float64") + tau * np.log(prior)
    log_softmax = shifted - np.log(np.exp(shifted - shifted.max(1, keepdims=True)).sum(1, keepdims=True)) \
        - shifted.max(1, keepdims=True)
    np.testing.assert_allclose(ours, -(y * log_softmax).sum(1), rtol=1e-5, atol=1e-5)
    if tau == 0.0:
        plain = keras.losses.CategoricalCrossentropy(from_logits=True, reduction=None)(y, f)
        np.testing.assert_allclose(ours, np.asarray(plain), rtol=1e-6, atol=1e-6)


def test_logit_adjusted_cce_with_two_classes_is_logit_adjusted_bce():
    from companion.imbalance import logit_adjusted_bce, logit_adjusted_cce

    rng = np.random.default_rng(3)
    f = rng.normal(scale=2, size=(30, 2)).astype("float32")
    labels = rng.integers(0, 2, size=30)
    binary = np.asarray(logit_adjusted_bce(0.2)(labels[:, None].astype("float32"), (f[:, 1] - f[:, 0])[:, None]))
    multi = np.asarray(logit_adjusted_cce([0.8, 0.2])(np.eye(2, dtype="float32")[labels], f))
    np.testing.assert_allclose(multi, binary, rtol=1e-5, atol=1e-5)


def test_logit_adjusted_cce_is_a_loss_the_runner_trains_on_logits():
    from companion.imbalance import logit_adjusted_cce
    from companion.runner import Recipe

    loss = logit_adjusted_cce([0.7, 0.2, 0.1], tau=0.5)
    assert loss.from_logits and loss.__name__ == "logit_adjusted_cce" and loss.tau == 0.5
    assert Recipe(loss).resolved("multiclass") == (None, "onehot")  # linear output, one-hot labels


def test_logit_adjust_multiclass_forward_inverse_and_tau_0():
    from companion.imbalance import logit_adjust_multiclass

    rng = np.random.default_rng(4)
    prior = np.array([0.6, 0.25, 0.1, 0.05])
    p = rng.dirichlet(np.ones(4), size=200)
    # tau = 0 changes nothing.
    np.testing.assert_allclose(logit_adjust_multiclass(p, prior, tau=0.0), p, rtol=1e-12, atol=1e-15)
    # Forward: proportional to p / prior^tau (hand computation), so its argmax is argmax p_c / prior_c.
    for tau in (0.5, 1.0):
        q = logit_adjust_multiclass(p, prior, tau=tau)
        hand = p / prior ** tau
        np.testing.assert_allclose(q, hand / hand.sum(1, keepdims=True), rtol=1e-10)
        np.testing.assert_allclose(q.sum(1), 1.0)
    np.testing.assert_array_equal(logit_adjust_multiclass(p, prior).argmax(1), (p / prior).argmax(1))
    # Inverse: softmax(f + log prior); zero logits give the prior; a zero probability stays zero.
    np.testing.assert_allclose(logit_adjust_multiclass(np.zeros((3, 4)), prior, inverse=True), np.tile(prior, (3, 1)))
    f = rng.normal(size=(5, 4))
    back = logit_adjust_multiclass(logit_adjust_multiclass(f, prior, inverse=True), prior)
    e = np.exp(f - f.max(1, keepdims=True))
    np.testing.assert_allclose(back, e / e.sum(1, keepdims=True), rtol=1e-10)
    assert logit_adjust_multiclass([[0.0, 1.0, 0.0, 0.0]], prior)[0, 0] == 0.0


@pytest.mark.parametrize("kwargs, match", [
    ({"prior": [0.5, 0.6, -0.1]}, "prior"), ({"prior": [0.5, 0.4]}, "prior"), ({"prior": [1.0]}, "prior"),
    ({"prior": [0.5, 0.5, 0.0]}, "prior"), ({"prior": [[0.5, 0.5]]}, "prior"), ({"prior": "uniform"}, "prior"),
    ({"tau": -1.0}, "tau"), ({"tau": np.nan}, "tau"),
    ({"values": [[0.5, 0.6, 0.1]]}, "sum to 1"), ({"values": [[1.2, -0.2, 0.0]]}, "probabilities"),
    ({"values": [[0.5, 0.5]]}, "k = 3"), ({"values": [[np.nan, 0.5, 0.5]]}, "finite")])
def test_logit_adjust_multiclass_and_logit_adjusted_cce_reject(kwargs, match):
    from companion.imbalance import logit_adjust_multiclass, logit_adjusted_cce

    args = {"values": [[0.2, 0.3, 0.5]], "prior": [0.5, 0.3, 0.2], "tau": 1.0, **kwargs}
    with pytest.raises(ValueError, match=match):
        logit_adjust_multiclass(**args)
    if "values" not in kwargs:
        with pytest.raises(ValueError, match=match):
            logit_adjusted_cce(args["prior"], args["tau"])
