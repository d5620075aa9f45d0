"""Command line: ``python -m companion compare ...``.

Examples
--------
Compare three losses on the seed's regression problem over ten replicates, each a new draw of
the data, the initial weights and the batch order; every loss is compared with the first::

    python -m companion compare --problem regression --losses mse,mae,huber --seeds 10

Thirty replicates from seed 500, with MAE as the reference, as JSON (paired differences, their
95% intervals, raw and Holm-adjusted p-values, the share of replicates each loss wins)::

    python -m companion compare --problem regression --losses mse,mae --seeds 30 --first-seed 500 \\
        --reference mae --format json

The seed tutorial's design (one data set, only the weights and batch order vary)::

    python -m companion compare --problem circles --losses bce,hinge --same-data

Your own data, as JSON::

    python -m companion compare --problem data.csv --target price --losses mse,mae --format json

The recipe your own data gets by default (one hidden layer of 50 units, 100 epochs, half the rows held
out) can change: two hidden layers, 200 epochs, a quarter of the rows held out::

    python -m companion compare --problem data.csv --target price --hidden 64,32 --epochs 200 --test-fraction 0.25

Every run prints its recipe (model, optimiser, batch size, epochs, rows, scaling) under its first line,
and adds it to every JSON record as ``"recipe"``. A built-in problem saved as a CSV gives the built-in
problem's numbers once it gets the built-in recipe: scikit-learn's diabetes data as a CSV with
``--hidden 10 --epochs 60`` trains the same runs as ``--problem diabetes``; with the CSV defaults the
recipe line shows the larger model and the longer training that make its numbers differ.

An imbalanced problem, scored by the area under the precision-recall curve, with the
classes weighted in the loss::

    python -m companion compare --problem breast_cancer --losses bce,focal --class-weight balanced

On a CSV, each replicate is a new random train/test split (stratified for classification),
text columns are one-hot encoded and scalers fitted on the training part only, incomplete rows
are dropped (the first line says how many), and the differences use the corrected resampled
t-test. Bad input (an unknown loss, a loss for another task, a missing file or column, an empty
file, too few complete rows, a free-text column, fewer than two classes) prints one line naming
the problem and exits with status 2. So does a run without TensorFlow and Keras: ``compare`` trains,
so it needs the ``tf`` extra (``pip install "choosing-loss-functions[tf]"``); ``--help`` works without it.

The command is quiet: TensorFlow's C++ start-up lines (oneDNN, CUDA, CPU features), which it writes to
the process's standard error before any log level applies, are kept off the terminal while it loads,
and its later C++ log is limited to fatal errors (``TF_CPP_MIN_LOG_LEVEL=3`` unless you set it).
"""

import argparse
import importlib.util
import json
import os
import sys
from dataclasses import replace

from .compare import LOSS_SPECS, PROBLEMS, compare_losses, default_losses, get_problem, loss_spec


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _integer(minimum):
    """An argparse type: an integer of at least ``minimum``, or a one-line error naming the value."""
    kind = "positive" if minimum == 1 else "non-negative"

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {kind} integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a {kind} integer, got {value}")
        return value

    return parse


_positive_int, _non_negative_int = _integer(1), _integer(0)


def _hidden_layers(text):
    """An argparse type: hidden-layer sizes such as ``50`` or ``64,32``."""
    parts = [part.strip() for part in text.split(",")]
    if not parts or not all(part.isdigit() and int(part) > 0 for part in parts):
        raise argparse.ArgumentTypeError(f"expected positive integers separated by commas, such as 64,32; got {text!r}")
    return tuple(int(part) for part in parts)


def _fraction(text):
    """An argparse type: a number strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number strictly between 0 and 1, got {value:g}")
    return value

TF_EXTRA = 'pip install "choosing-loss-functions[tf]"'

# Losses whose target must not be negative: Keras's MSLE takes log(max(y, eps) + 1), so it clips a negative
# target to 0 without a word, and the Poisson deviance is undefined below 0.
NON_NEGATIVE_TARGETS = ("mean_squared_logarithmic_error", "poisson")


def range_warnings(problem, losses):
    """One line for each loss that cannot take the problem's targets (printed before any training)."""
    split = problem.split
    if problem.task != "regression":
        return []
    low = float(min(split.y_train.min(), split.y_test.min()))
    return [f"warning: {loss_spec(name, problem.task)[0]} needs targets >= 0, and these reach {low:.3g}; Keras clips "
            "a negative target to 0 without a word, so this loss's scores are not comparable with the others'"
            for name in losses if loss_spec(name, problem.task)[0] in NON_NEGATIVE_TARGETS and low < 0]


def _missing_training_packages():
    """The packages that training needs and this environment lacks, of TensorFlow and Keras."""
    missing = []
    for name in ("tensorflow", "keras"):
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a package blocked in sys.modules has no spec
            found = False
        if not found:
            missing.append(name)
    return missing


def _load_tensorflow():
    """Import TensorFlow with its C++ start-up lines kept off standard error.

    TensorFlow writes them to file descriptor 2 while it loads, before absl logging is initialised, so no
    log level silences them (abseil/abseil-cpp#1718). The descriptor points at ``os.devnull`` for the
    import only; a Python exception raised by the import is still printed, after it is restored.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def build_parser():
    """Return the ``argparse`` parser of the ``companion`` command line."""
    parser = _Parser(prog="python -m companion", description="Helpers of the book 'Choosing Loss Functions'.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    compare = commands.add_parser(
        "compare",
        help="train one model recipe with several losses over several seeds",
        description="Train the same MLP with several losses over several seeds; print train/test mean ± std.",
    )
    compare.add_argument("--problem", required=True,
                         help=f"one of {', '.join(PROBLEMS)}, or a path to a CSV file (then --target is needed)")
    compare.add_argument("--target", help="target column of a CSV problem")
    compare.add_argument("--task", choices=["regression", "binary", "multiclass"],
                         help="task of a CSV problem (inferred from the target when omitted)")
    compare.add_argument("--losses",
                         help="comma-separated Keras loss names (default: every loss for the task); "
                              f"known: {', '.join(LOSS_SPECS)}")
    compare.add_argument("--seeds", type=_positive_int, default=10,
                         help="number of replicates (default: 10); replicate r uses seed FIRST_SEED + r")
    compare.add_argument("--first-seed", type=_non_negative_int, default=0, help="seed of the first replicate (default: 0)")
    compare.add_argument("--same-data", action="store_true",
                         help="keep the problem's own data for every replicate and vary only the initial weights and "
                              "batch order (the seed tutorial's design; says nothing about new data). By default each "
                              "replicate redraws the data: new samples from a generator, or a new random split of a "
                              "data set or CSV (stratified for classification)")
    compare.add_argument("--reference", help="the loss every other loss is compared with (default: the first listed)")
    compare.add_argument("--epochs", type=_positive_int,
                         help="training epochs (default: the seed tutorial's, 100 for a CSV)")
    compare.add_argument("--hidden", type=_hidden_layers,
                         help="hidden-layer sizes of the MLP, such as 50 or 64,32 (default: the problem's; 50 for a CSV)")
    compare.add_argument("--test-fraction", type=_fraction,
                         help="share of a CSV's rows held out as each replicate's test set (default: 0.5)")
    compare.add_argument("--class-weight", choices=["balanced"],
                         help="weight each class by n / (k n_c) in the training loss (classification only)")
    compare.add_argument("--format", choices=["table", "json"], default="table", help="output format")
    return parser


def main(argv=None):
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        problem = get_problem(args.problem, target=args.target, task=args.task, test_fraction=args.test_fraction)
        if args.hidden is not None:
            problem = replace(problem, hidden=args.hidden)
        if args.losses is None:
            losses = default_losses(problem.task)
        else:
            losses = [name.strip() for name in args.losses.split(",") if name.strip()]
            if not losses:
                raise ValueError("--losses names no loss")
            names = [loss_spec(name, problem.task)[0] for name in losses]
            if len(set(names)) != len(names):
                raise ValueError(f"--losses names a loss twice: {args.losses}")
        if args.class_weight is not None and problem.task == "regression":
            raise ValueError("--class-weight applies to classification problems, not regression")
        reference = losses[0] if args.reference is None else args.reference
        reference = loss_spec(reference, problem.task)[0]
        if reference not in [loss_spec(name, problem.task)[0] for name in losses]:
            raise ValueError(f"--reference {args.reference} is not among the losses compared")
        losses = [reference] + [name for name in losses if loss_spec(name, problem.task)[0] != reference]
        missing = _missing_training_packages()
        if missing:
            raise ValueError(f"training needs {' and '.join(missing)}, which this environment lacks: {TF_EXTRA}")
    except ValueError as err:
        parser.exit(2, f"{parser.prog} {args.command}: error: {err}\n")
    for line in range_warnings(problem, losses):
        print(line, file=sys.stderr)
    _load_tensorflow()
    comparison = compare_losses(problem, losses, seeds=args.seeds, first_seed=args.first_seed, epochs=args.epochs,
                                class_weight=args.class_weight, same_data=args.same_data)
    recipe = problem.recipe(epochs=args.epochs, class_weight=args.class_weight, same_data=args.same_data)
    if args.format == "json":
        print(json.dumps([{**record, "recipe": recipe} for record in comparison.records(reference)], indent=2))
        return 0
    weights = ", class weights balanced" if args.class_weight else ""
    first, last = comparison.seeds[0], comparison.seeds[-1]
    design = "the problem's own data, new weights and batch order" if args.same_data else \
        ("a new split of the data set" if problem.test == "corrected" else "new data") + \
        ", new weights and batch order"
    if problem.description:
        print(problem.description)
    print(f"{problem.name} ({problem.task}), {len(comparison.seeds)} replicates (seeds {first}..{last}: {design}), "
          f"{args.epochs or problem.epochs} epochs{weights}")
    print(f"recipe: {recipe['model']}, output layer per loss; {recipe['optimizer']}, batch {recipe['batch_size']}; "
          f"{recipe['n_train']} training and {recipe['n_test']} test rows; {recipe['scaling']}")
    if len(comparison.seeds) > 1 and len(losses) > 1:
        test = {"t": "paired t-test", "corrected": "corrected resampled t-test (Nadeau and Bengio), "
                "for repeated splits of one data set: verdicts hold on this data set"}
        print(f"differences: loss - {reference} in the test score, {test[comparison.differences()[0]['test']]}; "
              "Holm's adjustment over the comparisons with the reference; wins: replicates in which the loss "
              "beats the reference")
        print(comparison.paired_summary(reference).to_string())
    else:
        print(comparison.summary().to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
