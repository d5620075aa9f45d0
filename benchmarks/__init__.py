"""Benchmarks of the companion package: ``python -m benchmarks.training``."""
