"""Tests for companion.metrics.calibration: reliability curves, ECE, the Brier score, temperature scaling."""

import numpy as np
import pytest

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


def test_brier_score_multiclass_matches_sklearn_and_keeps_one_convention_for_two_columns():
    from sklearn.metrics import brier_score_loss

    from companion.metrics import brier_score

    rng = np.random.default_rng(4)
    for k in (3, 5):
        prob = rng.dirichlet(np.ones(k), size=40)
        y = rng.integers(0, k, size=40)
        assert brier_score(y, prob) == pytest.approx(brier_score_loss(y, prob, labels=np.arange(k)), rel=1e-12)
    # a class absent from y_true: scikit-learn needs labels=, companion reads the labels as column indices
    prob = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
    with pytest.raises(ValueError, match="labels"):
        brier_score_loss([1, 0, 1], prob)
    assert brier_score([1, 0, 1], prob) == pytest.approx(brier_score_loss([1, 0, 1], prob, labels=[0, 1, 2]))
    # two columns: scikit-learn's scale_by_half="auto" halves them to the binary scale, companion sums them
    two = rng.dirichlet(np.ones(2), size=40)
    y = rng.integers(0, 2, size=40)
    assert brier_score(y, two) == pytest.approx(brier_score_loss(y, two, scale_by_half=False), rel=1e-12)
    assert brier_score(y, two) == pytest.approx(2 * brier_score_loss(y, two), rel=1e-12)


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
