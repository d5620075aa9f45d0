"""Compare losses on one problem over many seeds.

A single training run is not evidence: on the book's problems the final score of
one loss moves by more between two seeds than the gap between two losses. This
module trains the same model recipe once per (loss, seed) and summarises each
loss by the mean and standard deviation of its final train and test scores.

A *problem* fixes the data, the hidden layers and the number of epochs (the three
problems of seed ``002``, or a CSV file). A *loss spec* fixes what a loss needs
around it: the output activation, the label format and the metric it is scored by.
Hinge-type losses are scored by :func:`companion.metrics.sign_accuracy`, because
Keras 3's ``'accuracy'`` cannot count a -1 label as correct.

Every mean the book prints goes through :func:`~companion.stats.format_mean` (or
:func:`~companion.stats.format_estimate`, both in :mod:`companion.stats` and imported here),
which prints it only to the digits its standard error supports: ten seeds with a
standard deviation of 0.01 give a standard error of about 0.003, so the mean is
printed as ``0.82``, not ``0.818``. SGD on these problems is chaotic: the third
decimal of a ten-seed mean moves from one CPU to the next, the second does not.

The same comparison runs from the shell as ``python -m companion compare``.
"""

import math
import os
import sys
from dataclasses import dataclass, field, replace

import numpy as np

from . import datasets as _datasets
from .metrics import sign_accuracy
from .models import mlp, sgd
from .stats import (PairedDifference, _one_significant, format_estimate, format_mean,  # noqa: F401 (re-exported)
                    format_p_value, paired_difference, supported_decimals)
from .training import class_weights, fit, fit_keras, reinitialize, set_seed


@dataclass(frozen=True)
class LossSpec:
    """What a Keras loss needs around it.

    Attributes
    ----------
    task : {"regression", "binary", "multiclass"}
    activation : str or None
        Output activation the loss expects (``None`` is linear).
    labels : {"float", "01", "pm1", "onehot", "integer"}
        Label format, see :func:`companion.datasets.encode_labels`.
    metric : str
        The metric the loss is scored by: a Keras metric name or ``"sign_accuracy"``.
    """

    task: str
    activation: object
    labels: str
    metric: str


LOSS_SPECS = {
    "mean_squared_error": LossSpec("regression", None, "float", "mse"),
    "mean_absolute_error": LossSpec("regression", None, "float", "mse"),
    "mean_squared_logarithmic_error": LossSpec("regression", None, "float", "mse"),
    "mean_absolute_percentage_error": LossSpec("regression", None, "float", "mse"),
    "huber": LossSpec("regression", None, "float", "mse"),
    "log_cosh": LossSpec("regression", None, "float", "mse"),
    "poisson": LossSpec("regression", "exponential", "float", "mse"),
    "binary_crossentropy": LossSpec("binary", "sigmoid", "01", "accuracy"),
    "binary_focal_crossentropy": LossSpec("binary", "sigmoid", "01", "accuracy"),
    "hinge": LossSpec("binary", "tanh", "pm1", "sign_accuracy"),
    "squared_hinge": LossSpec("binary", "tanh", "pm1", "sign_accuracy"),
    "categorical_crossentropy": LossSpec("multiclass", "softmax", "onehot", "accuracy"),
    "sparse_categorical_crossentropy": LossSpec("multiclass", "softmax", "integer", "accuracy"),
    "kl_divergence": LossSpec("multiclass", "softmax", "onehot", "accuracy"),
}

ALIASES = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "msle": "mean_squared_logarithmic_error",
    "mape": "mean_absolute_percentage_error",
    "logcosh": "log_cosh",
    "kld": "kl_divergence",
    "bce": "binary_crossentropy",
    "focal": "binary_focal_crossentropy",
}

# Loss names that Keras 2 accepted and Keras 3 removed, with the name to use instead.
REMOVED = {"kullback_leibler_divergence": "kl_divergence"}


def loss_spec(loss, task=None):
    """Look up the spec of a Keras loss name, checking that it fits the task.

    Parameters
    ----------
    loss : str
        A Keras loss name (``"mean_squared_error"``) or alias (``"mse"``).
    task : {"regression", "binary", "multiclass"}, optional
        When given, the loss must be one for this task.

    Returns
    -------
    name : str
        The canonical Keras name.
    spec : LossSpec

    Raises
    ------
    ValueError
        For an unknown loss, a name that Keras 3 removed, or a loss for another task.

    Examples
    --------
    >>> from companion.compare import loss_spec
    >>> loss_spec("mse")
    ('mean_squared_error', LossSpec(task='regression', activation=None, labels='float', metric='mse'))
    """
    if not isinstance(loss, str):
        raise ValueError(f"loss must be a Keras loss name, got {loss!r}")
    key = loss.strip().lower()
    if key in REMOVED:
        raise ValueError(f"loss {key!r} was removed in Keras 3; use {REMOVED[key]!r}")
    name = ALIASES.get(key, key)
    if name not in LOSS_SPECS:
        raise ValueError(f"unknown loss {loss!r}; choose from: {', '.join(LOSS_SPECS)}")
    spec = LOSS_SPECS[name]
    if task is not None and spec.task != task:
        raise ValueError(f"loss {name!r} is for {spec.task} problems, not {task}")
    return name, spec


@dataclass(frozen=True)
class Problem:
    """A dataset with the model recipe the seed tutorial used for it.

    Attributes
    ----------
    split : Split
        Train and test data with canonical labels.
    hidden : tuple of int
        Hidden-layer sizes of the MLP.
    epochs : int
        Default number of training epochs.
    published : dict of str to (float, float)
        Seed ``002``'s single-run (train, test) score for each loss it reported.
    metric : str or None
        The score of losses with 0/1 labels, when accuracy is the wrong one: ``"pr_auc"``
        (the area under the precision-recall curve, for imbalanced problems). ``None``
        keeps each loss spec's metric. Hinge-type losses keep the sign accuracy.
    """

    split: object
    hidden: tuple = (25,)
    epochs: int = 100
    published: dict = field(default_factory=dict)
    metric: object = None

    @property
    def name(self):
        return self.split.name

    @property
    def task(self):
        return self.split.task


# Seed 002's published single-run scores (Keras 2.3 / TF 2.0): MSE for regression, accuracy otherwise.
PUBLISHED = {
    "regression": {
        "mean_squared_error": (0.000, 0.001),
        "mean_squared_logarithmic_error": (0.165, 0.184),
        "mean_absolute_error": (0.002, 0.002),
    },
    "circles": {
        "binary_crossentropy": (0.836, 0.852),
        "hinge": (0.792, 0.740),
        "squared_hinge": (0.682, 0.646),
    },
    "blobs": {
        "categorical_crossentropy": (0.840, 0.822),
        "sparse_categorical_crossentropy": (0.832, 0.818),
        "kl_divergence": (0.822, 0.822),
    },
}

_RECIPES = {
    "regression": (_datasets.regression, (25,), 100),
    "circles": (_datasets.circles, (50,), 200),
    "blobs": (_datasets.blobs, (50,), 100),
    # The problems of the part "Beyond the seeds": scikit-learn's bundled data and two generators.
    "breast_cancer": (lambda: _datasets.imbalanced("breast_cancer", ratio=10), (50,), 60),
    "imbalanced": (lambda: _datasets.imbalanced("classification", ratio=50), (50,), 30),
    "digits": (_datasets.digits, (50,), 60),
    "diabetes": (_datasets.diabetes, (10,), 60),
    "heteroscedastic": (_datasets.heteroscedastic, (50,), 100),
}

# Imbalanced problems are scored by the area under the precision-recall curve, not by accuracy.
_PROBLEM_METRICS = {"breast_cancer": "pr_auc", "imbalanced": "pr_auc"}

PROBLEMS = tuple(_RECIPES)


def get_problem(name, target=None, task=None):
    """Return one of the seed's problems, or a CSV file as a problem.

    Parameters
    ----------
    name : str
        One of the seed's problems (``"regression"``, ``"circles"``, ``"blobs"``), one of
        the part "Beyond the seeds" (``"breast_cancer"``: scikit-learn's breast cancer data
        subsampled to 1 malignant tumour in 11; ``"imbalanced"``: a ``make_classification``
        problem at 1:50; ``"digits"``; ``"diabetes"``; ``"heteroscedastic"``), or a path
        to a CSV file. The two imbalanced problems score the 0/1 losses by PR-AUC.
    target : str, optional
        Target column; required for a CSV file.
    task : {"regression", "binary", "multiclass"}, optional
        For a CSV file, overrides the inferred task. For a built-in problem it must
        match the problem's task.

    Returns
    -------
    problem : Problem
        Built-in problems use the seed's architecture and epochs; a CSV file gets
        one hidden layer of 50 ReLU units and 100 epochs.

    Examples
    --------
    >>> from companion.compare import get_problem
    >>> problem = get_problem("circles")
    >>> problem.task, problem.hidden, problem.epochs
    ('binary', (50,), 200)
    """
    if name in _RECIPES:
        load, hidden, epochs = _RECIPES[name]
        problem = Problem(load(), hidden, epochs, PUBLISHED.get(name, {}), _PROBLEM_METRICS.get(name))
        if task is not None and task != problem.task:
            raise ValueError(f"problem {name!r} is a {problem.task} problem, not {task}")
        return problem
    if not str(name).lower().endswith(".csv") and not os.path.exists(str(name)):
        raise ValueError(f"unknown problem {name!r}; use one of {', '.join(PROBLEMS)} or a path to a CSV file")
    if target is None:
        raise ValueError("a CSV problem needs --target COLUMN")
    return Problem(_datasets.from_csv(name, target, task=task), (50,), 100, {})


def default_losses(task):
    """Return the losses that apply to ``task`` by default, in the book's order (the seed's losses)."""
    extra = ("mean_absolute_percentage_error", "binary_focal_crossentropy")
    return [name for name, spec in LOSS_SPECS.items() if spec.task == task and name not in extra]


METRICS = ("pr_auc",)


def _metric_object(metric):
    if metric == "sign_accuracy":
        return sign_accuracy
    if metric == "pr_auc":
        import keras

        return keras.metrics.AUC(curve="PR", name="pr_auc")
    return metric


def metric_of(problem, loss):
    """Return the name of the score that ``loss`` is compared by on ``problem``.

    The loss spec's metric, unless the problem names another one for losses with
    0/1 labels (``Problem.metric``).

    Examples
    --------
    >>> from companion.compare import get_problem, metric_of
    >>> metric_of(get_problem("circles"), "hinge")
    'sign_accuracy'
    """
    _, spec = loss_spec(loss, problem.task)
    if problem.metric is not None and spec.labels == "01":
        return problem.metric
    return spec.metric


def encoded_split(problem, loss):
    """Return the problem's split with labels in the format ``loss`` expects."""
    _, spec = loss_spec(loss, problem.task)
    split = problem.split
    k = split.n_classes
    return replace(
        split,
        y_train=_datasets.encode_labels(split.y_train, spec.labels, k),
        y_test=_datasets.encode_labels(split.y_test, spec.labels, k),
    )


def build_model(problem, loss, metrics=None, optimizer=None):
    """Build and compile the problem's MLP for ``loss``: the seed's recipe.

    Parameters
    ----------
    problem : Problem
    loss : str
        A Keras loss name; the output layer gets the activation its spec names.
    metrics : list, optional
        Metrics to compile with; by default the loss spec's metric.
    optimizer : keras.optimizers.Optimizer, optional
        Defaults to :func:`companion.models.sgd` (learning rate 0.01, momentum 0.9).

    Returns
    -------
    model : keras.Model
        Compiled, with weights drawn from the current global seed.
    """
    name, spec = loss_spec(loss, problem.task)
    outputs = problem.split.n_classes if problem.task == "multiclass" else 1
    model = mlp(problem.split.n_features, hidden=problem.hidden, outputs=outputs, activation=spec.activation)
    model.compile(loss=name, optimizer=optimizer or sgd(),
                  metrics=list(metrics) if metrics is not None else [_metric_object(metric_of(problem, name))])
    return model


def run(problem, loss, seed, epochs=None, metrics=None, build=None, fast=True, class_weight=None):
    """Train the problem's recipe with one loss and one seed.

    Parameters
    ----------
    problem : Problem or str
        A :class:`Problem` or the name of a built-in one.
    loss : str
        A Keras loss name.
    seed : int
        Passed to :func:`companion.training.set_seed` before the model is built.
    epochs : int, optional
        Defaults to the problem's epochs.
    metrics : list, optional
        Metrics to compile with; by default the loss spec's metric.
    build : callable, optional
        ``build(problem, loss, metrics)`` returning a compiled model, to replace
        the seed's recipe (:func:`build_model`).
    fast : bool, default=True
        Train with :func:`companion.training.fit`; ``False`` uses plain ``model.fit``.
    class_weight : "balanced" or dict, optional
        Weights of the classes in the training loss (:func:`companion.training.class_weights`).

    Returns
    -------
    result : FitResult
    """
    if isinstance(problem, str):
        problem = get_problem(problem)
    split = encoded_split(problem, loss)
    set_seed(seed)
    model = (build or build_model)(problem, loss, metrics)
    if not fast:
        return fit_keras(model, split, epochs or problem.epochs, class_weight=class_weight)
    # Train a per-recipe template that starts from this seed's fresh weights, so that every seed
    # reuses one compiled graph instead of tracing its own; the result is the same run.
    key = _template_key(problem, loss, metrics, build)
    template = _TEMPLATES.setdefault(key, model)
    if template is not model:
        reinitialize(template, model.get_weights())
    return fit(template, split, epochs or problem.epochs, class_weight=class_weight)


_TEMPLATES = {}


def _side_by_side(problem, loss, seeds, epochs, build):
    """Every seed's run of one loss, trained side by side; ``None`` if its model does not allow it."""
    from .replicates import fit_replicates, unsupported

    def recipe():
        return (build or build_model)(problem, loss, None)

    split = encoded_split(problem, loss)
    if unsupported(recipe(), split) is not None:
        return None
    return fit_replicates(recipe, split, seeds, epochs or problem.epochs, jit_compile=False)


def _template_key(problem, loss, metrics, build):
    metric_names = None if metrics is None else tuple(getattr(m, "__name__", repr(m)) for m in metrics)
    split = problem.split
    return (problem.name, problem.task, problem.hidden, split.n_features, split.n_classes,
            loss_spec(loss, problem.task)[0], metric_names, problem.metric, build)




def _show_progress(progress):
    if progress is not None:
        return bool(progress)
    setting = os.environ.get("COMPANION_PROGRESS", "auto").lower()
    if setting in ("0", "false", "no", "off"):
        return False
    if setting in ("1", "true", "yes", "on"):
        return True
    return sys.stderr.isatty()


@dataclass(frozen=True)
class Comparison:
    """The outcome of :func:`compare_losses`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per loss: ``loss, metric, train_mean, train_std, test_mean,
        test_std, published_train, published_test`` (published scores are NaN where
        seed ``002`` reported none). Standard deviations use ``ddof=1``.
    results : dict of str to list of FitResult
        Every run, per loss, in seed order: for learning curves.
    seeds : tuple of int
    """

    table: object
    results: dict
    seeds: tuple

    def scores(self, loss, part="test"):
        """Return the final scores of ``loss`` on ``part``, one per seed in seed order.

        Parameters
        ----------
        loss : str
            A loss of the comparison (canonical Keras name).
        part : {"train", "test"}

        Returns
        -------
        scores : ndarray of shape (n_seeds,)
        """
        if loss not in self.results:
            raise ValueError(f"loss {loss!r} is not in this comparison; it has: {', '.join(self.results)}")
        if part not in ("train", "test"):
            raise ValueError(f"part must be 'train' or 'test', got {part!r}")
        metric = self.table.set_index("loss").loc[loss, "metric"]
        return np.array([getattr(r, part)[metric] for r in self.results[loss]])

    def paired(self, a, b, part="test", confidence=0.95):
        """Compare two losses of this comparison seed by seed (:func:`~companion.stats.paired_difference`).

        Parameters
        ----------
        a, b : str
            Losses of the comparison; the difference is ``a - b`` of their final scores.
        part : {"train", "test"}
        confidence : float, default=0.95

        Returns
        -------
        result : PairedDifference
        """
        return paired_difference(self.scores(a, part), self.scores(b, part), confidence)

    def summary(self, max_decimals=3):
        """Return the table for display: ``mean ± sd`` at the digits each mean supports.

        Each mean is printed by :func:`~companion.stats.format_estimate`: to the decimals its
        standard error (``sd / sqrt(n_seeds)``) supports, with the standard
        deviation of the seeds at one significant digit. A single seed has no
        standard error, so it prints its score at ``max_decimals``. Published
        single-run scores are printed as published (three decimals).
        """
        import pandas as pd

        t = self.table
        n = len(self.seeds)
        out = pd.DataFrame({"loss": t["loss"], "metric": t["metric"]})
        for part in ("train", "test"):
            out[part] = [format_estimate(m, s, n, max_decimals=max_decimals) if n > 1 else f"{m:.{max_decimals}f}"
                         for m, s in zip(t[f"{part}_mean"], t[f"{part}_std"])]
        if t["published_train"].notna().any():
            for part in ("train", "test"):
                out[f"published {part}"] = [f"{v:.3f}" if v == v else "—" for v in t[f"published_{part}"]]
        return out.set_index("loss")

    def records(self):
        """Return the table as a list of dicts rounded to 6 decimals (the CLI's JSON)."""
        keep_published = self.table["published_train"].notna().any()
        rows = []
        for row in self.table.to_dict("records"):
            record = {k: row[k] for k in ("loss", "metric")}
            record.update({k: round(float(row[k]), 6) for k in ("train_mean", "train_std", "test_mean", "test_std")})
            if keep_published:
                for k in ("published_train", "published_test"):
                    record[k] = None if math.isnan(row[k]) else float(row[k])
            rows.append(record)
        return rows


def compare_losses(problem, losses=None, seeds=10, epochs=None, build=None, fast=True, progress=None,
                   class_weight=None, side_by_side=False):
    """Train one recipe with several losses over several seeds and tabulate the scores.

    Parameters
    ----------
    problem : Problem or str
        A :class:`Problem`, the name of a built-in one, or a CSV path (then build
        the problem with :func:`get_problem` to name its target).
    losses : list of str, optional
        Keras loss names; defaults to every loss for the problem's task.
    seeds : int or iterable of int, default=10
        ``n`` means seeds ``0..n-1``. At least one.
    epochs : int, optional
        Defaults to the problem's (the seed tutorial's) epochs.
    build : callable, optional
        ``build(problem, loss, metrics)`` returning a compiled model; defaults to
        the seed's recipe, :func:`build_model`.
    fast : bool, default=True
        Use :func:`companion.training.fit` (one compiled graph per run) or plain ``model.fit``.
    progress : bool, optional
        Show a progress bar on stderr. By default only when stderr is a terminal
        and ``COMPANION_PROGRESS`` is not ``0`` (the Makefile sets it to ``0``), so a
        bar never lands in a stored notebook output.
    class_weight : "balanced" or dict, optional
        Weight the classes in every training loss, as ``model.fit(class_weight=...)``
        (:func:`companion.training.class_weights`). Classification problems only.

    Returns
    -------
    comparison : Comparison
        ``comparison.table`` (a DataFrame of means and standard deviations of the
        final scores of the loss spec's metric), ``comparison.results`` (every
        :class:`~companion.training.FitResult`) and ``comparison.summary()`` for display.

    Examples
    --------
    >>> import companion as cp
    >>> cmp = cp.compare_losses("blobs", ["categorical_crossentropy"], seeds=2, epochs=2)
    >>> list(cmp.table.columns)[:6]
    ['loss', 'metric', 'train_mean', 'train_std', 'test_mean', 'test_std']
    """
    import pandas as pd
    from tqdm import tqdm

    if isinstance(problem, str):
        problem = get_problem(problem)
    seeds = tuple(range(seeds)) if isinstance(seeds, (int, np.integer)) else tuple(int(s) for s in seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    if losses is None:
        losses = default_losses(problem.task)
    if isinstance(losses, str):
        losses = [losses]
    names = [loss_spec(loss, problem.task)[0] for loss in losses]
    if not names:
        raise ValueError("losses must name at least one loss")
    if len(set(names)) != len(names):
        raise ValueError(f"losses are repeated: {', '.join(losses)}")
    if class_weight is not None:
        if problem.task == "regression":
            raise ValueError("class weights apply to classification problems, not regression")
        class_weights(problem.split.y_train, class_weight)  # a bad value fails here, before any training
    rows, results = [], {}
    with tqdm(total=len(names) * len(seeds), disable=not _show_progress(progress), desc=problem.name) as bar:
        for name in names:
            metric = metric_of(problem, name)
            runs = _side_by_side(problem, name, seeds, epochs, build) \
                if fast and side_by_side and class_weight is None else None
            if runs is not None:
                bar.update(len(seeds))
            else:
                runs = []
                for seed in seeds:
                    runs.append(run(problem, name, seed, epochs=epochs, build=build, fast=fast,
                                    class_weight=class_weight))
                    bar.update()
            results[name] = runs
            metric_key = metric if metric in runs[0].train else "loss"
            train = np.array([r.train[metric_key] for r in runs])
            test = np.array([r.test[metric_key] for r in runs])
            ddof = 1 if len(runs) > 1 else 0
            published = problem.published.get(name, (math.nan, math.nan))
            rows.append({
                "loss": name, "metric": metric_key,
                "train_mean": train.mean(), "train_std": train.std(ddof=ddof),
                "test_mean": test.mean(), "test_std": test.std(ddof=ddof),
                "published_train": published[0], "published_test": published[1],
            })
    return Comparison(pd.DataFrame(rows), results, seeds)
