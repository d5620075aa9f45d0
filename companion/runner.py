"""Train a set of recipes over replicates and collect every score: the book's one experiment runner.

A *recipe* is one way to train a model: a loss (a Keras name, a function or a
configured loss object), the model it trains, the optimizer, class weights. A
*replicate* is a new draw from the problem's source: one integer ``seed`` fixes the
replicate's data, split and label flips (through :func:`companion.datasets.streams`)
and, through :func:`companion.training.set_seed`, its initial weights and batch
order. Replicate ``r`` of a run uses seed ``first_seed + r``.

:func:`run_replicates` trains every recipe on every replicate and returns a
:class:`Replicates`: a tidy table with one row per (replicate, recipe) and one
column per score, as scikit-learn's ``cross_validate`` returns one entry per fold.
The verdicts are computed from that table by a :class:`companion.stats.Family`.

**Paired by construction.** All recipes of one replicate share its data, split,
flips and batch order, and their initial weights wherever the architectures
allow (two recipes that build the same layers draw the same weights). Each
recipe's draws start again from the replicate's seed, so adding a recipe never
shifts another's: its scores stay bit for bit what they were.

**Independent tasks.** The work is one task per recipe and block of replicates
(the book's MLPs train ``block_size`` replicates side by side, see
:mod:`companion.replicates`) or per recipe and replicate (any other model). A
task's results depend on its recipe and its seeds alone, never on what ran before
it, so a sweep split over processes (``run_replicates`` on disjoint seeds, then
:meth:`Replicates.concat`) gives the same table as one run. For sweeps that
outgrow one machine, hand those calls to an existing engine (joblib, Ray).

**Compiled models are reused only for the same recipe.** A model compiled once
is re-initialised for the next seed instead of being traced again; the runner
reuses it only when the next seed's freshly built model has the same
architecture, loss (class and configuration), metrics and optimizer settings.
"""

import math
import os
import sys
from dataclasses import dataclass, field

import numpy as np

from .datasets import encode_labels

TASK_DEFAULTS = {  # output activation and label format of a loss the book does not know by name
    "regression": (None, "float"),
    "binary": ("sigmoid", "01"),
    "multiclass": ("softmax", "onehot"),
}


@dataclass(frozen=True)
class Recipe:
    """One way to train a model on a problem.

    Attributes
    ----------
    loss : str, callable or keras.losses.Loss
        What ``model.compile(loss=...)`` takes: a Keras loss name or alias
        (``"mse"``), a function ``loss(y_true, y_pred)`` returning one value per
        sample, or a configured loss object such as
        ``keras.losses.CategoricalCrossentropy(label_smoothing=0.1)``.
    model : callable, optional
        ``model(split)`` returning a Keras model for the replicate's data, with labels
        encoded as ``labels`` says. The runner compiles it with ``loss``, ``optimizer``
        and ``metrics``, unless it comes back compiled (then it keeps its own). By default the problem's MLP (:func:`companion.models.mlp` with the
        problem's hidden layers) with the output activation below.
    activation : str or None, optional
        Output activation of the default MLP. By default the one the loss expects:
        the book's table for a known loss name, linear for a loss object with
        ``from_logits=True``, otherwise the task's (linear, sigmoid, softmax). Give
        both ``activation`` and ``labels`` to use a loss outside its usual task (binary
        cross-entropy on multi-label rows, say).
    labels : {"float", "01", "pm1", "onehot", "integer"}, optional
        Label format the loss is trained and scored on
        (:func:`companion.datasets.encode_labels`). Defaults as ``activation``.
        ``"integer"`` labels of shape ``(n, steps)`` (a class index per step of a
        sequence, or a label sequence for ``keras.losses.CTC``) are kept as they are.
    optimizer : callable, optional
        ``optimizer()`` returning a fresh Keras optimizer; by default
        :func:`companion.models.sgd` (learning rate 0.01, momentum 0.9).
    metrics : tuple, default=()
        Keras metrics to compile with; their final train and test values become
        columns ``train_<name>`` and ``test_<name>`` of the results.
    class_weight : "balanced" or dict, optional
        Class weights of the training loss, as ``model.fit(class_weight=...)``.
    epochs : int, optional
        Overrides the run's epochs for this recipe.

    Examples
    --------
    A loss name is enough; the output activation and label format follow from it:

    >>> from companion.runner import Recipe
    >>> Recipe("hinge").resolved("binary")
    ('tanh', 'pm1')
    >>> Recipe("mse").resolved("regression")
    (None, 'float')
    >>> Recipe("binary_crossentropy", activation=None, labels="01", class_weight="balanced").resolved("binary")
    (None, '01')
    """

    loss: object
    model: object = None
    activation: object = "auto"
    labels: object = None
    optimizer: object = None
    metrics: tuple = ()
    class_weight: object = None
    epochs: object = None

    def resolved(self, task):
        """Return ``(activation, labels)`` for ``task``: the given ones, or the loss's defaults."""
        from .compare import LOSS_SPECS, loss_spec

        activation, labels = TASK_DEFAULTS[task]
        given = self.activation != "auto" and self.labels is not None
        if isinstance(self.loss, str) and not given:
            name, spec = loss_spec(self.loss, task)
            activation, labels = spec.activation, spec.labels
        else:
            name = getattr(self.loss, "name", None) or getattr(self.loss, "__name__", "")
            if name in LOSS_SPECS and LOSS_SPECS[name].task == task:
                activation, labels = LOSS_SPECS[name].activation, LOSS_SPECS[name].labels
            if getattr(self.loss, "from_logits", False):
                activation = None
        if self.activation != "auto":
            activation = self.activation
        if self.labels is not None:
            labels = self.labels
        return activation, labels


def _as_recipes(recipes):
    if isinstance(recipes, (str, Recipe)) or callable(recipes) and not isinstance(recipes, dict):
        raise ValueError("recipes must be a dict {name: recipe} or a list of Keras loss names")
    if not isinstance(recipes, dict):
        recipes = list(recipes)
        if not all(isinstance(r, str) for r in recipes):
            raise ValueError("a list of recipes must hold Keras loss names; name other recipes in a dict")
        recipes = {r: r for r in recipes}
    if not recipes:
        raise ValueError("recipes must name at least one recipe")
    out = {}
    for name, recipe in recipes.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"recipe names must be non-empty strings, got {name!r}")
        out[name] = recipe if isinstance(recipe, Recipe) else Recipe(loss=recipe)
    return out


def _seed_list(seeds, first_seed):
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        if seeds < 1:
            raise ValueError(f"seeds must be at least 1, got {seeds}")
        if isinstance(first_seed, bool) or not isinstance(first_seed, (int, np.integer)) or first_seed < 0:
            raise ValueError(f"first_seed must be a non-negative integer, got {first_seed!r}")
        return tuple(range(int(first_seed), int(first_seed) + int(seeds)))
    try:
        seeds = tuple(seeds)
    except TypeError:
        raise ValueError(f"seeds must be a count or a sequence of non-negative integers, got {seeds!r}") from None
    if not seeds:
        raise ValueError("seeds must name at least one replicate")
    if any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0 for s in seeds):
        raise ValueError(f"seeds must be non-negative integers, got {seeds[:5]!r}")
    if len(set(seeds)) != len(seeds):
        raise ValueError("seeds are repeated: each replicate needs its own seed")
    return tuple(int(s) for s in seeds)


def _data_source(data, same_data):
    """Return ``(draw(seed) -> Split, problem or None, same_data)`` for what ``run_replicates`` was given."""
    from .compare import Problem, get_problem

    if isinstance(data, str):
        data = get_problem(data)
    if isinstance(data, Problem):
        if data.sampler is None:  # a problem of one fixed split (a reader's own): nothing to redraw
            same_data = True
        return ((lambda seed: data.split) if same_data else data.draw), data, bool(same_data)
    if hasattr(data, "X_train"):
        return (lambda seed: data), None, True
    if callable(data):
        if same_data:
            raise ValueError("same_data=True needs a problem or a split, not a function that draws data")
        return data, None, False
    raise ValueError(f"data must be a problem (or its name), a Split, or a function seed -> Split; got {data!r}")


def _show_progress(progress):
    if progress is not None:
        return bool(progress)
    setting = os.environ.get("COMPANION_PROGRESS", "auto").lower()
    if setting in ("0", "false", "no", "off"):
        return False
    if setting in ("1", "true", "yes", "on"):
        return True
    return sys.stderr.isatty()


def _fingerprint(model):
    """What decides whether a compiled model can be reused for another seed of a recipe.

    The architecture (every layer's class and configuration but its automatic name), the
    loss, the compiled metrics and the optimizer, each by class and configuration, or by
    identity for a function. Two builds of one recipe give the same fingerprint; a
    ``build`` that compiles another loss, label smoothing or metric does not.
    """
    import json

    import keras

    def config(obj):
        if obj is None or isinstance(obj, str):
            return obj
        if isinstance(obj, (list, tuple)):
            return tuple(config(x) for x in obj)
        if isinstance(obj, dict):
            return tuple(sorted((k, config(v)) for k, v in obj.items()))
        if hasattr(obj, "get_config"):
            # Layers and optimizers are named by a process-wide counter (dense_3, sgd_2): not part of the recipe.
            automatic = isinstance(obj, (keras.Layer, keras.optimizers.Optimizer))
            settings = {k: v for k, v in obj.get_config().items() if k != "name" or not automatic}
            return type(obj).__module__, type(obj).__qualname__, json.dumps(settings, sort_keys=True, default=repr)
        return obj  # a function: its identity

    compiled = getattr(model, "_compile_metrics", None)
    shape = tuple(getattr(model, "input_shape", ()) or ())
    return (type(model), shape, tuple(config(layer) for layer in model.layers), config(model.loss),
            config(getattr(compiled, "_user_metrics", None)), config(model.optimizer))


# Compiled models kept for reuse, by fingerprint: every later seed of a recipe re-initialises one
# instead of tracing a graph of its own (about a second a recipe).
_TEMPLATES = {}


@dataclass
class Replicates:
    """What :func:`run_replicates` returns: every score of every recipe on every replicate.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (recipe, replicate): ``recipe``, ``seed``, then ``train_<k>`` and
        ``test_<k>`` for the loss and every compiled metric ``k``, then one column per
        entry of ``scoring`` (scored on the test set).
    recipes : dict of str to Recipe
    seeds : tuple of int
    same_data : bool
        ``True`` when every replicate used the same data (only the initial weights
        and batch order vary): a verdict then holds for that one data set only.
    results : dict of str to list of FitResult
        Every run, per recipe, in seed order: for learning curves.
    splits : dict of int to Split
        The data of each replicate, labels in canonical form.
    outputs : dict of str to ndarray, optional
        With ``predictions=True``: per recipe, the model outputs on each replicate's
        test set, of shape ``(n_seeds, n_test)`` or ``(n_seeds, n_test, k)``.

    Examples
    --------
    :func:`run_replicates` returns one; here one is built by hand from three replicates' test MSE:

    >>> import pandas as pd
    >>> from companion.runner import Recipe, Replicates
    >>> from companion.stats import Family
    >>> table = pd.DataFrame({"recipe": ["mse"] * 3 + ["mae"] * 3, "seed": [0, 1, 2] * 2,
    ...                       "test_mse": [0.30, 0.28, 0.33, 0.27, 0.26, 0.30]})
    >>> runs = Replicates(table, {"mse": Recipe("mse"), "mae": Recipe("mae")}, seeds=(0, 1, 2), same_data=False,
    ...                   results={}, splits={})
    >>> runs.scores("mae", "test_mse")
    array([0.27, 0.26, 0.3 ])
    >>> runs.summary("test_mse")["test_mse"].tolist()
    ['0.3 ± 0.03', '0.3 ± 0.02']
    >>> family = Family("Does MAE beat MSE on test MSE?", "mse", ["mae"], "test_mse", higher_is_better=False,
    ...                 margin=0.05)
    >>> runs.compare(family).verdict("mae")
    'better, by less than 0.05'
    """

    table: object
    recipes: dict
    seeds: tuple
    same_data: bool
    results: dict = field(repr=False)
    splits: dict = field(repr=False)
    outputs: dict = field(default=None, repr=False)

    def scores(self, recipe, column):
        """Return one recipe's ``column`` as an array, one entry per replicate in seed order.

        Examples
        --------
        >>> import companion as cp
        >>> runs = cp.run_replicates(["mse", "mae"], "regression", seeds=2, epochs=2)
        >>> runs.scores("mae", "test_loss").shape
        (2,)
        """
        if recipe not in self.recipes:
            raise ValueError(f"recipe {recipe!r} is not in these results; they hold: {', '.join(self.recipes)}")
        if column not in self.table.columns or column in ("recipe", "seed"):
            scores = [c for c in self.table.columns if c not in ("recipe", "seed")]
            raise ValueError(f"no score {column!r}; the scores are: {', '.join(scores)}")
        rows = self.table[self.table["recipe"] == recipe].set_index("seed").loc[list(self.seeds)]
        return rows[column].to_numpy(dtype=float)

    def compare(self, family):
        """Evaluate a :class:`companion.stats.Family` on these results (its ``score`` is a column)."""
        return family.evaluate({name: self.scores(name, family.score) for name in [family.reference, *family.recipes]})

    def summary(self, columns, max_decimals=3):
        """Return a display table: each recipe's ``mean ± sd`` of each column, at the digits its mean supports."""
        import pandas as pd

        from .stats import format_mean

        if isinstance(columns, str):
            columns = [columns]
        out = pd.DataFrame(index=pd.Index(list(self.recipes), name="recipe"))
        for column in columns:
            out[column] = [format_mean(self.scores(name, column), max_decimals=max_decimals)
                           if len(self.seeds) > 1 else f"{self.scores(name, column)[0]:.{max_decimals}f}"
                           for name in self.recipes]
        return out

    @classmethod
    def concat(cls, parts):
        """Join the results of runs over disjoint seeds of the same recipes (a sweep split into parts)."""
        import pandas as pd

        parts = list(parts)
        if not parts:
            raise ValueError("concat needs at least one Replicates")
        first = parts[0]
        if any(list(p.recipes) != list(first.recipes) or p.same_data != first.same_data for p in parts):
            raise ValueError("concat joins runs of the same recipes and the same data mode only")
        seeds = tuple(s for p in parts for s in p.seeds)
        if len(set(seeds)) != len(seeds):
            raise ValueError("concat joins runs over disjoint seeds; a seed appears twice")
        table = pd.concat([p.table for p in parts], ignore_index=True)
        order = {name: i for i, name in enumerate(first.recipes)}
        table = table.sort_values(["recipe", "seed"], key=lambda c: c.map(order) if c.name == "recipe" else c,
                                  kind="stable").reset_index(drop=True)
        results = {name: [r for p in parts for r in p.results[name]] for name in first.recipes}
        splits = {s: split for p in parts for s, split in p.splits.items()}
        outputs = None if first.outputs is None else {
            name: np.concatenate([p.outputs[name] for p in parts]) for name in first.recipes}
        return cls(table, first.recipes, seeds, first.same_data, results, splits, outputs)


def run_replicates(recipes, data, seeds=10, first_seed=0, *, epochs=None, same_data=False, scoring=None,
                   predictions=False, side_by_side=True, fast=True, progress=None):
    """Train every recipe on every replicate of a problem and return every score.

    Replicate ``seed`` draws its data with ``data.draw(seed)`` (or ``data(seed)``),
    then each recipe builds its model right after ``set_seed(seed)`` and trains it
    on that data: so one seed fixes the data, the split, the initial weights and
    the batch order, and all recipes of a replicate are paired.

    Parameters
    ----------
    recipes : dict of str to (Recipe or loss), or list of str
        The recipes, by name. A value that is not a :class:`Recipe` is its loss
        (``{"smoothed": keras.losses.CategoricalCrossentropy(label_smoothing=0.1)}``);
        a list of Keras loss names names each recipe by its loss.
    data : Problem, str, Split or callable
        A built-in problem (or its name, see :func:`companion.compare.get_problem`),
        whose ``draw(seed)`` redraws the data; a function ``seed -> Split`` that
        draws the reader's own replicate; or one fixed :class:`~companion.datasets.Split`
        (or a :class:`~companion.compare.Problem` built on one), for which only the
        initial weights and the batch order vary (``Replicates.same_data`` is then ``True``).
    seeds : int or sequence of int, default=10
        ``n`` means the replicates ``first_seed .. first_seed + n - 1``.
    first_seed : int, default=0
    epochs : int, optional
        Defaults to the problem's epochs (100 for a split or a function).
    same_data : bool, default=False
        Keep the problem's own draw for every replicate, so that only the initial
        weights and the batch order vary: the seed tutorial's design, which
        measures optimiser noise on one data set. Never mix it into a verdict about
        new data.
    scoring : dict of str to callable, optional
        ``{name: score(y_true, y_pred) -> float}``, each scored on the test set with
        canonical labels (floats, 0/1 or class indices) and the model's raw
        outputs. Becomes a column ``name``.
    predictions : bool, default=False
        Keep every model's outputs on its test set (``Replicates.outputs``).
    side_by_side : bool, default=True
        Train the replicates of a recipe side by side in one graph when its model
        allows (:func:`companion.replicates.fit_replicates`), else one by one
        (:func:`companion.training.fit`); both give the same run to float rounding.
    fast : bool, default=True
        ``False`` trains every run with plain ``model.fit``
        (:func:`companion.training.fit_keras`), one replicate at a time.
    progress : bool, optional
        A progress bar on stderr; by default only at a terminal and when
        ``COMPANION_PROGRESS`` is not ``0``.

    Returns
    -------
    runs : Replicates

    Raises
    ------
    ValueError
        For an empty or repeated set of seeds or recipes, a loss that does not fit
        the task, data that cannot be drawn, or a score that is not finite.

    Examples
    --------
    >>> import companion as cp
    >>> runs = cp.run_replicates(["mse", "mae"], "regression", seeds=3, first_seed=100, epochs=3)
    >>> runs.table.columns.tolist()
    ['recipe', 'seed', 'train_loss', 'train_mse', 'test_loss', 'test_mse']
    >>> runs.table.shape, runs.seeds
    ((6, 6), (100, 101, 102))
    """
    import pandas as pd
    from tqdm import tqdm

    from .compare import Problem, _metric_object, loss_spec, metric_of

    recipes = _as_recipes(recipes)
    seeds = _seed_list(seeds, first_seed)
    draw, problem, same_data = _data_source(data, same_data)
    if scoring is not None and (not isinstance(scoring, dict)
                                or not all(isinstance(k, str) and callable(v) for k, v in scoring.items())):
        raise ValueError("scoring must be a dict {name: score(y_true, y_pred)}")
    scoring = dict(scoring or {})
    splits = {}
    for seed in seeds:
        split = draw(seed)
        if not hasattr(split, "X_train"):
            raise ValueError(f"drawing replicate {seed} gave {type(split).__name__}, not a Split")
        splits[seed] = split
    task = splits[seeds[0]].task
    hidden = problem.hidden if isinstance(problem, Problem) else (50,)
    default_epochs = epochs or (problem.epochs if isinstance(problem, Problem) else 100)

    rows, results, outputs = [], {}, ({} if predictions else None)
    with tqdm(total=len(recipes) * len(seeds), disable=not _show_progress(progress),
              desc=problem.name if isinstance(problem, Problem) else "replicates") as bar:
        for name, recipe in recipes.items():
            activation, labels = recipe.resolved(task)
            if recipe.class_weight is not None and task == "regression":
                raise ValueError(f"recipe {name!r}: class weights apply to classification, not regression")
            k = splits[seeds[0]].n_classes
            encoded = {s: _encode(split, labels, k) for s, split in splits.items()}
            if isinstance(recipe.loss, str) and not recipe.metrics and _spec_task(recipe.loss) == task:
                metrics = [metric_of(problem, recipe.loss) if isinstance(problem, Problem)
                           else loss_spec(recipe.loss, task)[1].metric]  # the score the book gives this loss
            else:
                metrics = list(recipe.metrics)

            def build(split=encoded[seeds[0]], recipe=recipe, activation=activation, metrics=metrics):
                from .models import mlp, sgd

                metrics = [_fresh(_metric_object(m) if isinstance(m, str) else m) for m in metrics]

                if recipe.model is not None:
                    model = recipe.model(split)
                    if getattr(model, "compiled", False):  # the reader compiled it: keep their loss and metrics
                        return model
                else:
                    outputs_ = split.n_classes if task == "multiclass" else 1
                    model = mlp(split.n_features, hidden=hidden, outputs=outputs_, activation=activation)
                model.compile(loss=recipe.loss, optimizer=(recipe.optimizer or sgd)(), metrics=list(metrics))
                return model

            runs = _train(build, [encoded[s] for s in seeds], seeds, recipe.epochs or default_epochs,
                          recipe.class_weight, side_by_side and fast, fast, bar)
            results[name] = runs
            model = build() if scoring or predictions else None
            kept = []
            for seed, run in zip(seeds, runs):
                row = {"recipe": name, "seed": seed}
                row.update({f"train_{key}": value for key, value in run.train.items()})
                row.update({f"test_{key}": value for key, value in run.test.items()})
                if model is not None:
                    model.set_weights(run.weights)
                    output = np.asarray(model(splits[seed].X_test, training=False))
                    y_pred = output[:, 0] if output.ndim == 2 and output.shape[1] == 1 else output
                    for score_name, score in scoring.items():
                        value = float(score(splits[seed].y_test, y_pred))
                        if not math.isfinite(value):
                            raise ValueError(f"score {score_name!r} of recipe {name!r} is {value} on replicate "
                                             f"{seed}; fix how it handles this case (zero_division=...) "
                                             "before the run, never drop the replicate")
                        row[score_name] = value
                    kept.append(y_pred)
                rows.append(row)
            if predictions:
                outputs[name] = np.stack(kept)
    table = pd.DataFrame(rows)
    return Replicates(table, recipes, seeds, same_data, results, splits, outputs)


def _spec_task(loss):
    """The task of a loss the book knows by name, or ``None``."""
    from .compare import loss_spec

    try:
        return loss_spec(loss)[1].task
    except ValueError:
        return None


def _fresh(metric):
    """A new instance of a Keras metric object (each model gets its own state), or the name or function."""
    import keras

    if isinstance(metric, keras.metrics.Metric):
        return type(metric).from_config(metric.get_config())
    return metric


def _encode(split, labels, k):
    from dataclasses import replace

    if split.task == "regression" or labels in (None, "float"):
        return split
    if labels == "integer" and np.ndim(split.y_train) == 2:  # a class index per position (sequences): kept
        for part in (split.y_train, split.y_test):
            if not np.issubdtype(np.asarray(part).dtype, np.integer) or np.any(np.asarray(part) < 0):
                raise ValueError("'integer' labels of shape (n, steps) must be non-negative integers, "
                                 f"one class index per step; got dtype {np.asarray(part).dtype}")
        return split
    return replace(split, y_train=encode_labels(split.y_train, labels, k), y_test=encode_labels(split.y_test, labels, k))


def _train(build, splits, seeds, epochs, class_weight, side_by_side, fast, bar):
    """Every seed's run of one recipe: side by side when its model allows, else one compiled model reused."""
    from .replicates import fit_replicates, unsupported
    from .training import fit, fit_keras, reinitialize, set_seed

    if side_by_side and class_weight is None:
        set_seed(seeds[0])
        if unsupported(build(splits[0]), splits[0]) is None:
            runs = fit_replicates(lambda: build(splits[0]), splits, seeds, epochs)
            bar.update(len(seeds))
            return runs
    runs = []
    for seed, split in zip(seeds, splits):
        set_seed(seed)
        model = build(split)
        if not fast:
            runs.append(fit_keras(model, split, epochs, class_weight=class_weight))
            bar.update()
            continue
        template = _TEMPLATES.setdefault(_fingerprint(model), model)
        if template is not model:
            reinitialize(template, model.get_weights())
        runs.append(fit(template, split, epochs, class_weight=class_weight))
        bar.update()
    return runs
