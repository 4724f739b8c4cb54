"""Turning an answer into an article: drafting from a resolved request, publishing.

`draft_article` writes a resolved request's question and answer (its
resolution and the agents' public replies) as a draft in its department's folder and links the draft to the request;
`add_to_article` adds them to an existing article instead ("Add to"), every
check made before the article is written.
`publish_article` is the content owner's review step: it sets the draft's
status to published, and tells the source request. The indexer picks the
article up on its next run; nothing is indexed here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kb.accounts.records import Grant, Role, User
from kb.authoring import version_notes
from kb.authoring.errors import StaleEditError
from kb.authoring.files import edit_lock
from kb.authoring.from_request import draft_text, draft_title, names_in
from kb.authoring.moving import renamed_since
from kb.authoring.owners import content_owners
from kb.authoring.store import version_store
from kb.content.files import department_path
from kb.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from kb.notify.topics import Topic
from kb.records import Status
from kb.requests import permissions, stream_answers
from kb.requests.departments import Departments
from kb.requests.drafting import (
    asked,
    department_words,
    draft_markdown,
    public_replies,
    slugify,
    take_back,
    unpublished_draft,
    write_draft,
)
from kb.requests.ledger import Ledger, StaleRequestError, Step, new_entry
from kb.requests.records import Request, RequestEntry
from kb.requests.request_languages import RequestLanguages
from kb.requests.workflows import WorkflowCatalog

if TYPE_CHECKING:
    from kb.authoring.service import AuthoringService

logger = logging.getLogger(__name__)


class Drafted(NamedTuple):
    """The request's draft: its id, and whether this call wrote it (False: it
    was there already, unpublished)."""

    article_id: str
    created: bool = True


class _Linked(Exception):
    """The article is linked to the request already (nothing to save)."""


class ArticleWork:
    """Drafting articles from answers, and publishing them."""

    def __init__(
        self,
        ledger: Ledger,
        departments: Departments,
        languages: RequestLanguages,
        workflows: Callable[[], WorkflowCatalog] = WorkflowCatalog,
        users: Callable[[], Iterable[User]] = list,
    ) -> None:
        self.ledger = ledger
        self.users = users  # the accounts, for the content owners a draft is mailed to
        self.departments = departments
        self.languages = languages
        self.workflows = workflows

    def _as_answered(self, request: Request, entries: Sequence[RequestEntry]) -> Request:
        """The request as its article reads it: a value stream its tasks resolved
        answered by its steps (`stream_answers`)."""
        assert request.id is not None
        return stream_answers.as_answered(
            request,
            self.ledger.store.tasks(request.id),
            entries,
            self.workflows(),
            lambda slug: self.departments.get(slug).name,
            self.languages.reader(request.requester),
        )

    def _steps_summary(self, request: Request, title: str, lang: str) -> str:
        """What a value stream's draft is about: its topic and the departments
        whose steps it holds (`stream_answers.steps_summary`)."""
        assert request.id is not None
        return stream_answers.steps_summary(
            title,
            self.ledger.store.tasks(request.id),
            lambda slug: self.departments.get(slug).name,
            lang,
        )

    def renamed(self, article_id: str) -> str | None:
        """The id `article_id` has now, when a content owner renamed it since."""
        return renamed_since(version_store(self.ledger.store), article_id)

    def existing_draft(self, actor: User, request_id: int, content_root: Path) -> str | None:
        """The id of the request's draft that is not published yet, or None; only
        to those who may draft from the request (a draft's name is not the
        requester's to learn from a refused form)."""
        request = self.ledger.load(actor, request_id)
        permissions.require_drafting(actor, request)
        return unpublished_draft(request, content_root, self.renamed)

    def draft_article(self, actor: User, request_id: int, content_root: Path) -> Path:
        """The path of the request's draft (`draft`), written now or before."""
        return content_root / self.draft(actor, request_id, content_root).article_id

    def draft(self, actor: User, request_id: int, content_root: Path) -> Drafted:
        """Write `<content_root>/<department>/<slug>.md` (status draft) from a resolved
        request. Agents and content owners of the department may. While a draft
        from the request is unpublished, that draft is the answer (`created`
        False) and nothing is written; renamed by a content owner since, it is
        linked by its new name. The check and the write hold the content root's
        edit lock, so two clicks at once write one draft."""
        request = self.ledger.load(actor, request_id)
        permissions.require_drafting(actor, request)
        department = request.department
        folder = department_path(content_root, department)
        if not folder.is_dir() or folder.is_symlink():  # a link is refused, never followed
            raise ValidationError(
                f"{department} has no folder in {content_root}; reassign the request to the "
                "department that owns the answer, then draft the article",
                details={"request": request_id, "department": department},
                key="draft_no_folder",
                values={"department": department},
            )
        with edit_lock(content_root):
            current = self.ledger.load(actor, request_id)
            existing = unpublished_draft(current, content_root, self.renamed)
            if existing is not None:
                if existing not in current.linked_articles:
                    self._relink_renamed(actor, request_id, existing)
                return Drafted(existing, created=False)
            require_resolution(current)  # reopened since, the draft stays the answer
            return Drafted(self._write_draft(actor, request_id, current, folder, content_root))

    def _relink_renamed(self, actor: User, request_id: int, article_id: str) -> None:
        """Link the request's draft by the name a content owner renamed it to, in
        place of the old one, so that its page lists and publishes it."""

        def change(current: Request, now: datetime) -> Step:
            was = next((a for a in current.linked_articles if self.renamed(a) == article_id), "")
            linked = [article_id if a == was else a for a in current.linked_articles]
            if article_id not in linked:
                linked.append(article_id)
            data = {"article": article_id, "status": Status.DRAFT.value, "renamed_from": was}
            message = f"Draft article {was} renamed to {article_id}"
            entry = new_entry(actor, current, now, "article", message, data, visible=False)
            return Step(replace(current, linked_articles=linked, updated=now), entry, None)

        self.ledger.save(actor, request_id, change)

    def _write_draft(
        self, actor: User, request_id: int, request: Request, folder: Path, content_root: Path
    ) -> str:
        """Write the request's draft into `folder` and link it to the request."""
        department = request.department
        info = self.departments.get(department)
        owner = f"{info.name} ({info.contact['email']})" if info.contact.get("email") else info.name
        entries = self.ledger.store.entries(request_id)
        # The names its own title holds ("Onboarding Emma Schulz") stay unsaid;
        # a phrase the department's articles write ("Standort Nord") is no name.
        words = department_words(folder, info.keywords)
        people = {
            request.requester,
            request.assignee or "",
            *names_in(request.query, words.published),
        }
        people.update(e.actor for e in entries)
        by_tasks = stream_answers.resolved_by_tasks(request)
        request = self._as_answered(request, entries)
        replies = public_replies(request, entries)
        texts = "\n".join((request.query, request.resolution or "", *replies))
        lang = self.languages.of(texts, request.requester)
        question, details = asked(request)
        title = draft_title(question, sorted(p for p in people if p), details, words.published)
        text = draft_markdown(
            request,
            owner,
            lang,
            self.ledger.clock().date(),
            vocabulary=words.vocabulary,
            people=sorted(p for p in people if p),
            replies=replies,
            summary=self._steps_summary(request, title, lang) if by_tasks else "",
            published=words.published,
        )
        latest = version_store(self.ledger.store).latest
        article_id = write_draft(content_root, department, slugify(title), text, latest)

        # Told by e-mail that a draft waits for them (`Party.CONTENT_OWNERS`:
        # never the one who wrote it); the request page names them to agents.
        owners = content_owners(self.users(), department)

        def change(current: Request, now: datetime) -> Step:
            data = {"article": article_id, "status": Status.DRAFT.value, "owners": owners}
            message = f"Draft article {article_id}"
            entry = new_entry(actor, current, now, "article", message, data, visible=False)
            linked = [*current.linked_articles, article_id]
            after = replace(current, linked_articles=linked, updated=now)
            return Step(after, entry, Topic.ARTICLE_DRAFTED)

        try:
            self.ledger.save(actor, request_id, change)
        except BaseException:
            take_back(content_root, article_id)
            raise
        return article_id

    def add_to_article(
        self,
        actor: User,
        request_id: int,
        article_id: str,
        authoring: AuthoringService,
        base_version: int | None = None,
    ) -> bool:
        """Add the resolution, under the question as a heading, to the existing
        article `article_id` instead of drafting a new one, and link the article
        to the request. False, with nothing written, when it is linked already.

        Every check comes before anything is written, so a refusal leaves both
        the article and the request as they were: the actor owns the content of
        the request's department (whose answers these are), the request is still
        at `base_version` (when given) and resolved with an answer, the actor may
        edit the article's department (an article of another department only for
        who owns the content of both: admins, or content owners of each), and
        the answer has something general to add. `AuthoringService.append_section`
        then checks the article itself (it exists, reads, takes the text) before
        it writes, and the link is the last step."""
        request = self.ledger.load(actor, request_id)
        permissions.require_content_owner(actor, request.department, "add answers to articles")
        if article_id in request.linked_articles:
            return False
        if base_version is not None and request.version != base_version:
            raise StaleRequestError(request_id, base_version, request.version)
        require_resolution(request)
        require_article_owner(actor, request, article_id, authoring.department_of(article_id).slug)
        entries = self.ledger.store.entries(request_id)
        answered = self._as_answered(request, entries)
        parts = draft_text(
            answered.query,
            answered.resolution or "",
            (),
            [request.requester, request.assignee or "", *names_in(request.query)],
            request.description,
            public_replies(request, entries),
        )
        if not parts.body:
            raise ConflictError(
                "the resolution has nothing general to add to an article: its sentences "
                "are all about the requester; write the article by hand instead",
                details={"request": request_id},
                key="nothing_general",
            )
        message = version_notes.note("version_note_answer_of_request", request=request_id)
        try:
            added = authoring.append_section(
                actor, article_id, parts.title, parts.body, message, once=True
            )
        except StaleEditError:
            # Saved meanwhile, by a second click on the same button most likely:
            # once more, and it finds that click's version if it was one.
            added = authoring.append_section(
                actor, article_id, parts.title, parts.body, message, once=True
            )
        # Link even when an earlier call added the answer but could not link it.
        linked = self._link(actor, request_id, article_id)
        return added is not None or linked

    def _link(self, actor: User, request_id: int, article_id: str) -> bool:
        """Note that the resolution went into the existing article `article_id`;
        False when it is noted already."""

        def change(current: Request, now: datetime) -> Step:
            if article_id in current.linked_articles:
                raise _Linked()
            data = {"article": article_id, "status": "updated"}
            message = f"Answer added to article {article_id}"
            entry = new_entry(actor, current, now, "article", message, data, visible=False)
            linked = [*current.linked_articles, article_id]
            after = replace(current, linked_articles=linked, updated=now)
            return Step(after, entry, Topic.ARTICLE_DRAFTED)

        try:
            self.ledger.save(actor, request_id, change)
        except _Linked:
            return False
        return True

    def record_published(self, actor: User, request_id: int, article_id: str) -> None:
        """Note in the request's history that its article was published (by the
        authoring service, which wrote the file); a draft renamed since is linked
        by its new name in place of the old one."""

        def change(current: Request, now: datetime) -> Step:
            # A draft renamed since is linked by the name it was published under.
            was = [a for a in current.linked_articles if self.renamed(a) == article_id]
            linked = [article_id if a in was else a for a in current.linked_articles]
            if article_id not in linked:
                linked = [*linked, article_id]
            data = {"article": article_id, "status": Status.PUBLISHED.value}
            entry = new_entry(
                actor, current, now, "article", f"Article {article_id} published", data
            )
            after = replace(current, linked_articles=linked, updated=now)
            return Step(after, entry, Topic.ARTICLE_PUBLISHED)

        try:
            self.ledger.save(actor, request_id, change)
        except (NotFoundError, PermissionDenied) as exc:
            # The article is published either way; a missing or foreign source
            # request only means there is no history to note it in.
            logger.warning(
                "articles: %s published, but request %s not updated: %s",
                article_id,
                request_id,
                exc.message,
            )


def require_resolution(request: Request) -> None:
    """ConflictError unless the request is resolved (or closed) with an answer a
    person wrote (`permissions.has_answer`): what goes into an article is its
    resolution text."""
    if permissions.has_answer(request):
        return
    raise ConflictError(
        f"request {request.id} has no resolution yet; resolve it first: the "
        "article's answer is the resolution text",
        details={"request": request.id, "status": request.status.value},
        key="draft_unresolved",
        values={"id": request.id},
    )


def require_article_owner(actor: User, request: Request, article_id: str, target: str) -> None:
    """PermissionDenied unless `actor` may edit the articles of `target`, the
    department of `article_id` (another department's than the request's, too)."""
    if permissions.owns_content(actor, target):
        return
    raise PermissionDenied(
        f"{actor.username} may not add the answer of request {request.id} to {article_id}: "
        f"it is an article of {target}, and only content owners of {target} and admins may "
        f"edit it; choose an article of {request.department}, or ask an admin for the role "
        f"content_owner:{target}",
        details={"field": "article", "value": article_id, "department": target},
        key="add_to_who",
        values={
            "id": request.id,
            "article": article_id,
            "department": target,
            "role": Grant(role=Role.CONTENT_OWNER, department=target),
        },
    )
