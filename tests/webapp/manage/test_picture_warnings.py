"""A picture whose file is not there (`kb validate`'s `image_missing`) is warned
of by the editor's page, the preview and the article API, word for word as
`kb validate` warns of it; a picture uploaded in the editor and waiting for the
article's save is there, and is not warned of."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.manage.test_api import BODY, put
from tests.webapp.manage.test_front_matter_warnings import validate_warnings
from tests.webapp.manage.test_pictures import PNG
from tests.webapp.manage.test_pictures_api import post as upload

ARTICLE = "it/vpn-setup.md"
MISSING = "## Connect\n\nOpen the client.\n\n![The floor plan](floor-plan.png)\n"


def preview(client: FlaskClient, token: str, body: str, article_id: str = ARTICLE) -> Any:
    response = client.post(
        "/api/preview",
        json={"body": body, "id": article_id, "title": "VPN setup"},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["warnings"]


def test_a_put_naming_a_missing_picture_answers_kb_validates_warning(
    client: FlaskClient, content: Path
) -> None:
    """The API saved it without a word, while kb validate said the page shows
    only the picture's alt text."""
    token = sign_in_as(client, "cora")
    saved = put(client, token, ARTICLE, {**BODY, "body": MISSING}, **{"If-Match": '"1"'})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    [warning] = saved.get_json()["warnings"]
    [validated] = validate_warnings(content)
    assert validated["kind"] == "image" and "no such file" in validated["message"]
    assert {k: v for k, v in warning.items() if k not in ("field", "said")} == validated
    assert warning["field"] == "body" and warning["line"] == validated["line"]
    # The file put in place: the next save answers none.
    (content / "it" / "floor-plan.png").write_bytes(PNG)
    again = put(
        client, token, ARTICLE, {**BODY, "body": MISSING + "\nMore.\n"}, **{"If-Match": '"2"'}
    )
    assert again.status_code == 200 and again.get_json()["warnings"] == []


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "image 'floor-plan.png' is not shown: there is no such file"),
        ("de", "Bild 'floor-plan.png' wird nicht angezeigt: es gibt keine solche Datei"),
    ],
)
def test_the_editor_page_and_the_preview_warn_of_a_missing_picture(
    client: FlaskClient, content: Path, lang: str, said: str
) -> None:
    token = sign_in_as(client, "cora")
    path = content / ARTICLE
    path.write_text(path.read_text() + "\n![The floor plan](floor-plan.png)\n", encoding="utf-8")
    editor = text_of(client.get(f"/manage/edit/{ARTICLE}?hl={lang}"))
    box = editor.split('id="editor-warnings"', 1)[1].split("</section>", 1)[0]
    [item] = box.split('<li class="field-warning">')[1:]
    assert said.replace("'", "&#39;") in item
    [warning] = preview(client, token, MISSING)
    assert warning["kind"] == "image" and warning["field"] == "body"
    assert "no such file" in warning["message"]


def test_a_staged_picture_is_not_warned_of_before_or_after_the_save(
    client: FlaskClient, content: Path
) -> None:
    """Uploaded in the editor, a picture waits outside the folder until the
    article's save writes it: the preview and the save must not call it missing."""
    token = sign_in_as(client, "cora")
    assert upload(client, token, PNG, "floor-plan.png").status_code == 201
    assert not (content / "it" / "floor-plan.png").exists()
    assert preview(client, token, MISSING) == []
    [other] = preview(client, token, MISSING + "\n![Tray](tray.png)\n")
    assert "'tray.png'" in other["message"]
    saved = put(client, token, ARTICLE, {**BODY, "body": MISSING}, **{"If-Match": '"1"'})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    answer = saved.get_json()
    assert answer["warnings"] == [] and answer["pictures_saved"] == ["floor-plan.png"]
    editor = text_of(client.get(f"/manage/edit/{ARTICLE}"))
    box = editor.split('id="editor-warnings"', 1)[1].split("</section>", 1)[0]
    assert "<li" not in box


def test_a_staged_picture_stays_unwarned_while_the_save_could_not_write_it(
    client: FlaskClient, content: Path
) -> None:
    """A staged picture the save refused to write (a file of its name in another
    letter case) is still the editor's to save again: not called missing."""
    token = sign_in_as(client, "cora")
    assert upload(client, token, PNG, "plan.png").status_code == 201
    (content / "it" / "Plan.png").write_bytes(PNG)
    body = "## Connect\n\nOpen the client.\n\n![Plan](plan.png)\n"
    saved = put(client, token, ARTICLE, {**BODY, "body": body}, **{"If-Match": '"1"'})
    assert saved.status_code == 200 and saved.get_json()["pictures_refused"]
    assert saved.get_json()["warnings"] == []


def test_the_preview_of_another_departments_article_probes_no_folder(
    client: FlaskClient, content: Path
) -> None:
    """Whether a file is in a department's folder is its owners' to know."""
    token = sign_in_as(client, "cora")  # owns IT, not HR
    body = "Text.\n\n![Plan](secret-plan.png)\n"
    assert preview(client, token, body, "hr/annual-leave.md") == []
    (content / "hr" / "secret-plan.png").write_bytes(b"<html>not a picture</html>")
    assert preview(client, token, body, "hr/annual-leave.md") == []
