"""Benchmarks: run with `python -m bench.<name>`; each prints a table of ratios against a baseline."""
