"""Benchmarks: `make bench` runs them and prints numbers against a baseline of the same run."""
