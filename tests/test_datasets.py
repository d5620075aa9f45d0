"""Tests for companion.datasets: the seed's three problems, label encodings, CSV loading, outliers.

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
        (DATA / "nonnumeric.csv", "label", {}, r"non-numeric feature column\(s\) in .*: x2"),
        (DATA / "single_class.csv", "label", {}, "'label' has fewer than two classes"),
        (DATA / "single_class.csv", "label", {"task": "binary"}, "fewer than two classes"),
        (DATA / "missing_values.csv", "label", {}, "has missing values"),
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
