"""After a rename, the links to the old id are changed in the articles of the
departments the renamer owns, each as a version of its own saved as the
editor saves (a published article under the four-eyes rule is left as it is:
a save would take it out of search until approved); other departments' articles
are never written, only named to a renamer who may read them; an article
that merely mentions the id is left alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.authoring.errors import ReviewRequiredError
from kb.authoring.moving import move_article
from kb.authoring.records import Action
from kb.authoring.relinking import relink
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.scanner import load_departments
from kb.records import Status
from kb.store.factory import create_store
from tests.kb.authoring.test_service import ADA, CORA, HELGA, owner

HANS = owner("hans", "hr")


def text(title: str, body: str, *, status: str = "published", related: str = "") -> str:
    extra = f"related: [{related}]\n" if related else ""
    return f"---\ntitle: {title}\nstatus: {status}\nlang: en\n{extra}---\n{body}\n"


FILES = {
    "it/vpn.md": text("VPN", "## Connect\n\nOpen the client. See [below](vpn.md#connect)."),
    "it/wifi.md": text("Wi-Fi", "Off site? Use [the VPN](vpn.md#connect).", related="it/vpn.md"),
    "it/notes.md": text(
        "Notes",
        "The page it/vpn.md moved. Write links as `[VPN](vpn.md)`.\n\n```\n[x](vpn.md)\n```",
    ),
    "it/draft.md": text("Draft", "[VPN](/it/vpn.md)", status="draft"),
    "hr/leave.md": text("Leave", "From home: [VPN](../it/vpn.md)."),
    "hr/sick.md": text("Sick", "Call in, or [apply](leave.md)."),
    "hr/plans.md": text("Plans", "Not yet: [leave](leave.md).", status="draft"),
    "finance/claims.md": text("Claims", "Travel", related="it/vpn.md"),
}


@pytest.fixture
def service(tmp_path: Path) -> Iterator[AuthoringService]:
    root = tmp_path / "content"
    for article_id, content in FILES.items():
        (root / article_id).parent.mkdir(parents=True, exist_ok=True)
        (root / article_id).write_text(content, encoding="utf-8")
    (root / "hr" / "_department.yml").write_text("name: HR\nreview_required: true\n")
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    yield AuthoringService(root, version_store(store), lambda: load_departments(root))
    store.close()


def read(service: AuthoringService, article_id: str) -> str:
    return (service.root / article_id).read_text(encoding="utf-8")


def test_links_in_the_renamers_department_name_the_new_id_as_versions_of_their_own(
    service: AuthoringService,
) -> None:
    move_article(service, CORA, "it/vpn.md", "vpn-guide", base_version=1)
    before = read(service, "it/wifi.md")

    done = relink(service, CORA, "it/vpn.md", "it/vpn-guide.md", may_read=lambda _: True)

    assert {(r.article_id, r.status) for r in done.updated} == {
        ("it/wifi.md", Status.PUBLISHED),
        ("it/draft.md", Status.DRAFT),
        ("it/vpn-guide.md", Status.PUBLISHED),  # its link to its own section
    }
    wifi = service.versions.versions("it/wifi.md")
    assert [v.text for v in wifi] == [before, read(service, "it/wifi.md")]
    assert (wifi[-1].author, wifi[-1].action, wifi[-1].message) == (
        "cora",
        Action.SAVE,
        "links to it/vpn.md now name it/vpn-guide.md",
    )
    assert "[the VPN](vpn-guide.md#connect)" in read(service, "it/wifi.md")
    assert "related: [it/vpn-guide.md]" in read(service, "it/wifi.md")
    assert "[VPN](/it/vpn-guide.md)" in read(service, "it/draft.md")
    assert "[below](vpn-guide.md#connect)" in read(service, "it/vpn-guide.md")
    # Other departments' articles are named, never written.
    assert done.elsewhere == ("finance/claims.md", "hr/leave.md")
    assert read(service, "hr/leave.md") == FILES["hr/leave.md"]
    assert read(service, "finance/claims.md") == FILES["finance/claims.md"]
    assert service.versions.latest("hr/leave.md") is None
    assert done.failed == ()


def test_an_article_that_only_mentions_the_id_is_not_changed(service: AuthoringService) -> None:
    move_article(service, CORA, "it/vpn.md", "vpn-guide", base_version=1)
    done = relink(service, CORA, "it/vpn.md", "it/vpn-guide.md", may_read=lambda _: True)
    assert "it/notes.md" not in {r.article_id for r in done.updated}
    assert read(service, "it/notes.md") == FILES["it/notes.md"]
    assert service.versions.latest("it/notes.md") is None


def test_other_departments_are_named_only_to_a_renamer_who_may_read_them(
    service: AuthoringService,
) -> None:
    move_article(service, CORA, "it/vpn.md", "vpn-guide", base_version=1)
    done = relink(
        service, CORA, "it/vpn.md", "it/vpn-guide.md", may_read=lambda aid: aid != "hr/leave.md"
    )
    assert done.elsewhere == ("finance/claims.md",)


def test_under_the_four_eyes_rule_a_published_article_is_left_in_search(
    service: AuthoringService,
) -> None:
    """Saved, HR's published article would wait for another owner, out of search
    meanwhile, for a link its readers follow through the redirect anyway: it is
    named as held and left as it is; HR's draft is changed and stays a draft."""
    move_article(service, HELGA, "hr/leave.md", "annual-leave", base_version=1)

    done = relink(service, HELGA, "hr/leave.md", "hr/annual-leave.md", may_read=lambda _: True)

    assert {(r.article_id, r.status) for r in done.updated} == {("hr/plans.md", Status.DRAFT)}
    assert done.held == ("hr/sick.md",)
    assert read(service, "hr/sick.md") == FILES["hr/sick.md"]
    assert service.versions.latest("hr/sick.md") is None
    assert "[leave](annual-leave.md)" in read(service, "hr/plans.md")


def test_an_article_already_in_review_is_changed_and_stays_in_review(
    service: AuthoringService,
) -> None:
    (service.root / "hr" / "sick.md").write_text(
        text("Sick", "Call in, or [apply](leave.md).", status="review"), encoding="utf-8"
    )
    move_article(service, HELGA, "hr/leave.md", "annual-leave", base_version=1)

    done = relink(service, HELGA, "hr/leave.md", "hr/annual-leave.md", may_read=lambda _: True)

    assert ("hr/sick.md", Status.REVIEW) in {(r.article_id, r.status) for r in done.updated}
    assert done.held == ()
    sick = service.versions.latest("hr/sick.md")
    assert sick is not None and "status: review" in sick.text
    # Still never published by the one who changed it: another owner approves it.
    with pytest.raises(ReviewRequiredError):
        service.set_status(HELGA, "hr/sick.md", Status.PUBLISHED, base_version=sick.number)
    approved = service.set_status(HANS, "hr/sick.md", Status.PUBLISHED, base_version=sick.number)
    assert approved.status is Status.PUBLISHED
    assert "[apply](annual-leave.md)" in read(service, "hr/sick.md")


def test_an_admin_changes_the_links_of_every_department(service: AuthoringService) -> None:
    move_article(service, ADA, "it/vpn.md", "vpn-guide", base_version=1)
    done = relink(service, ADA, "it/vpn.md", "it/vpn-guide.md", may_read=lambda _: True)
    changed = {r.article_id: r.status for r in done.updated}
    assert changed["finance/claims.md"] is Status.PUBLISHED
    assert "hr/leave.md" not in changed  # HR's rule holds for admins too
    assert done.held == ("hr/leave.md",)
    assert done.elsewhere == ()


def test_an_article_that_cannot_be_saved_is_named_with_why_and_the_rest_go_on(
    service: AuthoringService,
) -> None:
    (service.root / "it" / "broken.md").write_text(
        "---\ntitle: [unclosed\n---\n[VPN](vpn.md)\n", encoding="utf-8"
    )
    move_article(service, CORA, "it/vpn.md", "vpn-guide", base_version=1)
    done = relink(service, CORA, "it/vpn.md", "it/vpn-guide.md", may_read=lambda _: True)
    assert [f.article_id for f in done.failed] == ["it/broken.md"]
    assert "it/wifi.md" in {r.article_id for r in done.updated}
    assert read(service, "it/broken.md").endswith("[VPN](vpn.md)\n")
