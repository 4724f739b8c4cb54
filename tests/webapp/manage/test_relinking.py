"""A rename from the editor or the API changes the links to the old name in
the renamer's departments and says which articles it changed and which, in
other departments, still link to the old name; those keep working for their
readers (the body's link, the related list) and content health tells their
owners where the article went."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kb.content.markdown_article import parse_article
from kb.errors import ContentError
from kb.insights.content import Finding
from kb.records import Article
from tests.support import FakeEngine, sign_in_as, text_of
from webapp.insights.views import finding_detail

WIFI = """---
title: Wi-Fi
status: published
lang: en
related: [it/vpn-setup.md]
---
Off site? Use [the VPN](vpn-setup.md#connect).
"""

NOTES = """---
title: Notes
status: published
lang: en
---
The page it/vpn-setup.md was renamed; links look like `[VPN](vpn-setup.md)`.
"""

REMOTE = """---
title: Working from home
status: published
lang: en
related: [it/vpn-setup.md]
---
Connect through the [VPN](../it/vpn-setup.md) first.
"""


class FolderEngine(FakeEngine):
    """The index as it would be: every published article of the content folder."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def article(self, article_id: str) -> Article | None:
        path = self.root / article_id
        if not article_id.endswith(".md") or not path.is_file():
            return None
        try:
            found, _ = parse_article(path.read_bytes(), article_id)
        except ContentError:
            return None
        return found if found.is_searchable else None

    def titles(self) -> dict[str, str]:
        ids = (p.relative_to(self.root).as_posix() for p in self.root.rglob("*.md"))
        found = (self.article(article_id) for article_id in ids)
        return {a.id: a.title for a in found if a is not None}


@pytest.fixture
def engine(content: Path) -> FakeEngine:
    (content / "it" / "wifi.md").write_text(WIFI, encoding="utf-8")
    (content / "it" / "notes.md").write_text(NOTES, encoding="utf-8")
    (content / "hr" / "remote.md").write_text(REMOTE, encoding="utf-8")
    return FolderEngine(content)


def rename(client: FlaskClient, who: str = "cora", lang: str = "en") -> str:
    """it/vpn-setup.md renamed to it/vpn-from-home.md; the page it leads to."""
    token = sign_in_as(client, who)
    done = client.post(
        f"/manage/move/it/vpn-setup.md?hl={lang}",
        data={"csrf_token": token, "version": "1", "slug": "vpn-from-home"},
    )
    assert done.status_code == 303, text_of(done)
    return text_of(client.get(done.location))


@pytest.mark.parametrize(
    ("lang", "changed", "elsewhere"),
    [
        ("en", "Links changed to the new name in: it/wifi.md.", "Still linking to the old name"),
        ("de", "Links auf den neuen Namen geändert in: it/wifi.md.", "Verlinken noch den alten"),
    ],
)
def test_a_rename_changes_its_departments_links_and_names_the_others(
    client: FlaskClient, content: Path, lang: str, changed: str, elsewhere: str
) -> None:
    said = rename(client, lang=lang)
    assert changed in said
    assert elsewhere in said and "hr/remote.md" in said
    wifi = (content / "it" / "wifi.md").read_text(encoding="utf-8")
    assert (
        "[the VPN](vpn-from-home.md#connect)" in wifi and "related: [it/vpn-from-home.md]" in wifi
    )
    assert (content / "it" / "notes.md").read_text(encoding="utf-8") == NOTES
    assert (content / "hr" / "remote.md").read_text(encoding="utf-8") == REMOTE
    history = client.get("/api/articles/it/wifi.md/versions").get_json()["versions"]
    assert (history[0]["author"], history[0]["message"]) == (
        "cora",
        "links to it/vpn-setup.md now name it/vpn-from-home.md",
    )
    page = text_of(client.get(f"/manage/history/it/wifi.md?hl={lang}"))
    assert ("Links auf" if lang == "de" else "links to") + " it/vpn-setup.md" in page


def test_the_api_answers_which_links_it_changed_and_which_still_name_the_old_id(
    client: FlaskClient,
) -> None:
    token = sign_in_as(client, "cora")
    done = client.post(
        "/api/articles/it/vpn-setup.md/move",
        json={"name": "vpn-from-home"},
        headers={"X-CSRF-Token": token, "If-Match": '"1"'},
    )
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["id"] == "it/vpn-from-home.md" and done.headers["ETag"] == '"2"'
    assert body["links"] == {
        "updated": [{"id": "it/wifi.md", "version": 2, "status": "published"}],
        "failed": [],
        "elsewhere": ["hr/remote.md"],
        "held": [],
    }


def test_an_hr_owner_renaming_leaves_hr_published_articles_in_search(
    client: FlaskClient, content: Path
) -> None:
    """HR works under the four-eyes rule: a changed published article would wait
    for another HR owner, out of search meanwhile, so it is left as it is and
    named as held; IT's article that links to HR's is never written by HR's owner."""
    sick = REMOTE.replace("../it/vpn-setup.md", "annual-leave.md")
    (content / "hr" / "sick.md").write_text(sick, encoding="utf-8")
    (content / "it" / "travel.md").write_text(
        WIFI.replace("vpn-setup.md#connect", "../hr/annual-leave.md"), encoding="utf-8"
    )
    token = sign_in_as(client, "helga")
    done = client.post(
        "/api/articles/hr/annual-leave.md/move",
        json={"name": "leave"},
        headers={"X-CSRF-Token": token, "If-Match": '"1"'},
    )
    assert done.status_code == 200, done.get_json()
    links = done.get_json()["links"]
    assert (links["updated"], links["held"]) == ([], ["hr/sick.md"])
    assert links["elsewhere"] == ["it/travel.md"]
    assert (content / "hr" / "sick.md").read_text(encoding="utf-8") == sick
    assert "../hr/annual-leave.md" in (content / "it" / "travel.md").read_text(encoding="utf-8")
    assert client.get("/api/articles/hr/sick.md").get_json()["status"] == "published"


@pytest.mark.parametrize(
    ("lang", "held"),
    [
        ("en", "Left as they are under the four-eyes rule"),
        ("de", "Nach dem Vier-Augen-Prinzip unverändert gelassen"),
    ],
)
def test_the_rename_page_says_which_articles_were_held(
    client: FlaskClient, content: Path, lang: str, held: str
) -> None:
    (content / "hr" / "sick.md").write_text(
        REMOTE.replace("../it/vpn-setup.md", "annual-leave.md"), encoding="utf-8"
    )
    token = sign_in_as(client, "helga")
    done = client.post(
        f"/manage/move/hr/annual-leave.md?hl={lang}",
        data={"csrf_token": token, "version": "1", "slug": "leave"},
    )
    assert done.status_code == 303, text_of(done)
    said = text_of(client.get(done.location))
    assert held in said and "hr/sick.md" in said, said


def test_links_from_other_departments_lead_readers_to_the_new_address(
    client: FlaskClient,
) -> None:
    rename(client)
    sign_in_as(client, "emma")
    page = client.get("/articles/hr/remote.md")
    html = text_of(page)
    assert page.status_code == 200
    assert 'href="/articles/it/vpn-setup.md"' in html  # the link as written, which leads on
    assert '<a href="/articles/it/vpn-from-home.md">VPN setup</a>' in html  # related, listed new
    followed = client.get("/articles/it/vpn-setup.md")
    assert followed.status_code == 302 and followed.location.endswith(
        "/articles/it/vpn-from-home.md"
    )
    api = client.get("/api/articles/hr/remote.md").get_json()
    assert api["related"] == [{"id": "it/vpn-from-home.md", "title": "VPN setup"}]


def test_a_reader_who_may_not_read_the_new_address_is_led_nowhere(
    client: FlaskClient, content: Path
) -> None:
    restricted = (content / "it" / "vpn-setup.md").read_text(encoding="utf-8")
    restricted = restricted.replace("lang: en", "lang: en\naudience: [it-staff]")
    (content / "it" / "vpn-setup.md").write_text(restricted, encoding="utf-8")
    rename(client)
    sign_in_as(client, "emma")
    assert client.get("/articles/it/vpn-setup.md").status_code == 404
    assert client.get("/api/articles/hr/remote.md").get_json()["related"] == []


def test_content_health_tells_the_other_departments_owners_where_it_went(
    client: FlaskClient,
) -> None:
    rename(client)
    sign_in_as(client, "helga")
    found = client.get("/api/insights/content?department=hr").get_json()["findings"]
    moved = [f for f in found if f["article"] == "hr/remote.md" and "target" in f]
    assert moved == [
        {
            "article": "hr/remote.md",
            "title": "Working from home",
            "department": "hr",
            "kind": "moved_link",
            "target": "it/vpn-setup.md",
            "moved_to": "it/vpn-from-home.md",
        }
    ]
    page = text_of(client.get("/insights/content?department=hr&hl=en"))
    assert "Links to a renamed article" in page
    assert "which was renamed: its new address is it/vpn-from-home.md" in page


def test_the_editor_of_a_linking_article_names_the_new_id_of_a_related_one(
    client: FlaskClient,
) -> None:
    rename(client)
    sign_in_as(client, "helga")
    for lang, said in (
        ("en", "Renamed since: it/vpn-setup.md → it/vpn-from-home.md."),
        ("de", "Seitdem umbenannt: it/vpn-setup.md → it/vpn-from-home.md."),
    ):
        page = text_of(client.get(f"/manage/edit/hr/remote.md?hl={lang}"))
        assert said in page
        assert 'id="e-related-unlisted"' not in page  # the page does list it
        assert 'aria-describedby="e-related-hint e-related-renamed"' in page


def test_the_editor_warns_of_a_body_link_to_the_old_id_as_of_a_related_one(
    client: FlaskClient,
) -> None:
    """The editor named a renamed `related:` entry but said nothing of the same
    id in a link of the text; a link written in code is no link to warn of."""
    rename(client)
    token = sign_in_as(client, "helga")
    for lang, said in (
        ("en", "Renamed since: it/vpn-setup.md → it/vpn-from-home.md. These links lead on"),
        ("de", "Seitdem umbenannt: it/vpn-setup.md → it/vpn-from-home.md. Diese Links führen"),
    ):
        page = text_of(client.get(f"/manage/edit/hr/remote.md?hl={lang}"))
        assert 'id="e-body-links"' in page and said in page

    def warning(body: str) -> str:
        answer = client.post(
            "/api/preview?hl=en",
            json={"body": body, "id": "hr/remote.md"},
            headers={"X-CSRF-Token": token},
        )
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return str(answer.get_json()["link_warning"])

    assert warning("Use the [VPN](../it/vpn-setup.md#connect).").startswith("Renamed since:")
    assert warning("Write `[VPN](../it/vpn-setup.md)` to link it.") == ""
    assert warning("Use the [VPN](../it/vpn-from-home.md).") == ""


def test_a_restricted_link_to_the_old_id_says_where_it_leads(client: FlaskClient) -> None:
    detail = {
        "target": "it/old.md",
        "moved_to": "it/new.md",
        "audience": ["it"],
        "missing_audience": ["everyone"],
    }
    finding = Finding("hr/a.md", "hr", "restricted_link", detail)
    for lang, said in (("en", "renamed since to it/new.md"), ("de", "umbenannt in it/new.md")):
        with client.application.test_request_context(f"/?hl={lang}"):
            assert said in finding_detail(finding)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "The links in it/wifi.md were not changed"),
        ("de", "Die Links in it/wifi.md wurden nicht geändert"),
    ],
)
def test_an_unexpected_error_while_relinking_leaves_the_rename_done_and_says_so(
    client: FlaskClient,
    content: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    lang: str,
    said: str,
) -> None:
    """The writer of article saves fails for it/wifi.md with an error nothing
    foresaw (a disk controller's fault): the rename, done before, answers 200,
    naming the article in `failed` with the kind of error and no server path;
    the log has the error."""
    from kb.authoring import service as authoring_service

    real = authoring_service.write_article

    def failing(root: Path, article_id: str, *args: object, **kwargs: object) -> None:
        if article_id == "it/wifi.md":
            raise RuntimeError(f"I/O fault on {root}/{article_id}")
        real(root, article_id, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(authoring_service, "write_article", failing)
    token = sign_in_as(client, "cora")
    done = client.post(
        f"/api/articles/it/vpn-setup.md/move?hl={lang}",
        json={"name": "vpn-from-home"},
        headers={"X-CSRF-Token": token, "If-Match": '"1"'},
    )
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["id"] == "it/vpn-from-home.md"
    [failed] = body["links"]["failed"]
    assert (failed["id"], failed["error"]) == ("it/wifi.md", "internal_error")
    assert failed["message"].startswith(said)
    assert "RuntimeError" in failed["message"] and str(content) not in failed["message"]
    assert "I/O fault" in caplog.text and "Traceback" in caplog.text
    assert (content / "it" / "vpn-from-home.md").exists()
    assert not (content / "it" / "vpn-setup.md").exists()
    assert "vpn-setup.md" in (content / "it" / "wifi.md").read_text(encoding="utf-8")
