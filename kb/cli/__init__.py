"""The `kb` command line: `main` (the root group) and shared `options`."""
