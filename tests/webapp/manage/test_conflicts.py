"""The page of a stale edit loses nothing of the refused text: its way on to
the current version carries the text to the editor, which keeps it in sight."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.manage.test_routes import form

CARLS = (
    "---\ntitle: VPN setup\n---\nCarl's own text, <b>typed</b> for an hour.\n\nSecond paragraph."
)


class FormReader(HTMLParser):
    """The action and the fields a browser sends for the form `form_id`: those
    inside it and those that name it (`form=`), textareas with their text."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.action = ""
        self.fields: dict[str, str] = {}
        self._inside = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self._inside, self.action = True, a.get("action", "")
            return
        ours = self._inside or a.get("form") == self.form_id
        if ours and tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")
        elif ours and tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            # A browser drops one newline right after <textarea>.
            text = self.fields[self._textarea] + data
            self.fields[self._textarea] = text.removeprefix("\n")


def conflict_of(client: FlaskClient) -> str:
    """Cora saves version 2; Carl's edit of version 1 is refused as stale."""
    token = sign_in_as(client, "cora")
    client.post("/manage/edit/it/vpn-setup.md", data=form(token, summary="First change."))
    carl = sign_in_as(client, "carl")
    answer = client.post(
        "/manage/edit/it/vpn-setup.md?hl=en",
        data=form(carl, body=CARLS.split("---\n", 2)[2], version="1", message="hotel tip"),
    )
    assert answer.status_code == 409
    return text_of(answer)


def test_the_way_to_the_current_version_carries_the_refused_text(
    client: FlaskClient, content: Path
) -> None:
    """ "Open the current version" was a plain link: the editor it opened showed
    the current text only, and what the owner had typed was gone."""
    page = conflict_of(client)
    assert 'href="/manage/edit/it/vpn-setup.md"' not in page  # no way on that drops it
    reader = FormReader("conflict-reopen")
    reader.feed(page)
    assert reader.action == "/manage/reopen/it/vpn-setup.md"
    assert "Carl's own text, <b>typed</b> for an hour." in reader.fields["yours"]
    assert reader.fields["message"] == "hotel tip"
    before = (content / "it" / "vpn-setup.md").read_bytes()
    editor = client.post(reader.action + "?hl=en", data=reader.fields)
    assert editor.status_code == 200
    shown = text_of(editor)
    carried = FormReader("none")
    carried.feed(shown.replace('id="carried-yours"', 'id="carried-yours" name="x" form="none"'))
    assert carried.fields["x"] == reader.fields["yours"]  # all of it, as it was
    assert "First change." in shown  # the current version is what the form edits
    assert 'name="version" value="2"' in shown
    assert 'name="message" value="hotel tip"' in shown
    assert "The article changed since you opened it: below is its current version" in shown
    assert (content / "it" / "vpn-setup.md").read_bytes() == before  # nothing written


def test_the_editor_carries_nothing_when_nothing_was_refused(client: FlaskClient) -> None:
    sign_in_as(client, "cora")
    assert 'id="carried-yours"' not in text_of(client.get("/manage/edit/it/vpn-setup.md"))


def test_reopening_needs_the_forms_token(client: FlaskClient) -> None:
    sign_in_as(client, "carl")
    refused = client.post("/manage/reopen/it/vpn-setup.md", data={"yours": "text"})
    assert refused.status_code in (400, 403)


def test_an_article_gone_meanwhile_comes_back_as_a_new_one_with_the_text(
    client: FlaskClient, content: Path
) -> None:
    """Removed on disk between the conflict page and its way on, the article
    answered 404 and the text the page carried was gone with it."""
    reader = FormReader("conflict-reopen")
    reader.feed(conflict_of(client))
    (content / "it" / "vpn-setup.md").unlink()
    editor = client.post(reader.action + "?hl=en", data=reader.fields)
    assert editor.status_code == 404
    shown = text_of(editor)
    assert 'action="/manage/new"' in shown
    assert "Carl&#39;s own text, &lt;b&gt;typed&lt;/b&gt; for an hour." in shown
    assert 'name="title" value="VPN setup"' in shown
    assert 'name="slug" value="vpn-setup"' in shown


def test_reopening_carries_text_only_as_text_and_only_in_one_s_own_department(
    client: FlaskClient, content: Path
) -> None:
    """Tried in the security review: the carried text is shown as text (markup and
    a closing textarea stay characters), another department's owner is refused
    (an article of theirs, and one that does not exist, which would otherwise
    come back as a new article), and nothing is written."""
    before = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    token = sign_in_as(client, "cora")
    hostile = '</textarea><script>alert(1)</script><img src=x onerror="alert(2)">'
    shown = text_of(
        client.post(
            "/manage/reopen/it/vpn-setup.md?hl=en",
            data={"csrf_token": token, "yours": hostile, "message": '"><b>x</b>'},
        )
    )
    assert "<script>alert(1)" not in shown and "<img src=x" not in shown
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "<b>x</b>" not in shown
    for article_id in ("hr/annual-leave.md", "hr/never-written.md", "it/../hr/annual-leave.md"):
        refused = client.post(
            f"/manage/reopen/{article_id}?hl=en", data={"csrf_token": token, "yours": "Mine"}
        )
        assert refused.status_code in (400, 403, 404), article_id
        assert "Entitlement" not in text_of(refused) and 'action="/manage/new"' not in text_of(
            refused
        )
    assert {p: p.read_bytes() for p in content.rglob("*") if p.is_file()} == before
