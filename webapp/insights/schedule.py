"""The insights jobs of one web worker (`kb.insights.scheduler`), in a daemon thread."""

from __future__ import annotations

import logging
import threading

from flask import Flask

from kb.insights.factory import scheduler
from webapp.services import services

logger = logging.getLogger(__name__)


def start_insights(app: Flask) -> threading.Event:
    """Start the jobs; returns the event that stops them."""
    svc = services(app)
    stop = scheduler(svc.settings, svc.store, svc.engine, svc.live_settings).start()
    app.extensions["kb_insights_stop"] = stop
    logger.info("insights jobs started")
    return stop


def stop_insights(app: Flask) -> None:
    stop = app.extensions.get("kb_insights_stop")
    if stop is not None:
        stop.set()
