"""Compare losses on one problem over many seeds.

A single training run is not evidence: on the book's problems the final score of
one loss moves by more between two seeds than the gap between two losses. This
module trains the same model recipe once per (loss, seed) and summarises each
loss by the mean and standard deviation of its final train and test scores.

A *problem* fixes the data, the hidden layers and the number of epochs (the three
problems of seed ``002``, or a CSV file). A *loss spec* fixes what a loss needs
around it: the output activation, the label format and the metric it is scored by.
Hinge-type losses are scored by :func:`companion.metrics.classification.sign_accuracy`, because
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
from .stats import (PairedDifference, _one_significant, format_estimate, format_interval,  # noqa: F401
                    format_mean, format_p_value, holm, paired_difference, supported_decimals)
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

    Examples
    --------
    >>> from companion.compare import LOSS_SPECS, LossSpec
    >>> spec = LOSS_SPECS["hinge"]
    >>> spec.task, spec.activation, spec.labels, spec.metric
    ('binary', 'tanh', 'pm1', 'sign_accuracy')
    >>> LossSpec("binary", "sigmoid", "01", "accuracy") == LOSS_SPECS["binary_crossentropy"]
    True
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
    sampler : callable or None
        ``sampler(seed)`` returns replicate ``seed``'s :class:`~companion.datasets.Split`
        (:meth:`draw`); ``None`` for a problem of one fixed split.
    test : {"t", "corrected"}
        The paired test its replicates call for (:func:`companion.stats.paired_difference`):
        ``"t"`` where each replicate is a new draw from a generator, ``"corrected"``
        (Nadeau and Bengio's corrected resampled t) where replicates are new splits of one
        finite data set, whose verdicts hold "on this data set".
    description : str
        One line about how the data were read (a CSV's dropped rows and encoded columns).
    scaling : str
        How the features and a regression target are scaled, in words (:meth:`recipe`).

    Examples
    --------
    A problem of one fixed split (:func:`get_problem` returns the built-in ones):

    >>> import numpy as np
    >>> from companion.compare import Problem
    >>> from companion.datasets import Split
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    >>> split = Split(X, np.array([1, 1, 0, 0]), X, np.array([1, 1, 0, 0]), "binary", "xor")
    >>> problem = Problem(split, hidden=(3,), epochs=1)
    >>> problem.name, problem.task, problem.sampler is None
    ('xor', 'binary', True)
    >>> problem.recipe()["model"]
    'MLP 2-3-1, ReLU hidden units, He-uniform initial weights'
    """

    split: object
    hidden: tuple = (25,)
    epochs: int = 100
    published: dict = field(default_factory=dict)
    metric: object = None
    sampler: object = field(default=None, repr=False)
    test: str = "t"
    description: str = ""
    scaling: str = ""

    def recipe(self, epochs=None, class_weight=None, same_data=False):
        """Return what :func:`compare_losses` trains on this problem, in words and numbers.

        The command line prints it, and adds it to every JSON record, so that two runs that
        differ (a built-in data set and a CSV of the same data, say) say how.

        Returns
        -------
        dict
            ``model``, ``optimizer``, ``epochs``, ``batch_size``, ``n_train``, ``n_test``,
            ``replicates`` (what each replicate redraws), ``scaling`` and ``class_weight``.

        Examples
        --------
        >>> from companion.compare import get_problem
        >>> recipe = get_problem("diabetes").recipe()
        >>> recipe["model"], recipe["epochs"], recipe["n_train"], recipe["n_test"]
        ('MLP 10-10-1, ReLU hidden units, He-uniform initial weights', 60, 221, 221)
        """
        split = self.split
        outputs = 1 if self.task != "multiclass" else len(np.unique(split.y_train))
        sizes = "-".join(str(n) for n in (split.n_features, *self.hidden, outputs))
        if same_data:
            replicates = "the problem's own data; new initial weights and batch order"
        elif self.test == "corrected":
            replicates = ("a new random split of the data set" + (", stratified" if self.task != "regression" else "")
                          + "; new initial weights and batch order")
        else:
            replicates = "new data from the generator; new initial weights and batch order"
        return {"model": f"MLP {sizes}, ReLU hidden units, He-uniform initial weights",  # output: per loss
                "optimizer": "SGD, learning rate 0.01, momentum 0.9", "epochs": int(epochs or self.epochs),
                "batch_size": 32, "n_train": int(len(split.y_train)), "n_test": int(len(split.y_test)),
                "replicates": replicates, "scaling": self.scaling or "as drawn",
                "class_weight": class_weight or "none"}

    @property
    def name(self):
        return self.split.name

    def draw(self, seed):
        """Return replicate ``seed`` of the problem: a new draw of its data (and split) from its source.

        What is kept and what is redrawn is the generator's business
        (:mod:`companion.datasets`: the true coefficients of the regression, the blob
        centres, the bundled data sets, ...). The problem's own ``split`` is the seed
        tutorial's draw, which is no replicate.

        Raises
        ------
        ValueError
            For a problem with one fixed split and no source to draw from.
        """
        if self.sampler is None:
            raise ValueError(f"problem {self.name!r} has one fixed split and no source to draw replicates from; "
                             "use same_data=True, or give run_replicates a function seed -> Split")
        return self.sampler(seed)

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

# name: (draw(seed=None) -> Split, hidden layers, epochs, test). seed=None is the seed tutorial's own draw.
_RECIPES = {
    "regression": (_datasets.regression, (25,), 100, "t"),
    "circles": (_datasets.circles, (50,), 200, "t"),
    "blobs": (_datasets.blobs, (50,), 100, "t"),
    # The problems of the part "Beyond the seeds": scikit-learn's bundled data and two generators.
    # The make_classification problem subsamples one fixed pool, so its replicates are resplits too.
    "breast_cancer": (lambda seed=None: _datasets.imbalanced("breast_cancer", ratio=10, seed=seed), (50,), 60,
                      "corrected"),
    "imbalanced": (lambda seed=None: _datasets.imbalanced("classification", ratio=50, seed=seed), (50,), 30,
                   "corrected"),
    "digits": (_datasets.digits, (50,), 60, "corrected"),
    "diabetes": (_datasets.diabetes, (10,), 60, "corrected"),
    "heteroscedastic": (_datasets.heteroscedastic, (50,), 100, "t"),
}

# How each built-in problem scales its features and target (Problem.scaling, printed by the command line).
_SCALING = {
    "regression": "X and y standardized over all samples, as in seed 002",
    "circles": "as drawn", "blobs": "as drawn", "heteroscedastic": "as drawn",
    "breast_cancer": "features standardized with the training part's mean and sd",
    "imbalanced": "features standardized with the training part's mean and sd",
    "digits": "features standardized with the training part's mean and sd",
    "diabetes": "features and target standardized with the training part's mean and sd",
}
_CSV_SCALING = {"regression": "numeric features and the target standardized with the training part's mean and sd; "
                              "text columns one-hot",
                "classification": "numeric features standardized with the training part's mean and sd; text columns "
                                  "one-hot"}

# Imbalanced problems are scored by the area under the precision-recall curve, not by accuracy.
_PROBLEM_METRICS = {"breast_cancer": "pr_auc", "imbalanced": "pr_auc"}

PROBLEMS = tuple(_RECIPES)


def get_problem(name, target=None, task=None, test_fraction=None):
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
    test_fraction : float, optional
        For a CSV file, the share of rows held out as the test set of every replicate
        (default 0.5). A built-in problem keeps its own split, so it refuses one.

    Returns
    -------
    problem : Problem
        Built-in problems use the seed's architecture and epochs; a CSV file gets
        one hidden layer of 50 ReLU units and 100 epochs. ``problem.split`` is the seed
        tutorial's own draw (for a CSV, a fixed shuffle); ``problem.draw(seed)`` is
        replicate ``seed``: new data from a generator, or a new stratified split of a
        finite data set (``problem.test == "corrected"``), with a CSV's encoders and
        scalers fitted on the training part only.

    Examples
    --------
    >>> from companion.compare import get_problem
    >>> problem = get_problem("circles")
    >>> problem.task, problem.hidden, problem.epochs
    ('binary', (50,), 200)
    """
    if name in _RECIPES:
        if test_fraction is not None:
            raise ValueError(f"a test fraction applies to a CSV problem; {name!r} keeps its own split")
        load, hidden, epochs, test = _RECIPES[name]
        problem = Problem(load(), hidden, epochs, PUBLISHED.get(name, {}), _PROBLEM_METRICS.get(name),
                          sampler=lambda seed: load(seed=seed), test=test, scaling=_SCALING.get(name, ""))
        if task is not None and task != problem.task:
            raise ValueError(f"problem {name!r} is a {problem.task} problem, not {task}")
        return problem
    if not str(name).lower().endswith(".csv") and not os.path.exists(str(name)):
        raise ValueError(f"unknown problem {name!r}; use one of {', '.join(PROBLEMS)} or a path to a CSV file")
    if target is None:
        raise ValueError("a CSV problem needs --target COLUMN")
    table = _datasets.read_csv_table(name, target, task=task)
    fraction = 0.5 if test_fraction is None else test_fraction
    first = _datasets.csv_split(table, seed=0, test_fraction=fraction)
    return Problem(first, (50,), 100, {},
                   sampler=lambda seed: _datasets.csv_split(table, seed=seed, test_fraction=fraction),
                   test="corrected", description=table.summary(),
                   scaling=_CSV_SCALING["regression" if table.task == "regression" else "classification"])


def default_losses(task):
    """Return the losses that apply to ``task`` by default, in the book's order (the seed's losses).

    Examples
    --------
    >>> from companion.compare import default_losses
    >>> default_losses("binary")
    ['binary_crossentropy', 'hinge', 'squared_hinge']
    >>> len(default_losses("regression")), len(default_losses("multiclass"))
    (6, 3)
    """
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
    """Return the problem's split with labels in the format ``loss`` expects.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.compare import Problem, encoded_split
    >>> from companion.datasets import Split
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    >>> problem = Problem(Split(X, np.array([1, 1, 0, 0]), X, np.array([1, 1, 0, 0]), "binary", "xor"))
    >>> encoded_split(problem, "hinge").y_train  # hinge losses take -1/+1 labels
    array([ 1.,  1., -1., -1.], dtype=float32)
    >>> encoded_split(problem, "binary_crossentropy").y_test
    array([1., 1., 0., 0.], dtype=float32)
    """
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

    Examples
    --------
    >>> import numpy as np
    >>> from companion.compare import Problem, build_model
    >>> from companion.datasets import Split
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    >>> problem = Problem(Split(X, np.array([1, 1, 0, 0]), X, np.array([1, 1, 0, 0]), "binary", "xor"), hidden=(3,))
    >>> model = build_model(problem, "hinge")
    >>> [layer.units for layer in model.layers], model.layers[-1].activation.__name__, model.loss
    ([3, 1], 'tanh', 'hinge')
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

    Examples
    --------
    One epoch on four points:

    >>> import numpy as np
    >>> from companion.compare import Problem, run
    >>> from companion.datasets import Split
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    >>> problem = Problem(Split(X, np.array([1, 1, 0, 0]), X, np.array([1, 1, 0, 0]), "binary", "xor"), hidden=(3,),
    ...                   epochs=1)
    >>> result = run(problem, "hinge", seed=0)
    >>> result.epochs, sorted(result.test)
    (1, ['loss', 'sign_accuracy'])
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
    from .runner import _fingerprint

    template = _TEMPLATES.setdefault(_fingerprint(model), model)
    if template is not model:
        reinitialize(template, model.get_weights())
    return fit(template, split, epochs or problem.epochs, class_weight=class_weight)


_TEMPLATES = {}


# Scores that measure the same thing on different label formats: a paired difference may cross them.
_SAME_SCORE = {"sign_accuracy": "accuracy"}

LOWER_IS_BETTER = ("mse", "mae", "loss")
"""Scores for which a lower value is better; every other score (accuracy, PR-AUC) is higher-is-better."""


def higher_is_better(metric):
    """Whether a higher value of ``metric`` is better: ``False`` for errors and losses.

    Examples
    --------
    >>> from companion.compare import higher_is_better
    >>> higher_is_better("mse"), higher_is_better("accuracy")
    (False, True)
    """
    return str(metric) not in LOWER_IS_BETTER and not str(metric).endswith("_loss")


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
    runs : companion.runner.Replicates
        Every score of every replicate (one row per loss and replicate).
    problem : Problem

    Examples
    --------
    :func:`compare_losses` returns one; here one is built by hand from three replicates' test scores:

    >>> import numpy as np
    >>> import pandas as pd
    >>> from companion.compare import Comparison
    >>> from companion.training import FitResult
    >>> scores = {"binary_crossentropy": [0.84, 0.85, 0.83], "hinge": [0.80, 0.82, 0.81]}
    >>> metric = {"binary_crossentropy": "accuracy", "hinge": "sign_accuracy"}
    >>> results = {loss: [FitResult({"loss": np.zeros(1)}, {}, {metric[loss]: s}) for s in scores[loss]]
    ...            for loss in scores}
    >>> cmp = Comparison(pd.DataFrame({"loss": list(scores), "metric": list(metric.values())}), results, (0, 1, 2))
    >>> cmp.scores("hinge")
    array([0.8 , 0.82, 0.81])
    >>> print(cmp.paired("binary_crossentropy", "hinge"))
    +0.03 (95% CI +0.01 to +0.05), paired t-test p = 0.04, 3 seeds
    >>> [(row["loss"], row["n"], row["share_better"]) for row in cmp.differences()]
    [('hinge', 3, 0.0)]
    """

    table: object
    results: dict
    seeds: tuple
    runs: object = field(default=None, repr=False)
    problem: object = field(default=None, repr=False)

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
        """Compare two losses of this comparison replicate by replicate (:func:`~companion.stats.paired_difference`).

        The test is the problem's (``Problem.test``): the paired t-test, or the corrected
        resampled t-test when the replicates are new splits of one finite data set.

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
        return paired_difference(self.scores(a, part), self.scores(b, part), confidence, **self._test())

    def _test(self):
        problem = self.problem
        if problem is None or problem.test == "t" or (self.runs is not None and self.runs.same_data):
            return {}
        split = problem.split
        return {"test": problem.test, "n_train": len(split.X_train), "n_test": len(split.X_test)}

    def differences(self, reference=None):
        """Each loss's paired difference from ``reference`` in the test score, with raw and Holm-adjusted p.

        The family is every other loss against the reference, so Holm's adjustment runs over
        those ``k - 1`` tests (:func:`~companion.stats.holm`).

        Parameters
        ----------
        reference : str, optional
            A loss of the comparison; by default the first.

        Returns
        -------
        rows : list of dict
            One per other loss scored by the reference's measure (accuracy and the sign accuracy
            of ±1 labels are one measure; a loss scored by another, such as hinge on a problem
            scored by PR-AUC, has no row): ``loss``, ``metric``, ``paired_difference`` (loss − reference, in
            the metric's units), ``ci_low``, ``ci_high`` (95%, unadjusted), ``p_value``,
            ``p_holm``, ``n``, ``sd_diff``, ``share_better`` (the share of replicates in which the
            loss beats the reference, in the metric's direction) and ``test``.
        """
        losses = list(self.results)
        reference = losses[0] if reference is None else loss_spec(reference)[0]
        if reference not in losses:
            raise ValueError(f"reference {reference!r} is not in this comparison; it has: {', '.join(losses)}")
        metrics = self.table.set_index("loss")["metric"]
        rows = []
        for loss in losses:
            if loss == reference:
                continue
            if _SAME_SCORE.get(metrics[loss], metrics[loss]) != _SAME_SCORE.get(metrics[reference], metrics[reference]):
                continue  # scored by another measure (hinge's sign accuracy against PR-AUC): no paired difference
            a, b = self.scores(loss), self.scores(reference)
            d = paired_difference(a, b, **self._test())
            better = (a - b > 0) if higher_is_better(metrics[loss]) else (a - b < 0)
            rows.append({"loss": loss, "metric": metrics[loss], "paired_difference": d.mean, "ci_low": d.ci_low,
                         "ci_high": d.ci_high, "p_value": d.p_value, "n": d.n, "sd_diff": d.sd,
                         "share_better": float(np.mean(better)), "test": d.test, "_pair": d})
        for row, p in zip(rows, holm([r["p_value"] for r in rows]) if rows else []):
            row["p_holm"] = float(p)
        return rows

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

    def paired_summary(self, reference=None):
        """The command line's table: each loss's test mean ± standard error, and its paired difference.

        Columns: ``test (mean ± se)``; for every loss but the reference, the difference from
        the reference with its 95% interval, the raw and the Holm-adjusted p, and the share of
        replicates in which the loss beats the reference. Digits follow the standard errors.
        """
        import pandas as pd

        n = len(self.seeds)
        rows = {r["loss"]: r for r in (self.differences(reference) if len(self.results) > 1 and n > 1 else [])}
        out = []
        for loss in self.results:
            test = self.scores(loss)
            se = test.std(ddof=1) / math.sqrt(n) if n > 1 else 0.0
            mean = format_estimate(test.mean(), test.std(ddof=1), n, spread=False) if n > 1 else f"{test[0]:.3f}"
            row = {"loss": loss, "metric": self.table.set_index("loss").loc[loss, "metric"],
                   "test (mean ± se)": f"{mean} ± {_one_significant(se, 3 + 1)}" if n > 1 else mean}
            if loss in rows:
                r = rows[loss]
                d = r["_pair"]
                row["difference (95% CI)"] = format_interval(d.mean, d.ci_low, d.ci_high, d.se, n=n, confidence=None)
                row["p"] = format_p_value(r["p_value"])
                row["Holm p"] = format_p_value(r["p_holm"])
                row["wins"] = f"{round(r['share_better'] * n)} of {n}"
            else:
                ref = next(iter(self.results)) if reference is None else loss_spec(reference)[0]
                text = "reference" if loss == ref else "another score"
                row.update({"difference (95% CI)": text if rows else "", "p": "", "Holm p": "", "wins": ""})
            out.append(row)
        return pd.DataFrame(out).set_index("loss")

    def records(self, reference=None):
        """Return the table as a list of dicts rounded to 6 decimals (the CLI's JSON).

        Every row has ``loss, metric, train_mean, train_std, test_mean, test_std``; with two or
        more losses and replicates, every row but the reference's adds the fields of
        :meth:`differences` (``paired_difference, ci_low, ci_high, p_value, p_holm, n, sd_diff,
        share_better, test``).
        """
        keep_published = self.table["published_train"].notna().any()
        paired = {r["loss"]: r for r in (self.differences(reference)
                                         if len(self.results) > 1 and len(self.seeds) > 1 else [])}
        rows = []
        for row in self.table.to_dict("records"):
            record = {k: row[k] for k in ("loss", "metric")}
            record.update({k: round(float(row[k]), 6) for k in ("train_mean", "train_std", "test_mean", "test_std")})
            if keep_published:
                for k in ("published_train", "published_test"):
                    record[k] = None if math.isnan(row[k]) else float(row[k])
            if row["loss"] in paired:
                p = paired[row["loss"]]
                record.update({k: round(float(p[k]), 6) for k in ("paired_difference", "ci_low", "ci_high", "sd_diff",
                                                                  "share_better")})
                record.update({"p_value": float(p["p_value"]), "p_holm": float(p["p_holm"]), "n": int(p["n"]),
                               "test": p["test"]})
            rows.append(record)
        return rows


def compare_losses(problem, losses=None, seeds=10, epochs=None, build=None, fast=True, progress=None,
                   class_weight=None, side_by_side=True, first_seed=0, same_data=False):
    """Train one recipe with several losses over several replicates and tabulate the scores.

    Replicate ``r`` (seed ``first_seed + r``) redraws the problem's data
    (:meth:`Problem.draw`), its initial weights and its batch order; every loss of a
    replicate shares them (:func:`companion.runner.run_replicates` does the training).
    ``same_data=True`` keeps the seed tutorial's own draw and varies only the weights and
    the batch order, which reproduces its published table but says nothing about new data.

    Parameters
    ----------
    problem : Problem or str
        A :class:`Problem`, the name of a built-in one, or a CSV path (then build
        the problem with :func:`get_problem` to name its target).
    losses : list of str, optional
        Keras loss names; defaults to every loss for the problem's task.
    seeds : int or iterable of int, default=10
        ``n`` means the replicates ``first_seed .. first_seed + n - 1``. At least one.
    epochs : int, optional
        Defaults to the problem's (the seed tutorial's) epochs.
    build : callable, optional
        ``build(problem, loss, metrics)`` returning a compiled model; defaults to
        the seed's recipe, :func:`build_model`. It receives the problem with the
        replicate's data as ``problem.split``.
    fast : bool, default=True
        Use :func:`companion.training.fit` (one compiled graph per run) or plain ``model.fit``.
    progress : bool, optional
        Show a progress bar on stderr. By default only when stderr is a terminal
        and ``COMPANION_PROGRESS`` is not ``0`` (the Makefile sets it to ``0``), so a
        bar never lands in a stored notebook output.
    class_weight : "balanced" or dict, optional
        Weight the classes in every training loss, as ``model.fit(class_weight=...)``
        (:func:`companion.training.class_weights`). Classification problems only.
    side_by_side : bool, default=True
        Train each loss's replicates side by side when its model allows
        (:func:`companion.replicates.fit_replicates`).
    first_seed : int, default=0
    same_data : bool, default=False
        Keep the problem's own split for every replicate.

    Returns
    -------
    comparison : Comparison
        ``comparison.table`` (a DataFrame of means and standard deviations of the
        final scores of the loss spec's metric), ``comparison.results`` (every
        :class:`~companion.training.FitResult`), ``comparison.summary()`` for display,
        and ``comparison.differences()`` (paired differences from a reference, Holm-adjusted).

    Examples
    --------
    >>> import companion as cp
    >>> cmp = cp.compare_losses("blobs", ["categorical_crossentropy"], seeds=2, epochs=2)
    >>> list(cmp.table.columns)[:6]
    ['loss', 'metric', 'train_mean', 'train_std', 'test_mean', 'test_std']
    """
    import pandas as pd

    from .runner import Recipe, run_replicates

    if isinstance(problem, str):
        problem = get_problem(problem)
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
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        seeds_arg = int(seeds)
    else:
        seeds_arg = tuple(int(s) for s in seeds)
        if not seeds_arg:
            raise ValueError("seeds must name at least one seed")

    def recipe(name):
        model = None
        if build is not None:
            def model(split, name=name):
                return build(replace(problem, split=split), name, None)
        return Recipe(name, model=model, class_weight=class_weight)

    runs = run_replicates({name: recipe(name) for name in names}, problem, seeds_arg, first_seed, epochs=epochs,
                          same_data=same_data, side_by_side=side_by_side and fast, fast=fast, progress=progress)
    rows = []
    for name in names:
        metric = metric_of(problem, name)
        metric_key = metric if f"test_{metric}" in runs.table.columns \
            and runs.table.loc[runs.table["recipe"] == name, f"test_{metric}"].notna().all() else "loss"
        if build is not None:  # a reader's build compiles its own metrics: score by its first one
            keys = [k for k in runs.results[name][0].test if k != "loss"]
            metric_key = metric if metric in keys else (keys[0] if keys else "loss")
        train, test = runs.scores(name, f"train_{metric_key}"), runs.scores(name, f"test_{metric_key}")
        ddof = 1 if len(test) > 1 else 0
        published = problem.published.get(name, (math.nan, math.nan)) if same_data else (math.nan, math.nan)
        rows.append({
            "loss": name, "metric": metric_key,
            "train_mean": train.mean(), "train_std": train.std(ddof=ddof),
            "test_mean": test.mean(), "test_std": test.std(ddof=ddof),
            "published_train": published[0], "published_test": published[1],
        })
    return Comparison(pd.DataFrame(rows), runs.results, runs.seeds, runs, problem)
