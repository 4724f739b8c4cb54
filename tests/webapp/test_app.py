"""The app itself: static assets and the settings `create_app` takes."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.support import text_of
from webapp import create_app


def test_static_assets_are_served_by_the_app(client: FlaskClient) -> None:
    html = text_of(client.get("/"))
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset
    assert "http://" not in html and "https://" not in html  # nothing from outside


def test_create_app_takes_a_mapping_of_settings(tmp_path: object) -> None:
    app: Flask = create_app(
        {"max_query_chars": 5, "secret_key": "s", "TESTING": True, "index_dir": str(tmp_path)}
    )
    from webapp.services import services

    assert services(app).settings.max_query_chars == 5
    assert app.testing and app.secret_key == "s"
