"""Contract tests of the store, run against every backend."""
