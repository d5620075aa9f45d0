"""Time replicates trained side by side against the same replicates trained one at a time.

Run it with ``python -m benchmarks.replicates``. The experiment is the seed tutorial's circles
recipe (2-50-1 MLP, sigmoid output, binary cross-entropy, SGD with momentum, batch 32) for
``--epochs`` epochs (default 200), repeated for ``--replicates`` seeds (default 30):

``side by side, first sweep``
    :func:`companion.fit_replicates` on seeds ``0..R-1``: building the first model, drawing every
    replicate's initial weights and batch orders, tracing and XLA-compiling the graph, training
    and scoring. What the first sweep of a recipe costs in a fresh process.
``side by side, next sweep``
    The same call on seeds ``R..2R-1``: the compiled graph is reused, so this is what every
    further sweep of the recipe costs (a chapter's second data set, more replicates).
``one at a time``
    :func:`companion.fit` on one compiled template re-initialised for each of seeds ``0..R-1``:
    today's per-seed path, already without tracing.

Each line gives the wall time per fit. The last lines compare the test accuracy of the first
sweep with the one-at-a-time fits of the same seeds, seed by seed (a paired difference with its
95% interval): the two paths run the same algorithm and should agree far inside the interval a
verdict would need.
"""

import argparse
import os
import time


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.replicates", description=__doc__.split("\n")[0])
    parser.add_argument("--replicates", type=int, default=30, help="replicates per sweep (default: 30)")
    parser.add_argument("--epochs", type=int, default=200, help="epochs per fit (default: 200)")
    args = parser.parse_args(argv)
    if args.replicates < 2 or args.epochs < 1:
        parser.error("--replicates must be at least 2 and --epochs positive")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    import companion as cp
    from companion import compare

    problem = cp.get_problem("circles")
    split = compare.encoded_split(problem, "binary_crossentropy")

    def build():
        return compare.build_model(problem, "binary_crossentropy")

    r, epochs = args.replicates, args.epochs
    build()  # imports TensorFlow and Keras: a one-off start-up cost, not part of any path
    seconds = {}
    start = time.perf_counter()
    side = cp.fit_replicates(build, split, range(r), epochs=epochs)
    seconds["side by side, first sweep"] = time.perf_counter() - start
    start = time.perf_counter()
    cp.fit_replicates(build, split, range(r, 2 * r), epochs=epochs)
    seconds["side by side, next sweep"] = time.perf_counter() - start

    template = build()
    cp.fit(template, split, epochs=epochs)  # traces the one-at-a-time graph; untimed
    single = []
    start = time.perf_counter()
    for seed in range(r):
        cp.set_seed(seed)
        cp.reinitialize(template, build().get_weights())
        single.append(cp.fit(template, split, epochs=epochs))
    seconds["one at a time"] = time.perf_counter() - start

    print(f"circles 2-50-1, binary cross-entropy, {epochs} epochs, {r} replicates per sweep")
    for name, total in seconds.items():
        print(f"{name:<28}{1000 * total / r:8.1f} ms per fit{total:8.2f} s in all")
    a = [res.test["accuracy"] for res in side]
    b = [res.test["accuracy"] for res in single]
    diff = cp.paired_difference(a, b)
    print(f"test accuracy, side by side:  {cp.format_mean(a)}")
    print(f"test accuracy, one at a time: {cp.format_mean(b)}")
    print(f"paired difference: {diff.mean:+.2g} (95% interval {diff.ci_low:+.2g} to {diff.ci_high:+.2g}); "
          f"largest single difference {max(abs(x - y) for x, y in zip(a, b)):.2g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
