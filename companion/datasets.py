"""The seed tutorial's three problems, and your own data, as a named train/test split.

The loss-selection tutorial (seed ``002``) uses three scikit-learn generators with
fixed ``random_state`` values and trains on the first 500 of 1000 samples. The data
are therefore the same in every run; what varies between seeds is the model's
initial weights and the order of the mini-batches.

Labels are stored in one canonical form per task (float targets, 0/1 labels, integer
classes); :func:`encode_labels` converts them to the form a loss expects.
"""

from dataclasses import dataclass

import numpy as np

TASKS = ("regression", "binary", "multiclass")
LABEL_FORMATS = ("float", "01", "pm1", "onehot", "integer")


@dataclass(frozen=True)
class Split:
    """A named train/test split.

    Attributes
    ----------
    X_train : ndarray of shape (n_train, n_features)
    y_train : ndarray of shape (n_train,) or (n_train, k)
        Targets in canonical form: floats for regression, 0/1 for binary,
        integers ``0..n_classes-1`` for multi-class problems. Encoded labels
        (one-hot, see :func:`encode_labels`) have one column per class.
    X_test : ndarray of shape (n_test, n_features)
    y_test : ndarray of shape (n_test,)
    task : {"regression", "binary", "multiclass"}
    name : str
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str
    name: str = "data"

    def __post_init__(self):
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {self.task!r}")
        for part, X, y in (("train", self.X_train, self.y_train), ("test", self.X_test, self.y_test)):
            if X.ndim != 2 or y.ndim not in (1, 2) or len(X) != len(y):
                raise ValueError(
                    f"{part} split needs X of shape (n, n_features) and y of shape (n,) or (n, k), "
                    f"got X {X.shape} and y {y.shape}"
                )
            if len(X) == 0:
                raise ValueError(f"{part} split is empty")
        if self.X_train.shape[1] != self.X_test.shape[1]:
            raise ValueError(
                f"train and test have different feature counts: {self.X_train.shape[1]} vs {self.X_test.shape[1]}"
            )

    @property
    def n_features(self):
        """Number of input features."""
        return self.X_train.shape[1]

    @property
    def n_classes(self):
        """Number of classes (2 for binary), or ``None`` for regression."""
        if self.task == "regression":
            return None
        if self.y_train.ndim == 2:
            return self.y_train.shape[1]
        return int(max(self.y_train.max(), self.y_test.max())) + 1


def _first_half(X, y, task, name, n_train):
    return Split(X[:n_train], y[:n_train], X[n_train:], y[n_train:], task=task, name=name)


def regression(n_samples=1000, n_train=500):
    """Load the seed's regression problem, standardized, as a 500/500 split.

    ``make_regression(n_samples=1000, n_features=20, noise=0.1, random_state=1)``,
    with both ``X`` and ``y`` standardized over all samples, as in seed ``002``.

    Parameters
    ----------
    n_samples : int, default=1000
        Total number of samples generated.
    n_train : int, default=500
        The first ``n_train`` samples form the training set, the rest the test set.

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_train, 20), ``y_train`` of shape (n_train,), and the
        same for the test set. ``task`` is ``"regression"``.

    Examples
    --------
    >>> from companion.datasets import regression
    >>> split = regression()
    >>> split.X_train.shape, split.y_test.shape
    ((500, 20), (500,))
    """
    from sklearn.datasets import make_regression
    from sklearn.preprocessing import StandardScaler

    X, y = make_regression(n_samples=n_samples, n_features=20, noise=0.1, random_state=1)
    X = StandardScaler().fit_transform(X)
    y = StandardScaler().fit_transform(y.reshape(-1, 1))[:, 0]
    return _first_half(X.astype("float32"), y.astype("float32"), "regression", "regression", n_train)


def circles(n_samples=1000, n_train=500):
    """Load the seed's two-circles problem as a 500/500 split with 0/1 labels.

    ``make_circles(n_samples=1000, noise=0.1, random_state=1)``, as in seed ``002``.
    Use :func:`encode_labels` with ``"pm1"`` for hinge-type losses.

    Parameters
    ----------
    n_samples : int, default=1000
        Total number of samples generated.
    n_train : int, default=500
        The first ``n_train`` samples form the training set, the rest the test set.

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_train, 2) and ``y_train`` of shape (n_train,) with
        values in {0, 1}; the same for the test set. ``task`` is ``"binary"``.

    Examples
    --------
    >>> from companion.datasets import circles
    >>> split = circles()
    >>> split.X_train.shape, sorted(set(split.y_train.tolist()))
    ((500, 2), [0, 1])
    """
    from sklearn.datasets import make_circles

    X, y = make_circles(n_samples=n_samples, noise=0.1, random_state=1)
    return _first_half(X.astype("float32"), y.astype("int64"), "binary", "circles", n_train)


def blobs(n_samples=1000, n_train=500):
    """Load the seed's three-blobs problem as a 500/500 split with integer labels.

    ``make_blobs(n_samples=1000, centers=3, n_features=2, cluster_std=2,
    random_state=2)``, as in seed ``002``. Use :func:`encode_labels` with
    ``"onehot"`` for categorical cross-entropy and KL divergence.

    Parameters
    ----------
    n_samples : int, default=1000
        Total number of samples generated.
    n_train : int, default=500
        The first ``n_train`` samples form the training set, the rest the test set.

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_train, 2) and ``y_train`` of shape (n_train,) with
        values in {0, 1, 2}; the same for the test set. ``task`` is ``"multiclass"``.

    Examples
    --------
    >>> from companion.datasets import blobs
    >>> split = blobs()
    >>> split.n_classes
    3
    """
    from sklearn.datasets import make_blobs

    X, y = make_blobs(n_samples=n_samples, centers=3, n_features=2, cluster_std=2, random_state=2)
    return _first_half(X.astype("float32"), y.astype("int64"), "multiclass", "blobs", n_train)


def blob_centers():
    """Return the class centres of the three-blobs problem (:func:`blobs`).

    ``make_blobs`` draws the three centres uniformly from the box [-10, 10]^2 with
    ``random_state=2`` and then each class as ``N(centre, 2**2 I)``; :func:`blobs`
    uses the points as drawn (no standardisation). With the centres and
    ``cluster_std=2``, :func:`companion.metrics.gaussian_posterior` gives the true
    class probabilities and :func:`companion.metrics.gaussian_bayes_accuracy` the
    best accuracy any model can reach.

    Returns
    -------
    centers : ndarray of shape (3, 2)
        Row ``k`` is the centre of class ``k``.

    Examples
    --------
    >>> from companion.datasets import blob_centers
    >>> blob_centers().round(2)
    array([[-1.28, -9.48],
           [ 0.99, -1.29],
           [-1.59, -3.39]])
    """
    from sklearn.datasets import make_blobs

    _, _, centers = make_blobs(n_samples=1000, centers=3, n_features=2, cluster_std=2, random_state=2,
                               return_centers=True)
    return centers


def encode_labels(y, fmt, n_classes=None):
    """Convert canonical labels to the form a loss expects.

    Parameters
    ----------
    y : array-like of shape (n,)
        Canonical labels: floats (regression), 0/1 (binary) or integers
        ``0..n_classes-1`` (multi-class).
    fmt : {"float", "01", "pm1", "onehot", "integer"}
        ``"pm1"`` maps 0/1 to -1/+1 (hinge losses); ``"onehot"`` gives one column
        per class (categorical cross-entropy, KL divergence); the others return
        ``y`` unchanged as float32 or int64.
    n_classes : int, optional
        Number of columns for ``"onehot"``; defaults to ``max(y) + 1``.

    Returns
    -------
    y_encoded : ndarray of shape (n,) or (n, n_classes)

    Examples
    --------
    >>> from companion.datasets import encode_labels
    >>> encode_labels([0, 1, 1], "pm1")
    array([-1.,  1.,  1.], dtype=float32)
    >>> encode_labels([0, 2], "onehot", n_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    if fmt not in LABEL_FORMATS:
        raise ValueError(f"label format must be one of {LABEL_FORMATS}, got {fmt!r}")
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"labels must have shape (n,), got {y.shape}")
    if fmt == "float":
        return y.astype("float32")
    if np.any(y < 0) or np.any(y != np.round(y)):
        raise ValueError("class labels must be non-negative integers")
    y = y.astype("int64")
    if fmt == "01":
        if np.any(y > 1):
            raise ValueError(f"'01' labels must be 0 or 1, got values up to {y.max()}")
        return y.astype("float32")
    if fmt == "pm1":
        if np.any(y > 1):
            raise ValueError(f"'pm1' encoding needs 0/1 labels, got values up to {y.max()}")
        return (2 * y - 1).astype("float32")
    if fmt == "integer":
        return y
    k = int(y.max()) + 1 if n_classes is None else int(n_classes)
    if y.max() >= k:
        raise ValueError(f"label {y.max()} is out of range for n_classes={k}")
    return np.eye(k, dtype="float32")[y]


def from_csv(path, target, task=None, n_train=None, test_fraction=0.5, random_state=0):
    """Load a CSV file as a standardized train/test split.

    Parameters
    ----------
    path : str or path-like
        A CSV file with a header row. Every column except ``target`` is a feature
        and must be numeric.
    target : str
        Name of the target column.
    task : {"regression", "binary", "multiclass"}, optional
        Inferred when omitted: a target of integers (or strings) with at most 20
        distinct values is a classification target (binary with 2 classes),
        anything else is regression.
    n_train : int, optional
        Size of the training set; by default ``1 - test_fraction`` of the rows.
    test_fraction : float, default=0.5
        Fraction of the rows held out for testing when ``n_train`` is not given.
    random_state : int, default=0
        Seeds the shuffle that precedes the split, so the split is reproducible.

    Returns
    -------
    split : Split
        Features standardized with the training set's mean and standard deviation;
        regression targets standardized the same way; class labels mapped to
        ``0..n_classes-1`` in sorted order.

    Raises
    ------
    ValueError
        If the file or the target column is missing, a feature is not numeric,
        values are missing, or a classification target has fewer than two classes.
    """
    import os

    import pandas as pd

    if not os.path.isfile(path):
        raise ValueError(f"no such file: {path}")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise ValueError(f"cannot read {path} as CSV: {err}") from None
    if target not in frame.columns:
        raise ValueError(f"column {target!r} not in {path} (columns: {', '.join(map(str, frame.columns))})")
    features = frame.drop(columns=[target])
    if features.shape[1] == 0:
        raise ValueError(f"{path} has no feature columns besides {target!r}")
    bad = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if bad:
        raise ValueError(f"non-numeric feature column(s) in {path}: {', '.join(map(str, bad))}")
    if frame.isna().any().any():
        raise ValueError(f"{path} has missing values")
    y_raw = frame[target]
    if task is None:
        discrete = not pd.api.types.is_float_dtype(y_raw) or np.all(y_raw == np.round(y_raw))
        if not pd.api.types.is_numeric_dtype(y_raw) or (discrete and y_raw.nunique() <= 20):
            task = "binary" if y_raw.nunique() == 2 else "multiclass"
        else:
            task = "regression"
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    if task == "regression":
        if not pd.api.types.is_numeric_dtype(y_raw):
            raise ValueError(f"regression target {target!r} is not numeric")
        y = y_raw.to_numpy(dtype="float64")
    else:
        classes = np.unique(y_raw.to_numpy())
        if len(classes) < 2:
            raise ValueError(f"target {target!r} has fewer than two classes")
        if task == "binary" and len(classes) != 2:
            raise ValueError(f"binary task needs exactly two classes, {target!r} has {len(classes)}")
        y = np.searchsorted(classes, y_raw.to_numpy())
    X = features.to_numpy(dtype="float64")
    n = len(X)
    if n < 4:
        raise ValueError(f"{path} has {n} rows; at least 4 are needed for a train/test split")
    order = np.random.default_rng(random_state).permutation(n)
    X, y = X[order], y[order]
    if n_train is None:
        n_train = int(round(n * (1 - test_fraction)))
    n_train = min(max(n_train, 2), n - 2)
    mean, std = X[:n_train].mean(axis=0), X[:n_train].std(axis=0)
    X = (X - mean) / np.where(std > 0, std, 1.0)
    if task == "regression":
        y = (y - y[:n_train].mean()) / (y[:n_train].std() or 1.0)
        y = y.astype("float32")
    else:
        y = y.astype("int64")
    name = os.path.splitext(os.path.basename(path))[0]
    return _first_half(X.astype("float32"), y, task, name, n_train)


def contaminate(split, fraction, magnitude=10.0, random_state=0):
    """Corrupt a fraction of the *training* targets with large errors.

    The test set is left clean, so a model's test error measures how much the
    outliers pulled it away from the true relationship.

    Parameters
    ----------
    split : Split
        A regression split.
    fraction : float
        Fraction of training targets to corrupt, in [0, 1].
    magnitude : float, default=10.0
        Each corrupted target gets ``± magnitude`` added (random sign), in the
        units of ``y`` (standard deviations for the standardized seed problem).
    random_state : int, default=0
        Seeds which targets are corrupted and their signs, so the same call gives
        the same corrupted split.

    Returns
    -------
    split : Split
        A copy whose ``y_train`` has ``round(fraction * n_train)`` corrupted entries,
        named ``"<name>+<fraction:.0%> outliers"``.

    Examples
    --------
    >>> from companion.datasets import contaminate, regression
    >>> clean = regression()
    >>> dirty = contaminate(clean, 0.1)
    >>> int((dirty.y_train != clean.y_train).sum()), bool((dirty.y_test == clean.y_test).all())
    (50, True)
    """
    from dataclasses import replace

    if split.task != "regression":
        raise ValueError(f"contaminate needs a regression split, got a {split.task} split")
    if not 0.0 <= float(fraction) <= 1.0:
        raise ValueError(f"fraction must be in [0, 1], got {fraction}")
    rng = np.random.default_rng(random_state)
    n = len(split.y_train)
    chosen = rng.choice(n, size=int(round(float(fraction) * n)), replace=False)
    y = split.y_train.copy()
    y[chosen] += rng.choice([-1.0, 1.0], size=len(chosen)).astype(y.dtype) * np.asarray(magnitude, dtype=y.dtype)
    return replace(split, y_train=y, name=f"{split.name}+{float(fraction):.0%} outliers")


def flip_labels(y, fraction, seed=0):
    """Flip a fraction of class labels to another class: symmetric label noise.

    Exactly ``round(fraction * n)`` labels, chosen without replacement, are changed:
    0/1 labels become ``1 - y``, -1/+1 labels become ``-y``, and integer labels of
    ``k > 2`` classes (``0..k-1``, ``k = max(y) + 1``) move to one of the other
    ``k - 1`` classes, drawn uniformly. Flip the training labels only and score on
    clean test labels to measure how a loss copes with mislabelled points.

    Parameters
    ----------
    y : array_like of shape (n,)
        Class labels: 0/1, -1/+1, or integers ``0..k-1``.
    fraction : float
        Fraction of the labels to flip, in [0, 1].
    seed : int, default=0
        Seeds which labels are flipped (and, for ``k > 2``, their new classes), so the
        same call gives the same noisy labels.

    Returns
    -------
    y_noisy : ndarray of shape (n,)
        A copy of ``y``, same dtype, with ``round(fraction * n)`` entries changed.

    Raises
    ------
    ValueError
        If ``y`` is not one-dimensional, is empty, holds values that are not class
        labels (non-integers, negative integers other than -1/+1 labels, NaN), or if
        ``fraction`` lies outside [0, 1] or ``seed`` is not an integer.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.datasets import flip_labels
    >>> y = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 0])
    >>> noisy = flip_labels(y, 0.2, seed=0)
    >>> int((noisy != y).sum()), sorted(set(noisy.tolist()))
    (2, [0, 1])
    >>> flip_labels(np.array([-1.0, 1.0, 1.0, -1.0]), 1.0).tolist()
    [1.0, -1.0, -1.0, 1.0]
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"labels must have shape (n,), got {y.shape}; convert one-hot rows to integers first")
    if y.size == 0:
        raise ValueError("labels are empty; there is nothing to flip")
    if isinstance(fraction, bool) or not np.isscalar(fraction) or not 0.0 <= float(fraction) <= 1.0:
        raise ValueError(f"fraction must be a number in [0, 1], got {fraction!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    values = y.astype("float64")
    if not np.all(np.isfinite(values)) or np.any(values != np.round(values)):
        raise ValueError("labels must be integers (0/1, -1/+1 or 0..k-1); got a non-integer or NaN value")
    present = set(np.unique(values).tolist())
    if present <= {0.0, 1.0}:
        kind = "01"
    elif present <= {-1.0, 1.0}:
        kind = "pm1"
    elif min(present) >= 0:
        kind = "multiclass"
    else:
        raise ValueError(f"labels must be 0/1, -1/+1 or 0..k-1; got values {sorted(present)[:5]}")
    rng = np.random.default_rng(seed)
    chosen = rng.choice(y.size, size=int(round(float(fraction) * y.size)), replace=False)
    noisy = y.copy()
    if kind == "01":
        noisy[chosen] = 1 - y[chosen]
    elif kind == "pm1":
        noisy[chosen] = -y[chosen]
    else:
        k = int(values.max()) + 1
        shift = rng.integers(1, k, size=chosen.size)  # 1..k-1: never the label itself
        noisy[chosen] = ((y[chosen].astype("int64") + shift) % k).astype(y.dtype)
    return noisy
