"""The app's `AuthoringService`, built from its settings: the content folder,
the limits a save reads with, and what reads a text's pictures for its
warnings (`kb.authoring.text_pictures`: the folder, and the pictures staged
for the article, each file read once while it is unchanged)."""

from __future__ import annotations

from collections.abc import Callable

from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.authoring.text_pictures import app_pictures
from kb.content.scanner import load_departments
from kb.settings import Settings
from kb.store.protocols import Store


def app_authoring(
    settings: Settings,
    store: Store,
    *,
    on_change: Callable[[str], None] | None,
    indexed: Callable[[str], bool],
) -> AuthoringService:
    """Edits of the content folder of `settings`, their versions in `store`;
    `on_change` hands a changed article to the indexer, `indexed` says whether
    the published index holds an article."""
    return AuthoringService(
        settings.content_path,
        version_store(store),
        lambda: load_departments(settings.content_path, settings.triage_department),
        max_bytes=settings.max_file_bytes,
        render_seconds=settings.render_seconds,
        on_change=on_change,
        indexed=indexed,
        writable=settings.write_content,
        authoring_url=settings.authoring_url,
        pictures=app_pictures(settings),
    )
