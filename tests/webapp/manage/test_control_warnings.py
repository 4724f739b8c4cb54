"""The editor names the fields and lines that hold a control that reorders the
text after it (U+202E and the like), as `kb validate` does; the save goes
through, and readers see the article without them."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.manage.test_link_warnings import form


@pytest.mark.parametrize(
    ("lang", "warning"),
    [
        (
            "en",
            "The text holds controls that reorder how the text after them shows"
            " (U+202E, U+2066), in: Title; Tags; text, lines 3.",
        ),
        (
            "de",
            "Der Text enthält Steuerzeichen, die die Anzeige des folgenden Textes umordnen"
            " (U+202E, U+2066), in: Titel; Schlagwörter; Text, Zeilen 3.",
        ),
    ],
)
def test_a_save_with_controls_is_saved_and_warned_of_by_field_and_line(
    client: FlaskClient, content: Path, lang: str, warning: str
) -> None:
    """A title "VPN \\u202etxt.exe" read as "VPN exe.txt", and the editor said nothing."""
    token = sign_in_as(client, "cora")
    fields = form(token, "Connect first.\n\nThen open \u2066the client.\n")
    fields.update(title="VPN \u202etxt.exe", tags="vpn, \u202enip")
    saved = client.post(f"/manage/edit/it/vpn-setup.md?hl={lang}", data=fields)
    assert saved.status_code == 303  # a warning, not a refusal
    assert "\u202etxt.exe" in (content / "it" / "vpn-setup.md").read_text(encoding="utf-8")
    editor = text_of(client.get(f"/manage/edit/it/vpn-setup.md?hl={lang}"))
    assert f'<p class="field-warning" id="editor-controls" role="status">{warning}' in editor
    # said once: the list of what `kb validate` warns of leaves them to that paragraph
    assert editor.count("U+202E") == 1


def test_right_to_left_text_with_its_marks_is_not_warned_of(client: FlaskClient) -> None:
    token = sign_in_as(client, "cora")
    fields = form(token, "Shalom שלום\u200f (VPN)\u200e.\n")
    assert client.post("/manage/edit/it/vpn-setup.md", data=fields).status_code == 303
    assert 'id="editor-controls"' not in text_of(client.get("/manage/edit/it/vpn-setup.md"))


def test_the_owner_pages_show_a_title_without_its_controls(
    client: FlaskClient, content: Path
) -> None:
    """A title "Leave \\u202etxt.exe" read as "Leave exe.txt" in the editor's
    heading and tab, on the pages that discard, move or retire the article, and
    in the diff a second owner reviews; the form field keeps the file's text,
    as the warning names it."""
    helga = sign_in_as(client, "helga")
    fields = form(helga, "Ask your manager first.\n")
    fields.update(title="Leave \u202etxt.exe", action="submit")
    assert client.post("/manage/edit/hr/annual-leave.md", data=fields).status_code == 303
    sign_in_as(client, "hans")  # the second pair of eyes
    pages = {
        "editor": "/manage/edit/hr/annual-leave.md",
        "list": "/manage/?department=hr",
        "history": "/manage/history/hr/annual-leave.md",
        "diff": "/manage/diff/hr/annual-leave.md?a=1&b=2",
        "discard": "/manage/discard/hr/annual-leave.md",
        "move": "/manage/move/hr/annual-leave.md",
        "retire": "/manage/retire/hr/annual-leave.md",
    }
    field = 'name="title" value="Leave \u202etxt.exe"'
    for name, url in pages.items():
        answer = client.get(url)
        assert answer.status_code == 200, name
        page = text_of(answer)
        shown = page.replace(field, "") if name == "editor" else page
        assert "\u202e" not in shown, name
    editor = text_of(client.get(pages["editor"]))
    assert '<h1 id="editor-h">Edit “Leave txt.exe”</h1>' in editor
    assert field in editor  # saved and shown in the form as written
    assert "Waiting for your approval" in text_of(client.get(pages["list"]))
    assert "U+202E" in text_of(client.get(pages["diff"]))  # the reviewer sees the change
