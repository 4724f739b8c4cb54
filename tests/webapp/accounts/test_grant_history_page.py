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


def test_administrators_read_every_account_s_grant_history(
    client: FlaskClient, store: Store
) -> None:
    grant_role(store, "emma", "content_owner", "hr", actor="ada", reason="writes the HR pages")
    revoke_role(store, "ivan", "agent", "it", actor="ada", reason="moved to finance")
    sign_in_as(client, "ada")
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


@pytest.mark.parametrize("name", ["ivan", "emma", "cora"])
def test_nobody_else_reads_it(client: FlaskClient, name: str) -> None:
    sign_in_as(client, name)
    assert client.get("/accounts/+history").status_code == 403
