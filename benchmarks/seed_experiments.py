"""Time the source tutorial's nine experiments, one seed each, with plain ``model.fit``.

This is the naive baseline of the speed issue: what reproducing seed ``002``'s
table once costs with Keras's own training loop. The book's nbval run (every
chapter, every experiment with ten seeds or more) is meant to take no longer
than this. Measured alternately on 2026-12-04 on the 2-core CI machine: the whole
book under nbval as ``make test`` runs it took 125 s and 130 s, this benchmark
130 s and 119 s (the book took 202 s before seeding kept TensorFlow's kernels
and each test worker got one thread).

Run it with ``python -m benchmarks.seed_experiments`` (``--fast`` times the same
nine runs through :func:`companion.fit` for comparison). The last line reads
``nine experiments: 118.7 s (model.fit, 1 seed each)``.
"""

import argparse
import time

import companion as cp
from companion import compare

EXPERIMENTS = [
    ("regression", "mean_squared_error"),
    ("regression", "mean_squared_logarithmic_error"),
    ("regression", "mean_absolute_error"),
    ("circles", "binary_crossentropy"),
    ("circles", "hinge"),
    ("circles", "squared_hinge"),
    ("blobs", "categorical_crossentropy"),
    ("blobs", "sparse_categorical_crossentropy"),
    ("blobs", "kl_divergence"),
]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.seed_experiments", description=__doc__.split("\n")[0])
    parser.add_argument("--fast", action="store_true", help="train with companion.fit instead of model.fit")
    parser.add_argument("--seed", type=int, default=1, help="the one seed of every run (default: 1)")
    args = parser.parse_args(argv)
    problems = {name: cp.get_problem(name) for name in ("regression", "circles", "blobs")}
    # Warm-up: TensorFlow's one-off start-up cost is not part of any experiment.
    compare.run(problems["regression"], "mean_squared_error", args.seed, epochs=1, fast=args.fast)
    path = "companion.fit" if args.fast else "model.fit"
    print(f"{'problem':<11} {'loss':<32} {'seconds':>8} {'train':>7} {'test':>7}")
    total = 0.0
    for name, loss in EXPERIMENTS:
        problem = problems[name]
        start = time.perf_counter()
        result = compare.run(problem, loss, args.seed, fast=args.fast)
        seconds = time.perf_counter() - start
        total += seconds
        metric = compare.LOSS_SPECS[loss].metric
        print(f"{name:<11} {loss:<32} {seconds:8.2f} {result.train[metric]:7.3f} {result.test[metric]:7.3f}")
    print(f"nine experiments: {total:.1f} s ({path}, 1 seed each)")


if __name__ == "__main__":
    main()
