"""The ask form and the request pages, without JavaScript (plain forms and redirects)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient

from kb.accounts.records import User
from kb.i18n.catalog import format_moment
from kb.requests.service import RequestService
from kb.settings import Settings
from kb.store.protocols import Store
from tests.support import (
    ARTICLES,
    make_article,
    post_request_form,
    refused_page,
    sign_in_as,
    text_of,
)
from webapp.services import services

pytestmark = pytest.mark.usefixtures("people")


def selected(html: str, name: str) -> str:
    select = html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    found = re.search(r'<option value="([^"]*)"[^>]* selected>', select)
    assert found is not None, f"nothing selected in {name}"
    return found.group(1)


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found is not None, name
    return found.group(1)


def ask_form(client: FlaskClient, query: str = "VPN drops hourly", **args: str) -> str:
    params = {"q": query, "department": "it", "sid": "12", "confidence": "0.8"} | args
    response = client.get("/ask/", query_string=params)
    assert response.status_code == 200
    return text_of(response)


def send(client: FlaskClient, html: str, **fields: str) -> Any:
    """Post the ask form as a browser would: every hidden field, plus `fields`."""
    names = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    data = dict(names)
    typed = re.search(r'id="ask-query" name="query" type="text" value="([^"]*)"', html)
    assert typed is not None
    data.update(
        query=fields.pop("query", typed.group(1)),
        department=fields.pop("department", selected(html, "department")),
        priority="normal",
    )
    data.update(fields)
    return client.post("/ask/", data=data)


# -- the ask form -----------------------------------------------------------------------


def test_the_form_is_prefilled_from_the_search(client: FlaskClient) -> None:
    sign_in_as(client, "emma")
    html = ask_form(client)
    assert '<h1 id="ask-h">Ask IT Service Desk</h1>' in html
    assert 'value="VPN drops hourly"' in html
    assert selected(html, "department") == "it"
    assert (hidden(html, "suggested"), hidden(html, "search_id")) == ("it", "12")
    assert re.fullmatch(r"[0-9a-f-]{36}", hidden(html, "idempotency_key"))
    assert 'data-search-url="/api/search"' in html  # suggestions while typing
    assert "Onboarding" not in html


def test_an_unsure_route_preselects_triage(client: FlaskClient) -> None:
    sign_in_as(client, "emma")
    html = ask_form(client, confidence="0.1")
    assert selected(html, "department") == "triage"
    assert "We are not sure whether IT Service Desk owns this" in html
    assert "IT Service Desk (suggested)" in html


def test_sending_files_one_request_and_shows_it(client: FlaskClient, store: Store) -> None:
    sign_in_as(client, "emma")
    search_id = client.get("/api/search?q=VPN").get_json()["search_id"]
    html = ask_form(client, sid=str(search_id))
    # While the need is described the form searches with its token; the answer's
    # proof of the suggestions it served goes in `suggestions_shown` (kb.js).
    form = re.search(r'data-ask-token="([^"]+)"', html)
    assert form is not None
    asked = client.get("/api/search?q=VPN&source=ask", headers={"X-KB-Ask-Form": form.group(1)})
    shown = asked.get_json()["suggestions_token"]
    response = send(client, html, description="Since Monday", suggestions_shown=shown)
    assert response.status_code == 303
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    again = send(client, html, description="Since Monday", suggestions_shown=shown)
    assert again.headers["Location"] == response.headers["Location"]  # a double click
    [stored] = store.list_requests(requester="emma")
    assert stored.id == request_id and stored.department == "it"
    assert (stored.search_id, stored.suggestions_shown, stored.went_on_anyway) == (
        search_id,
        True,
        True,
    )
    page = text_of(client.get(response.headers["Location"]))
    assert f"Your request #{request_id} has been sent." in page
    assert "VPN drops hourly" in page and "Since Monday" in page


def test_without_suggestions_nobody_went_on_anyway(client: FlaskClient, store: Store) -> None:
    sign_in_as(client, "emma")
    send(client, ask_form(client))
    [stored] = store.list_requests(requester="emma")
    assert (stored.suggestions_shown, stored.went_on_anyway) == (False, False)


def test_routing_from_the_form(client: FlaskClient, store: Store) -> None:
    sign_in_as(client, "emma")
    unsure = ask_form(client, "Who orders chairs?", confidence="0.1")
    send(client, unsure)  # kept the triage preselection
    send(client, ask_form(client, "Who orders desks?", confidence="0.1"), department="it")
    send(client, ask_form(client, "Who orders lamps?"), department="hr")
    routed = {r.query: r.department for r in store.list_requests(requester="emma")}
    assert routed == {
        "Who orders chairs?": "triage",
        "Who orders desks?": "it",  # picked by the employee: respected
        "Who orders lamps?": "hr",
    }


def test_a_refused_form_keeps_what_was_typed(client: FlaskClient, store: Store) -> None:
    sign_in_as(client, "emma")
    html = ask_form(client)
    response = send(client, html, query=" ", description="All my careful words")
    assert response.status_code == 400
    page = text_of(response)
    assert "Your question: please fill this in." in page and "All my careful words" in page
    assert hidden(page, "idempotency_key") == hidden(html, "idempotency_key")
    assert store.list_requests(requester="emma") == []


def test_a_value_stream_is_offered_and_started(client: FlaskClient) -> None:
    sign_in_as(client, "emma")
    html = ask_form(client, "Onboarding a new hire on 1 July", department="hr")
    assert "This looks like: Onboarding a new hire" in html
    # The offer leads to the value stream's form in the catalogue, with the question.
    link = re.search(r'href="(/catalogue/onboarding\?[^"]+)"', html)
    assert link is not None and "Onboarding+a+new+hire+on+1+July" in link.group(1)
    form = text_of(client.get(link.group(1).replace("&amp;", "&")))
    assert ">Onboarding a new hire on 1 July</textarea>" in form
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/catalogue/onboarding",
        data={"csrf_token": "csrf-emma", "idempotency_key": key,
              "description": "Onboarding a new hire on 1 July"},
    )  # fmt: skip
    page = text_of(client.get(response.headers["Location"]))
    assert "0 of 2 done" in page and "Employee record" in page and "Accounts and laptop" in page
    mine = text_of(client.get("/requests/"))
    assert "Onboarding a new hire" in mine and "0 of 2 done" in mine


# -- a request's life -------------------------------------------------------------------


def file(client: FlaskClient, query: str = "VPN drops hourly") -> int:
    sign_in_as(client, "emma")
    response = send(client, ask_form(client, query))
    return int(response.headers["Location"].rsplit("/", 1)[1])


def act(client: FlaskClient, token: str, request_id: int, action: str, **data: str) -> Any:
    return post_request_form(client, token, request_id, action, **data)


def test_agent_and_requester_talk_until_resolved(client: FlaskClient) -> None:
    request_id = file(client)
    requester_page = text_of(client.get(f"/requests/{request_id}"))
    assert "Work on this request" not in requester_page and "Your reply" in requester_page

    ivan = sign_in_as(client, "ivan")
    queue = text_of(client.get("/requests/queue/it"))
    assert f"/requests/{request_id}" in queue and "Queue: IT Service Desk" in queue
    assert act(client, ivan, request_id, "comment", text="Which client?").status_code == 303
    act(client, ivan, request_id, "comment", text="Known issue #42", internal="1")
    act(client, ivan, request_id, "status", status="waiting_for_requester", note="")
    act(client, ivan, request_id, "assign", assignee="ivan")
    agent_page = text_of(client.get(f"/requests/{request_id}"))
    assert "Known issue #42" in agent_page and "Internal note" in agent_page
    assert '<option value="ivan" selected>ivan</option>' in agent_page

    emma = sign_in_as(client, "emma")
    page = text_of(client.get(f"/requests/{request_id}"))
    assert "Which client?" in page and "Known issue #42" not in page
    assert "Waiting for you" in page
    act(client, emma, request_id, "comment", text="Version 6.1")
    assert "In progress" in text_of(client.get(f"/requests/{request_id}"))  # resumed
    german = text_of(client.get(f"/requests/{request_id}?hl=de"))
    assert "Sie haben geantwortet." in german
    assert "Die anfragende Person hat geantwortet." not in german
    client.get(f"/requests/{request_id}?hl=en")

    ivan = sign_in_as(client, "ivan")
    response = act(client, ivan, request_id, "resolve", resolution="Update to 6.2.")
    assert response.status_code == 303
    emma = sign_in_as(client, "emma")
    page = text_of(client.get(f"/requests/{request_id}"))
    assert "The answer" in page and "Update to 6.2." in page
    assert "Reopen" in page and "Close request" in page
    act(client, emma, request_id, "status", status="in_progress", note="Still broken")
    assert "In progress" in text_of(client.get("/requests/"))


def test_refused_actions_show_the_page_with_the_error(client: FlaskClient) -> None:
    request_id = file(client)
    ivan = sign_in_as(client, "ivan")
    response = act(client, ivan, request_id, "reassign", department="hr", reason="")
    assert "Why: please fill this in." in refused_page(client, response, "reassign-form")
    response = act(client, ivan, request_id, "resolve", resolution="   ")
    refused_page(client, response, "resolve-form")
    emma = sign_in_as(client, "emma")
    response = act(client, emma, request_id, "status", status="triaged", note="")
    assert response.status_code == 403  # requesters only reopen and close
    response = act(client, emma, request_id, "comment", text="x" * 10_001)
    page = refused_page(client, response, "reply")
    assert "Reply: 10001 characters; at most 10000 are allowed." in page


def test_the_move_form_names_no_department_until_one_is_chosen(client: FlaskClient) -> None:
    """The move form's list showed the first other department, chosen: an agent
    who typed the reason and pressed Move sent the request there unasked."""
    request_id = file(client)
    ivan = sign_in_as(client, "ivan")
    page = text_of(client.get(f"/requests/{request_id}"))
    form = page.split('id="reassign-form"', 1)[1].split("</form>", 1)[0]
    assert '<select id="reassign-department" name="department" required' in form
    assert '<option value="" selected disabled>Please choose</option>' in form
    response = act(client, ivan, request_id, "reassign", department="", reason="About pay")
    refused = refused_page(client, response, "reassign-form")
    assert "Department: please fill this in." in refused
    assert "IT Service Desk" in text_of(client.get(f"/requests/{request_id}"))  # not moved


def test_reassigning_moves_it_to_the_other_queue(client: FlaskClient) -> None:
    request_id = file(client)
    ivan = sign_in_as(client, "ivan")
    response = act(client, ivan, request_id, "reassign", department="hr", reason="About pay")
    assert response.status_code == 303
    # Not IT's any more: back to IT's queue, which says where it went (not a 404
    # of the request page the agent may no longer see).
    assert response.headers["Location"] == "/requests/queue/it#outcome"
    queue = text_of(client.get(response.headers["Location"]))
    assert f"Request #{request_id} has been moved to Human Resources." in queue
    assert client.get(f"/requests/{request_id}").status_code == 404
    sign_in_as(client, "hanna")
    queue = text_of(client.get("/requests/queue/hr"))
    assert f"#{request_id}" in queue
    assert "moved it from IT Service Desk to Human Resources" in text_of(
        client.get(f"/requests/{request_id}")
    )


def test_a_move_lands_where_its_note_is_and_a_refusal_at_the_form(client: FlaskClient) -> None:
    """The move form posts to `#reassign-form`, which a browser keeps on a redirect
    that names no anchor: after a move it landed on a form the page no longer had
    (the queue), or under the note it should read. The redirect names the note,
    `#outcome`; a refused move comes back at the form, with its error."""
    request_id = file(client)
    ada = sign_in_as(client, "ada")  # still sees it afterwards: back to its page
    page = text_of(client.get(f"/requests/{request_id}"))
    action = f'action="/requests/{request_id}/reassign#reassign-form"'
    assert action in page and 'id="reassign-form"' in page
    response = act(client, ada, request_id, "reassign", department="hr", reason="About pay")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/requests/{request_id}#outcome"
    moved = text_of(client.get(response.headers["Location"]))
    assert '<main id="main"' in moved
    assert f"Request #{request_id} has been moved to Human Resources." in moved
    refused = act(client, ada, request_id, "reassign", department="hr", reason="")
    form = (
        refused_page(client, refused, "reassign-form")
        .split('id="reassign-form"', 1)[1]
        .split("</form>", 1)[0]
    )
    assert 'id="reassign-error"' in form and "Why: please fill this in." in form
    sent = {"csrf_token": ada, "version": hidden(moved, "version"), "reason": "Doch IT"}
    german = client.post(
        f"/requests/{request_id}/reassign?hl=de", data={**sent, "department": "it"}
    )
    assert german.headers["Location"] == f"/requests/{request_id}#outcome"
    note = f"Die Anfrage #{request_id} wurde an die Abteilung IT Service Desk abgegeben."
    assert note in text_of(client.get(f"/requests/{request_id}?hl=de"))


def test_from_answer_to_published_article(
    client: FlaskClient, request_content: Path, store: Store
) -> None:
    request_id = file(client, "How do I connect to the VPN from a hotel?")
    ivan = sign_in_as(client, "ivan")
    act(client, ivan, request_id, "resolve", resolution="Switch the client to TCP 443.")
    response = act(client, ivan, request_id, "article")
    page = text_of(client.get(response.headers["Location"]))
    article_id = "it/how-to-connect-to-the-vpn-from-a-hotel.md"
    assert f"Draft article written: {article_id}" in page
    assert "Turn into an article" not in page  # the draft exists: no second offer
    again = act(client, ivan, request_id, "article")  # a second click, a stale page
    page = text_of(client.get(again.headers["Location"]))
    assert f"This request already has the draft {article_id}" in page
    assert sorted(p.name for p in (request_content / "it").glob("*connect-*")) == [
        "how-to-connect-to-the-vpn-from-a-hotel.md"
    ]
    draft = request_content / article_id
    assert "status: draft" in draft.read_text(encoding="utf-8")
    assert "Publish" not in page  # agents draft, content owners publish

    cora = sign_in_as(client, "cora")
    drafts = text_of(client.get("/requests/drafts/"))
    assert article_id in drafts and f"/requests/{request_id}#articles" in drafts
    detail = text_of(client.get(f"/requests/{request_id}"))
    assert f'href="/manage/edit/{article_id}"' in detail  # the owner opens the draft
    raw = client.get(f"/requests/{request_id}").get_data(as_text=True)
    assert 'id="reply-text"' not in raw  # content owners read requests, agents reply
    response = act(client, cora, request_id, "publish", article="it/other.md")
    refused_page(client, response, "articles")  # only articles linked to the request
    response = act(client, cora, request_id, "publish", article=article_id)
    assert response.status_code == 303
    assert "status: published" in draft.read_text(encoding="utf-8")
    # These tests index with `kb index` (index_on_change off), so the note says so.
    published = text_of(client.get(response.headers["Location"]))
    assert "Search finds it after the next index run." in published
    assert "No drafts are waiting." in text_of(client.get("/requests/drafts/"))
    assert store.get_request(request_id).linked_articles == [article_id]


def test_a_requester_reads_the_titles_of_the_articles_they_may_read(
    client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The requester's page showed each linked article's file path (and the path of
    a draft or a restricted article too). They see the titles of the articles they
    may read, linked to their pages, and nothing of the others; the agents who work
    the request keep the ids."""
    secret = make_article("hr/salary-bands.md", "Salary bands", "Bands.", audience=("hr-leads",))
    monkeypatch.setitem(ARTICLES, secret.id, secret)
    request_id = file(client, "When do payslips come?")
    ada = store.get_user("ada")
    assert ada is not None
    for article in ("hr/sick-leave.md", secret.id, "it/not-yet.md"):  # the last: no page
        services(client.application).requests.record_published(ada, request_id, article)
    page = text_of(client.get(f"/requests/{request_id}"))  # emma, who asked
    assert '<a href="/articles/hr/sick-leave.md">Reporting sick</a>' in page
    assert "published the article Reporting sick" in page
    for hidden_text in ("hr/sick-leave.md<", "salary", "Salary", "not-yet"):
        assert hidden_text not in page
    sign_in_as(client, "ivan")  # works the request: the ids and their statuses
    page = text_of(client.get(f"/requests/{request_id}"))
    assert "<code>hr/salary-bands.md</code>" in page and "<code>it/not-yet.md</code>" in page


def test_the_api_names_the_requester_only_the_articles_they_may_read(
    client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request page showed the requester only the linked articles they may
    read, but the JSON API still answered every linked id (a restricted article's
    and a draft's file path too), in the request and in its history. The API
    answers what the page shows; the agents who work the request keep every id."""
    secret = make_article("hr/salary-bands.md", "Salary bands", "Bands.", audience=("hr-leads",))
    monkeypatch.setitem(ARTICLES, secret.id, secret)
    request_id = file(client, "When do payslips come?")
    ada = store.get_user("ada")
    assert ada is not None
    linked = ["hr/sick-leave.md", secret.id, "it/not-yet.md"]  # the last: no page
    for article in linked:
        services(client.application).requests.record_published(ada, request_id, article)
    detail = client.get(f"/api/requests/{request_id}").get_json()  # emma, who asked
    assert detail["request"]["linked_articles"] == ["hr/sick-leave.md"]
    named = [e["data"]["article"] for e in detail["history"] if e["kind"] == "article"]
    assert named == ["hr/sick-leave.md"]
    mine = client.get("/api/requests?mine=1").get_json()["requests"]
    assert [r["linked_articles"] for r in mine if r["id"] == request_id] == [["hr/sick-leave.md"]]
    assert "salary" not in client.get(f"/api/requests/{request_id}").get_data(as_text=True)
    sign_in_as(client, "ivan")  # works the request: every id
    detail = client.get(f"/api/requests/{request_id}").get_json()
    assert detail["request"]["linked_articles"] == linked
    assert len([e for e in detail["history"] if e["kind"] == "article"]) == 3


def test_publishing_a_request_draft_keeps_the_four_eyes_rule(
    client: FlaskClient, request_content: Path
) -> None:
    """The request page publishes through the authoring service, so a department
    under the four-eyes rule gets no way around it: a draft is not published
    from the request page until it was submitted for review."""
    department = request_content / "it" / "_department.yml"
    department.write_text(department.read_text() + "review_required: true\n")
    request_id = file(client, "How do I connect to the VPN from a hotel?")
    ivan = sign_in_as(client, "ivan")
    act(client, ivan, request_id, "resolve", resolution="Switch the client to TCP 443.")
    act(client, ivan, request_id, "article")
    article_id = "it/how-to-connect-to-the-vpn-from-a-hotel.md"
    draft = request_content / article_id
    cora = sign_in_as(client, "cora")
    response = act(client, cora, request_id, "publish", article=article_id)
    page = text_of(client.get(response.headers["Location"])) if response.status_code == 303 else ""
    page = page or text_of(response)
    assert "requires another content owner" in page
    assert "status: draft" in draft.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("index_on_change", "note"),
    [("worker", "Search finds it within seconds."), ("off", "after the next index run")],
)
def test_the_published_note_says_when_search_finds_the_article(
    settings: Settings, index_on_change: str, note: str
) -> None:
    """With the index worker (the default) a published article is searchable in
    seconds; the note said "after the next index run" either way."""
    from webapp.i18n import translate
    from webapp.requests.articles import publish_done

    key = publish_done(settings.replace(index_on_change=index_on_change))
    assert note in translate("en", key)
    assert "Suche findet ihn" in translate("de", key)


def test_the_queue_filters_and_flags_overdue(
    client: FlaskClient, settings: Settings, store: Store, request_content: Path
) -> None:
    long_ago = datetime(2020, 3, 2, 9, 0, tzinfo=UTC)
    past = RequestService.from_settings(settings, store, clock=lambda: long_ago)
    late = past.submit(User(username="olga"), "Old printer issue", department="it")
    recent = file(client, "New monitor please")
    sign_in_as(client, "ivan")
    html = text_of(client.get("/requests/queue/it"))
    rows = re.findall(r"<tr class=\"([^\"]*)\">.*?#(\d+)</td>", html, flags=re.S)
    assert rows == [("is-overdue", str(late.id)), ("", str(recent))]  # earliest due first
    only = text_of(client.get("/requests/queue/it?overdue=1"))
    assert f"#{late.id}" in only and f"#{recent}</td>" not in only
    assert "Nothing in this queue." in text_of(client.get("/requests/queue/it?status=closed"))
    # A status or flag the queue does not know is refused, never the whole queue.
    odd = client.get("/requests/queue/it?status=odd")
    assert odd.status_code == 400 and f"#{late.id}" not in text_of(odd)
    assert "Status: “odd” is not one of its values; please choose one of open, new," in text_of(odd)
    flag = client.get("/requests/queue/it?overdue=yes&hl=de")
    assert flag.status_code == 400 and f"#{recent}</td>" not in text_of(flag)
    assert "„yes“ ist keiner der möglichen Werte; bitte eines von 0, 1 wählen" in text_of(flag)
    everything = text_of(client.get("/requests/queue/it?overdue=0"))  # the form's "off"
    assert f"#{recent}</td>" in everything and f"#{late.id}</td>" in everything
    assert client.get("/requests/queue/").headers["Location"] == "/requests/queue/it"


def test_the_queue_comes_in_pages_read_from_the_database(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webapp.requests import queue

    monkeypatch.setattr(queue, "QUEUE_PAGE", 2)
    ids = [file(client, f"Monitor flickers, desk {n}") for n in range(3)]
    sign_in_as(client, "ivan")
    html = text_of(client.get("/requests/queue/it"))
    assert re.findall(r"<td data-label=\"No.\">#(\d+)</td>", html) == [str(i) for i in ids[:2]]
    assert "3 requests" in html and "Requests 1 to 2 of 3" in html
    following = re.search(r'<a href="([^"]+)" rel="next">', html)
    assert following is not None and "cursor=" in following[1]
    rest = text_of(client.get(following[1].replace("&amp;", "&")))
    assert re.findall(r"<td data-label=\"No.\">#(\d+)</td>", rest) == [str(ids[2])]
    assert "Requests 3 to 3 of 3" in rest and 'rel="next"' not in rest
    assert "First page" in rest
    assert client.get("/requests/queue/it?cursor=nonsense").status_code == 400


def test_an_admin_chooses_among_all_queues(client: FlaskClient) -> None:
    sign_in_as(client, "ada")
    html = text_of(client.get("/requests/queue/"))
    assert "Human Resources" in html and "IT Service Desk" in html
    assert "Central Service Desk" in html


def test_an_employee_without_a_queue_gets_their_requests_and_the_ask_form(
    client: FlaskClient,
) -> None:
    theirs = file(client, "Printer jams on floor 3")
    sign_in_as(client, "olga")
    send(client, ask_form(client, "Badge does not open the door"))
    sign_in_as(client, "emma")
    response = client.get("/requests/queue/")
    assert response.status_code == 200
    html = text_of(response)
    assert "You do not work any queue." in html
    assert f'<a href="/requests/{theirs}">Printer jams on floor 3</a>' in html
    assert "Badge does not open the door" not in html  # nobody else's requests
    assert 'action="/ask/"' in html and 'name="query"' in html and 'name="csrf_token"' in html
    assert selected(html, "department") == "triage"
    assert not re.search(r'href="/requests/queue/\w', html)  # no department's queue offered
    assert "All my requests" not in html  # all of them are shown
    german = text_of(client.get("/requests/queue/?hl=de"))
    assert "Sie bearbeiten keine Warteschlange." in german and "Meine Anfragen" in german
    assert "Anfrage senden" in german


def test_the_no_queue_page_shows_the_newest_and_links_to_all(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webapp.requests import queue

    monkeypatch.setattr(queue, "NO_QUEUE_MINE", 2)
    ids = [file(client, f"Monitor flickers, desk {n}") for n in range(3)]
    html = text_of(client.get("/requests/queue/"))
    shown = re.findall(r'<th scope="row"[^>]*><a href="/requests/(\d+)">', html)
    assert shown == [str(i) for i in reversed(ids[1:])]  # newest first
    assert '<a href="/requests/">All my requests</a>' in html


def test_the_ask_form_of_the_no_queue_page_files_a_request(client: FlaskClient) -> None:
    sign_in_as(client, "emma")
    html = text_of(client.get("/requests/queue/"))
    filed = send(client, html, query="Where do I order toner?", department="it")
    assert filed.status_code == 303
    request_id = int(filed.headers["Location"].rsplit("/", 1)[1])
    assert "Where do I order toner?" in text_of(client.get(f"/requests/{request_id}"))


@pytest.mark.parametrize("path", ["/requests/queue/it", "/requests/queue/triage"])
def test_an_employee_still_cannot_read_a_queue(client: FlaskClient, path: str) -> None:
    file(client, "Monitor flickers")
    sign_in_as(client, "olga")
    response = client.get(path)
    assert response.status_code == 403
    assert "Monitor flickers" not in text_of(response)
    department = path.rsplit("/", 1)[1]
    assert client.get(f"/api/requests?department={department}").status_code == 403


def test_completing_value_stream_tasks(client: FlaskClient) -> None:
    sign_in_as(client, "emma")
    html = ask_form(client, "Onboarding a new hire", department="hr")
    request_id = int(
        send(client, html, workflow="onboarding").headers["Location"].rsplit("/", 1)[1]
    )
    ivan = sign_in_as(client, "ivan")
    page = text_of(client.get(f"/requests/{request_id}"))
    assert "waits for task 1" in page and "Mark as done" not in page
    assert "Accounts and laptop" in text_of(client.get("/requests/queue/it"))
    refused_page(client, act(client, ivan, request_id, "tasks/2/done"), "tasks")
    hanna = sign_in_as(client, "hanna")
    assert act(client, hanna, request_id, "tasks/1/done").status_code == 303
    ivan = sign_in_as(client, "ivan")
    assert act(client, ivan, request_id, "tasks/2/done").status_code == 303
    sign_in_as(client, "emma")
    page = text_of(client.get(f"/requests/{request_id}"))
    assert "2 of 2 done" in page and "All 2 tasks are done." in page
    # What the product wrote into the history and the answer, in the page's language.
    german = text_of(client.get(f"/requests/{request_id}?hl=de"))
    assert '<p class="resolution-text">Alle 2 Aufgaben sind erledigt.</p>' in german
    assert "Die Arbeit an den Aufgaben hat begonnen." in german
    assert "tasks are done" not in german and "Work on the tasks" not in german


def test_pages_in_german(client: FlaskClient) -> None:
    request_id = file(client)
    html = text_of(client.get(f"/requests/{request_id}?hl=de"))
    assert "Verlauf" in html and "Antwort senden" in html and "Neu" in html
    assert "Ihre Frage" in text_of(client.get("/ask/?q=x&hl=de"))


def test_timestamps_show_in_the_working_time_zone(client: FlaskClient, store: Store) -> None:
    request_id = file(client)
    created = store.get_request(request_id).created
    berlin = format_moment("en", created, ZoneInfo("Europe/Berlin"))
    assert berlin.endswith((" CET", " CEST"))  # the zone is said, not left to guess
    html = text_of(client.get(f"/requests/{request_id}"))
    assert f'<time datetime="{created.isoformat()}">{berlin}</time>' in html
    assert html.count("<time datetime=") >= 3  # filed, due, and the history's first entry
    updated = store.get_request(request_id).updated
    mine = text_of(client.get("/requests/"))
    assert f'<time datetime="{updated.isoformat()}">' in mine and f"{berlin[-4:]}</time>" in mine
    german = text_of(client.get(f"/requests/{request_id}?hl=de"))
    shown = format_moment("de", created, ZoneInfo("Europe/Berlin"))
    assert shown.endswith((" MEZ", " MESZ"))  # as German readers name the zone
    assert f'<time datetime="{created.isoformat()}">{shown}</time>' in german
