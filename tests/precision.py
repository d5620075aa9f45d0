"""Checks of the digits rule shared by the tests of companion.stats and companion.compare."""

import math

import numpy as np
import pytest


def printed_decimals(text):
    """Decimals of the mean in a ``"mean ± sd"`` or ``"mean"`` string."""
    mean = text.split(" ± ")[0]
    return len(mean.split(".")[1]) if "." in mean else 0


def assert_precision_supported(text, values, max_decimals=3):
    """The printed mean's last digit has a unit >= its standard error, and one more digit's would not."""
    values = np.asarray(values, dtype=float)
    se = values.std(ddof=1) / math.sqrt(values.size)
    decimals = printed_decimals(text)
    assert 10.0 ** -decimals >= se or decimals == 0, (text, se)
    assert decimals == max_decimals or 10.0 ** -(decimals + 1) < se, (text, se)
    assert float(text.split(" ± ")[0]) == pytest.approx(values.mean(), abs=0.5 * 10.0 ** -decimals + 1e-12)
