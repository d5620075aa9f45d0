"""companion: the helpers behind the book *Choosing Loss Functions*.

Organised by topic:

* :mod:`companion.information` -- information content, entropy, cross-entropy, KL divergence
* :mod:`companion.losses` -- NumPy reference implementations of Keras's losses
* :mod:`companion.metrics` -- scores by topic (classification, regression, calibration, intervals, long-tailed
  classes, ordinal targets, retrieval, segmentation, sequences), for what Keras and scikit-learn do not score in
  the form the book needs
* :mod:`companion.datasets` -- the seed tutorial's problems, scikit-learn's bundled data
  (breast cancer at a stated imbalance, digits, diabetes), label noise and CSV loading
* :mod:`companion.models` -- the seed's MLPs and optimizer
* :mod:`companion.training` -- seeding, the fast training path and ``model.fit``
* :mod:`companion.replicates` -- many replicates of one MLP trained side by side in one graph
* :mod:`companion.runner` -- the experiment runner: recipes trained over replicates, one tidy table
* :mod:`companion.imbalance` -- resampling, logit adjustment, and thresholds tuned out of fold or for stated costs
* :mod:`companion.calibration` -- recalibration maps (temperature, Platt, isotonic), proper scores and their
  decompositions, binned calibration error
* :mod:`companion.noise` -- label-noise transition matrices, their estimation, forward-corrected losses
* :mod:`companion.ordinal` -- ordinal ranks, their cumulative encoding, and the ranks a model's output predicts
* :mod:`companion.intervals` -- split-conformal and conformalised quantile intervals, interval scores
* :mod:`companion.plotting` -- learning curves and decision boundaries
* :mod:`companion.stats` -- paired differences and their intervals, Holm, TOST, power, families of
  comparisons declared in advance, and the digits rule
* :mod:`companion.compare` -- multi-seed loss comparisons and their command line
* :mod:`companion.gradients` -- closed-form gradients of the reference losses
* :mod:`companion.scratch` -- a two-layer NumPy network with hand-written backpropagation
* :mod:`companion.custom` -- custom losses and a metric that save and reload (pinball, generalised
  cross-entropy, Gaussian, beta- and Student-t NLL), seed 001's problem, a two-head model and a quantile model
  (imports Keras, so it loads on first use: ``companion.custom`` or ``from companion import custom``)

``import companion`` imports NumPy only and changes no global state. TensorFlow,
scikit-learn and matplotlib are imported by the functions that need them.
"""

from . import (calibration, compare, datasets, gradients, imbalance, information, intervals, losses, metrics, models,
               noise, ordinal, plotting, replicates, runner, scratch, stats, training)
from .compare import Problem, compare_losses, get_problem
from .datasets import Split, contaminate, encode_labels, flip_labels
from .information import cross_entropy, entropy, information_content, kl_divergence
from .metrics import expected_calibration_error, interval_coverage, sign_accuracy, within_tolerance
from .models import mlp, sgd
from .replicates import fit_replicates
from .runner import Recipe, Replicates, run_replicates
from .stats import (Family, FamilyResult, PairedDifference, detectable_difference, format_estimate, format_interval,
                    format_mean, format_p_value, holm, paired_difference, plan_replicates, replicates_needed,
                    supported_decimals, tost)
from .training import FitResult, class_weights, epochs_to_reach, fit, fit_keras, reinitialize, set_seed

__version__ = "0.1.0"

_LAZY = {"custom": None, "PinballLoss": "custom", "BinaryF1Score": "custom", "tolerance_targets": "custom",
         "two_head_mlp": "custom", "GeneralizedCrossEntropy": "custom", "GaussianNLL": "custom",
         "MultiPinballLoss": "custom", "quantile_mlp": "custom", "BetaNLL": "custom", "StudentTNLL": "custom"}


def __getattr__(name):
    """Load :mod:`companion.custom` on first use: it imports Keras to register its classes."""
    if name in _LAZY:
        import importlib

        module = importlib.import_module(".custom", __name__)
        return module if _LAZY[name] is None else getattr(module, name)
    raise AttributeError(f"module 'companion' has no attribute {name!r}")

__all__ = [
    "BetaNLL",
    "BinaryF1Score",
    "calibration",
    "class_weights",
    "compare",
    "compare_losses",
    "contaminate",
    "cross_entropy",
    "custom",
    "datasets",
    "detectable_difference",
    "encode_labels",
    "entropy",
    "epochs_to_reach",
    "expected_calibration_error",
    "Family",
    "FamilyResult",
    "fit",
    "fit_keras",
    "fit_replicates",
    "FitResult",
    "flip_labels",
    "format_estimate",
    "format_interval",
    "format_mean",
    "format_p_value",
    "GaussianNLL",
    "GeneralizedCrossEntropy",
    "get_problem",
    "gradients",
    "holm",
    "imbalance",
    "information",
    "information_content",
    "interval_coverage",
    "intervals",
    "kl_divergence",
    "losses",
    "metrics",
    "mlp",
    "models",
    "MultiPinballLoss",
    "noise",
    "ordinal",
    "paired_difference",
    "PairedDifference",
    "PinballLoss",
    "plan_replicates",
    "plotting",
    "Problem",
    "quantile_mlp",
    "Recipe",
    "reinitialize",
    "replicates",
    "Replicates",
    "replicates_needed",
    "run_replicates",
    "runner",
    "scratch",
    "set_seed",
    "sgd",
    "sign_accuracy",
    "Split",
    "StudentTNLL",
    "stats",
    "supported_decimals",
    "tolerance_targets",
    "tost",
    "training",
    "two_head_mlp",
    "within_tolerance",
]
