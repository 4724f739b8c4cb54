"""A draft written from a request waits for the content owners of its
department, who alone may open and publish it: they are told by e-mail (in
their language), never the one who wrote it, and only while they still own
the department's content when the mail is sent."""

from __future__ import annotations

from pathlib import Path

from kb.accounts.records import Grant, Role, User
from kb.notify.outbox import READER
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.kb.notify.test_holder_mail import mails_during
from tests.support import EMPLOYEE, IT_AGENT, IT_OWNER, user

GERMAN_OWNER = User(
    username="gerda", grants=[Grant(role=Role.CONTENT_OWNER, department="it")], language="de"
)
HR_OWNER = user("henni", ("content_owner", "hr"))


def resolved(service: RequestService) -> int:
    request = service.submit(EMPLOYEE, "How do I connect to the VPN from a hotel?", department="it")
    assert request.id is not None
    service.resolve(IT_AGENT, request.id, "Switch the VPN client to TCP port 443.")
    return request.id


def test_the_content_owners_are_told_of_a_draft_they_are_to_publish(
    service: RequestService, store: Store, tmp_path: Path
) -> None:
    for person in (IT_OWNER, GERMAN_OWNER, HR_OWNER):
        store.add_user(person)
    (tmp_path / "it").mkdir()
    request_id = resolved(service)
    mails = mails_during(
        store, service, lambda: service.draft_article(IT_AGENT, request_id, tmp_path)
    )
    by_address = {m.target: m.payload for m in mails}
    assert set(by_address) == {"email:olga@example.org", "email:gerda@example.org"}
    english = by_address["email:olga@example.org"]
    draft = store.get_request(request_id).linked_articles[0]
    assert english["subject"].startswith(f"[Request #{request_id}] Draft article to publish")
    assert (
        f"ian turned this request into the draft article {draft} of IT Services" in english["text"]
    )
    assert "As a content owner of IT Services" in english["text"]
    assert english[READER] == "olga"  # not sent once they own the content no longer
    german = by_address["email:gerda@example.org"]
    assert german["subject"].startswith(
        f"[Anfrage #{request_id}] Artikelentwurf zu veröffentlichen"
    )
    assert f"den Artikelentwurf {draft} der Abteilung IT Services" in german["text"]


def test_a_content_owner_who_drafts_it_is_not_told_of_their_own_draft(
    service: RequestService, store: Store, tmp_path: Path
) -> None:
    for person in (IT_OWNER, GERMAN_OWNER):
        store.add_user(person)
    (tmp_path / "it").mkdir()
    request_id = resolved(service)
    mails = mails_during(
        store, service, lambda: service.draft_article(IT_OWNER, request_id, tmp_path)
    )
    assert [m.target for m in mails] == ["email:gerda@example.org"]
    # Asked again, the draft is there: nobody is told twice.
    again = mails_during(
        store, service, lambda: service.draft_article(IT_AGENT, request_id, tmp_path)
    )
    assert again == []
