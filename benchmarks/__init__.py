"""Benchmarks: side-by-side comparisons with what a user would otherwise use."""
