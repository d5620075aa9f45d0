"""Scores of predicted masks against true masks: IoU, Dice, pixel precision and pixel recall.

A mask is an array of 0/1 values, one per pixel, with the images along the first axis:
``(n_images, n_pixels)``, ``(n_images, height, width)`` or ``(n_images, height, width, 1)``.
Predictions have the same shape and hold probabilities (or any score): a pixel is predicted
foreground when its value is at least ``threshold``.

With TP, FP and FN the counts of true-positive, false-positive and false-negative pixels:

* IoU (Jaccard index) = TP / (TP + FP + FN),
* Dice = 2 TP / (2 TP + FP + FN), the F1 score of the pixels,
* precision = TP / (TP + FP), recall = TP / (TP + FN).

By default the counts are pooled over every pixel of every image (the scores of the flattened
masks, as scikit-learn's ``jaccard_score``, ``f1_score``, ``precision_score`` and
``recall_score`` give them); ``per_image=True`` scores each image and averages.

**Empty masks.** A ratio whose denominator is 0 takes the value ``zero_division``. For IoU and
Dice this happens only when neither mask has a foreground pixel: the prediction is then
perfect, and the default is 1.0 (scikit-learn's own default, 0.0 with a warning, would score a
correct empty prediction as a total miss). For precision (nothing predicted) and recall
(nothing to find) the default is scikit-learn's 0.0.
"""

import numpy as np

__all__ = ["dice_score", "iou_score", "pixel_precision", "pixel_recall", "segmentation_scores"]


def _counts(y_true, y_pred, threshold, per_image):
    """Return the (TP, FP, FN) pixel counts, pooled (scalars) or per image (arrays of length n)."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.ndim < 2:
        raise ValueError(f"masks need the images along the first axis, shape (n_images, ...pixels), "
                         f"got y_true of shape {y_true.shape}")
    if y_pred.shape != y_true.shape:
        raise ValueError(f"y_pred has shape {y_pred.shape} but the masks y_true have shape {y_true.shape}; "
                         "predict one value per pixel, in the masks' layout")
    if y_true.dtype != bool and not np.isin(y_true, (0, 1)).all():
        raise ValueError("y_true must be a binary mask of 0/1 values; found "
                         f"{np.setdiff1d(np.unique(y_true), (0, 1))[:5].tolist()}")
    if np.issubdtype(y_pred.dtype, np.floating) and not np.isfinite(y_pred).all():
        raise ValueError("y_pred holds NaN or infinite values")
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    truth = y_true.astype(bool).reshape(len(y_true), -1)
    predicted = (y_pred >= threshold).reshape(len(y_pred), -1)
    axis = 1 if per_image else None
    tp = np.sum(truth & predicted, axis=axis)
    fp = np.sum(~truth & predicted, axis=axis)
    fn = np.sum(truth & ~predicted, axis=axis)
    return tp, fp, fn


def _ratio(numerator, denominator, zero_division):
    numerator = np.asarray(numerator, dtype="float64")
    denominator = np.asarray(denominator, dtype="float64")
    safe = np.where(denominator > 0, denominator, 1.0)
    return float(np.mean(np.where(denominator > 0, numerator / safe, float(zero_division))))


def iou_score(y_true, y_pred, threshold=0.5, per_image=False, zero_division=1.0):
    """Return the intersection over union (Jaccard index) of predicted and true masks.

    ``TP / (TP + FP + FN)`` over the foreground pixels.

    Parameters
    ----------
    y_true : array-like of shape (n_images, ...)
        True masks, 0/1 values (or booleans).
    y_pred : array-like of the shape of ``y_true``
        Predicted probabilities (or scores, or 0/1 masks).
    threshold : float, default=0.5
        A pixel is predicted foreground when ``y_pred >= threshold``.
    per_image : bool, default=False
        ``False`` pools the pixels of all images; ``True`` averages the images' scores.
    zero_division : float, default=1.0
        The score when neither mask has foreground (a perfect empty prediction).

    Returns
    -------
    iou : float
        In [0, 1].

    Raises
    ------
    ValueError
        If the shapes differ, the masks are not 0/1, or ``y_pred`` is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.metrics.segmentation import iou_score
    >>> y_true = np.array([[0, 1, 1, 0], [0, 0, 0, 1]])
    >>> y_pred = np.array([[0.1, 0.9, 0.4, 0.7], [0.0, 0.2, 0.1, 0.8]])
    >>> iou_score(y_true, y_pred)  # TP 2, FP 1, FN 1
    0.5
    >>> iou_score(y_true, y_pred, per_image=True)  # images: 1/3 and 1
    0.6666666666666666
    """
    tp, fp, fn = _counts(y_true, y_pred, threshold, per_image)
    return _ratio(tp, tp + fp + fn, zero_division)


def dice_score(y_true, y_pred, threshold=0.5, per_image=False, zero_division=1.0):
    """Return the Dice coefficient (the pixels' F1 score) of predicted and true masks.

    ``2 TP / (2 TP + FP + FN)``; per image it equals ``2 IoU / (1 + IoU)``.
    Parameters, errors and the empty-mask convention as :func:`iou_score`.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.metrics.segmentation import dice_score
    >>> y_true = np.array([[0, 1, 1, 0], [0, 0, 0, 1]])
    >>> y_pred = np.array([[0.1, 0.9, 0.4, 0.7], [0.0, 0.2, 0.1, 0.8]])
    >>> dice_score(y_true, y_pred)  # 2 * 2 / (2 * 2 + 1 + 1)
    0.6666666666666666
    >>> dice_score(np.zeros((1, 4)), np.zeros((1, 4)))  # nothing to find, nothing found
    1.0
    """
    tp, fp, fn = _counts(y_true, y_pred, threshold, per_image)
    return _ratio(2 * tp, 2 * tp + fp + fn, zero_division)


def pixel_precision(y_true, y_pred, threshold=0.5, per_image=False, zero_division=0.0):
    """Return the share of predicted foreground pixels that are foreground: ``TP / (TP + FP)``.

    Parameters and errors as :func:`iou_score`; ``zero_division`` (default 0.0, as
    scikit-learn's ``precision_score``) is the score when no pixel is predicted foreground.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.metrics.segmentation import pixel_precision
    >>> pixel_precision(np.array([[0, 1, 1, 0]]), np.array([[0.1, 0.9, 0.4, 0.7]]))
    0.5
    """
    tp, fp, _ = _counts(y_true, y_pred, threshold, per_image)
    return _ratio(tp, tp + fp, zero_division)


def pixel_recall(y_true, y_pred, threshold=0.5, per_image=False, zero_division=0.0):
    """Return the share of foreground pixels predicted foreground: ``TP / (TP + FN)``.

    Parameters and errors as :func:`iou_score`; ``zero_division`` (default 0.0, as
    scikit-learn's ``recall_score``) is the score when the true mask is empty.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.metrics.segmentation import pixel_recall
    >>> pixel_recall(np.array([[0, 1, 1, 0]]), np.array([[0.1, 0.9, 0.4, 0.7]]))
    0.5
    """
    tp, _, fn = _counts(y_true, y_pred, threshold, per_image)
    return _ratio(tp, tp + fn, zero_division)


def segmentation_scores(y_true, y_pred, threshold=0.5, per_image=False):
    """Return IoU, Dice, pixel precision and pixel recall as a dict, for a runner's ``scoring``.

    Each with its default ``zero_division`` (see the module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> from companion.metrics.segmentation import segmentation_scores
    >>> scores = segmentation_scores(np.array([[0, 1, 1, 0]]), np.array([[0.1, 0.9, 0.4, 0.7]]))
    >>> {k: round(v, 3) for k, v in scores.items()}
    {'iou': 0.333, 'dice': 0.5, 'precision': 0.5, 'recall': 0.5}
    """
    return {"iou": iou_score(y_true, y_pred, threshold, per_image),
            "dice": dice_score(y_true, y_pred, threshold, per_image),
            "precision": pixel_precision(y_true, y_pred, threshold, per_image),
            "recall": pixel_recall(y_true, y_pred, threshold, per_image)}
