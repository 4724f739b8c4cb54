"""Records of one search: the query as asked, the hits, the answer, the route."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kb.validators import set_normalised, without_bidi_controls


def _drop_bidi_controls(record: Hit | Answer, texts: tuple[str, ...]) -> None:
    """An article's words as a result or answer shows them: without the controls
    that reorder the text after them (`kb.records.Article`), also where an
    older snapshot's passages still hold them."""
    for name in texts:
        set_normalised(record, name, without_bidi_controls(getattr(record, name)))
    headings = tuple(without_bidi_controls(heading) for heading in record.headings)
    set_normalised(record, "headings", headings)


@dataclass(frozen=True)
class Query:
    """A search as the caller asked it."""

    text: str
    k: int = 10
    page: int = 1
    department: str | None = None
    tags: tuple[str, ...] = ()
    # Departments/roles of the caller; None = unrestricted (CLI, administrators).
    groups: frozenset[str] | None = None
    lang: str | None = None
    # The language of a query that says too little of its own (under three
    # characters, no letters, a few words the detector is unsure of): the
    # searcher's account language, else the site's. None: the engine's
    # `default_language`.
    fallback_lang: str | None = None
    # False: every article either retriever found is a result, below the
    # relevance floor too (`kb eval` measures the whole ranking; people are
    # shown only the results above the floor).
    floor: bool = True

    def __post_init__(self) -> None:
        if not self.text or not self.text.strip():
            raise ValueError("query text must not be empty")
        if self.k < 1:
            raise ValueError(f"k must be at least 1, got {self.k!r}")
        if self.page < 1:
            raise ValueError(f"page must be at least 1, got {self.page!r}")


@dataclass(frozen=True)
class Hit:
    """One article in the results, with its best passage."""

    id: str
    department: str
    title: str
    score: float
    snippet: str  # HTML-escaped text with <mark> around query terms
    passage: str = ""
    headings: tuple[str, ...] = ()
    lang: str = "en"
    tags: tuple[str, ...] = ()
    locator: str = ""  # where in the original document: "page 4", "Section 3.2"

    def __post_init__(self) -> None:
        _drop_bidi_controls(self, ("title", "snippet", "passage"))
        set_normalised(self, "tags", tuple(without_bidi_controls(tag) for tag in self.tags))

    @property
    def path(self) -> str:
        return self.id

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "department": self.department,
            "title": self.title,
            "score": round(self.score, 6),
            "snippet": self.snippet,
            "headings": list(self.headings),
            "locator": self.locator,
            "lang": self.lang,
        }


@dataclass(frozen=True)
class Answer:
    """The passage of the top article that answers the query, and its best sentences."""

    id: str
    title: str
    department: str
    passage: str
    highlight: str  # the best-matching sentence(s), plain text
    headings: tuple[str, ...] = ()
    locator: str = ""  # where in the original document: "page 4", "Section 3.2"

    def __post_init__(self) -> None:
        _drop_bidi_controls(self, ("title", "passage", "highlight"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "department": self.department,
            "passage": self.passage,
            "highlight": self.highlight,
            "headings": list(self.headings),
            "locator": self.locator,
        }


@dataclass(frozen=True)
class SearchResponse:
    """Everything a search returns; `as_dict()` is the JSON shape of CLI and API."""

    query: str
    answered: bool
    confidence: float
    answer: Answer | None
    department: str
    department_confidence: float
    did_you_mean: str | None
    results: list[Hit]
    total: int = 0
    page: int = 1
    lang: str = "en"
    expanded_terms: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    # The evidence the answered decision was made from (confidence features by
    # name); kept out of the JSON shape, read by evaluation and calibration.
    features: Mapping[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "answered": self.answered,
            "confidence": round(self.confidence, 4),
            "answer": self.answer.as_dict() if self.answer else None,
            "department": self.department,
            "department_confidence": round(self.department_confidence, 4),
            "did_you_mean": self.did_you_mean,
            "results": [h.as_dict() for h in self.results],
            "total": self.total,
            "page": self.page,
            "lang": self.lang,
            "expanded_terms": self.expanded_terms,
            "latency_ms": round(self.latency_ms, 2),
        }
