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


def flip_labels(y, fraction, seed=0, kind="symmetric", to=None):
    """Flip a fraction of class labels to another class: symmetric or class-dependent label noise.

    With ``kind="symmetric"`` (the default), exactly ``round(fraction * n)`` labels,
    chosen without replacement, are changed: 0/1 labels become ``1 - y``, -1/+1 labels
    become ``-y``, and integer labels of ``k > 2`` classes (``0..k-1``,
    ``k = max(y) + 1``) move to one of the other ``k - 1`` classes, drawn uniformly.

    With ``kind="pairwise"`` the noise depends on the class, as when annotators confuse
    similar classes: within every class ``c``, exactly ``round(fraction * n_c)`` of its
    ``n_c`` labels, chosen without replacement, become the one class ``to[c]``
    (by default ``(c + 1) % k``, the "pair flipping" of Han et al. 2018). The noise
    transition matrix then has ``1 - fraction`` on its diagonal and ``fraction`` at
    ``(c, to[c])``; at ``fraction >= 0.5`` the flipped class outnumbers the true one
    and no loss can recover it. Integer labels ``0..k-1`` only (0/1 included).

    Flip the training labels only and score on clean test labels to measure how a
    loss copes with mislabelled points.

    Parameters
    ----------
    y : array_like of shape (n,)
        Class labels: 0/1, -1/+1, or integers ``0..k-1``.
    fraction : float
        Fraction of the labels to flip, in [0, 1].
    seed : int, default=0
        Seeds which labels are flipped (and, for ``k > 2``, their new classes), so the
        same call gives the same noisy labels.
    kind : {"symmetric", "pairwise"}, default="symmetric"
        Symmetric noise (any other class, uniformly) or class-dependent noise (class
        ``c`` always flips to ``to[c]``, the same fraction in every class).
    to : sequence of int of length k, or dict of int to int, optional
        ``kind="pairwise"`` only: the class each class flips to, ``to[c] != c``, in
        ``0..k-1``. A dict needs an entry for every class present in ``y``.
        Defaults to ``(c + 1) % k``.

    Returns
    -------
    y_noisy : ndarray of shape (n,)
        A copy of ``y``, same dtype, with ``round(fraction * n)`` entries changed
        (symmetric), or ``round(fraction * n_c)`` entries of each class ``c``
        (pairwise).

    Raises
    ------
    ValueError
        If ``y`` is not one-dimensional, is empty, holds values that are not class
        labels (non-integers, negative integers other than -1/+1 labels, NaN), or if
        ``fraction`` lies outside [0, 1] or ``seed`` is not an integer; if ``kind`` is
        unknown, ``to`` is given with symmetric noise, pairwise noise gets -1/+1
        labels, or ``to`` misses a class, maps a class to itself or out of
        ``0..k-1``.

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

    Pairwise noise: a quarter of each class moves to the next class.

    >>> y = np.repeat([0, 1, 2], 4)
    >>> flip_labels(y, 0.25, seed=0, kind="pairwise").reshape(3, 4)
    array([[0, 0, 0, 1],
           [1, 1, 2, 1],
           [2, 2, 0, 2]])
    >>> np.bincount(flip_labels(y, 0.5, kind="pairwise", to={0: 2, 1: 0, 2: 0})).tolist()
    [6, 2, 4]
    """
    if kind not in ("symmetric", "pairwise"):
        raise ValueError(f"kind must be 'symmetric' or 'pairwise', got {kind!r}")
    if to is not None and kind != "pairwise":
        raise ValueError("to= sets the target class of pairwise noise; pass kind='pairwise' with it")
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
        label_kind = "01"
    elif present <= {-1.0, 1.0}:
        label_kind = "pm1"
    elif min(present) >= 0:
        label_kind = "multiclass"
    else:
        raise ValueError(f"labels must be 0/1, -1/+1 or 0..k-1; got values {sorted(present)[:5]}")
    if kind == "pairwise":
        return _flip_pairwise(y, values, float(fraction), seed, to, label_kind)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(y.size, size=int(round(float(fraction) * y.size)), replace=False)
    noisy = y.copy()
    if label_kind == "01":
        noisy[chosen] = 1 - y[chosen]
    elif label_kind == "pm1":
        noisy[chosen] = -y[chosen]
    else:
        k = int(values.max()) + 1
        shift = rng.integers(1, k, size=chosen.size)  # 1..k-1: never the label itself
        noisy[chosen] = ((y[chosen].astype("int64") + shift) % k).astype(y.dtype)
    return noisy


def _flip_pairwise(y, values, fraction, seed, to, label_kind):
    """Class-dependent noise for :func:`flip_labels`: ``round(fraction * n_c)`` labels of class c become to[c]."""
    if label_kind == "pm1":
        raise ValueError("pairwise noise needs integer labels 0..k-1; map -1/+1 labels to 0/1 first")
    classes = np.unique(values).astype("int64")
    k = int(classes.max()) + 1
    if to is None:
        target = {int(c): (int(c) + 1) % k for c in classes}
    elif isinstance(to, dict):
        missing = [int(c) for c in classes if int(c) not in to]
        if missing:
            raise ValueError(f"to has no target class for class(es) {missing}")
        target = {int(c): to[int(c)] for c in classes}
    else:
        to = list(np.asarray(to).reshape(-1)) if np.ndim(to) == 1 else None
        if to is None or len(to) != k:
            raise ValueError(f"to must be a dict or a sequence of {k} target classes (one per class 0..{k - 1})")
        target = {int(c): to[int(c)] for c in classes}
    for c, t in target.items():
        if isinstance(t, (bool, np.bool_)) or not isinstance(t, (int, np.integer)) or not 0 <= t < k:
            raise ValueError(f"to[{c}] must be a class in 0..{k - 1}, got {t!r}")
        if t == c:
            raise ValueError(f"to[{c}] is {c} itself; a flipped label must change class")
    rng = np.random.default_rng(seed)
    noisy = y.copy()
    for c in classes:  # in class order, so the same seed gives the same flips
        members = np.flatnonzero(values == c)
        chosen = rng.choice(members, size=int(round(fraction * members.size)), replace=False)
        noisy[chosen] = np.asarray(target[int(c)]).astype(y.dtype)
    return noisy


def digits(test_size=0.5, calibration_size=0.0, random_state=0):
    """Load scikit-learn's bundled handwritten digits as a stratified, standardized split.

    ``sklearn.datasets.load_digits``: 1797 images of 8x8 pixels (64 features, grey
    levels 0..16), ten classes. Nothing is downloaded. The rows are split with
    ``train_test_split(..., stratify=y, random_state=random_state)``, so every part
    keeps the class proportions, and every feature is standardized with the mean and
    standard deviation of the *training* part (a pixel that is constant there keeps
    scale 1).

    Parameters
    ----------
    test_size : float, default=0.5
        Fraction of all rows held out as the test set, in (0, 1).
    calibration_size : float, default=0.0
        Fraction of all rows held out, from the non-test rows, as a calibration set
        for post-hoc fixes such as temperature scaling. 0 gives no calibration set.
    random_state : int, default=0
        Seeds both stratified splits, so the same call gives the same split.

    Returns
    -------
    split : Split
        ``task`` is ``"multiclass"``, labels are integers ``0..9``, features float32.
    calibration : tuple of (X_cal, y_cal)
        Only when ``calibration_size > 0``; then ``(split, (X_cal, y_cal))`` is
        returned, ``X_cal`` standardized with the training statistics.

    Raises
    ------
    ValueError
        If ``test_size`` or ``calibration_size`` is out of range or they leave no
        training rows.

    Examples
    --------
    >>> from companion.datasets import digits
    >>> split = digits()
    >>> split.X_train.shape, split.X_test.shape, split.n_classes
    ((898, 64), (899, 64), 10)
    >>> split, (X_cal, y_cal) = digits(test_size=0.4, calibration_size=0.2)
    >>> len(split.y_train), len(y_cal), len(split.y_test)
    (718, 360, 719)
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    for name, value in (("test_size", test_size), ("calibration_size", calibration_size)):
        if isinstance(value, bool) or not np.isscalar(value) or not 0.0 <= float(value) < 1.0:
            raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
    if float(test_size) <= 0.0:
        raise ValueError(f"test_size must be positive, got {test_size!r}")
    if float(test_size) + float(calibration_size) >= 0.95:
        raise ValueError(
            f"test_size + calibration_size must leave training rows, got {test_size} + {calibration_size}"
        )
    X, y = load_digits(return_X_y=True)
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=float(test_size), stratify=y, random_state=random_state
    )
    X_cal = y_cal = None
    if calibration_size > 0:
        X_rest, X_cal, y_rest, y_cal = train_test_split(
            X_rest, y_rest, test_size=float(calibration_size) / (1.0 - float(test_size)), stratify=y_rest,
            random_state=random_state,
        )
    mean, std = X_rest.mean(axis=0), X_rest.std(axis=0)
    std = np.where(std > 0, std, 1.0)

    def scale(A):
        return ((A - mean) / std).astype("float32")

    split = Split(scale(X_rest), y_rest.astype("int64"), scale(X_test), y_test.astype("int64"),
                  task="multiclass", name="digits")
    if X_cal is None:
        return split
    return split, (scale(X_cal), y_cal.astype("int64"))


IMBALANCED_SOURCES = ("breast_cancer", "classification")
"""The problems :func:`imbalanced` can build."""


def imbalanced(source="breast_cancer", ratio=10, n_majority=None, test_fraction=0.5, random_state=0):
    """Build a binary problem with a stated class imbalance, as a stratified, standardized split.

    The positive class (label 1) is the minority. Every majority sample is kept and
    ``n_minority = round(n_majority / ratio)`` minority samples are drawn, so the
    majority:minority ratio is ``ratio`` up to that rounding. The samples are then
    split into train and test sets with the same class proportions (scikit-learn's
    ``train_test_split(stratify=y)``), and every feature is standardized with the
    *training* set's mean and standard deviation only.

    - ``"breast_cancer"``: scikit-learn's bundled Wisconsin breast cancer data
      (569 samples, 30 features). Malignant tumours (212, scikit-learn's class 0)
      become the positive class, subsampled; the 357 benign tumours are the
      majority (label 0).
    - ``"classification"``: ``make_classification`` with 20 features (4 informative,
      2 redundant), two clusters per class, ``class_sep=1.5`` and no label noise
      (``flip_y=0``).

    Parameters
    ----------
    source : {"breast_cancer", "classification"}, default="breast_cancer"
    ratio : float, default=10
        Majority samples per minority sample, ``>= 1``.
    n_majority : int, optional
        Number of majority (label 0) samples: at most, and by default, 357 for
        ``"breast_cancer"``; 1000 by default for ``"classification"``.
    test_fraction : float, default=0.5
        Fraction of the samples held out for testing, in (0, 1).
    random_state : int, default=0
        Seeds which minority samples are kept, the generator of ``"classification"``
        and the split, so the same call gives the same split.

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_train, n_features), ``y_train`` of shape (n_train,)
        with int64 labels in {0, 1}; the same for the test set. ``task`` is
        ``"binary"``; ``name`` states the problem and the ratio, e.g.
        ``"breast cancer 1:10"``.

    Raises
    ------
    ValueError
        For an unknown ``source``, a ``ratio`` below 1 or not finite, a
        ``test_fraction`` outside (0, 1), more majority samples than the data hold,
        more minority samples than the data hold (a ratio too small for breast
        cancer's 212 malignant tumours), or fewer than two minority samples in the
        train or the test set.

    Examples
    --------
    >>> from companion.datasets import imbalanced
    >>> split = imbalanced("breast_cancer", ratio=10)
    >>> split.name, split.X_train.shape
    ('breast cancer 1:10', (196, 30))
    >>> int(split.y_train.sum()), int(split.y_test.sum())  # 36 malignant of 393, stratified
    (18, 18)
    """
    if source not in IMBALANCED_SOURCES:
        raise ValueError(f"source must be one of {IMBALANCED_SOURCES}, got {source!r}")
    if isinstance(ratio, bool) or not isinstance(ratio, (int, float, np.integer, np.floating)) \
            or not np.isfinite(ratio) or ratio < 1:
        raise ValueError(f"ratio (majority samples per minority sample) must be a finite number >= 1, got {ratio!r}")
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, (int, float, np.floating)) \
            or not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie in (0, 1), got {test_fraction!r}")
    available = 357 if source == "breast_cancer" else None
    if n_majority is None:
        n_majority = 357 if source == "breast_cancer" else 1000
    if isinstance(n_majority, bool) or not isinstance(n_majority, (int, np.integer)) or n_majority < 1:
        raise ValueError(f"n_majority must be a positive integer, got {n_majority!r}")
    if available is not None and n_majority > available:
        raise ValueError(f"n_majority={n_majority} exceeds the {available} benign tumours of breast_cancer")
    n_majority = int(n_majority)
    n_minority = int(round(n_majority / float(ratio)))
    rng = np.random.default_rng(random_state)
    if source == "breast_cancer":
        from sklearn.datasets import load_breast_cancer

        data = load_breast_cancer()
        X_all, positive = data.data, data.target == 0  # malignant is scikit-learn's class 0
        if n_minority > positive.sum():
            raise ValueError(f"ratio={ratio!r} needs {n_minority} malignant tumours, but breast_cancer has "
                             f"{int(positive.sum())}: the ratio must be at least {n_majority / positive.sum():.2f}")
        pos = np.flatnonzero(positive)
        neg = np.flatnonzero(~positive)
        keep_neg = np.sort(rng.choice(neg, size=n_majority, replace=False))
        keep_pos = np.sort(rng.choice(pos, size=n_minority, replace=False))
        X = np.concatenate([X_all[keep_neg], X_all[keep_pos]])
        label = "breast cancer"
    else:
        from sklearn.datasets import make_classification

        # Twice the samples needed, in the target proportions: make_classification rounds
        # the class sizes per cluster, so each class then holds at least the count kept.
        total = 2 * (n_majority + n_minority)
        X_all, y_all = make_classification(
            n_samples=total, n_features=20, n_informative=4, n_redundant=2, n_clusters_per_class=2, class_sep=1.5,
            weights=[n_majority / (n_majority + n_minority), n_minority / (n_majority + n_minority)],
            flip_y=0.0, random_state=random_state)
        keep_neg = np.flatnonzero(y_all == 0)[:n_majority]
        keep_pos = np.flatnonzero(y_all == 1)[:n_minority]
        X = np.concatenate([X_all[keep_neg], X_all[keep_pos]])
        label = "make_classification"
    y = np.concatenate([np.zeros(n_majority, dtype="int64"), np.ones(n_minority, dtype="int64")])
    from sklearn.model_selection import train_test_split

    if n_minority >= 4:
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_fraction, stratify=y,
                                                            random_state=random_state)
    if n_minority < 4 or min(y_train.sum(), y_test.sum()) < 2:
        raise ValueError(f"ratio={ratio!r} with n_majority={n_majority} and test_fraction={test_fraction!r} leaves "
                         f"{n_minority} minority samples; the train and the test set need at least 2 each")
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return Split(((X_train - mean) / std).astype("float32"), y_train, ((X_test - mean) / std).astype("float32"),
                 y_test, task="binary", name=f"{label} 1:{float(ratio):g}")


# --- Regression problems for predicted variances and intervals (uncertainty chapter).

def diabetes(test_size=0.5, random_state=0):
    """Load scikit-learn's bundled diabetes data as a standardized regression split.

    ``sklearn.datasets.load_diabetes``: 442 patients, ten baseline measurements (age,
    sex, body-mass index, blood pressure and six blood serum values) and a measure of
    disease progression one year later. Nothing is downloaded. The rows are split with
    ``train_test_split(..., random_state=random_state)``; the features and the target
    are then standardized with the mean and standard deviation of the *training* part,
    so the test set is scaled by statistics the model could have known.

    Parameters
    ----------
    test_size : float, default=0.5
        Fraction of the rows held out as the test set, in (0, 1).
    random_state : int, default=0
        Seeds the split, so the same call gives the same split.

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_train, 10), ``y_train`` of shape (n_train,), the same
        for the test set, float32; ``task`` is ``"regression"``, ``name`` ``"diabetes"``.
        A target of 0 is the training mean and 1 one training standard deviation
        (about 77 units of the original scale) above it.

    Raises
    ------
    ValueError
        If ``test_size`` is not a number in (0, 1) or leaves fewer than 10 rows on
        either side.

    Examples
    --------
    >>> from companion.datasets import diabetes
    >>> split = diabetes()
    >>> split.X_train.shape, split.y_test.shape
    ((221, 10), (221,))
    >>> abs(float(split.y_train.mean())) < 1e-6, round(float(split.y_train.std()), 6)
    (True, 1.0)
    """
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    if (isinstance(test_size, bool) or not isinstance(test_size, (int, float, np.integer, np.floating))
            or not 0.0 < float(test_size) < 1.0):
        raise ValueError(f"test_size must be a number in (0, 1), got {test_size!r}")
    X, y = load_diabetes(return_X_y=True)
    n_test = int(np.ceil(float(test_size) * len(y)))
    if min(n_test, len(y) - n_test) < 10:
        raise ValueError(f"test_size={test_size} leaves fewer than 10 rows in the train or test set")
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=float(test_size),
                                                        random_state=random_state)
    x_mean, x_sd = X_train.mean(axis=0), X_train.std(axis=0)
    y_mean, y_sd = y_train.mean(), y_train.std()

    def scale_x(values):
        return ((values - x_mean) / x_sd).astype("float32")

    def scale_y(values):
        return ((values - y_mean) / y_sd).astype("float32")

    return Split(scale_x(X_train), scale_y(y_train), scale_x(X_test), scale_y(y_test), task="regression",
                 name="diabetes")


HETEROSCEDASTIC_RANGE = (-2.0, 2.0)
"""The interval the inputs of :func:`heteroscedastic` are drawn from, uniformly."""


def _heteroscedastic_x(X):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 1:
        raise ValueError(f"X must have shape (n, 1), one input per sample, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values")
    return X[:, 0]


def heteroscedastic_truth(X):
    """Return the true conditional mean and standard deviation of :func:`heteroscedastic`'s targets.

    Formula::

        mean(x) = sin(2 x)
        sd(x) = 0.1 + 0.2 * (x + 2)

    so the noise grows tenfold, from 0.1 at ``x = -2`` to 0.9 at ``x = 2``. The
    formulas hold for any ``x``; the data cover [-2, 2].

    Parameters
    ----------
    X : array_like of shape (n, 1)
        Inputs.

    Returns
    -------
    mean, sd : ndarray of shape (n,)
        The target given ``x`` is ``N(mean, sd ** 2)``.

    Examples
    --------
    >>> from companion.datasets import heteroscedastic_truth
    >>> mean, sd = heteroscedastic_truth([[-2.0], [0.0], [2.0]])
    >>> mean.round(3).tolist(), sd.round(3).tolist()
    ([0.757, 0.0, -0.757], [0.1, 0.5, 0.9])
    """
    x = _heteroscedastic_x(X)
    return np.sin(2.0 * x), 0.1 + 0.2 * (x + 2.0)


def heteroscedastic_quantiles(X, quantiles):
    """Return the true conditional quantiles of :func:`heteroscedastic`'s targets.

    Formula::

        quantile(x, tau) = mean(x) + sd(x) * Phi^-1(tau)

    with ``mean`` and ``sd`` from :func:`heteroscedastic_truth` and ``Phi^-1`` the
    standard normal quantile function. No model can have a lower expected pinball loss.

    Parameters
    ----------
    X : array_like of shape (n, 1)
        Inputs.
    quantiles : float or array_like of shape (k,)
        Levels, strictly between 0 and 1.

    Returns
    -------
    q : ndarray of shape (n, k)
        One column per level (``k = 1`` for a single level).

    Raises
    ------
    ValueError
        For ``X`` not of shape (n, 1) or a level outside (0, 1).

    Examples
    --------
    >>> from companion.datasets import heteroscedastic_quantiles
    >>> heteroscedastic_quantiles([[0.0]], [0.05, 0.5, 0.95]).round(3)
    array([[-0.822,  0.   ,  0.822]])
    """
    from scipy.stats import norm

    levels = np.atleast_1d(np.asarray(quantiles, dtype=np.float64))
    if levels.ndim != 1 or not np.all((levels > 0) & (levels < 1)):
        raise ValueError(f"quantiles must be levels strictly between 0 and 1, got {quantiles!r}")
    mean, sd = heteroscedastic_truth(X)
    return mean[:, None] + sd[:, None] * norm.ppf(levels)[None, :]


def heteroscedastic(n_samples=1000, n_train=500, random_state=0):
    """Generate a one-input regression problem whose noise grows with the input.

    ``x`` is uniform on [-2, 2] and ``y`` is Gaussian around ``sin(2 x)`` with a
    standard deviation rising linearly from 0.1 to 0.9 (:func:`heteroscedastic_truth`
    gives both, :func:`heteroscedastic_quantiles` the true quantiles), so a single
    noise level fits nowhere and the true intervals are known exactly.

    Parameters
    ----------
    n_samples : int, default=1000
        Total number of samples.
    n_train : int, default=500
        The first ``n_train`` samples form the training set, the rest the test set.
    random_state : int, default=0
        Determines the inputs and the noise. Pass an int for reproducible output
        across multiple function calls.

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_train, 1), ``y_train`` of shape (n_train,), the same
        for the test set, float32; ``task`` is ``"regression"``, ``name``
        ``"heteroscedastic"``.

    Raises
    ------
    ValueError
        If ``n_train`` does not leave at least one sample on each side.

    Examples
    --------
    >>> from companion.datasets import heteroscedastic
    >>> split = heteroscedastic()
    >>> split.X_train.shape, split.y_test.shape
    ((500, 1), (500,))
    """
    if int(n_samples) != n_samples or not 0 < int(n_train) < int(n_samples):
        raise ValueError(f"n_train must be between 1 and n_samples - 1, got {n_train} of {n_samples}")
    rng = np.random.default_rng(random_state)
    X = rng.uniform(*HETEROSCEDASTIC_RANGE, size=(int(n_samples), 1))
    mean, sd = heteroscedastic_truth(X)
    y = mean + sd * rng.standard_normal(int(n_samples))
    X, y = X.astype("float32"), y.astype("float32")
    return _first_half(X, y, "regression", "heteroscedastic", int(n_train))
