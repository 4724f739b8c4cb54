"""The indexer: every department's articles in one hybrid keyword + vector index."""
