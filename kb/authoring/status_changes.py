"""The rules a change of an article's status must meet before it is written:
the four-eyes rule (`kb.authoring.four_eyes`), and retiring only what was once
published. A draft that never reached readers has nothing to take out of
search; retiring it would only hide it among the retired articles.

"Was published" (`was_published`) is asked of more than the version history:
an article reaches readers through the published index, and one written on
disk as published, indexed, then set back to draft on disk before anyone
saved it in the editor has in its history only the draft found on disk. So
the index (it holds the article now) and the readers' events (it was opened
from search or voted on, which only an indexed article can be) count too.
Retire and Discard draft are each offered by this one answer
(`kb.authoring.discarding`)."""

from __future__ import annotations

from collections.abc import Callable

from kb.accounts.records import User
from kb.authoring import four_eyes
from kb.authoring.records import ArticleFields, ArticleVersion
from kb.authoring.store import VersionStore
from kb.errors import ConflictError
from kb.records import Department, Status


class NeverPublishedError(ConflictError):
    """Retire asked for an article none of whose versions was ever published."""

    code = "never_published"


def was_published(
    versions: VersionStore, article_id: str, indexed: Callable[[str], bool] | None = None
) -> bool:
    """Whether the article ever reached readers: a version of it (one found on disk
    included) was published, the published index holds it (`indexed`, where the
    caller can ask the index), or readers opened or voted on it."""
    if any(v.status is Status.PUBLISHED for v in versions.versions(article_id)):
        return True
    if indexed is not None and indexed(article_id):
        return True
    return article_id in versions.activity([article_id])


def check_change(
    versions: VersionStore,
    actor: User,
    department: Department,
    current: ArticleVersion,
    fields: ArticleFields,
    indexed: Callable[[str], bool] | None = None,
) -> None:
    """A `ConflictError` when saving `fields` over `current` would break a rule."""
    four_eyes.check_review(versions, actor, department, current, fields)
    retiring = fields.status is Status.RETIRED and current.status is not Status.RETIRED
    if retiring and not was_published(versions, current.article_id, indexed):
        raise NeverPublishedError(
            f"{current.article_id} was never published, so there is nothing to retire: "
            "it stays as it is; keep it as a draft, or publish it first",
            details={"id": current.article_id, "status": current.status.value},
            key="never_published",
            values={"id": current.article_id},
        )
