"""An article's title: its front matter's (a document's: its sidecar's or its
own title property), else its first heading, else its file name, with a
warning in the words of the file at hand (a document has no front matter)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from kb.content.markdown_text import first_heading
from kb.content.problem_texts import problem
from kb.records import Problem, Section
from kb.validators import without_bidi_controls


def article_title(
    meta: dict[str, Any],
    sections: tuple[Section, ...],
    article_id: str,
    warnings: list[Problem],
    *,
    is_document: bool = False,
) -> str:
    """The front matter's title (a document's: its sidecar's or its own title
    property), else the first heading, else the file name (warned, in the
    words of the file at hand)."""
    # One of controls that reorder text alone shows nothing (kb.records.Article).
    title = without_bidi_controls(str(meta.get("title") or "")).strip() or first_heading(sections)
    if title:
        return title
    if is_document:
        name = PurePosixPath(article_id).name
        warnings.append(problem("title_missing_document", article_id, kind="title", name=name))
    else:
        warnings.append(problem("title_missing", article_id, kind="title"))
    return PurePosixPath(article_id).stem.replace("-", " ").replace("_", " ").strip().capitalize()
