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


def test_assets_by_their_hash_are_cached_for_a_year_others_revalidated(
    client: FlaskClient,
) -> None:
    """The URL carries the file's content hash: by that URL it never changes."""
    html = text_of(client.get("/"))
    for name in ("kb.css", "kb.js", "drafts.js"):
        url = re.search(rf'"(/static/{re.escape(name)}\?v=[0-9a-f]+)"', html)
        assert url, name
        cached = client.get(url.group(1))
        assert cached.status_code == 200
        assert cached.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        for other in (f"/static/{name}", f"/static/{name}?v=0123456789"):
            response = client.get(other)
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "no-cache", other
    assert client.get("/static/nothing.css?v=0123456789").status_code == 404


def test_create_app_takes_a_mapping_of_settings(tmp_path: object) -> None:
    app: Flask = create_app(
        {"max_query_chars": 5, "secret_key": "s", "TESTING": True, "index_dir": str(tmp_path)}
    )
    from webapp.services import services

    assert services(app).settings.max_query_chars == 5
    assert app.testing and app.secret_key == "s"
