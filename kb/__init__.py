"""spoc-kb domain core: records, settings, errors and content parsing."""

__version__ = "0.1.0"
