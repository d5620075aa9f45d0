"""Command line: ``python -m companion compare ...``.

Examples
--------
Compare three losses on the seed's regression problem over ten seeds::

    python -m companion compare --problem regression --losses mse,mae,huber --seeds 10

Your own data, as JSON::

    python -m companion compare --problem data.csv --target price --losses mse,mae --format json

An imbalanced problem, scored by the area under the precision-recall curve, with the
classes weighted in the loss::

    python -m companion compare --problem breast_cancer --losses bce,focal --class-weight balanced

Bad input (an unknown loss, a loss for another task, a missing file or column,
non-numeric features, fewer than two classes) prints one line naming the problem
and exits with status 2.
"""

import argparse
import json
import sys

from .compare import LOSS_SPECS, PROBLEMS, compare_losses, default_losses, get_problem, loss_spec


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


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
    compare.add_argument("--seeds", type=_positive_int, default=10, help="number of seeds, 0..N-1 (default: 10)")
    compare.add_argument("--epochs", type=_positive_int,
                         help="training epochs (default: the seed tutorial's, 100 for a CSV)")
    compare.add_argument("--class-weight", choices=["balanced"],
                         help="weight each class by n / (k n_c) in the training loss (classification only)")
    compare.add_argument("--side-by-side", action="store_true",
                         help="train each loss's seeds side by side in one graph (faster; the same runs to float "
                              "rounding, so the last digits of a score can differ from a run without it)")
    compare.add_argument("--format", choices=["table", "json"], default="table", help="output format")
    return parser


def main(argv=None):
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        problem = get_problem(args.problem, target=args.target, task=args.task)
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
    except ValueError as err:
        parser.exit(2, f"{parser.prog} {args.command}: error: {err}\n")
    comparison = compare_losses(problem, losses, seeds=args.seeds, epochs=args.epochs,
                                class_weight=args.class_weight, side_by_side=args.side_by_side)
    if args.format == "json":
        print(json.dumps(comparison.records(), indent=2))
    else:
        weights = ", class weights balanced" if args.class_weight else ""
        print(f"{problem.name} ({problem.task}), {len(comparison.seeds)} seeds, "
              f"{args.epochs or problem.epochs} epochs{weights}")
        print(comparison.summary().to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
