"""A BEIR data set as spoc-kb content: one department, one Markdown file per document.

The corpus is BEIR's `corpus.jsonl` ({"_id", "title", "text"}; queries and
judgements are read by `search.evaluation`). Each document becomes
`<department>/<name>.md` with its title in the front matter; `ids.json` beside
the content folder maps article ids back to BEIR ids. File names are the BEIR id when it is a safe lower-case name, and
otherwise a slug plus a hash of the id, so ids with slashes, spaces, case
differences or non-ASCII letters never collide or escape the folder.

Files are rewritten only when their text changes, so a rerun leaves the
indexer nothing to do.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import yaml

DEPARTMENT = "beir"
_SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,80}$")
_SLUG_CHARS = re.compile(r"[^a-z0-9]+")
# Characters Markdown would read as markup; escaped so the text reaches the index as written.
_MARKUP = re.compile(r"([\\`*_\[\]#|])")


def load_corpus(path: Path) -> dict[str, tuple[str, str]]:
    """`corpus.jsonl` as document id → (title, text)."""
    corpus: dict[str, tuple[str, str]] = {}
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                corpus[str(doc["_id"])] = (str(doc.get("title") or ""), str(doc.get("text") or ""))
            except (json.JSONDecodeError, KeyError) as exc:
                raise ValueError(f"{path}:{number}: not a BEIR document line ({exc})") from None
    if not corpus:
        raise ValueError(f"{path} holds no documents")
    return corpus


def file_name(doc_id: str) -> str:
    """A file name for a BEIR id, unique for distinct ids even on case-folding systems."""
    if _SAFE_ID.match(doc_id):
        return f"{doc_id}.md"
    slug = _SLUG_CHARS.sub("-", doc_id.lower()).strip("-")[:60] or "doc"
    digest = hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:10]
    return f"{slug}-{digest}.md"


def markdown_text(text: str) -> str:
    """Plain text as a Markdown paragraph that renders back to the same words."""
    escaped = _MARKUP.sub(r"\\\1", text.replace("&", "&amp;").replace("<", "&lt;"))
    # A line that starts like a list item or a heading would become one.
    return re.sub(r"(?m)^(\s*)(\d+)\. ", r"\1\2\\. ", escaped).replace("{", "&#123;")


def article_markdown(doc_id: str, title: str, text: str) -> str:
    front = {
        "title": " ".join(title.split()) or f"Document {doc_id}",
        "lang": "en",
        "status": "published",
    }
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{header}---\n\n{markdown_text(text)}\n"


def write_content(corpus: dict[str, tuple[str, str]], content: Path) -> dict[str, str]:
    """Write the corpus under `content/`; returns article id → BEIR id."""
    folder = content / DEPARTMENT
    folder.mkdir(parents=True, exist_ok=True)
    mapping: dict[str, str] = {}
    for doc_id, (title, text) in corpus.items():
        name = file_name(doc_id)
        article_id = f"{DEPARTMENT}/{name}"
        if article_id in mapping:
            raise ValueError(f"BEIR ids {mapping[article_id]!r} and {doc_id!r} map to one file")
        mapping[article_id] = doc_id
        path = folder / name
        body = article_markdown(doc_id, title, text)
        if not path.is_file() or path.read_text(encoding="utf-8") != body:
            path.write_text(body, encoding="utf-8")
    wanted = {name.split("/", 1)[1] for name in mapping}
    for stale in folder.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    (content.parent / "ids.json").write_text(json.dumps(mapping, indent=0), encoding="utf-8")
    return mapping
