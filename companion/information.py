"""Information measures: surprise, entropy, cross-entropy and Kullback-Leibler divergence.

An event of probability ``p`` carries ``-log p`` of information: the rarer the event, the greater the
surprise when it happens. The entropy ``H(p)`` of a distribution is its expected surprise, the uncertainty
that is left before the outcome is seen. The cross-entropy ``H(p, q)`` is the expected surprise when outcomes
follow ``p`` but are scored by a model ``q``. It exceeds ``H(p)`` by the Kullback-Leibler divergence
``KL(p || q)``, which is never negative and is zero only when ``q == p``; so training a model ``q`` to
minimise a cross-entropy minimises its divergence from the data's distribution ``p``.

Conventions shared by every function here:

- Distributions lie along the last axis. An array of shape ``(n, k)`` is a batch of ``n`` distributions over
  ``k`` outcomes and gives ``n`` values; an array of shape ``(k,)`` gives a Python float.
- ``base=None`` measures information in nats (natural logarithm), ``base=2`` in bits.
- ``0 log 0 = 0``: an outcome that ``p`` rules out contributes nothing, whatever ``q`` says about it.
- Inputs are checked, never repaired. Empty arrays, non-finite or negative entries, distributions that do not
  sum to 1 within `ROW_SUM_TOLERANCE`, and ``p`` and ``q`` of different shapes raise ``ValueError``.
  Unlike ``scipy.stats.entropy``, nothing is renormalised, and nothing is broadcast.
"""

import heapq

import numpy as np

from ._checks import numeric

__all__ = ["ROW_SUM_TOLERANCE", "information_content", "entropy", "cross_entropy", "kl_divergence",
           "huffman_lengths"]

ROW_SUM_TOLERANCE = 1e-6
"""How far from 1 the entries of a distribution may sum (an absolute tolerance, so also relative to 1)."""


def information_content(p, base=None):
    """Return the information content (surprise) of events with probability ``p``.

    Formula::

        I(p) = -log(p) / log(base)

    A certain event (``p = 1``) carries no information. An impossible event (``p = 0``) would carry infinite
    information and is rejected.

    Parameters
    ----------
    p : array_like of any shape
        Probabilities of the events, each in ``(0, 1]``.
    base : float, default=None
        Base of the logarithm: ``None`` for nats, ``2`` for bits.

    Returns
    -------
    float or ndarray of the same shape as ``p``
        The surprise of each event; a float when ``p`` is a scalar.

    Raises
    ------
    ValueError
        If ``p`` is empty, has an entry outside ``(0, 1]`` or a non-finite entry, or if ``base`` is not a
        finite positive number other than 1.

    Examples
    --------
    Two marksmen hit the target with probabilities 0.1 and 0.999. A hit by the first is the bigger news:

    >>> information_content(0.1, base=2)
    3.321928094887362
    >>> information_content(0.999, base=2)
    0.0014434168696687186
    >>> information_content([0.5, 0.25, 1.0], base=2)
    array([1., 2., 0.])
    >>> information_content(1.0)
    0.0
    """
    scale = _log_base(base)
    p = _as_probabilities(p, "p")
    outside = (p <= 0) | (p > 1)
    if np.any(outside):
        raise ValueError(
            f"p must lie in (0, 1]; got {p[outside].flat[0]:g}. "
            "An event of probability 0 has infinite information content."
        )
    return _result(-np.log(p) / scale)


def entropy(p, base=None):
    """Return the entropy of each distribution in ``p``.

    Formula::

        H(p) = -sum(p * log(p), axis=-1) / log(base)

    Outcomes with ``p = 0`` contribute 0 (``0 log 0 = 0``), so a certain outcome, e.g. ``p = [1, 0]``, has
    entropy exactly 0. The uniform distribution over ``k`` outcomes has the largest entropy, ``log k``.

    Parameters
    ----------
    p : array_like of shape (..., k)
        Distributions over ``k`` outcomes along the last axis: non-negative, each summing to 1.
    base : float, default=None
        Base of the logarithm: ``None`` for nats, ``2`` for bits.

    Returns
    -------
    float or ndarray of shape (...)
        One entropy per distribution; a float when ``p`` has shape ``(k,)``.

    Raises
    ------
    ValueError
        If ``p`` is empty or a scalar, has negative or non-finite entries, or a distribution that does not sum
        to 1 within `ROW_SUM_TOLERANCE`; or if ``base`` is invalid.

    Examples
    --------
    The uncertainty of the two marksmen's shots (hit, miss), in bits:

    >>> entropy([[0.1, 0.9], [0.999, 0.001]], base=2)
    array([0.46899559, 0.01140776])
    >>> entropy([0.5, 0.5], base=2)
    1.0
    """
    scale = _log_base(base)
    p = _as_distributions(p, "p")
    return _result(-np.sum(_p_log_q(p, p), axis=-1) / scale)


def cross_entropy(p, q, base=None):
    """Return the cross-entropy of each model distribution ``q`` relative to the true distribution ``p``.

    Formula::

        H(p, q) = -sum(p * log(q), axis=-1) / log(base)
                = H(p) + KL(p || q)

    Outcomes with ``p = 0`` contribute 0, even where ``q = 0`` too (``0 log 0 = 0``). An outcome with
    ``q = 0 < p`` makes the cross-entropy ``inf``: the model calls impossible an outcome that happens.

    Parameters
    ----------
    p : array_like of shape (..., k)
        True distributions along the last axis: non-negative, each summing to 1.
    q : array_like of shape (..., k)
        Model distributions, the same shape as ``p``.
    base : float, default=None
        Base of the logarithm: ``None`` for nats, ``2`` for bits.

    Returns
    -------
    float or ndarray of shape (...)
        One cross-entropy per pair of distributions, ``>= H(p)``; a float when ``p`` has shape ``(k,)``.

    Raises
    ------
    ValueError
        If ``p`` and ``q`` differ in shape, or either fails the checks of `entropy`.

    Examples
    --------
    For a one-hot ``p`` the cross-entropy is the surprise of the true class under ``q``, ``-log q[true]``:

    >>> cross_entropy([0, 1, 0], [0.2, 0.7, 0.1])  # -log(0.7)
    0.35667494393873245
    >>> cross_entropy([[0.5, 0.5], [1, 0]], [[0.5, 0.5], [0, 1]], base=2)
    array([ 1., inf])
    """
    scale = _log_base(base)
    p, q = _as_pair(p, q)
    return _result(-np.sum(_p_log_q(p, q), axis=-1) / scale)


def kl_divergence(p, q, base=None):
    """Return the Kullback-Leibler divergence of each model distribution ``q`` from the true ``p``.

    Formula::

        KL(p || q) = sum(p * log(p / q), axis=-1) / log(base)
                   = H(p, q) - H(p)

    Outcomes with ``p = 0`` contribute 0 (``0 log 0 = 0``). An outcome with ``q = 0 < p`` makes the divergence
    ``inf``. The divergence is never negative (Gibbs' inequality) and is 0 exactly when ``q == p``; rounding
    error that would make it a hair below zero is clipped to 0. It is not symmetric in ``p`` and ``q``.

    Parameters
    ----------
    p : array_like of shape (..., k)
        True distributions along the last axis: non-negative, each summing to 1.
    q : array_like of shape (..., k)
        Model distributions, the same shape as ``p``.
    base : float, default=None
        Base of the logarithm: ``None`` for nats, ``2`` for bits.

    Returns
    -------
    float or ndarray of shape (...)
        One divergence per pair of distributions, ``>= 0``; a float when ``p`` has shape ``(k,)``.

    Raises
    ------
    ValueError
        If ``p`` and ``q`` differ in shape, or either fails the checks of `entropy`.

    Examples
    --------
    >>> kl_divergence([0.5, 0.5], [0.25, 0.75], base=2)  # 0.5 * log2(4/3)
    0.2075187496394219
    >>> kl_divergence([[0.5, 0.5], [0.5, 0.5]], [[0.5, 0.5], [1, 0]])
    array([ 0., inf])
    """
    scale = _log_base(base)
    p, q = _as_pair(p, q)
    divergence = np.sum(_p_log_q(p, p) - _p_log_q(p, q), axis=-1)
    return _result(np.maximum(divergence, 0.0) / scale)


def huffman_lengths(p):
    """Return the codeword lengths, in bits, of a Huffman code for the distribution ``p``.

    Huffman's algorithm builds the binary prefix code with the smallest expected length: it repeatedly
    merges the two least probable groups of symbols, and each merge adds one bit to the codeword of every
    symbol in both groups. Ties are broken by symbol order, so the lengths are deterministic.

    Closed forms the result satisfies:

    - Kraft's inequality holds with equality for ``k >= 2`` symbols: ``sum(2 ** -lengths) == 1``;
    - the expected length ``L = sum(p * lengths)`` lies in ``[H(p), H(p) + 1)``, with ``H`` in bits;
    - when every probability is a power of 1/2, ``lengths == -log2(p)`` and ``L == H(p)``.

    A code built this way for a model ``q`` and used on symbols drawn from ``p`` costs
    ``sum(p * huffman_lengths(q))`` bits per symbol: about ``KL(p || q)`` more than a code built for ``p``.

    Parameters
    ----------
    p : array_like of shape (k,)
        One distribution over ``k >= 1`` symbols: non-negative, summing to 1. Symbols of probability 0 get a
        codeword too.

    Returns
    -------
    lengths : ndarray of int of shape (k,)
        Codeword length of each symbol; a single symbol gets length 0 (nothing needs sending).

    Raises
    ------
    ValueError
        If ``p`` is not one distribution of shape ``(k,)``, or fails the checks of `entropy`.

    Examples
    --------
    >>> huffman_lengths([0.5, 0.25, 0.125, 0.125])
    array([1, 2, 3, 3])
    >>> lengths = huffman_lengths([0.35, 0.25, 0.20, 0.12, 0.08])
    >>> lengths, float(sum(2.0 ** -lengths))
    (array([2, 2, 2, 3, 3]), 1.0)
    """
    p = _as_distributions(p, "p")
    if p.ndim != 1:
        raise ValueError(f"p must be one distribution of shape (k,); got shape {p.shape}.")
    # Heap entries: (probability of a group, smallest symbol in it, the symbols); the middle entry breaks ties.
    heap = [(float(q), i, [i]) for i, q in enumerate(p)]
    heapq.heapify(heap)
    lengths = np.zeros(len(p), dtype=int)
    while len(heap) > 1:
        q1, i1, first = heapq.heappop(heap)
        q2, i2, second = heapq.heappop(heap)
        lengths[first + second] += 1
        heapq.heappush(heap, (q1 + q2, min(i1, i2), first + second))
    return lengths


def _p_log_q(p, q):
    """Return ``p * log(q)`` elementwise, with ``0 * log(q) = 0`` for any ``q`` and ``p * log(0) = -inf``."""
    out = np.zeros_like(p)
    positive = p > 0
    with np.errstate(divide="ignore"):
        out[positive] = p[positive] * np.log(q[positive])
    return out


def _result(values):
    """Return a 0-d result as a float and others as arrays; ``+ 0.0`` turns ``-0.0`` into ``0.0``."""
    values = values + 0.0
    return float(values) if values.ndim == 0 else values


def _log_base(base):
    """Return the divisor that converts nats to units of ``base``."""
    if base is None:
        return 1.0
    value = float(base)
    if not (np.isfinite(value) and value > 0 and value != 1):
        raise ValueError(
            f"base must be a finite positive number other than 1, or None for nats; got {base!r}."
        )
    return np.log(value)


def _as_probabilities(x, name):
    """Return ``x`` as a float64 array after checking that it is non-empty, finite and non-negative."""
    x = numeric(x, name, labels=False)
    if x.size == 0:
        raise ValueError(f"{name} is empty (shape {x.shape}); it needs at least one probability.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or infinite entries.")
    if np.any(x < 0):
        raise ValueError(f"{name} has a negative entry ({x[x < 0].flat[0]:g}); probabilities are >= 0.")
    return x


def _as_distributions(x, name):
    """Return ``x`` as a float64 array of distributions along its last axis, or raise ``ValueError``."""
    x = _as_probabilities(x, name)
    if x.ndim == 0:
        raise ValueError(f"{name} is a scalar; a distribution lists its probabilities along the last axis.")
    error = np.abs(x.sum(axis=-1) - 1)
    if np.max(error) > ROW_SUM_TOLERANCE:
        worst = x.reshape(-1, x.shape[-1])[np.argmax(error)]
        raise ValueError(
            f"{name} must sum to 1 along its last axis (within {ROW_SUM_TOLERANCE:g}); "
            f"one distribution sums to {worst.sum():.9g}."
        )
    return x


def _as_pair(p, q):
    """Check ``p`` and ``q`` as distributions of the same shape and return them as float64 arrays."""
    p = _as_distributions(p, "p")
    q = _as_distributions(q, "q")
    if p.shape != q.shape:
        raise ValueError(
            f"p and q must have the same shape; got p.shape={p.shape} and q.shape={q.shape}. "
            "Nothing is broadcast."
        )
    return p, q
