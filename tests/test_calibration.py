"""Tests of companion.calibration against independent implementations (scikit-learn, SciPy, hand checks)."""

import numpy as np
import pytest


def _draws(n=1500, seed=0, k=None):
    rng = np.random.default_rng(seed)
    if k is None:
        p = rng.random(n)
        return (rng.random(n) < p ** 1.3).astype(int), p
    z = rng.normal(0, 2, (n, k))
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(k, p=row) for row in p ** 1.2 / (p ** 1.2).sum(axis=1, keepdims=True)])
    return y, p


def _sklearn_ece(y, p, n_bins, strategy):
    """ECE from scikit-learn's calibration_curve, weighted by the counts of its own bins."""
    from sklearn.calibration import calibration_curve

    freq, conf = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    if strategy == "quantile":
        edges = np.percentile(p, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    counts = np.bincount(np.searchsorted(edges[1:-1], p), minlength=n_bins)
    counts = counts[counts > 0]
    return float(np.sum(counts * np.abs(freq - conf)) / len(p))


@pytest.mark.parametrize("strategy", ["quantile", "uniform"])
def test_calibration_error_matches_sklearn_calibration_curve(strategy):
    from companion.calibration import calibration_error

    y, p = _draws()
    assert calibration_error(y, p, n_bins=15, strategy=strategy) == pytest.approx(_sklearn_ece(y, p, 15, strategy))


def test_calibration_error_defaults_to_equal_mass_bins():
    from companion.calibration import calibration_error
    from companion.metrics import expected_calibration_error, reliability_curve

    y, p = _draws(n=1500)
    assert calibration_error(y, p) == expected_calibration_error(y, p, strategy="quantile")
    assert set(reliability_curve(y, p, strategy="quantile").count) <= {99, 100, 101}


def test_classwise_calibration_error_is_the_mean_of_sklearn_one_vs_rest_curves():
    from companion.calibration import classwise_calibration_error

    y, p = _draws(n=900, seed=3, k=4)
    expected = np.mean([_sklearn_ece((y == j).astype(int), p[:, j], 10, "quantile") for j in range(4)])
    assert classwise_calibration_error(y, p, n_bins=10) == pytest.approx(expected)


def test_classwise_calibration_error_rejects_binary_probabilities():
    from companion.calibration import classwise_calibration_error

    with pytest.raises(ValueError, match=r"shape \(n, k\)"):
        classwise_calibration_error([0, 1], [0.2, 0.7])


def test_brier_decomposition_hand_checked():
    from companion.calibration import brier_decomposition

    # forecasts 0.3 (x3: one positive) and 0.9 (x2: two positives); one forecast value per bin, so within_bin = 0
    # reliability = (3 * (0.3 - 1/3)^2 + 2 * (0.9 - 1)^2) / 5; base rate 3/5;
    # resolution = (3 * (1/3 - 0.6)^2 + 2 * (1 - 0.6)^2) / 5; uncertainty = 0.6 * 0.4
    y = [1, 0, 0, 1, 1]
    p = [0.3, 0.3, 0.3, 0.9, 0.9]
    d = brier_decomposition(y, p, n_bins=10, strategy="uniform")
    assert d.reliability == pytest.approx((3 * (0.3 - 1 / 3) ** 2 + 2 * 0.1 ** 2) / 5)
    assert d.resolution == pytest.approx((3 * (1 / 3 - 0.6) ** 2 + 2 * 0.4 ** 2) / 5)
    assert d.uncertainty == pytest.approx(0.24)
    assert d.within_bin == pytest.approx(0.0, abs=1e-15)
    assert d.brier == pytest.approx(np.mean((np.array(p) - np.array(y)) ** 2))


@pytest.mark.parametrize("strategy", ["quantile", "uniform"])
def test_brier_decomposition_identity_matches_sklearn_brier_score_loss(strategy):
    from sklearn.metrics import brier_score_loss

    from companion.calibration import brier_decomposition

    y, p = _draws(n=777, seed=5)
    d = brier_decomposition(y, p, n_bins=12, strategy=strategy)
    assert d.brier == pytest.approx(brier_score_loss(y, p), abs=1e-12)
    assert d.uncertainty == pytest.approx(y.mean() * (1 - y.mean()))
    assert d.reliability >= 0 and d.resolution >= 0


def test_brier_decomposition_multiclass_sums_the_classes():
    from companion.calibration import brier_decomposition
    from companion.metrics import brier_score

    y, p = _draws(n=600, seed=6, k=3)
    d = brier_decomposition(y, p)
    parts = [brier_decomposition((y == j).astype(int), p[:, j]) for j in range(3)]
    np.testing.assert_allclose(d, np.sum(parts, axis=0))
    assert d.brier == pytest.approx(brier_score(y, p), abs=1e-12)


def test_temperature_recalibration_is_fit_temperature():
    from companion.calibration import fit_recalibration
    from companion.metrics import fit_temperature, scaled_probabilities

    rng = np.random.default_rng(7)
    z = rng.normal(0, 2, (400, 3))
    y = rng.integers(0, 3, 400)
    r = fit_recalibration("temperature", z, y)
    assert r.params["temperature"] == fit_temperature(z, y)
    np.testing.assert_allclose(r.apply(z[:5]), scaled_probabilities(z[:5], fit_temperature(z, y)))


def test_platt_is_the_maximum_likelihood_sigmoid_found_by_scipy():
    from scipy.optimize import minimize

    from companion.calibration import fit_recalibration

    rng = np.random.default_rng(8)
    truth = rng.normal(0, 1.5, 3000)
    y = (rng.random(3000) < 1 / (1 + np.exp(-truth))).astype(int)
    z = 2.5 * truth + 1.0

    def nll(ab):
        s = ab[0] * z + ab[1]
        return np.mean(np.logaddexp(0, s) - y * s)

    a, b = minimize(nll, [1.0, 0.0], method="BFGS", options={"gtol": 1e-10}).x
    r = fit_recalibration("platt", z, y)
    assert r.params["slope"] == pytest.approx(a, abs=1e-4)
    assert r.params["intercept"] == pytest.approx(b, abs=1e-4)
    np.testing.assert_allclose(r.apply([0.0, 2.0]), 1 / (1 + np.exp(-(a * np.array([0.0, 2.0]) + b))), atol=1e-5)


def test_isotonic_matches_calibrated_classifier_cv_on_a_frozen_model():
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression

    from companion.calibration import fit_recalibration

    rng = np.random.default_rng(9)
    z = rng.normal(0, 2, 500)
    y = (rng.random(500) < 1 / (1 + np.exp(-0.5 * z))).astype(int)
    frozen = LogisticRegression().fit(z[:, None], y)
    frozen.coef_[:] = 1.0  # decision_function(x) = x: the model's logit is the feature
    frozen.intercept_[:] = 0.0
    sk = CalibratedClassifierCV(FrozenEstimator(frozen), method="isotonic").fit(z[:, None], y)
    new = np.linspace(-4, 4, 41)
    ours = fit_recalibration("isotonic", z, y, clip=1e-9).apply(new)
    np.testing.assert_allclose(ours, np.clip(sk.predict_proba(new[:, None])[:, 1], 1e-9, 1 - 1e-9), atol=1e-12)
    r = fit_recalibration("isotonic", z, y)
    assert r.apply([-100.0]).min() >= 1e-3 and r.apply([100.0]).max() <= 1 - 1e-3
    assert np.all(np.diff(r.apply(new)) >= 0)


def test_platt_takes_up_a_shift_that_a_temperature_cannot():
    from companion.calibration import fit_recalibration

    rng = np.random.default_rng(10)
    truth = rng.normal(0, 2, 20000)
    y = (rng.random(20000) < 1 / (1 + np.exp(-truth))).astype(int)
    shifted = truth + np.log(3.0)  # class weights 1:3 at their minimiser
    platt = fit_recalibration("platt", shifted, y)
    assert platt.params["intercept"] == pytest.approx(-np.log(3.0), abs=0.1)
    temp = fit_recalibration("temperature", shifted, y)
    assert temp.apply([0.0])[0] == pytest.approx(0.5)  # sigma(0 / T) stays 1/2


@pytest.mark.parametrize("method, logits, y, kwargs, message", [
    ("beta", [0.1, 0.2], [0, 1], {}, "method must be one of"),
    ("platt", [[0.1, 0.2], [0.3, 0.1]], [0, 1], {}, r"binary logits of shape \(n,\)"),
    ("isotonic", [[0.1, 0.2], [0.3, 0.1]], [0, 1], {}, "use 'temperature'"),
    ("platt", [0.1, 0.2, 0.3], [1, 1, 1], {}, "both classes"),
    ("isotonic", [0.1, 0.2], [0, 2], {}, "0/1 labels"),
    ("platt", [0.1, np.nan], [0, 1], {}, "finite"),
    ("isotonic", [0.1, 0.2], [0, 1], {"clip": 0.5}, "clip"),
])
def test_fit_recalibration_rejects(method, logits, y, kwargs, message):
    from companion.calibration import fit_recalibration

    with pytest.raises(ValueError, match=message):
        fit_recalibration(method, logits, y, **kwargs)


def test_noise_floor_is_the_mean_ece_of_outcomes_drawn_from_the_forecasts():
    from companion.calibration import calibration_error, noise_floor

    rng = np.random.default_rng(11)
    p = rng.random(2000)
    floor = noise_floor(p, draws=50, seed=1)
    # an independent simulation with another generator lands on the same mean, within its sampling error
    sims = [calibration_error((rng.random(p.size) < p).astype(int), p) for _ in range(200)]
    assert floor == pytest.approx(np.mean(sims), abs=4 * np.std(sims) / np.sqrt(50))
    # the bias depends on the forecasts: forecasts near 0 and 1 have less outcome noise than forecasts near 1/2
    sharp = np.where(p > 0.5, 0.99, 0.01)
    assert noise_floor(sharp, draws=50) < noise_floor(np.full(2000, 0.5) + 0.1 * (p - 0.5), draws=50)
    # and it shrinks with the test set
    assert noise_floor(rng.random(20000), draws=10) < floor
    assert noise_floor(p, draws=5, seed=3) == noise_floor(p, draws=5, seed=3)


def test_noise_floor_multiclass_and_classwise():
    from companion.calibration import noise_floor

    _, p = _draws(n=1000, seed=12, k=3)
    top, cw = noise_floor(p, draws=10), noise_floor(p, draws=10, classwise=True)
    assert 0 < top < 0.1 and 0 < cw < 0.1


@pytest.mark.parametrize("prob, kwargs, message", [
    ([0.2, 1.2], {}, r"in \[0, 1\]"),
    ([0.2, 0.7], {"draws": 0}, "draws"),
    ([0.2, 0.7], {"classwise": True}, r"shape \(n, k\)"),
    ([[0.5, 0.6], [0.5, 0.5]], {}, "sum to 1"),
])
def test_noise_floor_rejects(prob, kwargs, message):
    from companion.calibration import noise_floor

    with pytest.raises(ValueError, match=message):
        noise_floor(prob, **kwargs)


def test_log_loss_matches_sklearn():
    from sklearn.metrics import log_loss as sk_log_loss

    from companion.calibration import log_loss

    y, p = _draws(n=500, seed=13)
    p = np.concatenate([p, [0.0, 1.0]])  # a confident mistake and a confident hit are clipped, not infinite
    y = np.concatenate([y, [1, 1]])
    assert log_loss(y, p) == pytest.approx(sk_log_loss(y, p, labels=[0, 1]), rel=1e-12)
    y3, p3 = _draws(n=300, seed=14, k=3)
    assert log_loss(y3, p3) == pytest.approx(sk_log_loss(y3, p3, labels=[0, 1, 2]), rel=1e-12)
    with pytest.raises(ValueError, match="0/1 labels"):
        log_loss([0, 2], [0.5, 0.5])
