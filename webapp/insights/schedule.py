"""The insights jobs of one web worker (`kb.insights.scheduler`), in a daemon thread."""

from __future__ import annotations

import logging
import threading

from flask import Flask

from kb.errors import KbError
from kb.insights.factory import scheduler
from webapp.insights.content_reading import content_scan
from webapp.services import services

logger = logging.getLogger(__name__)


def start_insights(app: Flask) -> threading.Event:
    """Start the jobs; returns the event that stops them."""
    svc = services(app)
    stop = scheduler(svc.settings, svc.store, svc.engine, svc.live_settings).start()
    app.extensions["kb_insights_stop"] = stop
    logger.info("insights jobs started")
    read_content_ahead(app)
    return stop


def read_content_ahead(app: Flask) -> threading.Thread:
    """Read the content root now, in the background, so that the first visit of
    the content-health page finds its articles read: rendering them was most of
    that visit (500 articles: 4.7 s of its 9 s on a loaded machine; later
    readings render only the files that changed, `webapp.insights.content_reading`)."""

    def read() -> None:
        with app.app_context():
            try:
                content_scan()
            except KbError as exc:  # the page reports it when it is visited
                logger.warning("the content could not be read ahead: %s", exc.message)

    thread = threading.Thread(target=read, name="kb-insights-content", daemon=True)
    thread.start()
    return thread


def stop_insights(app: Flask) -> None:
    stop = app.extensions.get("kb_insights_stop")
    if stop is not None:
        stop.set()
