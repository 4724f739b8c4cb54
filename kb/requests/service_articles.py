"""The "turn it into an article" part of `RequestService`.

`draft_article` writes a resolved request's question and resolution as a
draft in its department's folder and links the draft to the request.
`publish_article` is the content owner's review step: it sets the draft's
status to published, and tells the source request. The indexer picks the
article up on its next run; nothing is indexed here.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from kb.accounts.records import User
from kb.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from kb.records import Article, Status
from kb.requests import access
from kb.requests.drafting import article_path, draft_markdown, set_status, slugify, write_draft
from kb.requests.lifecycle import RequestStatus
from kb.requests.records import Request, RequestEntry
from kb.requests.service_base import ServiceBase

logger = logging.getLogger(__name__)


class ArticleMixin(ServiceBase):
    """Drafting articles from answers, and publishing them."""

    def draft_article(self, actor: User, request_id: int, content_root: Path) -> Path:
        """Write `<content_root>/<department>/<slug>.md` (status draft) from a resolved
        request; returns its path. Agents and content owners of the department may."""
        request = self._load(actor, request_id)
        department = request.department
        if not (access.works_queue(actor, department) or access.owns_content(actor, department)):
            raise PermissionDenied(
                f"{actor.username} may not turn request {request_id} into an article: only "
                f"agents and content owners of {department} and admins may",
                details={"request": request_id, "user": actor.username},
            )
        if (
            request.status not in (RequestStatus.RESOLVED, RequestStatus.CLOSED)
            or not (request.resolution or "").strip()
        ):
            raise ConflictError(
                f"request {request_id} has no resolution yet; resolve it first: the "
                "article's answer is the resolution text",
                details={"request": request_id, "status": request.status.value},
            )
        folder = content_root / department
        if not folder.is_dir():
            raise ValidationError(
                f"{department} has no folder in {content_root}; reassign the request to the "
                "department that owns the answer, then draft the article",
                details={"request": request_id, "department": department},
            )
        info = self.department(department)
        owner = f"{info.name} ({info.contact['email']})" if info.contact.get("email") else info.name
        lang = self.language_of(f"{request.query}\n{request.resolution}")
        text = draft_markdown(request, owner, lang, self.clock().date())
        path = write_draft(folder, slugify(request.query), text)
        article_id = path.relative_to(content_root).as_posix()

        def change(current: Request, now: datetime) -> tuple[Request, RequestEntry]:
            entry = self._entry(
                actor,
                current,
                now,
                "article",
                f"Draft article {article_id}",
                {"article": article_id, "status": Status.DRAFT.value},
                visible=False,
            )
            linked = [*current.linked_articles, article_id]
            return replace(current, linked_articles=linked, updated=now), entry

        _, saved, entry = self._save(actor, request_id, change)
        self.notifier.notify("request.article_drafted", saved, entry, webhooks=[department])
        return path

    def publish_article(self, actor: User, article_id: str, content_root: Path) -> Article:
        """Set an article's status to published (content owners of its department).

        Publishing a published article changes nothing. When the article came
        from a request (`source_request`), the request's history records it.
        """
        article_path(content_root, article_id)  # refuses ids outside the content root
        department = article_id.split("/", 1)[0]
        access.require_content_owner(actor, department, "publish articles")
        article, changed = set_status(content_root, article_id, Status.PUBLISHED)
        source = article.extra.get("source_request")
        if changed and isinstance(source, int) and not isinstance(source, bool):
            self._record_published(actor, source, article_id)
        return article

    def _record_published(self, actor: User, request_id: int, article_id: str) -> None:
        def change(current: Request, now: datetime) -> tuple[Request, RequestEntry]:
            linked = current.linked_articles
            if article_id not in linked:
                linked = [*linked, article_id]
            entry = self._entry(
                actor,
                current,
                now,
                "article",
                f"Article {article_id} published",
                {"article": article_id, "status": Status.PUBLISHED.value},
            )
            return replace(current, linked_articles=linked, updated=now), entry

        try:
            _, saved, entry = self._save(actor, request_id, change)
        except (NotFoundError, PermissionDenied) as exc:
            # The article is published either way; a missing or foreign source
            # request only means there is no history to note it in.
            logger.warning(
                "articles: %s published, but request %s not updated: %s",
                article_id,
                request_id,
                exc.message,
            )
            return
        self.notifier.notify("request.article_published", saved, entry, webhooks=[saved.department])
