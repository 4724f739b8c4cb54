"""What an agent's request page says of who heard of a draft (`draft_owners`),
read from the history entries that wrote and relinked it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kb.notify.config import NotifyConfig
from kb.requests.records import RequestEntry
from webapp.requests.presenters import draft_owners

MAIL_ON = NotifyConfig(mail_enabled=True, mail_domain="example.org")


def drafted(actor: str, article: str, **data: Any) -> RequestEntry:
    return RequestEntry(
        request_id=1,
        ts=datetime(2026, 12, 6, tzinfo=UTC),
        actor=actor,
        kind="article",
        message=f"Draft article {article}",
        data={"article": article, "status": "draft", **data},
        visible_to_requester=False,
    )


def test_the_owners_told_by_e_mail_are_those_besides_who_wrote_it() -> None:
    assert draft_owners([drafted("ian", "it/a.md", owners=["cora"])], MAIL_ON) == {
        "it/a.md": "told"
    }
    # Its only owner wrote it: nobody else was told.
    assert draft_owners([drafted("cora", "it/a.md", owners=["cora"])], MAIL_ON) == {
        "it/a.md": "untold"
    }
    off = NotifyConfig(mail_enabled=False, mail_domain="example.org")
    assert draft_owners([drafted("ian", "it/a.md", owners=["cora"])], off) == {"it/a.md": "untold"}
    assert draft_owners([drafted("ian", "it/a.md", owners=[])], MAIL_ON) == {"it/a.md": "none"}
    # Drafted before entries named the owners: nothing is said of them.
    assert draft_owners([drafted("ian", "it/a.md")], MAIL_ON) == {}


def test_a_draft_relinked_under_its_new_name_keeps_what_its_owners_heard() -> None:
    history = [
        drafted("ian", "it/a.md", owners=["cora"]),
        drafted("ian", "it/b.md", renamed_from="it/a.md"),
    ]
    assert draft_owners(history, MAIL_ON) == {"it/b.md": "told"}
