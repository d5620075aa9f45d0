"""Time a fit after :func:`companion.set_seed` against a fit after reseeding NumPy only.

Run it with ``python -m benchmarks.seeding``. One circles model (the seed tutorial's
2-50-1 MLP, binary cross-entropy, SGD with momentum) is compiled and trained once, so
its whole-run graph is traced. Then, ``--repeats`` times, it is re-initialised and
refit for ``--epochs`` epochs, once after each kind of seeding:

``cp.set_seed``
    The book's one seeding call.
``NumPy only``
    ``np.random.seed``: the least a reproducible fit needs (the batch order), and the
    fastest it can be.

``keras.utils.set_random_seed`` (which calls ``tf.random.set_seed`` and so empties
TensorFlow's eager kernel cache) is timed too, as the cost :func:`companion.set_seed`
avoids. The last line gives the ratio of the first two medians; it should be close
to 1 (at most 1.25 is the aim). Measured on 2026-12-04 on the 2-core CI machine,
200 epochs: 0.269 s after ``cp.set_seed``, 0.268 s after NumPy only (ratio 1.00),
0.401 s after ``keras.utils.set_random_seed``.
"""

import argparse
import os
import statistics
import time


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.seeding", description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=9, help="timed fits per kind of seeding (default: 9)")
    parser.add_argument("--epochs", type=int, default=200, help="epochs per fit (default: 200)")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.epochs < 1:
        parser.error("--repeats and --epochs must be positive")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    import keras
    import numpy as np

    import companion as cp

    split = cp.datasets.circles()
    cp.set_seed(0)
    model = cp.mlp(2, hidden=(50,), activation="sigmoid")
    model.compile(loss="binary_crossentropy", optimizer=cp.sgd(), metrics=["accuracy"])
    initial = model.get_weights()
    cp.fit(model, split, epochs=args.epochs)  # traces the graph; untimed
    seedings = {"cp.set_seed": cp.set_seed, "NumPy only": np.random.seed,
                "keras.utils.set_random_seed": keras.utils.set_random_seed}
    seconds = {name: [] for name in seedings}
    for repeat in range(args.repeats):
        for name, seed in seedings.items():  # interleaved, so that load on the machine hits all alike
            seed(repeat)
            cp.reinitialize(model, initial)
            start = time.perf_counter()
            cp.fit(model, split, epochs=args.epochs)
            seconds[name].append(time.perf_counter() - start)
    print(f"circles 2-50-1, {args.epochs} epochs, one compiled model re-initialised; median of {args.repeats} fits")
    for name, times in seconds.items():
        print(f"{'after ' + name:<36}{statistics.median(times):8.3f} s")
    ratio = statistics.median(seconds["cp.set_seed"]) / statistics.median(seconds["NumPy only"])
    print(f"ratio cp.set_seed / NumPy only: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
