"""Tests for companion.metrics.retrieval: recall@k against a brute-force nearest-neighbour search.

The reference is scikit-learn's ``NearestNeighbors(algorithm="brute")``; its neighbours are taken on
continuous random vectors (no ties), and the tie rule is checked on hand-built distances.
"""

import numpy as np
import pytest

from companion.metrics.retrieval import recall_at_k


def _clustered(n, d, classes, spread, seed):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((classes, d))
    labels = rng.integers(0, classes, size=n)
    return centres[labels] + spread * rng.standard_normal((n, d)), labels


def _brute(queries, labels, k, metric, gallery=None, gallery_labels=None):
    from sklearn.neighbors import NearestNeighbors

    if gallery is None:  # kneighbors() without X leaves each point out of its own neighbours
        index = NearestNeighbors(n_neighbors=k, metric=metric, algorithm="brute").fit(queries).kneighbors(
            return_distance=False)
        gallery_labels = labels
    else:
        index = NearestNeighbors(n_neighbors=k, metric=metric, algorithm="brute").fit(gallery).kneighbors(
            queries, return_distance=False)
    return float(np.mean((gallery_labels[index] == labels[:, None]).any(axis=1)))


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
@pytest.mark.parametrize("k", [1, 3, 5])
@pytest.mark.parametrize("seed", [0, 1])
def test_leave_one_out_recall_matches_a_brute_force_search(metric, k, seed):
    X, y = _clustered(120, 6, 4, spread=1.2, seed=seed)
    expected = _brute(X, y, k, metric)
    assert 0.2 < expected < 1.0  # the clusters overlap: neither trivial nor hopeless
    assert recall_at_k(X, y, k=k, metric=metric) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
@pytest.mark.parametrize("k", [1, 4])
def test_query_against_gallery_recall_matches_a_brute_force_search(metric, k):
    X, y = _clustered(200, 5, 3, spread=1.5, seed=7)
    queries, labels, gallery, gallery_labels = X[:60], y[:60], X[60:], y[60:]
    expected = _brute(queries, labels, k, metric, gallery, gallery_labels)
    assert 0.2 < expected < 1.0
    got = recall_at_k(queries, labels, k=k, gallery=gallery, gallery_labels=gallery_labels, metric=metric)
    assert got == pytest.approx(expected, abs=1e-12)


def test_cosine_recall_ignores_each_vectors_length_and_euclidean_does_not():
    X, y = _clustered(100, 4, 3, spread=1.0, seed=3)
    scaled = X * np.random.default_rng(4).uniform(0.1, 10.0, size=(100, 1))
    assert recall_at_k(scaled, y, k=1) == recall_at_k(X, y, k=1)
    assert recall_at_k(scaled, y, k=1, metric="euclidean") != recall_at_k(X, y, k=1, metric="euclidean")


def test_separated_classes_score_one_and_k_at_the_gallery_size_always_hits():
    X, y = _clustered(60, 3, 3, spread=0.01, seed=5)
    assert recall_at_k(X, y, k=1) == 1.0
    X, y = _clustered(30, 3, 3, spread=5.0, seed=6)
    assert recall_at_k(X, y, k=29, metric="euclidean") == 1.0


def test_a_tie_at_the_kth_place_counts_its_expected_value_over_random_orders():
    query, label = np.array([[0.0]]), np.array([1])
    # two gallery items at distance 1, one of them a match: k=1 picks either with chance 1/2
    gallery, gallery_labels = np.array([[1.0], [-1.0]]), np.array([1, 0])
    args = dict(gallery=gallery, gallery_labels=gallery_labels, metric="euclidean")
    assert recall_at_k(query, label, k=1, **args) == 0.5
    assert recall_at_k(query, label, k=2, **args) == 1.0
    # one non-match strictly closer, then three tied at distance 2 with one match: k=3 leaves two places
    # for the three tied items, missing the match with chance C(2, 2) / C(3, 2) = 1/3
    gallery = np.array([[0.5], [2.0], [-2.0], [2.0], [5.0]])
    gallery_labels = np.array([0, 0, 0, 1, 1])
    args = dict(gallery=gallery, gallery_labels=gallery_labels, metric="euclidean")
    assert recall_at_k(query, label, k=3, **args) == pytest.approx(2.0 / 3.0)
    assert recall_at_k(query, label, k=2, **args) == pytest.approx(1.0 / 3.0)  # one place: 1 in 3
    assert recall_at_k(query, label, k=4, **args) == 1.0


def test_ties_do_not_depend_on_the_galleries_order():
    rng = np.random.default_rng(8)
    X = rng.integers(0, 3, size=(40, 2)).astype(float)  # a coarse lattice: many exact ties
    y = rng.integers(0, 2, size=40)
    order = rng.permutation(40)
    for k in (1, 2, 5):
        a = recall_at_k(X, y, k=k, metric="euclidean")
        assert recall_at_k(X[order], y[order], k=k, metric="euclidean") == pytest.approx(a, abs=1e-12)
        # the leave-one-out value is the mean of each query against the others as an explicit gallery
        each = [recall_at_k(X[i:i + 1], y[i:i + 1], k=k, gallery=np.delete(X, i, axis=0),
                            gallery_labels=np.delete(y, i), metric="euclidean") for i in range(40)]
        assert a == pytest.approx(np.mean(each), abs=1e-12)


def test_a_sequence_of_k_gives_each_ks_recall():
    X, y = _clustered(80, 4, 3, spread=1.5, seed=10)
    ks = [1, 2, 5, 10]
    for args in ({}, {"gallery": X[:30], "gallery_labels": y[:30], "metric": "euclidean"}):
        got = recall_at_k(X[30:] if args else X, y[30:] if args else y, k=ks, **args)
        assert isinstance(got, np.ndarray) and got.shape == (4,)
        expected = [recall_at_k(X[30:] if args else X, y[30:] if args else y, k=k, **args) for k in ks]
        np.testing.assert_array_equal(got, expected)
    assert np.all(np.diff(recall_at_k(X, y, k=range(1, 20))) >= 0)  # more neighbours never lose a hit


def test_string_labels_work():
    X, y = _clustered(50, 3, 2, spread=0.8, seed=9)
    names = np.array(["cat", "dog"])[y]
    assert recall_at_k(X, names, k=2) == recall_at_k(X, y, k=2)


X0 = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
Y0 = np.array([0, 0, 1, 1])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"k": 4}, "k must be an integer from 1 to the gallery's size 3"),
        ({"k": 0}, "k must be an integer from 1"),
        ({"k": 1.5}, "k must be an integer from 1"),
        ({"k": True}, "k must be an integer from 1"),
        ({"k": [1, 4]}, "k must be an integer from 1 to the gallery's size 3 .*got 4"),
        ({"k": [1, 2.0]}, "k must be an integer from 1"),
        ({"k": 3, "gallery": X0[:2], "gallery_labels": Y0[:2]}, "gallery's size 2"),
        ({"labels": Y0[:3]}, "labels has 3 entries but embeddings has 4 rows"),
        ({"labels": Y0[:, None]}, "labels must be one-dimensional"),
        ({"gallery": X0, "gallery_labels": Y0[:3]}, "gallery_labels has 3 entries but gallery has 4 rows"),
        ({"gallery": X0}, "give both or neither"),
        ({"gallery_labels": Y0}, "give both or neither"),
        ({"gallery": X0[:, :1], "gallery_labels": Y0}, "2 dimensions but the gallery has 1"),
        ({"gallery": X0[:2], "gallery_labels": Y0[:2]}, "class 1 of query 2 has no item in the gallery"),
        ({"labels": np.array([0, 0, 0, 2])}, "class 2 of query 3 has no item in the gallery other than the query"),
        ({"embeddings": X0[0]}, "embeddings must be a non-empty array of shape"),
        ({"embeddings": np.array([[1.0, np.nan]] + X0[1:].tolist())}, "NaN or infinite"),
        ({"embeddings": np.array([[0.0, 0.0]] + X0[1:].tolist())}, "embeddings row 0 has norm 0"),
        ({"metric": "manhattan"}, "metric must be one of"),
    ],
)
def test_recall_at_k_rejects(kwargs, message):
    args = {"embeddings": X0, "labels": Y0}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        recall_at_k(args.pop("embeddings"), args.pop("labels"), **args)


def test_a_zero_vector_is_fine_for_the_euclidean_distance():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.0, 5.1]])
    assert recall_at_k(X, Y0, metric="euclidean") == 1.0
