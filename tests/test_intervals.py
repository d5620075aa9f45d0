"""Tests of companion.intervals against hand computations and MAPIE's own scoring functions."""

import numpy as np
import pytest

from companion import intervals, losses
from companion.intervals import conformalized_quantiles, interval_score, split_conformal


def _rank_quantile(scores, level):
    # The conformal quantile by hand: the ceil((n + 1) level)-th smallest score.
    n = len(scores)
    return np.sort(scores)[int(np.ceil((n + 1) * level)) - 1]


@pytest.mark.parametrize("n, level", [(19, 0.9), (100, 0.9), (101, 0.8), (250, 0.95)])
def test_split_conformal_is_the_rank_quantile_of_the_absolute_residuals(n, level):
    rng = np.random.default_rng(n)
    pred, y, pred_test = rng.normal(size=n), rng.normal(scale=2.0, size=n), rng.normal(size=7)
    q = _rank_quantile(np.abs(y - pred), level)
    lower, upper = split_conformal(pred, y, pred_test, confidence_level=level)
    np.testing.assert_allclose(lower, pred_test - q, rtol=1e-12)
    np.testing.assert_allclose(upper, pred_test + q, rtol=1e-12)


def test_split_conformal_with_scales_uses_normalised_residuals():
    rng = np.random.default_rng(1)
    n = 120
    pred, scale, y = rng.normal(size=n), rng.uniform(0.2, 2.0, n), rng.normal(size=n)
    pred_test, scale_test = rng.normal(size=5), rng.uniform(0.2, 2.0, 5)
    q = _rank_quantile(np.abs(y - pred) / scale, 0.9)
    lower, upper = split_conformal(pred, y, pred_test, scale_calib=scale, scale_test=scale_test)
    np.testing.assert_allclose(lower, pred_test - q * scale_test, rtol=1e-12)
    np.testing.assert_allclose(upper, pred_test + q * scale_test, rtol=1e-12)


@pytest.mark.parametrize("n", [21, 100, 333])
def test_cqr_shifts_both_quantiles_by_the_rank_quantile_of_the_max_score(n):
    rng = np.random.default_rng(n)
    lo = rng.normal(size=n) - 1.0
    hi = lo + rng.uniform(0.1, 2.0, n)
    y = rng.normal(scale=1.5, size=n)
    q = _rank_quantile(np.maximum(lo - y, y - hi), 0.9)
    q_test = np.array([[0.0, 0.3, 1.0], [-2.0, -1.0, -0.5]])
    lower, upper = conformalized_quantiles(np.c_[lo, (lo + hi) / 2, hi], y, q_test)
    np.testing.assert_allclose(lower, q_test[:, 0] - q, rtol=1e-12)
    np.testing.assert_allclose(upper, q_test[:, 2] + q, rtol=1e-12)
    # two columns give the same as three
    np.testing.assert_allclose(conformalized_quantiles(np.c_[lo, hi], y, q_test[:, [0, 2]])[0], lower)


def test_cqr_narrows_intervals_that_were_too_wide():
    rng = np.random.default_rng(2)
    y = rng.normal(size=500)
    wide = np.tile([-3.0, 3.0], (500, 1))  # a 99.7 % interval where 90 % was asked
    lower, upper = conformalized_quantiles(wide, y, np.array([[-3.0, 3.0]]))
    assert -2.0 < lower[0] < -1.4 and 1.4 < upper[0] < 2.0  # near the true +-1.645


def test_conformal_intervals_cover_at_least_the_nominal_level_on_new_data():
    # Marginal validity: averaged over many calibration draws the coverage is at least 0.9 (and below
    # 0.9 + 1 / (n + 1)), even for a model whose mean and spread are both wrong.
    rng = np.random.default_rng(3)
    covered, covered_cqr = [], []
    for _ in range(400):
        x = rng.uniform(-2, 2, 60)
        y = np.sin(2 * x) + (0.1 + 0.2 * (x + 2)) * rng.normal(size=60)
        pred = 0.5 * x  # wrong mean
        q = np.c_[pred - 0.3, pred + 0.3]  # wrong, constant spread
        lower, upper = split_conformal(pred[:39], y[:39], pred[39:])
        covered.append(np.mean((lower <= y[39:]) & (y[39:] <= upper)))
        lower, upper = conformalized_quantiles(q[:39], y[:39], q[39:])
        covered_cqr.append(np.mean((lower <= y[39:]) & (y[39:] <= upper)))
    for c in (covered, covered_cqr):
        assert 0.88 < np.mean(c) < 0.9 + 1 / 40 + 0.02


def test_interval_score_matches_mapie_and_the_pinball_losses():
    from mapie.metrics.regression import regression_mwi_score

    rng = np.random.default_rng(4)
    y = rng.normal(size=300)
    lower = rng.normal(size=300) - 1.0
    upper = lower + rng.uniform(0.0, 3.0, 300)
    for level in (0.9, 0.8, 0.5):
        score = interval_score(y, lower, upper, confidence_level=level)
        mapie = regression_mwi_score(y, np.stack([lower, upper], axis=1)[:, :, None], confidence_level=level)
        np.testing.assert_allclose(score, mapie, rtol=1e-12)
        alpha = 1 - level  # (2 / alpha) times the two quantiles' pinball losses
        pinball = 2 * losses.pinball(np.c_[y, y], np.c_[lower, upper], [alpha / 2, 1 - alpha / 2])  # sum of two
        np.testing.assert_allclose(score, np.mean(2 / alpha * pinball), rtol=1e-10)


def test_interval_score_by_hand():
    assert interval_score([0.5], [0.0], [1.0]) == pytest.approx(1.0)  # inside: the width
    assert interval_score([2.0], [0.0], [1.0], confidence_level=0.9) == pytest.approx(1.0 + 20.0)
    assert interval_score([-1.0], [0.0], [1.0], confidence_level=0.5) == pytest.approx(1.0 + 4.0)


@pytest.mark.parametrize("call, match", [
    (lambda: interval_score([0.0, 1.0], [1.0, 0.0], [0.0, 2.0]), "lower exceeds upper at 1 of 2"),
    (lambda: interval_score([0.0], [0.0], [1.0], confidence_level=1.0), "confidence_level"),
    (lambda: interval_score([0.0, 1.0], [0.0], [1.0]), "lower has 1 values, expected 2"),
    (lambda: interval_score([[0.0]], [0.0], [1.0]), "1-D"),
    (lambda: interval_score([np.nan], [0.0], [1.0]), "NaN"),
    (lambda: split_conformal(np.zeros(5), np.zeros(5), np.zeros(2)), "5 calibration points are too few"),
    (lambda: split_conformal(np.zeros(20), np.zeros(19), np.zeros(2)), "y_calib has 19 values"),
    (lambda: split_conformal(np.zeros(20), np.zeros(20), np.zeros(2), scale_calib=np.ones(20)), "both"),
    (lambda: split_conformal(np.zeros(20), np.zeros(20), np.zeros(2), scale_calib=np.zeros(20),
                             scale_test=np.ones(2)), "positive"),
    (lambda: split_conformal(np.zeros(20), np.zeros(20), np.zeros(2), confidence_level=0.0), "confidence_level"),
    (lambda: conformalized_quantiles(np.zeros((20, 4)), np.zeros(20), np.zeros((2, 2))), r"shape \(n, 2\) or"),
    (lambda: conformalized_quantiles(np.tile([1.0, 0.0], (20, 1)), np.zeros(20), np.zeros((2, 2))),
     "lower exceeds upper at 20 of 20"),
    (lambda: conformalized_quantiles(np.zeros((5, 2)), np.zeros(5), np.zeros((2, 2))), "too few"),
])
def test_bad_input_is_refused_with_a_clear_message(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_module_exports_and_import_is_cheap():
    assert set(intervals.__all__) == {"split_conformal", "conformalized_quantiles", "interval_score"}
    import subprocess
    import sys

    code = "import sys, companion.intervals; print('mapie' in sys.modules or 'sklearn' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
