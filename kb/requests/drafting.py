"""From answer to article: a resolved request becomes a draft Markdown file.

`write_draft` puts `<slug>.md` into the owning department's folder, with
front matter `status: draft` and `source_request: <id>`, the question as
title and the resolution as the answer. An existing file is never
overwritten: the name gets `-2`, `-3`… instead (the file is created
exclusively, so two drafts written at once cannot collide either).

`set_status` is how the content owner publishes: it rewrites only the
`status:` line of the front matter and leaves every other byte alone. The
indexer picks the article up on its next run.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from datetime import date
from pathlib import Path, PurePosixPath

import yaml

from kb.content.markdown_article import DEFAULT_MAX_BYTES, parse_article
from kb.content.regular_files import read_regular_file
from kb.errors import ConflictError, ContentError, NotFoundError, ValidationError
from kb.records import Article, Status
from kb.requests.records import Request
from kb.requests.routing import query_terms

MAX_SLUG_CHARS = 60
MAX_TAGS = 5
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_STATUS_LINE = re.compile(r"^status\s*:.*$")


def slugify(text: str) -> str:
    """A file-name slug: ASCII lower-case words joined by '-' ("Wie beantrage ich…" →
    "wie-beantrage-ich…"); "article" when nothing is left."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_FOLD)).encode("ascii", "ignore").decode()
    )
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_SLUG_CHARS:
            break
        slug = candidate
    return slug or (words[0][:MAX_SLUG_CHARS] if words else "article")


def title_from_question(query: str) -> str:
    text = " ".join(query.split())
    return text[:1].upper() + text[1:]


def _summary(resolution: str) -> str:
    """The resolution's first sentence, at most 200 characters."""
    text = " ".join(resolution.split())
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return first if len(first) <= 200 else first[:197].rstrip() + "…"


def draft_markdown(request: Request, owner: str, lang: str, today: date) -> str:
    """The text of the draft: front matter, then the question and the answer."""
    meta = {
        "title": title_from_question(request.query),
        "summary": _summary(request.resolution or ""),
        "owner": owner,
        "tags": query_terms(request.query)[:MAX_TAGS],
        "status": Status.DRAFT.value,
        "lang": lang,
        "updated": today,
        "source_request": request.id,
    }
    front = yaml.safe_dump(
        meta, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None
    )
    headings = ("Frage", "Antwort") if lang == "de" else ("Question", "Answer")
    question = request.query.strip()
    if request.description.strip():
        question += "\n\n" + request.description.strip()
    return (
        f"---\n{front}---\n## {headings[0]}\n\n{question}\n\n"
        f"## {headings[1]}\n\n{(request.resolution or '').strip()}\n"
    )


def write_draft(folder: Path, slug: str, text: str) -> Path:
    """Create `<slug>.md` (or `<slug>-2.md`, …) in `folder`; never overwrites."""
    for n in range(1, 1000):
        path = folder / (f"{slug}.md" if n == 1 else f"{slug}-{n}.md")
        try:
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except FileExistsError:
            continue
        return path
    raise ConflictError(f"{folder} already has 999 drafts named {slug}; tidy the folder up")


def article_path(content_root: Path, article_id: str) -> Path:
    """The file of an article id, refusing ids that leave the content root."""
    parts = PurePosixPath(article_id).parts
    if (
        not article_id.endswith(".md")
        or len(parts) < 2
        or article_id.startswith("/")
        or any(p in ("", ".", "..") or p.startswith((".", "_")) for p in parts)
    ):
        raise ValidationError(
            f"{article_id!r} is not an article id; use a path below the content root "
            "such as it/vpn-setup.md",
            details={"field": "article_id", "value": article_id},
        )
    path = content_root.joinpath(*parts)
    if not path.is_file():
        raise NotFoundError(
            f"no article {article_id} under {content_root}", details={"article_id": article_id}
        )
    return path


def read_article_file(path: Path, article_id: str) -> bytes:
    """An article file's bytes, read as the scanner reads it (a regular file within
    the size limit; `kb.content.regular_files`)."""
    return read_regular_file(path, DEFAULT_MAX_BYTES, article_id)


def set_status(content_root: Path, article_id: str, status: Status) -> tuple[Article, bool]:
    """Rewrite the article's `status:` line; returns the article and whether it changed.

    Only that line changes (one is added before the closing `---` when there
    is none). The file is replaced atomically.
    """
    path = article_path(content_root, article_id)
    raw = read_article_file(path, article_id)
    article, _ = parse_article(raw, article_id)
    if article.status is status:
        return article, False
    text = raw.decode("utf-8")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        raise ContentError(
            "article has no front matter to set the status in",
            path=article_id,
            line=1,
            hint="add front matter between two '---' lines",
        )
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip("\r\n") == "---"), None)
    if end is None:
        raise ContentError(
            "front matter is not closed by a '---' line",
            path=article_id,
            line=1,
            hint="end the front matter with a line of three dashes",
        )
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    new_line = f"status: {status.value}{newline}"
    for i in range(1, end):
        if _STATUS_LINE.match(lines[i].rstrip("\r\n")):
            lines[i] = new_line
            break
    else:
        lines.insert(end, new_line)
    updated = "".join(lines).encode("utf-8")
    changed, _ = parse_article(updated, article_id)
    _replace_file(path, updated)
    return changed, True


def _replace_file(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
