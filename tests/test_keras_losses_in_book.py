"""Every loss class that the locked Keras ships is trained in a chapter of the book.

The classes are read from ``keras.losses`` itself, so a Keras release that adds a loss makes this test fail until a
chapter trains it. A chapter "trains" a class when one of its code cells names it as a loss: the class
(``keras.losses.Dice(...)``, ``Dice(``), its loss function (``keras.losses.dice``) or a string Keras resolves to it
(``"dice"``, ``"mse"``), as ``model.compile``, :class:`companion.Recipe` and :func:`companion.compare_losses` take
them. Mentions in prose do not count.
"""

import inspect
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def keras_loss_classes():
    """``{class name: the strings and function names that resolve to it}`` for the locked Keras."""
    import keras
    from keras.src.losses import ALL_OBJECTS_DICT

    classes = {}
    for name, cls in sorted(vars(keras.losses).items()):
        if not (inspect.isclass(cls) and issubclass(cls, keras.losses.Loss)) or cls is keras.losses.Loss:
            continue
        fn = getattr(cls(), "fn", None)
        aliases = {key for key, value in ALL_OBJECTS_DICT.items() if fn is not None and value is fn}
        if fn is not None:
            aliases.add(fn.__name__)
        classes[name] = aliases
    return classes


def chapter_code():
    """The code cells of every chapter listed in _toc.yml, as one string per chapter."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [entry["file"] for part in toc["parts"] for entry in part["chapters"]]
    code = {}
    for name in files:
        path = ROOT / f"{name}.ipynb"
        if path.exists():
            cells = json.loads(path.read_text())["cells"]
            code[path.name] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return code


def trains(code, cls, aliases):
    patterns = [rf"\b{cls}\(", rf"losses\.{cls}\b"]
    patterns += [rf"""["']{re.escape(a)}["']""" for a in aliases]
    patterns += [rf"losses\.{re.escape(a)}\b" for a in aliases if a.islower()]
    return any(re.search(p, code) for p in patterns)


def test_the_classes_are_read_from_keras_and_include_the_common_ones():
    classes = keras_loss_classes()
    assert {"MeanSquaredError", "CategoricalCrossentropy", "Dice", "CTC"} <= set(classes)
    assert {"mse", "mean_squared_error"} <= classes["MeanSquaredError"]


def test_the_detector_needs_code_not_prose():
    assert trains('model.compile(loss="mape")', "MeanAbsolutePercentageError", {"mape"})
    assert trains("keras.losses.Tversky(alpha=0.3)", "Tversky", {"tversky"})
    assert not trains("# MAPE is not used here", "MeanAbsolutePercentageError", {"mape", "MAPE"})
    assert not trains("tversky_loss = None", "Tversky", {"tversky"})


@pytest.mark.parametrize("cls", sorted(keras_loss_classes()))
def test_every_keras_loss_class_is_trained_in_a_chapter(cls):
    aliases = keras_loss_classes()[cls]
    chapters = [name for name, code in chapter_code().items() if trains(code, cls, aliases)]
    assert chapters, f"keras.losses.{cls} is trained in no chapter (looked for {cls}( and {sorted(aliases)})"
