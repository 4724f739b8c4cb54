"""The content owner's list with several workers (`kb serve`), each an app of
its own on one store and one content folder: what one of them changes, the
others list on their next view."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.support import FakeEngine, sign_in_as, text_of
from tests.webapp.manage.conftest import RecordingBuilder
from tests.webapp.manage.test_routes import form
from webapp import create_app
from webapp.services import services


def test_a_worker_lists_what_another_one_saved_or_created(
    app: Flask, client: FlaskClient, engine: FakeEngine, builder: RecordingBuilder
) -> None:
    """Each worker keeps the rows it read from the files: one that listed the
    department before another worker changed an article lists the change."""
    second = create_app(
        {
            "KB_SETTINGS": services(app).settings,
            "TESTING": True,
            "KB_ENGINE_FACTORY": lambda _settings: engine,
            "KB_BUILDER_FACTORY": lambda _settings, _engine: builder,
        }
    )
    try:
        other = second.test_client()
        sign_in_as(other, "cora")
        assert "VPN setup" in text_of(other.get("/manage/?department=it"))
        token = sign_in_as(client, "cora")
        saved = client.post("/manage/edit/it/vpn-setup.md", data=form(token, title="VPN at home"))
        assert saved.status_code == 303
        new = form(token, title="Printer queue", slug="printer-queue", department="it")
        assert client.post("/manage/new", data=new).status_code == 303
        listed = text_of(other.get("/manage/?department=it"))
        assert "VPN at home" in listed and "VPN setup" not in listed
        assert 'data-article="it/printer-queue.md"' in listed
    finally:
        services(second).close()
