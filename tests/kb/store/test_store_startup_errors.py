"""What an operator reads when the store's URL cannot work: a `ConfigError`
naming the setting and the reason, never the password; "not available" only
where waiting may help (the server down or restarting)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from kb.errors import ConfigError, StoreUnavailableError
from kb.store.factory import create_store
from tests.postgres import PostgresServer

SECRET = "pw-very-secret"
SETTING = "KB_DATABASE_URL"


@pytest.mark.parametrize(
    "url",
    [
        f"kb:{SECRET}@db.example/kb",  # no scheme
        f"postgresql://kb:{SECRET}@db.example:port/kb",  # a port that is no number
        f"postgresql://kb:{SECRET}@[::1/kb",
    ],
)
def test_a_url_that_does_not_parse_names_the_setting_and_hides_the_password(url: str) -> None:
    with pytest.raises(ConfigError, match=SETTING) as caught:
        create_store(url)
    assert SECRET not in str(caught.value)


def test_a_sqlite_file_that_cannot_be_opened_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=f"cannot open the store's file.*{SETTING}"):
        create_store(f"sqlite:///{tmp_path}")  # a folder
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(ConfigError, match=f"cannot make the folder.*{SETTING}"):
        create_store(f"sqlite:///{blocker / 'kb.db'}")


@pytest.fixture
def database(postgres_server: PostgresServer) -> Iterator[str]:
    name, url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(name)


def _with(url: str, **parts: str) -> str:
    return make_url(url).set(**parts).render_as_string(hide_password=False)  # type: ignore[arg-type]


@pytest.mark.postgres
def test_a_missing_database_or_user_is_a_config_error_not_a_wait(database: str) -> None:
    with pytest.raises(ConfigError, match=f'database "no_such_db" does not exist.*{SETTING}'):
        create_store(_with(database, database="no_such_db"))
    with pytest.raises(ConfigError, match=f'role "nobody" does not exist.*{SETTING}'):
        create_store(_with(database, username="nobody"))


@pytest.mark.postgres
def test_a_wrong_password_is_a_config_error_that_does_not_repeat_it(
    postgres_server: PostgresServer, database: str
) -> None:
    role = f"kb_pw_{uuid.uuid4().hex[:8]}"
    hba = Path(postgres_server.handle.pgdata) / "pg_hba.conf"
    original = hba.read_text()
    with postgres_server.admin() as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'the-right-one'")
        # Only this role signs in with a password; every other stays trusted.
        hba.write_text(f"local all {role} scram-sha-256\n{original}")
        conn.execute("SELECT pg_reload_conf()")
    try:
        with pytest.raises(ConfigError, match=f"password authentication failed.*{SETTING}") as e:
            create_store(_with(database, username=role, password=SECRET))
        assert SECRET not in str(e.value)
    finally:
        hba.write_text(original)
        with postgres_server.admin() as conn:
            conn.execute("SELECT pg_reload_conf()")
            conn.execute(f"DROP ROLE {role}")


@pytest.mark.postgres
def test_a_user_without_the_right_to_create_tables_is_told_what_to_grant(
    postgres_server: PostgresServer, database: str
) -> None:
    role = f"kb_weak_{uuid.uuid4().hex[:8]}"
    with postgres_server.admin() as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
    try:
        with pytest.raises(ConfigError, match=f"{role} may not create.*GRANT.*{SETTING}") as e:
            create_store(_with(database, username=role))
        assert "\n" not in str(e.value)  # no SQL or caret lines
    finally:
        with postgres_server.admin() as conn:
            conn.execute(f"DROP ROLE {role}")


def test_a_server_that_is_down_is_still_only_unavailable(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailableError, match="not available right now") as e:
        create_store(f"postgresql://kb@/kb?host={tmp_path}&connect_timeout=2")
    # A wrong host or port reads the same: the message says what to check.
    assert "is the database server running where setting database_url" in str(e.value)
