"""Tests for the package companion.metrics: its topic modules, and the import paths the book has always used.

Each topic module has its own test module (tests/test_metrics_<topic>.py). Here: every public name of a topic
module is importable from ``companion.metrics`` as before the split, is the same object, and ``import companion``
still loads no TensorFlow, scikit-learn or SciPy.
"""

import importlib
import inspect
import subprocess
import sys

import pytest

import companion as cp

TOPICS = [name for name in cp.metrics.__all__ if inspect.ismodule(getattr(cp.metrics, name))]
OLD_PATHS = ["sign_accuracy", "within_tolerance", "gaussian_posterior", "gaussian_bayes_accuracy", "interval_coverage",
             "interval_width", "quantile_crossings", "rearrange_quantiles", "recall_at_precision", "best_threshold",
             "imbalance_scores", "undo_class_weight", "reliability_curve", "expected_calibration_error",
             "brier_score", "scaled_probabilities", "fit_temperature"]


def public_functions(module):
    return {name: obj for name, obj in vars(module).items()
            if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
            and obj.__module__ == module.__name__}


def test_the_topic_modules_are_the_ones_documented():
    assert {"calibration", "classification", "intervals", "regression"} <= set(TOPICS)
    for topic in TOPICS:
        assert f"companion.metrics.{topic}" in cp.metrics.__doc__


@pytest.mark.parametrize("name", OLD_PATHS)
def test_every_name_of_the_single_module_still_imports_from_companion_metrics(name):
    obj = getattr(importlib.import_module("companion.metrics"), name)
    assert callable(obj)
    assert obj.__module__.startswith("companion.metrics.")


def test_re_exports_are_the_topic_modules_own_objects_and_listed_in_all():
    for topic in TOPICS:
        module = getattr(cp.metrics, topic)
        for name, obj in public_functions(module).items():
            if name in cp.metrics.__all__:
                assert getattr(cp.metrics, name) is obj
    for name in cp.metrics.__all__:
        assert hasattr(cp.metrics, name), name


def test_every_public_function_has_a_summary_and_an_example():
    for topic in TOPICS:
        for name, obj in public_functions(getattr(cp.metrics, topic)).items():
            doc = inspect.getdoc(obj) or ""
            assert doc.split("\n")[0].strip(), f"{topic}.{name} has no one-line summary"
            if inspect.isfunction(obj):
                assert ">>>" in doc, f"{topic}.{name} has no runnable example"


def test_importing_the_package_stays_cheap():
    code = ("import sys, companion, companion.metrics; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'keras', 'sklearn', 'scipy', "
            "'matplotlib'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
