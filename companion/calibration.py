"""Calibration: post-hoc recalibration (temperature, Platt, isotonic), proper scores and their decompositions, and binned calibration error.
"""
