"""Tests for companion.metrics.calibration: reliability curves, ECE, the Brier score, temperature scaling."""

import numpy as np
import pytest


