"""Who may use the content pages (`/manage/`): the departments whose articles the
signed-in user may manage, or a 403 saying the pages are for content owners.
Its own module, so that the upload pages and the editor's ask the same without
importing each other."""

from __future__ import annotations

from kb.errors import PermissionDenied
from webapp import services
from webapp.auth.identity import require_user


def owned_departments() -> list[str]:
    """The departments whose articles the signed-in user may manage; 403 for
    someone who may manage none."""
    actor = require_user()
    owned = services.authoring().editable_departments(actor)
    if not owned:
        raise PermissionDenied(
            "these pages are for content owners and admins; ask an admin for the role "
            "content_owner:<department>",
            details={"user": actor.username},
            key="manage_who",
        )
    return owned
