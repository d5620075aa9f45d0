"""Class imbalance: resampling, logit adjustment, and thresholds chosen out of fold or for stated costs.
"""
