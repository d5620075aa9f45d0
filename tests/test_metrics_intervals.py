"""Tests for companion.metrics.intervals: coverage and width of intervals, crossed quantiles."""

import numpy as np
import pytest

def test_gaussian_posterior_rows_sum_to_one_and_pick_the_nearest_centre():
    from companion.metrics import gaussian_posterior

    rng = np.random.default_rng(0)
    centers = rng.normal(scale=5.0, size=(4, 3))
    X = rng.normal(scale=8.0, size=(200, 3))
    posterior = gaussian_posterior(X, centers, 1.5)
    nearest = np.argmin(((X[:, None, :] - centers[None]) ** 2).sum(axis=-1), axis=1)
    assert posterior.shape == (200, 4)
    np.testing.assert_allclose(posterior.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_array_equal(posterior.argmax(axis=1), nearest)


def test_gaussian_posterior_matches_bayes_rule_by_hand_and_survives_far_points():
    from scipy import stats

    from companion.metrics import gaussian_posterior

    centers, std, x = np.array([[0.0, 0.0], [3.0, 1.0]]), 2.0, np.array([[1.0, -2.0]])
    densities = [stats.multivariate_normal.pdf(x[0], mean=c, cov=std**2) for c in centers]
    np.testing.assert_allclose(gaussian_posterior(x, centers, std)[0], np.array(densities) / sum(densities))
    far = gaussian_posterior(np.array([[1e4, 0.0]]), centers, 0.1)  # exp underflows without the shift
    assert np.all(np.isfinite(far)) and far[0, 1] == 1.0


def test_gaussian_bayes_accuracy_two_classes_is_phi_of_half_the_distance():
    from scipy import stats

    from companion.metrics import gaussian_bayes_accuracy

    centers = np.array([[1.0, 2.0, 0.0], [4.0, -2.0, 0.0]])  # distance 5
    assert gaussian_bayes_accuracy(centers, 2.0) == pytest.approx(stats.norm.cdf(5 / 4), abs=1e-12)


@pytest.mark.parametrize("centers, std", [
    (np.array([[0.0, 0.0], [3.0, 0.0], [1.5, 2.6]]), 1.5),
    (np.array([[0.0, 0.0], [2.0, 0.0], [5.0, 0.0]]), 1.0),  # collinear: a singular covariance
])
def test_gaussian_bayes_accuracy_three_classes_matches_monte_carlo(centers, std):
    from companion.metrics import gaussian_bayes_accuracy

    rng = np.random.default_rng(1)
    n = 400_000
    y = rng.integers(0, len(centers), size=n)
    X = centers[y] + std * rng.normal(size=(n, centers.shape[1]))
    nearest = np.argmin(((X[:, None, :] - centers[None]) ** 2).sum(axis=-1), axis=1)
    assert gaussian_bayes_accuracy(centers, std) == pytest.approx(np.mean(nearest == y), abs=3e-3)


def test_gaussian_bayes_accuracy_of_the_blobs_problem():
    from companion import datasets
    from companion.metrics import gaussian_bayes_accuracy, gaussian_posterior

    centers = datasets.blob_centers()
    accuracy = gaussian_bayes_accuracy(centers, 2.0)
    assert accuracy == pytest.approx(0.8224, abs=1e-4)
    split = datasets.blobs()
    X, y = np.concatenate([split.X_train, split.X_test]), np.concatenate([split.y_train, split.y_test])
    sample = np.mean(gaussian_posterior(X, centers, 2.0).argmax(axis=1) == y)
    assert abs(sample - accuracy) < 3 * np.sqrt(accuracy * (1 - accuracy) / len(y))


@pytest.mark.parametrize("centers, std, message", [
    (np.array([[0.0, 0.0]]), 1.0, "n_classes >= 2"),
    (np.array([[0.0, 0.0], [0.0, 0.0]]), 1.0, "distinct"),
    (np.array([[0.0, 0.0], [1.0, 0.0]]), 0.0, "positive"),
    (np.array([[0.0, np.nan], [1.0, 0.0]]), 1.0, "finite"),
])
def test_gaussian_bayes_rejects(centers, std, message):
    from companion.metrics import gaussian_bayes_accuracy, gaussian_posterior

    with pytest.raises(ValueError, match=message):
        gaussian_bayes_accuracy(centers, std)
    with pytest.raises(ValueError, match=message):
        gaussian_posterior(np.zeros((1, 2)), centers, std)


def test_gaussian_posterior_rejects_a_feature_count_mismatch():
    from companion.metrics import gaussian_posterior

    with pytest.raises(ValueError, match="match the centres"):
        gaussian_posterior(np.zeros((3, 3)), np.array([[0.0, 0.0], [1.0, 0.0]]), 1.0)


# Calibration: reliability_curve, expected_calibration_error, brier_score, temperature scaling


def test_ece_hand_computed_binary_case():
    from companion.metrics import expected_calibration_error, reliability_curve

    # 5 uniform bins of width 0.2, (a, b] as in scikit-learn and Guo et al. Bin [0, 0.2]: 0.05, 0.15 with labels
    # 0, 1 -> conf 0.10, freq 0.5, gap 0.40. Bin (0.2, 0.4]: 0.4 (on the edge, goes down), label 1 -> gap 0.6.
    # Bin (0.4, 0.6]: 0.5, label 1 -> gap 0.5. Bin (0.8, 1.0]: 0.9, 1.0 with labels 1, 0 -> conf 0.95, gap 0.45.
    y = [0, 1, 1, 1, 1, 0]
    p = [0.05, 0.15, 0.4, 0.5, 0.9, 1.0]
    curve = reliability_curve(y, p, n_bins=5)
    np.testing.assert_allclose(curve.confidence, [0.10, 0.4, 0.5, 0.95])
    np.testing.assert_allclose(curve.accuracy, [0.5, 1.0, 1.0, 0.5])
    np.testing.assert_array_equal(curve.count, [2, 1, 1, 2])
    assert expected_calibration_error(y, p, n_bins=5) == pytest.approx((2 * 0.40 + 0.6 + 0.5 + 2 * 0.45) / 6)


@pytest.mark.parametrize("n_bins", [2, 5, 6, 7, 10, 12, 15, 30])
def test_reliability_curve_puts_every_edge_value_in_the_bin_below(n_bins):
    # Bin m is ((m - 1) / M, m / M] (Guo et al. 2017; scikit-learn's calibration_curve), the first bin closed at 0.
    # The old code binned [a, b) on np.linspace edges: 0.4 with 5 bins went up, 0.6 (below linspace's
    # 0.6000000000000001) went down, so the convention depended on float rounding.
    from companion.metrics import reliability_curve

    for k in range(n_bins + 1):
        edge = k / n_bins
        below = max(k - 1, 0)  # the bin that should hold the edge value
        # the edge value with a marker point deep inside every bin: the edge joins the marker of bin `below`
        markers = (np.arange(n_bins) + 0.5) / n_bins
        p = np.concatenate([markers, [edge]])
        curve = reliability_curve(np.zeros(p.size, dtype=int), p, n_bins=n_bins)
        expected = np.ones(n_bins, dtype=int)
        expected[below] += 1
        np.testing.assert_array_equal(curve.count, expected, err_msg=f"edge {k}/{n_bins}")


def test_reliability_curve_edges_agree_with_sklearn_where_its_edges_are_exact():
    from sklearn.calibration import calibration_curve

    from companion.metrics import reliability_curve

    # Confidences on the edges (k / 10, exact in np.linspace(0, 1, 11) for these k) and inside the bins.
    p = np.array([0.0, 0.1, 0.2, 0.25, 0.4, 0.5, 0.55, 0.8, 0.9, 1.0])
    y = np.array([0, 1, 0, 1, 1, 0, 1, 1, 0, 1])
    assert np.all(np.linspace(0, 1, 11)[[1, 2, 4, 5, 8, 9]] == [0.1, 0.2, 0.4, 0.5, 0.8, 0.9])
    ours = reliability_curve(y, p, n_bins=10)
    freq, conf = calibration_curve(y, p, n_bins=10)
    np.testing.assert_allclose(ours.accuracy, freq)
    np.testing.assert_allclose(ours.confidence, conf)
    # and the reviewer's case: 0.6 and 0.5 share the bin (0.4, 0.6] with five bins
    np.testing.assert_array_equal(reliability_curve([1, 0], [0.6, 0.5], n_bins=5).count, [2])
    np.testing.assert_array_equal(reliability_curve([1, 0], [0.6, 0.4], n_bins=5).count, [1, 1])


def test_ece_hand_computed_top_label_case():
    from companion.metrics import expected_calibration_error

    # top-label confidences 0.6 (right), 0.7 (wrong), 0.9 (right), 0.95 (right); two bins [0, .5], (.5, 1]
    # all in the upper bin: conf mean 0.7875, accuracy 0.75 -> ECE 0.0375; with 10 bins, (a, b]:
    # (0.5,0.6]: 0.6 right (gap 0.4); (0.6,0.7]: 0.7 wrong (gap 0.7); (0.8,0.9]: 0.9 right (gap 0.1);
    # (0.9,1]: 0.95 right (gap 0.05)
    prob = np.array([[0.6, 0.3, 0.1], [0.1, 0.7, 0.2], [0.05, 0.05, 0.9], [0.95, 0.05, 0.0]])
    y = np.array([0, 2, 2, 0])
    assert expected_calibration_error(y, prob, n_bins=2) == pytest.approx(0.0375)
    assert expected_calibration_error(y, prob, n_bins=10) == pytest.approx((0.4 + 0.7 + 0.1 + 0.05) / 4)


def test_ece_of_calibrated_draws_is_small_and_of_overconfident_draws_is_their_gap():
    from companion.metrics import expected_calibration_error

    rng = np.random.default_rng(0)
    p = rng.random(200_000)
    y = (rng.random(p.size) < p).astype(int)
    assert expected_calibration_error(y, p) < 0.005
    # predicting 0.9 where the truth is 0.7 (and 0.1 where it is 0.3) is off by 0.2 everywhere
    truth = rng.choice([0.3, 0.7], size=200_000)
    y = (rng.random(truth.size) < truth).astype(int)
    stated = np.where(truth > 0.5, 0.9, 0.1)
    assert expected_calibration_error(y, stated) == pytest.approx(0.2, abs=0.005)


def test_reliability_curve_quantile_bins_hold_equal_counts_and_agree_with_sklearn():
    from sklearn.calibration import calibration_curve

    from companion.metrics import reliability_curve

    rng = np.random.default_rng(1)
    p = rng.random(1000)
    y = (rng.random(1000) < p).astype(int)
    curve = reliability_curve(y, p, n_bins=4, strategy="quantile")
    np.testing.assert_array_equal(curve.count, [250, 250, 250, 250])
    for strategy in ("uniform", "quantile"):
        ours = reliability_curve(y, p, n_bins=8, strategy=strategy)
        freq, conf = calibration_curve(y, p, n_bins=8, strategy=strategy)
        np.testing.assert_allclose(ours.accuracy, freq)
        np.testing.assert_allclose(ours.confidence, conf)


@pytest.mark.parametrize("y, prob, kwargs, message", [
    ([0, 1], [0.2], {}, "same n"),
    ([0, 1], [0.2, 1.2], {}, r"in \[0, 1\]"),
    ([0, 2], [0.2, 0.3], {}, "0/1 labels"),
    ([0, 3], [[0.5, 0.5], [0.5, 0.5]], {}, "labels 0..1"),
    ([0, 1], [[0.5, 0.6], [0.5, 0.5]], {}, "sum to 1"),
    ([0.5, 1], [0.2, 0.3], {}, "integer class labels"),
    ([], [], {}, "empty"),
    ([0, 1], [0.2, 0.3], {"n_bins": 0}, "n_bins"),
    ([0, 1], [0.2, 0.3], {"strategy": "equal"}, "strategy"),
])
def test_calibration_metrics_reject(y, prob, kwargs, message):
    from companion.metrics import expected_calibration_error

    with pytest.raises(ValueError, match=message):
        expected_calibration_error(y, prob, **kwargs)


def test_brier_score_binary_matches_sklearn_and_multiclass_is_twice_it_for_two_classes():
    from sklearn.metrics import brier_score_loss

    from companion.metrics import brier_score

    rng = np.random.default_rng(2)
    p = rng.random(50)
    y = rng.integers(0, 2, 50)
    assert brier_score(y, p) == pytest.approx(brier_score_loss(y, p))
    assert brier_score(y, p) == pytest.approx(np.mean((p - y) ** 2))
    two = np.stack([1 - p, p], axis=1)
    assert brier_score(y, two) == pytest.approx(2 * brier_score(y, p))
    assert brier_score([1, 0], [[0.2, 0.7, 0.1], [1.0, 0.0, 0.0]]) == pytest.approx((0.04 + 0.09 + 0.01) / 2)


def test_scaled_probabilities_and_temperature_recovered():
    from companion.metrics import fit_temperature, scaled_probabilities

    z = np.array([[2.0, 0.0, -1.0], [0.0, 3.0, 1.0]])
    p = scaled_probabilities(z, 2.0)
    e = np.exp(z / 2.0)
    np.testing.assert_allclose(p, e / e.sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(p.argmax(axis=1), z.argmax(axis=1))
    np.testing.assert_allclose(scaled_probabilities([-800.0, 800.0]), [0.0, 1.0])  # no overflow
    # multi-class: labels drawn from softmax(z / 3), so the logits are 3x too sharp
    rng = np.random.default_rng(3)
    logits = rng.normal(0, 4, size=(20000, 4))
    true = scaled_probabilities(logits, 3.0)
    y = (rng.random((20000, 1)) > true.cumsum(axis=1)).sum(axis=1)
    assert fit_temperature(logits, y) == pytest.approx(3.0, rel=0.05)
    # under-confident logits (labels from z * 2) give T near 1/2
    zb = rng.normal(0, 1, size=20000)
    yb = (rng.random(20000) < scaled_probabilities(zb, 0.5)).astype(int)
    assert fit_temperature(zb, yb) == pytest.approx(0.5, rel=0.05)


@pytest.mark.parametrize("logits, y, kwargs, message", [
    ([np.nan, 1.0], [0, 1], {}, "finite"),
    ([0.0, 1.0], [0, 2], {}, "0/1 labels"),
    ([0.0, 1.0], [0, 1], {"bounds": (2.0, 1.0)}, "bounds"),
])
def test_fit_temperature_rejects(logits, y, kwargs, message):
    from companion.metrics import fit_temperature

    with pytest.raises(ValueError, match=message):
        fit_temperature(logits, y, **kwargs)


def test_scaled_probabilities_rejects_a_non_positive_temperature():
    from companion.metrics import scaled_probabilities

    with pytest.raises(ValueError, match="temperature must be a positive number"):
        scaled_probabilities([0.0], 0.0)


# ---------------------------------------------------------------- intervals and quantile crossings (uncertainty chapter)

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
