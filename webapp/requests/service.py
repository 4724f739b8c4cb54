"""The request service of one app, and the outbox worker beside it.

`request_service()` builds a `kb.requests.RequestService` on first use and
keeps it for the life of the process, like the engine and the store of
`webapp.services`. Its departments, due-date targets, webhooks and
value-stream templates come from the content root (`content_dir`), as for
`kb requests`; drafted articles are written there too.

`start_outbox(app)` runs the notification outbox worker in a daemon thread of
the current process (`kb serve` starts one per worker process). Several
workers may run at once: the store hands each message to one of them.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from kb.requests.service import RequestService
from webapp import services
from webapp.presenters import department_name

logger = logging.getLogger(__name__)

EXTENSION = "kb_requests"
OUTBOX_INTERVAL_S = 5.0


@dataclass
class _State:
    lock: threading.Lock
    service: RequestService | None = None
    outbox_stop: threading.Event | None = None


def _state(app: Flask | None = None) -> _State:
    target = app if app is not None else current_app
    state = target.extensions.get(EXTENSION)
    if state is None:
        state = target.extensions.setdefault(EXTENSION, _State(threading.Lock()))
    return state  # type: ignore[no-any-return]


def request_service(app: Flask | None = None) -> RequestService:
    """The app's request service (created on first use)."""
    state = _state(app)
    service = state.service
    if service is None:
        with state.lock:
            if state.service is None:
                svc = services.services(app)
                state.service = RequestService.from_settings(svc.settings, svc.store)
            service = state.service
    return service


def content_root() -> Path:
    """Where drafted articles are written: the content root of the settings."""
    return services.services().settings.content_path


def department_choices() -> list[tuple[str, str]]:
    """(slug, name) of every department a request may go to; the triage queue last."""
    service = request_service()
    names = {slug: dept.name for slug, dept in service.departments.items()}
    ordered = sorted(names.items(), key=lambda item: item[1].casefold())
    return [*ordered, (service.triage, department_name(service.triage))]


def start_outbox(app: Flask, interval: float = OUTBOX_INTERVAL_S) -> threading.Event:
    """Deliver notifications from a background thread of this process; returns its
    stop event (also kept for `stop_outbox`)."""
    from kb.notify.worker import OutboxWorker, start_background

    with app.app_context():
        service = request_service(app)
        settings = services.services(app).settings
        worker = OutboxWorker.from_settings(settings, service.store, service.departments)
    _thread, stop = start_background(worker, interval)
    _state(app).outbox_stop = stop
    logger.info("outbox worker started (a pass every %.0f s)", interval)
    return stop


def stop_outbox(app: Flask) -> None:
    """Stop the outbox thread of `start_outbox`, if any (it ends after its pass)."""
    stop = _state(app).outbox_stop
    if stop is not None:
        stop.set()
