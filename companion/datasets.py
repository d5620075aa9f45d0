"""The seed tutorial's three problems, and your own data, as a named train/test split.

The loss-selection tutorial (seed ``002``) uses three scikit-learn generators with
fixed ``random_state`` values and trains on the first 500 of 1000 samples. The data
are therefore the same in every run; what varies between seeds is the model's
initial weights and the order of the mini-batches. Every generator returns that
draw when called without ``seed``.

**Replicates.** ``seed=r`` (an integer) gives replicate ``r``: a new draw from the
same source. What defines the problem stays fixed (the regression's coefficients,
the blobs' centres, a bundled data set); the sample, the subsample and the split
are redrawn. :func:`streams` turns ``r`` into independent seeds, one per source of
randomness (data, split, label flips, and the trainer's weights and batch order),
so redrawing one never moves another.

Labels are stored in one canonical form per task (float targets, 0/1 labels, integer
classes); :func:`encode_labels` converts them to the form a loss expects.
"""

from collections import namedtuple
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

    Raises
    ------
    ValueError
        For an unknown task, an empty part, or arrays whose shapes do not fit together.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.datasets import Split
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    >>> split = Split(X[:3], np.array([0, 2, 1]), X[3:], np.array([1]), "multiclass", "tiny")
    >>> split.n_features, split.n_classes, split.X_test.shape
    (2, 3, (1, 2))
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


STREAMS = ("data", "split", "flips", "weights", "order")
"""The random streams of a replicate, in their fixed order (see :func:`streams`)."""

Streams = namedtuple("Streams", STREAMS)
Streams.__doc__ = """The integer seeds of one replicate's random streams (see :func:`streams`).

A named tuple of five ints, one per entry of ``STREAMS``, in that order.

Examples
--------
>>> from companion.datasets import Streams, streams
>>> s = streams(0)
>>> isinstance(s, Streams), s._fields
(True, ('data', 'split', 'flips', 'weights', 'order'))
>>> all(0 <= seed < 2**32 for seed in s)
True
"""


def _check_seed(seed, name="seed"):
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"{name} must be a non-negative integer (a replicate number), got {seed!r}")
    return int(seed)


def streams(seed):
    """Split a replicate's seed into independent seeds, one per source of randomness.

    Child ``i`` of ``numpy.random.SeedSequence(seed)`` (the sequence with
    ``spawn_key=(i,)``, what ``SeedSequence(seed).spawn(5)[i]`` returns) seeds stream
    ``STREAMS[i]``; its first 32-bit word of state is returned as an int, which
    NumPy (``np.random.default_rng``), scikit-learn (``random_state``) and Keras
    (:func:`companion.training.set_seed`) all accept. The order is fixed forever:

    ====  =========  ==========================================================
    i     stream     what it draws
    ====  =========  ==========================================================
    0     data       the sample: generated points and noise, a subsample
    1     split      the train/test (and calibration) split
    2     flips      which training labels :func:`flip_labels` flips
    3     weights    the model's initial weights (the trainer's)
    4     order      the mini-batch order (the trainer's)
    ====  =========  ==========================================================

    Each stream depends on ``seed`` and its own index only, so drawing more from
    one (a larger sample, more flips) never shifts another, and a stream added
    later (index 5, ...) leaves these unchanged. ``SeedSequence`` hashes the same
    way on every platform and in every process.

    Parameters
    ----------
    seed : int
        The replicate number, ``>= 0``.

    Returns
    -------
    streams : Streams
        A named tuple of five ints in ``[0, 2**32)``: ``data``, ``split``,
        ``flips``, ``weights``, ``order``.

    Raises
    ------
    ValueError
        If ``seed`` is not a non-negative integer.

    Examples
    --------
    >>> from companion.datasets import streams
    >>> s = streams(3)
    >>> s._fields
    ('data', 'split', 'flips', 'weights', 'order')
    >>> s == streams(3), s.data == streams(4).data, len(set(s))
    (True, False, 5)
    >>> import numpy as np
    >>> s.flips == int(np.random.SeedSequence(3, spawn_key=(2,)).generate_state(1)[0])
    True
    """
    seed = _check_seed(seed)
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return Streams(*(int(child.generate_state(1, dtype=np.uint32)[0]) for child in children))


def _resolve(seed, random_state, default=0):
    """The (random_state, streams) pair of a generator that takes both ``seed`` and ``random_state``."""
    if seed is None:
        return (default if random_state is None else random_state), None
    if random_state is not None:
        raise ValueError("pass either seed= (a replicate) or random_state= (a fixed draw), not both")
    return None, streams(seed)


def _first_half(X, y, task, name, n_train):
    return Split(X[:n_train], y[:n_train], X[n_train:], y[n_train:], task=task, name=name)


REGRESSION_NOISE = 0.1
"""Standard deviation of the noise in :func:`regression`'s targets (before standardization)."""


def regression_coef():
    """Return the true coefficients and bias of the regression problem (:func:`regression`).

    ``make_regression(n_samples=1000, n_features=20, noise=0.1, random_state=1,
    coef=True)``: ten of the twenty coefficients are non-zero (``n_informative=10``),
    drawn uniformly from [0, 100); the bias is 0. Every replicate of
    :func:`regression` draws its targets as ``X @ coef + bias + noise``.

    Returns
    -------
    coef : ndarray of shape (20,)
        The weight of each feature, on the unstandardized scale.
    bias : float
        The intercept, 0.0.

    Examples
    --------
    >>> from companion.datasets import regression_coef
    >>> coef, bias = regression_coef()
    >>> coef.shape, int((coef != 0).sum()), bias
    ((20,), 10, 0.0)
    """
    from sklearn.datasets import make_regression

    _, _, coef = make_regression(n_samples=1000, n_features=20, noise=REGRESSION_NOISE, random_state=1, coef=True)
    return coef, 0.0


def regression(n_samples=1000, n_train=500, seed=None):
    """Load the seed's regression problem, standardized, as a 500/500 split.

    ``make_regression(n_samples=1000, n_features=20, noise=0.1, random_state=1)``,
    with both ``X`` and ``y`` standardized over all samples, as in seed ``002``.

    A replicate (``seed=r``) keeps the true coefficients and bias
    (:func:`regression_coef`) and redraws everything else from
    ``streams(r).data``: ``X ~ N(0, I)`` (make_regression's inputs) and noise
    ``N(0, 0.1**2)``, ``y = X @ coef + bias + noise``. It is standardized with the
    *population* parameters of that fixed generator, not its own sample::

        X_std = X                                   # already mean 0, sd 1
        y_std = (y - bias) / sqrt(|coef|**2 + 0.1**2)

    so every replicate comes from one fixed distribution and its true coefficients
    on the standardized scale are ``coef / sqrt(|coef|**2 + 0.01)``, the same in
    every replicate. The seed's own draw (``seed=None``) is standardized by its
    sample's mean and sd, as seed ``002`` did; it is not replicate 0.

    Parameters
    ----------
    n_samples : int, default=1000
        Total number of samples generated.
    n_train : int, default=500
        The first ``n_train`` samples form the training set, the rest the test set.
    seed : int, optional
        Replicate number; ``None`` gives the seed tutorial's draw.

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_train, 20), ``y_train`` of shape (n_train,), and the
        same for the test set, float32. ``task`` is ``"regression"``.

    Examples
    --------
    >>> from companion.datasets import regression
    >>> split = regression()
    >>> split.X_train.shape, split.y_test.shape
    ((500, 20), (500,))
    >>> replicate = regression(seed=1)
    >>> replicate.X_train.shape, bool((replicate.X_train != split.X_train).any())
    ((500, 20), True)
    """
    if seed is not None:
        coef, bias = regression_coef()
        rng = np.random.default_rng(streams(seed).data)
        X = rng.standard_normal((int(n_samples), coef.size))
        y = X @ coef + bias + REGRESSION_NOISE * rng.standard_normal(int(n_samples))
        y = (y - bias) / np.sqrt(coef @ coef + REGRESSION_NOISE ** 2)
        return _first_half(X.astype("float32"), y.astype("float32"), "regression", "regression", n_train)
    from sklearn.datasets import make_regression
    from sklearn.preprocessing import StandardScaler

    X, y = make_regression(n_samples=n_samples, n_features=20, noise=REGRESSION_NOISE, random_state=1)
    X = StandardScaler().fit_transform(X)
    y = StandardScaler().fit_transform(y.reshape(-1, 1))[:, 0]
    return _first_half(X.astype("float32"), y.astype("float32"), "regression", "regression", n_train)


def circles(n_samples=1000, n_train=500, seed=None):
    """Load the seed's two-circles problem as a 500/500 split with 0/1 labels.

    ``make_circles(n_samples=1000, noise=0.1, random_state=1)``, as in seed ``002``.
    Use :func:`encode_labels` with ``"pm1"`` for hinge-type losses.

    A replicate (``seed=r``) keeps the geometry (radii 1 and 0.8, noise sd 0.1,
    half the points on each circle) and redraws the points and their noise:
    ``make_circles(n_samples, noise=0.1, random_state=streams(r).data)``.

    Parameters
    ----------
    n_samples : int, default=1000
        Total number of samples generated.
    n_train : int, default=500
        The first ``n_train`` samples form the training set, the rest the test set.
    seed : int, optional
        Replicate number; ``None`` gives the seed tutorial's draw.

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
    >>> circles(seed=4).X_test.shape
    (500, 2)
    """
    from sklearn.datasets import make_circles

    random_state = 1 if seed is None else streams(seed).data
    X, y = make_circles(n_samples=n_samples, noise=0.1, random_state=random_state)
    return _first_half(X.astype("float32"), y.astype("int64"), "binary", "circles", n_train)


def blobs(n_samples=1000, n_train=500, seed=None):
    """Load the seed's three-blobs problem as a 500/500 split with integer labels.

    ``make_blobs(n_samples=1000, centers=3, n_features=2, cluster_std=2,
    random_state=2)``, as in seed ``002``. Use :func:`encode_labels` with
    ``"onehot"`` for categorical cross-entropy and KL divergence.

    A replicate (``seed=r``) keeps the three centres (:func:`blob_centers`), the
    spread ``cluster_std=2`` and the class sizes, and redraws the points:
    ``make_blobs(n_samples, centers=blob_centers(), cluster_std=2,
    random_state=streams(r).data)``.

    Parameters
    ----------
    n_samples : int, default=1000
        Total number of samples generated.
    n_train : int, default=500
        The first ``n_train`` samples form the training set, the rest the test set.
    seed : int, optional
        Replicate number; ``None`` gives the seed tutorial's draw.

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
    >>> blobs(seed=2).X_train.shape
    (500, 2)
    """
    from sklearn.datasets import make_blobs

    if seed is None:
        X, y = make_blobs(n_samples=n_samples, centers=3, n_features=2, cluster_std=2, random_state=2)
    else:
        X, y = make_blobs(n_samples=n_samples, centers=blob_centers(), cluster_std=2,
                          random_state=streams(seed).data)
    return _first_half(X.astype("float32"), y.astype("int64"), "multiclass", "blobs", n_train)


def blob_centers():
    """Return the class centres of the three-blobs problem (:func:`blobs`).

    ``make_blobs`` draws the three centres uniformly from the box [-10, 10]^2 with
    ``random_state=2`` and then each class as ``N(centre, 2**2 I)``; :func:`blobs`
    uses the points as drawn (no standardisation). With the centres and
    ``cluster_std=2``, :func:`companion.metrics.classification.gaussian_posterior` gives the true
    class probabilities and :func:`companion.metrics.classification.gaussian_bayes_accuracy` the
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

    ``fmt="onehot"`` gives what ``keras.utils.to_categorical(y, n_classes)`` gives (tested equal), without
    importing Keras; the function adds the other formats of the book's losses (``"pm1"`` for the hinges)
    and one-line errors for labels outside ``0..n_classes-1``.

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


CSV_MIN_ROWS = 10
"""Fewest complete rows :func:`read_csv_table` accepts."""

CSV_FREE_TEXT = (20, 0.5)
"""A text feature with more than 20 distinct values, in more than half its filled cells, is free text."""


@dataclass(frozen=True, eq=False)
class CsvTable:
    """A CSV file's complete rows, checked and ready to split (see :func:`read_csv_table`).

    Attributes
    ----------
    features : pandas.DataFrame of shape (n, n_columns)
        The feature columns of the complete rows, as read (not yet encoded or scaled).
    y : ndarray of shape (n,)
        float64 targets (regression) or int64 class codes ``0..k-1``.
    task : {"regression", "binary", "multiclass"}
    name : str
        The file name without its extension.
    classes : tuple or None
        The original class values in sorted order (code ``i`` is ``classes[i]``);
        ``None`` for regression.
    numeric : tuple of str
        Numeric feature columns, standardized by :func:`csv_split`.
    categorical : tuple of str
        Text feature columns, one-hot encoded by :func:`csv_split`.
    categories : tuple of tuple of str
        The values of each categorical column in the complete rows, sorted: the
        one-hot columns, the same for every split.
    n_rows : int
        Data rows in the file.
    dropped_rows : int
        Rows dropped because a cell (target or feature) was missing.
    missing_cells : dict of str to int
        Missing cells per column, for the columns that have any.
    path : str
        The file read.

    Examples
    --------
    >>> import os, tempfile
    >>> from companion.datasets import CsvTable, read_csv_table
    >>> path = os.path.join(tempfile.mkdtemp(), "sizes.csv")
    >>> rows = ["height,colour,size"] + [f"{h},{c},{'small' if h < 6 else 'large'}"
    ...                                  for h, c in zip(range(1, 13), ["red", "blue", "green"] * 4)]
    >>> with open(path, "w") as file:
    ...     _ = file.write("\\n".join(rows) + "\\n")
    >>> table = read_csv_table(path, "size")
    >>> isinstance(table, CsvTable), table.task, table.classes, table.numeric, table.categorical
    (True, 'binary', ('large', 'small'), ('height',), ('colour',))
    >>> table.n_features, table.dropped_rows  # height and three one-hot colours
    (4, 0)
    """

    features: object
    y: np.ndarray
    task: str
    name: str
    classes: tuple
    numeric: tuple
    categorical: tuple
    categories: tuple
    n_rows: int
    dropped_rows: int
    missing_cells: dict
    path: str = ""

    @property
    def n_features(self):
        """Number of input features after one-hot encoding."""
        return len(self.numeric) + sum(len(c) for c in self.categories)

    def summary(self):
        """Describe what was read, in one line, e.g. for a command line.

        Returns
        -------
        text : str
            For example ``"small: 120 rows, 3 features (binary); dropped 3 incomplete rows
            of 120 (missing cells: x3 2, label 1)"``.
        """
        text = f"{self.name}: {len(self.y)} rows, {self.n_features} features ({self.task})"
        if self.categorical:
            text += f"; one-hot encoded {', '.join(map(str, self.categorical))}"
        if self.dropped_rows:
            missing = ", ".join(f"{c} {k}" for c, k in self.missing_cells.items())
            rows = "row" if self.dropped_rows == 1 else "rows"
            text += f"; dropped {self.dropped_rows} incomplete {rows} of {self.n_rows} (missing cells: {missing})"
        return text


def _one_line(err):
    return " ".join(str(err).split())


def read_csv_table(path, target, task=None):
    """Read a CSV file, drop its incomplete rows and check that it can be learned from.

    Every column except ``target`` is a feature. Numeric columns (pandas reads them
    as numbers; ``True``/``False`` count as 1/0) are standardized and text columns
    one-hot encoded later, by :func:`csv_split`, with statistics of the training
    part only. A row with a missing cell (empty, ``NA``, ``NaN``, ``null`` ...; see
    ``pandas.read_csv``), in the target or in a feature, is dropped and counted.

    Parameters
    ----------
    path : str or path-like
        A CSV file with a header row.
    target : str
        Name of the target column.
    task : {"regression", "binary", "multiclass"}, optional
        Inferred when omitted: a target of integers (or strings) with at most 20
        distinct values is a classification target (binary with 2 classes),
        anything else is regression.

    Returns
    -------
    table : CsvTable
        The complete rows; ``table.dropped_rows`` of ``table.n_rows`` were dropped
        (``table.summary()`` says so in one line).

    Raises
    ------
    ValueError
        With a one-line message, when the file is missing, empty, unreadable or has
        no data rows; the target column is missing or there is no feature column; a
        column is entirely empty; a text feature is free text (more than 20 distinct
        values, in more than half its filled cells) or mostly numbers with some text
        (such as ``?`` for a missing value); a numeric cell is infinite; a
        regression target is not numeric; a classification target has fewer than
        two classes (or not exactly two for ``task="binary"``); fewer than 10 complete
        rows remain; or a class has fewer than 4 rows (2 for the training and 2 for
        the test part).

    Examples
    --------
    >>> import os, tempfile
    >>> from companion.datasets import csv_split, read_csv_table
    >>> path = os.path.join(tempfile.mkdtemp(), "pets.csv")
    >>> rows = ["weight,colour,kind"] + [f"{w},{c},{k}" for w, c, k in zip(
    ...     [3.1, 4.0, "", 30.2, 25.0, 3.3, 28.1, 4.4, 31.0, 2.9, 27.5, 3.8],
    ...     ["grey", "black", "grey", "brown", "black", "grey", "brown", "black", "brown", "grey", "black", "brown"],
    ...     ["cat", "cat", "cat", "dog", "dog", "cat", "dog", "cat", "dog", "cat", "dog", "dog"])]
    >>> with open(path, "w") as file:
    ...     _ = file.write("\\n".join(rows) + "\\n")
    >>> table = read_csv_table(path, "kind")
    >>> print(*table.summary().split("; "), sep="\\n")
    pets: 11 rows, 4 features (binary)
    one-hot encoded colour
    dropped 1 incomplete row of 12 (missing cells: weight 1)
    >>> table.classes, table.categories
    (('cat', 'dog'), (('black', 'brown', 'grey'),))
    """
    import os

    import pandas as pd

    if not os.path.isfile(path):
        raise ValueError(f"no such file: {path}")
    if os.path.getsize(path) == 0:
        raise ValueError(f"{path} is empty")
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as err:
        raise ValueError(f"cannot read {path} as CSV: {_one_line(err)}") from None
    if target not in frame.columns:
        raise ValueError(f"column {target!r} not in {path} (columns: {', '.join(map(str, frame.columns))})")
    if len(frame) == 0:
        raise ValueError(f"{path} has a header but no data rows")
    features = frame.drop(columns=[target])
    if features.shape[1] == 0:
        raise ValueError(f"{path} has no feature columns besides {target!r}")
    for column in frame.columns:
        if frame[column].isna().all():
            raise ValueError(f"column {column!r} of {path} is empty")
    numeric, categorical = [], []
    limit, share = CSV_FREE_TEXT
    for column in features.columns:
        values = features[column].dropna()
        if pd.api.types.is_numeric_dtype(values):
            if np.isinf(values.to_numpy(dtype="float64")).any():
                raise ValueError(f"column {column!r} of {path} has infinite values")
            numeric.append(column)
            continue
        text = values.astype(str)
        as_numbers = pd.to_numeric(text, errors="coerce")
        if as_numbers.notna().mean() > 0.5:
            odd = sorted(set(text[as_numbers.isna()]))[:3]
            raise ValueError(f"column {column!r} of {path} holds numbers and text ({', '.join(map(repr, odd))}); "
                             f"leave a missing cell empty or write NA")
        distinct = text.nunique()
        if distinct > limit and distinct > share * len(text):
            raise ValueError(f"column {column!r} of {path} looks like free text ({distinct} distinct values in "
                             f"{len(text)} rows); drop it or encode it yourself")
        categorical.append(column)
    missing = frame.isna().sum()
    missing_cells = {str(c): int(k) for c, k in missing.items() if k > 0}
    complete = frame.dropna()
    n_rows, n = len(frame), len(complete)
    y_raw = complete[target]
    if task is None:
        discrete = not pd.api.types.is_float_dtype(y_raw) or np.all(y_raw == np.round(y_raw))
        if not pd.api.types.is_numeric_dtype(y_raw) or (discrete and y_raw.nunique() <= 20):
            task = "binary" if y_raw.nunique() == 2 else "multiclass"
        else:
            task = "regression"
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    classes = None
    if task == "regression":
        if not pd.api.types.is_numeric_dtype(y_raw):
            raise ValueError(f"regression target {target!r} is not numeric")
        y = y_raw.to_numpy(dtype="float64")
        if np.isinf(y).any():
            raise ValueError(f"column {target!r} of {path} has infinite values")
    else:
        values = y_raw.to_numpy()
        if values.dtype == object:
            values = values.astype(str)
        found = np.unique(values)
        if len(found) < 2:
            raise ValueError(f"target {target!r} has fewer than two classes")
        if task == "binary" and len(found) != 2:
            raise ValueError(f"binary task needs exactly two classes, {target!r} has {len(found)}")
        y = np.searchsorted(found, values).astype("int64")
        classes = tuple(v.item() if hasattr(v, "item") else v for v in found)
    if n < CSV_MIN_ROWS:
        dropped = f" left after dropping {n_rows - n} with a missing cell" if n < n_rows else ""
        raise ValueError(f"{path} has {n} rows{dropped}; at least {CSV_MIN_ROWS} are needed")
    if classes is not None:
        counts = np.bincount(y, minlength=len(classes))
        if counts.min() < 4:
            rare = int(np.argmin(counts))
            raise ValueError(f"class {classes[rare]!r} of {target!r} has {counts[rare]} rows; every class needs at "
                             f"least 4 (2 in the training part and 2 in the test part)")
    features = complete.drop(columns=[target]).reset_index(drop=True)
    categories = tuple(tuple(np.unique(features[c].astype(str)).tolist()) for c in categorical)
    return CsvTable(features, y, task, os.path.splitext(os.path.basename(path))[0], classes, tuple(numeric),
                    tuple(categorical), categories, n_rows, n_rows - n, missing_cells, str(path))


def _encode(table, train, test):
    """Standardize and one-hot encode ``table`` with statistics of the rows ``train`` only."""
    import warnings

    from sklearn.preprocessing import OneHotEncoder

    parts = {"train": [], "test": []}
    names = []
    if table.numeric:
        values = table.features[list(table.numeric)].to_numpy(dtype="float64")
        with np.errstate(over="ignore", invalid="ignore"):
            mean, std = values[train].mean(axis=0), values[train].std(axis=0)
        for rows, part in ((train, "train"), (test, "test")):
            with np.errstate(over="ignore", invalid="ignore"):
                parts[part].append((values[rows] - mean) / np.where(std > 0, std, 1.0))
        bad = ~(np.isfinite(mean) & np.isfinite(std))
        names += list(table.numeric)
        if bad.any():
            column = table.numeric[int(np.argmax(bad))]
            raise ValueError(f"column {column!r} of {table.path} has values too large to standardize (up to "
                             f"{np.abs(values[:, int(np.argmax(bad))]).max():.3g})")
    if table.categorical:
        text = table.features[list(table.categorical)].astype(str).to_numpy()
        encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(text[train])
        # The columns are every category of the table, so each split has the same width; a category
        # absent from the training part stays all zeros, as handle_unknown="ignore" encodes it.
        offsets = np.cumsum([0] + [len(c) for c in table.categories])
        where = np.concatenate([offsets[j] + np.searchsorted(table.categories[j], encoder.categories_[j])
                                for j in range(len(table.categorical))])
        for rows, part in ((train, "train"), (test, "test")):
            onehot = np.zeros((len(rows), offsets[-1]))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "unknown categories ... encoded as all zeros"
                onehot[:, where] = encoder.transform(text[rows])
            parts[part].append(onehot)
        names += [c for c, cats in zip(table.categorical, table.categories) for _ in cats]
    with np.errstate(over="ignore", invalid="ignore"):
        X_train, X_test = (np.hstack(parts[p]).astype("float32") for p in ("train", "test"))
    for X in (X_train, X_test):
        bad = ~np.isfinite(X).all(axis=0)
        if bad.any():
            j = int(np.argmax(bad))
            raise ValueError(f"column {names[j]!r} of {table.path} has values too large to standardize (up to "
                             f"{np.abs(table.features[names[j]].to_numpy(dtype='float64')).max():.3g})")
    y_train, y_test = table.y[train], table.y[test]
    if table.task == "regression":
        with np.errstate(over="ignore", invalid="ignore"):
            mean, std = y_train.mean(), y_train.std()
            y_train, y_test = ((y - mean) / (std or 1.0) for y in (y_train, y_test))
            y_train, y_test = y_train.astype("float32"), y_test.astype("float32")
        if not (np.isfinite(y_train).all() and np.isfinite(y_test).all()):
            raise ValueError(f"the target of {table.path} has values too large to standardize (up to "
                             f"{np.abs(table.y).max():.3g})")
    else:
        for part, labels in (("training", y_train), ("test", y_test)):
            counts = np.bincount(labels, minlength=len(table.classes))
            if counts.min() < 2:
                rare = int(np.argmin(counts))
                rows = "row" if counts[rare] == 1 else "rows"
                raise ValueError(f"the {part} part holds {counts[rare]} {rows} of class {table.classes[rare]!r}; "
                                 f"every class needs at least 2 in each part")
    return Split(X_train, y_train, X_test, y_test, task=table.task, name=table.name)


def csv_split(table, seed=None, test_fraction=0.5, n_train=None, random_state=None):
    """Split a :class:`CsvTable` into replicate ``seed``'s train/test split, encoded and standardized.

    - ``seed=r`` (a replicate): a random split drawn with ``streams(r).split``,
      stratified by class for classification (every class keeps its share in both
      parts, up to rounding); the test part has ``ceil(test_fraction * n)`` rows.
    - ``seed=None``: :func:`from_csv`'s historical split, the first ``n_train`` rows
      of ``np.random.default_rng(random_state).permutation(n)`` (``random_state``
      ``None`` means 0), not stratified; the test part has
      ``n - round(n * (1 - test_fraction))`` rows.

    Then, with statistics of the *training* part only, every numeric column is
    standardized (mean 0 and sd 1 there, as scikit-learn's ``StandardScaler``; a
    column constant there keeps scale 1), every text column is one-hot encoded with
    ``OneHotEncoder(handle_unknown="ignore")`` fitted on the training part, and a
    regression target is standardized. Numeric columns come first, in file order,
    then one column per category (``table.categories``), so every split of a table
    has the same width; a category missing from the training part is all zeros.

    Parameters
    ----------
    table : CsvTable
        From :func:`read_csv_table`.
    seed : int, optional
        Replicate number.
    test_fraction : float, default=0.5
        Fraction of the rows held out for testing when ``n_train`` is not given,
        in (0, 1).
    n_train : int, optional
        Size of the training part, clamped to ``[2, n - 2]``; overrides ``test_fraction``.
    random_state : int, optional
        With ``seed=None`` only: seeds the historical shuffle.

    Returns
    -------
    split : Split
        float32 features of shape (n_train, table.n_features) and (n_test,
        table.n_features); float32 standardized targets or int64 class codes.
        Its sizes ``len(split.X_train)`` and ``len(split.X_test)`` are those of every
        replicate of the table.

    Raises
    ------
    ValueError
        For a bad ``seed`` or ``test_fraction``, both ``seed`` and ``random_state``,
        a part left with fewer than 2 rows of a class, or a numeric value too large
        to standardize (an overflow to infinity).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from companion.datasets import csv_split, read_csv_table
    >>> path = os.path.join(tempfile.mkdtemp(), "toy.csv")
    >>> rows = ["x,shape,y"] + [f"{i % 7},{'round' if i % 3 else 'square'},{i % 2}" for i in range(40)]
    >>> with open(path, "w") as file:
    ...     _ = file.write("\\n".join(rows) + "\\n")
    >>> table = read_csv_table(path, "y")
    >>> a, b = csv_split(table, seed=0), csv_split(table, seed=1)
    >>> a.X_train.shape, b.X_train.shape, int(a.y_test.sum())
    ((20, 3), (20, 3), 10)
    >>> bool(np.array_equal(a.y_train, csv_split(table, seed=0).y_train))
    True
    """
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, (int, float, np.floating)) \
            or not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie in (0, 1), got {test_fraction!r}")
    n = len(table.y)
    if seed is None:
        order = np.random.default_rng(0 if random_state is None else random_state).permutation(n)
        if n_train is None:
            n_train = int(round(n * (1 - test_fraction)))
        n_train = min(max(int(n_train), 2), n - 2)
        return _encode(table, order[:n_train], order[n_train:])
    if random_state is not None:
        raise ValueError("pass either seed= (a replicate) or random_state= (a fixed draw), not both")
    from sklearn.model_selection import train_test_split

    split_state = streams(seed).split
    n_test = int(np.ceil(test_fraction * n)) if n_train is None else n - min(max(int(n_train), 2), n - 2)
    n_test = min(max(n_test, 2), n - 2)
    stratify = None
    if table.task != "regression":
        k = len(table.classes)
        if min(n_test, n - n_test) < 2 * k:
            raise ValueError(f"a split of {n} rows into {n - n_test} training and {n_test} test rows cannot hold "
                             f"2 rows of each of the {k} classes in each part")
        stratify = table.y
    train, test = train_test_split(np.arange(n), test_size=n_test, stratify=stratify, random_state=split_state)
    return _encode(table, train, test)


def from_csv(path, target, task=None, n_train=None, test_fraction=0.5, random_state=None, seed=None):
    """Load a CSV file as a standardized train/test split.

    :func:`read_csv_table` followed by :func:`csv_split`: incomplete rows are
    dropped, numeric features standardized and text features one-hot encoded with
    the training part's statistics only. Use the two functions directly to see how
    many rows were dropped (``table.summary()``) or to draw several replicates of
    one file without reading it again.

    Parameters
    ----------
    path : str or path-like
        A CSV file with a header row. Every column except ``target`` is a feature.
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
    random_state : int, optional
        Seeds the shuffle that precedes the split, so the split is reproducible;
        ``None`` means 0. Not together with ``seed``.
    seed : int, optional
        Replicate number: a stratified random split (classification) drawn from
        ``streams(seed).split``, see :func:`csv_split`.

    Returns
    -------
    split : Split
        Features standardized with the training set's mean and standard deviation
        (text columns one-hot encoded); regression targets standardized the same
        way; class labels mapped to ``0..n_classes-1`` in sorted order.

    Raises
    ------
    ValueError
        With a one-line message for every refusal of :func:`read_csv_table` and
        :func:`csv_split`.

    Examples
    --------
    Twelve rows, a numeric and a text feature, and a text target of two classes:

    >>> import os, tempfile
    >>> import numpy as np
    >>> from companion.datasets import from_csv
    >>> path = os.path.join(tempfile.mkdtemp(), "sizes.csv")
    >>> rows = ["height,colour,size"] + [f"{h},{c},{'small' if h < 6 else 'large'}"
    ...                                  for h, c in zip(range(1, 13), ["red", "blue", "green"] * 4)]
    >>> with open(path, "w") as file:
    ...     _ = file.write("\\n".join(rows) + "\\n")
    >>> split = from_csv(path, "size", seed=0)
    >>> split.name, split.task, split.X_train.shape, split.X_test.shape
    ('sizes', 'binary', (6, 4), (6, 4))
    >>> sorted(set(split.y_train.tolist()))  # 'large' is class 0, 'small' class 1
    [0, 1]
    >>> height = split.X_train[:, 0]  # standardized with the training part's mean and sd
    >>> bool(abs(height.mean()) < 1e-6), bool(abs(height.std() - 1) < 1e-6)
    (True, True)
    """
    return csv_split(read_csv_table(path, target, task), seed=seed, test_fraction=test_fraction, n_train=n_train,
                     random_state=random_state)


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


def flip_labels(y, fraction, seed=0, kind="symmetric", to=None, n_classes=None):
    """Flip a fraction of class labels to another class: symmetric or class-dependent label noise.

    With ``kind="symmetric"`` (the default), exactly ``round(fraction * n)`` labels,
    chosen without replacement, are changed: 0/1 labels become ``1 - y``, -1/+1 labels
    become ``-y``, and integer labels of ``k > 2`` classes (``0..k-1``, ``k = n_classes``)
    move to one of the other ``k - 1`` classes, drawn uniformly.

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
        same call gives the same noisy labels. Replicate ``r`` flips with its own
        stream, ``flip_labels(y, fraction, seed=streams(r).flips)``, which is
        independent of the stream that drew its data (:func:`streams`).
    kind : {"symmetric", "pairwise"}, default="symmetric"
        Symmetric noise (any other class, uniformly) or class-dependent noise (class
        ``c`` always flips to ``to[c]``, the same fraction in every class).
    to : sequence of int of length k, or dict of int to int, optional
        ``kind="pairwise"`` only: the class each class flips to, ``to[c] != c``, in
        ``0..k-1``. A dict needs an entry for every class present in ``y``.
        Defaults to ``(c + 1) % k``.
    n_classes : int, optional
        The number of classes ``k`` of integer labels ``0..k-1``. Pass it: a label
        vector can miss a class (a subset, a fold of a rare class), and then no rule
        can see ``k`` in it. If omitted, ``k = max(y) + 1``, which is wrong when the
        top class is absent (symmetric flips then never produce it, and the pairwise
        default ``(c + 1) % k`` wraps too early). ``n_classes=2`` with 0/1 labels
        is the binary case; -1/+1 labels accept only ``n_classes=2``.

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
        ``fraction`` lies outside [0, 1] or ``seed`` is not an integer; if ``n_classes``
        is not an integer of at least 2 or a label lies outside ``0..n_classes-1``; if ``kind`` is
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

    Labels that miss the top class: say how many classes there are.

    >>> flip_labels(np.array([0, 1, 2]), 1.0, kind="pairwise", n_classes=4).tolist()
    [1, 2, 3]
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
    if n_classes is not None and (isinstance(n_classes, (bool, np.bool_))
                                  or not isinstance(n_classes, (int, np.integer)) or n_classes < 2):
        raise ValueError(f"n_classes must be an integer of at least 2, got {n_classes!r}")
    if present <= {0.0, 1.0} and n_classes in (None, 2):
        label_kind = "01"
    elif present <= {-1.0, 1.0} and not present <= {0.0, 1.0}:
        if n_classes not in (None, 2):
            raise ValueError(f"-1/+1 labels have 2 classes, got n_classes={n_classes}")
        label_kind = "pm1"
    elif min(present) >= 0:
        label_kind = "multiclass"
    else:
        raise ValueError(f"labels must be 0/1, -1/+1 or 0..k-1; got values {sorted(present)[:5]}")
    k = int(values.max()) + 1 if n_classes is None else int(n_classes)
    if values.max() >= k:
        raise ValueError(f"labels must lie in 0..{k - 1} for n_classes={k}; got the label {int(values.max())}")
    if kind == "pairwise":
        return _flip_pairwise(y, values, float(fraction), seed, to, label_kind, k)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(y.size, size=int(round(float(fraction) * y.size)), replace=False)
    noisy = y.copy()
    if label_kind == "01":
        noisy[chosen] = 1 - y[chosen]
    elif label_kind == "pm1":
        noisy[chosen] = -y[chosen]
    else:
        shift = rng.integers(1, k, size=chosen.size)  # 1..k-1: never the label itself
        noisy[chosen] = ((y[chosen].astype("int64") + shift) % k).astype(y.dtype)
    return noisy


def _flip_pairwise(y, values, fraction, seed, to, label_kind, k):
    """Class-dependent noise for :func:`flip_labels`: ``round(fraction * n_c)`` labels of class c become to[c]."""
    if label_kind == "pm1":
        raise ValueError("pairwise noise needs integer labels 0..k-1; map -1/+1 labels to 0/1 first")
    classes = np.unique(values).astype("int64")
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


def digits(test_size=0.5, calibration_size=0.0, random_state=None, seed=None):
    """Load scikit-learn's bundled handwritten digits as a stratified, standardized split.

    ``sklearn.datasets.load_digits``: 1797 images of 8x8 pixels (64 features, grey
    levels 0..16), ten classes. Nothing is downloaded. The rows are split with
    ``train_test_split(..., stratify=y, random_state=random_state)``, so every part
    keeps the class proportions, and every feature is standardized with the mean and
    standard deviation of the *training* part (a pixel that is constant there keeps
    scale 1).

    The images are fixed; a replicate (``seed=r``) redraws the stratified test
    split and the calibration split with ``random_state=streams(r).split``.

    Parameters
    ----------
    test_size : float, default=0.5
        Fraction of all rows held out as the test set, in (0, 1).
    calibration_size : float, default=0.0
        Fraction of all rows held out, from the non-test rows, as a calibration set
        for post-hoc fixes such as temperature scaling. 0 gives no calibration set.
    random_state : int, optional
        Seeds both stratified splits, so the same call gives the same split;
        ``None`` means 0. Not together with ``seed``.
    seed : int, optional
        Replicate number; ``None`` gives the draw of ``random_state``.

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
        training rows, or if both ``seed`` and ``random_state`` are given.

    Examples
    --------
    >>> from companion.datasets import digits
    >>> split = digits()
    >>> split.X_train.shape, split.X_test.shape, split.n_classes
    ((898, 64), (899, 64), 10)
    >>> split, (X_cal, y_cal) = digits(test_size=0.4, calibration_size=0.2)
    >>> len(split.y_train), len(y_cal), len(split.y_test)
    (718, 360, 719)
    >>> digits(seed=1).X_train.shape
    (898, 64)
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
    random_state, replicate = _resolve(seed, random_state)
    if replicate is not None:
        random_state = replicate.split
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


# --- Long-tailed classes: the digits subsampled to an exponential class profile (long_tailed chapter).

def long_tailed_counts(ratio, n_head=140, n_classes=10):
    """Return the training count of every class in an exponential (long-tailed) class profile.

    Formula::

        n_c = round(n_head * ratio ** (-c / (n_classes - 1))),   c = 0, ..., n_classes - 1

    Class 0 is the head (``n_head`` samples), class ``n_classes - 1`` the rarest
    (``n_head / ratio``, rounded); the counts fall by the same factor from one
    class to the next, the profile of Cui et al.'s long-tailed CIFAR.

    Parameters
    ----------
    ratio : float
        Imbalance ratio: head count over tail count, ``>= 1``.
    n_head : int, default=140
        Samples of the head class, ``>= 1``.
    n_classes : int, default=10
        Number of classes, ``>= 2``.

    Returns
    -------
    counts : ndarray of int64, shape (n_classes,)
        Decreasing from ``n_head``; every count is at least 1.

    Raises
    ------
    ValueError
        For a ratio below 1 or not finite, a non-positive ``n_head``, fewer than two
        classes, or a profile whose rarest class would round to no sample.

    Examples
    --------
    >>> from companion.datasets import long_tailed_counts
    >>> long_tailed_counts(10).tolist()
    [140, 108, 84, 65, 50, 39, 30, 23, 18, 14]
    >>> long_tailed_counts(50).tolist()
    [140, 91, 59, 38, 25, 16, 10, 7, 4, 3]
    """
    if isinstance(ratio, bool) or not isinstance(ratio, (int, float, np.integer, np.floating)) \
            or not np.isfinite(ratio) or ratio < 1:
        raise ValueError(f"ratio (head count over tail count) must be a finite number >= 1, got {ratio!r}")
    for name, value, low in (("n_head", n_head, 1), ("n_classes", n_classes, 2)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    counts = np.round(n_head * float(ratio) ** (-np.arange(n_classes) / (n_classes - 1))).astype("int64")
    if counts[-1] < 1:
        raise ValueError(f"ratio={ratio!r} with n_head={n_head} leaves no sample of the rarest class "
                         f"({n_head / float(ratio):.2f} rounds to 0); lower the ratio or raise n_head")
    return counts


def long_tailed_digits(ratio=10, n_head=140, test_per_class=30, random_state=None, seed=None):
    """Subsample scikit-learn's bundled digits to a long-tailed training set, with a balanced test set.

    From every class of ``sklearn.datasets.load_digits`` (1797 images, 174 to 183
    per class), ``test_per_class`` images are held out as the test set, so every
    class counts the same there; of the rest, class ``c`` keeps
    ``long_tailed_counts(ratio, n_head)[c]`` images for training. Digit 0 is the
    head and digit 9 the rarest class: at ``ratio=10`` the training counts run
    from 140 down to 14, at ``ratio=50`` down to 3. The order is fixed, so the
    tail is the same digits in every replicate (the three rarest, 7, 8 and 9, in
    the chapter on long-tailed classes). Every feature is standardized with the
    mean and standard deviation of the training set (a pixel that is constant
    there keeps scale 1).

    A replicate (``seed=r``) keeps the images and the profile and redraws which
    images form the test set (with ``streams(r).split``) and which of the rest are
    kept for training (with ``streams(r).data``), each uniformly without
    replacement within its class.

    Parameters
    ----------
    ratio : float, default=10
        Head count over tail count, ``>= 1`` (:func:`long_tailed_counts`).
    n_head : int, default=140
        Training images of digit 0.
    test_per_class : int, default=30
        Test images of every digit. ``n_head + test_per_class`` must not exceed
        174, the count of the smallest class (digit 8).
    random_state : int, optional
        Seeds both draws, so the same call gives the same split; ``None`` means 0.
        Not together with ``seed``.
    seed : int, optional
        Replicate number; ``None`` gives the draw of ``random_state``.

    Returns
    -------
    split : Split
        ``task`` is ``"multiclass"``, labels are integers ``0..9`` (training rows in
        a random order, test rows by class), features float32; ``name`` states the
        ratio, e.g. ``"digits 1:10"``.

    Raises
    ------
    ValueError
        For a bad ``ratio`` or ``n_head`` (see :func:`long_tailed_counts`), a
        ``test_per_class`` that is not a positive integer, more images per class
        than the smallest class holds, or both ``seed`` and ``random_state``.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.datasets import long_tailed_digits
    >>> split = long_tailed_digits(ratio=10)
    >>> split.name, split.X_train.shape, split.X_test.shape
    ('digits 1:10', (571, 64), (300, 64))
    >>> np.bincount(split.y_train).tolist()
    [140, 108, 84, 65, 50, 39, 30, 23, 18, 14]
    >>> np.bincount(split.y_test).tolist() == [30] * 10
    True
    >>> np.bincount(long_tailed_digits(ratio=50, seed=1).y_train)[-3:].tolist()
    [7, 4, 3]
    """
    from sklearn.datasets import load_digits

    counts = long_tailed_counts(ratio, n_head, 10)
    if isinstance(test_per_class, bool) or not isinstance(test_per_class, (int, np.integer)) or test_per_class < 1:
        raise ValueError(f"test_per_class must be a positive integer, got {test_per_class!r}")
    X, y = load_digits(return_X_y=True)
    smallest = int(np.bincount(y).min())
    if int(n_head) + int(test_per_class) > smallest:
        raise ValueError(f"n_head + test_per_class = {int(n_head) + int(test_per_class)} exceeds the {smallest} "
                         "images of the smallest digit class")
    random_state, replicate = _resolve(seed, random_state)
    split_rng = np.random.default_rng(random_state if replicate is None else replicate.split)
    data_rng = np.random.default_rng(random_state if replicate is None else replicate.data)
    train_rows, test_rows = [], []
    for c, n_c in enumerate(counts):
        rows = np.flatnonzero(y == c)
        test = np.sort(split_rng.choice(rows, size=int(test_per_class), replace=False))
        rest = np.setdiff1d(rows, test)
        train_rows.append(np.sort(data_rng.choice(rest, size=int(n_c), replace=False)))
        test_rows.append(test)
    train_rows = data_rng.permutation(np.concatenate(train_rows))
    test_rows = np.concatenate(test_rows)
    mean, std = X[train_rows].mean(axis=0), X[train_rows].std(axis=0)
    std = np.where(std > 0, std, 1.0)

    def scale(A):
        return ((A - mean) / std).astype("float32")

    return Split(scale(X[train_rows]), y[train_rows].astype("int64"), scale(X[test_rows]),
                 y[test_rows].astype("int64"), task="multiclass", name=f"digits 1:{float(ratio):g}")


IMBALANCED_SOURCES = ("breast_cancer", "classification")
"""The problems :func:`imbalanced` can build."""


def imbalanced(source="breast_cancer", ratio=10, n_majority=None, test_fraction=0.5, random_state=None,
               seed=None):
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

    A replicate (``seed=r``) keeps the data set: breast cancer's rows, or the pool
    of ``2 * (n_majority + n_minority)`` rows ``make_classification`` draws with
    ``random_state=0`` (the default draw's pool). It redraws which majority and
    minority rows are kept, uniformly without replacement from that pool, with
    ``streams(r).data``, and the stratified split with ``streams(r).split``. Class
    counts and set sizes are those of the default draw.

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
    random_state : int, optional
        Seeds which minority samples are kept, the generator of ``"classification"``
        and the split, so the same call gives the same split; ``None`` means 0.
        Not together with ``seed``.
    seed : int, optional
        Replicate number; ``None`` gives the draw of ``random_state``.

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
        cancer's 212 malignant tumours), fewer than two minority samples in the
        train or the test set, or both ``seed`` and ``random_state``.

    Examples
    --------
    >>> from companion.datasets import imbalanced
    >>> split = imbalanced("breast_cancer", ratio=10)
    >>> split.name, split.X_train.shape
    ('breast cancer 1:10', (196, 30))
    >>> int(split.y_train.sum()), int(split.y_test.sum())  # 36 malignant of 393, stratified
    (18, 18)
    >>> replicate = imbalanced("breast_cancer", ratio=10, seed=1)  # other 36 malignant, another split
    >>> replicate.X_train.shape, int(replicate.y_test.sum())
    ((196, 30), 18)
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
    random_state, replicate = _resolve(seed, random_state)
    rng = np.random.default_rng(random_state if replicate is None else replicate.data)
    split_state = random_state if replicate is None else replicate.split
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
            flip_y=0.0, random_state=0 if replicate is not None else random_state)
        if replicate is None:
            keep_neg = np.flatnonzero(y_all == 0)[:n_majority]
            keep_pos = np.flatnonzero(y_all == 1)[:n_minority]
        else:
            keep_neg = np.sort(rng.choice(np.flatnonzero(y_all == 0), size=n_majority, replace=False))
            keep_pos = np.sort(rng.choice(np.flatnonzero(y_all == 1), size=n_minority, replace=False))
        X = np.concatenate([X_all[keep_neg], X_all[keep_pos]])
        label = "make_classification"
    y = np.concatenate([np.zeros(n_majority, dtype="int64"), np.ones(n_minority, dtype="int64")])
    from sklearn.model_selection import train_test_split

    if n_minority >= 4:
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_fraction, stratify=y,
                                                            random_state=split_state)
    if n_minority < 4 or min(y_train.sum(), y_test.sum()) < 2:
        raise ValueError(f"ratio={ratio!r} with n_majority={n_majority} and test_fraction={test_fraction!r} leaves "
                         f"{n_minority} minority samples; the train and the test set need at least 2 each")
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return Split(((X_train - mean) / std).astype("float32"), y_train, ((X_test - mean) / std).astype("float32"),
                 y_test, task="binary", name=f"{label} 1:{float(ratio):g}")


# --- Regression problems for predicted variances and intervals (uncertainty chapter).

def diabetes(test_size=0.5, random_state=None, seed=None):
    """Load scikit-learn's bundled diabetes data as a standardized regression split.

    ``sklearn.datasets.load_diabetes``: 442 patients, ten baseline measurements (age,
    sex, body-mass index, blood pressure and six blood serum values) and a measure of
    disease progression one year later. Nothing is downloaded. The rows are split with
    ``train_test_split(..., random_state=random_state)``; the features and the target
    are then standardized with the mean and standard deviation of the *training* part,
    so the test set is scaled by statistics the model could have known.

    The patients are fixed; a replicate (``seed=r``) redraws the split with
    ``random_state=streams(r).split``. The split is not stratified (by target
    quantiles or otherwise), for the seed's draw as for its replicates, so that
    replicates are random splits of the same kind as the default one.

    Parameters
    ----------
    test_size : float, default=0.5
        Fraction of the rows held out as the test set, in (0, 1).
    random_state : int, optional
        Seeds the split, so the same call gives the same split; ``None`` means 0.
        Not together with ``seed``.
    seed : int, optional
        Replicate number; ``None`` gives the draw of ``random_state``.

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
        either side, or if both ``seed`` and ``random_state`` are given.

    Examples
    --------
    >>> from companion.datasets import diabetes
    >>> split = diabetes()
    >>> split.X_train.shape, split.y_test.shape
    ((221, 10), (221,))
    >>> abs(float(split.y_train.mean())) < 1e-6, round(float(split.y_train.std()), 6)
    (True, 1.0)
    >>> diabetes(seed=3).X_test.shape
    (221, 10)
    """
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    if (isinstance(test_size, bool) or not isinstance(test_size, (int, float, np.integer, np.floating))
            or not 0.0 < float(test_size) < 1.0):
        raise ValueError(f"test_size must be a number in (0, 1), got {test_size!r}")
    random_state, replicate = _resolve(seed, random_state)
    if replicate is not None:
        random_state = replicate.split
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
        sd(x) = 0.1 + 0.2 * (clip(x, -2, 2) + 2)

    so the noise grows tenfold, from 0.1 at ``x = -2`` to 0.9 at ``x = 2``, the
    interval :func:`heteroscedastic` draws its inputs from. Beyond it, where the
    generator draws no data, the standard deviation is held at its edge value (0.1
    on the left, 0.9 on the right), so it is positive for every ``x`` and the true
    quantiles never cross; the linear formula without the clip would reach 0 at
    ``x = -2.5`` and turn negative below it.

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
    >>> heteroscedastic_truth([[-3.0], [3.0]])[1].round(3).tolist()  # beyond the data: the edge values
    [0.1, 0.9]
    """
    x = _heteroscedastic_x(X)
    low, high = HETEROSCEDASTIC_RANGE
    return np.sin(2.0 * x), 0.1 + 0.2 * (np.clip(x, low, high) - low)


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


def heteroscedastic(n_samples=1000, n_train=500, random_state=None, seed=None):
    """Generate a one-input regression problem whose noise grows with the input.

    ``x`` is uniform on [-2, 2] and ``y`` is Gaussian around ``sin(2 x)`` with a
    standard deviation rising linearly from 0.1 to 0.9 (:func:`heteroscedastic_truth`
    gives both, :func:`heteroscedastic_quantiles` the true quantiles), so a single
    noise level fits nowhere and the true intervals are known exactly.

    The mean and noise functions are fixed; a replicate (``seed=r``) redraws the
    inputs and the noise from ``streams(r).data``.

    Parameters
    ----------
    n_samples : int, default=1000
        Total number of samples.
    n_train : int, default=500
        The first ``n_train`` samples form the training set, the rest the test set.
    random_state : int, optional
        Determines the inputs and the noise. Pass an int for reproducible output
        across multiple function calls; ``None`` means 0. Not together with ``seed``.
    seed : int, optional
        Replicate number; ``None`` gives the draw of ``random_state``.

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_train, 1), ``y_train`` of shape (n_train,), the same
        for the test set, float32; ``task`` is ``"regression"``, ``name``
        ``"heteroscedastic"``.

    Raises
    ------
    ValueError
        If ``n_train`` does not leave at least one sample on each side, or if both
        ``seed`` and ``random_state`` are given.

    Examples
    --------
    >>> from companion.datasets import heteroscedastic
    >>> split = heteroscedastic()
    >>> split.X_train.shape, split.y_test.shape
    ((500, 1), (500,))
    """
    if int(n_samples) != n_samples or not 0 < int(n_train) < int(n_samples):
        raise ValueError(f"n_train must be between 1 and n_samples - 1, got {n_train} of {n_samples}")
    random_state, replicate = _resolve(seed, random_state)
    rng = np.random.default_rng(random_state if replicate is None else replicate.data)
    X = rng.uniform(*HETEROSCEDASTIC_RANGE, size=(int(n_samples), 1))
    mean, sd = heteroscedastic_truth(X)
    y = mean + sd * rng.standard_normal(int(n_samples))
    X, y = X.astype("float32"), y.astype("float32")
    return _first_half(X, y, "regression", "heteroscedastic", int(n_train))


# --- Skewed positive targets with a known truth (skewed_targets chapter).

SKEWED_SIGMA = 0.8
"""Standard deviation of the log-normal noise of :func:`skewed`, on the log scale."""

SkewedTruth = namedtuple("SkewedTruth", ("mean", "median", "mape", "log1p"))
SkewedTruth.__doc__ = """The true functionals of :func:`skewed`'s targets given the inputs (see :func:`skewed_truth`).

A named tuple of four arrays of shape (n,): ``mean``, ``median``, ``mape`` and ``log1p``.

Examples
--------
>>> import numpy as np
>>> from companion.datasets import SkewedTruth, skewed_truth
>>> truth = skewed_truth(np.zeros((3, 5)))
>>> isinstance(truth, SkewedTruth), truth._fields, truth.median.shape
(True, ('mean', 'median', 'mape', 'log1p'), (3,))
>>> bool(np.all(truth.mape < truth.median)) and bool(np.all(truth.median < truth.mean))
True
"""


def _skewed_x(X):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 5:
        raise ValueError(f"X must have shape (n, 5), the five inputs of skewed(), got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values")
    return X


def skewed_truth(X):
    """Return the true conditional mean, median and two other functionals of :func:`skewed`'s targets.

    Given ``x``, the target is log-normal: ``log y = f(x) + sigma * z`` with ``z``
    standard normal, ``sigma = SKEWED_SIGMA`` (0.8) and::

        f(x) = 0.6 x1 - 0.4 x2 + 0.3 x3 x4          (x5 plays no part)

    so the functionals a loss can estimate are known in closed form (the last by
    Gauss-Hermite quadrature with 60 nodes)::

        mean   = exp(f + sigma**2 / 2)     minimises the expected squared error
        median = exp(f)                    minimises the expected absolute error
        mape   = exp(f - sigma**2)         minimises the expected |y - m| / y
        log1p  = expm1(E[log1p(y)])        minimises the expected squared log error

    ``mape`` is the median of the density proportional to ``p(y) / y``, which for a
    log-normal is another log-normal shifted by ``-sigma**2`` on the log scale: below
    the median by the factor ``exp(-sigma**2)`` (0.53). ``log1p`` lies between the
    median and the mean (``log1p(exp(t))`` is convex in ``t`` and concave in ``y``),
    close to the median where ``y`` is large and above it where ``y`` is near 0.

    Parameters
    ----------
    X : array_like of shape (n, 5)
        Inputs.

    Returns
    -------
    truth : SkewedTruth
        Named tuple of four ndarrays of shape (n,): ``mean``, ``median``, ``mape``, ``log1p``.

    Raises
    ------
    ValueError
        For ``X`` not of shape (n, 5) or not finite.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.datasets import skewed_truth
    >>> truth = skewed_truth(np.zeros((1, 5)))
    >>> [round(float(v[0]), 3) for v in truth]  # e**0.32, 1, e**-0.64, then between median and mean
    [1.377, 1.0, 0.527, 1.155]
    """
    X = _skewed_x(X)
    f = 0.6 * X[:, 0] - 0.4 * X[:, 1] + 0.3 * X[:, 2] * X[:, 3]
    s = SKEWED_SIGMA
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)
    expected_log1p = np.log1p(np.exp(f[:, None] + s * nodes[None, :])) @ (weights / weights.sum())
    return SkewedTruth(np.exp(f + s ** 2 / 2), np.exp(f), np.exp(f - s ** 2), np.expm1(expected_log1p))


def skewed(n_samples=1000, n_train=500, seed=None):
    """Generate a regression problem with a skewed positive (log-normal) target and a known truth.

    Five standard normal inputs; the target is log-normal around ``exp(f(x))`` with
    noise sd 0.8 on the log scale (:func:`skewed_truth` gives ``f`` and the true mean,
    median and the functionals of MAPE and MSLE). The targets span about three orders
    of magnitude (median about 1, mean about 1.9, most between 0.03 and 30: a long
    right tail); they are not standardized, because the losses compared on them need
    positive targets on their own scale.

    The function ``f`` and the noise level are fixed; a replicate (``seed=r``) redraws
    the inputs and the noise from ``streams(r).data``. ``seed=None`` gives one fixed
    draw (``numpy.random.default_rng(0)``), which is not a replicate.

    Parameters
    ----------
    n_samples : int, default=1000
        Total number of samples.
    n_train : int, default=500
        The first ``n_train`` samples form the training set, the rest the test set.
    seed : int, optional
        Replicate number; ``None`` gives a fixed draw (``numpy.random.default_rng(0)``).

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_train, 5), ``y_train`` of shape (n_train,), the same
        for the test set, float32, every target > 0; ``task`` is ``"regression"``,
        ``name`` ``"skewed"``.

    Raises
    ------
    ValueError
        If ``n_train`` does not leave at least one sample on each side, or ``seed`` is
        not a non-negative integer.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.datasets import skewed, skewed_truth
    >>> split = skewed(seed=1)
    >>> split.X_train.shape, bool(split.y_train.min() > 0)
    ((500, 5), True)
    >>> truth = skewed_truth(split.X_test)
    >>> bool(np.all(truth.mape < truth.median)), bool(np.all(truth.median < truth.mean))
    (True, True)
    """
    if int(n_samples) != n_samples or not 0 < int(n_train) < int(n_samples):
        raise ValueError(f"n_train must be between 1 and n_samples - 1, got {n_train} of {n_samples}")
    rng = np.random.default_rng(0 if seed is None else streams(seed).data)
    X = rng.standard_normal((int(n_samples), 5))
    median = skewed_truth(X).median
    y = median * np.exp(SKEWED_SIGMA * rng.standard_normal(int(n_samples)))
    return _first_half(X.astype("float32"), y.astype("float32"), "regression", "skewed", int(n_train))


def held_out_digits(held_out=(7, 8, 9), train_fraction=0.5, query_fraction=0.5, random_state=None, seed=None):
    """Split scikit-learn's bundled digits by class: train on some digits, retrieve among the others.

    For embeddings judged on classes the model never saw (retrieval, open-set
    recognition): the training part holds only the *seen* digits, the test part only
    the ``held_out`` digits. A stratified ``train_fraction`` of the seen digits' images
    is the training set; a stratified ``query_fraction`` of the held-out digits' images
    is the retrieval set (each of its images is a query against all the others, see
    ``companion.metrics.retrieval.recall_at_k``). Every feature is standardized with
    the mean and standard deviation of the training part (a pixel constant there keeps
    scale 1), as in :func:`digits`.

    Labels are renumbered so that the seen digits are ``0..n_seen-1`` and the held-out
    digits ``n_seen..9``, each in increasing order: with the default
    ``held_out=(7, 8, 9)`` every label is its digit. A classifier over the seen digits
    then has ``n_seen`` outputs.

    The images and the class partition are fixed; a replicate (``seed=r``) redraws
    both subsamples with ``random_state=streams(r).split``.

    Parameters
    ----------
    held_out : sequence of int, default=(7, 8, 9)
        The digits kept out of training: at least two distinct digits in ``0..9``,
        leaving at least two seen digits.
    train_fraction : float, default=0.5
        Share of each seen digit's images used for training, in (0, 1).
    query_fraction : float, default=0.5
        Share of each held-out digit's images in the retrieval set, in (0, 1).
    random_state : int, optional
        Seeds both stratified subsamples; ``None`` means 0. Not together with ``seed``.
    seed : int, optional
        Replicate number; ``None`` gives the draw of ``random_state``.

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_train, 64) and ``y_train`` in ``0..n_seen-1``;
        ``X_test`` of shape (n_query, 64) and ``y_test`` in ``n_seen..9``; features
        float32, labels int64, ``task`` ``"multiclass"``, ``name`` ``"held_out_digits"``.

    Raises
    ------
    ValueError
        If ``held_out`` is not a set of at least two digits leaving two seen ones, a
        fraction lies outside (0, 1) or leaves a held-out digit fewer than two images
        (a query would have no match), or both ``seed`` and ``random_state`` are given.

    Examples
    --------
    >>> from companion.datasets import held_out_digits
    >>> split = held_out_digits()
    >>> split.X_train.shape, split.X_test.shape
    ((632, 64), (266, 64))
    >>> sorted(set(split.y_train.tolist())), sorted(set(split.y_test.tolist()))
    ([0, 1, 2, 3, 4, 5, 6], [7, 8, 9])
    >>> sorted(set(held_out_digits(held_out=(0, 1)).y_test.tolist()))
    [8, 9]
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    try:
        digits_out = [int(d) for d in held_out]
    except (TypeError, ValueError):
        raise ValueError(f"held_out must be a sequence of digits 0..9, got {held_out!r}") from None
    if (any(isinstance(d, (bool, np.bool_)) or int(d) != d for d in held_out) or len(set(digits_out)) != len(digits_out)
            or not all(0 <= d <= 9 for d in digits_out) or not 2 <= len(digits_out) <= 8):
        raise ValueError(f"held_out must be 2 to 8 distinct digits in 0..9 (leaving two seen), got {held_out!r}")
    for name, value in (("train_fraction", train_fraction), ("query_fraction", query_fraction)):
        if isinstance(value, bool) or not np.isscalar(value) or not 0.0 < float(value) < 1.0:
            raise ValueError(f"{name} must be a number in (0, 1), got {value!r}")
    random_state, replicate = _resolve(seed, random_state)
    if replicate is not None:
        random_state = replicate.split
    X, y = load_digits(return_X_y=True)
    seen = [d for d in range(10) if d not in digits_out]
    order = np.empty(10, dtype=np.int64)
    order[seen + sorted(digits_out)] = np.arange(10)  # seen digits first, then the held-out ones
    out = np.isin(y, digits_out)
    if int(float(train_fraction) * (~out).sum()) < len(seen):
        raise ValueError(f"train_fraction={train_fraction} leaves a seen digit without training images")
    if int(float(query_fraction) * out.sum()) < 2 * len(digits_out):
        raise ValueError(f"query_fraction={query_fraction} leaves a held-out digit fewer than two images; "
                         "each needs at least two, so that every query has a match")
    X_train, _, y_train, _ = train_test_split(X[~out], y[~out], train_size=float(train_fraction),
                                              stratify=y[~out], random_state=random_state)
    X_test, _, y_test, _ = train_test_split(X[out], y[out], train_size=float(query_fraction),
                                            stratify=y[out], random_state=random_state)
    counts = np.bincount(y_test, minlength=10)[digits_out]
    if counts.min() < 2:
        raise ValueError(f"query_fraction={query_fraction} leaves a held-out digit {counts.min()} image(s); "
                         "each needs at least two, so that every query has a match")
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)

    def scale(A):
        return ((A - mean) / std).astype("float32")

    return Split(scale(X_train), order[y_train], scale(X_test), order[y_test], task="multiclass",
                 name="held_out_digits")


# --- Ordinal targets (ordinal chapter): a latent score cut into ranks at known cut-points.

ORDINAL_CUTS = {"equal": (-1.5, -0.5, 0.5, 1.5), "unequal": (-1.5, -1.0, -0.5, 1.5)}
"""The cut-points of :func:`ordinal`'s two named spacings, on the latent scale (five ranks each)."""

ORDINAL_NOISE = 0.3
"""Scale of the logistic noise on :func:`ordinal`'s latent score (standard deviation ``0.3 * pi / sqrt(3)``)."""


def ordinal_latent(X):
    """Return the noise-free latent score of :func:`ordinal`'s problem.

    Formula::

        f(x) = x_0 + sin(2 x_1) + 0.5 x_2 x_3

    Parameters
    ----------
    X : array_like of shape (n, 4)
        Inputs.

    Returns
    -------
    f : ndarray of shape (n,)

    Raises
    ------
    ValueError
        For ``X`` not of shape (n, 4).

    Examples
    --------
    >>> from companion.datasets import ordinal_latent
    >>> ordinal_latent([[1.0, 0.0, 2.0, 1.0]]).round(3).tolist()
    [2.0]
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 4:
        raise ValueError(f"X must have shape (n, 4), got shape {X.shape}")
    return X[:, 0] + np.sin(2.0 * X[:, 1]) + 0.5 * X[:, 2] * X[:, 3]


def ordinal(n_samples=1000, n_train=500, cuts="equal", random_state=None, seed=None):
    """Generate an ordinal problem: a latent score cut into ranks at known cut-points.

    Four standard normal inputs ``x``, a latent score ``y* = f(x) + 0.3 e`` with ``f``
    from :func:`ordinal_latent` and ``e`` standard logistic noise, and the rank::

        rank = number of cut-points c_k below y*        (0 .. K-1, K = len(cuts) + 1)

    the model of a rating or a grade that reports a hidden quantity on a coarse scale
    (McCullagh 1980). With logistic noise ``P(rank > k | x) = sigmoid((f(x) - c_k) / 0.3)``:
    one score and ``K - 1`` thresholds, the cumulative-link (proportional-odds) model,
    so the truth is known exactly.

    ``cuts="equal"`` spaces the cut-points evenly, ``(-1.5, -0.5, 0.5, 1.5)``, so a step in
    rank is a step of 1 on the latent scale everywhere; ``"unequal"``,
    ``(-1.5, -1.0, -0.5, 1.5)``, packs three steps into one latent unit and leaves the
    last step twice as wide (:data:`ORDINAL_CUTS`). An increasing sequence of at least
    one cut-point may be given instead.

    The latent function, the noise law and the cut-points are fixed; a replicate
    (``seed=r``) redraws the inputs and the noise from ``streams(r).data``, the same for
    every spacing, so the spacings of one replicate share their ``x`` and ``y*``.

    Parameters
    ----------
    n_samples : int, default=1000
        Total number of samples.
    n_train : int, default=500
        The first ``n_train`` samples form the training set, the rest the test set.
    cuts : {"equal", "unequal"} or sequence of float, default="equal"
        The cut-points, increasing.
    random_state : int, optional
        Determines the inputs and the noise. ``None`` means 0. Not together with ``seed``.
    seed : int, optional
        Replicate number; ``None`` gives the draw of ``random_state``.

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_train, 4), float32; ``y_train`` of shape (n_train,), int64
        ranks in ``0..K-1``; the same for the test set. ``task`` is ``"multiclass"``
        (ranks are class indices, in order), ``name`` ``"ordinal, <cuts> spacing"``.

    Raises
    ------
    ValueError
        For an unknown spacing, cut-points that do not increase, a bad ``n_train``, or
        both ``seed`` and ``random_state``.

    Examples
    --------
    >>> from companion.datasets import ordinal
    >>> split = ordinal(seed=0)
    >>> split.X_train.shape, split.n_classes, sorted(set(split.y_test.tolist()))
    ((500, 4), 5, [0, 1, 2, 3, 4])
    >>> bool((ordinal(seed=0, cuts="unequal").y_train >= split.y_train).all())  # lower cut-points
    True
    """
    if isinstance(cuts, str):
        if cuts not in ORDINAL_CUTS:
            raise ValueError(f"cuts must be one of {sorted(ORDINAL_CUTS)} or increasing cut-points, got {cuts!r}")
        name, cut_points = f"ordinal, {cuts} spacing", np.asarray(ORDINAL_CUTS[cuts])
    else:
        cut_points = np.asarray(cuts, dtype=np.float64)
        if cut_points.ndim != 1 or cut_points.size < 1 or not np.all(np.isfinite(cut_points)) \
                or np.any(np.diff(cut_points) <= 0):
            raise ValueError(f"cuts must be a strictly increasing sequence of at least one finite number, got {cuts!r}")
        name = "ordinal"
    if int(n_samples) != n_samples or not 0 < int(n_train) < int(n_samples):
        raise ValueError(f"n_train must be between 1 and n_samples - 1, got {n_train} of {n_samples}")
    random_state, replicate = _resolve(seed, random_state)
    rng = np.random.default_rng(random_state if replicate is None else replicate.data)
    X = rng.standard_normal((int(n_samples), 4))
    latent = ordinal_latent(X) + ORDINAL_NOISE * rng.logistic(size=int(n_samples))
    ranks = (latent[:, None] > cut_points[None, :]).sum(axis=1).astype("int64")
    return _first_half(X.astype("float32"), ranks, "multiclass", name, int(n_train))


# --- Segmentation with a rare foreground (segmentation chapter).

SEGMENTATION_NOISE = 0.35
"""Standard deviation of the Gaussian pixel noise in :func:`segmentation_discs`."""


def segmentation_discs(n_samples=300, n_train=200, size=16, seed=None):
    """Generate small noisy images of bright discs, with masks of the discs: about 2 % foreground.

    Each image is ``size`` x ``size`` pixels, black, with one or two bright discs
    (intensity 1, the foreground of the mask) and zero to two dim decoy discs
    (intensity 0.5, background), every disc of radius uniform in [0.8, 1.5]
    pixels and centre uniform in [1.5, size - 2.5]; Gaussian noise of standard
    deviation :data:`SEGMENTATION_NOISE` is added to every pixel. A pixel belongs
    to a disc when its centre lies within the radius, so a disc covers 1 to 9
    pixels and every image at least one foreground pixel. At ``size=16`` 2 to 3 %
    of the pixels are foreground.

    :class:`Split` holds tabular arrays, so images and masks come flattened, one
    row per image in row-major order: reshape with
    ``X.reshape(-1, size, size, 1)``; a model takes rows of ``size ** 2`` values
    (a ``keras.layers.Reshape`` first layer).

    Parameters
    ----------
    n_samples : int, default=300
        Number of images.
    n_train : int, default=200
        The first ``n_train`` images form the training set, the rest the test set.
    size : int, default=16
        Height and width of the images, ``>= 8``.
    seed : int, optional
        Replicate number: ``seed=r`` draws new images from
        ``numpy.random.default_rng(streams(r).data)``; ``None`` gives a fixed
        illustration draw (``default_rng(0)``).

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_train, size * size), float32 intensities;
        ``y_train`` of shape (n_train, size * size), float32 masks in {0, 1};
        the same for the test set. ``task`` is ``"binary"``, ``name`` is
        ``"discs"``.

    Raises
    ------
    ValueError
        If ``size < 8``, or ``n_train`` leaves no training or no test image.

    Examples
    --------
    >>> from companion.datasets import segmentation_discs
    >>> split = segmentation_discs(seed=3)
    >>> split.X_train.shape, split.y_test.shape
    ((200, 256), (100, 256))
    >>> bool(0.01 < split.y_train.mean() < 0.04)
    True
    >>> split.X_train.reshape(-1, 16, 16, 1).shape
    (200, 16, 16, 1)
    """
    size, n_samples, n_train = int(size), int(n_samples), int(n_train)
    if size < 8:
        raise ValueError(f"size must be at least 8 pixels, got {size}")
    if not 0 < n_train < n_samples:
        raise ValueError(f"n_train must be between 1 and n_samples - 1 = {n_samples - 1}, got {n_train}")
    rng = np.random.default_rng(0 if seed is None else streams(seed).data)
    rows, cols = np.mgrid[0:size, 0:size]
    images = np.zeros((n_samples, size, size), "float32")
    masks = np.zeros((n_samples, size, size), "float32")
    for image, mask in zip(images, masks):
        for intensity, count in ((1.0, rng.integers(1, 3)), (0.5, rng.integers(0, 3))):
            for _ in range(count):
                radius = rng.uniform(0.8, 1.5)
                centre = rng.uniform(1.5, size - 2.5, size=2)
                disc = (rows - centre[0]) ** 2 + (cols - centre[1]) ** 2 <= radius ** 2
                image[disc] = np.maximum(image[disc], intensity)
                if intensity == 1.0:
                    mask[disc] = 1.0
    images += rng.normal(0.0, SEGMENTATION_NOISE, images.shape).astype("float32")
    return _first_half(images.reshape(n_samples, -1), masks.reshape(n_samples, -1), "binary", "discs", n_train)


SEQUENCE_PAD = 0
"""The pad of the sequence generators: the pad tag of :func:`tagged_frames`, the blank and label pad of
:func:`digit_frames` (Keras's CTC convention: class 0 is the blank and ends a label sequence)."""

SEQUENCE_FEATURES = 8
"""Features per frame in :func:`tagged_frames` and :func:`digit_frames`."""


def _frame_centres(n_classes, salt):
    """Fixed centres of the frames of each class: part of the problem, the same in every replicate."""
    return 1.5 * np.random.default_rng(salt).standard_normal((n_classes, SEQUENCE_FEATURES))


def _check_sizes(n_samples, n_train):
    n_samples, n_train = int(n_samples), int(n_train)
    if not 0 < n_train < n_samples:
        raise ValueError(f"n_train must be between 1 and n_samples - 1 = {n_samples - 1}, got {n_train}")
    return n_samples, n_train


def tagged_frames(n_samples=600, n_train=300, max_length=20, min_length=4, n_tags=4, seed=None):
    """Draw a sequence-labelling problem: variable-length sequences of noisy frames, one tag per frame, padded.

    Each sequence has a length drawn uniformly from ``min_length..max_length``. Each
    of its frames carries a tag drawn uniformly from ``1..n_tags`` and is that tag's
    fixed centre (``1.5 * N(0, I)`` in 8 dimensions, the same in every replicate)
    plus ``N(0, I)`` noise, so a tag can be read from its frame alone, with some
    errors. The sequences are padded at the end to ``max_length`` frames: a pad
    frame is all zeros and its tag is ``SEQUENCE_PAD`` (0). A model's output has a
    class for the pad (``n_tags + 1`` classes); a loss that ignores class 0
    (``keras.losses.SparseCategoricalCrossentropy(ignore_class=0)``) or a mask
    (``keras.layers.Masking(mask_value=0.0)``) keeps the pads out of the loss.

    Parameters
    ----------
    n_samples : int, default=600
        Number of sequences.
    n_train : int, default=300
        The first ``n_train`` sequences form the training set, the rest the test set.
    max_length : int, default=20
        Padded length, ``>= min_length``.
    min_length : int, default=4
        Shortest sequence, ``>= 1``.
    n_tags : int, default=4
        Number of real tags, ``>= 2``.
    seed : int, optional
        Replicate number: ``seed=r`` draws new sequences from
        ``numpy.random.default_rng(streams(r).data)``; ``None`` gives a fixed
        illustration draw (``default_rng(0)``).

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_train, max_length * 8), float32: the frames of a
        sequence, flattened (``X.reshape(-1, max_length, 8)`` gives them back);
        ``y_train`` of shape (n_train, max_length), int64 tags in ``0..n_tags``,
        0 exactly at the pads; the same for the test set. ``task`` is
        ``"multiclass"``, ``name`` is ``"tagged frames"``.

    Raises
    ------
    ValueError
        If the lengths or ``n_tags`` are out of range, or ``n_train`` leaves no
        training or no test sequence.

    Examples
    --------
    >>> from companion.datasets import tagged_frames
    >>> split = tagged_frames(seed=3)
    >>> split.X_train.shape, split.y_train.shape
    ((300, 160), (300, 20))
    >>> frames = split.X_train.reshape(-1, 20, 8)
    >>> bool(((split.y_train == 0) == (frames == 0).all(axis=-1)).all())
    True
    """
    n_samples, n_train = _check_sizes(n_samples, n_train)
    max_length, min_length, n_tags = int(max_length), int(min_length), int(n_tags)
    if not 1 <= min_length <= max_length:
        raise ValueError(f"need 1 <= min_length <= max_length, got min_length={min_length}, max_length={max_length}")
    if n_tags < 2:
        raise ValueError(f"n_tags must be at least 2, got {n_tags}")
    rng = np.random.default_rng(0 if seed is None else streams(seed).data)
    lengths = rng.integers(min_length, max_length + 1, n_samples)
    tags = rng.integers(1, n_tags + 1, (n_samples, max_length))
    frames = _frame_centres(n_tags, 7)[tags - 1] + rng.standard_normal((n_samples, max_length, SEQUENCE_FEATURES))
    pad = np.arange(max_length)[None, :] >= lengths[:, None]
    tags[pad] = SEQUENCE_PAD
    frames[pad] = 0.0
    return _first_half(frames.reshape(n_samples, -1).astype("float32"), tags.astype("int64"), "multiclass",
                       "tagged frames", n_train)


DIGIT_FRAME_TARGETS = ("labels", "frames", "uniform")
"""What :func:`digit_frames` returns as ``y``."""


def digit_frames(targets="labels", n_samples=400, n_train=200, n_frames=16, n_digits=5, seed=None):
    """Draw an alignment problem: short digit strings, each digit spread over a few noisy frames.

    A clip has ``n_frames`` frames of 8 features. Its label is a string of 2 to 4
    digits from ``1..n_digits``. The clip starts with 0 or 1 frame of silence; each
    digit then lasts 2 or 3 frames and is preceded by 0 or 1 frame of silence (always
    1 when it repeats the digit before it, as a pause separates "3 3"); silence fills
    the rest of the clip. A digit's frame is its fixed centre (``1.5 * N(0, I)``, the
    same in every replicate) plus ``N(0, I)`` noise; a silence frame is noise alone.
    So the input (16 frames) is longer than the label (at most 4 digits), and where
    each digit starts is not given by the label.

    ``targets`` picks what ``y`` holds, for the same clips:

    - ``"labels"``: the digit strings, padded at the end with 0, shape (n, 4): what
      ``keras.losses.CTC`` takes (class 0 is its blank and never a digit).
    - ``"frames"``: the true alignment, one target per frame, 0 for silence, shape
      (n, n_frames): per-frame cross-entropy with a known alignment.
    - ``"uniform"``: a guessed alignment, one target per frame: the digits (with a 0
      between two equal ones) stretched evenly over the whole clip. What per-frame
      cross-entropy can use when only the label is known.

    Greedy CTC decoding of either frame target (merge repeats, drop the 0s) gives
    back the digit string.

    Parameters
    ----------
    targets : {"labels", "frames", "uniform"}, default="labels"
    n_samples : int, default=400
        Number of clips.
    n_train : int, default=200
        The first ``n_train`` clips form the training set, the rest the test set.
    n_frames : int, default=16
        Frames per clip, ``>= 16`` (the longest string fills 16).
    n_digits : int, default=5
        Number of digit classes, ``>= 2``; a model's output has ``n_digits + 1``
        classes (0 for the blank or silence).
    seed : int, optional
        Replicate number: ``seed=r`` draws new clips from
        ``numpy.random.default_rng(streams(r).data)``; ``None`` gives a fixed
        illustration draw (``default_rng(0)``). The clips depend on ``seed`` only,
        never on ``targets``.

    Returns
    -------
    split : Split
        ``X_train`` of shape (n_train, n_frames * 8), float32: a clip's frames,
        flattened (``X.reshape(-1, n_frames, 8)`` gives them back); ``y_train``
        int64, as ``targets`` says; the same for the test set. ``task`` is
        ``"multiclass"``, ``name`` is ``"digit frames"``.

    Raises
    ------
    ValueError
        For an unknown ``targets``, ``n_frames < 16``, ``n_digits < 2``, or an
        ``n_train`` that leaves no training or no test clip.

    Examples
    --------
    >>> from companion.datasets import digit_frames
    >>> labels = digit_frames("labels", seed=3)
    >>> labels.X_train.shape, labels.y_train.shape
    ((200, 128), (200, 4))
    >>> frames = digit_frames("frames", seed=3)
    >>> bool((frames.X_train == labels.X_train).all()), frames.y_train.shape
    (True, (200, 16))
    >>> labels.y_train[0]
    array([2, 1, 0, 0])
    >>> frames.y_train[0]
    array([0, 2, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    """
    if targets not in DIGIT_FRAME_TARGETS:
        raise ValueError(f"targets must be one of {DIGIT_FRAME_TARGETS}, got {targets!r}")
    n_samples, n_train = _check_sizes(n_samples, n_train)
    n_frames, n_digits = int(n_frames), int(n_digits)
    if n_frames < 16:
        raise ValueError(f"n_frames must be at least 16 (the longest digit string fills 16), got {n_frames}")
    if n_digits < 2:
        raise ValueError(f"n_digits must be at least 2, got {n_digits}")
    rng = np.random.default_rng(0 if seed is None else streams(seed).data)
    labels = np.zeros((n_samples, 4), "int64")
    frames = np.zeros((n_samples, n_frames), "int64")
    uniform = np.zeros((n_samples, n_frames), "int64")
    for i in range(n_samples):
        digits = rng.integers(1, n_digits + 1, rng.integers(2, 5))
        labels[i, :len(digits)] = digits
        t = int(rng.integers(0, 2))
        units = []
        for j, digit in enumerate(digits):
            repeat = j > 0 and digit == digits[j - 1]
            if j > 0:
                t += int(rng.integers(1 if repeat else 0, 2))
            if repeat:
                units.append(SEQUENCE_PAD)
            width = int(rng.integers(2, 4))
            frames[i, t:t + width] = digit
            t += width
            units.append(digit)
        uniform[i] = np.asarray(units)[(np.arange(n_frames) * len(units)) // n_frames]
    centres = np.vstack([np.zeros((1, SEQUENCE_FEATURES)), _frame_centres(n_digits, 11)])
    X = centres[frames] + rng.standard_normal((n_samples, n_frames, SEQUENCE_FEATURES))
    y = {"labels": labels, "frames": frames, "uniform": uniform}[targets]
    return _first_half(X.reshape(n_samples, -1).astype("float32"), y, "multiclass", "digit frames", n_train)
