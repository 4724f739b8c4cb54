"""spoc-kb's domain core: one package per concept (see docs/architecture.md)."""

__version__ = "0.1.0"
