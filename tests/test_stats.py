"""Tests for companion.stats: the digits rule, paired tests, Holm, TOST, power and families of comparisons.

Every test compares with an independent computation: SciPy's tests, statsmodels' Holm and power, a brute-force
enumeration of sign patterns, or numbers worked out by hand in the test.
"""

import itertools
import math
import re

import numpy as np
import pytest

import companion as cp
from companion import stats
from precision import assert_precision_supported, printed_decimals  # noqa: F401

SUMMARY_CELL = re.compile(r"^-?\d+(\.\d+)? ± \d+(\.\d+)?$")
INTERVAL = re.compile(r"^(?P<est>\S+) \(95% CI (?P<low>\S+) to (?P<high>\S+)\)$")




def old_text_interval(d):
    """How PairedDifference.text printed the interval before the no-equal-ends rule."""
    decimals = stats.supported_decimals(d.sd / math.sqrt(d.n))

    def fmt(x):
        text = f"{x:+.{decimals}f}"
        return text[1:] if float(text) == 0 else text

    return f"{fmt(d.mean)} (95% CI {fmt(d.ci_low)} to {fmt(d.ci_high)})"


# ---------------------------------------------------------------- the digits rule (moved from test_compare)

@pytest.mark.parametrize(
    "se, decimals",
    [(0.003, 2), (0.001, 3), (0.00099, 3), (0.0011, 2), (0.01, 2), (0.0101, 1), (0.5, 0), (40.0, 0),
     (0.0, 3), (1e-9, 3)],
)
def test_supported_decimals(se, decimals):
    assert stats.supported_decimals(se) == decimals


def test_supported_decimals_respects_max_decimals():
    assert stats.supported_decimals(1e-9, max_decimals=6) == 6
    assert stats.supported_decimals(0.003, max_decimals=1) == 1


@pytest.mark.parametrize(
    "kwargs, message",
    [({"se": -0.1}, "se must be"), ({"se": math.nan}, "se must be"), ({"se": 0.1, "max_decimals": -1}, "max_decimals"),
     ({"se": 0.1, "max_decimals": 1.5}, "max_decimals")],
)
def test_supported_decimals_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        stats.supported_decimals(**kwargs)


@pytest.mark.parametrize(
    "mean, sd, n, text",
    [(0.8184, 0.01, 10, "0.82 ± 0.01"),       # the example: se 0.003
     (0.8184, 0.002, 10, "0.818 ± 0.002"),    # se 0.0006 supports three decimals
     (0.0081, 0.004, 10, "0.01 ± 0.004"),     # the sd keeps its one significant digit
     (7.419, 4.7, 10, "7 ± 5"),
     (0.8495, 0.096, 100, "0.85 ± 0.1"),      # 0.096 is 0.1 at one significant digit, not 0.10
     (-0.0004, 0.01, 10, "0.00 ± 0.01")],     # no "-0.00"
)
def test_format_estimate(mean, sd, n, text):
    assert stats.format_estimate(mean, sd, n) == text


def test_format_estimate_without_spread():
    assert stats.format_estimate(0.8184, 0.01, 10, spread=False) == "0.82"


@pytest.mark.parametrize(
    "args, message",
    [((0.5, 0.1, 1), "n >= 2"), ((0.5, 0.1, 2.5), "n >= 2"), ((0.5, -0.1, 10), "sd must be"),
     ((math.nan, 0.1, 10), "mean must be finite"), ((0.5, math.inf, 10), "sd must be")],
)
def test_format_estimate_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        stats.format_estimate(*args)


def test_format_mean_matches_its_standard_error_on_random_samples():
    rng = np.random.default_rng(1)
    for _ in range(300):
        n = int(rng.integers(2, 40))
        values = rng.normal(rng.uniform(-2, 2), 10.0 ** rng.uniform(-5, 1), size=n)
        text = stats.format_mean(values)
        assert SUMMARY_CELL.match(text), text
        assert_precision_supported(text, values)


@pytest.mark.parametrize(
    "values, message",
    [([0.5], "at least 2 runs"), ([[0.5, 0.6]], "one-dimensional"), ([0.5, math.nan, 0.6], "1 NaN or infinite"),
     ([], "at least 2 runs")],
)
def test_format_mean_rejects_bad_input(values, message):
    with pytest.raises(ValueError, match=message):
        stats.format_mean(values)


def test_paired_difference_matches_scipy_and_a_hand_computed_interval():
    from scipy import stats as sps

    rng = np.random.default_rng(2)
    a = 0.85 + 0.01 * rng.standard_normal(15)
    b = a - 0.004 + 0.003 * rng.standard_normal(15)
    d = stats.paired_difference(a, b)
    diff = a - b
    assert d.n == 15 and d.mean == pytest.approx(diff.mean()) and d.sd == pytest.approx(diff.std(ddof=1))
    assert d.p_value == pytest.approx(sps.ttest_rel(a, b).pvalue, rel=1e-10)
    half = sps.t.ppf(0.975, 14) * diff.std(ddof=1) / math.sqrt(15)
    assert (d.ci_low, d.ci_high) == pytest.approx((diff.mean() - half, diff.mean() + half))
    assert d.significant() and d.verdict("BCE", "hinge", higher_is_better=True) == "BCE is better than hinge"
    assert d.wins == (int(np.sum(diff > 0)), 0, int(np.sum(diff < 0))) and sum(d.wins) == 15
    assert d.sign_count("BCE", "hinge") == f"BCE higher in {d.wins[0]} seeds, tied in 0, hinge higher in {d.wins[2]}"
    assert d.verdict("BCE", "hinge", higher_is_better=False) == "hinge is better than BCE"
    # Unpaired, the same scores look alike: the seed-to-seed spread (0.01) hides the 0.004 gap.
    assert sps.ttest_ind(a, b, equal_var=False).pvalue > 20 * d.p_value


def test_paired_difference_of_ties_and_its_text():
    tied = stats.paired_difference([0.8, 0.81, 0.82], [0.8, 0.81, 0.82])
    assert (tied.mean, tied.p_value, tied.ci_low, tied.ci_high) == (0.0, 1.0, 0.0, 0.0)
    assert tied.verdict("CCE", "KL", higher_is_better=True) == (
        "whether CCE or KL is better is not determined by this experiment (3 seeds)")
    assert tied.text() == "identical in all 3 seeds"
    shifted = stats.paired_difference([0.75, 0.5], [0.5, 0.25])
    assert shifted.p_value == 0.0 and shifted.significant()
    d = stats.paired_difference([0.85, 0.84, 0.86, 0.85], [0.84, 0.83, 0.84, 0.84])
    assert str(d) == "+0.01 (95% CI 0.00 to +0.02), paired t-test p = 0.02, 4 seeds"


@pytest.mark.parametrize(
    "a, b, kwargs, message",
    [([0.5], [0.4], {}, "at least 2 seeds"), ([0.5, 0.6], [0.4], {}, "of one length"),
     ([[0.5, 0.6]], [[0.4, 0.5]], {}, "one-dimensional"), ([0.5, math.nan], [0.4, 0.5], {}, "finite"),
     ([0.5, 0.6], [0.4, 0.5], {"confidence": 95}, "confidence")],
)
def test_paired_difference_rejects_bad_input(a, b, kwargs, message):
    with pytest.raises(ValueError, match=message):
        stats.paired_difference(a, b, **kwargs)


@pytest.mark.parametrize("p, text", [(0.0123, "0.01"), (0.4, "0.4"), (0.96, "1"), (0.0004, "< 0.001"),
                                     (0.049, "0.05"), (1.0, "1")])
def test_format_p_value(p, text):
    assert stats.format_p_value(p) == text


@pytest.mark.parametrize("p, text", [(0.0004, "< 0.001"), (0.001, "< 0.01"), (0.0099, "< 0.01"), (0.01, "< 0.05"),
                                     (0.049, "< 0.05"), (0.05, "≥ 0.05"), (0.9, "≥ 0.05")])
def test_format_p_value_as_bound(p, text):
    assert stats.format_p_value(p, as_bound=True) == text


def test_paired_difference_text_with_the_p_value_as_a_bound():
    d = stats.paired_difference([0.85, 0.84, 0.86, 0.85], [0.84, 0.83, 0.84, 0.84])
    assert d.text() == str(d)
    assert d.text(p_as_bound=True) == "+0.01 (95% CI 0.00 to +0.02), paired t-test p < 0.05, 4 seeds"
    tied = stats.paired_difference([0.8, 0.81, 0.82], [0.8, 0.81, 0.82])
    assert tied.text(p_as_bound=True) == "identical in all 3 seeds"  # no interval, no test: nothing varied


def test_paired_difference_text_with_fewer_decimals():
    d = stats.paired_difference([0.91, 0.93, 0.92, 0.95], [0.81, 0.82, 0.80, 0.84])
    assert d.text() == "+0.11 (95% CI +0.10 to +0.12), paired t-test p < 0.001, 4 seeds"
    # one decimal would print "+0.1 (95% CI +0.1 to +0.1)": the no-equal-ends rule wins over max_decimals
    assert d.text(max_decimals=1) == "+0.11 (95% CI +0.10 to +0.12), paired t-test p < 0.001, 4 seeds"
    assert d.text(max_decimals=5) == d.text()  # a cap, never more digits than the standard error supports
    zero = stats.paired_difference([0.52, 0.50, 0.51], [0.50, 0.51, 0.51])
    assert zero.text(max_decimals=2).startswith("0.00 (95% CI -0.03 to +0.04)")  # no signed zero
    for bad in (-1, 1.5, True, "1"):
        with pytest.raises(ValueError, match="max_decimals"):
            d.text(max_decimals=bad)


def test_paired_difference_bound_text_states_the_bound_only_when_the_interval_is_inside():
    d = stats.paired_difference([0.500, 0.502, 0.499, 0.501], [0.501, 0.500, 0.500, 0.500])
    assert d.within(-0.01, 0.01) and not d.within(0, 0.05)
    assert d.bound_text(-0.01, 0.01) == "paired 95% CI inside [-0.01, +0.01], 4 seeds"
    # the interval reaches below 0: the full result, so that the bound is never overstated
    assert d.bound_text(0, 0.05) == d.text(p_as_bound=True)
    assert d.bound_text(-0.002, 0.01) == d.text(p_as_bound=True)
    with pytest.raises(ValueError, match="low < high"):
        d.bound_text(0.01, -0.01)


def test_format_p_value_rejects_a_probability_out_of_range():
    with pytest.raises(ValueError, match="lies in"):
        stats.format_p_value(1.5)



# ---------------------------------------------------------------- format_interval: never two equal ends

def test_a_difference_that_printed_0_000_to_0_000_now_shows_its_interval():
    a = np.array([0.81231, 0.80412, 0.79917, 0.82055, 0.80788])
    b = a - np.array([1e-5, -2e-5, 3e-5, 0.5e-5, 1.5e-5])
    d = stats.paired_difference(a, b)
    assert old_text_interval(d) == "0.000 (95% CI 0.000 to 0.000)"  # the case the rule is for
    text = d.text()
    assert text == "+0.00001 (95% CI -0.00001 to +0.00003), paired t-test p = 0.4, 5 seeds"
    low, high = INTERVAL.match(text.split(", ")[0]).group("low", "high")
    assert low != high


def test_format_interval_never_prints_two_equal_ends_on_random_differences():
    rng = np.random.default_rng(11)
    checked = 0
    for _ in range(400):
        n = int(rng.integers(2, 30))
        scale = 10.0 ** rng.uniform(-7, 0)
        d = stats.paired_difference(rng.normal(rng.uniform(-1, 1) * scale, scale, n), np.zeros(n))
        for max_decimals in (None, 0, 1, 2):
            text = stats.format_interval(d.mean, d.ci_low, d.ci_high, d.se, n, max_decimals=max_decimals)
            match = INTERVAL.match(text)
            if match is None:  # an interval narrower than 1e-6
                assert "narrower than 1e-06" in text and d.ci_high - d.ci_low < 1e-6, text
                continue
            checked += 1
            low, high = match.group("low", "high")
            assert low != high, text
            decimals = len(low.split(".")[1]) if "." in low else 0
            assert decimals <= 6
            # the printed ends are the ends, rounded
            assert float(low) == pytest.approx(d.ci_low, abs=0.5 * 10.0 ** -decimals + 1e-12)
            assert float(high) == pytest.approx(d.ci_high, abs=0.5 * 10.0 ** -decimals + 1e-12)
            # digits come from the difference's standard error, unless the ends needed more
            wanted = stats.supported_decimals(d.se)
            if max_decimals is not None:
                wanted = min(wanted, max_decimals)
            assert decimals >= wanted
            if decimals > wanted:
                coarser = f"{d.ci_low:+.{decimals - 1}f}", f"{d.ci_high:+.{decimals - 1}f}"
                assert abs(float(coarser[0]) - float(coarser[1])) < 10.0 ** -(decimals - 1) / 2 or \
                    float(coarser[0]) == float(coarser[1]), text
    assert checked > 1000


def test_format_interval_keeps_the_standard_errors_digits_when_the_ends_differ():
    assert stats.format_interval(0.0125, 0.0014, 0.0236, 0.0035) == "+0.01 (95% CI 0.00 to +0.02)"
    assert stats.format_interval(-0.5, -0.9, -0.1, 0.09, confidence=None) == "-0.5 (-0.9 to -0.1)"
    assert stats.format_interval(-0.5, -0.9, -0.1, 0.2) == "0 (95% CI -1 to 0)"  # se 0.2 supports no decimal
    assert stats.format_interval(0.11, 0.10, 0.12, 0.004, max_decimals=1) == "+0.11 (95% CI +0.10 to +0.12)"
    assert stats.format_interval(0.5, 0.1, 0.9, 0.09, confidence=0.9) == "+0.5 (90% CI +0.1 to +0.9)"


def test_format_interval_of_a_point():
    assert stats.format_interval(0.0, 0.0, 0.0, 0.0, n=10) == "identical in all 10 replicates"
    assert stats.format_interval(0.0, 0.0, 0.0, 0.0, n=3, unit="seeds") == "identical in all 3 seeds"
    assert stats.format_interval(1.0, 1.0, 1.0, 0.0, n=4, scale="ratio") == "identical in all 4 replicates"
    assert stats.format_interval(0.25, 0.25, 0.25, 0.0, n=2) == "+0.250 in all 2 replicates"
    assert stats.format_interval(1e-4, 1e-4 - 1e-9, 1e-4 + 1e-9, 1e-10) == "+0.000100 (95% CI narrower than 1e-06)"


@pytest.mark.parametrize(
    "args, kwargs, message",
    [((0.1, 0.0, math.nan, 0.1), {}, "finite"), ((0.1, 0.0, 0.2, -0.1), {}, "se must be"),
     ((0.1, 0.2, 0.0, 0.1), {}, "low <= high"), ((0.1, 0.0, 0.2, 0.1), {"scale": "log"}, "scale"),
     ((0.5, -0.1, 0.9, 0.1), {"scale": "ratio"}, "positive"), ((0.1, 0.0, 0.2, 0.1), {"confidence": 95}, "confidence"),
     ((0.1, 0.0, 0.2, 0.1), {"max_decimals": 1.5}, "max_decimals")],
)
def test_format_interval_rejects_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        stats.format_interval(*args, **kwargs)


# ---------------------------------------------------------------- the tests of paired_difference

def test_corrected_resampled_t_test_against_a_hand_computed_case():
    from scipy import stats as sps

    # five splits of one data set, 80 training and 20 test rows each; differences d = a - b
    d = np.array([0.02, 0.01, 0.03, 0.00, 0.04])
    b = np.array([0.70, 0.72, 0.69, 0.71, 0.70])
    result = stats.paired_difference(b + d, b, test="corrected", n_train=80, n_test=20)
    # by hand: mean 0.02; sum of squared deviations 0.001, so s^2 = 0.00025;
    # corrected variance of the mean s^2 (1/5 + 20/80) = 0.00025 * 0.45 = 0.0001125
    se = math.sqrt(0.0001125)
    assert result.mean == pytest.approx(0.02) and result.sd == pytest.approx(math.sqrt(0.00025))
    assert result.se == pytest.approx(se) and result.df == 4 and result.test == "corrected"
    t = 0.02 / se  # 1.8856, where the plain paired t is 0.02 / sqrt(0.00025 / 5) = 2.8284
    assert result.p_value == pytest.approx(2 * sps.t.sf(t, 4), rel=1e-10)
    assert result.p_value == pytest.approx(0.1325, abs=5e-4)
    half = 2.7764451051977987 * se  # t_{4, 0.975}
    assert (result.ci_low, result.ci_high) == pytest.approx((0.02 - half, 0.02 + half))
    plain = stats.paired_difference(b + d, b)
    assert plain.p_value == pytest.approx(sps.ttest_rel(b + d, b).pvalue) and plain.p_value < 0.05 < result.p_value
    assert result.text() == "+0.02 (95% CI -0.01 to +0.05), corrected resampled t-test p = 0.1, 5 replicates"


@pytest.mark.parametrize("kwargs, message", [({}, "n_train and n_test"), ({"n_train": 80}, "n_test"),
                                             ({"n_train": 80, "n_test": 0}, "n_test"),
                                             ({"n_train": None, "n_test": 20}, "n_train")])
def test_corrected_test_needs_the_split_sizes(kwargs, message):
    with pytest.raises(ValueError, match=message):
        stats.paired_difference([0.5, 0.6, 0.7], [0.4, 0.5, 0.7], test="corrected", **kwargs)


def test_split_sizes_belong_to_the_corrected_test_only():
    with pytest.raises(ValueError, match="test='corrected' only"):
        stats.paired_difference([0.5, 0.6, 0.7], [0.4, 0.5, 0.7], n_train=80, n_test=20)


def brute_force_sign_flip(d):
    observed = abs(sum(d))
    flips = [abs(sum(s * x for s, x in zip(signs, d))) for signs in itertools.product((1, -1), repeat=len(d))]
    return sum(f >= observed - 1e-12 for f in flips) / len(flips)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_sign_flip_test_matches_a_brute_force_enumeration(seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(0.8, 0.02, 6)
    d = rng.normal(0.01, 0.015, 6).round(3)  # rounded: some sign patterns tie with the observed sum
    result = stats.paired_difference(a + d, a, test="sign_flip")
    assert result.p_value == pytest.approx(brute_force_sign_flip(list((a + d) - a)), abs=1e-12)
    assert result.test == "sign_flip" and result.se == pytest.approx(result.sd / math.sqrt(6))
    t_test = stats.paired_difference(a + d, a)
    assert (result.ci_low, result.ci_high) == (t_test.ci_low, t_test.ci_high)  # the interval is the t-interval


def test_sign_flip_test_by_hand():
    # d = (1, 2, 3): |sum| >= 6 only for (+,+,+) and (-,-,-): p = 2/8
    assert stats.paired_difference([1.0, 2.0, 3.0], [0.0, 0.0, 0.0], test="sign_flip").p_value == 0.25
    # all ties: every pattern reaches |0| >= 0
    assert stats.paired_difference([1.0, 2.0], [1.0, 2.0], test="sign_flip").p_value == 1.0


def test_monte_carlo_sign_flip_test_is_deterministic_and_close_to_the_exact_one(monkeypatch):
    rng = np.random.default_rng(5)
    d = rng.normal(0.004, 0.01, 12)
    exact = stats.paired_difference(d, np.zeros(12), test="sign_flip").p_value
    assert exact == pytest.approx(brute_force_sign_flip(list(d)))
    monkeypatch.setattr(stats, "_EXACT_SIGN_FLIP", 5)  # force the Monte Carlo path
    mc = stats.paired_difference(d, np.zeros(12), test="sign_flip", n_resamples=40_000)
    again = stats.paired_difference(d, np.zeros(12), test="sign_flip", n_resamples=40_000)
    other = stats.paired_difference(d, np.zeros(12), test="sign_flip", n_resamples=40_000, random_state=1)
    assert mc.p_value == again.p_value and mc.p_value != other.p_value
    assert mc.p_value == pytest.approx(exact, abs=4 * math.sqrt(exact * (1 - exact) / 40_000))


def test_monte_carlo_sign_flip_p_value_is_one_plus_count_over_one_plus_resamples():
    # 25 positive differences: only the all-plus and all-minus patterns (chance 2 / 2**25) reach the observed sum
    d = np.linspace(1.0, 2.0, 25)
    result = stats.paired_difference(d, np.zeros(25), test="sign_flip", n_resamples=1000)
    assert result.p_value == 1 / 1001
    with pytest.raises(ValueError, match="n_resamples"):
        stats.paired_difference(d, np.zeros(25), test="sign_flip", n_resamples=0)


def test_log_ratio_reports_the_geometric_mean_ratio():
    from scipy import stats as sps

    rng = np.random.default_rng(3)
    b = np.exp(rng.normal(-1.5, 1.0, 12))  # heavy-tailed MSEs: mean well above the median
    a = b * np.exp(rng.normal(np.log(0.5), 0.2, 12))
    result = stats.paired_difference(a, b, test="log_ratio")
    log_d = np.log(a) - np.log(b)
    assert result.scale == "ratio" and result.test == "log_ratio"
    assert result.estimate == pytest.approx(float(np.exp(log_d.mean())))
    assert result.estimate == pytest.approx(float(np.prod(a / b) ** (1 / 12)))  # the geometric mean of a / b
    assert result.p_value == pytest.approx(sps.ttest_rel(np.log(a), np.log(b)).pvalue, rel=1e-10)
    half = sps.t.ppf(0.975, 11) * log_d.std(ddof=1) / math.sqrt(12)
    assert result.interval == pytest.approx((np.exp(log_d.mean() - half), np.exp(log_d.mean() + half)))
    text = result.text()
    pattern = r"^×0\.\d+ \(95% CI ×0\.\d+ to ×0\.\d+\), paired t-test on log scores p < 0\.001, 12 replicates$"
    assert re.match(pattern, text), text
    assert result.verdict("Huber", "MSE", higher_is_better=False) == "Huber is better than MSE"


@pytest.mark.parametrize("a, b", [([0.5, 0.0, 0.2], [0.4, 0.3, 0.2]), ([0.5, 0.1, 0.2], [0.4, -0.3, 0.2])])
def test_log_ratio_rejects_non_positive_scores(a, b):
    with pytest.raises(ValueError, match="positive scores"):
        stats.paired_difference(a, b, test="log_ratio")


def test_unknown_test_name_is_refused():
    with pytest.raises(ValueError, match="unknown test 'wilcoxon'"):
        stats.paired_difference([0.5, 0.6], [0.4, 0.5], test="wilcoxon")


def test_verdict_needs_a_direction_and_never_says_no_difference():
    d = stats.paired_difference([0.30, 0.32, 0.29, 0.31], [0.35, 0.36, 0.33, 0.37])  # lower MSE for a
    with pytest.raises(ValueError, match="higher_is_better"):
        d.verdict("Huber", "MSE")
    with pytest.raises(ValueError, match="higher_is_better"):
        d.verdict("Huber", "MSE", higher_is_better="no")
    assert d.verdict("Huber", "MSE", higher_is_better=False) == "Huber is better than MSE"
    assert d.verdict("Huber", "MSE", higher_is_better=True) == "MSE is better than Huber"
    noisy = stats.paired_difference([0.30, 0.36, 0.29, 0.31], [0.32, 0.30, 0.33, 0.30])
    text = noisy.verdict("Huber", "MSE", higher_is_better=False)
    assert "not determined by this experiment" in text and "no difference" not in text


def test_paired_difference_keeps_its_old_fields():
    d = stats.paired_difference([0.85, 0.84, 0.86, 0.85], [0.84, 0.83, 0.84, 0.84])
    assert (d.n, d.wins, d.confidence, d.test, d.scale, d.df) == (4, (4, 0, 0), 0.95, "t", "difference", 3)
    assert d.sd_diff == d.sd and d.se == pytest.approx(d.sd / 2) and d.estimate == d.mean
    assert d == stats.PairedDifference(d.mean, d.sd, d.n, d.ci_low, d.ci_high, d.p_value, d.wins)


def test_moved_names_still_import_from_compare():
    from companion import compare

    for name in ("supported_decimals", "format_estimate", "format_mean", "format_p_value", "PairedDifference",
                 "paired_difference"):
        assert getattr(compare, name) is getattr(stats, name) is getattr(cp, name)


# ---------------------------------------------------------------- TOST

def test_tost_against_scipys_one_sided_tests():
    from scipy import stats as sps

    rng = np.random.default_rng(8)
    for _ in range(20):
        a = rng.normal(0.8, 0.02, 10)
        b = a + rng.normal(rng.uniform(-0.01, 0.01), 0.005, 10)
        m = rng.uniform(0.002, 0.02)
        d = a - b
        lower = sps.ttest_1samp(d, -m, alternative="greater").pvalue  # H0: mean <= -m
        upper = sps.ttest_1samp(d, m, alternative="less").pvalue      # H0: mean >= +m
        assert stats.tost(a, b, m) == pytest.approx(max(lower, upper), rel=1e-9)
        # equivalence at 5% <=> the 90% interval lies inside (-m, +m)
        ninety = stats.paired_difference(a, b, confidence=0.90)
        assert (stats.tost(a, b, m) < 0.05) == (-m < ninety.ci_low and ninety.ci_high < m)


def test_tost_by_hand():
    # d = (0.001, -0.001, 0.002, 0.000): mean 0.0005, s^2 = (0.25 + 2.25 + 2.25 + 0.25) e-6 / 3 = 5/3 e-6
    b = np.array([0.5, 0.6, 0.7, 0.8])
    d = np.array([0.001, -0.001, 0.002, 0.000])
    se = math.sqrt(5 / 3 * 1e-6 / 4)
    from scipy import stats as sps

    expected = max(sps.t.sf((0.0005 + 0.003) / se, 3), sps.t.cdf((0.0005 - 0.003) / se, 3))
    assert stats.tost(b + d, b, 0.003) == pytest.approx(expected, rel=1e-9)
    assert expected == pytest.approx(sps.t.cdf(-0.0025 / se, 3))  # the upper bound is the closer one
    # corrected: the same with the inflated standard error
    se_c = math.sqrt(5 / 3 * 1e-6 * (1 / 4 + 25 / 100))
    expected_c = max(sps.t.sf((0.0005 + 0.003) / se_c, 3), sps.t.cdf((0.0005 - 0.003) / se_c, 3))
    assert stats.tost(b + d, b, 0.003, test="corrected", n_train=100, n_test=25) == pytest.approx(expected_c)
    # ties: inside any margin with certainty
    assert stats.tost(b, b, 0.001) == 0.0 and stats.tost(b + 0.01, b, 0.001) == 1.0


def test_tost_on_the_log_scale_takes_a_relative_margin():
    from scipy import stats as sps

    b = np.array([0.2, 0.5, 0.1, 0.9, 0.3])
    a = b * np.array([1.02, 0.97, 1.01, 1.03, 0.99])
    log_d = np.log(a) - np.log(b)
    m = math.log(1.1)
    expected = max(sps.ttest_1samp(log_d, -m, alternative="greater").pvalue,
                   sps.ttest_1samp(log_d, m, alternative="less").pvalue)
    assert stats.tost(a, b, 0.1, test="log_ratio") == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("margin", [0, -0.1, math.nan, math.inf, "wide"])
def test_tost_rejects_a_bad_margin(margin):
    with pytest.raises(ValueError, match="margin"):
        stats.tost([0.5, 0.6], [0.4, 0.5], margin)


# ---------------------------------------------------------------- Holm

def test_holm_matches_statsmodels():
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(4)
    vectors = [rng.uniform(0, 1, size) ** 3 for size in (1, 2, 5, 10, 40)]
    vectors += [np.array([0.01, 0.01, 0.04, 0.5, 0.04]), np.array([0.0, 1.0, 0.3]), np.full(4, 0.02)]
    for p in vectors:
        expected = multipletests(p, method="holm")[1]
        adjusted = stats.holm(p)
        np.testing.assert_allclose(adjusted, expected, rtol=1e-12, atol=0)
        assert np.all(adjusted <= 1) and np.all(adjusted >= p)
        order = np.argsort(p)
        assert np.all(np.diff(adjusted[order]) >= 0)  # monotone in the raw p-values
    assert len(vectors) == 8


def test_holm_by_hand():
    # sorted: 0.01 (x3 = 0.03), 0.03 (x2 = 0.06), 0.04 (x1 = 0.04 -> 0.06 by monotonicity)
    assert stats.holm([0.01, 0.04, 0.03]).tolist() == pytest.approx([0.03, 0.06, 0.06])
    assert stats.holm([]).shape == (0,)


@pytest.mark.parametrize("p, message", [([0.1, math.nan], "lie in"), ([0.1, 1.2], "lie in"), ([-0.1], "lie in"),
                                        ([[0.1, 0.2]], "one-dimensional")])
def test_holm_rejects_bad_input(p, message):
    with pytest.raises(ValueError, match=message):
        stats.holm(p)


# ---------------------------------------------------------------- power

def test_replicates_needed_for_the_usual_effect_sizes():
    from statsmodels.stats.power import TTestPower

    assert stats.replicates_needed(1.0, 2 / 3) in (20, 21)
    assert stats.replicates_needed(1.0, 0.5) in (33, 34)
    for effect in (0.3, 0.5, 2 / 3, 1.0, 1.5):
        n = stats.replicates_needed(0.02, 0.02 * effect)  # in score units: only the ratio matters
        solved = TTestPower().solve_power(effect_size=effect, alpha=0.05, power=0.8, alternative="two-sided")
        assert n == max(math.ceil(solved - 1e-9), 2), (effect, n, solved)
        assert stats._power(0.02 * effect, 0.02, n, 0.05) >= 0.8 > stats._power(0.02 * effect, 0.02, n - 1, 0.05) \
            or n == 2
    assert stats.replicates_needed(1.0, 0.5, power=0.9) > stats.replicates_needed(1.0, 0.5)
    assert stats.replicates_needed(1.0, 0.5, alpha=0.01) > stats.replicates_needed(1.0, 0.5)


def test_ten_replicates_detect_two_thirds_of_a_standard_deviation_less_than_half_the_time():
    from statsmodels.stats.power import TTestPower

    power = stats._power(2 / 3, 1.0, 10, 0.05)
    assert power < 0.5
    assert power == pytest.approx(TTestPower().power(effect_size=2 / 3, nobs=10, alpha=0.05), rel=1e-6)
    assert stats.detectable_difference(1.0, 10) > 2 / 3


def test_detectable_difference_inverts_the_power():
    for sd, n in ((1.0, 10), (0.02, 20), (0.005, 3), (3.0, 100)):
        delta = stats.detectable_difference(sd, n)
        assert stats._power(delta, sd, n, 0.05) == pytest.approx(0.8, abs=1e-8)
        assert stats.replicates_needed(sd, delta * (1 + 1e-6)) <= n
    assert stats.detectable_difference(1.0, 34) < 0.5 < stats.detectable_difference(1.0, 33)


@pytest.mark.parametrize(
    "call, message",
    [(lambda: stats.replicates_needed(0, 0.1), "sd_diff"), (lambda: stats.replicates_needed(1, 0), "margin"),
     (lambda: stats.replicates_needed(1, 0.1, alpha=1.5), "alpha"),
     (lambda: stats.replicates_needed(1, 0.1, power=0.01), "power"),
     (lambda: stats.replicates_needed(1, 1e-5), "more than"),
     (lambda: stats.detectable_difference(1, 1), "n must be"),
     (lambda: stats.detectable_difference(1, 2.5), "n must be"),
     (lambda: stats.detectable_difference(-1, 10), "sd_diff")],
)
def test_power_functions_reject_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------- Family

def mse_family(**kwargs):
    args = {"question": "Which loss gives the lowest test MSE?", "reference": "MSE",
            "recipes": ["worse", "better", "same", "noisy", "slightly better"], "score": "test MSE",
            "higher_is_better": False, "margin": 0.02}
    args.update(kwargs)
    return stats.Family(**args)


def mse_scores(n=12, seed=0):
    rng = np.random.default_rng(seed)
    mse = 0.40 + 0.05 * rng.standard_normal(n)
    return {"MSE": mse,
            "worse": mse + 0.05 + 0.01 * rng.standard_normal(n),            # higher MSE: worse
            "better": mse - 0.05 + 0.01 * rng.standard_normal(n),           # lower MSE: better
            "same": mse + 0.001 * rng.standard_normal(n),                   # tiny differences: equivalent
            "noisy": mse + 0.01 + 0.08 * rng.standard_normal(n),            # too noisy to tell
            "slightly better": mse - 0.005 + 0.001 * rng.standard_normal(n)}  # better, by less than 0.02


def test_family_verdicts_respect_the_direction_of_a_lower_is_better_score():
    result = mse_family().evaluate(mse_scores())
    assert {name: result.verdict(name) for name in mse_family().recipes} == {
        "worse": "worse", "better": "better", "same": "equivalent within ±0.02",
        "noisy": "not determined by this experiment", "slightly better": "better, by less than 0.02"}
    # the same scores read as an accuracy: the direction flips the words
    flipped = mse_family(higher_is_better=True).evaluate(mse_scores())
    assert flipped.verdict("worse") == "better" and flipped.verdict("better") == "worse"
    assert flipped.verdict("slightly better") == "worse, by less than 0.02"
    for r in result.records() + flipped.records():
        assert "no difference" not in r["verdict"]


def test_family_holm_runs_over_the_difference_and_the_equivalence_tests_together():
    scores = mse_scores()
    family = mse_family()
    result = family.evaluate(scores)
    records = result.records()
    raw = [stats.paired_difference(scores[r], scores["MSE"]).p_value for r in family.recipes]
    raw_eq = [stats.tost(scores[r], scores["MSE"], 0.02) for r in family.recipes]
    adjusted = stats.holm(raw + raw_eq)
    assert [r["p"] for r in records] == pytest.approx(raw)
    assert [r["tost_p"] for r in records] == pytest.approx(raw_eq)
    assert [r["p_holm"] for r in records] == pytest.approx(adjusted[:5].tolist())
    assert [r["tost_p_holm"] for r in records] == pytest.approx(adjusted[5:].tolist())
    assert all(r["p_holm"] >= r["p"] for r in records)


def test_family_records_hold_the_raw_numbers():
    scores = mse_scores()
    result = mse_family().evaluate(scores)
    r = result.row("worse")
    diff = scores["worse"] - scores["MSE"]
    assert r["n"] == 12 and r["recipe"] == "worse" and r["reference"] == "MSE" and r["score"] == "test MSE"
    assert r["difference"] == pytest.approx(diff.mean()) and r["estimate"] == pytest.approx(diff.mean())
    assert r["relative_difference"] == pytest.approx(diff.mean() / scores["MSE"].mean())
    assert r["sd_diff"] == pytest.approx(diff.std(ddof=1))
    # lower is better: a win is a replicate in which the recipe's MSE is below the reference's
    assert (r["wins"], r["ties"], r["losses"]) == (int(np.sum(diff < 0)), 0, int(np.sum(diff > 0)))
    assert r["share_better"] == r["wins"] / 12
    from scipy import stats as sps

    half = sps.t.ppf(0.975, 11) * diff.std(ddof=1) / math.sqrt(12)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((diff.mean() - half, diff.mean() + half))
    import json

    json.dumps(result.records())  # plain numbers and strings


def test_family_text_and_table():
    result = mse_family().evaluate(mse_scores())
    text = result.text("worse")
    pattern = r"^worse: \+0\.0\d+ \(95% CI \+0\.0\d+ to \+0\.0\d+\), Holm p < 0\.001, better in 0 of 12 replicates$"
    assert re.match(pattern, text), text
    assert result.text("same").startswith("equivalent within ±0.02: ")
    assert "equivalence Holm p" in result.text("same") and ", Holm p" not in result.text("same")
    assert "Holm p" in result.text("slightly better") and "equivalence Holm p" in result.text("slightly better")
    table = result.table()
    assert list(table.columns) == ["recipe", "difference (95% CI, unadjusted)", "Holm p", "better in", "verdict"]
    assert table["recipe"].tolist() == list(mse_family().recipes)
    assert table["verdict"].tolist() == [result.verdict(r) for r in mse_family().recipes]
    assert table.loc[0, "better in"] == "0 of 12"
    for cell in table["difference (95% CI, unadjusted)"]:
        est, low, high = re.match(r"^(\S+) \((\S+) to (\S+)\)$", cell).groups()
        assert low != high
    assert all(len(str(v)) < 40 for v in table.to_numpy().ravel())  # narrow cells
    with pytest.raises(ValueError, match="not a recipe"):
        result.row("Huber")


def test_family_of_identical_scores():
    a = np.array([0.80, 0.81, 0.82])
    result = stats.Family("q", "A", ["B"], "accuracy", higher_is_better=True, margin=0.01).evaluate({"A": a, "B": a})
    assert result.verdict("B") == "equivalent within ±0.01"
    assert result.table().loc[0, "difference (95% CI, unadjusted)"] == "identical in all 3 replicates"
    assert result.text("B") == "equivalent within ±0.01: identical in all 3 replicates, equivalence Holm p < 0.001, " \
                               "better in 0 of 3 (3 tied) replicates"


def test_family_log_ratio():
    rng = np.random.default_rng(6)
    ref = np.exp(rng.normal(-1.5, 1.0, 10))
    scores = {"MSE": ref, "half": ref * np.exp(rng.normal(np.log(0.5), 0.1, 10)),
              "same": ref * np.exp(rng.normal(0.0, 0.01, 10))}
    result = stats.Family("q", "MSE", ["half", "same"], "test MSE", higher_is_better=False, margin=0.1,
                          test="log_ratio").evaluate(scores)
    assert result.verdict("half") == "better" and result.verdict("same") == "equivalent within a factor 1.1"
    assert result.row("half")["estimate"] == pytest.approx(float(np.exp(np.mean(np.log(scores["half"] / ref)))))
    assert list(result.table().columns)[1] == "ratio (95% CI, unadjusted)"
    assert result.table().loc[0, "ratio (95% CI, unadjusted)"].startswith("×0.")


def test_family_corrected():
    scores = mse_scores(n=10)
    result = mse_family(recipes=["worse"], test="corrected", n_train=400, n_test=100).evaluate(scores)
    expected = stats.paired_difference(scores["worse"], scores["MSE"], test="corrected", n_train=400, n_test=100)
    assert result.row("worse")["p"] == pytest.approx(expected.p_value)
    assert result.row("worse")["se"] == pytest.approx(expected.se)


def test_family_accepts_a_tidy_dataframe_in_any_row_order():
    import pandas as pd

    scores = mse_scores(n=6)
    seeds = [3, 1, 4, 15, 9, 2]
    rows = [{"recipe": name, "seed": seed, "test MSE": value, "other": 0}
            for name, values in scores.items() for seed, value in zip(seeds, values)]
    rows.append({"recipe": "not in the family", "seed": 3, "test MSE": 0.1, "other": 0})
    frame = pd.DataFrame(rows).sample(frac=1.0, random_state=0)
    family = mse_family()
    in_seed_order = {name: values[np.argsort(seeds)] for name, values in scores.items()}
    assert family.evaluate(frame).records() == family.evaluate(in_seed_order).records()


def test_family_dataframe_errors():
    import pandas as pd

    scores = mse_scores(n=4)
    rows = [{"recipe": name, "seed": seed, "test MSE": value}
            for name, values in scores.items() for seed, value in enumerate(values)]
    family = mse_family()
    with pytest.raises(ValueError, match="do not share their seeds"):
        family.evaluate(pd.DataFrame([r for r in rows if not (r["recipe"] == "noisy" and r["seed"] == 2)]))
    with pytest.raises(ValueError, match="more than one row for seed"):
        family.evaluate(pd.DataFrame(rows + [rows[0]]))
    with pytest.raises(ValueError, match="no rows for recipe 'better'"):
        family.evaluate(pd.DataFrame([r for r in rows if r["recipe"] != "better"]))
    with pytest.raises(ValueError, match="columns"):
        family.evaluate(pd.DataFrame(rows).rename(columns={"seed": "replicate"}))


@pytest.mark.parametrize(
    "change, message",
    [(lambda s: s.pop("same"), "no entry for recipe 'same'"),
     (lambda s: s.__setitem__("noisy", s["noisy"][:-1]), "recipe 'noisy' has 11 scores"),
     (lambda s: s["better"].__setitem__(3, math.nan), "'better' hold 1 NaN"),
     (lambda s: s.__setitem__("worse", s["worse"].reshape(3, 4)), "one-dimensional")],
)
def test_family_rejects_bad_scores(change, message):
    scores = mse_scores()
    change(scores)
    with pytest.raises(ValueError, match=message):
        mse_family().evaluate(scores)


def test_family_needs_two_replicates():
    with pytest.raises(ValueError, match="at least 2 replicates"):
        stats.Family("q", "A", ["B"], "s", True, 0.1).evaluate({"A": [0.5], "B": [0.6]})


@pytest.mark.parametrize(
    "kwargs, message",
    [({"recipes": []}, "at least one recipe"), ({"recipes": ["MSE", "Huber"]}, "reference 'MSE' is among"),
     ({"recipes": ["Huber", "Huber"]}, "named twice"), ({"recipes": "Huber"}, "list of names"),
     ({"margin": 0}, "margin"), ({"margin": -0.01}, "margin"), ({"higher_is_better": None}, "higher_is_better"),
     ({"test": "z"}, "unknown test"), ({"test": "corrected"}, "n_train and n_test"),
     ({"n_train": 10, "n_test": 5}, "corrected' only"), ({"alpha": 0.5}, "alpha"), ({"question": ""}, "question"),
     ({"score": None}, "score")],
)
def test_family_validates_its_declaration(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mse_family(**kwargs)


def test_family_is_declared_with_the_documented_signature():
    family = stats.Family("q", "MSE", ["Huber"], "test MSE", False, 0.01, "corrected", 80, 20, 0.1)
    assert (family.test, family.n_train, family.n_test, family.alpha, family.recipes) == (
        "corrected", 80, 20, 0.1, ("Huber",))


# ---------------------------------------------------------------- planning the replicates


def test_plan_replicates_uses_the_rounded_pilot_spread_and_the_power_calculation():
    from companion.stats import plan_replicates, replicates_needed

    pilot = [0.011, -0.019, 0.032, 0.001, 0.018, -0.012]
    plan = plan_replicates(pilot, margin=0.015)
    assert plan.sd_diff == 0.02  # sd 0.0188 at one significant digit
    assert plan.needed == replicates_needed(0.02, 0.015) and plan.n == plan.needed and not plan.capped
    # A slightly different pilot (another CPU's rounding) gives the same plan.
    assert plan_replicates([x * 1.01 for x in pilot], margin=0.015) == plan
    assert plan.detectable >= cp.detectable_difference(0.02, plan.n)  # rounded up, never flattering
    assert plan.detectable <= 1.1 * cp.detectable_difference(0.02, plan.n)


def test_plan_replicates_clips_to_the_budget_and_says_so():
    from companion.stats import plan_replicates

    capped = plan_replicates([0.01, -0.02, 0.03, 0.0, 0.02, -0.01], margin=0.005, n_max=30)
    assert (capped.n, capped.capped) == (30, True) and capped.needed > 30
    assert "capped" in capped.text() and capped.detectable > capped.margin
    easy = plan_replicates([0.01, -0.02, 0.03, 0.0, 0.02, -0.01], margin=1.0, n_min=10)
    assert easy.n == 10 and not easy.capped


@pytest.mark.parametrize("kwargs, message", [
    ({"pilot_differences": [0.1]}, "at least 2"),
    ({"pilot_differences": [0.1, float("nan")]}, "NaN"),
    ({"pilot_differences": [0.1, 0.1, 0.1]}, "no spread"),
    ({"margin": 0}, "margin"),
    ({"n_min": 20, "n_max": 10}, "n_min"),
])
def test_plan_replicates_rejects_bad_input(kwargs, message):
    from companion.stats import plan_replicates

    args = {"pilot_differences": [0.01, -0.02, 0.03], "margin": 0.01, **kwargs}
    with pytest.raises(ValueError, match=message):
        plan_replicates(**args)


def test_family_text_and_table_can_print_what_holds_on_every_processor():
    family = cp.Family("q", "A", ["B"], "accuracy", higher_is_better=True, margin=0.01)
    result = family.evaluate({"A": [0.80, 0.82, 0.81, 0.80], "B": [0.85, 0.86, 0.87, 0.80]})
    assert "Holm p = " in result.text("B") and "better in 3 of 4 (1 tied)" in result.text("B")
    stable = result.text("B", p_as_bound=True, wins=False)
    assert "Holm p < 0.05" in stable or "Holm p ≥ 0.05" in stable
    assert stable.endswith(", 4 replicates") and "tied" not in stable
    table = result.table(p_as_bound=True, wins=False)
    assert "better in" not in table.columns and table.loc[0, "Holm p"] in ("< 0.05", "≥ 0.05", "< 0.01", "< 0.001")
    assert list(result.table().columns)[-2:] == ["better in", "verdict"]


def test_family_text_can_print_one_bound_only():
    family = cp.Family("q", "A", ["B"], "accuracy", higher_is_better=True, margin=0.01)
    result = family.evaluate({"A": [0.80, 0.82, 0.81, 0.80, 0.79], "B": [0.90, 0.91, 0.92, 0.90, 0.89]})
    assert "Holm p < 0.001" in result.text("B", p_as_bound=True)
    assert "Holm p < 0.05" in result.text("B", p_as_bound=0.05)
    assert result.table(p_as_bound=0.05).loc[0, "Holm p"] == "< 0.05"


def test_the_paired_t_interval_is_scipys():
    from scipy import stats as sps

    rng = np.random.default_rng(3)
    a, b = rng.normal(0.8, 0.02, 25), rng.normal(0.79, 0.02, 25)
    d = cp.paired_difference(a, b)
    result = sps.ttest_rel(a, b)
    interval = result.confidence_interval(0.95)
    assert d.p_value == pytest.approx(result.pvalue, rel=1e-12)
    assert (d.ci_low, d.ci_high) == pytest.approx((interval.low, interval.high), rel=1e-12)
