"""Scores for many classes with a long tail: the accuracy of every class, and of the rare ones.

With a long-tailed training set, the overall accuracy on a test set drawn like the
training set is carried by the head classes. The usual remedy is a *balanced* test set
and scores that weigh every class alike: balanced accuracy (scikit-learn's
``balanced_accuracy_score``, the mean of the per-class recalls) and macro-F1
(``f1_score(average="macro")``). This module adds what scikit-learn leaves to the
reader: the recall of every class from a model's scores (:func:`per_class_accuracy`),
the accuracy of a named group of classes such as the tail (:func:`tail_accuracy`), and
the rarest classes of a training set (:func:`rarest_classes`).

Everything takes NumPy arrays: integer labels ``0..k-1`` and either predicted labels of
shape ``(n,)`` or scores (probabilities or logits) of shape ``(n, k)``, read by their
argmax.
"""

import numpy as np


def _labels(y, name):
    y = np.asarray(y)
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"{name} must be a non-empty vector of class indices, got shape {y.shape}")
    if y.dtype.kind == "b" or y.dtype.kind not in "iuf" or not np.all(np.isfinite(y)) \
            or np.any(y < 0) or np.any(y != np.round(y)):
        raise ValueError(f"{name} must hold class indices 0..k-1 (non-negative integers)")
    return y.astype("int64")


def _decisions(y_true, y_pred):
    y_true = _labels(y_true, "y_true")
    y_pred = np.asarray(y_pred)
    if y_pred.ndim == 2:
        if y_pred.shape[1] < 2 or not np.all(np.isfinite(y_pred)):
            raise ValueError(f"scores must be finite with one column per class (k >= 2), got shape {y_pred.shape}")
        k = y_pred.shape[1]
        y_pred = y_pred.argmax(axis=1)
    else:
        y_pred = _labels(y_pred, "y_pred")
        k = None
    if len(y_pred) != len(y_true):
        raise ValueError(f"y_true and y_pred hold {len(y_true)} and {len(y_pred)} samples; they must match")
    return y_true, y_pred, k


def per_class_accuracy(y_true, y_pred, n_classes=None):
    """Return the accuracy (recall) of every class: the share of its test samples predicted as it.

    Formula::

        acc_c = #{i : y_i = c and yhat_i = c} / #{i : y_i = c},   c = 0, ..., k-1

    the per-class recall, scikit-learn's ``recall_score(y_true, yhat, average=None)``.
    Its mean is the balanced accuracy (``balanced_accuracy_score``).

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Class indices ``0..k-1``.
    y_pred : array_like of shape (n,) or (n, k)
        Predicted class indices, or scores (probabilities or logits) whose argmax is
        the prediction.
    n_classes : int, optional
        ``k``; by default the width of the scores, else ``max(y_true, y_pred) + 1``.

    Returns
    -------
    accuracy : ndarray of float64, shape (k,)

    Raises
    ------
    ValueError
        For labels that are not class indices, lengths that differ, scores that are
        not finite or have fewer than two columns, a class index ``>= n_classes``, or a
        class with no test sample (its accuracy is undefined).

    Examples
    --------
    >>> per_class_accuracy([0, 0, 1, 1, 2, 2], [0, 0, 1, 0, 2, 0]).tolist()
    [1.0, 0.5, 0.5]
    >>> import numpy as np
    >>> scores = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7]])
    >>> per_class_accuracy([0, 1, 1], scores).tolist()
    [1.0, 0.5]
    """
    y_true, y_pred, width = _decisions(y_true, y_pred)
    k = n_classes if n_classes is not None else width
    if k is None:
        k = int(max(y_true.max(), y_pred.max())) + 1
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise ValueError(f"n_classes must be an integer >= 2, got {k!r}")
    if width is not None and k != width:
        raise ValueError(f"n_classes={k} but the scores have {width} columns")
    if y_true.max() >= k or y_pred.max() >= k:
        raise ValueError(f"class indices must be below n_classes={k}")
    support = np.bincount(y_true, minlength=k)
    if np.any(support == 0):
        missing = np.flatnonzero(support == 0).tolist()
        raise ValueError(f"classes {missing} have no test sample, so their accuracy is undefined")
    hits = np.bincount(y_true[y_true == y_pred], minlength=k)
    return hits / support


def tail_accuracy(y_true, y_pred, classes):
    """Return the accuracy of a group of classes (the tail, say): the mean of their per-class accuracies.

    Formula::

        tail_accuracy = mean_{c in classes} acc_c

    with ``acc_c`` from :func:`per_class_accuracy`. On a test set with the same number
    of samples in every class of the group (a balanced test set), this is also the share
    of the group's test samples that are predicted correctly; a prediction counts as
    correct only if it names the right class, whatever group it falls in.

    Parameters
    ----------
    y_true : array_like of shape (n,)
        Class indices ``0..k-1``.
    y_pred : array_like of shape (n,) or (n, k)
        Predicted class indices, or scores whose argmax is the prediction.
    classes : sequence of int
        The group's classes, without repeats; each needs test samples.

    Returns
    -------
    accuracy : float

    Raises
    ------
    ValueError
        As :func:`per_class_accuracy`, and for an empty or repeated ``classes``.

    Examples
    --------
    >>> tail_accuracy([0, 0, 1, 1, 2, 2], [0, 0, 1, 0, 2, 0], classes=[1, 2])
    0.5
    """
    y_true, y_pred, width = _decisions(y_true, y_pred)
    group = np.asarray(classes)
    if group.ndim != 1 or group.size == 0 or group.dtype.kind not in "iu" or np.any(group < 0):
        raise ValueError(f"classes must be a non-empty list of class indices, got {classes!r}")
    if len(np.unique(group)) != len(group):
        raise ValueError(f"classes are repeated: {classes!r}")
    k = max(int(group.max()), int(y_true.max()), int(y_pred.max())) + 1 if width is None else width
    if group.max() >= k:
        raise ValueError(f"class {int(group.max())} is not among the {k} classes of the scores")
    support = np.bincount(y_true, minlength=k)[group]
    if np.any(support == 0):
        raise ValueError(f"classes {group[support == 0].tolist()} have no test sample, so their accuracy is undefined")
    hits = np.bincount(y_true[y_true == y_pred], minlength=k)[group]
    return float(np.mean(hits / support))


def rarest_classes(y_train, n):
    """Return the ``n`` classes with the fewest training samples, rarest first (ties: the lower index first).

    Parameters
    ----------
    y_train : array_like of shape (n_samples,)
        Training class indices ``0..k-1``; a class absent from them counts 0 samples
        only if a larger index is present.
    n : int
        How many classes, ``1 <= n <= k``.

    Returns
    -------
    classes : list of int

    Raises
    ------
    ValueError
        For labels that are not class indices, or ``n`` out of range.

    Examples
    --------
    >>> rarest_classes([0, 0, 0, 1, 1, 2, 3, 3], 2)
    [2, 1]
    """
    counts = np.bincount(_labels(y_train, "y_train"))
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= len(counts):
        raise ValueError(f"n must be an integer in [1, {len(counts)}], got {n!r}")
    order = np.lexsort((np.arange(len(counts)), counts))
    return [int(c) for c in order[:n]]
