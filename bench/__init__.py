"""Benchmarks (not tests): synthetic corpus generator and search-engine comparison."""
