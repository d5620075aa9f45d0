"""Seeded random inputs shared by the loss and gradient tests.

Each function draws an array of ``shape`` from the generator ``rng`` for a loss's
``y_true`` or ``y_pred``: real values, positive values, counts, probabilities, 0/1
bits, ±1 signs, distributions along the last axis, one-hot rows or integer labels.
"""

import numpy as np


def real(rng, shape):
    return rng.normal(scale=2.0, size=shape)


def positive(rng, shape):
    return rng.uniform(0.1, 5.0, size=shape)


def counts(rng, shape):
    return rng.poisson(2.0, size=shape).astype(float)


def probabilities(rng, shape):
    return rng.uniform(0.0, 1.0, size=shape)


def bits(rng, shape):
    return rng.integers(0, 2, size=shape).astype(float)


def signs(rng, shape):
    return rng.choice([-1.0, 1.0], size=shape)


def distributions(rng, shape):
    return rng.dirichlet(np.ones(shape[-1]), size=shape[:-1])


def one_hot(rng, shape):
    return np.eye(shape[-1])[rng.integers(shape[-1], size=shape[:-1])]


def labels(rng, shape):
    return rng.integers(shape[-1], size=shape[:-1])
