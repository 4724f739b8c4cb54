"""The new-article page for a department: one that does not exist is named as
such, never as a role to ask an administrator for."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of


def test_a_department_that_does_not_exist_is_said_to_be_unknown(client: FlaskClient) -> None:
    """`/manage/new?department=nope` answered 403 "Only the content owners of Nope
    ... Ask an administrator for the role Content owner – Nope": a role of a
    department nobody can be given. Another existing department is still a 403."""
    sign_in_as(client, "cora")
    for lang, said in (
        ("en", "there is no department “nope”; known: it"),
        ("de", "Es gibt keine Abteilung „nope“; bekannt sind: it"),
    ):
        page = client.get("/manage/new?department=nope", headers={"Accept-Language": lang})
        assert page.status_code == 400, lang
        assert said in text_of(page) and "Nope" not in text_of(page), lang
    other = client.get("/manage/new?department=hr")
    assert other.status_code == 403 and "Human Resources" in text_of(other)
    assert client.get("/manage/new?department=it").status_code == 200
