"""Tests for companion.information: closed forms, scipy, hand-computed values and every error path."""

import warnings

import numpy as np
import pytest
import scipy.stats

from companion.information import cross_entropy, entropy, huffman_lengths, information_content, kl_divergence

RTOL = 1e-12  # float64 against float64: closed forms and scipy agree to rounding error
SEEDS = [0, 1, 2]


def dirichlet_batch(seed, n=50, k=4):
    """Return two seeded batches of ``n`` random distributions over ``k`` outcomes, shape ``(n, k)``."""
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(k), size=n), rng.dirichlet(np.ones(k), size=n)


# Closed forms


@pytest.mark.parametrize("k", [1, 2, 3, 10])
def test_entropy_of_uniform_is_log_k(k):
    uniform = np.full(k, 1.0 / k)
    np.testing.assert_allclose(entropy(uniform), np.log(k), rtol=RTOL, atol=1e-15)
    np.testing.assert_allclose(entropy(uniform, base=2), np.log2(k), rtol=RTOL, atol=1e-15)


def test_entropy_in_bits_of_fair_coin_is_one():
    assert entropy([0.5, 0.5], base=2) == 1.0


@pytest.mark.parametrize("seed", SEEDS)
def test_kl_of_a_distribution_with_itself_is_zero(seed):
    p, _ = dirichlet_batch(seed)
    np.testing.assert_array_equal(kl_divergence(p, p), np.zeros(len(p)))


@pytest.mark.parametrize("seed", SEEDS)
def test_cross_entropy_is_entropy_plus_kl(seed):
    p, q = dirichlet_batch(seed)
    for base in (None, 2):
        np.testing.assert_allclose(
            cross_entropy(p, q, base=base), entropy(p, base=base) + kl_divergence(p, q, base=base), rtol=RTOL
        )


@pytest.mark.parametrize("seed", SEEDS)
def test_kl_is_positive_and_cross_entropy_exceeds_entropy(seed):
    p, q = dirichlet_batch(seed)
    assert np.all(kl_divergence(p, q) > 0)
    assert np.all(cross_entropy(p, q) > entropy(p))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("base", [None, 2])
def test_agrees_with_scipy(seed, base):
    p, q = dirichlet_batch(seed)
    np.testing.assert_allclose(entropy(p, base=base), scipy.stats.entropy(p, base=base, axis=-1), rtol=RTOL)
    np.testing.assert_allclose(
        kl_divergence(p, q, base=base), scipy.stats.entropy(p, q, base=base, axis=-1), rtol=RTOL
    )


# Published example: the two marksmen, who hit with probabilities 0.1 and 0.999 (seed 003)


def test_marksmen_information_content():
    # -log2(0.1) = log2(10); -log2(0.999) = -ln(0.999) / ln(2) = 0.00100050 / 0.69314718
    hits = [0.1, 0.999]
    np.testing.assert_allclose(information_content(hits, base=2), [3.3219281, 0.0014434169], rtol=1e-7)
    np.testing.assert_allclose(information_content(hits), [2.3025851, 0.0010005003], rtol=1e-7)


def test_marksmen_entropy():
    # 0.1 * 3.3219281 + 0.9 * 0.1520031 = 0.4689956 bits
    # 0.999 * 0.0014434169 + 0.001 * 9.9657843 = 0.0014419735 + 0.0099657843 = 0.0114077578 bits
    shots = [[0.1, 0.9], [0.999, 0.001]]
    np.testing.assert_allclose(entropy(shots, base=2), [0.4689956, 0.0114077578], rtol=1e-6)
    # The better marksman's shot is the less uncertain one.
    first, second = entropy(shots)
    assert second < first


# Edge cases: 0 log 0 = 0, and inf where q = 0 < p


def test_zero_log_zero_is_zero():
    assert entropy([1.0, 0.0]) == 0.0
    assert not np.signbit(entropy([1.0, 0.0]))  # 0.0, not -0.0, so it never prints as -0.000
    assert cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert kl_divergence([1.0, 0.0], [1.0, 0.0]) == 0.0
    # An outcome that p rules out adds nothing, even where q rules it out too.
    assert cross_entropy([0.5, 0.5, 0.0], [0.5, 0.5, 0.0]) == pytest.approx(np.log(2), rel=RTOL)
    assert information_content(1.0) == 0.0


def test_inf_where_q_is_zero_but_p_is_not():
    p = [[0.5, 0.5], [0.5, 0.5], [1.0, 0.0]]
    q = [[0.5, 0.5], [1.0, 0.0], [1.0, 0.0]]
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        cross = cross_entropy(p, q)
        divergence = kl_divergence(p, q)
    np.testing.assert_array_equal(cross, [np.log(2), np.inf, 0.0])
    np.testing.assert_array_equal(divergence, [0.0, np.inf, 0.0])


# Shapes


def test_one_distribution_gives_a_float():
    assert isinstance(entropy([0.2, 0.8]), float)
    assert isinstance(cross_entropy([0.2, 0.8], [0.5, 0.5]), float)
    assert isinstance(kl_divergence([0.2, 0.8], [0.5, 0.5]), float)
    assert isinstance(information_content(0.5), float)


@pytest.mark.parametrize("batch_shape", [(1,), (6,), (2, 3)])
def test_batch_of_distributions_gives_one_value_each(batch_shape):
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(5), size=batch_shape)
    q = rng.dirichlet(np.ones(5), size=batch_shape)
    assert entropy(p).shape == batch_shape
    assert cross_entropy(p, q).shape == batch_shape
    assert kl_divergence(p, q).shape == batch_shape
    assert information_content(p).shape == p.shape
    # Each row on its own gives the same value as in the batch.
    rows = p.reshape(-1, 5)
    np.testing.assert_allclose(entropy(p).ravel(), [entropy(row) for row in rows], rtol=RTOL)


# Errors

GOOD = [0.25, 0.75]

ERRORS = [
    pytest.param(information_content, ([0.5, 0.0],), r"\(0, 1\].*infinite information", id="ic-zero"),
    pytest.param(information_content, ([0.5, 1.5],), r"\(0, 1\]", id="ic-above-one"),
    pytest.param(information_content, ([-0.5],), r"negative", id="ic-negative"),
    pytest.param(information_content, ([],), r"empty", id="ic-empty"),
    pytest.param(information_content, ([np.nan],), r"NaN or infinite", id="ic-nan"),
    pytest.param(entropy, ([1.2, -0.2],), r"negative entry \(-0.2\)", id="negative"),
    pytest.param(entropy, ([0.5, 0.6],), r"sum to 1 .*within 1e-06.*sums to 1.1", id="sum-above-one"),
    pytest.param(entropy, ([[0.5, 0.5], [0.5, 0.4]],), r"sums to 0.9", id="sum-of-one-row"),
    pytest.param(entropy, ([],), r"empty", id="empty"),
    pytest.param(entropy, (np.zeros((3, 0)),), r"empty", id="empty-last-axis"),
    pytest.param(entropy, (1.0,), r"scalar", id="scalar"),
    pytest.param(entropy, ([np.inf, 0.0],), r"NaN or infinite", id="inf"),
    pytest.param(entropy, ([np.nan, 1.0],), r"NaN or infinite", id="nan"),
    pytest.param(cross_entropy, (GOOD, [0.5, 0.5, 0.0]), r"p.shape=\(2,\) and q.shape=\(3,\)", id="shapes"),
    pytest.param(kl_divergence, ([GOOD], GOOD), r"p.shape=\(1, 2\) and q.shape=\(2,\)", id="no-broadcast"),
    pytest.param(kl_divergence, (GOOD, [0.5, 0.6]), r"q must sum to 1", id="q-sum"),
    pytest.param(cross_entropy, (GOOD, [1.5, -0.5]), r"q has a negative entry", id="q-negative"),
]


@pytest.mark.parametrize(("function", "args", "match"), ERRORS)
def test_invalid_input_raises_value_error(function, args, match):
    with pytest.raises(ValueError, match=match):
        function(*args)


@pytest.mark.parametrize("base", [0, -2, 1, np.inf, np.nan])
@pytest.mark.parametrize("function", [entropy, cross_entropy, kl_divergence, information_content])
def test_invalid_base_raises_value_error(function, base):
    args = (GOOD,) if function in (entropy, information_content) else (GOOD, GOOD)
    with pytest.raises(ValueError, match="base must be a finite positive number other than 1"):
        function(*args, base=base)


def test_row_sum_tolerance():
    entropy([0.5, 0.5 + 9e-7])  # within 1e-6: accepted
    with pytest.raises(ValueError, match="sum to 1"):
        entropy([0.5, 0.5 + 2e-6])


# Huffman codes: Kraft's inequality, the source coding bounds, dyadic sources and a code for the wrong model


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("k", [2, 3, 5, 17])
def test_huffman_kraft_sum_and_expected_length_bounds(seed, k):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(k))
    lengths = huffman_lengths(p)
    assert lengths.dtype.kind == "i" and lengths.shape == (k,)
    assert np.sum(2.0 ** -lengths) == pytest.approx(1.0, abs=1e-12)  # a full binary tree: Kraft with equality
    expected, H = p @ lengths, entropy(p, base=2)
    assert H - 1e-12 <= expected < H + 1


@pytest.mark.parametrize("seed", SEEDS)
def test_huffman_is_no_longer_than_the_rounded_up_code(seed):
    p = np.random.default_rng(seed).dirichlet(np.ones(6))
    assert p @ huffman_lengths(p) <= p @ np.ceil(-np.log2(p)) + 1e-12


def test_huffman_on_a_dyadic_source_matches_the_surprise():
    p = np.array([1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 16])
    np.testing.assert_array_equal(huffman_lengths(p), -np.log2(p))
    assert p @ huffman_lengths(p) == entropy(p, base=2)


def test_huffman_code_for_the_wrong_dyadic_model_costs_kl():
    # Built for q = (1/8, 1/8, 1/4, 1/2) and used on p = (1/2, 1/4, 1/8, 1/8): lengths (3, 3, 2, 1) cost
    # 1.5 + 0.75 + 0.25 + 0.125 = 2.625 bits, H(p) = 1.75, overhead 0.875 = KL(p || q) in bits.
    p, q = np.array([1 / 2, 1 / 4, 1 / 8, 1 / 8]), np.array([1 / 8, 1 / 8, 1 / 4, 1 / 2])
    lengths = huffman_lengths(q)
    np.testing.assert_array_equal(lengths, [3, 3, 2, 1])
    assert p @ lengths == 2.625
    assert p @ lengths - entropy(p, base=2) == pytest.approx(kl_divergence(p, q, base=2), rel=1e-12)


def test_huffman_edge_cases():
    np.testing.assert_array_equal(huffman_lengths([1.0]), [0])
    np.testing.assert_array_equal(huffman_lengths([0.5, 0.5]), [1, 1])
    lengths = huffman_lengths([0.6, 0.4, 0.0])  # a symbol of probability 0 still gets a codeword
    assert np.sum(2.0 ** -lengths) == 1.0 and lengths[0] == 1


@pytest.mark.parametrize(
    "p, match",
    [([[0.5, 0.5]], r"shape \(k,\)"), ([0.5, 0.6], "sum to 1"), ([], "empty"), ([1.2, -0.2], "negative")],
)
def test_huffman_rejects(p, match):
    with pytest.raises(ValueError, match=match):
        huffman_lengths(p)
