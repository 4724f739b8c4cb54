"""Hybrid search: keyword and vector retrieval, fused, grouped into articles,
with an answered decision and a department route. See docs/search.md.

`SearchEngine` is imported lazily so that `kb --help` does not load FAISS."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from search.engine import SearchEngine

__all__ = ["SearchEngine"]


def __getattr__(name: str) -> Any:
    if name == "SearchEngine":
        from search.engine import SearchEngine

        return SearchEngine
    raise AttributeError(name)
