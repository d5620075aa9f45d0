"""Scores that Keras 3 or scikit-learn do not provide in the form the book needs, by topic.

* :mod:`companion.metrics.classification` -- accuracy by sign for {-1, +1} labels, the Bayes limit of
  Gaussian classes, and scores for rare classes (recall at a precision, tuned thresholds, undoing class
  weights)
* :mod:`companion.metrics.regression` -- the within-tolerance rule of seed ``001``
* :mod:`companion.metrics.calibration` -- reliability curves, expected calibration error, the Brier score and
  temperature scaling
* :mod:`companion.metrics.intervals` -- coverage and width of prediction intervals, crossed quantiles
* :mod:`companion.metrics.long_tail` -- the accuracy of every class, and of the rare ones
* :mod:`companion.metrics.ordinal` -- MAE on ranks, quadratic weighted kappa, accuracy of ordinal targets
* :mod:`companion.metrics.retrieval` -- recall@k of embeddings by nearest-neighbour search
* :mod:`companion.metrics.segmentation` -- IoU, Dice, pixel precision and recall of masks
* :mod:`companion.metrics.sequences` -- edit distance and label error rate of label sequences, greedy CTC decoding

Every public function of the first four modules is also available here, as ``companion.metrics.<name>``, the
import path the book has always used; the scores of the further tasks are called through their module
(``companion.metrics.retrieval.recall_at_k``). The Keras metric functions (:func:`companion.metrics.classification.sign_accuracy`, :func:`companion.metrics.regression.within_tolerance`) take
``(y_true, y_pred)`` and return one value per sample; the rest take NumPy arrays and return floats.
Nothing heavier than NumPy is imported until a function needs it.
"""

from . import calibration, classification, intervals, regression
from ._shapes import _align
from .calibration import (ReliabilityCurve, brier_score, expected_calibration_error, fit_temperature,
                          reliability_curve, scaled_probabilities)
from .classification import (best_threshold, gaussian_bayes_accuracy, gaussian_posterior, imbalance_scores,
                             recall_at_precision, sign_accuracy, undo_class_weight)
from .intervals import interval_coverage, interval_width, quantile_crossings, rearrange_quantiles
from .regression import within_tolerance

# The scores of the further tasks, called through their module:
from . import long_tail  # per-class and tail accuracy of many classes with a long tail
from . import ordinal  # MAE on ranks, quadratic weighted kappa and accuracy of ordinal targets
from . import retrieval  # recall@k of embeddings by nearest-neighbour search
from . import segmentation  # IoU, Dice, pixel precision and recall of masks
from . import sequences  # edit distance and label error rate of label sequences, greedy CTC decoding

__all__ = [
    "ReliabilityCurve",
    "best_threshold",
    "brier_score",
    "calibration",
    "classification",
    "expected_calibration_error",
    "fit_temperature",
    "gaussian_bayes_accuracy",
    "gaussian_posterior",
    "imbalance_scores",
    "interval_coverage",
    "interval_width",
    "intervals",
    "long_tail",
    "ordinal",
    "quantile_crossings",
    "rearrange_quantiles",
    "recall_at_precision",
    "reliability_curve",
    "regression",
    "retrieval",
    "scaled_probabilities",
    "segmentation",
    "sequences",
    "sign_accuracy",
    "undo_class_weight",
    "within_tolerance",
]
