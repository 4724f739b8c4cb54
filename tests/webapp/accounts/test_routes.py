"""The accounts page: administrators list accounts, grant and revoke roles with a
reason, and read each account's grant history; nobody else sees or changes anything."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from kb.accounts.grant_history import GrantChangeKind
from kb.accounts.records import Grant, Role
from kb.store.protocols import Store
from tests.support import sign_in_as, text_of

pytestmark = pytest.mark.usefixtures("people")


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-account="([^"]+)">', html)


def _tag(html: str, element_id: str) -> str:
    found = re.search(rf'<(?:input|select)\b[^>]*\bid="{element_id}"[^>]*>', html)
    assert found is not None, element_id
    return found.group(0)


def test_the_list_shows_every_account_with_its_roles(client: FlaskClient) -> None:
    sign_in_as(client, "ada")
    html = text_of(client.get("/accounts/?hl=en"))
    assert _rows(html) == ["ada", "cora", "emma", "hanna", "ivan", "olga"]
    assert "<caption>6 accounts</caption>" in html
    ivan = html.split('data-account="ivan"')[1].split("</tr>")[0]
    assert "Agent – IT Service Desk" in ivan and "Single sign-on" in ivan
    assert 'href="/accounts/ivan"' in ivan


def test_the_list_is_filtered_by_name_role_and_department(client: FlaskClient) -> None:
    sign_in_as(client, "ada")
    assert _rows(text_of(client.get("/accounts/?name=AN"))) == ["hanna", "ivan"]
    assert _rows(text_of(client.get("/accounts/?role=agent"))) == ["hanna", "ivan"]
    assert _rows(text_of(client.get("/accounts/?department=it"))) == ["cora", "ivan"]
    assert _rows(text_of(client.get("/accounts/?role=agent&department=it"))) == ["ivan"]
    html = text_of(client.get("/accounts/?role=admin&department=hr&hl=en"))
    assert _rows(html) == [] and "No account matches these filters." in html


def test_a_filter_that_cannot_be_is_marked_and_kept(client: FlaskClient) -> None:
    sign_in_as(client, "ada")
    response = client.get("/accounts/?role=wizard&name=iv&hl=en")
    assert response.status_code == 400
    html = text_of(response)
    assert 'aria-invalid="true"' in _tag(html, "accounts-role")
    assert 'id="filter-error"' in html and "wizard" in html
    assert 'value="iv"' in _tag(html, "accounts-name") and _rows(html) == []


def test_an_account_shows_its_roles_and_grant_history(client: FlaskClient) -> None:
    sign_in_as(client, "ada")
    html = text_of(client.get("/accounts/ivan?hl=en"))
    assert '<h1 id="account-h">ivan</h1>' in html
    assert '<input type="hidden" name="role" value="agent">' in html
    history = html.split('id="history-h"')[1]
    assert "Granted" in history and "kb-cli" in history
    assert client.get("/accounts/nobody").status_code == 404


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("page", ["/accounts/ivan", "/accounts/+new"])
def test_the_no_department_choice_names_its_roles_as_the_role_choice_does(
    client: FlaskClient, lang: str, page: str
) -> None:
    """German pages offered "Keine (Mitarbeitende, Analyse, Administration)" under a
    role list that says "Beschäftigte", "Auswertende" and "Administrierende"."""
    sign_in_as(client, "ada")
    html = text_of(client.get(f"{page}?hl={lang}"))
    labels = dict(re.findall(r'<option value="(employee|analyst|admin)"[^>]*>([^<]+)<', html))
    none = re.search(r'<option value="">([^<]+)</option>', html)
    assert none is not None and len(labels) == 3
    for label in labels.values():
        assert label.lower() in none.group(1).lower(), (label, none.group(1))


def test_a_password_set_from_the_command_line_is_in_the_page_history(
    client: FlaskClient, store: Store
) -> None:
    """The accounts page shows who set whose password and why, never the password."""
    from kb.accounts.passwords import set_password

    set_password(store, "ivan", "ivan's new one", reason="locked out", password_sign_in=False)
    set_password(store, "ivan", None, reason="back to SSO", password_sign_in=False)
    sign_in_as(client, "ada")
    history = text_of(client.get("/accounts/ivan?hl=en")).split('id="history-h"')[1]
    assert "New password set" in history and "locked out" in history
    assert "Password removed (single sign-on only)" in history and "back to SSO" in history
    assert "ivan's new one" not in history and "ivan&#39;s new one" not in history
    de = text_of(client.get("/accounts/ivan?hl=de")).split('id="history-h"')[1]
    assert "Neues Passwort gesetzt" in de


def test_a_grant_is_made_with_its_reason_and_said(client: FlaskClient, store: Store) -> None:
    token = sign_in_as(client, "ada")
    form = {"csrf_token": token, "role": "agent", "department": "hr", "reason": "HR cover"}
    response = client.post("/accounts/ivan/grant?hl=en", data=form)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/accounts/ivan#outcome")
    assert Grant(role=Role.AGENT, department="hr") in store.get_user("ivan").grants  # type: ignore[union-attr]
    last = store.grant_changes("ivan")[-1]
    assert (last.kind, last.grant, last.actor, last.reason) == (
        GrantChangeKind.GRANTED,
        "agent:hr",
        "ada",
        "HR cover",
    )
    html = text_of(client.get("/accounts/ivan?hl=en"))
    assert "ivan now holds the role Agent – Human Resources" in html
    assert "HR cover" in html.split('id="history-h"')[1]


def test_every_department_is_granted_only_when_chosen(client: FlaskClient, store: Store) -> None:
    token = sign_in_as(client, "ada")
    page = text_of(client.get("/accounts/ivan?hl=en"))
    assert '<option value="*">Every department</option>' in _tag_block(page, "grant-department")
    form = {"csrf_token": token, "role": "content_owner", "department": "*", "reason": "editor"}
    assert client.post("/accounts/ivan/grant?hl=en", data=form).status_code == 303
    grants = store.get_user("ivan").grants  # type: ignore[union-attr]
    assert Grant(role=Role.CONTENT_OWNER, department=None) in grants
    analyst = {**form, "role": "analyst", "department": ""}
    assert client.post("/accounts/ivan/grant?hl=en", data=analyst).status_code == 303


def _tag_block(html: str, select_id: str) -> str:
    start = html.index(f'id="{select_id}"')
    return html[start : html.index("</select>", start)]


def test_a_revocation_is_made_with_its_reason(client: FlaskClient, store: Store) -> None:
    token = sign_in_as(client, "ada")
    form = {"csrf_token": token, "role": "agent", "department": "it", "reason": "left IT"}
    response = client.post("/accounts/ivan/revoke?hl=de", data=form)
    assert response.status_code == 303
    assert store.get_user("ivan").grants == []  # type: ignore[union-attr]
    last = store.grant_changes("ivan")[-1]
    assert (last.kind, last.actor, last.reason) == (GrantChangeKind.REVOKED, "ada", "left IT")
    html = text_of(client.get("/accounts/ivan?hl=de"))
    assert "ivan hat die Rolle „Bearbeitende – IT Service Desk“ nicht mehr" in html
    assert "Entzogen" in html


@pytest.mark.parametrize(
    ("form", "status", "field"),
    [
        ({"role": "agent", "department": "hr", "reason": "  "}, 400, "grant-reason"),
        ({"role": "wizard", "department": "", "reason": "x"}, 400, "grant-role"),
        ({"role": "admin", "department": "it", "reason": "x"}, 400, "grant-department"),
        ({"role": "agent", "department": "../x", "reason": "x"}, 400, "grant-department"),
        ({"role": "agent", "department": "nosuch", "reason": "x"}, 400, "grant-department"),
        # Left at "None", an agent's or content owner's department is not every one.
        ({"role": "content_owner", "department": "", "reason": "x"}, 400, "grant-department"),
        ({"role": "agent", "department": "it", "reason": "again"}, 409, None),
    ],
)
def test_a_refused_grant_shows_why_at_its_field_and_changes_nothing(
    client: FlaskClient, store: Store, form: dict[str, str], status: int, field: str | None
) -> None:
    token = sign_in_as(client, "ada")
    before = store.grant_changes("ivan")
    response = client.post("/accounts/ivan/grant?hl=en", data={"csrf_token": token, **form})
    assert response.status_code == status
    html = text_of(response)
    assert '<p id="grant-error" class="form-error" role="alert"' in html
    if field is not None:
        assert 'aria-invalid="true" aria-describedby="grant-error' in _tag(html, field)
    assert f'value="{form["reason"]}"' in _tag(html, "grant-reason")
    assert store.grant_changes("ivan") == before
    assert store.get_user("ivan").grants == [Grant(role=Role.AGENT, department="it")]  # type: ignore[union-attr]


def test_a_refused_revocation_marks_the_roles_reason(client: FlaskClient, store: Store) -> None:
    token = sign_in_as(client, "ada")
    empty = {"csrf_token": token, "role": "agent", "department": "it", "reason": ""}
    response = client.post("/accounts/ivan/revoke?hl=en", data=empty)
    assert response.status_code == 400
    html = text_of(response)
    assert 'aria-invalid="true" aria-describedby="revoke-error"' in _tag(html, "revoke-reason-1")
    not_held = {"csrf_token": token, "role": "agent", "department": "hr", "reason": "x"}
    response = client.post("/accounts/ivan/revoke?hl=en", data=not_held)
    assert response.status_code == 404
    assert "ivan does not hold the role Agent – Human Resources" in text_of(response)
    assert store.get_user("ivan").grants == [Grant(role=Role.AGENT, department="it")]  # type: ignore[union-attr]
    assert client.post("/accounts/nobody/revoke", data=not_held).status_code == 404


def test_the_last_administrator_cannot_revoke_the_role(client: FlaskClient, store: Store) -> None:
    token = sign_in_as(client, "ada")
    admins = [u.username for u in store.list_users() if any(g.role is Role.ADMIN for g in u.grants)]
    assert admins == ["ada"]
    form = {"csrf_token": token, "role": "admin", "department": "", "reason": "leaving"}
    response = client.post("/accounts/ada/revoke?hl=de", data=form)
    assert response.status_code == 409
    assert "ada ist die letzte Person mit der Rolle „Administrierende“" in text_of(response)
    assert Grant(role=Role.ADMIN) in store.get_user("ada").grants  # type: ignore[union-attr]


@pytest.mark.parametrize("who", ["emma", "ivan", "cora"])
def test_everyone_but_admins_is_refused_and_nothing_changes(
    client: FlaskClient, store: Store, who: str
) -> None:
    token = sign_in_as(client, who)
    assert client.get("/accounts/").status_code == 403
    assert client.get("/accounts/ivan").status_code == 403
    form = {"csrf_token": token, "role": "admin", "department": "", "reason": "mine now"}
    assert client.post(f"/accounts/{who}/grant", data=form).status_code == 403
    revoke = {"csrf_token": token, "role": "agent", "department": "it", "reason": "x"}
    assert client.post("/accounts/ivan/revoke", data=revoke).status_code == 403
    assert not store.get_user(who).has_role(Role.ADMIN)  # type: ignore[union-attr]
    assert store.get_user("ivan").grants == [Grant(role=Role.AGENT, department="it")]  # type: ignore[union-attr]
    assert "/accounts/" not in text_of(client.get("/requests/"))  # no link in the menu


def test_visitors_are_sent_to_sign_in(client: FlaskClient, store: Store) -> None:
    response = client.get("/accounts/")
    assert response.status_code == 303 and "/auth/sign-in" in response.headers["Location"]
    response = client.post("/accounts/ivan/grant", data={"role": "admin", "reason": "x"})
    assert response.status_code in (401, 403)
    assert not store.get_user("ivan").has_role(Role.ADMIN)  # type: ignore[union-attr]


def test_a_form_without_its_csrf_token_changes_nothing(client: FlaskClient, store: Store) -> None:
    sign_in_as(client, "ada")
    form = {"role": "admin", "department": "", "reason": "sneaky"}
    assert client.post("/accounts/ivan/grant", data=form).status_code == 403
    assert client.post("/accounts/ivan/grant", data={**form, "csrf_token": "x"}).status_code == 403
    assert not store.get_user("ivan").has_role(Role.ADMIN)  # type: ignore[union-attr]


def test_admins_find_the_page_in_the_menu(client: FlaskClient) -> None:
    sign_in_as(client, "ada")
    html = text_of(client.get("/accounts/?hl=en"))
    assert '<a href="/accounts/" aria-current="page">Accounts</a>' in html
    assert '<a href="/accounts/">Konten</a>' in text_of(client.get("/requests/?hl=de"))
