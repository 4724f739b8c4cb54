"""Benchmarks: measurements of ranking quality, latency and indexing, kept apart from tests."""
