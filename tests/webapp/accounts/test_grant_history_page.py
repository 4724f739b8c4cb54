"""The grant history of every account on one page, for administrators: who gave
or took which role from whom, when and why, newest first."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from kb.accounts.roles import grant_role, revoke_role
from kb.accounts.service import remove_user
from kb.store.protocols import Store
from tests.support import sign_in_as, text_of
from webapp.accounts import routes

pytestmark = pytest.mark.usefixtures("people")


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-account="([^"]+)">', html)


@pytest.fixture
def changed(client: FlaskClient, store: Store, people: object) -> None:
    """Emma was given a role and ivan lost his, by ada, who is signed in."""
    grant_role(store, "emma", "content_owner", "hr", actor="ada", reason="writes the HR pages")
    revoke_role(store, "ivan", "agent", "it", actor="ada", reason="moved to finance")
    sign_in_as(client, "ada")


def test_administrators_read_every_account_s_grant_history(
    client: FlaskClient, store: Store, changed: None
) -> None:
    assert 'href="/accounts/+history"' in text_of(client.get("/accounts/?hl=en"))
    html = text_of(client.get("/accounts/+history?hl=en"))
    assert rows(html)[:2] == ["ivan", "emma"]  # newest first
    assert set(rows(html)) >= {"ada", "cora", "emma", "hanna", "ivan", "olga"}
    ivan = html.split('data-account="ivan"')[1].split("</tr>")[0]
    assert "Revoked" in ivan and "Agent – IT Service Desk" in ivan
    assert ">ada<" in ivan and "moved to finance" in ivan
    assert 'href="/accounts/ivan"' in ivan
    emma = html.split('data-account="emma"')[1].split("</tr>")[0]
    assert "Granted" in emma and "writes the HR pages" in emma
    assert "Verlauf der Rollen aller Konten" in text_of(client.get("/accounts/+history?hl=de"))
    # A removed account's rows stay, under the name removal gave them, not a link.
    remove_user(store, "olga")
    html = text_of(client.get("/accounts/+history?hl=en"))
    assert "olga (removed)" in rows(html) and 'href="/accounts/olga' not in html


def test_the_newest_rows_only_past_the_limit(
    client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(routes, "HISTORY_ROWS", 2)
    grant_role(store, "emma", "analyst", None, actor="ada", reason="reads insights")
    sign_in_as(client, "ada")
    html = text_of(client.get("/accounts/+history?hl=en"))
    assert len(rows(html)) == 2 and rows(html)[0] == "emma"
    assert "The newest 2 changes." in html
    body = client.get("/api/accounts/+history").get_json()  # the same rows, oldest first
    assert body["truncated"] is True and len(body["changes"]) == 2
    assert body["changes"][-1]["reason"] == "reads insights"


@pytest.mark.parametrize("name", ["ivan", "emma", "cora"])
def test_nobody_else_reads_it(client: FlaskClient, name: str) -> None:
    sign_in_as(client, name)
    assert client.get("/accounts/+history").status_code == 403


@pytest.mark.usefixtures("changed")
def test_the_page_finds_rows_by_account_role_and_department(client: FlaskClient) -> None:
    html = text_of(client.get("/accounts/+history?hl=en&account=IVAN"))
    assert set(rows(html)) == {"ivan"} and 'name="account" type="search" value="IVAN"' in html
    html = text_of(client.get("/accounts/+history?hl=en&role=content_owner"))
    assert rows(html)[0] == "emma" and "ivan" not in rows(html)
    html = text_of(client.get("/accounts/+history?hl=en&department=it&account=ivan"))
    assert rows(html) == ["ivan", "ivan"]  # revoked, then granted at the start
    html = text_of(client.get("/accounts/+history?hl=en&account=nobody"))
    assert rows(html) == [] and "No change matches these filters." in html
    refused = client.get("/accounts/+history?hl=en&role=wizard")
    assert refused.status_code == 400 and rows(text_of(refused)) == []
    assert 'id="history-role" name="role" aria-invalid="true"' in text_of(refused)


@pytest.mark.usefixtures("changed")
def test_the_api_gives_the_history_of_every_account_filtered(client: FlaskClient) -> None:
    body = client.get("/api/accounts/+history").get_json()
    assert body["truncated"] is False
    assert [c["username"] for c in body["changes"]][-2:] == ["emma", "ivan"]  # oldest first
    assert body["changes"][-1] == {
        "username": "ivan", "change": "revoked", "role": "agent", "department": "it",
        "from": None, "to": None, "by": "ada", "reason": "moved to finance",
        "ts": body["changes"][-1]["ts"],
    }  # fmt: skip
    found = client.get("/api/accounts/+history?role=agent&department=it").get_json()["changes"]
    assert [(c["username"], c["change"]) for c in found] == [
        ("ivan", "granted"), ("ivan", "revoked")]  # fmt: skip
    found = client.get("/api/accounts/+history?account=emma").get_json()["changes"]
    assert {c["username"] for c in found} == {"emma"} and found[-1]["role"] == "content_owner"
    refused = client.get("/api/accounts/+history?department=it/hr")
    assert refused.status_code == 400
    assert refused.get_json()["error"]["details"]["field"] == "department"


@pytest.mark.parametrize("name", ["ivan", "emma", "cora"])
def test_nobody_else_reads_it_in_the_api(client: FlaskClient, name: str) -> None:
    sign_in_as(client, name)
    answer = client.get("/api/accounts/+history?account=ada")
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "forbidden"


@pytest.mark.usefixtures("changed")
def test_filters_are_compared_as_text_never_as_patterns_or_markup(client: FlaskClient) -> None:
    """Tried in the security review: SQL and wildcard text in a filter finds no
    row, markup in one is echoed as text, and signed out nobody reads it."""
    for account in ("%", "*", "' OR '1'='1", "ivan' --", "iv_n"):
        body = client.get("/api/accounts/+history", query_string={"account": account})
        assert body.status_code == 200 and body.get_json()["changes"] == [], account
    for field in ("role", "department"):
        refused = client.get("/api/accounts/+history", query_string={field: "' OR 1=1 --"})
        assert refused.status_code == 400, field
    html = text_of(client.get("/accounts/+history?hl=en&account=%22%3E%3Cscript%3Ex%3C/script%3E"))
    assert "<script>x</script>" not in html and "&#34;&gt;&lt;script&gt;" in html
    client.post("/auth/logout")
    with client.session_transaction() as session:
        session.clear()
    signed_out = client.get("/api/accounts/+history")
    assert signed_out.status_code in (401, 403) and "changes" not in (signed_out.get_json() or {})
