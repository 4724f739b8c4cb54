"""Fixtures of the web app tests.

Most tests run the real app against `tests.support.FakeEngine` (canned
articles and responses, no model, no index) and a fresh SQLite store in the
test's tmp folder, so they are fast. The browser tests serve the app with the
real engine over the indexed sample content.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.settings import Settings
from kb.store.protocols import Store
from tests.support import FailingStore, FakeEngine
from webapp import create_app
from webapp.services import services


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.load(
        {
            "database_url": f"sqlite:///{tmp_path / 'kb.db'}",
            "index_dir": str(tmp_path / "index"),
            "content_dir": str(tmp_path / "content"),
            "secret_key": "test-secret",
            # No index to update under the fake engine (tests/webapp/manage records it).
            "index_on_change": "off",
            # A loaded machine must not make a search answer without its id.
            "search_log_wait": 10.0,
        },
        environ={},
    )


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def app(settings: Settings, engine: FakeEngine) -> Iterator[Flask]:
    app = create_app(
        {"KB_SETTINGS": settings, "TESTING": True, "KB_ENGINE_FACTORY": lambda _settings: engine}
    )
    yield app
    services(app).close()


@pytest.fixture
def make_app(settings: Settings, engine: FakeEngine) -> Iterator[Callable[..., Flask]]:
    """Apps on the test's store and fake engine with some settings changed
    (`make_app(search_limit="3 per minute")`); several share one database, as
    the workers of `kb serve` do."""
    made: list[Flask] = []

    def make(**changes: object) -> Flask:
        app = create_app(
            {
                "KB_SETTINGS": settings.replace(**changes),
                "TESTING": True,
                "KB_ENGINE_FACTORY": lambda _settings: engine,
            }
        )
        made.append(app)
        return app

    yield make
    for app in made:
        services(app).close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def store(app: Flask) -> Store:
    return services(app).store


@pytest.fixture
def failing_app(settings: Settings, engine: FakeEngine) -> Iterator[Flask]:
    app = create_app(
        {
            "KB_SETTINGS": settings,
            "TESTING": True,
            "KB_ENGINE_FACTORY": lambda _settings: engine,
            "KB_STORE_FACTORY": lambda _settings: FailingStore(),
        }
    )
    yield app


# -- requests: content folders, people and signing in --------------------------------

REQUEST_DEPARTMENTS = {
    "hr": "name: Human Resources\ncontact:\n  email: hr@example.com\n"
    "targets:\n  first_response_hours: 8\n  resolution_hours: 40\n",
    "it": "name: IT Service Desk\ntargets:\n  first_response_hours: 2\n  resolution_hours: 16\n",
}

WORKFLOWS_YML = """\
workflows:
  - name: onboarding
    owner: hr
    title: {en: Onboarding a new hire, de: Einstellung}
    triggers: {en: [onboarding, new hire], de: [Neueinstellung]}
    tasks:
      - key: record
        department: hr
        title: {en: Employee record}
      - key: laptop
        department: it
        title: {en: Accounts and laptop}
        depends_on: [record]
"""

# username → (role, department); nobody has a password, tests sign in through the
# session (`sign_in_as`), the sign-in form has its own tests.
PEOPLE = {
    "emma": ("employee", None),
    "olga": ("employee", None),
    "ivan": ("agent", "it"),
    "hanna": ("agent", "hr"),
    "cora": ("content_owner", "it"),
    "ada": ("admin", None),
}


@pytest.fixture
def request_content(settings: Settings) -> Path:
    """A content root with the departments hr and it and an onboarding value stream."""
    root = settings.content_path
    for slug, text in REQUEST_DEPARTMENTS.items():
        (root / slug).mkdir(parents=True)
        (root / slug / "_department.yml").write_text(text, encoding="utf-8")
    (root / "_workflows.yml").write_text(WORKFLOWS_YML, encoding="utf-8")
    return root


@pytest.fixture
def people(store: Store, request_content: Path) -> dict[str, tuple[str, str | None]]:
    from kb.accounts.service import add_user

    for name, (role, department) in PEOPLE.items():
        add_user(store, name, role, department)
    return PEOPLE
