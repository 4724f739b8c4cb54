"""What one `kb index` run did (`kb index --json` prints it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class BuildReport:
    """What one run did; `kb index --json` prints it."""

    articles: int = 0
    passages: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    embedded_passages: int = 0
    # Passages embedded with the second model (setting secondary_model).
    secondary_embedded_passages: int = 0
    # Sentence windows embedded for the answer's quote (`indexer.sentence_vectors`).
    embedded_windows: int = 0
    # The older passage cutter's version when the index was cut again
    # (`indexer.recut`), and how many articles came out in other passages.
    recut_from: int | None = None
    recut_articles: int = 0
    documents_extracted: int = 0
    documents_cached: int = 0
    extraction_seconds: float = 0.0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    snapshot: str | None = None
    published: bool = False
    # Files and bytes sent to a replicated snapshot store (settings snapshot_store).
    uploaded_files: int = 0
    uploaded_bytes: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
