"""Fixtures of the web app tests.

Most tests run the real app against `FakeEngine` (canned articles and
responses, no model, no index) and a fresh SQLite store in the test's tmp
folder, so they are fast. The browser tests (`test_browser.py`) serve the app
with the real engine over the indexed sample content.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.records import Article, Department, Section
from kb.results import Answer, Hit, Query, SearchResponse
from kb.settings import Settings
from kb.store.protocols import Store
from webapp import create_app
from webapp.services import services

HOSTILE_MARKDOWN = """\
Intro text.

<script>alert('script tag')</script>
<img src="x" onerror="alert('onerror')">
[click me](javascript:alert('js link'))
<a href="JaVaScRiPt:alert('mixed case')">mixed</a>
<iframe src="https://example.com/"></iframe>
<div style="position:fixed" onmouseover="alert('hover')">styled</div>
<svg onload="alert('svg')"><circle r="5"/></svg>
<object data="x.swf"></object>
<form action="https://example.com/"><input name="pw"></form>
<p onclick="alert('p')">paragraph</p>
[next article](../hr/sick-leave.md#notice)
"""


def _article(id: str, title: str, body: str, **extra: Any) -> Article:
    return Article(
        id=id,
        department=id.split("/")[0],
        title=title,
        body_markdown=body,
        sections=(Section(headings=(), text=body),),
        **extra,
    )


ARTICLES = {
    a.id: a
    for a in (
        _article(
            "hr/sick-leave.md",
            "Reporting sick",
            "## Notice\n\nTell your manager **by 9:30** on the first day.\n\n"
            "See also [Krankmeldung](krankmeldung.md).",
            owner="hr-content@example.com",
            tags=("sick", "absence"),
            updated=date(2026, 5, 20),
            review_by=date(2026, 11, 20),
            related=("hr/krankmeldung.md", "hr/missing.md"),
        ),
        _article(
            "hr/krankmeldung.md",
            "Krankmeldung",
            "## Am ersten Tag\n\nInformieren Sie Ihre Führungskraft bis 9:30 Uhr.",
            lang="de",
            tags=("krank",),
            related=("hr/sick-leave.md",),
        ),
        _article("it/hostile.md", "Hostile article", HOSTILE_MARKDOWN),
    )
}

DEPARTMENTS = {
    "hr": Department(
        slug="hr",
        name="Human Resources",
        contact={"email": "hr@example.com", "phone": "+49 40 123"},
    ),
    "it": Department(slug="it", name="IT Service Desk"),
}


class FakeEngine:
    """Stands in for `search.engine.SearchEngine`; records the queries it got."""

    def __init__(self) -> None:
        self.queries: list[Query] = []
        self.suggest_groups: frozenset[str] | None = None

    def wait_until_warm(self, timeout: float | None = None) -> bool:
        return True

    def search(self, query: Query) -> SearchResponse:
        self.queries.append(query)
        hits = [
            Hit(
                id=a.id,
                department=a.department,
                title=a.title,
                score=1.0 / (i + 1),
                snippet=f"<mark>{a.title}</mark> &lt;b&gt; <script>x</script>",
                lang=a.lang,
                tags=a.tags,
            )
            for i, a in enumerate(ARTICLES.values())
            if query.department in (None, a.department)
            and (not query.tags or set(query.tags) & set(a.tags))
            and a.visible_to(query.groups)
        ]
        if "zzz" in query.text:
            return SearchResponse(
                query=query.text,
                answered=False,
                confidence=0.1,
                answer=None,
                department="it",
                department_confidence=0.6,
                did_you_mean="vpn",
                results=[],
                total=0,
                page=query.page,
            )
        top = hits[0] if hits else None
        answer = None
        if top is not None:
            answer = Answer(
                id=top.id,
                title=top.title,
                department=top.department,
                passage="Tell your manager by 9:30. <b>Bold</b> claims.",
                highlight="Tell your manager by 9:30.",
            )
        start = (query.page - 1) * query.k
        return SearchResponse(
            query=query.text,
            answered=answer is not None,
            confidence=0.9 if answer else 0.0,
            answer=answer,
            department=top.department if top else "",
            department_confidence=0.8,
            did_you_mean=None,
            results=hits[start : start + query.k],
            total=len(hits),
            page=query.page,
            lang="en",
            latency_ms=3.2,
        )

    def suggest(self, prefix: str, limit: int, groups: frozenset[str] | None = None) -> list[str]:
        self.suggest_groups = groups
        return [
            a.title
            for a in ARTICLES.values()
            if a.title.casefold().startswith(prefix.casefold()) and a.visible_to(groups)
        ][:limit]

    def article(self, article_id: str) -> Article | None:
        return ARTICLES.get(article_id)

    def departments(self) -> list[Department]:
        return [DEPARTMENTS[slug] for slug in sorted(DEPARTMENTS)]


class FailingStore:
    """A store whose every call fails, as a database that is down would."""

    def __getattr__(self, name: str) -> Any:
        def fail(*_args: Any, **_kwargs: Any) -> Any:
            raise RuntimeError(f"store is down ({name})")

        return fail


def publish_fake_snapshot(index_dir: Path, name: str = "20260101T000000-test") -> None:
    """Just enough of a published snapshot for /api/health."""
    snap = index_dir / "snapshots" / name
    snap.mkdir(parents=True)
    (snap / "manifest.json").write_text(
        json.dumps({"articles": len(ARTICLES), "passages": 7, "created": "2026-01-01"}),
        encoding="utf-8",
    )
    (index_dir / "CURRENT").write_text(name + "\n", encoding="utf-8")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.load(
        {
            "database_url": f"sqlite:///{tmp_path / 'kb.db'}",
            "index_dir": str(tmp_path / "index"),
            "content_dir": str(tmp_path / "content"),
            "secret_key": "test-secret",
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


def sign_in_as(client: FlaskClient, username: str) -> str:
    """Sign `username` in through the session, as the sign-in form does; returns the
    session's CSRF token."""
    token = f"csrf-{username}"
    with client.session_transaction() as session:
        session.clear()
        session["kb_user"] = username
        session["kb_csrf"] = token
    return token
