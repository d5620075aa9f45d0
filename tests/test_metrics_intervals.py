"""Tests for companion.metrics.intervals: coverage and width of intervals, crossed quantiles."""

import numpy as np
import pytest

from companion.metrics import interval_coverage, interval_width, quantile_crossings, rearrange_quantiles


def test_interval_coverage_counts_endpoints_and_matches_a_normal_interval():
    assert interval_coverage([0.0, 1.0, 2.0, 3.0], [0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]) == 0.5
    y = np.random.default_rng(0).normal(size=100000)
    z = 1.6448536269514722  # the standard normal's 95 % quantile: a central 90 % interval
    assert interval_coverage(y, np.full_like(y, -z), np.full_like(y, z)) == pytest.approx(0.9, abs=0.005)


def test_interval_width_is_the_mean_width():
    assert interval_width([0.0, -1.0, 2.0], [1.0, 2.0, 2.0]) == pytest.approx(4.0 / 3.0)


@pytest.mark.parametrize("args, match", [
    (([0.0, 1.0], [0.0], [1.0, 2.0]), "one shape"),
    (([[0.0]], [[0.0]], [[1.0]]), "1-D"),
    (([0.0, np.nan], [0.0, 0.0], [1.0, 1.0]), "NaN"),
    (([0.0, 0.0, 0.0], [0.0, 2.0, 3.0], [1.0, 1.0, 1.0]), "lower exceeds upper at 2 of 3"),
])
def test_interval_coverage_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        interval_coverage(*args)


def test_interval_width_rejects_crossed_bounds():
    with pytest.raises(ValueError, match="lower exceeds upper"):
        interval_width([1.0], [0.0])


def test_quantile_crossings_counts_rows_and_seeds():
    pred = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 2.0], [0.0, 3.0, 2.0], [1.0, 1.0, 1.0]])
    assert quantile_crossings(pred) == 2  # ties do not cross; a row with a crossing counts once
    stacked = np.stack([pred, np.sort(pred, axis=-1)])
    np.testing.assert_array_equal(quantile_crossings(stacked), [2, 0])


def test_rearrangement_sorts_rows_and_never_moves_away_from_increasing_truth():
    rng = np.random.default_rng(7)
    truth = np.sort(rng.normal(size=(500, 5)), axis=-1)
    noisy = truth + rng.normal(scale=0.5, size=truth.shape)
    assert quantile_crossings(noisy) > 0
    fixed = rearrange_quantiles(noisy)
    assert quantile_crossings(fixed) == 0
    for p in (1, 2, np.inf):
        before = np.linalg.norm(noisy - truth, ord=p, axis=-1)
        after = np.linalg.norm(fixed - truth, ord=p, axis=-1)
        assert np.all(after <= before + 1e-12)
    ordered = noisy[quantile_crossings(noisy[:, None, :]) == 0]
    np.testing.assert_array_equal(rearrange_quantiles(ordered), ordered)


@pytest.mark.parametrize("pred", [[0.0, 1.0], [[0.0], [1.0]], [[0.0, np.inf]]])
def test_quantile_helpers_reject_bad_shapes(pred):
    with pytest.raises(ValueError):
        quantile_crossings(pred)
    with pytest.raises(ValueError):
        rearrange_quantiles(pred)
