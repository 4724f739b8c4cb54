"""When the database is down, searches go on and writes say when to come back.

The store is a real PostgreSQL URL whose server is not running (a socket
folder nobody listens in), so every connection fails as it does while the
database restarts. The cluster tests stop a real server under load.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from kb.errors import ConfigError, StoreUnavailableError
from kb.settings import Settings
from kb.store.factory import create_store
from tests.support import FakeEngine
from webapp import create_app


@pytest.fixture
def down_app(settings: Settings, engine: FakeEngine, tmp_path: Path) -> Iterator[Flask]:
    url = f"postgresql://kb@/kb?host={tmp_path}&connect_timeout=2"
    yield create_app(
        {
            "KB_SETTINGS": settings.replace(database_url=url),
            "TESTING": True,
            "KB_ENGINE_FACTORY": lambda _settings: engine,
        }
    )


def test_searches_answer_while_the_database_is_down(down_app: Flask) -> None:
    response = down_app.test_client().get("/api/search?q=sick")
    assert response.status_code == 200
    assert response.get_json()["search_id"] is None  # not logged, still answered
    assert response.get_json()["results"]


def test_writes_get_503_with_retry_after_in_the_one_error_shape(down_app: Flask) -> None:
    client = down_app.test_client()
    response = client.post(
        "/api/feedback", json={"article_id": "hr/sick-leave.md", "helpful": True}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    error = response.get_json()["error"]
    assert error["code"] == "store_unavailable"
    assert "try again" in error["message"]
    page = client.post("/auth/sign-in", data={"username": "emma", "password": "x" * 12})
    assert page.status_code == 503 and page.headers["Retry-After"] == "10"


def test_an_unreachable_database_is_unavailable_not_broken(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailableError, match="not available right now"):
        create_store(f"postgresql://kb@/kb?host={tmp_path}&connect_timeout=2")


def test_a_node_starts_while_the_database_is_down(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A restarted node serves searches from its local snapshot even when the
    database (and with it the snapshot store) cannot be reached yet."""
    from tests.support import publish_fake_snapshot
    from webapp.server import prepare

    publish_fake_snapshot(settings.index_path)
    down = settings.replace(
        database_url=f"postgresql://kb@/kb?host={tmp_path}&connect_timeout=2",
        snapshot_store="database",
        secret_key="shared-by-every-node",
    )
    assert prepare(down).secret_key == "shared-by-every-node"
    assert "starting without the database" in caplog.text
    with pytest.raises(ConfigError, match="same key"):
        prepare(down.replace(secret_key=""))


def test_people_read_no_database_address_or_words(
    settings: Settings, engine: FakeEngine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The database's host, user and own words are for the operator's log: an
    API client (as an employee's page) reads what happened and what to do."""
    for url, status in (
        (f"postgresql://kb_owner@/kb_main?host={tmp_path}&connect_timeout=2", 503),  # down
        (f"sqlite:///{tmp_path}", 500),  # a folder: a bad setting
    ):
        app = create_app(
            {
                "KB_SETTINGS": settings.replace(database_url=url),
                "TESTING": True,
                "KB_ENGINE_FACTORY": lambda _settings: engine,
            }
        )
        client = app.test_client()
        api = client.post("/api/feedback", json={"article_id": "hr/sick-leave.md", "helpful": True})
        page = client.post(
            "/auth/sign-in",
            data={"username": "emma", "password": "x" * 12},
            headers={"Accept-Language": "de"},
        )
        for answer in (api, page):
            shown = answer.get_data(as_text=True)
            assert answer.status_code == status, shown
            for secret in ("kb_owner", "kb_main", str(tmp_path), "KB_DATABASE_URL", "sqlite"):
                assert secret not in shown
        assert api.status_code == status
        assert "nothing was saved" in api.get_json()["error"]["message"]
    assert str(tmp_path) in caplog.text  # the operator still learns where
