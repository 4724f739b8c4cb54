"""Fixtures of the content owner's pages and the article API: a small content
folder (HR with the four-eyes rule, IT without), content owners of both, a
recording stand-in for the indexer, and the store on SQLite or PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.accounts.service import add_user
from kb.settings import Settings
from tests.postgres import fresh_database_url
from tests.support import FakeEngine
from webapp import create_app
from webapp.services import services

VPN = """---
title: VPN setup
summary: How to connect from home.
owner: it-content@example.com
tags: [vpn, remote]
status: published
lang: en
review_by: 2026-01-10
---
## Connect

Open the VPN client and sign in.
"""

LEAVE = """---
title: Annual leave
summary: How many days you have.
status: published
lang: en
---
## Entitlement

30 days a year.
"""

PEOPLE = {
    "cora": ("content_owner", "it"),
    "carl": ("content_owner", "it"),
    "helga": ("content_owner", "hr"),
    "hans": ("content_owner", "hr"),
    "emma": ("employee", None),
    "ada": ("admin", None),
}


class RecordingBuilder:
    """Stands in for the incremental indexer: counts the passes it was asked for."""

    def __init__(self) -> None:
        self.runs = 0
        self.loaded = threading.Event()

    def run(self, full: bool = False, wait_lock: bool = False) -> Any:
        self.runs += 1
        return None

    def load_models(self) -> None:
        self.loaded.set()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database_url(request.param, request, tmp_path)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    (root / "hr").mkdir()
    (root / "it" / "_department.yml").write_text("name: IT Service Desk\n", encoding="utf-8")
    (root / "hr" / "_department.yml").write_text(
        "name: Human Resources\nreview_required: true\n", encoding="utf-8"
    )
    (root / "it" / "vpn-setup.md").write_text(VPN, encoding="utf-8")
    (root / "hr" / "annual-leave.md").write_text(LEAVE, encoding="utf-8")
    return root


@pytest.fixture
def builder() -> RecordingBuilder:
    return RecordingBuilder()


@pytest.fixture
def app(
    content: Path, database_url: str, tmp_path: Path, engine: FakeEngine, builder: RecordingBuilder
) -> Iterator[Flask]:
    settings = Settings.load(
        {
            "database_url": database_url,
            "index_dir": str(tmp_path / "index"),
            "content_dir": str(content),
            "secret_key": "test-secret",
            "render_seconds": 60,  # long test articles save on a busy machine too
        },
        environ={},
    )
    app = create_app(
        {
            "KB_SETTINGS": settings,
            "TESTING": True,
            "KB_ENGINE_FACTORY": lambda _settings: engine,
            "KB_BUILDER_FACTORY": lambda _settings, _engine: builder,
        }
    )
    store = services(app).store
    for name, (role, department) in PEOPLE.items():
        add_user(store, name, role, department)
    yield app
    services(app).close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
