"""Every page, in English and German, read without a browser and without a script:
its language, one h1, landmarks and the skip link, labels, references that resolve,
table headers and captions, charts with text, and no control only a script can use
(`tests/webapp/page_audit.py`). The browser tests check focus and the tab order on
top of this; these run in seconds on every page, refused forms and errors included.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.support import ARTICLES, make_article, sign_in_as, text_of
from tests.webapp.page_audit import problems
from tests.webapp.requests.test_page_forms import file

pytestmark = pytest.mark.usefixtures("people")

LANGS = ["en", "de"]


def audit(client: FlaskClient, path: str, lang: str, status: int = 200) -> list[str]:
    joiner = "&" if "?" in path else "?"
    response = client.get(f"{path}{joiner}hl={lang}")
    assert response.status_code == status, f"{path}: {response.status_code}"
    return [f"{path}: {p}" for p in problems(text_of(response), lang)]


def audit_post(
    client: FlaskClient, path: str, lang: str, data: dict[str, str], status: int
) -> list[str]:
    response = client.post(f"{path}?hl={lang}", data=data)
    assert response.status_code == status, f"POST {path}: {response.status_code}"
    return [f"POST {path}: {p}" for p in problems(text_of(response), lang)]


@pytest.mark.parametrize("lang", LANGS)
def test_the_public_pages_are_well_formed(client: FlaskClient, lang: str) -> None:
    found = audit(client, "/", lang)
    found += audit(client, "/?q=vpn", lang)
    found += audit(client, "/?q=zzz+nothing+matches", lang)
    found += audit(client, "/?q=vpn&page=999", lang, status=400)
    found += audit(client, "/?q=" + "long+" * 400, lang, status=400)
    found += audit(client, "/articles/hr/sick-leave.md", lang)
    found += audit(client, "/articles/hr/no-such-article.md", lang, status=404)
    found += audit(client, "/no/such/page", lang, status=404)
    found += audit(client, "/catalogue/", lang)
    found += audit(client, "/auth/sign-in", lang)
    assert found == []


def test_an_articles_tables_are_named_and_their_references_resolve(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Markdown tables have no caption: the page names each by its section's
    heading (or the title before any), and the ids it points at are there."""
    table = "| Day | Who |\n|---|---|\n| 1 | Manager |\n"
    article = make_article(
        "hr/rates.md", "Rates", f"{table}\n## Notice\n\n{table}\n## Pay {{#pay}}\n\n{table}"
    )
    monkeypatch.setitem(ARTICLES, article.id, article)
    response = client.get("/articles/hr/rates.md")
    assert response.status_code == 200
    page = text_of(response)
    assert problems(page, "en") == []
    assert page.count("<table aria-label") == 3


@pytest.mark.parametrize("lang", LANGS)
def test_the_request_pages_are_well_formed(client: FlaskClient, lang: str) -> None:
    request_id = file(client)
    token = sign_in_as(client, "emma")
    found = audit(client, "/ask/?q=VPN+drops&department=it", lang)
    found += audit(client, "/requests/", lang)
    found += audit(client, "/requests/queue/", lang)  # works no queue: own requests, ask form
    found += audit(client, f"/requests/{request_id}", lang)
    found += audit(client, "/insights/", lang, status=403)
    refused = {"csrf_token": token, "query": "", "department": "it"}
    found += audit_post(client, "/ask/", lang, refused, status=400)
    empty = {"csrf_token": token, "text": "", "version": "1"}
    refused = client.post(f"/requests/{request_id}/comment?hl={lang}", data=empty)
    assert refused.status_code == 303  # back to the request, which shows the refusal
    found += audit(client, refused.headers["Location"].split("#", 1)[0], lang)
    sign_in_as(client, "ivan")
    found += audit(client, "/requests/queue/it", lang)
    found += audit(client, f"/requests/{request_id}", lang)
    nothing = {"csrf_token": "csrf-ivan", "status": "in_progress"}
    refused = client.post(f"/requests/queue/it/bulk?hl={lang}", data=nothing)
    assert refused.status_code == 303  # back to the queue, which shows the refusal
    found += audit(client, refused.headers["Location"].split("#", 1)[0], lang)
    assert found == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_insights_and_admin_pages_are_well_formed(client: FlaskClient, lang: str) -> None:
    for query in ("vpn", "printer toner", "zzz nothing"):
        client.get(f"/?q={query}")
    file(client)  # a request for the requests' table
    sign_in_as(client, "ada")
    found = []
    for path in ("/", "/?by=week", "/gaps", "/requests", "/content"):
        found += audit(client, f"/insights{path}", lang)
    found += audit(client, "/insights/?since=not-a-date", lang, status=400)
    found += audit(client, "/manage/?department=it", lang)
    found += audit(client, "/manage/new?department=it", lang)
    found += audit(client, "/requests/drafts/", lang)
    found += audit(client, "/accounts/", lang)
    found += audit(client, "/accounts/?role=agent&department=it", lang)
    found += audit(client, "/accounts/?role=wizard", lang, status=400)
    found += audit(client, "/accounts/ivan", lang)
    empty = {"csrf_token": "csrf-ada", "role": "analyst", "department": "", "reason": ""}
    found += audit_post(client, "/accounts/ivan/grant", lang, empty, status=400)
    revoke = {"csrf_token": "csrf-ada", "role": "agent", "department": "it", "reason": ""}
    found += audit_post(client, "/accounts/ivan/revoke", lang, revoke, status=400)
    assert found == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_form_not_sent_page_is_well_formed(client: FlaskClient, lang: str) -> None:
    token = sign_in_as(client, "emma")
    with client.session_transaction() as session:
        del session["kb_user"]
    data = {"csrf_token": token, "query": "VPN drops", "description": "Every hour."}
    found = audit_post(client, "/ask/", lang, data, status=401)
    assert found == []
