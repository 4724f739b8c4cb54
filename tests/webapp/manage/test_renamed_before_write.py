"""A rename, discard, restore or status change asked on an article that someone
else renamed since it was read: 412 `stale_edit` naming the id the article has
now (`details.moved_to`, renames in a row followed), nothing changed, rather
than a 404 that leaves the caller to guess where it went; in the browser the
rename page of the new id, holding the name and message as typed."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.manage.conftest import VPN

OLD, NEW, LAST = "it/vpn-setup.md", "it/vpn-from-home.md", "it/vpn-remote.md"


def _tag(client: FlaskClient, article_id: str) -> str:
    answer = client.get(f"/api/articles/{article_id}")
    assert answer.status_code == 200, answer.get_json()
    return str(answer.headers["ETag"])


def _rename(client: FlaskClient, token: str, article_id: str, name: str, tag: str) -> None:
    moved = client.post(
        f"/api/articles/{article_id}/move",
        json={"name": name},
        headers={"X-CSRF-Token": token, "If-Match": tag},
    )
    assert moved.status_code == 200, moved.get_json()


def _versions(client: FlaskClient, article_id: str) -> list[int]:
    answer = client.get(f"/api/articles/{article_id}/versions")
    assert answer.status_code == 200, answer.get_json()
    return [v["version"] for v in answer.get_json()["versions"]]


def test_writes_on_an_article_renamed_twice_since_name_where_it_is_now(
    app: Flask, content: Path
) -> None:
    cora, carl = app.test_client(), app.test_client()
    cora_token, carl_token = sign_in_as(cora, "cora"), sign_in_as(carl, "carl")
    read = _tag(cora, OLD)
    _rename(carl, carl_token, OLD, "vpn-from-home", read)
    _rename(carl, carl_token, NEW, "vpn-remote", _tag(carl, NEW))
    before = _versions(cora, LAST)
    headers = {"X-CSRF-Token": cora_token, "If-Match": read}
    asked = {
        "rename": cora.post(f"/api/articles/{OLD}/move", json={"name": "vpn"}, headers=headers),
        "delete": cora.delete(f"/api/articles/{OLD}", headers=headers),
        "discard changes": cora.post(f"/api/articles/{OLD}/discard-changes", headers=headers),
        "restore": cora.post(f"/api/articles/{OLD}/restore", json={"version": 1}, headers=headers),
    }
    for what, late in asked.items():
        assert late.status_code == 412, (what, late.get_json())
        error = late.get_json()["error"]
        assert error["code"] == "stale_edit", what
        assert error["details"] == {"id": OLD, "your_version": 1, "moved_to": LAST}, what
        assert error["message"] == (
            f"{OLD} was renamed to {LAST} since you read it: nothing was changed. "
            f"Read {LAST} and ask again there."
        ), what
    # Nothing changed: no new name, no new version, the text where the renames put it.
    assert sorted(p.name for p in (content / "it").glob("*.md")) == ["vpn-remote.md"]
    assert (content / "it" / "vpn-remote.md").read_text(encoding="utf-8") == VPN
    assert _versions(cora, LAST) == before
    # Asked again there, with the version read there, the rename is done.
    _rename(cora, cora_token, LAST, "vpn", _tag(cora, LAST))
    assert (content / "it" / "vpn.md").read_text(encoding="utf-8") == VPN


def test_of_two_renames_at_once_the_later_names_where_the_first_put_it(
    app: Flask, content: Path
) -> None:
    """Two owners rename the article they both read, at the same time: one
    rename is done, the other is 412 naming the winner's new id (found gone
    before the edit lock, or inside it), never a 404 or a second file."""
    cora, carl = app.test_client(), app.test_client()
    tokens = {"cora": sign_in_as(cora, "cora"), "carl": sign_in_as(carl, "carl")}
    read = _tag(cora, OLD)
    start = threading.Barrier(2)
    answers: dict[str, tuple[int, dict[str, object]]] = {}

    def rename(who: str, client: FlaskClient, name: str) -> None:
        start.wait(60)
        answer = client.post(
            f"/api/articles/{OLD}/move",
            json={"name": name},
            headers={"X-CSRF-Token": tokens[who], "If-Match": read},
        )
        answers[name] = (answer.status_code, answer.get_json())

    threads = [
        threading.Thread(target=rename, args=("cora", cora, "vpn-remote")),
        threading.Thread(target=rename, args=("carl", carl, "vpn-from-home")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(status for status, _ in answers.values()) == [200, 412], answers
    won = next(name for name, (status, _) in answers.items() if status == 200)
    lost = next(body for status, body in answers.values() if status == 412)
    assert lost["error"]["details"]["moved_to"] == f"it/{won}.md"  # type: ignore[index]
    assert sorted(p.name for p in (content / "it").glob("*.md")) == [f"{won}.md"]
    assert (content / "it" / f"{won}.md").read_text(encoding="utf-8") == VPN


def test_the_rename_page_of_an_article_renamed_since_offers_its_new_name_with_the_name_typed(
    app: Flask, content: Path
) -> None:
    cora, carl = app.test_client(), app.test_client()
    cora_token, carl_token = sign_in_as(cora, "cora"), sign_in_as(carl, "carl")
    assert cora.get(f"/manage/move/{OLD}").status_code == 200
    _rename(carl, carl_token, OLD, "vpn-from-home", _tag(carl, OLD))
    typed = {"csrf_token": cora_token, "version": "1", "slug": "vpn", "message": "shorter"}
    for language, said in (
        ("en", f"Someone else renamed {OLD} to {NEW} meanwhile. The name you typed is kept"),
        ("de", f"Jemand anderes hat {OLD} inzwischen in {NEW} umbenannt."),
    ):
        late = cora.post(f"/manage/move/{OLD}?hl={language}", data=typed)
        page = text_of(late)
        assert late.status_code == 412, page
        assert said in page
        assert f'action="/manage/move/{NEW}"' in page
        assert 'value="vpn"' in page and 'value="shorter"' in page
    assert (content / "it" / "vpn-from-home.md").read_text(encoding="utf-8") == VPN
    assert not (content / "it" / "vpn.md").exists()
    # The form as shown renames the article under its new name.
    done = cora.post(f"/manage/move/{NEW}", data={**typed, "version": _tag(cora, NEW).strip('"')})
    assert done.status_code == 303 and done.headers["Location"].endswith("/manage/edit/it/vpn.md")
    assert (content / "it" / "vpn.md").read_text(encoding="utf-8") == VPN


def test_a_status_change_in_the_editor_of_an_article_renamed_since_leads_to_its_new_name(
    app: Flask, content: Path
) -> None:
    cora, carl = app.test_client(), app.test_client()
    cora_token, carl_token = sign_in_as(cora, "cora"), sign_in_as(carl, "carl")
    _rename(carl, carl_token, OLD, "vpn-from-home", _tag(carl, OLD))
    for path, form in (
        (f"/manage/status/{OLD}", {"action": "save"}),
        (f"/manage/status/{OLD}", {"action": "retire", "confirm": "retire"}),
        (f"/manage/discard/{OLD}", {"what": "changes"}),
    ):
        late = cora.post(path, data={"csrf_token": cora_token, "version": "1", **form})
        assert late.status_code == 303, text_of(late)
        assert late.headers["Location"].endswith(f"/manage/edit/{NEW}")
        page = text_of(cora.get(late.headers["Location"] + "?hl=en"))
        assert f"{OLD} was renamed to {NEW} since you read it: nothing was changed." in page
    assert (content / "it" / "vpn-from-home.md").read_text(encoding="utf-8") == VPN


def test_the_editor_and_rename_page_of_an_old_name_lead_on_to_the_name_it_has_now(
    app: Flask, content: Path
) -> None:
    """A bookmark or an open tab of the editor (or the rename page) of a name
    renamed since, twice, opens the same page of the name it has now, saying so;
    a name never used stays a 404, and someone who owns no part of IT learns
    nothing of where it went."""
    cora, carl = app.test_client(), app.test_client()
    sign_in_as(cora, "cora")
    carl_token = sign_in_as(carl, "carl")
    _rename(carl, carl_token, OLD, "vpn-from-home", _tag(carl, OLD))
    _rename(carl, carl_token, NEW, "vpn-remote", _tag(carl, NEW))
    for page, said in (
        ("edit", f"{OLD} was renamed to {LAST}. This is the same page under its new name."),
        ("move", f"{OLD} wurde in {LAST} umbenannt."),
    ):
        language = "en" if page == "edit" else "de"
        opened = cora.get(f"/manage/{page}/{OLD}?hl={language}")
        assert opened.status_code == 303, text_of(opened)
        assert opened.headers["Location"].endswith(f"/manage/{page}/{LAST}")
        shown = cora.get(opened.headers["Location"] + f"?hl={language}")
        assert shown.status_code == 200
        assert said in text_of(shown)
    assert cora.get("/manage/edit/it/never-there.md").status_code == 404
    assert cora.get("/manage/move/it/never-there.md").status_code == 404
    for who in ("helga", "emma"):  # an owner of HR, an employee
        stranger = app.test_client()
        sign_in_as(stranger, who)
        for page in ("edit", "move"):
            refused = stranger.get(f"/manage/{page}/{OLD}")
            assert refused.status_code == 403, (who, page, refused.status_code)
            assert "vpn-remote" not in refused.get_data(as_text=True)
