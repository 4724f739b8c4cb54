"""The `api` blueprint: what the JSON API as a whole answers under /api/.

    GET /api/health         the published snapshot, whether the store answers and
                            whether the settings file's notification settings are in use
    GET /api/openapi.json   the OpenAPI description of every endpoint

Each audience keeps its own part of the API beside its pages
(`webapp.search.api`, `webapp.articles.api`, `webapp.requests.api`,
`webapp.auth.api`). Errors, including Flask's own 404 and 405, come back in the
one shape of `webapp.errors`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, jsonify
from werkzeug.wrappers import Response

from indexer import snapshot
from kb.accounts.records import Role
from kb.errors import IndexNotFoundError
from kb.settings import Settings
from webapp import services
from webapp.auth.identity import current_user
from webapp.openapi.document import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/health")
def health() -> Response:
    svc = services.services()
    path = _current_snapshot(svc.settings)  # 503 when nothing is published
    manifest = snapshot.read_manifest(path)
    store: dict[str, Any] = {"ok": True}
    try:
        svc.store.hit_count("kb-health")
    except Exception as exc:
        store = {"ok": False}
        # What failed, in the database's words, is for administrators only: it
        # names hosts, paths and drivers (the log has it too).
        if _is_admin():
            store["error"] = str(getattr(exc, "message", exc))
    # A notification-settings edit that did not check (`kb.live_settings`): the
    # last good settings stay in use, so requests still notify, but not as meant.
    settings = svc.live_settings.health(detail=_is_admin())
    return jsonify(
        {
            "status": "ok" if store["ok"] and settings["ok"] else "degraded",
            "index": {
                "snapshot": path.name,
                "articles": int(manifest.get("articles", 0)),
                "passages": int(manifest.get("passages", 0)),
                "built": manifest.get("built") or manifest.get("created"),
            },
            "store": store,
            "settings": settings,
            "search_log": _search_log(svc),
        }
    )


def _current_snapshot(settings: Settings) -> Path:
    """The snapshot served; `IndexNotFoundError` (503) without one, which for a
    node of several (`webapp.server.check_snapshot`) says it waits for the store."""
    try:
        return snapshot.current_path(settings.index_path)
    except IndexNotFoundError:
        if settings.snapshot_store == "files":
            raise
        raise IndexNotFoundError(
            f"this node has no snapshot yet: it takes the {settings.snapshot_store} snapshot "
            "store's current one as soon as it can reach the store and check it; its log "
            "says what failed",
            key="index_not_ready_node",
        ) from None


def _search_log(svc: services.Services) -> dict[str, int]:
    """This worker's search log (`kb.search_log`): searches waiting to be
    written (the database busy or down), and those a full queue dropped."""
    stats = svc.search_log.stats()
    return {"waiting": stats.waiting, "dropped": stats.dropped}


def _is_admin() -> bool:
    try:
        user = current_user()
    except Exception:  # noqa: BLE001 - the store is down: nobody is known to be an admin
        return False
    return user is not None and user.has_role(Role.ADMIN)


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(current_app))
