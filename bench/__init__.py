"""Benchmarks (not tests): synthetic data generators, runners, RESULTS.md."""
