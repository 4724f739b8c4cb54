"""From answer to article: drafts from resolved requests."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from kb.accounts.records import User
from kb.content.markdown_article import parse_article
from kb.content.outline import under_title
from kb.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from kb.records import Status
from kb.requests import articles, drafting
from kb.requests.drafting import slugify
from kb.requests.service import RequestService
from tests.support import EMPLOYEE, HR_AGENT, IT_AGENT, IT_OWNER, OTHER


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    (root / "hr").mkdir()
    return root


@pytest.fixture
def resolved(service: RequestService) -> int:
    request = service.submit(
        EMPLOYEE,
        "How do I connect to the VPN from a hotel?",
        "The hotel Wi-Fi blocks it.",
        department="it",
    )
    assert request.id is not None
    service.resolve(
        IT_AGENT, request.id, "Switch the VPN client to TCP port 443. Hotel networks block UDP."
    )
    return request.id


def test_draft_from_a_resolved_request(
    service: RequestService, content: Path, resolved: int
) -> None:
    path = service.draft_article(IT_AGENT, resolved, content)
    assert path == content / "it" / "how-to-connect-to-the-vpn-from-a-hotel.md"
    article, warnings = parse_article(path.read_bytes(), "it/" + path.name)
    assert warnings == []
    assert article.status is Status.DRAFT
    assert article.title == "How to connect to the VPN from a hotel"
    assert article.summary == "Switch the VPN client to TCP port 443."
    assert article.owner == "IT Services (it@example.org)"
    assert article.extra["source_request"] == resolved
    # The requester's own words (the details) never reach the article.
    assert "The hotel Wi-Fi blocks it." not in article.body_markdown
    # The question as context, then the answer, once.
    assert article.body_markdown.strip() == (
        "**Question:** How do I connect to the VPN from a hotel?\n\n"
        "**Answer:** Switch the VPN client to TCP port 443. Hotel networks block UDP."
    )
    assert article.tags == ("VPN", "hotel")  # not the verb "connect"
    request = service.get(IT_AGENT, resolved)
    assert request.linked_articles == [f"it/{path.name}"]
    entry = service.history(IT_AGENT, resolved)[-1]
    assert (entry.kind, entry.data) == (
        "article",
        {"article": f"it/{path.name}", "status": "draft", "owners": []},  # IT has none here
    )


def test_a_draft_does_not_say_its_title_twice(
    service: RequestService, content: Path, resolved: int
) -> None:
    # The title is the page's heading; a heading repeating it in the text
    # would show the title twice on the published article.
    path = service.draft_article(IT_AGENT, resolved, content)
    article, _ = parse_article(path.read_bytes(), "it/" + path.name)
    page = under_title(article.body_html, article.title)
    assert article.title not in page
    assert page.lstrip().startswith(
        "<p><strong>Question:</strong> How do I connect to the VPN from a hotel?</p>"
    )


def test_drafts_never_overwrite(service: RequestService, content: Path, resolved: int) -> None:
    existing = content / "it" / "how-to-connect-to-the-vpn-from-a-hotel.md"
    existing.write_text("---\ntitle: Mine\n---\nKeep me.\n", encoding="utf-8")
    second = service.draft_article(IT_OWNER, resolved, content)
    assert second.name == "how-to-connect-to-the-vpn-from-a-hotel-2.md"
    assert existing.read_text(encoding="utf-8").endswith("Keep me.\n")
    assert len(service.get(IT_AGENT, resolved).linked_articles) == 1


def test_drafting_again_answers_with_the_unpublished_draft(
    service: RequestService, content: Path, resolved: int
) -> None:
    """Each click on "Turn into an article" wrote another draft (-2, -3, …) of
    the same answer; while the request's draft is unpublished, it is the answer."""
    first = service.draft_article(IT_AGENT, resolved, content)
    assert service.existing_draft(IT_AGENT, resolved, content) == "it/" + first.name
    assert service.draft_article(IT_OWNER, resolved, content) == first
    assert list((content / "it").iterdir()) == [first]
    assert service.get(IT_AGENT, resolved).linked_articles == ["it/" + first.name]
    drafted = [e for e in service.history(IT_AGENT, resolved) if e.kind == "article"]
    assert len(drafted) == 1
    first.write_text(first.read_text().replace("status: draft", "status: published"))
    assert service.existing_draft(IT_AGENT, resolved, content) is None
    assert service.draft_article(IT_AGENT, resolved, content) != first  # a new version


def test_drafting_twice_at_once_writes_one_draft(
    service: RequestService, content: Path, resolved: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two clicks that arrive together both found no draft yet and both wrote
    one; the check and the write now sit under the content root's edit lock."""
    slow_write = drafting.write_draft

    def write_slowly(*args: Any) -> str:
        time.sleep(0.3)  # widen the window between the check and the write
        return slow_write(*args)

    monkeypatch.setattr(articles, "write_draft", write_slowly)
    start = threading.Barrier(2)
    paths: list[Path] = []

    def click(actor: User) -> None:
        start.wait()
        paths.append(service.draft_article(actor, resolved, content))

    clicks = [threading.Thread(target=click, args=(a,)) for a in (IT_AGENT, IT_OWNER)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert len(paths) == 2 and paths[0] == paths[1]
    assert list((content / "it").iterdir()) == [paths[0]]
    assert service.get(IT_AGENT, resolved).linked_articles == ["it/" + paths[0].name]


def test_an_answer_given_by_e_mail_drafts_the_agents_replies(
    service: RequestService, content: Path
) -> None:
    """A request resolved with "Answered by e-mail with the details." gave a draft
    saying just that. The draft now holds the agents' public replies (not the
    requester's words, nor internal notes); with none, no draft is written."""
    request = service.submit(EMPLOYEE, "How do I connect to the VPN from a hotel?", department="it")
    assert request.id is not None
    service.comment(EMPLOYEE, request.id, "My hotel Wi-Fi blocks it, room 312.")
    service.comment(IT_AGENT, request.id, "Known problem with that hotel chain.", False)
    service.comment(
        IT_AGENT,
        request.id,
        "Hotel networks often block UDP. Switch the VPN client to TCP port 443.",
    )
    service.resolve(IT_AGENT, request.id, "Answered by e-mail with the details.")
    path = service.draft_article(IT_AGENT, request.id, content)
    article, _ = parse_article(path.read_bytes(), "it/" + path.name)
    assert article.title == "How to connect to the VPN from a hotel"
    assert article.body_markdown.strip() == (
        "**Question:** How do I connect to the VPN from a hotel?\n\n"
        "**Answer:** Hotel networks often block UDP. Switch the VPN client to TCP port 443."
    )
    assert article.summary == "Hotel networks often block UDP."

    bare = service.submit(EMPLOYEE, "Where is the parking garage?", department="it")
    assert bare.id is not None
    service.resolve(IT_AGENT, bare.id, "Answered by e-mail with the details.")
    with pytest.raises(ConflictError, match="answer was given elsewhere") as refused:
        service.draft_article(IT_AGENT, bare.id, content)
    assert refused.value.key == "draft_answered_elsewhere"
    assert list((content / "it").iterdir()) == [path]
    assert service.get(IT_AGENT, bare.id).linked_articles == []


def test_drafts_need_a_resolution_and_the_right_role(
    service: RequestService, content: Path
) -> None:
    request = service.submit(EMPLOYEE, "Printer offline", department="it")
    assert request.id is not None
    with pytest.raises(ConflictError, match="has no resolution yet; resolve it first"):
        service.draft_article(IT_AGENT, request.id, content)
    service.resolve(IT_AGENT, request.id, "Power-cycled it.")
    with pytest.raises(NotFoundError, match="no request with id"):
        service.draft_article(HR_AGENT, request.id, content)
    with pytest.raises(PermissionDenied, match="may not turn request 1 into an article"):
        service.draft_article(EMPLOYEE, request.id, content)
    (content / "it").rmdir()
    with pytest.raises(ValidationError, match="it has no folder in"):
        service.draft_article(IT_AGENT, request.id, content)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Wie beantrage ich Sonderurlaub für die Hochzeit?", "wie-beantrage-ich-sonderurlaub-fuer-die-hochzeit"),
        ("Straße & Café: déjà vu!", "strasse-cafe-deja-vu"),
        ("???", "article"),
        ("a" * 80, "a" * 60),
    ],
)  # fmt: skip
def test_slugs(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_a_draft_keeps_no_personal_detail_of_the_request(
    service: RequestService, content: Path
) -> None:
    (content / "hr" / "pay.md").write_text(
        "---\ntitle: Pay\ntags: [salary, recruiting, referral, bonus, payroll]\n---\nMonthly.\n",
        encoding="utf-8",
    )
    request = service.submit(
        EMPLOYEE,
        "Can my friend Jonas Weber get me a referral bonus? Call +49 170 5551234",
        "My friend applied for the CAD engineer role. I am on sick leave, write to "
        "emma.private@example.com or call 0170 5551234.",
        department="hr",
    )
    assert request.id is not None
    service.resolve(
        HR_AGENT,
        request.id,
        "Hi Emma, yes. Referral bonuses are paid for recruiting when the person you "
        "recommended is hired and stays six months. Jonas Weber should name you in his "
        "application. Your friend can apply on the careers page. Reach me at "
        "hanna@example.com or +49 40 1234 5601. Best regards, Hanna",
    )
    path = service.draft_article(HR_AGENT, request.id, content)
    text = path.read_text(encoding="utf-8")
    article, warnings = parse_article(path.read_bytes(), f"hr/{path.name}")
    for detail in (
        "Jonas", "Weber", "Emma", "emma", "Hanna", "hanna@", "example.com", "5551234", "1234 5601",
        "CAD engineer", "sick leave", "friend", "Call", "?",
    ):  # fmt: skip
        assert detail not in text, detail
    assert article.title == "Getting a referral bonus"
    assert path.name == "getting-a-referral-bonus.md"  # no name in the file's either
    assert article.summary == (
        "Referral bonuses are paid for recruiting when the person you recommended is hired "
        "and stays six months."
    )
    # From the question's topic, not the answer's "recruiting"; no name, no phone.
    assert article.tags == ("referral", "bonus")
    assert "Referral bonuses are paid" in article.body_markdown


def test_a_draft_reached_through_a_linked_folder_is_not_read(
    service: RequestService, content: Path, resolved: int, tmp_path: Path
) -> None:
    """The request side read its articles by path, following a link put in place
    of a folder out of the content folder; it reads them as the editor does."""
    first = service.draft_article(IT_AGENT, resolved, content)
    outside = tmp_path / "elsewhere"
    (content / "it").rename(outside)
    (content / "it").symlink_to(outside, target_is_directory=True)
    assert (content / "it" / first.name).is_file()  # by path, the link leads to it
    assert service.existing_draft(IT_AGENT, resolved, content) is None
    with pytest.raises(ValidationError, match="symbolic link"):
        drafting.read_article_file(content, "it/" + first.name)


def test_a_draft_is_never_written_through_a_linked_folder(
    service: RequestService, content: Path, resolved: int, tmp_path: Path
) -> None:
    """The draft was written by path: a link put in place of the department's
    folder (by someone with access to the content folder's disk) was followed,
    and the draft landed outside the content folder. It is written as the
    editor writes: no folder on the way may be a link, nothing is written."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (content / "it").rmdir()
    (content / "it").symlink_to(outside, target_is_directory=True)
    with pytest.raises((ValidationError, NotFoundError)):
        service.draft_article(IT_AGENT, resolved, content)
    assert list(outside.iterdir()) == []
    assert service.get(IT_AGENT, resolved).linked_articles == []


def test_a_merged_requester_s_reply_never_reaches_a_draft_after_they_stop_watching(
    service: RequestService, content: Path
) -> None:
    """The requester of a duplicate merged in replies on the request as a watcher;
    once they stop watching, their reply (their own circumstances) is still not
    an agent's answer, and stays out of the draft."""
    request = service.submit(EMPLOYEE, "How do I connect to the VPN from a hotel?", department="it")
    duplicate = service.submit(OTHER, "VPN from my hotel does not work", department="it")
    assert request.id is not None and duplicate.id is not None
    service.merge(IT_AGENT, duplicate.id, request.id)
    service.comment(OTHER, request.id, "Otto here, mobile 0171 5550123, staying at room 14.")
    service.unwatch(OTHER, request.id)
    service.comment(IT_AGENT, request.id, "Switch the VPN client to TCP port 443.")
    service.resolve(IT_AGENT, request.id, "Answered by e-mail with the details.")
    path = service.draft_article(IT_AGENT, request.id, content)
    text = path.read_text(encoding="utf-8")
    assert "Switch the VPN client to TCP port 443." in text
    assert "0171" not in text and "room 14" not in text
    assert drafting.public_replies(
        service.get(IT_AGENT, request.id), service.ledger.store.entries(request.id)
    ) == ["Switch the VPN client to TCP port 443."]


def test_a_phrase_the_departments_articles_write_stays_in_the_draft(
    service: RequestService, content: Path
) -> None:
    """ "Building North" read as a person's name left the draft's title; the
    department's own articles write it, so it is no one's name."""
    (content / "it" / "wifi.md").write_text(
        "---\ntitle: Wi-Fi\n---\nThe guest Wi-Fi of Building North is kb-guest.\n",
        encoding="utf-8",
    )
    request = service.submit(EMPLOYEE, "Where can I print in Building North?", "", department="it")
    assert request.id is not None
    service.resolve(IT_AGENT, request.id, "Use the printer next to the kitchen on floor 2.")
    path = service.draft_article(IT_AGENT, request.id, content)
    article, _ = parse_article(path.read_bytes(), "it/" + path.name)
    assert article.title == "Where to print in Building North"
    assert article.tags == ("Building", "North")
