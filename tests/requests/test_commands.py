"""The command line: `kb users …` and `kb requests …` on a real store."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kb.cli import main
from kb.requesting.service import RequestService
from kb.settings import Settings
from kb.store import create_store
from tests.requests.conftest import EMPLOYEE, IT_AGENT, Clock


@pytest.fixture
def env(tmp_path: Path, migrated_db: Path) -> dict[str, str]:
    content = tmp_path / "content"
    (content / "it").mkdir(parents=True)
    (content / "hr").mkdir()
    (content / "it" / "_department.yml").write_text(
        "name: IT Services\n"
        "contact: {email: it@example.org}\n"
        "targets: {first_response_hours: 2, resolution_hours: 16}\n"
        "webhook_url: http://127.0.0.1:9/hook\n"
        "webhook_secret_env: IT_HOOK_SECRET\n",
        encoding="utf-8",
    )
    (tmp_path / "kb.db").write_bytes(migrated_db.read_bytes())
    return {
        "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.db'}",
        "KB_CONTENT_DIR": str(content),
        "KB_SMTP_HOST": "",
        "KB_SETTINGS": str(tmp_path / "none.toml"),
        "IT_HOOK_SECRET": "s3cret",
    }


@pytest.fixture(autouse=True)
def settings_file(env: dict[str, str]) -> None:
    Path(env["KB_SETTINGS"]).write_text("[kb]\n", encoding="utf-8")


def kb(env: dict[str, str], *args: str, input: str | None = None) -> Result:
    return CliRunner(env=env).invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def filed(env: dict[str, str]) -> list[int]:
    """Two requests in the store: one new, one resolved."""
    settings = Settings.load(environ=env)
    store = create_store(env["KB_DATABASE_URL"])
    store.add_user(IT_AGENT)
    service = RequestService.from_settings(settings, store, clock=Clock())
    first = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    second = service.submit(EMPLOYEE, "Printer offline", department="it")
    assert first.id is not None and second.id is not None
    service.comment(IT_AGENT, second.id, "Checked the toner.", visible_to_requester=False)
    service.resolve(IT_AGENT, second.id, "Power-cycled it.")
    store.close()
    return [first.id, second.id]


def test_users_add_and_list(env: dict[str, str]) -> None:
    result = kb(
        env,
        "users",
        "add",
        "maria",
        "--role",
        "agent",
        "--department",
        "it",
        "--password-stdin",
        input="correct horse\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "maria: agent:it"
    prompted = kb(
        env,
        "users",
        "add",
        "olga",
        "--role",
        "content_owner",
        "--department",
        "hr",
        input="battery staple\nbattery staple\n",
    )
    assert prompted.exit_code == 0, prompted.output
    assert "olga: content_owner:hr" in prompted.output
    sso = kb(env, "users", "add", "sam", "--role", "analyst", "--no-password")
    assert sso.exit_code == 0
    listed = json.loads(kb(env, "users", "list", "--json").output)
    assert [(u["username"], u["roles"], u["password"]) for u in listed] == [
        ("maria", ["agent:it"], True), ("olga", ["content_owner:hr"], True),
        ("sam", ["analyst"], False)]  # fmt: skip
    assert "sam\tanalyst  (SSO only)" in kb(env, "users", "list").output


def test_users_add_refuses_bad_input(env: dict[str, str]) -> None:
    result = kb(env, "users", "add", "x", "--role", "boss")
    assert result.exit_code == 1
    assert "unknown role 'boss'" in result.output
    short = kb(env, "users", "add", "x", "--role", "employee", "--password-stdin", input="abc\n")
    assert short.exit_code == 1 and "at least 8 characters" in short.output


def test_requests_list_show_and_export(
    env: dict[str, str], filed: list[int], tmp_path: Path
) -> None:
    listed = kb(env, "requests", "list")
    assert listed.exit_code == 0, listed.output
    assert "#1\tit\tnew" in listed.output and "Printer" not in listed.output
    resolved = json.loads(kb(env, "requests", "list", "--status", "resolved", "--json").output)
    assert [(r["id"], r["overdue"]) for r in resolved] == [(filed[1], False)]
    overdue = json.loads(kb(env, "requests", "list", "--overdue", "--json").output)
    assert [r["id"] for r in overdue] == [filed[0]]  # filed in 2026, so long overdue now

    shown = kb(env, "requests", "show", str(filed[1]))
    assert "Request #2: Printer offline" in shown.output
    assert "(internal): Checked the toner." in shown.output
    data = json.loads(kb(env, "requests", "show", str(filed[1]), "--json").output)
    assert data["resolution"] == "Power-cycled it."
    assert [e["kind"] for e in data["history"]] == ["created", "comment", "resolution"]
    missing = kb(env, "requests", "show", "99")
    assert missing.exit_code == 1 and "no request with id 99" in missing.output

    rows = list(csv.DictReader(io.StringIO(kb(env, "requests", "export").output)))
    assert [(r["id"], r["status"]) for r in rows] == [("1", "new"), ("2", "resolved")]
    out = tmp_path / "requests.jsonl"
    result = kb(env, "requests", "export", "--format", "jsonl", "--out", str(out))
    assert "2 requests written" in result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["query"] for line in lines] == ["VPN drops every hour", "Printer offline"]


def test_requests_deliver(env: dict[str, str], filed: list[int]) -> None:
    # The department file's webhook (port 9, nobody listens) gets every IT event.
    result = kb(env, "requests", "deliver")
    assert result.exit_code == 0, result.output
    assert "0 delivered, 4 to retry, 0 given up" in result.output
    assert "0 delivered, 0 to retry" in kb(env, "requests", "deliver").output
