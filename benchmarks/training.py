"""Time plain ``model.fit`` against companion's fast training path on the seed's regression run.

Run it with ``python -m benchmarks.training`` (or ``make benchmark``). The experiment is seed
``002``'s regression recipe: 500 training samples with 20 features, an MLP with one hidden layer of
25 ReLU units, mean squared error, SGD with learning rate 0.01 and momentum 0.9, batch size 32,
100 epochs, the test set evaluated after every epoch (``validation_data``) and once more at the end.

Three ways of running that experiment are timed, each from ``set_seed`` to the final test score,
so each number is what a reader waits for:

``model.fit``
    :func:`companion.fit_keras`: build and compile a model, ``model.fit(..., validation_data=...)``,
    then ``model.evaluate`` on both sets.
``companion, fresh model``
    :func:`companion.fit` on a newly built model: build, compile, trace the whole-run graph and run
    it. This is the cost of a new experiment in a notebook, and the number the speedup line uses.
``companion, re-initialised``
    :func:`companion.fit` on a template model that has been trained before, given the new seed's
    initial weights with :func:`companion.reinitialize` (what :func:`companion.compare_losses` does
    for every seed after the first). The graph is already traced, so this is the per-seed cost of a
    multi-seed sweep.

Before timing, each path runs once untimed (a warm-up: TensorFlow's one-off start-up costs are paid
there, not by whichever path happens to run first). Each timing is then repeated ``--repeats`` times
with seeds ``0..repeats-1`` and the median is reported, with the mean final test MSE over those
seeds. The paths draw different mini-batch orders (``model.fit`` repeats one order in every epoch
once the seed is set; the fast path reshuffles each epoch), so their MSEs agree in size, not in
every digit; the fresh and re-initialised fast runs are the same runs and agree exactly.
"""

import argparse
import os
import statistics
import time

PATHS = ("model.fit", "companion, fresh model", "companion, re-initialised")


def _experiment(epochs):
    import companion as cp

    split = cp.datasets.regression()

    def build(seed):
        cp.set_seed(seed)
        model = cp.mlp(split.n_features, hidden=(25,))
        model.compile(loss="mean_squared_error", optimizer=cp.sgd(), metrics=["mse"])
        return model

    template = build(0)

    def keras_run(seed):
        return cp.fit_keras(build(seed), split, epochs=epochs)

    def fresh_run(seed):
        return cp.fit(build(seed), split, epochs=epochs)

    def reinitialised_run(seed):
        cp.reinitialize(template, build(seed).get_weights())
        return cp.fit(template, split, epochs=epochs)

    return dict(zip(PATHS, (keras_run, fresh_run, reinitialised_run)))


def _time(run, seed):
    start = time.perf_counter()
    result = run(seed)
    return time.perf_counter() - start, result.test["mse"]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.training", description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per path (default: 3)")
    parser.add_argument("--epochs", type=int, default=100, help="epochs per run (default: 100, the seed's)")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.epochs < 1:
        parser.error("--repeats and --epochs must be positive")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    import keras
    import tensorflow as tf

    # Every fresh model traces its own graph, by design; after five of them TensorFlow warns about
    # "excessive retracing" of companion's whole-run function. Not news here.
    tf.get_logger().setLevel("ERROR")
    runs = _experiment(args.epochs)
    for run in runs.values():  # warm-up, untimed
        run(args.repeats)
    seconds = {path: [] for path in PATHS}
    scores = {path: [] for path in PATHS}
    for seed in range(args.repeats):
        for path, run in runs.items():
            elapsed, mse = _time(run, seed)
            seconds[path].append(elapsed)
            scores[path].append(mse)

    print(f"seed 002 regression / MSE: {args.epochs} epochs, batch 32, validation on the test set; "
          f"median of {args.repeats} runs (seeds 0..{args.repeats - 1})")
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, {os.cpu_count()} CPUs")
    print()
    print(f"{'path':<28}{'median s':>10}{'per epoch ms':>14}{'test MSE':>10}")
    for path in PATHS:
        median = statistics.median(seconds[path])
        print(f"{path:<28}{median:>10.3f}{1000 * median / args.epochs:>14.1f}{statistics.mean(scores[path]):>10.3f}")
    slow = statistics.median(seconds["model.fit"])
    fast = statistics.median(seconds["companion, fresh model"])
    print()
    print(f"speedup: {slow / fast:.1f}x (model.fit {slow:.3g} s, companion {fast:.3g} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
