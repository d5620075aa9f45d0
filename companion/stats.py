"""The statistics behind every verdict: paired differences, intervals, Holm, TOST, power and the digits rule.

The design in six ideas:

* **A replicate** is one complete run of an experiment: one seed (weights, batch order and, where the
  data are redrawn, the data), one score per recipe. Two recipes run on the same replicates are
  *paired*: they share everything but the recipe, so the per-replicate differences ``d = a - b``
  cancel the replicate-to-replicate noise, and every test here is a test on those differences
  (:func:`paired_difference`).
* **A family** (:class:`Family`) is the set of comparisons one question needs, declared *before* the
  experiment: a reference recipe, the recipes compared with it, the score, its direction and the
  smallest difference that matters (the margin). Declaring it first is what makes its p-values mean
  what they say.
* **Holm** (:func:`holm`): a family of ``m`` tests at level ``alpha`` each finds about ``m alpha``
  "effects" that are not there. Holm's step-down adjustment keeps the chance of *any* false claim in
  the family below ``alpha``, uniformly more powerful than Bonferroni and valid under any dependence.
* **TOST** (:func:`tost`): "no difference was detected" is not evidence of no difference. The two
  one-sided tests of Schuirmann (1987) test *equivalence* at a margin fixed in advance: both
  "the difference is at most ``-m``" and "at least ``+m``" are rejected. At level ``alpha`` this is the
  same as the ``1 - 2 alpha`` interval lying inside ``(-m, +m)``. A comparison that neither test
  settles is *not determined by this experiment*: this module never prints "no difference".
* **Why a corrected t on real data** (``test="corrected"``): when the replicates are ``J`` random
  train/test splits of *one* finite data set, the splits overlap, the differences are positively
  correlated and the plain paired t-test is far too confident. Nadeau & Bengio (2003) inflate the
  variance of the mean difference from ``s^2 / J`` to ``s^2 (1/J + n_test/n_train)``. Synthetic data
  redrawn per replicate does not need it.
* **The digits rule** (:func:`supported_decimals`, :func:`format_estimate`, :func:`format_interval`):
  a number is printed only to the decimal whose unit is at least its standard error, so the printed
  digits do not move from one CPU to the next. An interval's ends get the digits of the *difference's*
  standard error, and a printed interval never has two equal ends: when they would print alike, more
  decimals are added until they differ. Differences that are exactly zero in every replicate print as
  "identical in all n replicates".

``import companion.stats`` imports NumPy only; SciPy and pandas are imported by the functions that need them.

References: Nadeau, C. & Bengio, Y. (2003), *Inference for the generalization error*, Machine Learning
52:239-281. Holm, S. (1979), *A simple sequentially rejective multiple test procedure*, Scand. J. Statist.
6:65-70. Schuirmann, D. J. (1987), *A comparison of the two one-sided tests procedure and the power
approach for assessing the equivalence of average bioavailability*, J. Pharmacokin. Biopharm. 15:657-680.
"""

import math
from dataclasses import dataclass

import numpy as np

TESTS = ("t", "corrected", "sign_flip", "log_ratio")
"""The tests :func:`paired_difference` knows."""

_TEST_NAMES = {"t": "paired t-test", "corrected": "corrected resampled t-test", "sign_flip": "sign-flip test",
               "log_ratio": "paired t-test on log scores"}
_MAX_DECIMALS = 6  # the most decimals format_interval adds to keep two ends apart
_EXACT_SIGN_FLIP = 20  # up to this many replicates the sign-flip test enumerates every sign pattern


# --------------------------------------------------------------------------------------------------
# The digits rule
# --------------------------------------------------------------------------------------------------

def supported_decimals(se, max_decimals=3):
    """Return how many decimals a standard error supports.

    A digit is printed when its unit is at least the standard error:

    .. math::

        d = \\operatorname{clip}\\left(\\lfloor -\\log_{10} \\mathrm{se} \\rfloor, 0, d_{\\max}\\right)

    So a standard error of 0.003 supports two decimals (0.01 >= 0.003 > 0.001) and one of
    0.0009 supports three.

    Parameters
    ----------
    se : float
        Standard error of the quantity, ``>= 0``. Zero (every run identical)
        supports ``max_decimals``.
    max_decimals : int, default=3
        The most decimals ever printed.

    Returns
    -------
    decimals : int

    Raises
    ------
    ValueError
        If ``se`` is negative or not finite, or ``max_decimals`` is negative.

    Examples
    --------
    >>> from companion.stats import supported_decimals
    >>> supported_decimals(0.003), supported_decimals(0.0009), supported_decimals(0.0)
    (2, 3, 3)
    """
    se = float(se)
    if not math.isfinite(se) or se < 0:
        raise ValueError(f"se must be a finite number >= 0, got {se!r}")
    if int(max_decimals) != max_decimals or max_decimals < 0:
        raise ValueError(f"max_decimals must be an integer >= 0, got {max_decimals!r}")
    if se == 0:
        return int(max_decimals)
    return int(min(max(math.floor(-math.log10(se)), 0), max_decimals))


def _one_significant(x, max_decimals):
    """Format ``x >= 0`` to one significant digit, with at most ``max_decimals`` decimals."""
    if x < 10.0 ** -max_decimals / 2:
        return f"{0:.{max_decimals}f}"
    decimals = min(max(-math.floor(math.log10(x)), 0), max_decimals)
    rounded = round(x, decimals)
    if rounded > 0 and decimals > 0 and rounded >= 10.0 ** (1 - decimals):
        decimals -= 1  # 0.096 rounds to 0.10: one significant digit is 0.1
    return f"{x:.{decimals}f}"


def format_estimate(mean, sd, n, spread=True, max_decimals=3):
    """Format a mean of ``n`` runs at the precision its standard error supports.

    The mean gets :func:`supported_decimals` of its standard error
    ``se = sd / sqrt(n)``. With ``spread=True`` the run-to-run standard deviation
    follows as ``± sd``, at one significant digit (``n`` runs do not pin down a
    second one: its relative standard error is about ``1 / sqrt(2 (n - 1))``).

    .. math::

        \\mathrm{se} = s / \\sqrt{n}, \\qquad \\text{decimals} = \\text{supported\\_decimals}(\\mathrm{se})

    Parameters
    ----------
    mean : float
    sd : float
        Standard deviation of the runs (``ddof=1``), ``>= 0``.
    n : int
        Number of runs, at least 2.
    spread : bool, default=True
        Append ``± sd``.
    max_decimals : int, default=3

    Returns
    -------
    text : str

    Raises
    ------
    ValueError
        For ``n < 2``, a negative or non-finite ``sd``, or a non-finite ``mean``.

    Examples
    --------
    >>> from companion.stats import format_estimate
    >>> format_estimate(0.8184, 0.01, 10)
    '0.82 ± 0.01'
    >>> format_estimate(0.8184, 0.002, 10, spread=False)
    '0.818'
    """
    if int(n) != n or n < 2:
        raise ValueError(f"a standard error needs n >= 2 runs, got n={n!r}")
    mean, sd = float(mean), float(sd)
    if not math.isfinite(mean):
        raise ValueError(f"mean must be finite, got {mean!r}")
    if not math.isfinite(sd) or sd < 0:
        raise ValueError(f"sd must be a finite number >= 0, got {sd!r}")
    decimals = supported_decimals(sd / math.sqrt(n), max_decimals)
    text = f"{mean:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return f"{text} ± {_one_significant(sd, max_decimals)}" if spread else text


def format_mean(values, spread=True, max_decimals=3):
    """Format the mean of per-run values at the precision their standard error supports.

    .. math::

        \\bar x = \\frac{1}{n} \\sum_i x_i, \\qquad \\mathrm{se} = \\frac{s}{\\sqrt n}

    Parameters
    ----------
    values : array_like of shape (n,)
        One final score per run (per seed), ``n >= 2``, all finite.
    spread : bool, default=True
        Append ``± sd`` (standard deviation with ``ddof=1``, one significant digit).
    max_decimals : int, default=3

    Returns
    -------
    text : str
        For glued values and tables; see :func:`format_estimate`.

    Raises
    ------
    ValueError
        If ``values`` is not one-dimensional, has fewer than two entries, or holds
        a NaN or infinity.

    Examples
    --------
    >>> from companion.stats import format_mean
    >>> format_mean([0.81, 0.83, 0.82, 0.80, 0.84, 0.82, 0.81, 0.83, 0.82, 0.82])
    '0.82 ± 0.01'
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"values must be one-dimensional (one score per run), got shape {values.shape}")
    if values.size < 2:
        raise ValueError(f"a standard error needs at least 2 runs, got {values.size}")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"values hold {int(np.sum(~np.isfinite(values)))} NaN or infinite entries")
    return format_estimate(values.mean(), values.std(ddof=1), values.size, spread, max_decimals)


def format_p_value(p, as_bound=False):
    """Format a p-value at one significant digit, or as the conventional bound it passes.

    .. math::

        p \\mapsto \\begin{cases} \\text{"< 0.001"} & p < 0.001 \\\\
        p \\text{ at one significant digit} & \\text{otherwise} \\end{cases}

    Parameters
    ----------
    p : float
        A probability in [0, 1].
    as_bound : bool, default=False
        Print only the smallest of 0.001, 0.01 and 0.05 that ``p`` is below
        (``"< 0.01"``), or ``"≥ 0.05"``. A p-value's first digit can move from
        one CPU to the next when the runs behind it do; the bound moves only
        when ``p`` sits at one of the three thresholds.

    Returns
    -------
    text : str
        ``"< 0.001"`` below 0.001 in either style.

    Raises
    ------
    ValueError
        If ``p`` is not in [0, 1].

    Examples
    --------
    >>> from companion.stats import format_p_value
    >>> format_p_value(0.0123), format_p_value(0.4), format_p_value(2e-5)
    ('0.01', '0.4', '< 0.001')
    >>> format_p_value(0.0123, as_bound=True), format_p_value(0.4, as_bound=True)
    ('< 0.05', '≥ 0.05')
    """
    p = float(p)
    if not 0 <= p <= 1:
        raise ValueError(f"a p-value lies in [0, 1], got {p!r}")
    if as_bound:
        return next((f"< {bound:g}" for bound in (0.001, 0.01, 0.05) if p < bound), "≥ 0.05")
    if p < 0.001:
        return "< 0.001"
    return _one_significant(p, 3)


def _p_text(p, as_bound=False):
    """``"= 0.02"``, ``"< 0.001"`` or ``"< 0.05"``: a p-value after the letter p.

    ``as_bound`` may also be a level such as 0.05: then only ``"< 0.05"`` or ``"≥ 0.05"``.
    """
    if not isinstance(as_bound, bool):
        return f"< {as_bound:g}" if p < as_bound else f"≥ {as_bound:g}"
    return f"{'' if as_bound or p < 0.001 else '= '}{format_p_value(p, as_bound=as_bound)}"


def _check_max_decimals(max_decimals):
    if max_decimals is None:
        return None
    if isinstance(max_decimals, (bool, np.bool_)) or not isinstance(max_decimals, (int, np.integer)) \
            or max_decimals < 0:
        raise ValueError(f"max_decimals must be a non-negative integer, got {max_decimals!r}")
    return int(max_decimals)


def _confidence_label(confidence):
    return f"{round(confidence * 100, 4):g}%"


def format_interval(estimate, low, high, se, n=None, confidence=0.95, max_decimals=None, scale="difference",
                    unit="replicates"):
    """Format an estimate and its confidence interval, at the digits the standard error supports.

    The three numbers get :func:`supported_decimals` of ``se`` (at most 3), capped by ``max_decimals``.
    **A printed interval never has two equal ends:** when ``low`` and ``high`` would print alike, decimals
    are added until they differ (up to 6; an interval narrower still prints as "narrower than 1e-06"). This
    rule wins over ``max_decimals``. When the interval is a point (``se == 0``, ``low == high``), every
    replicate gave the same difference: ``"identical in all n replicates"`` if it is zero (a ratio of 1).

    .. math::

        d = \\max\\bigl(\\min(\\text{supported\\_decimals}(\\mathrm{se}), d_{\\max}),\\;
        \\min\\{k : \\mathrm{round}(\\ell, k) \\ne \\mathrm{round}(h, k)\\}\\bigr)

    Parameters
    ----------
    estimate, low, high : float
        The estimate and its interval, on the printed scale (a ratio for ``scale="ratio"``).
    se : float
        Standard error of the estimate on the printed scale, ``>= 0`` (for a ratio ``r = exp(m)`` of a
        mean log ratio ``m``: ``r * se(m)``, the delta method).
    n : int, optional
        Number of replicates, for the text of a point interval.
    confidence : float or None, default=0.95
        Printed as ``"95% CI"`` inside the parentheses; ``None`` prints the two ends alone (a table whose
        header names the interval).
    max_decimals : int, optional
        Print at most this many decimals, unless the two ends would then be equal.
    scale : {"difference", "ratio"}, default="difference"
        ``"difference"`` prints signed numbers (``+0.012``, zero unsigned); ``"ratio"`` prints ``×0.52``.
    unit : str, default="replicates"
        The word after ``n`` in a point interval's text (``"seeds"``).

    Returns
    -------
    text : str

    Raises
    ------
    ValueError
        For non-finite numbers, a negative ``se``, ``low > high``, a non-positive ratio, an unknown
        ``scale``, a ``confidence`` outside (0, 1) or a bad ``max_decimals``.

    Examples
    --------
    >>> from companion.stats import format_interval
    >>> format_interval(0.0125, 0.0014, 0.0236, 0.0035)
    '+0.01 (95% CI 0.00 to +0.02)'
    >>> format_interval(0.0001, -0.0003, 0.0004, 0.00012)  # 0.000 to 0.000 would hide the interval
    '+0.0001 (95% CI -0.0003 to +0.0004)'
    >>> format_interval(0.0, 0.0, 0.0, 0.0, n=10)
    'identical in all 10 replicates'
    >>> format_interval(0.52, 0.40, 0.68, 0.06, scale="ratio")  # se 0.06 supports one decimal
    '×0.5 (95% CI ×0.4 to ×0.7)'
    >>> format_interval(0.523, 0.511, 0.535, 0.006, scale="ratio")
    '×0.52 (95% CI ×0.51 to ×0.54)'
    """
    estimate, low, high, se = float(estimate), float(low), float(high), float(se)
    if not all(math.isfinite(x) for x in (estimate, low, high, se)):
        raise ValueError(f"estimate, low, high and se must be finite, got {(estimate, low, high, se)!r}")
    if se < 0:
        raise ValueError(f"se must be >= 0, got {se!r}")
    if low > high:
        raise ValueError(f"the interval needs low <= high, got [{low!r}, {high!r}]")
    if scale not in ("difference", "ratio"):
        raise ValueError(f"scale must be 'difference' or 'ratio', got {scale!r}")
    if scale == "ratio" and min(estimate, low) <= 0:
        raise ValueError(f"a ratio and its interval must be positive, got {estimate!r} in [{low!r}, {high!r}]")
    if confidence is not None and not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence!r}")
    max_decimals = _check_max_decimals(max_decimals)

    def fmt(x, decimals):
        if scale == "ratio":
            return f"×{x:.{decimals}f}"
        text = f"{x:+.{decimals}f}"
        return text[1:] if float(text) == 0 else text

    decimals = supported_decimals(se)
    if max_decimals is not None:
        decimals = min(decimals, max_decimals)
    if se == 0 and low == high:  # the same difference in every replicate
        null = 1.0 if scale == "ratio" else 0.0
        replicates = f"all {n} {unit}" if n is not None else f"all {unit}"
        if estimate == null:
            return f"identical in {replicates}"
        return f"{fmt(estimate, decimals)} in {replicates}"
    while fmt(low, decimals) == fmt(high, decimals) and decimals < _MAX_DECIMALS:
        decimals += 1
    label = "" if confidence is None else f"{_confidence_label(confidence)} CI "
    if fmt(low, decimals) == fmt(high, decimals):
        return f"{fmt(estimate, decimals)} ({label}narrower than {10.0 ** -_MAX_DECIMALS:g})"
    return f"{fmt(estimate, decimals)} ({label}{fmt(low, decimals)} to {fmt(high, decimals)})"


# --------------------------------------------------------------------------------------------------
# Paired differences
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PairedDifference:
    """A paired comparison of two recipes over the same replicates (:func:`paired_difference`).

    Attributes
    ----------
    mean : float
        Mean of the per-replicate differences that were tested: ``a - b``, or ``log a - log b`` for
        ``test="log_ratio"``.
    sd : float
        Standard deviation of those differences (``ddof=1``); also :attr:`sd_diff`.
    n : int
        Number of replicates (pairs).
    ci_low, ci_high : float
        Confidence interval of ``mean`` (Student's t with the test's standard error), on the tested
        scale. :attr:`interval` gives it on the printed scale (a ratio for ``log_ratio``).
    p_value : float
        Two-sided p-value of "mean difference = 0"; 1.0 when every pair is tied.
    wins : tuple of int
        The sign count ``(a higher, tied, b higher)`` over the replicates.
    confidence : float
    test : str
        One of ``TESTS``.
    se : float
        Standard error of ``mean``: ``sd / sqrt(n)``, or the corrected one for ``test="corrected"``.
    df : int
        Degrees of freedom of the t distribution behind the interval: ``n - 1``.
    scale : {"difference", "ratio"}
        How the result prints: ``"ratio"`` for ``test="log_ratio"`` (:attr:`estimate` is ``exp(mean)``).

    Examples
    --------
    >>> from companion.stats import PairedDifference, paired_difference
    >>> d = paired_difference([0.85, 0.84, 0.86, 0.85], [0.84, 0.83, 0.84, 0.84])
    >>> isinstance(d, PairedDifference), d.n, d.df, d.wins, d.test
    (True, 4, 3, (4, 0, 0), 't')
    >>> round(d.mean, 4), round(d.se, 4), [round(x, 4) for x in d.interval]
    (0.0125, 0.0025, [0.0045, 0.0205])
    >>> d.verdict("BCE", "hinge", higher_is_better=True)
    'BCE is better than hinge'
    """

    mean: float
    sd: float
    n: int
    ci_low: float
    ci_high: float
    p_value: float
    wins: tuple = (0, 0, 0)
    confidence: float = 0.95
    test: str = "t"
    se: float = None
    df: int = None
    scale: str = "difference"

    def __post_init__(self):
        if self.se is None:
            object.__setattr__(self, "se", self.sd / math.sqrt(self.n))
        if self.df is None:
            object.__setattr__(self, "df", self.n - 1)

    @property
    def sd_diff(self):
        """Standard deviation of the per-replicate differences (``ddof=1``), the same as ``sd``."""
        return self.sd

    @property
    def estimate(self):
        """The estimate on the printed scale: ``mean``, or the geometric-mean ratio ``exp(mean)``."""
        return math.exp(self.mean) if self.scale == "ratio" else self.mean

    @property
    def interval(self):
        """``(low, high)``: the confidence interval on the printed scale."""
        if self.scale == "ratio":
            return math.exp(self.ci_low), math.exp(self.ci_high)
        return self.ci_low, self.ci_high

    @property
    def _unit(self):
        return "seeds" if self.test == "t" else "replicates"

    def significant(self, alpha=0.05):
        """Whether the difference is significant at level ``alpha`` (two-sided, unadjusted)."""
        return self.p_value < alpha

    def __str__(self):
        return self.text()

    def text(self, p_as_bound=False, max_decimals=None):
        """The difference, its confidence interval, the p-value and the number of replicates, as one line.

        The difference and the interval are printed by :func:`format_interval` (the decimals the
        standard error of the mean difference supports, never two equal ends); the p-value by
        :func:`format_p_value`. Differences that are the same in every replicate print without an
        interval and a test: ``"identical in all 10 seeds"``.

        Parameters
        ----------
        p_as_bound : bool, default=False
            Print the p-value as the conventional bound it passes (``"p < 0.05"``).
        max_decimals : int, optional
            Print at most this many decimals (unless the interval's ends would then print alike): for
            a difference whose last supported digit moves between numeric paths, one decimal coarser
            is the honest print.

        Returns
        -------
        text : str

        Examples
        --------
        >>> from companion.stats import paired_difference
        >>> d = paired_difference([0.91, 0.93, 0.92, 0.95], [0.81, 0.82, 0.80, 0.84])
        >>> d.text()
        '+0.11 (95% CI +0.10 to +0.12), paired t-test p < 0.001, 4 seeds'
        >>> d.text(p_as_bound=True, max_decimals=1)  # +0.1 to +0.1 would be two equal ends
        '+0.11 (95% CI +0.10 to +0.12), paired t-test p < 0.001, 4 seeds'
        >>> paired_difference([0.8, 0.81, 0.82], [0.8, 0.81, 0.82]).text()
        'identical in all 3 seeds'
        """
        max_decimals = _check_max_decimals(max_decimals)
        low, high = self.interval
        se = self.se * self.estimate if self.scale == "ratio" else self.se
        interval = format_interval(self.estimate, low, high, se, self.n, self.confidence, max_decimals,
                                   self.scale, self._unit)
        if self.sd == 0:
            return interval
        return (f"{interval}, {_TEST_NAMES.get(self.test, self.test)} p {_p_text(self.p_value, p_as_bound)}, "
                f"{self.n} {self._unit}")

    def within(self, low, high):
        """Whether the whole confidence interval lies inside ``[low, high]`` (on the printed scale)."""
        if not low < high:
            raise ValueError(f"the bound needs low < high, got [{low}, {high}]")
        ci_low, ci_high = self.interval
        return low <= ci_low and ci_high <= high

    def bound_text(self, low, high):
        """The difference as a bound on its confidence interval, when the interval lies inside ``[low, high]``.

        "No difference larger than 0.01" is a claim about the interval's ends, and their own digits can
        move between numeric paths; the bound does not. When the interval is not inside the bound,
        this returns :meth:`text` with the p-value as a bound, so the claim is never overstated.

        Parameters
        ----------
        low, high : float
            The bound, on the printed scale, ``low < high``.

        Returns
        -------
        text : str

        Examples
        --------
        >>> from companion.stats import paired_difference
        >>> d = paired_difference([0.500, 0.502, 0.499, 0.501], [0.501, 0.500, 0.500, 0.500])
        >>> d.bound_text(-0.01, 0.01)
        'paired 95% CI inside [-0.01, +0.01], 4 seeds'
        >>> d.bound_text(0, 0.05)  # the interval reaches below 0: the full result instead
        '0.000 (95% CI -0.002 to +0.003), paired t-test p ≥ 0.05, 4 seeds'
        """
        if not self.within(low, high):
            return self.text(p_as_bound=True)

        def fmt(x):
            if self.scale == "ratio":
                return f"×{x:g}"
            return "0" if x == 0 else f"{x:+g}"

        return f"paired {_confidence_label(self.confidence)} CI inside [{fmt(low)}, {fmt(high)}], {self.n} {self._unit}"

    def sign_count(self, a="a", b="b"):
        """The sign count as text: ``"a higher in 9 seeds, tied in 2, b higher in 4"``."""
        up, tied, down = self.wins
        return f"{a} higher in {up} {self._unit}, tied in {tied}, {b} higher in {down}"

    def verdict(self, a="a", b="b", higher_is_better=None, alpha=0.05):
        """One sentence: which of ``a`` and ``b`` is better, or that this experiment does not determine it.

        Parameters
        ----------
        a, b : str
            Names of the two recipes (``mean`` is ``a - b``).
        higher_is_better : bool
            Required: ``True`` for a score (accuracy), ``False`` for a loss or an error (MSE).
        alpha : float, default=0.05
            Level of the (unadjusted) two-sided test.

        Returns
        -------
        text : str
            ``"a is better than b"``, or ``"whether a or b is better is not determined by this
            experiment (10 seeds)"``. A test that fails to reject is not evidence of equality: for that,
            use :meth:`tost` or a :class:`Family`.

        Raises
        ------
        ValueError
            If ``higher_is_better`` is not given as ``True`` or ``False``.

        Examples
        --------
        >>> from companion.stats import paired_difference
        >>> mse = paired_difference([0.30, 0.32, 0.29, 0.31], [0.35, 0.36, 0.33, 0.37])
        >>> mse.verdict("Huber", "MSE", higher_is_better=False)
        'Huber is better than MSE'
        """
        if not isinstance(higher_is_better, (bool, np.bool_)):
            raise ValueError("verdict needs the direction of the score: higher_is_better=True (an accuracy) "
                             f"or False (a loss, an error), got {higher_is_better!r}")
        if not self.significant(alpha):
            return f"whether {a} or {b} is better is not determined by this experiment ({self.n} {self._unit})"
        a_better = (self.mean > 0) == bool(higher_is_better)
        return f"{a if a_better else b} is better than {b if a_better else a}"

    def tost(self, margin):
        """The p-value of the two one-sided tests (TOST) of equivalence within ``±margin``.

        Uses this comparison's standard error and degrees of freedom (the corrected ones for
        ``test="corrected"``; the t-test's for ``"sign_flip"``). For ``scale="ratio"``, ``margin`` is
        relative: equivalence means a ratio within ``[1 / (1 + margin), 1 + margin]``, i.e.
        ``|mean log ratio| < log(1 + margin)``.

        .. math::

            p = \\max\\left(1 - F_{\\nu}\\!\\left(\\frac{\\bar d + m}{\\mathrm{se}}\\right),\\;
            F_{\\nu}\\!\\left(\\frac{\\bar d - m}{\\mathrm{se}}\\right)\\right)

        Equivalence at level ``alpha`` (``p < alpha``) holds exactly when the ``1 - 2 alpha`` interval
        lies inside ``(-m, +m)``.

        Parameters
        ----------
        margin : float
            The smallest difference that matters, ``> 0``, fixed before the experiment.

        Returns
        -------
        p_value : float
            For a difference with ``sd == 0``: 0.0 if ``|mean| < m``, else 1.0.

        Raises
        ------
        ValueError
            If ``margin`` is not a finite number ``> 0``.

        Examples
        --------
        >>> from companion.stats import paired_difference
        >>> d = paired_difference([0.500, 0.502, 0.499, 0.501], [0.501, 0.500, 0.500, 0.500])
        >>> round(d.tost(0.01), 4)
        0.0005
        """
        from scipy import stats

        m = _check_margin(margin)
        if self.scale == "ratio":
            m = math.log1p(m)
        if self.se == 0:
            return 0.0 if abs(self.mean) < m else 1.0
        below = float(stats.t.sf((self.mean + m) / self.se, self.df))   # H0: difference <= -m
        above = float(stats.t.cdf((self.mean - m) / self.se, self.df))  # H0: difference >= +m
        return max(below, above)


def _check_margin(margin):
    try:
        m = float(margin)
    except (TypeError, ValueError):
        raise ValueError(f"margin must be a number > 0, got {margin!r}") from None
    if not math.isfinite(m) or m <= 0:
        raise ValueError(f"margin must be a finite number > 0 (the smallest difference that matters), got {margin!r}")
    return m


def _check_pair(a, b, unit="replicates"):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.ndim != 1 or b.ndim != 1 or a.shape != b.shape:
        raise ValueError(f"a and b must be one-dimensional and of one length (one score per {unit[:-1]}), "
                         f"got shapes {a.shape} and {b.shape}")
    if a.size < 2:
        raise ValueError(f"a paired test needs at least 2 {unit}, got {a.size}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("a and b must hold finite scores (no NaN or infinity)")
    return a, b


def _sign_flip_p(d, n_resamples, random_state):
    """Two-sided sign-flip p-value of ``mean(d) = 0``: exact up to 20 pairs, Monte Carlo beyond."""
    n = d.size
    observed = abs(float(d.sum()))
    tol = 1e-10 * float(np.abs(d).sum())  # the same sum, added in another order
    if n <= _EXACT_SIGN_FLIP:
        total, count, chunk = 2 ** n, 0, 2 ** 16
        bits = np.arange(n)
        for start in range(0, total, chunk):
            patterns = np.arange(start, min(start + chunk, total))
            signs = 1.0 - 2.0 * ((patterns[:, None] >> bits) & 1)
            count += int(np.sum(np.abs(signs @ d) >= observed - tol))
        return count / total
    rng = np.random.default_rng(random_state)
    count, done, chunk = 0, 0, 10_000
    while done < n_resamples:
        m = min(chunk, n_resamples - done)
        signs = 1.0 - 2.0 * rng.integers(0, 2, size=(m, n))
        count += int(np.sum(np.abs(signs @ d) >= observed - tol))
        done += m
    return (1 + count) / (1 + n_resamples)


def paired_difference(a, b, confidence=0.95, test="t", n_train=None, n_test=None, n_resamples=100_000,
                      random_state=0):
    """Compare two sets of scores that share their replicates: a paired test and its interval.

    Runs of two recipes with the same seed share the initial weights, the batch order and the data,
    so their scores are correlated; a paired test uses the per-replicate differences ``d = a - b`` and
    is far more sensitive than comparing the spreads.

    With ``test="t"`` the p-value and interval are SciPy's ``scipy.stats.ttest_rel(a, b)`` and its
    ``confidence_interval`` (tested equal). This function adds what the book needs around them: the
    corrected test for repeated splits, the sign-flip and log-ratio tests, checks that the two sets are
    paired and finite, the verdict words with TOST at a margin, and the text printed at supported digits.

    .. math::

        t = \\frac{\\bar d}{\\mathrm{se}}, \\qquad \\bar d \\pm t_{n-1, (1+c)/2} \\, \\mathrm{se}, \\qquad
        \\mathrm{se}^2 = \\begin{cases} s_d^2 / n & \\text{"t"}, \\text{"sign\\_flip"},
        \\text{"log\\_ratio"} \\\\ s_d^2 \\, (1/n + n_\\text{test} / n_\\text{train}) & \\text{"corrected"}
        \\end{cases}

    Parameters
    ----------
    a, b : array_like of shape (n,)
        Scores of two recipes, entry ``i`` from replicate ``i`` of both; ``n >= 2``.
    confidence : float, default=0.95
        Level of the confidence interval, in (0, 1).
    test : {"t", "corrected", "sign_flip", "log_ratio"}, default="t"
        * ``"t"``: the paired t-test, for replicates that are independent (synthetic data redrawn per seed,
          or one fixed split where only the seed varies).
        * ``"corrected"``: the corrected resampled t-test of Nadeau & Bengio (2003), for ``n`` random
          train/test splits of *one* finite data set; needs ``n_train`` and ``n_test``.
        * ``"sign_flip"``: the sign-flip permutation test of "mean difference = 0", free of the normal
          assumption: exact (all ``2**n`` sign patterns) for ``n <= 20``, Monte Carlo beyond. The interval
          is still the t-interval.
        * ``"log_ratio"``: for positive, heavy-tailed scores (an MSE whose mean is far above its median):
          the paired t-test on ``log a - log b``, printed as the geometric-mean ratio ``a / b`` with its
          interval (``exp`` of the mean and of the ends).
    n_train, n_test : int, optional
        Sizes of each split's training and test sets, for ``test="corrected"`` only.
    n_resamples : int, default=100_000
        Random sign patterns of the Monte Carlo sign-flip test (``n > 20``);
        its p-value is ``(1 + count) / (1 + n_resamples)``.
    random_state : int, numpy.random.Generator or None, default=0
        Seeds ``np.random.default_rng`` for the Monte Carlo sign-flip test, so that its p-value is the same
        at every run. Ignored by the other tests.

    Returns
    -------
    result : PairedDifference

    Raises
    ------
    ValueError
        For arrays of other shapes or lengths, fewer than two pairs, non-finite values, a confidence
        outside (0, 1), an unknown test, ``test="corrected"`` without ``n_train`` and ``n_test`` (or these
        with another test), non-positive scores with ``test="log_ratio"``, or ``n_resamples < 1``.

    Examples
    --------
    >>> from companion.stats import paired_difference
    >>> d = paired_difference([0.85, 0.84, 0.86, 0.85], [0.84, 0.83, 0.84, 0.84])
    >>> round(d.mean, 4), d.significant()
    (0.0125, True)
    >>> print(d)
    +0.01 (95% CI 0.00 to +0.02), paired t-test p = 0.02, 4 seeds
    >>> print(paired_difference([0.85, 0.84, 0.86, 0.85], [0.84, 0.83, 0.84, 0.84], test="sign_flip"))
    +0.01 (95% CI 0.00 to +0.02), sign-flip test p = 0.1, 4 replicates
    >>> print(paired_difference([0.2, 0.5, 0.1, 0.9], [0.4, 0.9, 0.2, 1.6], test="log_ratio"))
    ×0.5 (95% CI ×0.5 to ×0.6), paired t-test on log scores p < 0.001, 4 replicates
    """
    from scipy import stats

    if test not in TESTS:
        raise ValueError(f"unknown test {test!r}; choose one of {', '.join(map(repr, TESTS))}")
    a, b = _check_pair(a, b, "seeds" if test == "t" else "replicates")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence!r}")
    if test == "corrected":
        for name, value in (("n_train", n_train), ("n_test", n_test)):
            if value is None or isinstance(value, bool) or not float(value) > 0:
                raise ValueError(f"test='corrected' needs the split sizes n_train and n_test (> 0); "
                                 f"got {name}={value!r}")
    elif n_train is not None or n_test is not None:
        raise ValueError(f"n_train and n_test are for test='corrected' only, got test={test!r}")
    if test == "sign_flip" and (int(n_resamples) != n_resamples or n_resamples < 1):
        raise ValueError(f"n_resamples must be an integer >= 1, got {n_resamples!r}")
    if test == "log_ratio":
        if np.any(a <= 0) or np.any(b <= 0):
            raise ValueError("test='log_ratio' needs positive scores; "
                             f"a holds {int(np.sum(a <= 0))} and b {int(np.sum(b <= 0))} values <= 0")
        d = np.log(a) - np.log(b)
    else:
        d = a - b
    n, mean, sd = d.size, float(d.mean()), float(d.std(ddof=1))
    wins = (int(np.sum(d > 0)), int(np.sum(d == 0)), int(np.sum(d < 0)))
    factor = 1 / n + (float(n_test) / float(n_train) if test == "corrected" else 0.0)
    se, df = sd * math.sqrt(factor), n - 1
    scale = "ratio" if test == "log_ratio" else "difference"
    if sd == 0:
        p_value, ci_low, ci_high = (1.0 if mean == 0 else 0.0), mean, mean
    else:
        half = float(stats.t.ppf((1 + confidence) / 2, df)) * se
        p_value, ci_low, ci_high = float(2 * stats.t.sf(abs(mean) / se, df)), mean - half, mean + half
    if test == "sign_flip":
        p_value = _sign_flip_p(d, int(n_resamples), random_state)
    return PairedDifference(mean, sd, n, ci_low, ci_high, p_value, wins, confidence, test, se, df, scale)


def tost(a, b, margin, test="t", n_train=None, n_test=None):
    """Test the equivalence of two paired sets of scores within ``±margin``: two one-sided tests.

    "Not significantly different" is not evidence that two recipes are alike. TOST (Schuirmann 1987)
    rejects both "the difference is at most ``-m``" and "at least ``+m``"; its p-value is the larger of
    the two one-sided p-values, computed with the standard error and degrees of freedom of
    :func:`paired_difference` for the same ``test`` (see :meth:`PairedDifference.tost`).

    .. math::

        p = \\max\\left(P\\left(T_{\\nu} \\ge \\frac{\\bar d + m}{\\mathrm{se}}\\right),\\;
        P\\left(T_{\\nu} \\le \\frac{\\bar d - m}{\\mathrm{se}}\\right)\\right)

    Equivalence at level ``alpha`` (``p < alpha``) holds exactly when the ``1 - 2 alpha`` confidence
    interval of the difference lies inside ``(-m, +m)``.

    Parameters
    ----------
    a, b : array_like of shape (n,)
        Paired scores, ``n >= 2``.
    margin : float
        The smallest difference that matters, ``> 0``, in the score's units, given before the experiment.
        For ``test="log_ratio"`` it is relative: equivalence within ``±10 %`` (``margin=0.1``) means a
        geometric-mean ratio inside ``[1 / 1.1, 1.1]``, i.e. ``|mean log ratio| < log(1.1)``.
    test : {"t", "corrected", "sign_flip", "log_ratio"}, default="t"
        As in :func:`paired_difference`; ``"sign_flip"`` uses the t-test's standard error here.
    n_train, n_test : int, optional
        For ``test="corrected"``.

    Returns
    -------
    p_value : float

    Raises
    ------
    ValueError
        For bad scores (as :func:`paired_difference`) or a ``margin`` that is not a finite number > 0.

    Examples
    --------
    >>> from companion.stats import tost
    >>> a, b = [0.500, 0.502, 0.499, 0.501], [0.501, 0.500, 0.500, 0.500]
    >>> tost(a, b, margin=0.01) < 0.05  # equivalent within ±0.01
    True
    >>> tost(a, b, margin=0.001) < 0.05
    False
    """
    _check_margin(margin)
    return paired_difference(a, b, test=test, n_train=n_train, n_test=n_test).tost(margin)


# --------------------------------------------------------------------------------------------------
# Multiple comparisons
# --------------------------------------------------------------------------------------------------

def holm(p_values):
    """Adjust a family of p-values by Holm's step-down procedure.

    Sort the ``m`` p-values ascending, ``p_(1) <= ... <= p_(m)``; the adjusted ones are

    .. math::

        \\tilde p_{(i)} = \\min\\left(1, \\max_{j \\le i} (m - j + 1)\\, p_{(j)}\\right)

    and rejecting every hypothesis whose adjusted p-value is below ``alpha`` keeps the family-wise error
    rate (the chance of at least one false rejection) at most ``alpha``, whatever the dependence
    between the tests.

    Parameters
    ----------
    p_values : array_like of shape (m,)
        Raw p-values in [0, 1].

    Returns
    -------
    adjusted : ndarray of shape (m,)
        In the order of the input; monotone in the raw p-values and at most 1.

    Raises
    ------
    ValueError
        If ``p_values`` is not one-dimensional or holds a value outside [0, 1] (or a NaN).

    Examples
    --------
    >>> from companion.stats import holm
    >>> holm([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1:
        raise ValueError(f"p_values must be one-dimensional, got shape {p.shape}")
    if not np.all((p >= 0) & (p <= 1)):
        raise ValueError(f"p-values lie in [0, 1] (no NaN), got {p[~((p >= 0) & (p <= 1))].tolist()}")
    m = p.size
    order = np.argsort(p, kind="mergesort")
    stepped = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    adjusted = np.empty(m)
    adjusted[order] = stepped
    return adjusted


# --------------------------------------------------------------------------------------------------
# Power
# --------------------------------------------------------------------------------------------------

def _check_power_args(sd_diff, alpha, power):
    sd_diff = float(sd_diff)
    if not math.isfinite(sd_diff) or sd_diff <= 0:
        raise ValueError(f"sd_diff must be a finite number > 0, got {sd_diff!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha!r}")
    if not alpha < power < 1:
        raise ValueError(f"power must lie in (alpha, 1) = ({alpha}, 1), got {power!r}")
    return sd_diff


def _power(difference, sd_diff, n, alpha):
    """Power of the two-sided paired t-test at level alpha, n pairs, for a true mean difference."""
    from scipy import stats

    df = n - 1
    nc = abs(difference) / (sd_diff / math.sqrt(n))
    critical = stats.t.ppf(1 - alpha / 2, df)
    far = float(stats.nct.cdf(-critical, df, nc))  # the wrong-sign tail: SciPy returns NaN where it underflows
    return float(stats.nct.sf(critical, df, nc)) + (0.0 if math.isnan(far) else far)


def replicates_needed(sd_diff, margin, alpha=0.05, power=0.8):
    """Return the fewest replicates whose paired t-test detects a true difference ``margin``.

    The t statistic of ``n`` pairs whose differences have mean ``delta`` and standard deviation ``sigma``
    follows a noncentral t with ``n - 1`` degrees of freedom and noncentrality ``delta sqrt(n) / sigma``;
    the power is the chance that it lands beyond the two-sided critical value:

    .. math::

        \\pi(n) = P\\left(|T_{n-1}(\\lambda)| > t_{n-1, 1-\\alpha/2}\\right), \\qquad
        \\lambda = \\frac{\\delta \\sqrt n}{\\sigma}, \\qquad n^* = \\min\\{n \\ge 2 : \\pi(n) \\ge \\text{power}\\}

    For ``J`` splits of one data set (``test="corrected"``) pass the inflated spread
    ``sd_diff * sqrt(1 + J n_test / n_train)``.

    Parameters
    ----------
    sd_diff : float
        Standard deviation of the per-replicate differences (from a pilot run), ``> 0``.
    margin : float
        The true difference to detect, ``> 0``, in the score's units.
    alpha : float, default=0.05
        Level of the two-sided test.
    power : float, default=0.8
        The chance of detecting it, in ``(alpha, 1)``.

    Returns
    -------
    n : int
        At least 2.

    Raises
    ------
    ValueError
        For ``sd_diff <= 0``, ``margin <= 0``, ``alpha`` outside (0, 1), ``power`` outside ``(alpha, 1)``,
        or when more than a million replicates would be needed.

    Examples
    --------
    >>> from companion.stats import replicates_needed
    >>> replicates_needed(sd_diff=0.03, margin=0.02)  # a difference of 2/3 of the spread
    20
    """
    sd_diff = _check_power_args(sd_diff, alpha, power)
    margin = _check_margin(margin)
    limit = 1_000_000
    if _power(margin, sd_diff, limit, alpha) < power:
        raise ValueError(f"more than {limit} replicates would be needed to detect {margin} "
                         f"when the differences spread by {sd_diff}")
    low, high = 1, 2  # power(low) < target <= power(high) once found
    while _power(margin, sd_diff, high, alpha) < power:
        low, high = high, min(2 * high, limit)
    while high - low > 1:
        mid = (low + high) // 2
        if _power(margin, sd_diff, mid, alpha) >= power:
            high = mid
        else:
            low = mid
    return int(high)


def detectable_difference(sd_diff, n, alpha=0.05, power=0.8):
    """Return the smallest true difference that ``n`` replicates detect with the given power.

    Solves :math:`\\pi(\\delta) = \\text{power}` for :math:`\\delta`, with the power of the two-sided paired
    t-test from the noncentral t (see :func:`replicates_needed`):

    .. math::

        \\pi(\\delta) = P\\left(|T_{n-1}(\\delta \\sqrt n / \\sigma)| > t_{n-1, 1-\\alpha/2}\\right)

    Parameters
    ----------
    sd_diff : float
        Standard deviation of the per-replicate differences, ``> 0``.
    n : int
        Number of replicates, ``>= 2``.
    alpha : float, default=0.05
    power : float, default=0.8
        In ``(alpha, 1)``.

    Returns
    -------
    difference : float
        In the units of ``sd_diff``.

    Raises
    ------
    ValueError
        For ``sd_diff <= 0``, ``n < 2``, ``alpha`` outside (0, 1) or ``power`` outside ``(alpha, 1)``.

    Examples
    --------
    >>> from companion.stats import detectable_difference
    >>> round(detectable_difference(sd_diff=0.03, n=10), 4)  # ten replicates: about one sd
    0.0299
    """
    from scipy import optimize

    sd_diff = _check_power_args(sd_diff, alpha, power)
    if isinstance(n, bool) or int(n) != n or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    n = int(n)
    high = sd_diff
    while _power(high, sd_diff, n, alpha) < power:
        high *= 2
    return float(optimize.brentq(lambda x: _power(x, sd_diff, n, alpha) - power, 0.0, high,
                                 xtol=1e-12 * sd_diff, rtol=1e-12))


@dataclass(frozen=True)
class ReplicatePlan:
    """How many replicates a question gets, and why (:func:`plan_replicates`).

    Attributes
    ----------
    n : int
        Replicates to run.
    sd_diff : float
        The pilot's standard deviation of the difference, rounded to one significant digit.
    needed : int
        Replicates that detect a difference of ``margin`` with the given power.
    detectable : float
        The smallest difference ``n`` replicates detect with that power, rounded up to two significant digits.
    margin : float
    capped : bool
        Whether ``n_max`` cut ``needed``: then a difference between ``detectable`` and ``margin`` may go
        undetected, and "not determined" is an expected answer.

    Examples
    --------
    >>> from companion.stats import ReplicatePlan, plan_replicates
    >>> plan = plan_replicates([0.01, -0.02, 0.03, 0.0, 0.02, -0.01], margin=0.015)
    >>> isinstance(plan, ReplicatePlan), plan.n, plan.needed, plan.capped
    (True, 16, 16, False)
    >>> plan.text()
    'pilot sd of the difference 0.02: 16 replicates, detecting 0.015 with 80 % power (margin 0.015)'
    >>> capped = ReplicatePlan(n=30, sd_diff=0.02, needed=128, detectable=0.011, margin=0.005, capped=True)
    >>> "30 replicates (capped; 128 would detect ±0.005)" in capped.text()
    True
    """

    n: int
    sd_diff: float
    needed: int
    detectable: float
    margin: float
    capped: bool

    def text(self):
        """One line for a design cell: the pilot's spread, the replicates and what they can detect."""
        cap = f" (capped; {self.needed} would detect ±{self.margin:g})" if self.capped else ""
        return (f"pilot sd of the difference {self.sd_diff:g}: {self.n} replicates{cap}, "
                f"detecting {self.detectable:g} with 80 % power (margin {self.margin:g})")


def plan_replicates(pilot_differences, margin, alpha=0.05, power=0.8, n_min=10, n_max=30):
    """Choose the replicates of a comparison in advance, from a pilot run on other seeds.

    The pilot's per-replicate differences give the spread :math:`\\sigma_d` of the difference, rounded to
    one significant digit (so that a CPU's rounding of the pilot does not change the plan); then
    :func:`replicates_needed` gives the replicates that detect a difference of ``margin`` with ``power``,
    clipped to ``[n_min, n_max]``, and :func:`detectable_difference` what that many can detect. Take the
    pilot from seeds the final run does not use, and never add replicates after seeing the final result.

    Parameters
    ----------
    pilot_differences : array_like of shape (k,)
        Per-replicate differences of the pilot (recipe minus reference), ``k >= 2``, not all equal.
    margin : float
        The smallest difference that matters, ``> 0``, in the same units.
    alpha, power : float
    n_min, n_max : int, default=10, 30
        The fewest and the most replicates to run (the time budget).

    Returns
    -------
    plan : ReplicatePlan

    Raises
    ------
    ValueError
        For fewer than two pilot differences, NaN, a pilot without spread, a margin ``<= 0``, or
        ``n_min > n_max``.

    Examples
    --------
    >>> from companion.stats import plan_replicates
    >>> plan = plan_replicates([0.01, -0.02, 0.03, 0.0, 0.02, -0.01], margin=0.015)
    >>> plan.n, plan.sd_diff, plan.capped
    (16, 0.02, False)
    >>> plan.text()
    'pilot sd of the difference 0.02: 16 replicates, detecting 0.015 with 80 % power (margin 0.015)'
    >>> plan_replicates([0.01, -0.02, 0.03, 0.0, 0.02, -0.01], margin=0.005).text()
    'pilot sd of the difference 0.02: 30 replicates (capped; 128 would detect ±0.005), detecting 0.011 with 80 % power (margin 0.005)'
    """
    d = np.asarray(pilot_differences, dtype=float)
    if d.ndim != 1 or d.size < 2:
        raise ValueError(f"pilot_differences must be one-dimensional with at least 2 entries, got shape {d.shape}")
    if not np.all(np.isfinite(d)):
        raise ValueError("pilot_differences hold NaN or infinite values")
    margin = _check_margin(margin)
    if isinstance(n_min, bool) or isinstance(n_max, bool) or int(n_min) != n_min or int(n_max) != n_max \
            or not 2 <= n_min <= n_max:
        raise ValueError(f"need integers 2 <= n_min <= n_max, got n_min={n_min!r}, n_max={n_max!r}")
    if np.all(d == d[0]):
        raise ValueError("the pilot's differences have no spread; a power calculation needs some")
    sd = float(f"{float(np.std(d, ddof=1)):.0e}")
    needed = replicates_needed(sd, margin, alpha, power)
    n = int(min(max(needed, n_min), n_max))
    exact = detectable_difference(sd, n, alpha, power)
    step = 10.0 ** (math.floor(math.log10(exact)) - 1)  # two significant digits, rounded up: never flattering
    detectable = float(f"{math.ceil(exact / step - 1e-9) * step:.2g}")
    return ReplicatePlan(n, sd, needed, detectable, margin, needed > n_max)


# --------------------------------------------------------------------------------------------------
# Families of comparisons
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Family:
    """A family of comparisons with one reference recipe, declared before the experiment.

    Every recipe is compared with the reference on the same replicates (:func:`paired_difference`),
    twice: a two-sided test of "no difference" and a TOST of "a difference of at least ``margin``"
    (:func:`tost`). Holm's adjustment (:func:`holm`) runs over all ``2k`` p-values of the ``k`` recipes
    together, so that no claim in the family, of a difference or of an equivalence, is false with a
    chance above ``alpha``. The verdict of a recipe, with ``p`` and ``p_eq`` the adjusted p-values:

    * ``"better"`` / ``"worse"`` (by the score's direction) when ``p < alpha``;
    * ``"better, by less than m"`` / ``"worse, by less than m"`` when also ``p_eq < alpha`` (so the
      ``1 - 2 alpha`` interval lies inside ``±m``, too);
    * ``"equivalent within ±m"`` when ``p_eq < alpha`` alone;
    * ``"not determined by this experiment"`` otherwise. Never "no difference".

    .. math::

        d_i = x_{\\text{recipe}, i} - x_{\\text{reference}, i}, \\qquad
        (\\tilde p_1, \\dots, \\tilde p_{2k})
        = \\mathrm{Holm}(p_1, \\dots, p_k, p^{\\mathrm{eq}}_1, \\dots, p^{\\mathrm{eq}}_k)

    Parameters
    ----------
    question : str
        The question the family answers, in words.
    reference : str
        Name of the reference recipe.
    recipes : sequence of str
        Names of the recipes compared with it: at least one, no duplicates, not the reference.
    score : str
        Name of the score (the column of a tidy DataFrame given to :meth:`evaluate`).
    higher_is_better : bool
        ``True`` for an accuracy, ``False`` for a loss or an error.
    margin : float
        The smallest difference that matters, ``> 0``, in the score's units; relative for
        ``test="log_ratio"`` (``0.1``: ratios within ``[1/1.1, 1.1]`` count as equivalent).
    test : {"t", "corrected", "sign_flip", "log_ratio"}, default="t"
        See :func:`paired_difference`.
    n_train, n_test : int, optional
        For ``test="corrected"``.
    alpha : float, default=0.05
        Family-wise error rate, in (0, 0.5); intervals are printed at ``1 - alpha``.

    Raises
    ------
    ValueError
        For an empty or duplicated list of recipes, a reference among them, a margin <= 0, a
        ``higher_is_better`` that is not a bool, an unknown test, missing split sizes, or a bad ``alpha``.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.stats import Family
    >>> family = Family("Does Huber or MAE beat MSE on test MSE?", reference="MSE", recipes=["Huber", "MAE"],
    ...                 score="test MSE", higher_is_better=False, margin=0.01)
    >>> rng = np.random.default_rng(0)
    >>> mse = 0.30 + 0.02 * rng.standard_normal(10)
    >>> result = family.evaluate({"MSE": mse, "Huber": mse - 0.02 + 0.004 * rng.standard_normal(10),
    ...                           "MAE": mse + 0.0005 + 0.002 * rng.standard_normal(10)})
    >>> result.verdict("Huber"), result.verdict("MAE")
    ('better', 'equivalent within ±0.01')
    >>> result.text("Huber")
    'better: -0.022 (95% CI -0.024 to -0.019), Holm p < 0.001, better in 10 of 10 replicates'
    """

    question: str
    reference: str
    recipes: tuple
    score: str
    higher_is_better: bool
    margin: float
    test: str = "t"
    n_train: int = None
    n_test: int = None
    alpha: float = 0.05

    def __post_init__(self):
        for name in ("question", "reference", "score"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} must be a non-empty string, got {value!r}")
        if isinstance(self.recipes, str):
            raise ValueError(f"recipes must be a list of names, got the string {self.recipes!r}")
        recipes = tuple(self.recipes)
        if not recipes:
            raise ValueError("a family needs at least one recipe to compare with the reference")
        if not all(isinstance(r, str) and r for r in recipes):
            raise ValueError(f"recipes must be non-empty strings, got {list(recipes)!r}")
        duplicates = sorted({r for r in recipes if recipes.count(r) > 1})
        if duplicates:
            raise ValueError(f"recipes are named twice: {duplicates}")
        if self.reference in recipes:
            raise ValueError(f"the reference {self.reference!r} is among the recipes compared with it")
        object.__setattr__(self, "recipes", recipes)
        if not isinstance(self.higher_is_better, (bool, np.bool_)):
            raise ValueError(f"higher_is_better must be True or False, got {self.higher_is_better!r}")
        object.__setattr__(self, "margin", _check_margin(self.margin))
        if self.test not in TESTS:
            raise ValueError(f"unknown test {self.test!r}; choose one of {', '.join(map(repr, TESTS))}")
        if self.test == "corrected" and (self.n_train is None or self.n_test is None):
            raise ValueError("test='corrected' needs the split sizes n_train and n_test")
        if self.test != "corrected" and (self.n_train is not None or self.n_test is not None):
            raise ValueError(f"n_train and n_test are for test='corrected' only, got test={self.test!r}")
        if not 0 < self.alpha < 0.5:
            raise ValueError(f"alpha must lie in (0, 0.5), got {self.alpha!r}")

    @property
    def names(self):
        """The reference, then the recipes."""
        return (self.reference, *self.recipes)

    def _margin_text(self, equivalent):
        if self.test == "log_ratio":
            return f"a factor {1 + self.margin:g}"
        return f"±{self.margin:g}" if equivalent else f"{self.margin:g}"

    def _arrays(self, scores):
        """``{name: ndarray of shape (n,)}`` for the reference and every recipe, in one replicate order."""
        if hasattr(scores, "columns"):  # a tidy pandas DataFrame
            missing = [c for c in ("recipe", "seed", self.score) if c not in scores.columns]
            if missing:
                raise ValueError(f"the DataFrame needs the columns 'recipe', 'seed' and {self.score!r}; "
                                 f"missing {missing}")
            frame = scores[scores["recipe"].isin(self.names)]
            repeated = frame.duplicated(["recipe", "seed"])
            if repeated.any():
                first = frame[repeated].iloc[0]
                raise ValueError(f"recipe {first['recipe']!r} has more than one row for seed {first['seed']!r}")
            seeds = {name: set(frame.loc[frame["recipe"] == name, "seed"]) for name in self.names}
            for name in self.names:
                if not seeds[name]:
                    raise ValueError(f"the scores have no rows for recipe {name!r}")
            for name in self.recipes:
                if seeds[name] != seeds[self.reference]:
                    only = sorted(seeds[name] ^ seeds[self.reference], key=repr)
                    raise ValueError(f"recipe {name!r} and the reference {self.reference!r} do not share their "
                                     f"seeds: {only} appear in only one of them")
            table = frame.pivot(index="seed", columns="recipe", values=self.score).sort_index()
            arrays = {name: table[name].to_numpy(dtype=float) for name in self.names}
        else:
            arrays = {}
            for name in self.names:
                if name not in scores:
                    raise ValueError(f"the scores have no entry for recipe {name!r}")
                arrays[name] = np.asarray(scores[name], dtype=float)
        n = arrays[self.reference].shape
        for name, values in arrays.items():
            if values.ndim != 1:
                raise ValueError(f"the scores of {name!r} must be one-dimensional (one per replicate), "
                                 f"got shape {values.shape}")
            if values.shape != n:
                raise ValueError(f"recipe {name!r} has {values.size} scores and the reference {self.reference!r} "
                                 f"{n[0]}: every recipe needs one score per replicate")
            if not np.all(np.isfinite(values)):
                raise ValueError(f"the scores of {name!r} hold {int(np.sum(~np.isfinite(values)))} NaN or "
                                 f"infinite values")
        if n[0] < 2:
            raise ValueError(f"a family needs at least 2 replicates, got {n[0]}")
        return arrays

    def evaluate(self, scores):
        """Compare every recipe with the reference and adjust the family's p-values by Holm.

        Parameters
        ----------
        scores : mapping of str to array_like of shape (n,), or pandas.DataFrame
            Per-replicate scores of the reference and every recipe, entry ``i`` from replicate ``i`` of
            all of them (other recipes are ignored); ``n >= 2``, all finite. Or a tidy DataFrame with
            the columns ``recipe``, ``seed`` and ``score``, one row per (recipe, seed); every recipe
            must have the reference's seeds.

        Returns
        -------
        result : FamilyResult

        Raises
        ------
        ValueError
            For a missing recipe, scores of another length or shape, fewer than 2 replicates, a NaN
            (naming the recipe), seeds that differ between recipes, or a seed given twice.
        """
        arrays = self._arrays(scores)
        reference = arrays[self.reference]
        n = reference.size
        kwargs = {"confidence": 1 - self.alpha, "test": self.test, "n_train": self.n_train, "n_test": self.n_test}
        differences = {name: paired_difference(arrays[name], reference, **kwargs) for name in self.recipes}
        p = [differences[name].p_value for name in self.recipes]
        p_eq = [differences[name].tost(self.margin) for name in self.recipes]
        adjusted = holm(p + p_eq)
        k = len(self.recipes)
        rows = []
        for i, name in enumerate(self.recipes):
            d = differences[name]
            higher, tied, lower = d.wins
            wins, losses = (higher, lower) if self.higher_is_better else (lower, higher)
            p_holm, p_eq_holm = float(adjusted[i]), float(adjusted[k + i])
            better = (d.mean > 0) == bool(self.higher_is_better)
            if p_holm < self.alpha:
                verdict = "better" if better else "worse"
                if p_eq_holm < self.alpha:
                    verdict += f", by less than {self._margin_text(False)}"
            elif p_eq_holm < self.alpha:
                verdict = f"equivalent within {self._margin_text(True)}"
            else:
                verdict = "not determined by this experiment"
            raw = float(np.mean(arrays[name] - reference))
            ref_mean = float(reference.mean())
            low, high = d.interval
            rows.append({"recipe": name, "reference": self.reference, "score": self.score, "test": d.test,
                         "scale": d.scale, "n": n, "estimate": d.estimate, "ci_low": low, "ci_high": high,
                         "confidence": d.confidence, "difference": raw,
                         "relative_difference": raw / ref_mean if ref_mean != 0 else math.nan,
                         "sd_diff": d.sd, "se": d.se, "p": d.p_value, "p_holm": p_holm, "tost_p": p_eq[i],
                         "tost_p_holm": p_eq_holm, "margin": self.margin, "wins": wins, "ties": tied,
                         "losses": losses, "share_better": wins / n, "verdict": verdict})
        return FamilyResult(self, n, differences, tuple(rows))


@dataclass(frozen=True)
class FamilyResult:
    """The outcome of :meth:`Family.evaluate`: one row per recipe, compared with the reference.

    Attributes
    ----------
    family : Family
    n : int
        Number of replicates.
    differences : dict of str to PairedDifference
        ``recipe - reference`` for every recipe (unadjusted).
    rows : tuple of dict
        One per recipe, in the family's order; see :meth:`records`.

    Examples
    --------
    >>> from companion.stats import Family, FamilyResult
    >>> family = Family("Does B beat A?", "A", ["B"], "accuracy", higher_is_better=True, margin=0.01)
    >>> result = family.evaluate({"A": [0.80, 0.82, 0.81], "B": [0.85, 0.86, 0.87]})
    >>> isinstance(result, FamilyResult), result.n, list(result.differences), len(result.rows)
    (True, 3, ['B'], 1)
    >>> result.verdict("B"), round(result.differences["B"].mean, 4)
    ('better', 0.05)
    """

    family: Family
    n: int
    differences: dict
    rows: tuple

    def records(self):
        """Return the raw numbers, one dict per recipe (for JSON and glue).

        Returns
        -------
        records : list of dict
            Keys: ``recipe``, ``reference``, ``score``, ``test``, ``scale``, ``n``; ``estimate``, ``ci_low``,
            ``ci_high`` (recipe − reference, or the ratio recipe / reference for ``scale="ratio"``,
            unadjusted interval at ``confidence``); ``difference`` (mean of recipe − reference in the score's
            units) and ``relative_difference`` (÷ the reference's mean, NaN if that is 0); ``sd_diff``,
            ``se``; ``p`` and ``p_holm`` (difference test, raw and Holm-adjusted); ``tost_p`` and
            ``tost_p_holm`` (equivalence within ``margin``); ``wins``, ``ties``, ``losses`` and
            ``share_better`` (replicates in which the recipe is better than the reference, by the score's
            direction); ``verdict``.

        Examples
        --------
        >>> from companion.stats import Family
        >>> family = Family("q", "A", ["B"], "accuracy", higher_is_better=True, margin=0.01)
        >>> record = family.evaluate({"A": [0.80, 0.82, 0.81], "B": [0.85, 0.86, 0.87]}).records()[0]
        >>> record["wins"], record["verdict"]
        (3, 'better')
        """
        return [dict(row) for row in self.rows]

    def row(self, name):
        """Return the record of one recipe (see :meth:`records`).

        Raises
        ------
        ValueError
            If ``name`` is not one of the family's recipes.
        """
        for row in self.rows:
            if row["recipe"] == name:
                return dict(row)
        raise ValueError(f"{name!r} is not a recipe of this family; its recipes are {list(self.family.recipes)}")

    def verdict(self, name):
        """Return the verdict of one recipe against the reference (``"worse"``, ``"equivalent within ±0.01"``…)."""
        return self.row(name)["verdict"]

    def _interval(self, name, label=True):
        d = self.differences[name]
        low, high = d.interval
        se = d.se * d.estimate if d.scale == "ratio" else d.se
        return format_interval(d.estimate, low, high, se, d.n, d.confidence if label else None, None, d.scale)

    def text(self, name, p_as_bound=False, wins=True):
        """One line for the prose: the verdict, the difference and its interval, the Holm p and the wins.

        Parameters
        ----------
        name : str
            A recipe of the family.
        p_as_bound : bool or float, default=False
            Print each p-value as the bound it passes (``< 0.01``, ``≥ 0.05``): its first digit can move
            between processors when the runs behind it are chaotic; the bound moves only at a threshold.
            A level such as ``0.05`` prints only that one bound (``< 0.05`` or ``≥ 0.05``), for a p-value
            that sits near 0.001 or 0.01.
        wins : bool, default=True
            Print how many replicates the recipe won (and tied). ``False`` prints the number of replicates
            only: an exact tie between two runs can break differently on another processor.

        Returns
        -------
        text : str
            E.g. ``"worse: +0.012 (95% CI +0.004 to +0.020), Holm p = 0.02, better in 2 of 10 replicates"``.
            Equivalence verdicts quote the equivalence test's Holm p.

        Examples
        --------
        >>> from companion.stats import Family
        >>> family = Family("q", "A", ["B"], "accuracy", higher_is_better=True, margin=0.01)
        >>> family.evaluate({"A": [0.80, 0.82, 0.81], "B": [0.85, 0.86, 0.87]}).text("B")
        'better: +0.05 (95% CI +0.03 to +0.07), Holm p = 0.03, better in 3 of 3 replicates'
        >>> family.evaluate({"A": [0.80, 0.82, 0.81], "B": [0.85, 0.86, 0.87]}).text("B", p_as_bound=True, wins=False)
        'better: +0.05 (95% CI +0.03 to +0.07), Holm p < 0.05, 3 replicates'
        """
        row = self.row(name)
        parts = [self._interval(name)]
        if not row["verdict"].startswith("equivalent"):
            parts.append(f"Holm p {_p_text(row['p_holm'], p_as_bound)}")
        if "equivalent" in row["verdict"] or "less than" in row["verdict"]:
            parts.append(f"equivalence Holm p {_p_text(row['tost_p_holm'], p_as_bound)}")
        parts.append((self._wins_text(row) if wins else str(row["n"])) + " replicates")
        return f"{row['verdict']}: " + ", ".join(parts)

    @staticmethod
    def _wins_text(row):
        ties = f" ({row['ties']} tied)" if row["ties"] else ""
        return f"better in {row['wins']} of {row['n']}{ties}"

    def table(self, p_as_bound=False, wins=True):
        """Return the family as a table of formatted strings, narrow enough for the book's page.

        Parameters
        ----------
        p_as_bound, wins : bool
            As in :meth:`text`: p-values as bounds, and the column ``better in`` left out with ``wins=False``.

        Returns
        -------
        table : pandas.DataFrame
            One row per recipe, columns ``recipe``, ``difference (95% CI, unadjusted)`` (``ratio (…)`` for
            ``test="log_ratio"``), ``Holm p`` (of the difference test), ``better in`` and ``verdict``.

        Examples
        --------
        >>> from companion.stats import Family
        >>> family = Family("q", "A", ["B"], "accuracy", higher_is_better=True, margin=0.01)
        >>> family.evaluate({"A": [0.80, 0.82, 0.81], "B": [0.85, 0.86, 0.87]}).table().iloc[0].tolist()
        ['B', '+0.05 (+0.03 to +0.07)', '0.03', '3 of 3', 'better']
        """
        import pandas as pd

        what = "ratio" if self.family.test == "log_ratio" else "difference"
        header = f"{what} ({_confidence_label(1 - self.family.alpha)} CI, unadjusted)"
        table = pd.DataFrame([{"recipe": row["recipe"], header: self._interval(row["recipe"], label=False),
                               "Holm p": _p_text(row["p_holm"], p_as_bound) if not isinstance(p_as_bound, bool)
                               else format_p_value(row["p_holm"], as_bound=p_as_bound),
                               "better in": self._wins_text(row)[len("better in "):], "verdict": row["verdict"]}
                              for row in self.rows])
        return table if wins else table.drop(columns="better in")
