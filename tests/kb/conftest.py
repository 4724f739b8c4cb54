"""Fixtures of the domain core's tests (requests, accounts, notifications): a
fresh SQLite store with the agents of `tests.support`, a clock the test moves
by hand, the sample value streams, and a request service built from them.
The store's own contract tests (`tests/kb/store/`) replace `store` with one
per backend."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.notify.config import NotifyConfig, Webhook
from kb.notify.notifier import Notifier
from kb.requests.service import RequestService
from kb.requests.workflows import WorkflowCatalog, load_workflows
from kb.store.factory import create_store
from kb.store.protocols import Store
from tests.conftest import SAMPLE_CONTENT
from tests.postgres import BACKENDS, fresh_database_url
from tests.support import (
    ADMIN,
    DEPARTMENTS,
    FACILITIES_AGENT,
    FINANCE_AGENT,
    HR_AGENT,
    IT_AGENT,
    TRIAGE_AGENT,
    Clock,
    guess_language,
)


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


# A test of `kb` commands that runs on PostgreSQL too: its `env` names the
# migrated SQLite file, or a new, empty PostgreSQL database that the first
# command migrates (as docs/deploy.md has an operator do).
on_both_backends = pytest.mark.parametrize("env", BACKENDS, indirect=True)


@pytest.fixture
def env(
    tmp_path: Path, migrated_db: Path, request: pytest.FixtureRequest
) -> Iterator[dict[str, str]]:
    """Environment of a `kb` run on a migrated store and a content root with IT and
    HR; on `on_both_backends`, once on each backend."""
    content = tmp_path / "content"
    (content / "it").mkdir(parents=True)
    (content / "hr").mkdir()
    (content / "it" / "_department.yml").write_text(
        "name: IT Services\n"
        "contact: {email: it@example.org}\n"
        "targets: {first_response_hours: 2, resolution_hours: 16}\n",
        encoding="utf-8",
    )
    (tmp_path / "kb.db").write_bytes(migrated_db.read_bytes())
    env = {
        "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.db'}",
        "KB_CONTENT_DIR": str(content),
        "KB_SMTP_HOST": "",
        "KB_SETTINGS": str(tmp_path / "none.toml"),
        "KB_WEBHOOKS": "it=http://127.0.0.1:9/hook",
        "KB_WEBHOOK_HOSTS": "127.0.0.1",
        "KB_WEBHOOK_SECRET_IT": "s3cret",
    }
    Path(env["KB_SETTINGS"]).write_text("[kb]\n", encoding="utf-8")
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield env
        return
    for url in fresh_database_url(backend, request, tmp_path):
        yield {**env, "KB_DATABASE_URL": url}
