"""Fixtures of the request tests: a fresh SQLite store, a few departments and
users, a clock the test moves by hand, and a service built from them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kb.notify.config import NotifyConfig, Webhook
from kb.notify.notifier import Notifier
from kb.records import Department, Targets
from kb.requesting.service import RequestService
from kb.requesting.workflows import WorkflowCatalog, load_workflows
from kb.store import Store, create_store
from kb.users import Grant, Role, User
from tests.conftest import SAMPLE_CONTENT

# Wednesday 10:00 in Berlin (summer time): a working hour.
START = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)

DEPARTMENTS = {
    "hr": Department(slug="hr", name="Human Resources", contact={"email": "hr@example.org"},
                     targets=Targets(first_response_hours=8, resolution_hours=40)),
    "it": Department(slug="it", name="IT Services", contact={"email": "it@example.org"},
                     targets=Targets(first_response_hours=2, resolution_hours=16),
                     webhook_url="http://127.0.0.1:9/hook", webhook_secret_env="IT_HOOK_SECRET"),
    "facilities": Department(slug="facilities", name="Facilities",
                             targets=Targets(first_response_hours=4, resolution_hours=24)),
    "finance": Department(slug="finance", name="Finance",
                          targets=Targets(first_response_hours=8, resolution_hours=40)),
    "operations": Department(slug="operations", name="Operations"),
    "legal": Department(slug="legal", name="Legal"),
}  # fmt: skip


class Clock:
    """A clock that stands still until the test moves it; every reading ticks
    one microsecond so that two submissions never share a creation time."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        self.now += timedelta(microseconds=1)
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def set(self, when: datetime) -> None:
        self.now = when


def user(name: str, *grants: tuple[str, str | None]) -> User:
    return User(username=name, grants=[Grant(role=Role(r), department=d) for r, d in grants])


EMPLOYEE = user("emma", ("employee", None))
OTHER = user("otto", ("employee", None))
IT_AGENT = user("ian", ("agent", "it"))
HR_AGENT = user("hanna", ("agent", "hr"))
FACILITIES_AGENT = user("fritz", ("agent", "facilities"))
FINANCE_AGENT = user("fiona", ("agent", "finance"))
TRIAGE_AGENT = user("tom", ("agent", "triage"))
IT_OWNER = user("olga", ("content_owner", "it"))
ANALYST = user("anna", ("analyst", None))
ADMIN = user("root", ("admin", None))


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty store with the schema in place, copied for each test (migrating
    a new database every time would be most of the suite's run time)."""
    path = tmp_path_factory.mktemp("store-template") / "kb.db"
    create_store(f"sqlite:///{path}").close()
    return path


@pytest.fixture
def store(tmp_path: Path, migrated_db: Path) -> Iterator[Store]:
    shutil.copyfile(migrated_db, tmp_path / "kb.db")
    opened = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    for u in (IT_AGENT, HR_AGENT, FACILITIES_AGENT, FINANCE_AGENT, TRIAGE_AGENT, ADMIN):
        opened.add_user(u)
    yield opened
    opened.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def workflows() -> WorkflowCatalog:
    """The sample value streams shipped in content/_workflows.yml."""
    return load_workflows(SAMPLE_CONTENT / "_workflows.yml", [*DEPARTMENTS, "triage"])


def guess_language(text: str) -> str:
    return "de" if any(w in text.lower() for w in ("ich", "wie", "der", "die", "ä", "ü")) else "en"


@pytest.fixture
def notify_config() -> NotifyConfig:
    return NotifyConfig(
        webhooks={"it": Webhook("http://127.0.0.1:9/hook", "IT_HOOK_SECRET")},
        queue_addresses={
            "it": "it@example.org",
            "hr": "hr@example.org",
            "triage": "triage@example.org",
        },
        mail_enabled=True,
        mail_domain="example.org",
    )


@pytest.fixture
def service(
    store: Store, clock: Clock, workflows: WorkflowCatalog, notify_config: NotifyConfig
) -> RequestService:
    notifier = Notifier(
        store,
        notify_config,
        department_names={"it": "IT Services"},
        language_of=guess_language,
        clock=clock,
    )
    return RequestService(
        store,
        departments=DEPARTMENTS,
        workflows=workflows,
        notifier=notifier,
        language_of=guess_language,
        clock=clock,
    )
