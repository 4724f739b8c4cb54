"""A web process of `kb serve` loads the indexer's models as it boots, so the
first article published after a start need not wait for them."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Flask

from tests.webapp.manage.conftest import RecordingBuilder
from webapp import server
from webapp.services import services


def test_a_booting_worker_loads_the_indexers_models_before_any_publish(
    app: Flask, builder: RecordingBuilder
) -> None:
    worker = SimpleNamespace(wsgi=app)
    server._post_worker_init(worker)
    try:
        assert builder.loaded.wait(30)
        assert builder.runs == 0  # nothing was published
        assert services(app).index_worker is not None
    finally:
        server._worker_exit(None, worker)
