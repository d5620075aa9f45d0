"""Tests for companion.noise: transition matrices, the anchor-point estimator and forward correction."""

import numpy as np
import pytest

from companion import datasets, noise


# Constructors against the matrices flip_labels realises (an independent computation)


def realised(y, y_noisy, k):
    counts = np.zeros((k, k))
    for i, j in zip(y, y_noisy):
        counts[i, j] += 1
    return counts / counts.sum(axis=1, keepdims=True)


def test_pairwise_transition_is_what_flip_labels_draws():
    k, y = 5, np.repeat(np.arange(5), 200)
    noisy = datasets.flip_labels(y, 0.3, seed=1, kind="pairwise", n_classes=k)
    np.testing.assert_allclose(realised(y, noisy, k), noise.pairwise_transition(k, 0.3))
    to = [2, 0, 1, 4, 3]
    noisy = datasets.flip_labels(y, 0.3, seed=1, kind="pairwise", to=to, n_classes=k)
    np.testing.assert_allclose(realised(y, noisy, k), noise.pairwise_transition(k, 0.3, to=to))


def test_symmetric_transition_matches_flip_labels_on_average():
    k, y = 4, np.repeat(np.arange(4), 5000)
    noisy = datasets.flip_labels(y, 0.4, seed=2, n_classes=k)
    np.testing.assert_allclose(realised(y, noisy, k), noise.symmetric_transition(k, 0.4), atol=0.02)
    T = noise.symmetric_transition(10, 0.4)
    np.testing.assert_allclose(T.sum(axis=1), 1.0)
    assert T[0, 0] == pytest.approx(0.6) and T[0, 1] == pytest.approx(0.4 / 9)


# The anchor-point estimator against a loop written from Patrini et al.'s description


def anchors_by_loop(P, quantile):
    k = P.shape[1]
    T = np.zeros((k, k))
    for i in range(k):
        values = sorted(P[:, i])
        if quantile is None:
            best = max(range(len(P)), key=lambda r: P[r, i])
        else:
            # numpy's "higher" quantile: the smallest value at or above position q * (n - 1)
            threshold = values[int(np.ceil(quantile * (len(values) - 1)))]
            below = [r for r in range(len(P)) if P[r, i] < threshold]
            best = max(below, key=lambda r: P[r, i])
        T[i] = P[best]
    return T


def test_estimate_transition_recovers_T_from_anchor_points():
    rng = np.random.default_rng(0)
    k = 4
    T = noise.pairwise_transition(k, 0.35)
    clean = rng.dirichlet(np.ones(k), size=50)
    clean[:k] = np.eye(k)  # one sure member of every class
    np.testing.assert_allclose(noise.estimate_transition(clean @ T, quantile=None), T, atol=1e-12)


@pytest.mark.parametrize("quantile", [None, 0.97, 0.5])
def test_estimate_transition_matches_a_loop(quantile):
    rng = np.random.default_rng(3)
    P = rng.dirichlet(np.ones(5) * 0.5, size=200)
    np.testing.assert_allclose(noise.estimate_transition(P, quantile=quantile), anchors_by_loop(P, quantile))


@pytest.mark.parametrize(
    "P, quantile, message",
    [
        (np.ones(3) / 3, 0.97, r"shape \(n, k\)"),
        (np.array([[0.5, 0.6]]), 0.97, "sum to one"),
        (np.array([[np.nan, 1.0]]), 0.97, "finite"),
        (np.array([[0.5, 0.5]]), 1.0, r"quantile must be a number in \(0, 1\)"),
    ],
)
def test_estimate_transition_rejects(P, quantile, message):
    with pytest.raises(ValueError, match=message):
        noise.estimate_transition(P, quantile=quantile)


# The forward-corrected loss against NumPy


def test_forward_losses_equal_minus_log_of_the_noisy_label_probability():
    rng = np.random.default_rng(1)
    k = 6
    logits = rng.normal(size=(20, k))
    p = (np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)).astype("float32")
    T = noise.symmetric_transition(k, 0.3) * 0.5 + noise.pairwise_transition(k, 0.2) * 0.5
    y = rng.integers(0, k, size=20)
    direct = -np.log((p.astype("float64") @ T)[np.arange(20), y])
    targets = noise.forward_targets(y, T)
    np.testing.assert_allclose(targets, T[:, y].T, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(noise.forward_crossentropy(targets, p)), direct, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(noise.forward_corrected_loss(T)(y, p)), direct, rtol=1e-5)
    # with T = I it is the ordinary cross-entropy
    np.testing.assert_allclose(np.asarray(noise.forward_corrected_loss(np.eye(k))(y, p)),
                               -np.log(p[np.arange(20), y].astype("float64")), rtol=1e-5)


def test_forward_correction_trains_in_keras():
    from companion.models import mlp, sgd

    model = mlp(3, hidden=(4,), outputs=3, activation="softmax")
    model.compile(loss=noise.forward_corrected_loss(noise.pairwise_transition(3, 0.2)), optimizer=sgd())
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    history = model.fit(x, np.arange(16) % 3, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: noise.symmetric_transition(1, 0.1), "n_classes must be an integer of at least 2"),
        (lambda: noise.symmetric_transition(3, 1.5), r"rate must be a number in \[0, 1\]"),
        (lambda: noise.pairwise_transition(3, 0.2, to=[1, 1, 0]), "to\\[1\\] is 1 itself"),
        (lambda: noise.pairwise_transition(3, 0.2, to=[1, 2]), "3 target classes"),
        (lambda: noise.pairwise_transition(3, 0.2, to=[1, 2, 5]), r"to\[2\] must be a class in 0..2"),
        (lambda: noise.forward_targets([0, 3], np.eye(3)), "integer labels 0..2"),
        (lambda: noise.forward_targets([0.5], np.eye(3)), "integer labels 0..2"),
        (lambda: noise.forward_targets([0, 1], np.ones((3, 3))), "rows that sum to one"),
        (lambda: noise.forward_corrected_loss(np.eye(3)[:2]), r"\(k, k\) matrix"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
