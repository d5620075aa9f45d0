"""Retrieval scores for embeddings: recall@k by nearest-neighbour search.

An embedding model maps each input to a vector; retrieval ranks a *gallery* of
vectors by their distance to a *query* vector. These scores judge an embedding by
what a search with it returns, on classes the model may never have seen.
"""

import math

import numpy as np

METRICS = ("cosine", "euclidean")


def _vectors(values, name):
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty array of shape (n, d), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} holds NaN or infinite values")
    return array


def _labels(values, n, name, of):
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if len(array) != n:
        raise ValueError(f"{name} has {len(array)} entries but {of} has {n} rows")
    return array


def recall_at_k(embeddings, labels, k=1, *, gallery=None, gallery_labels=None, metric="cosine"):
    """Return the share of queries with an item of their own class among their ``k`` nearest neighbours.

    The recall@k of metric learning and image retrieval (Song et al. 2016; Musgrave,
    Belongie & Lim 2020): each row of ``embeddings`` is a query; the gallery is ranked by
    distance to it, and the query counts as a hit when at least one of the ``k`` nearest
    gallery items has the query's label.

    .. math::

        \\mathrm{recall@}k = \\frac{1}{|Q|} \\sum_{q \\in Q}
        \\mathbf{1}\\left[\\exists\\, g \\in N_k(q) : y_g = y_q\\right]

    **Leave-one-out** (the default, ``gallery=None``): the gallery is the other rows of
    ``embeddings``, each query excluded from its own search. With ``gallery`` given, every
    query searches all of ``gallery``.

    **Ties.** Distances are computed in float64 (SciPy's ``cdist``); gallery items at
    exactly the distance of the ``k``-th neighbour are tied, and a query's hit is its
    *expected* value when the tied items are put in a uniformly random order: with
    ``m`` items strictly closer (none of them a match), ``t`` tied items of which ``p``
    match, the ``k - m`` places left are a random draw from the tied items, so the hit
    counts ``1 - C(t - p, k - m) / C(t, k - m)``. The score therefore does not depend on
    the order of the gallery.

    Parameters
    ----------
    embeddings : array_like of shape (n_queries, d)
        The query vectors.
    labels : array_like of shape (n_queries,)
        Their classes (integers or any values comparable with ``==``).
    k : int or sequence of int, default=1
        How many neighbours a query looks at, ``1 <= k <=`` the gallery's size
        (``n_queries - 1`` leave-one-out). A sequence scores every ``k`` in it from one
        computation of the distances.
    gallery : array_like of shape (n_gallery, d), optional
        The vectors searched; by default the other queries.
    gallery_labels : array_like of shape (n_gallery,), optional
        Their classes; required with ``gallery``.
    metric : {"cosine", "euclidean"}, default="cosine"
        ``"cosine"``: :math:`1 - u \\cdot v / (\\lVert u \\rVert \\lVert v \\rVert)` (the
        ranking of L2-normalised vectors by Euclidean distance); ``"euclidean"``: the
        Euclidean distance.

    Returns
    -------
    recall : float or ndarray of shape (len(k),)
        In [0, 1]; an array, one entry per ``k``, when ``k`` is a sequence.

    Raises
    ------
    ValueError
        If the vectors are not 2-D, hold NaN or infinity, or differ in width; if a label
        array is not 1-D or its length differs from its vectors' rows; if ``gallery`` and
        ``gallery_labels`` are not given together; if ``k`` is not an integer in
        ``1..`` the gallery's size; if ``metric`` is unknown; if a cosine vector has
        norm 0; or if a query's class has no item in its gallery (leave-one-out: a class
        with a single member). Such a query could never be a hit, so it is refused rather
        than counted as a miss: drop it, or score it against a gallery that holds its class.

    Examples
    --------
    >>> from companion.metrics.retrieval import recall_at_k
    >>> points = [[0.0, 1.0], [0.1, 1.0], [1.0, 0.0], [1.0, 0.2], [0.9, 0.1]]
    >>> recall_at_k(points, [0, 0, 1, 1, 0])  # by angle, the last point's neighbour is the fourth
    0.4
    >>> recall_at_k(points, [0, 0, 1, 1, 0], k=2)
    0.8
    >>> recall_at_k(points, [0, 0, 1, 1, 0], k=[1, 2, 4])
    array([0.4, 0.8, 1. ])
    >>> recall_at_k([[1.0, 0.0]], [1], gallery=[[2.0, 0.0], [0.0, 3.0]], gallery_labels=[0, 1],
    ...             metric="euclidean")
    0.0
    """
    from scipy.spatial.distance import cdist

    queries = _vectors(embeddings, "embeddings")
    labels = _labels(labels, len(queries), "labels", "embeddings")
    leave_one_out = gallery is None
    if leave_one_out != (gallery_labels is None):
        raise ValueError("gallery and gallery_labels go together: give both or neither")
    if leave_one_out:
        items, item_labels = queries, labels
    else:
        items = _vectors(gallery, "gallery")
        item_labels = _labels(gallery_labels, len(items), "gallery_labels", "gallery")
        if items.shape[1] != queries.shape[1]:
            raise ValueError(f"embeddings have {queries.shape[1]} dimensions but the gallery has {items.shape[1]}")
    size = len(items) - 1 if leave_one_out else len(items)
    several = not isinstance(k, (int, np.integer, bool, np.bool_)) and np.ndim(k) == 1 and len(k) > 0
    for value in (k if several else [k]):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or not 1 <= value <= size:
            raise ValueError(f"k must be an integer from 1 to the gallery's size {size}"
                             f"{' (leave-one-out: n_queries - 1)' if leave_one_out else ''}, got {value!r}")
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    if metric == "cosine":
        for name, array in (("embeddings", queries), ("gallery", items)):
            zero = np.flatnonzero(np.linalg.norm(array, axis=1) == 0)
            if len(zero):
                raise ValueError(f"{name} row {zero[0]} has norm 0: its cosine distance is undefined")
    match = labels[:, None] == item_labels[None, :]
    if leave_one_out:
        np.fill_diagonal(match, False)
    orphans = ~match.any(axis=1)
    if orphans.any():
        first = np.flatnonzero(orphans)[0]
        raise ValueError(f"the class {labels[first].tolist()!r} of query {first} has no item in "
                         f"the gallery{' other than the query itself' if leave_one_out else ''}: "
                         "no neighbour could match it")

    distances = cdist(queries, items, metric=metric)
    if leave_one_out:
        np.fill_diagonal(distances, np.inf)
    recalls = np.array([_recall(distances, match, int(value)) for value in (k if several else [k])])
    return recalls if several else float(recalls[0])


def _recall(distances, match, k):
    """Recall@k from a distance matrix (queries x gallery) and the matrix of same-class pairs."""
    kth = np.partition(distances, k - 1, axis=1)[:, k - 1:k]
    closer, tied = distances < kth, distances == kth
    hits = (match & closer).any(axis=1).astype(np.float64)
    for q in np.flatnonzero(hits == 0):
        t, p = int(tied[q].sum()), int((match[q] & tied[q]).sum())
        places = k - int(closer[q].sum())
        hits[q] = 1.0 - math.comb(t - p, places) / math.comb(t, places)
    return float(hits.mean())
