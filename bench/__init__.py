"""Benchmarks of what users feel: each figure is a ratio against a baseline in the same run."""
