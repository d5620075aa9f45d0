"""Tests for companion.replicates: replicates side by side are the runs companion.fit makes one at a time.

* Over a few epochs, every replicate agrees with its one-at-a-time fit to float rounding: the same
  initial weights, batch order, loss, optimizer, metrics and curves (for each kind of problem).
* Over a long run, rounding differences grow, so the claim is in distribution: over 16 replicates
  the paired difference of test accuracy is small and its interval covers zero.
* A replicate's numbers are bit for bit the same whichever replicates it is swept with.
* Data redrawn per replicate, a build that draws extra random numbers, and every refusal.
"""

import random

import numpy as np
import pytest

import companion as cp
from companion import compare
from companion.replicates import _blocks, fit_replicates

SHORT = 2


def builder(problem, loss, metrics=None):
    problem = cp.get_problem(problem)
    return lambda: compare.build_model(problem, loss, metrics)


def one_at_a_time(build, split, seed, epochs):
    cp.set_seed(seed)
    return cp.fit(build(), split, epochs=epochs)


def assert_same_run(a, b, rtol=1e-3):
    """Two runs of one recipe agree to float rounding (amplified by a few epochs of training).

    Losses, continuous metrics and weights agree to ``rtol``. An accuracy counts samples, so a
    rounding difference can flip a sample on the decision boundary: accuracies may differ by up to
    two test samples (measured on the AVX2 path: one blobs sample at epoch 2, 0.522 against 0.520).
    """
    assert a.history.keys() == b.history.keys()
    for key in a.history:
        atol = 2.5 / 500 if "accuracy" in key else 1e-6
        np.testing.assert_allclose(a.history[key], b.history[key], rtol=rtol, atol=atol, err_msg=key)
    for part in ("train", "test"):
        assert getattr(a, part).keys() == getattr(b, part).keys()
        for key in getattr(a, part):
            atol = 2.5 / 500 if "accuracy" in key else 1e-6
            np.testing.assert_allclose(getattr(a, part)[key], getattr(b, part)[key], rtol=rtol, atol=atol,
                                       err_msg=f"{part} {key}")
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_allclose(wa, wb, rtol=rtol, atol=1e-3)


@pytest.mark.parametrize("problem, loss, metrics", [
    ("regression", "mean_squared_error", None),
    ("regression", "mean_absolute_error", ["mae", "mse"]),
    ("circles", "binary_crossentropy", None),
    ("circles", "hinge", None),
    ("blobs", "categorical_crossentropy", None),
    ("blobs", "sparse_categorical_crossentropy", None),
    ("blobs", "kl_divergence", None),
])
def test_each_replicate_is_its_one_at_a_time_fit(problem, loss, metrics):
    build = builder(problem, loss, metrics)
    split = compare.encoded_split(cp.get_problem(problem), loss)
    seeds = [4, 0, 7]
    side_by_side = fit_replicates(build, split, seeds, epochs=SHORT, block_size=4)
    for seed, result in zip(seeds, side_by_side):
        assert_same_run(result, one_at_a_time(build, split, seed, SHORT))


@pytest.mark.parametrize("jit_compile", [True, False])
def test_a_replicate_does_not_depend_on_the_replicates_beside_it(jit_compile):
    build = builder("circles", "binary_crossentropy")
    split = cp.datasets.circles()
    kwargs = dict(epochs=20, block_size=4, jit_compile=jit_compile)
    alone = fit_replicates(build, split, [6], **kwargs)[0]
    for seeds in ([4, 5, 6, 7], [6, 1, 10], [2, 14, 6, 3, 9, 13]):
        beside = fit_replicates(build, split, seeds, **kwargs)[seeds.index(6)]
        assert beside == alone
        for a, b in zip(beside.weights, alone.weights):
            np.testing.assert_array_equal(a, b)


def test_long_runs_agree_with_one_at_a_time_fits_in_distribution():
    problem = cp.get_problem("circles")
    build = builder(problem.name, "binary_crossentropy")
    split = problem.split
    seeds = range(16)
    side_by_side = [r.test["accuracy"] for r in fit_replicates(build, split, seeds, epochs=100)]
    template = build()
    single = []
    for seed in seeds:
        cp.set_seed(seed)
        cp.reinitialize(template, build().get_weights())
        single.append(cp.fit(template, split, epochs=100).test["accuracy"])
    # Far below anything the book prints (three decimals at most): the whole interval within ±0.005.
    diff = cp.paired_difference(side_by_side, single)
    assert -0.005 < diff.ci_low <= diff.ci_high < 0.005


def redrawn_circles(seed):
    """The circles problem drawn anew: make_circles with another random_state, split 500/500."""
    from sklearn.datasets import make_circles

    X, y = make_circles(n_samples=1000, noise=0.1, random_state=seed)
    return cp.datasets.Split(X[:500], y[:500], X[500:], y[500:], task="binary")


def test_data_redrawn_per_replicate():
    build = builder("circles", "binary_crossentropy")
    splits = [redrawn_circles(s) for s in (11, 12)]
    results = fit_replicates(build, splits, [0, 1], epochs=SHORT)
    for seed, split, result in zip([0, 1], splits, results):
        assert_same_run(result, one_at_a_time(build, split, seed, SHORT))
    assert results[0].test != fit_replicates(build, splits[0], [1], epochs=SHORT)[0].test


def test_a_build_that_draws_more_random_numbers_is_still_its_own_fit():
    def build():
        random.random()  # draws from Python's generator, as the initializers do
        return compare.build_model(cp.get_problem("circles"), "binary_crossentropy")

    split = cp.datasets.circles()
    for seed, result in zip([2, 3], fit_replicates(build, split, [2, 3], epochs=SHORT)):
        assert_same_run(result, one_at_a_time(build, split, seed, SHORT))


def test_results_are_in_the_order_of_the_seeds_and_complete():
    build = builder("circles", "binary_crossentropy")
    seeds = [9, 1, 17, 1]  # 1 and 17 share a slot of a 16-block; the repeated seed gets its own block
    results = fit_replicates(build, cp.datasets.circles(), seeds, epochs=SHORT)
    assert len(results) == 4 and results[1] == results[3]
    assert results[0] != results[1] != results[2]
    assert all(r.epochs == SHORT and np.isfinite(r.seconds) for r in results)


def test_blocks_place_each_seed_in_its_slot():
    blocks = _blocks(list(range(20)) + [3], 8)
    assert len(blocks) == 4
    for block in blocks:
        assert len(block) == 8
        for slot, i in enumerate(block):
            assert i is None or (list(range(20)) + [3])[i] % 8 == slot
    assert sorted(i for b in blocks for i in b if i is not None) == list(range(21))


def _adam():
    import keras

    model = cp.mlp(2, hidden=(4,), activation="sigmoid")
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(), metrics=["accuracy"])
    return model


def _dropout():
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4), keras.layers.Dropout(0.5),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer=cp.sgd())
    return model


def _auc():
    import keras

    model = cp.mlp(2, hidden=(4,), activation="sigmoid")
    model.compile(loss="binary_crossentropy", optimizer=cp.sgd(), metrics=[keras.metrics.AUC()])
    return model


def _schedule():
    import keras

    model = cp.mlp(2, hidden=(4,), activation="sigmoid")
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=10, decay_rate=0.9)
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(schedule))
    return model


def _functional():
    import keras

    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(inputs))
    model.compile(loss="binary_crossentropy", optimizer=cp.sgd())
    return model


@pytest.mark.parametrize("build, message", [
    (_adam, "reproduces SGD only, got Adam"),
    (_dropout, "Dense layers only, got a Dropout layer"),
    (_auc, "is not \\(score the returned weights"),
    (_schedule, "constant learning rate"),
    (_functional, "Sequential MLPs only, got a Functional"),
])
def test_models_it_cannot_reproduce_are_refused(build, message):
    with pytest.raises(ValueError, match=message):
        fit_replicates(build, cp.datasets.circles(), [0], epochs=1)


@pytest.mark.parametrize("seeds, message", [
    ([], "at least one seed"),
    ([0, -1], "non-negative integers, got \\[-1\\]"),
    ([0, 1.5], "non-negative integers"),
    (3, "a sequence of non-negative integers"),
])
def test_bad_seeds_are_refused(seeds, message):
    with pytest.raises(ValueError, match=message):
        fit_replicates(builder("circles", "binary_crossentropy"), cp.datasets.circles(), seeds, epochs=1)


def test_bad_splits_and_settings_are_refused():
    build = builder("circles", "binary_crossentropy")
    a = cp.datasets.circles()
    with pytest.raises(ValueError, match="one split per seed: got 2 splits for 3 seeds"):
        fit_replicates(build, [a, a], [0, 1, 2], epochs=1)
    short = cp.datasets.Split(a.X_train[:100], a.y_train[:100], a.X_test, a.y_test, task="binary")
    with pytest.raises(ValueError, match="same shapes"):
        fit_replicates(build, [a, short], [0, 1], epochs=1)
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        fit_replicates(build, a, [0], epochs=0)
    with pytest.raises(ValueError, match="block_size must be a positive integer"):
        fit_replicates(build, a, [0], epochs=1, block_size=0)
