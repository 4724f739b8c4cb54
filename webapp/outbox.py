"""The notification outbox of one web worker: a background delivery thread.

`start_outbox(app)` runs the outbox worker (`kb.notify.worker`) in a daemon
thread of the current process (`kb serve` starts one per worker process).
Several workers may run at once: the store hands each message to one of them.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask

from webapp.services import services

logger = logging.getLogger(__name__)

OUTBOX_INTERVAL_S = 5.0


def start_outbox(app: Flask, interval: float = OUTBOX_INTERVAL_S) -> threading.Event:
    """Deliver notifications from a background thread of this process; returns its
    stop event (also kept for `stop_outbox`)."""
    from kb.notify.worker import OutboxWorker, start_background

    svc = services(app)
    with app.app_context():
        requests = svc.requests  # also loads departments and value streams now
        worker = OutboxWorker.from_settings(
            svc.settings, requests.store, requests.departments, live_settings=svc.live_settings
        )
    _thread, stop = start_background(worker, interval)
    svc.outbox_stop = stop
    logger.info("outbox worker started (a pass every %.0f s)", interval)
    return stop


def stop_outbox(app: Flask) -> None:
    """Stop the outbox thread of `start_outbox`, if any (it ends after its pass)."""
    stop = services(app).outbox_stop
    if stop is not None:
        stop.set()
