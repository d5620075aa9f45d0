"""Label noise: noise transition matrices, their estimation, and forward-corrected losses.
"""
