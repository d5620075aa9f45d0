"""Every public function and class of companion has a one-line summary and a runnable example (issue 27).

The examples themselves run as doctests (``--doctest-modules companion``); this test makes sure there is one
to run. It walks the package, so a module or a function added later is held to the same rule.
"""

import importlib
import inspect
import os
import pkgutil

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402

import companion  # noqa: E402


def public_modules():
    """``companion`` and every public module below it (not ``__main__``, nor a private ``_module``)."""
    names = ["companion"]
    for info in pkgutil.walk_packages(companion.__path__, prefix="companion."):
        parts = info.name.split(".")[1:]
        if any(part.startswith("_") for part in parts):  # private modules and __main__
            continue
        names.append(info.name)
    return sorted(names)


def public_objects():
    """``(module, name, object)`` for every public function and class defined in a public module."""
    found = []
    for module_name in public_modules():
        module = importlib.import_module(module_name)  # companion.custom imports Keras: fine here
        for name, obj in sorted(vars(module).items()):
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", None) != module_name:  # imported from elsewhere: checked there
                continue
            found.append((module_name, name, obj))
    return found


MODULES = public_modules()
OBJECTS = public_objects()


def test_the_walk_finds_the_package():
    # An empty sweep must not pass: these modules and names exist and are public.
    for module in ("companion.custom", "companion.datasets", "companion.metrics.calibration", "companion.stats"):
        assert module in MODULES
    assert "companion.__main__" not in MODULES and not any(m.split(".")[-1].startswith("_") for m in MODULES)
    names = {f"{module}.{name}" for module, name, _ in OBJECTS}
    for name in ("companion.datasets.Split", "companion.training.fit_keras", "companion.custom.PinballLoss",
                 "companion.metrics.calibration.reliability_curve", "companion.compare.Comparison"):
        assert name in names
    assert len(OBJECTS) > 150


def summary_line(obj):
    doc = inspect.getdoc(obj) or ""
    return doc.strip().splitlines()[0].strip() if doc.strip() else ""


@pytest.mark.parametrize("module, name, obj", OBJECTS, ids=[f"{m}.{n}" for m, n, _ in OBJECTS])
def test_public_name_has_a_summary_and_an_example(module, name, obj):
    doc = inspect.getdoc(obj) or ""
    assert summary_line(obj), f"{module}.{name} has no one-line summary"
    assert ">>>" in doc, f"{module}.{name} has no runnable example (an Examples section with >>>)"


def test_the_check_fails_without_an_example():
    def documented():
        """Do nothing.

        Examples
        --------
        >>> documented()
        """

    def bare():
        """Do nothing."""

    assert summary_line(documented) == "Do nothing." and ">>>" in inspect.getdoc(documented)
    assert summary_line(bare) == "Do nothing." and ">>>" not in inspect.getdoc(bare)
    with pytest.raises(AssertionError, match="no runnable example"):
        test_public_name_has_a_summary_and_an_example("companion.fake", "bare", bare)
    with pytest.raises(AssertionError, match="no one-line summary"):
        test_public_name_has_a_summary_and_an_example("companion.fake", "silent", lambda: None)


def test_every_name_in_companion_all_resolves():
    assert companion.__all__ and len(set(companion.__all__)) == len(companion.__all__)
    for name in companion.__all__:
        obj = getattr(companion, name)  # lazy names (companion.custom's) load Keras here
        assert obj is not None, name
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert summary_line(obj), f"companion.{name} has no one-line summary"
