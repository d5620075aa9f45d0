"""Tests for companion.datasets: the seed's problems and their replicates, label encodings, CSV loading, outliers.

``tests/data/small.csv`` has 120 rows: features ``x1 ~ N(5, 2)``, ``x2 ~ N(-3, 0.5)``,
``x3 ~ U(0, 100)`` (rounded to 4 decimals) and ``label = 1`` where
``(x1 - 5) / 2 + (x2 + 3) / 0.5 + 0.3 * noise > 0``, drawn with
``np.random.default_rng(2024)`` in that order. ``nonnumeric.csv``, ``single_class.csv`` and
``missing_values.csv`` are its first 12 rows with ``x2`` replaced by words, every label set to 1,
and one ``x3`` left empty.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from companion import datasets
from companion.datasets import Split, contaminate, encode_labels, from_csv

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.csv"
FEATURES = ["x1", "x2", "x3"]


@pytest.fixture(scope="module")
def regression():
    return datasets.regression()


@pytest.fixture(scope="module")
def circles():
    return datasets.circles()


@pytest.fixture(scope="module")
def blobs():
    return datasets.blobs()


# ---------------------------------------------------------------- the seed's problems


@pytest.mark.parametrize(
    "loader, n_features, task, name, classes",
    [
        (datasets.regression, 20, "regression", "regression", None),
        (datasets.circles, 2, "binary", "circles", [0, 1]),
        (datasets.blobs, 2, "multiclass", "blobs", [0, 1, 2]),
    ],
)
def test_seed_problem_shapes_and_labels(loader, n_features, task, name, classes):
    split = loader()
    assert split.X_train.shape == (500, n_features)
    assert split.X_test.shape == (500, n_features)
    assert split.y_train.shape == (500,)
    assert split.y_test.shape == (500,)
    assert split.X_train.dtype == np.float32
    assert (split.task, split.name, split.n_features) == (task, name, n_features)
    if classes is None:
        assert split.y_train.dtype == np.float32
        assert split.n_classes is None
    else:
        assert split.y_train.dtype == np.int64
        assert sorted(set(split.y_train.tolist())) == classes
        assert sorted(set(split.y_test.tolist())) == classes
        assert split.n_classes == len(classes)


def test_seed_problems_are_the_same_every_call(circles):
    again = datasets.circles()
    np.testing.assert_array_equal(again.X_train, circles.X_train)
    np.testing.assert_array_equal(again.y_test, circles.y_test)


def test_regression_is_standardized_over_all_1000_samples(regression):
    X = np.concatenate([regression.X_train, regression.X_test]).astype("float64")
    y = np.concatenate([regression.y_train, regression.y_test]).astype("float64")
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(X.std(axis=0), 1.0, atol=1e-5)
    assert abs(y.mean()) < 1e-6
    assert abs(y.std() - 1.0) < 1e-5
    # ... but not per half: the split keeps the seed's global scaling.
    assert abs(regression.y_train.mean()) > 1e-3


def test_regression_matches_the_seed_recipe(regression):
    from sklearn.datasets import make_regression

    X, y = make_regression(n_samples=1000, n_features=20, noise=0.1, random_state=1)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = (y - y.mean()) / y.std()
    np.testing.assert_allclose(regression.X_train, X[:500], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(regression.y_test, y[500:], rtol=1e-5, atol=1e-5)


def test_circles_and_blobs_match_the_seed_recipe(circles, blobs):
    from sklearn.datasets import make_blobs, make_circles

    X, y = make_circles(n_samples=1000, noise=0.1, random_state=1)
    np.testing.assert_allclose(circles.X_test, X[500:], rtol=1e-6)
    np.testing.assert_array_equal(circles.y_train, y[:500])
    X, y = make_blobs(n_samples=1000, centers=3, n_features=2, cluster_std=2, random_state=2)
    np.testing.assert_allclose(blobs.X_train, X[:500], rtol=1e-6)
    np.testing.assert_array_equal(blobs.y_test, y[500:])


def test_n_train_moves_the_boundary():
    split = datasets.blobs(n_samples=300, n_train=100)
    assert (len(split.X_train), len(split.X_test)) == (100, 200)


# ---------------------------------------------------------------- encode_labels


def test_encode_float_keeps_values():
    out = encode_labels([0.5, -1.25, 3.0], "float")
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [0.5, -1.25, 3.0])


def test_encode_01_and_pm1():
    y = np.array([0, 1, 1, 0])
    out01 = encode_labels(y, "01")
    assert out01.dtype == np.float32
    np.testing.assert_array_equal(out01, [0.0, 1.0, 1.0, 0.0])
    pm1 = encode_labels(y, "pm1")
    assert pm1.dtype == np.float32
    np.testing.assert_array_equal(pm1, [-1.0, 1.0, 1.0, -1.0])


def test_encode_integer_and_onehot():
    y = [2, 0, 1, 2]
    out = encode_labels(y, "integer")
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, y)
    onehot = encode_labels(y, "onehot")
    assert onehot.dtype == np.float32
    np.testing.assert_array_equal(onehot, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    wide = encode_labels([0, 1], "onehot", n_classes=4)
    np.testing.assert_array_equal(wide, [[1, 0, 0, 0], [0, 1, 0, 0]])


def test_encode_onehot_of_the_seed_blobs(blobs):
    onehot = encode_labels(blobs.y_train, "onehot", blobs.n_classes)
    assert onehot.shape == (500, 3)
    np.testing.assert_array_equal(onehot.sum(axis=1), 1.0)
    np.testing.assert_array_equal(onehot.argmax(axis=1), blobs.y_train)


def test_encode_accepts_float_valued_integer_labels():
    np.testing.assert_array_equal(encode_labels(np.array([0.0, 1.0]), "pm1"), [-1.0, 1.0])


@pytest.mark.parametrize(
    "y, fmt, n_classes, message",
    [
        ([0, 1], "sparse", None, "label format must be one of"),
        ([[0], [1]], "01", None, r"shape \(n,\)"),
        ([0, -1], "integer", None, "non-negative integers"),
        ([0, 0.5], "onehot", None, "non-negative integers"),
        ([0, 2], "01", None, "'01' labels must be 0 or 1"),
        ([0, 2], "pm1", None, "'pm1' encoding needs 0/1 labels"),
        ([0, 3], "onehot", 3, "out of range for n_classes=3"),
    ],
)
def test_encode_labels_rejects(y, fmt, n_classes, message):
    with pytest.raises(ValueError, match=message):
        encode_labels(y, fmt, n_classes)


# ---------------------------------------------------------------- from_csv


def reference_split(path, target, n_train, random_state=0):
    """Recompute from_csv's shuffle and train-set standardization independently."""
    frame = pd.read_csv(path)
    X = frame.drop(columns=[target]).to_numpy(dtype="float64")
    y = frame[target].to_numpy()
    order = np.random.default_rng(random_state).permutation(len(X))
    X, y = X[order], y[order]
    mean, std = X[:n_train].mean(axis=0), X[:n_train].std(axis=0)
    return (X - mean) / std, y, n_train


def test_from_csv_binary_small():
    split = from_csv(SMALL, "label")
    assert split.task == "binary"
    assert split.name == "small"
    assert split.X_train.shape == (60, 3)
    assert split.X_test.shape == (60, 3)
    assert split.y_train.dtype == np.int64
    assert set(split.y_train.tolist()) | set(split.y_test.tolist()) == {0, 1}
    assert split.n_classes == 2
    # 52 of the 120 labels are 1, whatever the shuffle.
    assert int(split.y_train.sum() + split.y_test.sum()) == 52


def test_from_csv_standardizes_with_training_statistics():
    split = from_csv(SMALL, "label")
    np.testing.assert_allclose(split.X_train.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(split.X_train.std(axis=0), 1.0, atol=1e-5)
    # The test set is transformed with the *training* mean and std, so it is not exactly centred.
    assert np.abs(split.X_test.mean(axis=0)).max() > 1e-3
    X, y, n = reference_split(SMALL, "label", 60)
    np.testing.assert_allclose(split.X_train, X[:n], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(split.X_test, X[n:], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(split.y_test, y[n:])


def test_from_csv_shuffle_is_reproducible():
    a = from_csv(SMALL, "label", random_state=3)
    b = from_csv(SMALL, "label", random_state=3)
    c = from_csv(SMALL, "label", random_state=4)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_train, c.y_train)
    X, _, n = reference_split(SMALL, "label", 60, random_state=4)
    np.testing.assert_allclose(c.X_train, X[:n], rtol=1e-5, atol=1e-6)


def test_from_csv_sizes():
    assert len(from_csv(SMALL, "label", n_train=90).X_train) == 90
    assert len(from_csv(SMALL, "label", test_fraction=0.25).X_test) == 30


def write_csv(tmp_path, name, columns):
    path = tmp_path / name
    pd.DataFrame(columns).to_csv(path, index=False)
    return path


def test_from_csv_infers_regression_and_standardizes_y(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=40)
    path = write_csv(tmp_path, "reg.csv", {"a": x, "b": rng.normal(size=40), "price": 100 + 7 * x})
    split = from_csv(path, "price")
    assert split.task == "regression"
    assert split.y_train.dtype == np.float32
    assert abs(split.y_train.mean()) < 1e-5
    assert abs(split.y_train.std() - 1.0) < 1e-5


def test_from_csv_infers_multiclass_from_strings_in_sorted_order(tmp_path):
    rng = np.random.default_rng(1)
    names = np.array(["cat", "ant", "bee"])[rng.integers(0, 3, size=30)]
    path = write_csv(tmp_path, "animals.csv", {"a": rng.normal(size=30), "kind": names})
    split = from_csv(path, "kind", random_state=0)
    assert split.task == "multiclass"
    assert split.n_classes == 3
    order = np.random.default_rng(0).permutation(30)
    expected = np.searchsorted(["ant", "bee", "cat"], names[order])
    np.testing.assert_array_equal(np.concatenate([split.y_train, split.y_test]), expected)


def test_from_csv_many_integer_values_is_regression(tmp_path):
    path = write_csv(tmp_path, "counts.csv", {"a": np.arange(50.0), "count": np.arange(50) * 3})
    assert from_csv(path, "count").task == "regression"


def test_from_csv_task_override(tmp_path):
    split = from_csv(SMALL, "label", task="regression")
    assert split.task == "regression"
    assert abs(split.y_train.mean()) < 1e-5


@pytest.mark.parametrize(
    "path, target, kwargs, message",
    [
        (DATA / "does_not_exist.csv", "label", {}, "no such file"),
        (SMALL, "price", {}, r"column 'price' not in .*columns: x1, x2, x3, label"),
        (DATA / "single_class.csv", "label", {}, "'label' has fewer than two classes"),
        (DATA / "single_class.csv", "label", {"task": "binary"}, "fewer than two classes"),
        (SMALL, "label", {"task": "ordinal"}, "task must be one of"),
    ],
)
def test_from_csv_rejects(path, target, kwargs, message):
    with pytest.raises(ValueError, match=message):
        from_csv(path, target, **kwargs)


def test_from_csv_rejects_three_classes_as_binary(tmp_path):
    path = write_csv(tmp_path, "three.csv", {"a": np.arange(9.0), "y": [0, 1, 2] * 3})
    with pytest.raises(ValueError, match="binary task needs exactly two classes"):
        from_csv(path, "y", task="binary")


def test_from_csv_rejects_no_features_and_too_few_rows(tmp_path):
    with pytest.raises(ValueError, match="no feature columns"):
        from_csv(write_csv(tmp_path, "only.csv", {"y": [0, 1, 0, 1]}), "y")
    with pytest.raises(ValueError, match="3 rows"):
        from_csv(write_csv(tmp_path, "tiny.csv", {"a": [1.0, 2.0, 3.0], "y": [0, 1, 0]}), "y")
    with pytest.raises(ValueError, match="has 9 rows; at least 10 are needed"):
        from_csv(write_csv(tmp_path, "nine.csv", {"a": np.arange(9.0), "y": [0, 1, 2] * 3}), "y")


# ---------------------------------------------------------------- contaminate


@pytest.mark.parametrize("fraction, count", [(0.0, 0), (0.1, 50), (0.25, 125), (1.0, 500)])
def test_contaminate_corrupts_round_fraction_times_n(regression, fraction, count):
    dirty = contaminate(regression, fraction, magnitude=10.0)
    delta = dirty.y_train - regression.y_train
    changed = delta != 0
    assert int(changed.sum()) == count
    np.testing.assert_allclose(np.abs(delta[changed]), 10.0, rtol=1e-5)
    np.testing.assert_array_equal(dirty.y_test, regression.y_test)
    np.testing.assert_array_equal(dirty.X_train, regression.X_train)
    assert dirty.name == f"regression+{fraction:.0%} outliers"


def test_contaminate_is_seeded_and_leaves_the_input_alone(regression):
    before = regression.y_train.copy()
    a = contaminate(regression, 0.2, random_state=5)
    b = contaminate(regression, 0.2, random_state=5)
    c = contaminate(regression, 0.2, random_state=6)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.y_train, c.y_train)
    np.testing.assert_array_equal(regression.y_train, before)
    signs = np.sign((a.y_train - regression.y_train)[a.y_train != regression.y_train])
    assert set(signs.tolist()) == {-1.0, 1.0}


def test_contaminate_rejects(circles, regression):
    with pytest.raises(ValueError, match="needs a regression split, got a binary split"):
        contaminate(circles, 0.1)
    for fraction in (-0.1, 1.5):
        with pytest.raises(ValueError, match=r"fraction must be in \[0, 1\]"):
            contaminate(regression, fraction)


# ---------------------------------------------------------------- Split


def arrays(n_train=4, n_test=3, d=2):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n_train, d)), np.zeros(n_train), rng.normal(size=(n_test, d)), np.zeros(n_test)


def test_split_properties():
    X, y, Xt, yt = arrays()
    split = Split(X, y.astype(int), Xt, np.array([0, 4, 1]), task="multiclass")
    assert split.n_features == 2
    assert split.n_classes == 5  # the largest label in either set, plus one
    assert split.name == "data"
    onehot = Split(X, np.eye(3)[[0, 1, 2, 0]], Xt, yt, task="multiclass")
    assert onehot.n_classes == 3


@pytest.mark.parametrize(
    "change, message",
    [
        ({"task": "ranking"}, "task must be one of"),
        ({"X_train": np.zeros(4)}, r"train split needs X of shape \(n, n_features\)"),
        ({"y_test": np.zeros(2)}, "test split needs X of shape"),
        ({"y_train": np.zeros((4, 1, 1))}, "train split needs"),
        ({"X_train": np.zeros((0, 2)), "y_train": np.zeros(0)}, "train split is empty"),
        ({"X_test": np.zeros((3, 5))}, "different feature counts: 2 vs 5"),
    ],
)
def test_split_rejects(change, message):
    X, y, Xt, yt = arrays()
    fields = {"X_train": X, "y_train": y, "X_test": Xt, "y_test": yt, "task": "regression"}
    fields.update(change)
    with pytest.raises(ValueError, match=message):
        Split(**fields)


# flip_labels: symmetric label noise


@pytest.mark.parametrize("fraction, count", [(0.0, 0), (0.1, 50), (0.25, 125), (1.0, 500)])
def test_flip_labels_flips_round_fraction_times_n(circles, fraction, count):
    y = circles.y_train
    noisy = datasets.flip_labels(y, fraction, seed=3)
    assert int(np.sum(noisy != y)) == count
    assert noisy.dtype == y.dtype and noisy.shape == y.shape
    np.testing.assert_array_equal(noisy[noisy != y], 1 - y[noisy != y])


def test_flip_labels_pm1_and_multiclass():
    rng = np.random.default_rng(0)
    pm1 = rng.choice([-1.0, 1.0], size=200).astype("float32")
    noisy = datasets.flip_labels(pm1, 0.3, seed=1)
    changed = noisy != pm1
    assert changed.sum() == 60
    np.testing.assert_array_equal(noisy[changed], -pm1[changed])
    classes = rng.integers(0, 4, size=400)
    noisy = datasets.flip_labels(classes, 0.5, seed=1)
    changed = noisy != classes
    assert changed.sum() == 200  # every chosen label moves to another class, never to itself
    assert set(np.unique(noisy)) <= {0, 1, 2, 3}
    assert len(set(noisy[changed] - classes[changed])) > 1  # more than one target class is used


def test_flip_labels_is_seeded_and_leaves_the_input_alone(circles):
    y = circles.y_train.copy()
    a = datasets.flip_labels(y, 0.2, seed=5)
    np.testing.assert_array_equal(a, datasets.flip_labels(y, 0.2, seed=5))
    assert np.any(a != datasets.flip_labels(y, 0.2, seed=6))
    np.testing.assert_array_equal(y, circles.y_train)


@pytest.mark.parametrize(
    "y, fraction, seed, message",
    [
        (np.zeros((4, 2)), 0.1, 0, r"shape \(n,\)"),
        (np.array([]), 0.1, 0, "empty"),
        (np.array([0, 1, 1]), 1.5, 0, r"fraction must be a number in \[0, 1\]"),
        (np.array([0, 1, 1]), -0.1, 0, r"fraction must be a number in \[0, 1\]"),
        (np.array([0, 1, 1]), 0.1, 0.5, "seed must be an integer"),
        (np.array([0.0, 0.5, 1.0]), 0.1, 0, "must be integers"),
        (np.array([0.0, np.nan]), 0.1, 0, "must be integers"),
        (np.array([-2, 0, 1]), 0.1, 0, "0/1, -1/\\+1 or 0..k-1"),
    ],
)
def test_flip_labels_rejects(y, fraction, seed, message):
    with pytest.raises(ValueError, match=message):
        datasets.flip_labels(y, fraction, seed=seed)


def test_flip_labels_uses_n_classes_when_the_top_class_is_absent():
    # Labels 0..8 of a 10-class problem: k must come from n_classes, not from max(y) + 1 = 9.
    y = np.repeat(np.arange(9), 50)
    noisy = datasets.flip_labels(y, 1.0, seed=0, n_classes=10)
    assert np.all(noisy != y) and 9 in set(noisy.tolist())  # the absent class is a possible wrong label
    assert set(noisy.tolist()) <= set(range(10))
    pair = datasets.flip_labels(y, 1.0, kind="pairwise", n_classes=10)
    np.testing.assert_array_equal(pair, y + 1)  # class 8 goes to 9, not round to 0
    # without n_classes the documented fallback k = max(y) + 1 applies
    np.testing.assert_array_equal(datasets.flip_labels(y, 1.0, kind="pairwise"), (y + 1) % 9)
    # 0/1 labels of a three-class problem are multi-class labels, not binary ones
    assert 2 in set(datasets.flip_labels(np.repeat([0, 1], 50), 1.0, seed=0, n_classes=3).tolist())


@pytest.mark.parametrize(
    "y, n_classes, message",
    [
        (np.array([0, 1, 2]), 1, "n_classes must be an integer of at least 2"),
        (np.array([0, 1, 2]), 2.5, "n_classes must be an integer of at least 2"),
        (np.array([0, 1, 2]), True, "n_classes must be an integer of at least 2"),
        (np.array([0, 1, 5]), 4, r"labels must lie in 0..3 for n_classes=4"),
        (np.array([-1, 1, 1]), 3, "-1/\\+1 labels have 2 classes"),
    ],
)
def test_flip_labels_rejects_a_wrong_n_classes(y, n_classes, message):
    with pytest.raises(ValueError, match=message):
        datasets.flip_labels(y, 0.5, seed=0, n_classes=n_classes)


def test_blob_centers_are_the_centres_blobs_draws_around(blobs):
    centers = datasets.blob_centers()
    assert centers.shape == (3, 2)
    for k in range(3):  # 1000 points: each class mean lies within a few standard errors of its centre
        points = np.concatenate([blobs.X_train[blobs.y_train == k], blobs.X_test[blobs.y_test == k]])
        np.testing.assert_allclose(points.mean(axis=0), centers[k], atol=4 * 2.0 / np.sqrt(len(points)))


# digits: scikit-learn's bundled load_digits, stratified and standardized


def test_digits_is_a_stratified_standardized_multiclass_split():
    split = datasets.digits()
    assert split.task == "multiclass" and split.n_classes == 10 and split.n_features == 64
    assert len(split.y_train) + len(split.y_test) == 1797
    assert split.X_train.dtype == np.float32 and split.y_train.dtype == np.int64
    # training statistics: mean 0, std 1 per non-constant pixel (constant pixels stay 0)
    std = split.X_train.std(axis=0)
    np.testing.assert_allclose(split.X_train.mean(axis=0), 0.0, atol=1e-5)
    assert np.all((np.abs(std - 1.0) < 1e-4) | (std == 0))
    # stratified: each class's share differs by at most one row's worth between the parts
    train_share = np.bincount(split.y_train, minlength=10) / len(split.y_train)
    test_share = np.bincount(split.y_test, minlength=10) / len(split.y_test)
    np.testing.assert_allclose(train_share, test_share, atol=2.0 / len(split.y_test))


def test_digits_is_reproducible_and_the_seed_changes_the_split():
    a, b, c = datasets.digits(random_state=1), datasets.digits(random_state=1), datasets.digits(random_state=2)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.y_train, c.y_train)


def test_digits_calibration_part_is_disjoint_and_uses_training_statistics():
    from sklearn.datasets import load_digits

    split, (X_cal, y_cal) = datasets.digits(test_size=0.4, calibration_size=0.2, random_state=3)
    assert len(split.y_train) + len(y_cal) + len(split.y_test) == 1797
    assert abs(len(y_cal) - 0.2 * 1797) <= 1 and X_cal.shape[1] == 64
    assert set(np.unique(y_cal)) == set(range(10))
    # every image appears once: as many distinct rows as load_digits has (the scaling is one-to-one)
    raw, _ = load_digits(return_X_y=True)
    parts = np.concatenate([split.X_train, X_cal, split.X_test])
    assert len(np.unique(parts, axis=0)) == len(np.unique(raw, axis=0))
    # pixels are integers 0..16, so a column scaled as (v - m) / s lies on a lattice of spacing 1 / s with
    # offset -m / s; the calibration rows must sit on the training rows' lattice (training m and s), and
    # standardizing with their own statistics would move them off it
    for j in (20, 42):
        train = np.unique(split.X_train[:, j].astype("float64"))
        spacing = np.diff(train).min()
        steps = (X_cal[:, j].astype("float64") - train[0]) / spacing
        np.testing.assert_allclose(steps, np.round(steps), atol=1e-3)
    own = (X_cal - X_cal.mean(axis=0)) / np.where(X_cal.std(axis=0) > 0, X_cal.std(axis=0), 1)
    assert not np.allclose(own, X_cal, atol=1e-3)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"test_size": 0.0}, "test_size must be positive"),
        ({"test_size": 1.2}, r"test_size must be a number in \[0, 1\)"),
        ({"calibration_size": -0.1}, r"calibration_size must be a number in \[0, 1\)"),
        ({"test_size": 0.6, "calibration_size": 0.4}, "must leave training rows"),
    ],
)
def test_digits_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        datasets.digits(**kwargs)


# flip_labels(kind="pairwise"): class-dependent label noise


@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.45])
def test_flip_labels_pairwise_flips_the_stated_fraction_of_every_class_to_the_next(fraction):
    y = datasets.digits().y_train
    noisy = datasets.flip_labels(y, fraction, seed=2, kind="pairwise")
    assert noisy.dtype == y.dtype and noisy.shape == y.shape
    classes = np.unique(y)
    assert len(classes) == 10
    for c in classes:
        in_c = y == c
        flipped = noisy[in_c] != c
        assert flipped.sum() == round(fraction * in_c.sum())  # the realised per-class rate, exactly
        np.testing.assert_array_equal(noisy[in_c][flipped], (c + 1) % 10)  # always to the next class


def test_flip_labels_pairwise_follows_to_and_only_touches_the_labels_it_is_given():
    split = datasets.digits()
    test_before = split.y_test.copy()
    to = [9, 0, 1, 2, 3, 4, 5, 6, 7, 8]  # each class to the previous one
    noisy = datasets.flip_labels(split.y_train, 0.2, seed=0, kind="pairwise", to=to)
    changed = noisy != split.y_train
    assert changed.sum() > 0
    np.testing.assert_array_equal(noisy[changed], np.array(to)[split.y_train[changed]])
    np.testing.assert_array_equal(split.y_test, test_before)  # the test labels stay clean
    # the same flips from a dict, and other flips from another seed
    as_dict = datasets.flip_labels(split.y_train, 0.2, seed=0, kind="pairwise", to=dict(enumerate(to)))
    np.testing.assert_array_equal(noisy, as_dict)
    other = datasets.flip_labels(split.y_train, 0.2, seed=1, kind="pairwise", to=to)
    assert np.any(other != noisy) and (other != split.y_train).sum() == changed.sum()


def test_flip_labels_pairwise_on_01_labels_and_the_symmetric_default_is_unchanged(circles):
    y = circles.y_train
    noisy = datasets.flip_labels(y, 0.2, seed=4, kind="pairwise")
    for c in (0, 1):
        assert (noisy[y == c] != c).sum() == round(0.2 * (y == c).sum())
    np.testing.assert_array_equal(datasets.flip_labels(y, 0.2, seed=4),
                                  datasets.flip_labels(y, 0.2, seed=4, kind="symmetric"))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"kind": "uniform"}, "kind must be 'symmetric' or 'pairwise'"),
        ({"to": [1, 2, 0]}, "pass kind='pairwise'"),
        ({"kind": "pairwise", "to": [1, 2]}, "sequence of 3 target classes"),
        ({"kind": "pairwise", "to": [0, 2, 0]}, r"to\[0\] is 0 itself"),
        ({"kind": "pairwise", "to": [1, 3, 0]}, r"to\[1\] must be a class in 0..2"),
        ({"kind": "pairwise", "to": [1.0, 2.0, 0.0]}, r"to\[0\] must be a class"),
        ({"kind": "pairwise", "to": {0: 1, 1: 2}}, r"no target class for class\(es\) \[2\]"),
    ],
)
def test_flip_labels_pairwise_rejects(kwargs, message):
    y = np.array([0, 1, 2, 0, 1, 2])
    with pytest.raises(ValueError, match=message):
        datasets.flip_labels(y, 0.5, **kwargs)


def test_flip_labels_pairwise_rejects_pm1_labels():
    with pytest.raises(ValueError, match="map -1/\\+1 labels to 0/1"):
        datasets.flip_labels(np.array([-1, 1, 1, -1]), 0.5, kind="pairwise")


# ---------------------------------------------------------------- diabetes and heteroscedastic (uncertainty chapter)

def test_diabetes_is_standardized_with_training_statistics():
    from sklearn.datasets import load_diabetes

    split = datasets.diabetes(test_size=0.5, random_state=0)
    assert split.X_train.shape == (221, 10) and split.X_test.shape == (221, 10)
    assert split.task == "regression" and split.name == "diabetes"
    np.testing.assert_allclose(split.X_train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(split.X_train.std(axis=0), 1.0, atol=1e-5)
    assert abs(split.y_train.mean()) < 1e-5 and abs(split.y_train.std() - 1.0) < 1e-5
    assert abs(split.y_test.mean()) > 1e-3  # the test set is scaled, not re-standardized
    # the same rows, scaled with the training part's mean and sd (not the test part's)
    from sklearn.model_selection import train_test_split

    X, y = load_diabetes(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.5, random_state=0)
    np.testing.assert_allclose(split.y_test, (y_te - y_tr.mean()) / y_tr.std(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(split.X_test, (X_te - X_tr.mean(axis=0)) / X_tr.std(axis=0), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(split.y_test, datasets.diabetes(test_size=0.5, random_state=0).y_test)
    assert not np.array_equal(datasets.diabetes(random_state=1).y_test, split.y_test)


@pytest.mark.parametrize("test_size", [0.0, 1.0, 0.01, True, "half"])
def test_diabetes_rejects_bad_test_size(test_size):
    with pytest.raises(ValueError, match="test_size"):
        datasets.diabetes(test_size=test_size)


def test_heteroscedastic_noise_matches_its_truth():
    split = datasets.heteroscedastic(n_samples=40000, n_train=20000, random_state=3)
    X = np.concatenate([split.X_train, split.X_test])
    y = np.concatenate([split.y_train, split.y_test]).astype("float64")
    assert X.shape == (40000, 1) and X.min() >= -2.0 and X.max() <= 2.0
    mean, sd = datasets.heteroscedastic_truth(X)
    z = (y - mean) / sd
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1.0) < 0.02
    # the noise really grows with x: residual sd in the lowest and highest fifth of x
    low, high = X[:, 0] < -1.2, X[:, 0] > 1.2
    assert np.std(y[low] - mean[low]) < 0.3 < 0.7 < np.std(y[high] - mean[high])
    # and the true quantiles cover what they should
    q = datasets.heteroscedastic_quantiles(X, [0.05, 0.5, 0.95])
    assert q.shape == (40000, 3)
    for j, level in enumerate((0.05, 0.5, 0.95)):
        assert abs(np.mean(y <= q[:, j]) - level) < 0.01


def test_heteroscedastic_truth_is_positive_and_ordered_beyond_the_data():
    # The linear sd 0.1 + 0.2 (x + 2) reached 0 at x = -2.5 and turned negative below it, so the true
    # quantiles crossed on the grid a chapter plots ([-3, 3]).
    grid = np.linspace(-6.0, 6.0, 481)[:, None]
    mean, sd = datasets.heteroscedastic_truth(grid)
    assert np.all(sd > 0)
    np.testing.assert_allclose(sd[grid[:, 0] <= -2.0], 0.1)
    np.testing.assert_allclose(sd[grid[:, 0] >= 2.0], 0.9)
    inside = np.abs(grid[:, 0]) <= 2.0  # unchanged where the generator draws its data
    np.testing.assert_allclose(sd[inside], 0.1 + 0.2 * (grid[inside, 0] + 2.0))
    np.testing.assert_allclose(mean, np.sin(2.0 * grid[:, 0]))
    q = datasets.heteroscedastic_quantiles(grid, [0.05, 0.5, 0.95])
    assert np.all(np.diff(q, axis=1) > 0)


def test_heteroscedastic_is_reproducible_and_split():
    a, b = datasets.heteroscedastic(random_state=0), datasets.heteroscedastic(random_state=0)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert a.X_train.shape == (500, 1) and a.y_test.shape == (500,)
    assert not np.array_equal(a.y_train, datasets.heteroscedastic(random_state=1).y_train)


@pytest.mark.parametrize("call, match", [
    (lambda: datasets.heteroscedastic(n_samples=10, n_train=10), "n_train"),
    (lambda: datasets.heteroscedastic_truth(np.zeros((3, 2))), "shape \\(n, 1\\)"),
    (lambda: datasets.heteroscedastic_truth(np.zeros(3)), "shape \\(n, 1\\)"),
    (lambda: datasets.heteroscedastic_quantiles(np.zeros((3, 1)), [0.5, 1.0]), "strictly between"),
])
def test_heteroscedastic_rejects_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# imbalanced (imbalanced-classes chapter)

@pytest.mark.parametrize("source, ratio, n_majority, n_minority", [
    ("breast_cancer", 10, 357, 36),
    ("breast_cancer", 5, 200, 40),
    ("classification", 50, 1000, 20),
    ("classification", 10, 300, 30),
    ("classification", 1, 100, 100),
])
def test_imbalanced_achieves_the_ratio_and_stratifies(source, ratio, n_majority, n_minority):
    split = datasets.imbalanced(source, ratio=ratio, n_majority=n_majority)
    y = np.concatenate([split.y_train, split.y_test])
    assert int((y == 0).sum()) == n_majority and int(y.sum()) == n_minority
    assert split.task == "binary" and split.y_train.dtype == np.int64 and set(np.unique(y)) == {0, 1}
    # stratified: the two halves hold the minority in the same proportion, up to one sample
    assert abs(int(split.y_train.sum()) - int(split.y_test.sum())) <= 1
    assert abs(len(split.y_train) - len(split.y_test)) <= 1
    assert split.name.endswith(f"1:{ratio}")


def test_imbalanced_breast_cancer_positives_are_malignant():
    split = datasets.imbalanced("breast_cancer", ratio=10, random_state=3)
    assert split.name == "breast cancer 1:10" and split.X_train.shape[1] == 30
    # malignant tumours are larger: feature 0 ("mean radius") is far higher for label 1
    X, y = np.concatenate([split.X_train, split.X_test]), np.concatenate([split.y_train, split.y_test])
    assert X[y == 1, 0].mean() - X[y == 0, 0].mean() > 1.0
    # every sample is a distinct row of the data set
    assert len(np.unique(X.round(5), axis=0)) == len(X) == 357 + 36


@pytest.mark.parametrize("source", ["breast_cancer", "classification"])
def test_imbalanced_standardizes_with_training_statistics_only(source):
    split = datasets.imbalanced(source, ratio=10)
    np.testing.assert_allclose(split.X_train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(split.X_train.std(axis=0), 1.0, atol=1e-4)
    # statistics over all samples (or the test set) would centre these instead: they are not centred
    both = np.concatenate([split.X_train, split.X_test])
    assert np.abs(both.mean(axis=0)).max() > 1e-3
    assert np.abs(split.X_test.mean(axis=0)).max() > 1e-3


def test_imbalanced_is_reproducible_and_random_state_matters():
    a, b = datasets.imbalanced("classification", 20, random_state=1), datasets.imbalanced("classification", 20,
                                                                                          random_state=1)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    c = datasets.imbalanced("classification", 20, random_state=2)
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize("kwargs, match", [
    ({"source": "iris"}, "source must be one of"),
    ({"ratio": 0.5}, "ratio"),
    ({"ratio": np.inf}, "ratio"),
    ({"ratio": "10"}, "ratio"),
    ({"ratio": 1.2}, "212"),  # 298 malignant tumours needed, 212 exist
    ({"ratio": 200}, "at least 2 each"),  # 2 malignant tumours in all
    ({"n_majority": 400}, "exceeds"),
    ({"n_majority": 0}, "positive integer"),
    ({"test_fraction": 1.0}, "test_fraction"),
    ({"source": "classification", "ratio": 50, "n_majority": 100}, "at least 2 each"),
])
def test_imbalanced_rejects(kwargs, match):
    with pytest.raises(ValueError, match=match):
        datasets.imbalanced(**kwargs)


# ---------------------------------------------------------------- replicates: streams and seed=


def test_streams_are_the_spawned_children_of_the_seed_sequence():
    s = datasets.streams(5)
    assert s._fields == ("data", "split", "flips", "weights", "order") == datasets.STREAMS
    children = np.random.SeedSequence(5).spawn(5)
    assert list(s) == [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]
    assert all(isinstance(v, int) and 0 <= v < 2 ** 32 for v in s)
    assert len(set(s)) == 5 and datasets.streams(6).data != s.data


def test_streams_are_the_same_in_another_process():
    import subprocess
    import sys

    code = "from companion.datasets import streams; print(list(streams(0)), list(streams(123)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"{list(datasets.streams(0))} {list(datasets.streams(123))}"
    # and the same numbers as when this was written: the order of the streams is fixed forever
    assert datasets.streams(0) == (3757552657, 673228719, 3241444873, 3685993406, 1216546553)


@pytest.mark.parametrize("seed", [-1, 1.5, True, "3", np.float64(2.0)])
def test_streams_rejects_a_seed_that_is_not_a_replicate_number(seed):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        datasets.streams(seed)


def _arrays(result):
    if isinstance(result, tuple):
        return [a for part in result for a in _arrays(part)]
    if isinstance(result, Split):
        return [result.X_train, result.y_train, result.X_test, result.y_test]
    return [result]


REPLICATED = [
    (datasets.regression, {}),
    (datasets.circles, {}),
    (datasets.blobs, {}),
    (datasets.blobs, {"n_samples": 301, "n_train": 100}),
    (datasets.imbalanced, {"source": "breast_cancer", "ratio": 10}),
    (datasets.imbalanced, {"source": "classification", "ratio": 20, "n_majority": 300}),
    (datasets.digits, {}),
    (datasets.digits, {"test_size": 0.4, "calibration_size": 0.2}),
    (datasets.diabetes, {}),
    (datasets.heteroscedastic, {}),
]


@pytest.mark.parametrize("generator, kwargs", REPLICATED)
def test_a_replicate_is_reproducible_new_and_shaped_like_the_seed_draw(generator, kwargs):
    seed_draw = _arrays(generator(**kwargs))
    a, b, c = (_arrays(generator(seed=s, **kwargs)) for s in (3, 3, 4))
    assert len(a) == len(seed_draw) >= 4
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)  # the same seed twice: the same arrays
    assert [x.shape for x in a] == [x.shape for x in c] == [x.shape for x in seed_draw]
    assert [x.dtype for x in a] == [x.dtype for x in seed_draw]
    assert not np.array_equal(a[0], c[0]) and not np.array_equal(a[0], seed_draw[0])  # new draws
    assert not np.array_equal(a[2], c[2])


@pytest.mark.parametrize("generator", [datasets.imbalanced, datasets.digits, datasets.diabetes,
                                       datasets.heteroscedastic])
def test_seed_and_random_state_together_are_refused(generator):
    with pytest.raises(ValueError, match="either seed= .* or random_state="):
        generator(seed=1, random_state=0)
    # random_state=None is the default draw of random_state 0
    for x, y in zip(_arrays(generator(random_state=None)), _arrays(generator(random_state=0))):
        np.testing.assert_array_equal(x, y)


def test_seed_none_is_the_old_draw_of_heteroscedastic_digits_and_breast_cancer():
    from sklearn.datasets import load_breast_cancer, load_digits
    from sklearn.model_selection import train_test_split

    rng = np.random.default_rng(0)  # heteroscedastic, as it was drawn before replicates existed
    X = rng.uniform(-2.0, 2.0, size=(1000, 1))
    y = np.sin(2 * X[:, 0]) + (0.1 + 0.2 * (X[:, 0] + 2)) * rng.standard_normal(1000)
    split = datasets.heteroscedastic()
    np.testing.assert_array_equal(split.X_train, X[:500].astype("float32"))
    np.testing.assert_array_equal(split.y_test, y[500:].astype("float32"))

    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.5, stratify=y, random_state=0)
    split = datasets.digits()
    np.testing.assert_array_equal(split.y_train, y_tr)
    np.testing.assert_array_equal(split.y_test, y_te)

    data = load_breast_cancer()
    rng = np.random.default_rng(0)
    neg, pos = np.flatnonzero(data.target == 1), np.flatnonzero(data.target == 0)
    keep = np.concatenate([np.sort(rng.choice(neg, 357, replace=False)), np.sort(rng.choice(pos, 36, replace=False))])
    labels = np.r_[np.zeros(357, dtype=int), np.ones(36, dtype=int)]
    X_tr, X_te, y_tr, y_te = train_test_split(data.data[keep], labels, test_size=0.5, stratify=labels, random_state=0)
    split = datasets.imbalanced("breast_cancer", ratio=10)
    np.testing.assert_array_equal(split.y_train, y_tr)
    np.testing.assert_allclose(split.X_test, (X_te - X_tr.mean(axis=0)) / X_tr.std(axis=0), rtol=1e-5, atol=1e-5)


def test_regression_coef_is_make_regressions_and_replicates_keep_it():
    from sklearn.datasets import make_regression

    coef, bias = datasets.regression_coef()
    _, _, expected = make_regression(n_samples=1000, n_features=20, noise=0.1, random_state=1, coef=True)
    np.testing.assert_array_equal(coef, expected)
    assert bias == 0.0 and int((coef != 0).sum()) == 10
    sd = np.sqrt(coef @ coef + 0.01)
    for seed in (1, 2):
        split = datasets.regression(n_samples=2000, n_train=1000, seed=seed)
        X = np.concatenate([split.X_train, split.X_test]).astype("float64")
        y = np.concatenate([split.y_train, split.y_test]).astype("float64")
        # least squares with an intercept recovers the fixed coefficients, on the unstandardized scale
        design = np.column_stack([np.ones(len(X)), X])
        fitted = np.linalg.lstsq(design, y * sd, rcond=None)[0]
        np.testing.assert_allclose(fitted[1:], coef, atol=0.02)
        assert abs(fitted[0] - bias) < 0.02
        residual = y * sd - design @ fitted
        assert 0.08 < residual.std() < 0.12  # the noise sd, 0.1
        # standardized with the generator's population parameters: near, not exactly, mean 0 and sd 1
        assert abs(X.mean()) < 0.05 and abs(X.std() - 1) < 0.05
        assert abs(y.mean()) < 0.1 and abs(y.std() - 1) < 0.1 and abs(y.std() - 1) > 1e-6


def test_blob_replicates_keep_the_centres_and_class_sizes():
    centers = datasets.blob_centers()
    for seed in (1, 2):
        split = datasets.blobs(n_samples=3000, n_train=1500, seed=seed)
        X, y = np.concatenate([split.X_train, split.X_test]), np.concatenate([split.y_train, split.y_test])
        assert np.bincount(y).tolist() == [1000, 1000, 1000]
        for k in range(3):
            np.testing.assert_allclose(X[y == k].mean(axis=0), centers[k], atol=4 * 2.0 / np.sqrt(1000))
            assert abs(X[y == k].std(axis=0) - 2.0).max() < 0.2


def test_circle_replicates_keep_the_radii():
    split = datasets.circles(seed=1)
    X, y = np.concatenate([split.X_train, split.X_test]), np.concatenate([split.y_train, split.y_test])
    radius = np.linalg.norm(X, axis=1)
    assert abs(radius[y == 0].mean() - 1.0) < 0.02 and abs(radius[y == 1].mean() - 0.8) < 0.02


def test_imbalanced_replicates_draw_other_minority_rows_and_another_split():
    def kept_rows(split):
        # all 357 benign rows are kept; the standardization is affine per column, so min-max scaling the
        # mean radius of all kept rows gives the same sorted values exactly when the same rows are kept
        v = np.concatenate([split.X_train, split.X_test])[:, 0].astype("float64")
        return np.sort((v - v.min()) / (v.max() - v.min()))

    seed_draw, a, b = datasets.imbalanced(), datasets.imbalanced(seed=1), datasets.imbalanced(seed=2)
    assert a.X_train.shape == b.X_train.shape == seed_draw.X_train.shape == (196, 30)
    assert int(a.y_train.sum()) == int(b.y_train.sum()) == int(a.y_test.sum()) == 18
    np.testing.assert_allclose(kept_rows(datasets.imbalanced(seed=1)), kept_rows(a), atol=1e-6)
    assert np.abs(kept_rows(a) - kept_rows(b)).max() > 1e-3  # other malignant tumours
    assert np.abs(kept_rows(a) - kept_rows(seed_draw)).max() > 1e-3
    # and another split
    assert not np.array_equal(a.y_train, b.y_train)
    c = datasets.imbalanced("classification", ratio=20, n_majority=300, seed=1)
    assert np.bincount(np.concatenate([c.y_train, c.y_test])).tolist() == [300, 15]


def test_digit_and_diabetes_replicates_redraw_the_split_from_the_split_stream():
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    split = datasets.diabetes(seed=5)
    X, y = load_diabetes(return_X_y=True)
    y_tr, y_te = train_test_split(y, test_size=0.5, random_state=datasets.streams(5).split)
    np.testing.assert_allclose(split.y_test, (y_te - y_tr.mean()) / y_tr.std(), rtol=1e-5, atol=1e-6)
    split, (X_cal, y_cal) = datasets.digits(test_size=0.4, calibration_size=0.2, seed=5)
    other, (_, y_cal_other) = datasets.digits(test_size=0.4, calibration_size=0.2, seed=6)
    assert len(y_cal) == len(y_cal_other) == 360 and not np.array_equal(y_cal, y_cal_other)  # a new calibration set
    train_share = np.bincount(split.y_train, minlength=10) / len(split.y_train)
    test_share = np.bincount(split.y_test, minlength=10) / len(split.y_test)
    np.testing.assert_allclose(train_share, test_share, atol=2.0 / len(split.y_test))  # still stratified


def test_flips_stream_is_independent_of_the_data_stream():
    s = datasets.streams(3)
    data = datasets.circles(seed=3)
    flips = datasets.flip_labels(data.y_train, 0.3, seed=s.flips)
    assert int((flips != data.y_train).sum()) == 150
    # drawing flips leaves the data alone, and drawing more data leaves the flips alone
    again = datasets.circles(seed=3)
    np.testing.assert_array_equal(again.X_train, data.X_train)
    bigger = datasets.circles(n_samples=2000, n_train=500, seed=3)
    np.testing.assert_array_equal(datasets.flip_labels(data.y_train, 0.3, seed=datasets.streams(3).flips), flips)
    # the flipped positions depend on the flips stream alone: the same for other labels of the same length
    mask = datasets.flip_labels(np.zeros(500, dtype="int64"), 0.3, seed=s.flips) != 0
    np.testing.assert_array_equal(mask, flips != data.y_train)
    np.testing.assert_array_equal(mask, datasets.flip_labels(bigger.y_train, 0.3, seed=s.flips) != bigger.y_train)
    # the data stream draws the same points whatever the flips: heteroscedastic's inputs are a prefix
    short, long = datasets.heteroscedastic(n_samples=10, n_train=5, seed=3), datasets.heteroscedastic(seed=3)
    assert short.X_train[0, 0] == long.X_train[0, 0]


# ---------------------------------------------------------------- real CSVs: text columns, missing cells, refusals


def pets(n=40, seed=0):
    """A table with a numeric column, a text column of three colours and a binary text target."""
    rng = np.random.default_rng(seed)
    return {"weight": rng.normal(10, 3, size=n).round(2),
            "colour": np.array(["black", "brown", "grey"])[rng.integers(0, 3, size=n)],
            "kind": np.array(["cat", "dog"])[np.arange(n) % 2]}


def test_csv_text_column_is_one_hot_encoded_after_the_standardized_numbers(tmp_path):
    columns = pets()
    table = datasets.read_csv_table(write_csv(tmp_path, "pets.csv", columns), "kind")
    assert (table.numeric, table.categorical, table.categories) == (("weight",), ("colour",),
                                                                    (("black", "brown", "grey"),))
    assert table.task == "binary" and table.classes == ("cat", "dog") and table.n_features == 4
    assert table.dropped_rows == 0 and table.missing_cells == {}
    split = datasets.csv_split(table, seed=0)
    assert split.X_train.shape == (20, 4) and split.X_test.shape == (20, 4)
    onehot = split.X_train[:, 1:]
    assert set(np.unique(onehot).tolist()) == {0.0, 1.0}
    np.testing.assert_array_equal(onehot.sum(axis=1), 1.0)
    np.testing.assert_allclose(split.X_train[:, 0].mean(), 0.0, atol=1e-6)  # the numbers: training mean and sd
    np.testing.assert_allclose(split.X_train[:, 0].std(), 1.0, atol=1e-5)
    # the rows behind the split (a stratified split drawn with the split stream): colour j is column 1 + j
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(np.arange(40), test_size=20, stratify=table.y,
                                   random_state=datasets.streams(0).split)
    colours = np.array(["black", "brown", "grey"])
    np.testing.assert_array_equal(colours[split.X_test[:, 1:].argmax(axis=1)], columns["colour"][test])
    weight = columns["weight"]
    np.testing.assert_allclose(split.X_test[:, 0], (weight[test] - weight[train].mean()) / weight[train].std(),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(split.y_train, (columns["kind"][train] == "dog").astype(int))


def test_csv_encoder_is_fitted_on_the_training_part_only(tmp_path):
    columns = pets(n=40)
    columns["colour"] = columns["colour"].astype(object)
    columns["colour"][7] = "violet"  # one row of a fourth colour
    table = datasets.read_csv_table(write_csv(tmp_path, "violet.csv", columns), "kind")
    assert table.categories == (("black", "brown", "grey", "violet"),)
    seen = {"train": 0, "test": 0}
    for seed in range(12):
        split = datasets.csv_split(table, seed=seed)
        assert split.X_train.shape == (20, 5) and split.X_test.shape == (20, 5)  # the same width every time
        if split.X_train[:, 4].sum() == 1:  # violet in the training part: an ordinary category
            seen["train"] += 1
            assert split.X_test[:, 4].sum() == 0
        else:  # only in the test part: unknown to the encoder, so that row is all zeros
            seen["test"] += 1
            assert split.X_train[:, 4].sum() == 0 and split.X_test[:, 4].sum() == 0
            np.testing.assert_array_equal(np.sort(split.X_test[:, 1:].sum(axis=1)), [0.0] + [1.0] * 19)
    assert seen["train"] > 0 and seen["test"] > 0


def test_csv_numbers_keep_the_old_standardization_and_regression_targets(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.normal(5, 2, size=30)
    size = np.array(["S", "M", "L"])[rng.integers(0, 3, size=30)]
    path = write_csv(tmp_path, "prices.csv", {"x": x, "size": size, "price": 100 + 7 * x})
    split = from_csv(path, "price")  # the historical split: the first 15 of a permutation by default_rng(0)
    order = np.random.default_rng(0).permutation(30)
    train = x[order[:15]]
    np.testing.assert_allclose(split.X_test[:, 0], (x[order[15:]] - train.mean()) / train.std(), rtol=1e-5)
    assert split.task == "regression" and split.X_train.shape == (15, 4)
    y = 100 + 7 * x
    np.testing.assert_allclose(split.y_test, (y[order[15:]] - y[order[:15]].mean()) / y[order[:15]].std(),
                               rtol=1e-5, atol=1e-6)


def test_csv_drops_incomplete_rows_and_counts_them(tmp_path):
    columns = {k: v.astype(object) for k, v in pets(n=40).items()}
    columns["weight"][3] = None
    columns["colour"][3] = None  # the same row: one row, two cells
    columns["colour"][10] = None
    columns["kind"][20] = None  # a missing target drops its row too
    table = datasets.read_csv_table(write_csv(tmp_path, "holes.csv", columns), "kind")
    assert (table.n_rows, table.dropped_rows, len(table.y)) == (40, 3, 37)
    assert table.missing_cells == {"weight": 1, "colour": 2, "kind": 1}
    assert table.summary() == ("holes: 37 rows, 4 features (binary); one-hot encoded colour; dropped 3 incomplete "
                               "rows of 40 (missing cells: weight 1, colour 2, kind 1)")
    split = datasets.csv_split(table, seed=1)
    assert len(split.y_train) + len(split.y_test) == 37 and np.isfinite(split.X_train).all()
    # the bundled file with one empty cell, and the one with words in x2, now load
    table = datasets.read_csv_table(DATA / "missing_values.csv", "label")
    assert (table.n_rows, table.dropped_rows) == (12, 1)
    words = datasets.csv_split(datasets.read_csv_table(DATA / "nonnumeric.csv", "label"), seed=0)
    assert words.X_train.shape == (6, 4)  # x1, x3 and the two words of x2


def test_csv_replicates_are_stratified_reproducible_and_the_same_size(tmp_path):
    table = datasets.read_csv_table(SMALL, "label")
    a, b, c = (datasets.csv_split(table, seed=s) for s in (2, 2, 3))
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.X_train, c.X_train)
    assert a.X_train.shape == c.X_train.shape == (60, 3) and a.X_test.shape == c.X_test.shape == (60, 3)
    assert int(a.y_train.sum()) == int(a.y_test.sum()) == int(c.y_test.sum()) == 26  # 52 ones, half in each part
    np.testing.assert_array_equal(from_csv(SMALL, "label", seed=3).X_test, c.X_test)
    with pytest.raises(ValueError, match="either seed="):
        from_csv(SMALL, "label", seed=3, random_state=1)
    assert datasets.csv_split(table, seed=4, test_fraction=0.25).X_test.shape == (30, 3)


def lines(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_csv_refuses_an_empty_file_or_one_without_rows(tmp_path):
    with pytest.raises(ValueError, match="empty.csv is empty$"):
        datasets.read_csv_table(lines(tmp_path, "empty.csv", ""), "y")
    with pytest.raises(ValueError, match="blank.csv is empty$"):
        datasets.read_csv_table(lines(tmp_path, "blank.csv", "\n\n"), "y")
    with pytest.raises(ValueError, match="has a header but no data rows"):
        datasets.read_csv_table(lines(tmp_path, "header.csv", "x,y\n"), "y")


def test_csv_refuses_too_few_complete_rows(tmp_path):
    columns = {k: v.astype(object) for k, v in pets(n=12).items()}
    columns["weight"][[1, 4, 6]] = None
    with pytest.raises(ValueError, match="has 9 rows left after dropping 3 with a missing cell; at least 10"):
        datasets.read_csv_table(write_csv(tmp_path, "few.csv", columns), "kind")


def test_csv_refuses_a_class_too_rare_to_split(tmp_path):
    columns = pets(n=40)
    columns["kind"][[0, 2, 4]] = "fox"  # three foxes: one part would get at most one
    with pytest.raises(ValueError, match="class 'fox' of 'kind' has 3 rows; every class needs at least 4"):
        datasets.read_csv_table(write_csv(tmp_path, "fox.csv", columns), "kind")
    columns["kind"][6] = "fox"  # four foxes pass the table, but 10% test rows cannot hold two of each class
    table = datasets.read_csv_table(write_csv(tmp_path, "fox4.csv", columns), "kind")
    with pytest.raises(ValueError, match="cannot hold 2 rows of each of the 3 classes"):
        datasets.csv_split(table, seed=0, test_fraction=0.1)
    with pytest.raises(ValueError, match="every class needs at least 2 in each part"):
        datasets.csv_split(table, n_train=36)  # the historical split is not stratified


def test_csv_refuses_free_text_and_numbers_mixed_with_text(tmp_path):
    columns = pets(n=40)
    columns["note"] = np.array([f"note number {i % 25}" for i in range(40)])  # 25 distinct in 40 rows
    with pytest.raises(ValueError, match=r"column 'note' of .* looks like free text \(25 distinct values in 40 rows\)"):
        datasets.read_csv_table(write_csv(tmp_path, "notes.csv", columns), "kind")
    columns["note"] = np.array([f"note {i % 20}" for i in range(40)])  # 20 distinct values: a category
    assert datasets.read_csv_table(write_csv(tmp_path, "tags.csv", columns), "kind").categorical == ("colour", "note")
    columns = pets(n=40)
    columns["weight"] = columns["weight"].astype(object)
    columns["weight"][5] = "?"
    with pytest.raises(ValueError, match=r"column 'weight' .* holds numbers and text \('\?'\); leave a missing"):
        datasets.read_csv_table(write_csv(tmp_path, "question.csv", columns), "kind")


@pytest.mark.parametrize("values, target, message", [
    ([np.inf] + [1.0] * 39, "kind", "column 'weight' of .* has infinite values"),
    ([1e308, -1e308] * 20, "kind", "column 'weight' of .* has values too large to standardize"),
    ([1e200] + list(range(39)), "kind", "column 'weight' of .* has values too large to standardize"),
    ([1e308, 1e308] + [1.0] * 38, "price", "the target of .* has values too large to standardize"),
    ([-np.inf] + [1.0] * 39, "price", "column 'price' of .* has infinite values"),
])
def test_csv_refuses_infinite_values_and_overflow(tmp_path, values, target, message):
    columns = pets(n=40)
    if target == "price":
        columns["price"] = np.array(values)
        del columns["kind"]
    else:
        columns["weight"] = np.array(values)
    path = write_csv(tmp_path, "big.csv", columns)
    with pytest.raises(ValueError, match=message):
        for seed in (None, 0):
            datasets.csv_split(datasets.read_csv_table(path, target, task="regression" if target == "price" else None),
                               seed=seed)


def test_csv_refuses_an_empty_column_and_an_unreadable_file(tmp_path):
    columns = pets(n=40)
    columns["blank"] = [np.nan] * 40
    with pytest.raises(ValueError, match="column 'blank' of .* is empty"):
        datasets.read_csv_table(write_csv(tmp_path, "blank_col.csv", columns), "kind")
    path = lines(tmp_path, "ragged.csv", "a,b\n1,2\n3,4,5,6\n")
    with pytest.raises(ValueError, match="cannot read .* as CSV") as err:
        datasets.read_csv_table(path, "b")
    assert "\n" not in str(err.value)


def test_csv_messages_are_one_line_and_no_warnings(tmp_path):
    import warnings

    columns = pets(n=40)
    columns["colour"] = columns["colour"].astype(object)
    columns["colour"][7] = "violet"
    table = datasets.read_csv_table(write_csv(tmp_path, "quiet.csv", columns), "kind")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for seed in range(6):
            datasets.csv_split(table, seed=seed)


def test_one_hot_labels_are_kerass_to_categorical():
    keras = pytest.importorskip("keras")
    y = np.array([0, 2, 1, 2, 0])
    np.testing.assert_array_equal(datasets.encode_labels(y, "onehot", n_classes=4),
                                  keras.utils.to_categorical(y, num_classes=4))


# --- skewed(): a log-normal target with a known truth (skewed_targets chapter).

def test_skewed_replicates_redraw_the_data_and_keep_the_truth():
    a, b = datasets.skewed(seed=1), datasets.skewed(seed=2)
    assert a.X_train.shape == (500, 5) and a.y_test.shape == (500,) and a.name == "skewed"
    assert a.y_train.dtype == np.float32 and a.y_train.min() > 0
    assert not np.array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(datasets.skewed(seed=1).y_test, a.y_test)
    np.testing.assert_array_equal(datasets.skewed().y_train, datasets.skewed().y_train)


def test_skewed_truth_matches_a_large_sample():
    # At one fixed x, a large sample's mean, median, MAPE minimiser and log1p functional.
    x = np.array([[0.5, -1.0, 1.0, 0.5, 3.0]])
    truth = datasets.skewed_truth(x)
    f = 0.6 * 0.5 + 0.4 * 1.0 + 0.3 * 0.5
    rng = np.random.default_rng(0)
    y = np.exp(f + datasets.SKEWED_SIGMA * rng.standard_normal(400_000))
    np.testing.assert_allclose(truth.median, np.exp(f))
    np.testing.assert_allclose(truth.mean, y.mean(), rtol=5e-3)
    np.testing.assert_allclose(truth.median, np.median(y), rtol=5e-3)
    np.testing.assert_allclose(truth.log1p, np.expm1(np.log1p(y).mean()), rtol=5e-3)
    # MAPE's functional: the m that minimises mean(|y - m| / y), found on a grid.
    grid = truth.median[0] * np.linspace(0.3, 1.0, 141)
    risk = [np.mean(np.abs(y[:50_000] - m) / y[:50_000]) for m in grid]
    assert abs(grid[int(np.argmin(risk))] / truth.mape[0] - 1) < 0.02


def test_skewed_truth_orders_the_functionals_and_checks_its_input():
    truth = datasets.skewed_truth(datasets.skewed(seed=4).X_test)
    assert np.all(truth.mape < truth.median) and np.all(truth.median < truth.log1p)
    assert np.all(truth.log1p < truth.mean)
    np.testing.assert_allclose(truth.mean / truth.median, np.exp(datasets.SKEWED_SIGMA ** 2 / 2))
    with pytest.raises(ValueError, match=r"shape \(n, 5\)"):
        datasets.skewed_truth(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="NaN"):
        datasets.skewed_truth(np.full((1, 5), np.nan))
    with pytest.raises(ValueError, match="n_train"):
        datasets.skewed(n_train=0)
    with pytest.raises(ValueError, match="non-negative integer"):
        datasets.skewed(seed=-1)


# --- long_tailed_counts and long_tailed_digits (the long-tailed chapter)

def test_long_tailed_counts_follow_the_exponential_profile():
    counts = datasets.long_tailed_counts(10, n_head=140)
    expected = np.round(140 * 10.0 ** (-np.arange(10) / 9)).astype(int)
    np.testing.assert_array_equal(counts, expected)
    assert counts[0] == 140 and counts[-1] == 14 and np.all(np.diff(counts) <= 0)
    assert datasets.long_tailed_counts(1, n_head=5, n_classes=3).tolist() == [5, 5, 5]
    for bad in ({"ratio": 0.5}, {"ratio": np.inf}, {"ratio": True}, {"ratio": 10, "n_head": 0},
                {"ratio": 10, "n_classes": 1}, {"ratio": 1000, "n_head": 140}):
        with pytest.raises(ValueError):
            datasets.long_tailed_counts(**bad)


def test_long_tailed_digits_has_the_profile_and_a_balanced_test_set():
    from sklearn.datasets import load_digits

    X_all, _ = load_digits(return_X_y=True)
    for ratio in (10, 50):
        split = datasets.long_tailed_digits(ratio=ratio, seed=3)
        np.testing.assert_array_equal(np.bincount(split.y_train, minlength=10), datasets.long_tailed_counts(ratio))
        np.testing.assert_array_equal(np.bincount(split.y_test, minlength=10), np.full(10, 30))
        assert split.task == "multiclass" and split.name == f"digits 1:{ratio}"
        assert split.X_train.dtype == np.float32
        np.testing.assert_allclose(split.X_train.mean(axis=0), 0, atol=1e-5)
    # No image is both a training and a test image (digits holds no two equal images).
    assert len({tuple(r) for r in X_all}) == len(X_all)
    split = datasets.long_tailed_digits(ratio=10, seed=0)
    train = {tuple(np.round(r, 4)) for r in split.X_train}
    test = {tuple(np.round(r, 4)) for r in split.X_test}
    assert len(train) == 571 and len(test) == 300 and not train & test


def test_long_tailed_digits_replicates_redraw_subsample_and_split():
    a, b = datasets.long_tailed_digits(ratio=10, seed=0), datasets.long_tailed_digits(ratio=10, seed=1)
    assert not np.array_equal(a.X_test, b.X_test) and not np.array_equal(a.X_train, b.X_train)
    again = datasets.long_tailed_digits(ratio=10, seed=0)
    np.testing.assert_array_equal(a.X_train, again.X_train)
    np.testing.assert_array_equal(a.y_test, again.y_test)
    fixed = datasets.long_tailed_digits(ratio=10)
    np.testing.assert_array_equal(fixed.X_train, datasets.long_tailed_digits(ratio=10, random_state=0).X_train)


def test_long_tailed_digits_refuses_bad_input():
    with pytest.raises(ValueError, match="smallest digit class"):
        datasets.long_tailed_digits(ratio=10, n_head=150, test_per_class=30)
    with pytest.raises(ValueError, match="test_per_class"):
        datasets.long_tailed_digits(ratio=10, test_per_class=0)
    with pytest.raises(ValueError, match="ratio"):
        datasets.long_tailed_digits(ratio=0.5)
    with pytest.raises(ValueError, match="not both"):
        datasets.long_tailed_digits(ratio=10, seed=1, random_state=1)


# held_out_digits: train on some digits, retrieve among the others


def test_held_out_digits_keeps_the_held_out_classes_out_of_training():
    from sklearn.datasets import load_digits

    split = datasets.held_out_digits()
    assert split.task == "multiclass" and split.n_features == 64 and split.name == "held_out_digits"
    assert set(np.unique(split.y_train)) == set(range(7)) and set(np.unique(split.y_test)) == {7, 8, 9}
    assert split.X_train.dtype == np.float32 and split.y_train.dtype == np.int64
    # stratified halves: each digit keeps half of its images (to one row)
    _, y = load_digits(return_X_y=True)
    full = np.bincount(y, minlength=10)
    got = np.bincount(np.concatenate([split.y_train, split.y_test]), minlength=10)
    assert np.all(np.abs(got - full / 2) <= 1)
    # training statistics: mean 0 and std 1 on the training part only
    np.testing.assert_allclose(split.X_train.mean(axis=0), 0.0, atol=1e-5)
    assert not np.allclose(split.X_test.mean(axis=0), 0.0, atol=0.05)


def test_held_out_digits_rows_are_images_of_their_labels_digit():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    split = datasets.held_out_digits(held_out=(0, 3), random_state=4)
    digit = np.array([1, 2, 4, 5, 6, 7, 8, 9, 0, 3])  # label -> digit: seen 1, 2, 4..9 first, then 0 and 3
    assert set(digit[np.unique(split.y_train)]) == {1, 2, 4, 5, 6, 7, 8, 9}
    assert set(digit[np.unique(split.y_test)]) == {0, 3}
    # standardize the raw images with the whole seen pool (close to the training half's statistics); the mean
    # image of each label must lie nearest to the mean image of its own digit among all ten
    seen = X[~np.isin(y, [0, 3])]
    std = np.where(seen.std(axis=0) > 0, seen.std(axis=0), 1.0)
    centres = np.stack([((X[y == d] - seen.mean(axis=0)) / std).mean(axis=0) for d in range(10)])
    for part_X, part_y in ((split.X_train, split.y_train), (split.X_test, split.y_test)):
        for label in np.unique(part_y):
            mean_image = part_X[part_y == label].mean(axis=0)
            assert np.argmin(((centres - mean_image) ** 2).sum(axis=1)) == digit[label]


def test_held_out_digits_replicates_redraw_both_subsamples_and_are_reproducible():
    a, b, c = datasets.held_out_digits(seed=1), datasets.held_out_digits(seed=1), datasets.held_out_digits(seed=2)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.X_test, b.X_test)
    assert not np.array_equal(a.X_train, c.X_train) and not np.array_equal(a.X_test, c.X_test)
    assert not np.array_equal(a.X_train, datasets.held_out_digits().X_train)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"held_out": (7,)}, "2 to 8 distinct digits"),
        ({"held_out": (7, 7)}, "2 to 8 distinct digits"),
        ({"held_out": (7, 10)}, "2 to 8 distinct digits"),
        ({"held_out": tuple(range(9))}, "2 to 8 distinct digits"),
        ({"held_out": "ab"}, "sequence of digits"),
        ({"train_fraction": 1.0}, "train_fraction must be a number in"),
        ({"query_fraction": 0}, "query_fraction must be a number in"),
        ({"query_fraction": 0.005}, "at least two"),
        ({"query_fraction": 0.01}, "at least two"),
        ({"train_fraction": 0.001}, "seen digit without training images"),
        ({"seed": 1, "random_state": 1}, "either seed= .* or random_state="),
    ],
)
def test_held_out_digits_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        datasets.held_out_digits(**kwargs)


# --- segmentation_discs (segmentation chapter).


def test_segmentation_discs_shapes_masks_and_foreground_fraction():
    split = datasets.segmentation_discs(seed=5)
    assert split.X_train.shape == split.y_train.shape == (200, 256)
    assert split.X_test.shape == split.y_test.shape == (100, 256)
    assert split.task == "binary" and split.X_train.dtype == np.float32
    masks = np.concatenate([split.y_train, split.y_test])
    assert set(np.unique(masks).tolist()) == {0.0, 1.0}
    assert masks.sum(axis=1).min() >= 1  # every image has foreground
    assert 0.015 < masks.mean() < 0.04
    # Foreground pixels are the bright discs: intensity 1 plus noise, against 0 or 0.5 plus noise.
    images = np.concatenate([split.X_train, split.X_test])
    assert abs(images[masks == 1].mean() - 1.0) < 0.05
    assert images[masks == 0].mean() < 0.1
    bigger = datasets.segmentation_discs(n_samples=20, n_train=10, size=24, seed=5)
    assert bigger.X_train.shape == (10, 576) and bigger.y_train.mean() < masks.mean()


def test_segmentation_discs_replicates_redraw_and_repeat():
    a, b = datasets.segmentation_discs(seed=1), datasets.segmentation_discs(seed=1)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_train, datasets.segmentation_discs(seed=2).y_train)
    assert not np.array_equal(a.y_train, datasets.segmentation_discs().y_train)


def test_segmentation_discs_refuses_bad_sizes():
    with pytest.raises(ValueError, match="size must be at least 8"):
        datasets.segmentation_discs(size=4)
    with pytest.raises(ValueError, match="n_train must be between 1 and n_samples - 1"):
        datasets.segmentation_discs(n_samples=10, n_train=10)
    with pytest.raises(ValueError, match="non-negative integer"):
        datasets.segmentation_discs(seed=-1)


# --- ordinal: a latent score cut into ranks at known cut-points.

def test_ordinal_ranks_count_the_cut_points_below_the_latent_score():
    split = datasets.ordinal(seed=3)
    assert split.task == "multiclass" and split.name == "ordinal, equal spacing"
    assert split.X_train.shape == (500, 4) and split.X_train.dtype == np.float32
    assert split.y_train.dtype == np.int64 and set(np.unique(split.y_test)) == {0, 1, 2, 3, 4}
    # Recompute the latent score from the same stream, by hand.
    rng = np.random.default_rng(datasets.streams(3).data)
    X = rng.standard_normal((1000, 4))
    latent = X[:, 0] + np.sin(2 * X[:, 1]) + 0.5 * X[:, 2] * X[:, 3] + 0.3 * rng.logistic(size=1000)
    expected = np.searchsorted(np.array([-1.5, -0.5, 0.5, 1.5]), latent)  # cut-points strictly below
    np.testing.assert_array_equal(np.concatenate([split.y_train, split.y_test]), expected)


def test_ordinal_cumulative_probabilities_are_logistic_in_the_latent_score():
    # P(rank > k | x) = sigmoid((f(x) - c_k) / 0.3): check at one x over many noise draws.
    from scipy.special import expit

    rng = np.random.default_rng(0)
    f = float(datasets.ordinal_latent([[0.3, -0.2, 1.0, 0.5]])[0])
    latent = f + datasets.ORDINAL_NOISE * rng.logistic(size=200_000)
    cuts = np.array(datasets.ORDINAL_CUTS["unequal"])
    observed = (latent[:, None] > cuts).mean(axis=0)
    np.testing.assert_allclose(observed, expit((f - cuts) / datasets.ORDINAL_NOISE), atol=0.005)


def test_ordinal_spacings_share_inputs_and_replicates_redraw_them():
    equal, unequal = datasets.ordinal(seed=1), datasets.ordinal(seed=1, cuts="unequal")
    np.testing.assert_array_equal(equal.X_train, unequal.X_train)
    assert np.all(unequal.y_train >= equal.y_train) and np.any(unequal.y_train != equal.y_train)
    assert not np.array_equal(equal.X_train, datasets.ordinal(seed=2).X_train)
    np.testing.assert_array_equal(equal.y_test, datasets.ordinal(seed=1).y_test)
    np.testing.assert_array_equal(datasets.ordinal().X_train, datasets.ordinal(random_state=0).X_train)
    three = datasets.ordinal(cuts=[0.0, 1.0], seed=1)
    assert three.n_classes == 3 and three.name == "ordinal"


@pytest.mark.parametrize("kwargs, match", [
    ({"cuts": "skewed"}, "cuts must be one of"),
    ({"cuts": [1.0, 0.0]}, "strictly increasing"),
    ({"cuts": []}, "strictly increasing"),
    ({"n_train": 1000}, "n_train"),
    ({"seed": 1, "random_state": 1}, "not both"),
])
def test_ordinal_refuses_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        datasets.ordinal(**kwargs)


def test_ordinal_latent_refuses_other_shapes():
    with pytest.raises(ValueError, match=r"shape \(n, 4\)"):
        datasets.ordinal_latent(np.zeros((3, 2)))


# --- tagged_frames and digit_frames (sequences chapter).


def _collapse(row):
    """Greedy CTC decoding of one row of frame targets: merge repeats, drop the 0s."""
    return [int(v) for k, v in enumerate(row) if v != 0 and (k == 0 or row[k - 1] != v)]


def _runs(row):
    """(value, length) of each run of equal values in a row."""
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
    return [(int(row[a]), int(b - a)) for a, b in zip(starts, np.r_[starts[1:], len(row)])]


def test_tagged_frames_pads_are_zero_frames_at_the_end_with_tag_zero():
    split = datasets.tagged_frames(seed=4)
    assert split.X_train.shape == (300, 160) and split.y_test.shape == (300, 20)
    assert split.X_train.dtype == np.float32 and split.y_train.dtype == np.int64 and split.task == "multiclass"
    for X, y in ((split.X_train, split.y_train), (split.X_test, split.y_test)):
        frames = X.reshape(-1, 20, 8)
        pad = y == datasets.SEQUENCE_PAD
        np.testing.assert_array_equal(pad, (frames == 0).all(axis=-1))
        assert (np.diff(pad.astype(int), axis=1) >= 0).all()  # once padded, padded to the end
        lengths = (~pad).sum(axis=1)
        assert lengths.min() >= 4 and lengths.max() <= 20
        assert set(np.unique(y[~pad]).tolist()) == {1, 2, 3, 4}
    # A frame is its tag's centre plus N(0, I): the class means sit near the centres, the noise has sd 1.
    frames, y = split.X_train.reshape(-1, 20, 8), split.y_train
    centres = np.array([frames[y == c].mean(axis=0) for c in (1, 2, 3, 4)])
    np.testing.assert_allclose(centres, datasets._frame_centres(4, 7), atol=0.15)
    assert abs(frames[y == 1].std(axis=0).mean() - 1.0) < 0.1
    # Lengths are uniform on 4..20: about 12 real frames in 20.
    assert 0.5 < (y != 0).mean() < 0.7


def test_tagged_frames_replicates_redraw_and_repeat():
    a, b = datasets.tagged_frames(seed=1), datasets.tagged_frames(seed=1)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_train, datasets.tagged_frames(seed=2).y_train)
    assert not np.array_equal(a.y_train, datasets.tagged_frames().y_train)
    short = datasets.tagged_frames(n_samples=10, n_train=4, max_length=6, min_length=6, n_tags=2, seed=1)
    assert short.y_train.shape == (4, 6) and (short.y_train != 0).all() and short.y_train.max() == 2


@pytest.mark.parametrize("kwargs, match", [
    ({"n_samples": 10, "n_train": 10}, "n_train must be between 1"),
    ({"min_length": 0}, "min_length <= max_length"),
    ({"min_length": 8, "max_length": 6}, "min_length <= max_length"),
    ({"n_tags": 1}, "n_tags must be at least 2"),
    ({"seed": -2}, "non-negative integer"),
])
def test_tagged_frames_refuses_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        datasets.tagged_frames(**kwargs)


def test_digit_frames_targets_describe_the_same_clips():
    labels, frames, uniform = (datasets.digit_frames(t, seed=6) for t in datasets.DIGIT_FRAME_TARGETS)
    np.testing.assert_array_equal(labels.X_test, frames.X_test)
    np.testing.assert_array_equal(labels.X_train, uniform.X_train)
    assert labels.y_train.shape == (200, 4) and frames.y_train.shape == uniform.y_test.shape == (200, 16)
    for part in ("y_train", "y_test"):
        for lab, true_row, guess_row in zip(getattr(labels, part), getattr(frames, part), getattr(uniform, part)):
            digits = [int(v) for v in lab if v != 0]
            assert 2 <= len(digits) <= 4 and (lab[len(digits):] == 0).all()  # padded with 0 at the end only
            assert _collapse(true_row) == digits and _collapse(guess_row) == digits
            # Each digit lasts 2 or 3 frames in the true alignment.
            runs = _runs(true_row)
            assert {n for v, n in runs if v != 0} <= {2, 3}
            # Silence before the first digit and between digits lasts 0 or 1 frame.
            assert all(n == 1 for v, n in runs[:-1] if v == 0)
            # The guessed alignment covers the whole clip: no silence at either end.
            assert guess_row[0] == digits[0] and guess_row[-1] == digits[-1]
    # Digit frames sit at their centres, silence frames at 0, with N(0, I) noise.
    X, y = frames.X_train.reshape(-1, 16, 8), frames.y_train
    np.testing.assert_allclose(X[y == 0].mean(axis=0), 0.0, atol=0.1)
    np.testing.assert_allclose(X[y == 3].mean(axis=0), datasets._frame_centres(5, 11)[2], atol=0.15)


def test_digit_frames_replicates_redraw_and_repeat():
    a, b = datasets.digit_frames(seed=1), datasets.digit_frames(seed=1)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.X_train, datasets.digit_frames(seed=2).X_train)
    assert not np.array_equal(a.X_train, datasets.digit_frames().X_train)
    longer = datasets.digit_frames("frames", n_samples=20, n_train=10, n_frames=24, n_digits=3, seed=1)
    assert longer.y_train.shape == (10, 24) and (longer.y_train[:, 16:] == 0).all() and longer.y_train.max() <= 3


@pytest.mark.parametrize("kwargs, match", [
    ({"targets": "alignment"}, "targets must be one of"),
    ({"n_frames": 12}, "n_frames must be at least 16"),
    ({"n_digits": 1}, "n_digits must be at least 2"),
    ({"n_samples": 5, "n_train": 0}, "n_train must be between 1"),
    ({"seed": 1.5}, "non-negative integer"),
])
def test_digit_frames_refuses_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        datasets.digit_frames(**kwargs)
