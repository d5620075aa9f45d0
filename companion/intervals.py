"""Predictive intervals: split-conformal and conformalised quantile intervals, interval scores and coverage.
"""
