"""Watchers are added without being asked: they are told once, every mail they
get carries a link that takes them (and only them) off the request, and the
mails one account's changes send are limited per recipient (`notify_limit`)."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from limits import parse

from kb.errors import ConflictError, PermissionDenied
from kb.notify.config import NotifyConfig
from kb.notify.mail import MailSender
from kb.notify.mail_limit import MailLimit
from kb.notify.notifier import Notifier
from kb.notify.outbox import OutboxMessage
from kb.notify.unwatch_links import unwatch_token
from kb.rate_limits import RateLimited
from kb.requests.service import RequestService
from kb.requests.workflows import WorkflowCatalog
from kb.store.protocols import Store
from tests.kb.notify.test_holder_mail import mails_during
from tests.support import DEPARTMENTS, EMPLOYEE, IT_AGENT, OTHER, Clock, user

KEY = "the site's secret"
OTHER_IT_AGENT = user("carl", ("agent", "it"))
SITE = "https://kb.example.org"


def mail_service(
    store: Store, clock: Clock, workflows: WorkflowCatalog, limit: str | None = None
) -> RequestService:
    config = NotifyConfig(
        queue_addresses={"it": "it@example.org"},
        mail_enabled=True,
        mail_domain="example.org",
        site_url=SITE,
        link_key=KEY,
    )
    return RequestService(
        store,
        departments=DEPARTMENTS,
        workflows=workflows,
        notifier=Notifier(config, clock=clock, language_of=lambda _: "en"),
        language_of=lambda _: "en",
        clock=clock,
        mail_limit=MailLimit(parse(limit), store) if limit else None,
    )


@pytest.fixture
def mailing(store: Store, clock: Clock, workflows: WorkflowCatalog) -> RequestService:
    for person in (EMPLOYEE, OTHER):
        store.add_user(person)
    return mail_service(store, clock, workflows)


def link_in(mail: OutboxMessage) -> tuple[str, dict[str, list[str]]]:
    body = str(mail.payload["text"])
    line = next(x for x in body.splitlines() if "/leave?" in x)
    url = line.split(": ", 1)[1]
    return url, parse_qs(urlsplit(url).query)


def filed(service: RequestService) -> int:
    made = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    assert made.id is not None
    return made.id


def test_someone_added_by_another_is_told_once_with_a_link_for_them(
    mailing: RequestService, store: Store
) -> None:
    request_id = filed(mailing)
    told = mails_during(store, mailing, lambda: mailing.watch(EMPLOYEE, request_id, "otto"))
    assert [m.target for m in told] == ["email:otto@example.org"]
    assert "You were added as a watcher" in str(told[0].payload["subject"])
    url, query = link_in(told[0])
    assert url.startswith(f"{SITE}/requests/{request_id}/leave?")
    assert query == {"user": ["otto"], "token": [unwatch_token(KEY, request_id, "otto")]}
    header = MailSender("127.0.0.1").build(told[0])["List-Unsubscribe"]
    assert header == f"<{url}>"
    # Watching oneself tells nobody; every later mail to a watcher has their link.
    assert mails_during(store, mailing, lambda: mailing.watch(IT_AGENT, request_id)) == []
    replied = mails_during(store, mailing, lambda: mailing.comment(EMPLOYEE, request_id, "Still"))
    links = {m.target: link_in(m)[1]["user"] for m in replied if "leave?" in m.payload["text"]}
    assert links == {"email:otto@example.org": ["otto"], "email:ian@example.org": ["ian"]}
    assert (
        "/leave?"
        not in next(m for m in replied if m.target == "email:it@example.org").payload["text"]
    )


def test_the_link_takes_off_its_recipient_and_nobody_else(mailing: RequestService) -> None:
    request_id, other_id = filed(mailing), filed(mailing)
    for watched in (request_id, other_id):
        mailing.watch(EMPLOYEE, watched, "otto")
        mailing.watch(EMPLOYEE, watched, "ian")
    token = unwatch_token(KEY, request_id, "otto")
    for name, number, sent in (
        ("ian", request_id, token),  # otto's token names otto, not ian
        ("otto", other_id, token),  # and this request, not another
        ("otto", request_id, token[:-2] + "AA"),
        ("otto", request_id, ""),
    ):
        with pytest.raises(PermissionDenied, match="not valid for request"):
            mailing.leave(number, name, sent)
    assert mailing.get(EMPLOYEE, request_id).watchers == ["otto", "ian"]
    assert mailing.leave(request_id, "otto", token) == "left"
    assert mailing.leave(request_id, "otto", token) == "not_watching"  # a second click
    gone = unwatch_token(KEY, request_id, "nobody")
    assert mailing.leave(request_id, "nobody", gone) == "no_account"  # renamed, removed
    assert mailing.get(EMPLOYEE, request_id).watchers == ["ian"]
    assert mailing.get(EMPLOYEE, other_id).watchers == ["otto", "ian"]


def test_a_link_to_a_request_no_longer_visible_says_so(
    mailing: RequestService, store: Store
) -> None:
    """A watch ian made of himself ends with his role: his link then says the
    request is no longer visible to him; where he left already, that he did."""
    listed, left = filed(mailing), filed(mailing)
    for request_id in (listed, left):
        mailing.watch(IT_AGENT, request_id)
    assert mailing.leave(left, "ian", unwatch_token(KEY, left, "ian")) == "left"
    store.update_user(replace(IT_AGENT, grants=[]))  # the role revoked
    assert mailing.leave(listed, "ian", unwatch_token(KEY, listed, "ian")) == "not_visible"
    assert mailing.leave(left, "ian", unwatch_token(KEY, left, "ian")) == "not_watching"
    assert store.get_request(listed).watchers == ["ian"]  # nothing changed
    assert mailing.get(EMPLOYEE, listed).watchers == []  # his watch ended: not listed
    assert mailing.get(EMPLOYEE, left).watchers == []


def test_who_left_a_watch_they_were_given_is_not_added_again(mailing: RequestService) -> None:
    request_id = filed(mailing)
    mailing.watch(EMPLOYEE, request_id, "ian")
    mailing.leave(request_id, "ian", unwatch_token(KEY, request_id, "ian"))
    for adder in (EMPLOYEE, OTHER_IT_AGENT):
        with pytest.raises(ConflictError, match="stopped watching .* themselves"):
            mailing.watch(adder, request_id, "ian")
    assert mailing.watch(IT_AGENT, request_id).watchers == ["ian"]  # they may, themselves


def test_mails_sent_on_ones_behalf_are_limited_per_recipient(
    store: Store, clock: Clock, workflows: WorkflowCatalog
) -> None:
    """25 watchers nobody asked: their notices (25) and one reply to them and the
    queue (26) fit in 60 mails an hour; the next reply would send 26 more."""
    store.add_user(EMPLOYEE)
    for n in range(25):
        store.add_user(user(f"colleague{n}", ("employee", None)))
    service = mail_service(store, clock, workflows, "60 per hour")
    request_id = filed(service)
    for n in range(25):
        service.watch(EMPLOYEE, request_id, f"colleague{n}")
    service.comment(EMPLOYEE, request_id, "Any news?")
    with pytest.raises(RateLimited) as refused:
        service.comment(EMPLOYEE, request_id, "Any news now?")
    assert refused.value.details["limit"] == "notify_limit"
    assert refused.value.details["mails"] == 26 and refused.value.details["sent"] == 51
    assert refused.value.retry_after >= 1
    history = service.history(EMPLOYEE, request_id)
    assert [e.message for e in history if e.kind == "comment"] == ["Any news?"]
    # Another account's mails are its own, and the agents who work the request
    # are not counted at all: a busy queue's answers are the service's work.
    for n in range(4):  # 4 x 26 mails, past the 60
        service.comment(IT_AGENT, request_id, f"Looking into it ({n})")
    # Without the limit the same replies all go out, 26 mails each.
    unlimited = mail_service(store, clock, workflows)
    sent = mails_during(store, unlimited, lambda: unlimited.comment(EMPLOYEE, request_id, "Now?"))
    assert len(sent) == 26  # the 25 and the queue
