"""companion.metrics.segmentation: IoU, Dice, pixel precision and recall against scikit-learn."""

import numpy as np
import pytest
from sklearn.metrics import f1_score, jaccard_score, precision_score, recall_score

from companion.metrics import segmentation as seg

SCORES = [(seg.iou_score, jaccard_score, 1.0), (seg.dice_score, f1_score, 1.0),
          (seg.pixel_precision, precision_score, 0.0), (seg.pixel_recall, recall_score, 0.0)]


def masks(seed, shape=(6, 8, 8, 1), fraction=0.05):
    rng = np.random.default_rng(seed)
    y_true = (rng.random(shape) < fraction).astype("float32")
    # Predictions that overlap the truth in part: noisy probabilities around it.
    y_pred = np.clip(0.7 * y_true + rng.normal(0.15, 0.25, shape), 0, 1).astype("float32")
    return y_true, y_pred


@pytest.mark.parametrize("ours, sklearns, zero", SCORES)
@pytest.mark.parametrize("seed", range(5))
def test_pooled_scores_are_sklearns_on_flattened_masks(ours, sklearns, zero, seed):
    y_true, y_pred = masks(seed)
    expected = sklearns(y_true.ravel(), (y_pred >= 0.5).ravel(), zero_division=zero)
    assert ours(y_true, y_pred) == pytest.approx(expected, abs=1e-12)
    # Any layout of the pixels gives the same pooled score.
    assert ours(y_true.reshape(6, -1), y_pred.reshape(6, -1)) == pytest.approx(expected, abs=1e-12)
    assert ours(y_true, y_pred, threshold=0.3) == pytest.approx(
        sklearns(y_true.ravel(), (y_pred >= 0.3).ravel(), zero_division=zero), abs=1e-12)


@pytest.mark.parametrize("ours, sklearns, zero", SCORES)
def test_per_image_scores_are_the_mean_of_sklearns_per_image(ours, sklearns, zero):
    y_true, y_pred = masks(7, shape=(10, 6, 6), fraction=0.1)
    y_true[3] = 0  # an image without foreground: its score follows zero_division
    expected = np.mean([sklearns(t.ravel(), (p >= 0.5).ravel(), zero_division=zero) for t, p in zip(y_true, y_pred)])
    assert ours(y_true, y_pred, per_image=True) == pytest.approx(expected, abs=1e-12)


def test_hand_counts_and_dice_iou_relation():
    y_true = np.array([[0, 1, 1, 0, 1]])
    y_pred = np.array([[1, 1, 0, 0, 1]])  # TP 2, FP 1, FN 1
    assert seg.iou_score(y_true, y_pred) == 0.5
    assert seg.dice_score(y_true, y_pred) == pytest.approx(2 * 0.5 / 1.5)
    assert seg.pixel_precision(y_true, y_pred) == pytest.approx(2 / 3)
    assert seg.pixel_recall(y_true, y_pred) == pytest.approx(2 / 3)
    assert seg.segmentation_scores(y_true, y_pred)["iou"] == 0.5
    assert seg.iou_score(y_true.astype(bool), y_pred) == 0.5  # boolean masks


def test_empty_mask_convention():
    empty = np.zeros((2, 4, 4))
    # Nothing to find and nothing found: IoU and Dice are perfect, precision and recall take 0.
    assert seg.iou_score(empty, empty) == 1.0 and seg.dice_score(empty, empty) == 1.0
    assert seg.pixel_precision(empty, empty) == 0.0 and seg.pixel_recall(empty, empty) == 0.0
    assert seg.iou_score(empty, empty, zero_division=0.0) == 0.0
    # Foreground predicted where there is none: a miss, not a division by zero.
    one = empty.copy()
    one[0, 1, 1] = 1
    assert seg.iou_score(empty, one) == 0.0 and seg.dice_score(one, empty) == 0.0
    assert seg.pixel_precision(one, empty) == 0.0 and seg.pixel_recall(empty, one) == 0.0
    # Per image: the empty image counts as perfect, the missed one as 0.
    assert seg.iou_score(one, empty, per_image=True) == 0.5


def test_bad_masks_raise_clear_errors():
    y_true, y_pred = masks(1)
    with pytest.raises(ValueError, match=r"y_pred has shape \(6, 64\) but the masks y_true have shape \(6, 8, 8, 1\)"):
        seg.iou_score(y_true, y_pred.reshape(6, -1))
    with pytest.raises(ValueError, match="binary mask of 0/1 values; found \\[0.5\\]"):
        seg.dice_score(np.full((2, 3), 0.5), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="images along the first axis"):
        seg.pixel_recall(np.array([0, 1]), np.array([0.2, 0.9]))
    with pytest.raises(ValueError, match="NaN or infinite"):
        seg.pixel_precision(np.zeros((1, 2)), np.array([[np.nan, 0.1]]))
    with pytest.raises(ValueError, match="threshold must be a finite number"):
        seg.iou_score(np.zeros((1, 2)), np.zeros((1, 2)), threshold=np.nan)


def test_reachable_from_companion_metrics():
    import companion as cp

    assert cp.metrics.segmentation.iou_score is seg.iou_score
