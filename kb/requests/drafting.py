"""From answer to article: a resolved request becomes a draft Markdown file.

`write_draft` puts `<slug>.md` into the owning department's folder (as the
editor writes, never through a link), with
front matter `status: draft` and `source_request: <id>`; title, summary,
tags and body come from `kb.authoring.from_request` (the resolution and the
agents' public replies without the requester's personal details, tags from
the department's vocabulary). An answer with nothing to publish (only "Answered
by e-mail", only about the person) writes no draft and says why. An existing file is never
overwritten, nor is a name taken that an article holds in another letter case
or by its history: the name gets `-2`, `-3`… instead (the file is created
exclusively, so two drafts written at once cannot collide either). A draft
whose link to its request could not be saved is taken back (`take_back`).

While a draft written from a request is unpublished, `unpublished_draft`
finds it (under the name a content owner renamed it to, too), so that
drafting again (a second click) answers with it.

A content owner publishes the draft through the authoring service
(`kb.authoring.service`), as any article: a version with its author, the
department's four-eyes rule, and the index worker.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NamedTuple

import yaml

from kb.authoring.files import article_folder, name_holder, write_article
from kb.authoring.from_request import draft_text, says_only_where_answered
from kb.authoring.markdown_file import plain_heading
from kb.authoring.records import ArticleVersion
from kb.content.markdown_article import DEFAULT_MAX_BYTES, parse_article
from kb.content.regular_files import read_regular_file
from kb.errors import ConflictError, ContentError, KbError, NotFoundError
from kb.i18n.catalog import domain_catalog
from kb.records import Status
from kb.requests.records import Request, RequestEntry

logger = logging.getLogger(__name__)

MAX_SLUG_CHARS = 60
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def asked(request: Request) -> tuple[str, str]:
    """The question a draft is titled from, and the rest of the request's words
    (read for the names the draft must not carry). A request filed on a form has
    the form's title for its question ("Laptop for Jana Fischer"), which says
    nothing once the name is left out; a question its requester wrote with it
    is what an article answers."""
    if request.request_type and "?" in request.description:
        return request.description, request.query
    return request.query, request.description


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


def draft_markdown(
    request: Request,
    owner: str,
    lang: str,
    today: date,
    *,
    vocabulary: Sequence[str] = (),
    people: Sequence[str] = (),
    replies: Sequence[str] = (),
    summary: str = "",
    published: str = "",
) -> str:
    """The text of the draft: front matter, then the question as the answer's
    context and the answer once (`draft_body`), written from the resolution and
    the agents' public `replies` without the requester's personal details
    (`kb.authoring.from_request`). The text opens with no heading: the title is
    the page's heading already, and a heading repeating it would show it twice.
    A `summary` given replaces the answer's first sentence (a value stream's:
    `kb.requests.stream_answers.steps_summary`)."""
    resolution = request.resolution or ""
    question, details = asked(request)
    parts = draft_text(question, resolution, vocabulary, people, details, replies, lang, published)
    if not parts.body:
        raise nothing_to_publish(request.id, says_only_where_answered(resolution, replies))
    meta = {
        "title": parts.title,
        "summary": summary or parts.summary,
        "owner": owner,
        "tags": parts.tags,
        "status": Status.DRAFT.value,
        "lang": lang,
        "updated": today,
        "source_request": request.id,
    }
    front = yaml.safe_dump(
        meta, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None
    )
    return f"---\n{front}---\n{draft_body(parts.context, parts.body, lang)}\n"


def draft_body(context: str, answer: str, lang: str) -> str:
    """The draft's text: "**Question:** …" (the question, as plain text) above
    "**Answer:** …", labelled in the draft's language; the answer alone when
    the question may not be shown (`DraftText.context`)."""
    if not context:
        return answer
    texts = domain_catalog()

    def labelled(key: str, text: str) -> str:
        return f"**{texts.translate(lang, key)}:** {text}"

    return f"{labelled('draft_question', plain_heading(context))}\n\n{labelled('draft_answer', answer)}"


def nothing_to_publish(request_id: int | None, elsewhere: bool) -> ConflictError:
    """Why an answer with no sentence left to publish writes no draft: it was
    given `elsewhere` (its text only says "Answered by e-mail"), or it only
    speaks of the person who asked."""
    if elsewhere:
        return ConflictError(
            f"request {request_id}'s answer was given elsewhere: its resolution only says "
            "how (by e-mail, by phone) and no public reply of an agent holds the answer; "
            "there is nothing to publish. Write the article in the editor instead",
            details={"request": request_id, "answered": "elsewhere"},
            key="draft_answered_elsewhere",
            values={"id": request_id},
        )
    return ConflictError(
        f"request {request_id}'s resolution only speaks of the person who asked (names, "
        "contact data, their circumstances); there is nothing general to publish. Write "
        "the article in the editor instead",
        details={"request": request_id},
        key="draft_only_personal",
        values={"id": request_id},
    )


class DepartmentWords(NamedTuple):
    """What a department's articles say: the words it tags with (its `keywords`
    and its articles' tags) and its articles' titles and text, case-folded
    with single spaces (a phrase they write, "Standort Nord", is no one's name)."""

    vocabulary: list[str]
    published: str


def department_words(folder: Path, keywords: Sequence[str]) -> DepartmentWords:
    """The `DepartmentWords` of the department in `folder`, read in one pass."""
    from dataclasses import replace

    from kb.content.files import content_entries
    from kb.content.scanner import read_entry

    found = list(keywords)
    texts: list[str] = []
    for entry in content_entries(folder):
        if entry.id.endswith(".md"):
            article, _ = read_entry(replace(entry, id=f"{folder.name}/{entry.id}"), 1_000_000)
            if article is not None:
                found.extend(article.tags)
                texts.append(f"{article.title}\n{article.body_markdown}")
    published = " ".join(" ".join(texts).split()).casefold()
    return DepartmentWords(list(dict.fromkeys(found)), published)


def write_draft(
    content_root: Path,
    department: str,
    slug: str,
    text: str,
    latest: Callable[[str], ArticleVersion | None] = lambda _: None,
) -> str:
    """Create `<department>/<slug>.md` (or `<slug>-2.md`, …) and return its id;
    never overwrites. A name is passed over while something holds it
    (`files.name_holder`): a file of it in any letter case, or an article whose
    history (`latest`, its newest version by id) lives on. Written as the
    editor writes (`kb.authoring.files`): no folder on the way may be a link,
    so a link put in place of the department's folder is refused, never
    followed out of the content folder."""
    for n in range(1, 1000):
        article_id = f"{department}/{slug}.md" if n == 1 else f"{department}/{slug}-{n}.md"
        if name_holder(content_root, article_id, latest(article_id)) is not None:
            continue
        try:
            write_article(content_root, article_id, text, exclusive=True)
        except FileExistsError:
            continue
        return article_id
    raise ConflictError(
        f"{department} already has 999 drafts named {slug}; tidy the folder up",
        key="drafts_full",
        values={"name": slug},
    )


def take_back(content_root: Path, article_id: str) -> None:
    """Remove the draft `write_draft` just wrote, whose link to its request could
    not be saved: left, it would be linked to nothing, and the next click would
    write a second draft beside it. One that cannot be removed is logged, never
    raised: the error that made it one to take back is what the caller hears."""
    try:
        with article_folder(content_root, article_id) as (folder, name):
            os.unlink(name, dir_fd=folder)
    except (OSError, KbError) as exc:
        logger.warning("drafting: %s not linked to its request, nor removed: %s", article_id, exc)


def public_replies(request: Request, entries: Sequence[RequestEntry]) -> list[str]:
    """The replies the agents wrote to the requester, oldest first: not the
    requester's, nor a watcher's, nor an internal note. The requesters of the
    duplicates merged in reply as watchers; theirs stay out even after they
    stopped watching (their `merged` entries name them)."""
    merged = {str(e.data.get("requester")) for e in entries if e.kind == "merged"}
    others = {request.requester, *request.watchers, *merged}
    return [
        e.message
        for e in entries
        if e.kind == "comment" and e.visible_to_requester and e.actor not in others
    ]


def unpublished_draft(
    request: Request,
    content_root: Path,
    renamed: Callable[[str], str | None] = lambda _: None,
) -> str | None:
    """The id of the draft written from `request` that is not published yet
    (status draft or review, `source_request` the request), or None: drafting
    again answers with it instead of writing a copy. A linked draft that a
    content owner renamed since is found under the id it has now (`renamed`,
    `kb.authoring.moving.renamed_since`)."""
    for linked in reversed(request.linked_articles):
        for article_id in (linked, renamed(linked)):
            if article_id is None:
                continue
            try:
                raw = read_article_file(content_root, article_id)
                article, _ = parse_article(raw, article_id)
            except KbError:
                continue  # gone or broken: not a draft to answer with
            source = article.extra.get("source_request")
            if article.status in (Status.DRAFT, Status.REVIEW) and source == request.id:
                return article_id
    return None


def read_article_file(content_root: Path, article_id: str) -> bytes:
    """An article file's bytes, read as the editor reads it (`kb.authoring.files`):
    a checked id, folders walked without following a link, a regular file within
    the scanner's size limit. NotFoundError when it is not there."""
    try:
        with article_folder(content_root, article_id) as (folder, name):
            return read_regular_file(name, DEFAULT_MAX_BYTES, article_id, dir_fd=folder)
    except ContentError as exc:
        if exc.kind == "missing":
            raise NotFoundError(
                f"no article {article_id} under {content_root}",
                details={"article_id": article_id},
                key="no_article_file",
                values={"id": article_id},
            ) from None
        raise
