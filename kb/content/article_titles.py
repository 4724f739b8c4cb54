"""An article's title: its front matter's (a document's: its sidecar's or its
own title property), else its first heading, else its file name, with a
warning in the words of the file at hand (a document has no front matter)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from kb.content.markdown_text import first_heading
from kb.records import Problem, Section, Severity


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
    title = str(meta.get("title") or "").strip() or first_heading(sections)
    if title:
        return title
    if is_document:
        message = (
            "no title in the document's properties, its sidecar or a heading; using the file name"
        )
        name = PurePosixPath(article_id).name
        hint = f"give it a title in a sidecar file {name}.yml (title: …) or in the document itself"
    else:
        message = "no title in front matter or heading; using the file name"
        hint = "add title: … to the front matter or start the article with a # heading"
    warnings.append(
        Problem(article_id, message, hint=hint, severity=Severity.WARNING, kind="title")
    )
    return PurePosixPath(article_id).stem.replace("-", " ").replace("_", " ").strip().capitalize()
