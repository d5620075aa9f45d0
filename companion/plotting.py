"""Figures in one consistent style: learning curves, decision boundaries and loss curves.

Every function here draws on a matplotlib ``Axes``: pass one (or a sequence) to place
the plot in your own figure, or pass nothing and a new figure is created. Every
function returns what it drew on, so a chapter can add a title or a reference line and
end its cell with ``plt.show()``.

The look is defined once, in `PALETTE` (the Okabe-Ito colours, which stay distinct for
colour-blind readers) and `RC` (matplotlib settings). The `style` context manager
applies them with ``plt.rc_context``; every function here draws inside it, and a
chapter can use it for its own figures::

    with cp.plotting.style():
        fig, ax = plt.subplots()

Importing this module imports neither matplotlib nor TensorFlow and changes no global
setting: matplotlib is imported by the functions that draw.
"""

from contextlib import contextmanager

import numpy as np

__all__ = ["PALETTE", "RC", "style", "learning_curves", "decision_boundary", "loss_curves"]

PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
)
"""The colours of every figure, in the order they are used (Okabe-Ito, colour-blind safe)."""

RC = {
    "figure.figsize": (6.0, 4.0),
    "figure.dpi": 100,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.grid": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "grid.alpha": 0.3,
    "lines.linewidth": 1.8,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "image.cmap": "RdBu_r",
}
"""matplotlib settings applied by `style` (the colour cycle is `PALETTE`)."""

BAND_ALPHA = 0.2
"""Opacity of the shaded +-1 standard deviation bands of `learning_curves`."""


@contextmanager
def style():
    """Apply the book's figure style inside a ``with`` block.

    A thin wrapper around ``matplotlib.pyplot.rc_context`` with `RC` and a colour
    cycle made of `PALETTE`. Settings return to their previous values when the block
    ends, so nothing leaks into the reader's session.

    Yields
    ------
    None

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from companion import plotting
    >>> with plotting.style():
    ...     fig, ax = plt.subplots()
    ...     plt.rcParams["axes.grid"]
    True
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt
    from cycler import cycler

    with plt.rc_context({**RC, "axes.prop_cycle": cycler(color=list(PALETTE))}):
        yield


def learning_curves(results, keys=("loss",), axes=None, label=None, color=None):
    """Plot train (solid) and test (dashed) curves of one or several training runs.

    One panel per key. The train curve is ``history[key]`` and the test curve
    ``history["val_" + key]``, against the epoch ``1 .. E``. For a list of runs (for
    example the same model trained with several seeds) each curve is the mean across
    runs, with a shaded band of +-1 standard deviation (``ddof=0``) around it.

    Call it again on the returned axes, with another ``label`` and ``color``, to
    overlay a second configuration.

    Parameters
    ----------
    results : FitResult or list of FitResult
        What `companion.fit` or `companion.fit_keras` returned. Every run of a list
        must have trained for the same number of epochs.
    keys : str or sequence of str, default=("loss",)
        History keys to plot, one panel each, e.g. ``("loss", "accuracy")``.
    axes : Axes or sequence of Axes, default=None
        Where to draw: one Axes per key. ``None`` creates a figure with one row of
        ``len(keys)`` panels.
    label : str, default=None
        Prefix of the legend entries: ``"<label> train"`` and ``"<label> test"``.
        Without it the entries are ``"train"`` and ``"test"``.
    color : color, default=None
        Colour of both curves. ``None`` takes the next colour of `PALETTE` for each
        call on the same axes.

    Returns
    -------
    axes : ndarray of Axes of shape (len(keys),)

    Raises
    ------
    ValueError
        If ``results`` is an empty list, if a run's history lacks ``key`` or
        ``"val_" + key``, if runs differ in length, or if ``axes`` does not hold
        exactly one Axes per key.
    TypeError
        If a run has no ``history`` mapping.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from companion import plotting
    >>> from companion.training import FitResult
    >>> runs = [FitResult(history={"loss": np.array([1.0, 0.5, 0.3]) + s,
    ...                            "val_loss": np.array([1.1, 0.6, 0.4]) + s},
    ...                   train={}, test={}) for s in (0.0, 0.1)]
    >>> axes = plotting.learning_curves(runs)
    >>> axes.shape
    (1,)
    >>> [line.get_label() for line in axes[0].lines]
    ['train', 'test']
    >>> axes[0].get_xlabel(), axes[0].get_ylabel()
    ('epoch', 'loss')
    """
    runs = _as_runs(results)
    keys = (keys,) if isinstance(keys, str) else tuple(keys)
    if not keys:
        raise ValueError("keys is empty; give at least one history key, e.g. keys=('loss',).")
    curves = {key: _stack(runs, key) for key in keys}

    import matplotlib.pyplot as plt

    with style():
        if axes is None:
            width, height = RC["figure.figsize"]
            _, created = plt.subplots(1, len(keys), figsize=(min(width, 4.5) * len(keys), height),
                                      squeeze=False)
            axes = created[0]
        axes = _as_axes(axes, len(keys), "keys")
        prefix = f"{label} " if label else ""
        for ax, key in zip(axes, keys):
            train, test = curves[key]
            epochs = np.arange(1, train.shape[1] + 1)
            colour = color if color is not None else PALETTE[_n_drawn(ax) % len(PALETTE)]
            for values, kind, linestyle in ((train, "train", "-"), (test, "test", "--")):
                mean = values.mean(axis=0)
                ax.plot(epochs, mean, color=colour, linestyle=linestyle, label=prefix + kind, gid="learning_curve")
                if isinstance(results, (list, tuple)):
                    std = values.std(axis=0)
                    ax.fill_between(epochs, mean - std, mean + std, color=colour, alpha=BAND_ALPHA, linewidth=0)
            ax.set_xlabel("epoch")
            ax.set_ylabel(key)
            ax.legend()
    return axes


def decision_boundary(model, X, y, ax=None, threshold=0.5, title=None, resolution=200):
    """Draw a classifier's predictions over the plane, its decision boundary and the data.

    The model is evaluated on a ``resolution x resolution`` grid covering ``X`` with a
    margin of 0.5 on every side.

    * One output (sigmoid, tanh, or a raw score): the prediction is shown as filled
      contours in a diverging colour map centred on ``threshold``, and the boundary
      ``prediction == threshold`` as a black line. Use ``threshold=0.5`` for a
      sigmoid output and ``threshold=0.0`` for tanh or +-1 labels.
    * Several outputs (softmax): each point of the plane is coloured by its
      predicted class (the argmax), and the lines between classes are drawn;
      ``threshold`` is not used.

    The samples are drawn on top, coloured by label, with the same colours as the
    regions of their class.

    Parameters
    ----------
    model : keras.Model or callable
        Anything with ``predict(X, batch_size=..., verbose=0)`` returning an array of
        shape (n,), (n, 1) or (n, k), or a callable ``model(X)`` returning one.
    X : array_like of shape (n_samples, 2)
        The samples to show; they also set the extent of the grid.
    y : array_like of shape (n_samples,) or (n_samples, k)
        Their labels: 0/1, -1/+1, integer classes, or one-hot rows.
    ax : Axes, default=None
        Where to draw; ``None`` creates a figure.
    threshold : float, default=0.5
        The decision threshold of a single-output model.
    title : str, default=None
        Title of the Axes.
    resolution : int, default=200
        Grid points along each axis.

    Returns
    -------
    ax : Axes

    Raises
    ------
    ValueError
        If ``X`` is not of shape (n, 2), if ``y`` does not have one label per
        sample, if ``resolution < 2``, or if the predictions do not have one row per
        grid point.
    TypeError
        If ``model`` has no ``predict`` method and is not callable.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from companion import plotting
    >>> X = np.array([[-1.0, -1.0], [-0.5, -1.0], [1.0, 1.0], [1.0, 0.5]])
    >>> y = np.array([0, 0, 1, 1])
    >>> def model(points):  # a logistic model whose boundary is x1 + x2 = 0
    ...     return 1 / (1 + np.exp(-(points[:, 0] + points[:, 1])))
    >>> ax = plotting.decision_boundary(model, X, y, title="x1 + x2 = 0", resolution=50)
    >>> ax.get_title()
    'x1 + x2 = 0'
    >>> ax.get_legend_handles_labels()[1]
    ['y = 0', 'y = 1']
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2) to be drawn in the plane; got {X.shape}.")
    if len(X) == 0:
        raise ValueError("X is empty; there is nothing to draw.")
    labels = _class_labels(y, len(X))
    if isinstance(resolution, bool) or int(resolution) != resolution or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2; got {resolution!r}.")
    resolution = int(resolution)

    (x_lo, y_lo), (x_hi, y_hi) = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    xx, yy = np.meshgrid(np.linspace(x_lo, x_hi, resolution), np.linspace(y_lo, y_hi, resolution))
    grid = np.column_stack([xx.ravel(), yy.ravel()]).astype("float32")
    pred = _predict(model, grid)

    import matplotlib.pyplot as plt
    from matplotlib.colors import LinearSegmentedColormap, ListedColormap, TwoSlopeNorm

    classes = np.unique(labels)
    with style():
        if ax is None:
            _, ax = plt.subplots()
        if pred.shape[1] == 1:
            z = pred[:, 0].reshape(xx.shape)
            cmap = LinearSegmentedColormap.from_list("boundary", [_tint(PALETTE[0]), "#FFFFFF", _tint(PALETTE[1])])
            lo, hi = float(z.min()), float(z.max())
            if lo < threshold < hi:
                norm = TwoSlopeNorm(vcenter=threshold, vmin=lo, vmax=hi)
                ax.contourf(xx, yy, z, levels=20, cmap=cmap, norm=norm)
                ax.contour(xx, yy, z, levels=[threshold], colors="k", linewidths=1.5)
            else:  # one class everywhere: no boundary inside the grid
                side = PALETTE[1] if lo >= threshold else PALETTE[0]
                ax.contourf(xx, yy, z, levels=1, colors=[_tint(side)])
            colours = {c: PALETTE[i if len(classes) > 2 else int(c > classes[0])] for i, c in enumerate(classes)}
        else:
            k = pred.shape[1]
            region = pred.argmax(axis=1).reshape(xx.shape)
            colours = {c: PALETTE[int(c) % len(PALETTE)] for c in classes}
            region_cmap = ListedColormap([_tint(PALETTE[i % len(PALETTE)]) for i in range(k)])
            ax.contourf(xx, yy, region, levels=np.arange(k + 1) - 0.5, cmap=region_cmap)
            present = np.unique(region)
            if len(present) > 1:
                ax.contour(xx, yy, region, levels=np.arange(k - 1) + 0.5, colors="k", linewidths=1.0)
        for c in classes:
            mask = labels == c
            ax.scatter(X[mask, 0], X[mask, 1], s=14, color=colours[c], edgecolors="white", linewidths=0.4,
                       label=f"y = {c:g}")
        ax.set_xlim(x_lo, x_hi)
        ax.set_ylim(y_lo, y_hi)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.grid(False)
        ax.legend(loc="best", frameon=True, framealpha=0.8)
        if title is not None:
            ax.set_title(title)
    return ax


def loss_curves(fns, x, ax=None, labels=None):
    """Plot several functions of one variable on one Axes.

    Used to compare losses as functions of the residual ``y - f(x)`` or of the
    margin ``y * f(x)``. Each function is called once with the whole array ``x``.

    Parameters
    ----------
    fns : callable, sequence of callables, or dict of str to callable
        The functions, each mapping an array to an array of the same shape (a
        scalar result is broadcast). A dict's keys are the legend labels.
    x : array_like of shape (n,)
        Where to evaluate them, in increasing order.
    ax : Axes, default=None
        Where to draw; ``None`` creates a figure.
    labels : sequence of str, default=None
        Legend labels, one per function. By default a dict's keys, or each
        function's ``__name__``.

    Returns
    -------
    ax : Axes
        With one line per function, in `PALETTE` order. The y label is ``"loss"``
        unless the Axes already had one; set the x label and title yourself.

    Raises
    ------
    ValueError
        If there are no functions, if ``labels`` does not hold one label per
        function, if a function has no usable name and no label is given, if ``x``
        is not one-dimensional, or if a function's result has the wrong shape.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from companion import plotting
    >>> r = np.linspace(-3, 3, 61)
    >>> ax = plotting.loss_curves({"squared": np.square, "absolute": np.abs}, r)
    >>> [line.get_label() for line in ax.lines]
    ['squared', 'absolute']
    >>> ax.set_xlabel("residual")
    Text(0.5, 0, 'residual')
    """
    if isinstance(fns, dict):
        if labels is None:
            labels = list(fns)
        fns = list(fns.values())
    elif callable(fns):
        fns = [fns]
    else:
        fns = list(fns)
    if not fns:
        raise ValueError("fns is empty; give at least one function to plot.")
    if not all(callable(fn) for fn in fns):
        raise ValueError("every entry of fns must be callable (a function of one array).")
    if labels is None:
        labels = [getattr(fn, "__name__", None) for fn in fns]
        if any(name in (None, "<lambda>") for name in labels):
            raise ValueError("a function has no usable __name__ (e.g. a lambda); pass labels=[...] or a dict.")
    labels = list(labels)
    if len(labels) != len(fns):
        raise ValueError(f"labels has {len(labels)} entries for {len(fns)} functions; give one label per function.")
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"x must be a one-dimensional array of at least 2 points; got shape {x.shape}.")
    values = []
    for fn, name in zip(fns, labels):
        value = np.asarray(fn(x), dtype=float)
        try:
            values.append(np.broadcast_to(value, x.shape))
        except ValueError:
            raise ValueError(f"{name}: returned shape {value.shape} for x of shape {x.shape}.") from None

    import matplotlib.pyplot as plt

    with style():
        if ax is None:
            _, ax = plt.subplots()
        start = len(ax.lines)
        for i, (value, name) in enumerate(zip(values, labels)):
            ax.plot(x, value, color=PALETTE[(start + i) % len(PALETTE)], label=name)
        if not ax.get_ylabel():
            ax.set_ylabel("loss")
        ax.legend()
    return ax


def _as_runs(results):
    runs = list(results) if isinstance(results, (list, tuple)) else [results]
    if not runs:
        raise ValueError("results is an empty list; give one FitResult or a list of them.")
    for run in runs:
        if not hasattr(getattr(run, "history", None), "keys"):
            raise TypeError(f"expected a FitResult (with a .history dict), got {type(run).__name__}.")
    return runs


def _stack(runs, key):
    """Return the train and test curves of ``key`` as arrays of shape (n_runs, epochs)."""
    out = []
    for name in (key, f"val_{key}"):
        missing = [i for i, run in enumerate(runs) if name not in run.history]
        if missing:
            available = ", ".join(sorted(runs[missing[0]].history))
            raise ValueError(f"history has no {name!r} (run {missing[0]}); available keys: {available}.")
        curves = [np.asarray(run.history[name], dtype=float).ravel() for run in runs]
        lengths = sorted({len(c) for c in curves})
        if len(lengths) > 1:
            raise ValueError(f"runs differ in length for {name!r} ({lengths} epochs); cannot average them.")
        if lengths[0] == 0:
            raise ValueError(f"history[{name!r}] is empty.")
        out.append(np.vstack(curves))
    return tuple(out)


def _as_axes(axes, n, what):
    from matplotlib.axes import Axes

    axes = np.array([axes] if isinstance(axes, Axes) else list(np.ravel(np.asarray(axes, dtype=object))),
                    dtype=object)
    if len(axes) != n:
        raise ValueError(f"got {len(axes)} Axes for {n} {what}; give exactly one Axes per entry of {what}.")
    if not all(isinstance(ax, Axes) for ax in axes):
        raise ValueError("axes must hold matplotlib Axes.")
    return axes


def _n_drawn(ax):
    """Number of earlier `learning_curves` calls on ``ax`` (each draws two lines)."""
    return sum(line.get_gid() == "learning_curve" for line in ax.lines) // 2


def _tint(colour, amount=0.65):
    """Return ``colour`` mixed with white: region fills stay pale so the samples stand out."""
    from matplotlib.colors import to_rgb

    return tuple(c + (1 - c) * amount for c in to_rgb(colour))


def _class_labels(y, n):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:  # one-hot rows
        y = y.argmax(axis=1)
    y = y.reshape(-1) if y.ndim == 2 and y.shape[1] == 1 else y
    if y.ndim != 1 or len(y) != n:
        raise ValueError(f"y must hold one label per sample ({n}); got shape {np.shape(y)}.")
    return y.astype(float)


def _predict(model, grid):
    if hasattr(model, "predict"):
        pred = model.predict(grid, batch_size=8192, verbose=0)
    elif callable(model):
        pred = model(grid)
    else:
        raise TypeError(f"model must have a predict method or be callable; got {type(model).__name__}.")
    pred = np.asarray(pred, dtype=float)
    pred = pred.reshape(-1, 1) if pred.ndim == 1 else pred
    if pred.ndim != 2 or len(pred) != len(grid):
        raise ValueError(f"the model returned shape {pred.shape} for {len(grid)} grid points; "
                         "expected (n,), (n, 1) or (n, k).")
    return pred


def reliability_diagram(y_true, prob, ax=None, n_bins=10, strategy="uniform", label=None, color=None,
                        show_ece=True):
    """Draw a reliability diagram: observed frequency against predicted probability, per bin.

    One marker per non-empty bin of :func:`companion.metrics.calibration.reliability_curve`, at
    (mean confidence, observed frequency or accuracy), joined by a line, with marker
    area growing with the bin's share of the samples. The dotted diagonal is perfect
    calibration. What a point off the diagonal means depends on the mode:

    * **top-label** (``prob`` of shape (n, k)): the confidence is the probability of
      the predicted class, so a point below the diagonal is over-confident and a
      point above it under-confident;
    * **binary** (``prob`` of shape (n,), the probability of class 1): a point below
      the diagonal means class 1 happens less often than forecast. At a forecast above
      1/2 that is over-confidence, at a forecast below 1/2 it is *under*-confidence
      (the forecast should be nearer 0). A curve steeper than the diagonal (through
      (1/2, 1/2)) is under-confident, a flatter one over-confident, and a curve
      shifted below the diagonal everywhere forecasts class 1 too often.

    Call it several times on one Axes to overlay models (colours follow `PALETTE`).

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Labels: 0/1 (binary) or ``0..k-1`` (multi-class).
    prob : array_like of shape (n,) or (n, k)
        Probability of class 1 (binary), or one probability per class (top-label).
    ax : Axes, default=None
        Where to draw; ``None`` creates a figure.
    n_bins : int, default=10
    strategy : {"uniform", "quantile"}, default="uniform"
        Passed to :func:`companion.metrics.calibration.reliability_curve`.
    label : str, default=None
        Legend label; the expected calibration error over the same bins is appended
        (``"BCE (ECE 0.031)"``) unless ``show_ece`` is false.
    color : colour, default=None
        By default the next colour of `PALETTE` on this Axes.
    show_ece : bool, default=True
        Append the ECE to the label. Turn it off when one run's ECE should not be
        quoted (a figure of a single seed).

    Returns
    -------
    ax : Axes
        Square limits [0, 1] x [0, 1], the diagonal drawn once, axis labels set
        unless the Axes already had them.

    Raises
    ------
    ValueError
        As :func:`companion.metrics.calibration.reliability_curve`.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from companion import plotting
    >>> ax = plotting.reliability_diagram([0, 0, 1, 1], [0.1, 0.2, 0.6, 0.9], n_bins=2, label="toy")
    >>> [line.get_label() for line in ax.lines]
    ['perfect calibration', 'toy (ECE 0.200)']
    """
    from .metrics import expected_calibration_error, reliability_curve

    curve = reliability_curve(y_true, prob, n_bins=n_bins, strategy=strategy)
    ece = expected_calibration_error(y_true, prob, n_bins=n_bins, strategy=strategy)
    shape = np.shape(prob)
    binary = len(shape) == 1 or (len(shape) == 2 and shape[1] == 1)

    import matplotlib.pyplot as plt

    with style():
        if ax is None:
            _, ax = plt.subplots()
        drawn = [line for line in ax.lines if line.get_gid() == "reliability"]
        if not any(line.get_gid() == "reliability_diagonal" for line in ax.lines):
            ax.plot([0, 1], [0, 1], ls=":", color="0.5", lw=1.2, label="perfect calibration",
                    gid="reliability_diagonal")
        colour = color if color is not None else PALETTE[len(drawn) % len(PALETTE)]
        if not show_ece:
            text = label
        else:
            text = f"ECE {ece:.3f}" if label is None else f"{label} (ECE {ece:.3f})"
        ax.plot(curve.confidence, curve.accuracy, color=colour, marker=None, label=text, gid="reliability")
        share = curve.count / curve.count.sum()
        ax.scatter(curve.confidence, curve.accuracy, s=15 + 300 * share, color=colour, zorder=3,
                   edgecolor="white", linewidth=0.5)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        if not ax.get_xlabel():
            ax.set_xlabel("predicted probability of class 1" if binary else "confidence (top-label probability)")
        if not ax.get_ylabel():
            ax.set_ylabel("observed frequency of class 1" if binary else "accuracy")
        ax.legend(loc="upper left")
    return ax


__all__.append("reliability_diagram")
