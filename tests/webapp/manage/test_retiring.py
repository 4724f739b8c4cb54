"""The editor offers Retire only for an article that was once published."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.manage.conftest import VPN

RETIRE_BUTTON = 'name="action" value="retire" class="button'


def test_a_never_published_draft_is_offered_no_retire(client: FlaskClient, content: Path) -> None:
    """A draft that never reached readers was offered Retire, which marked it
    retired as though it had been taken out of search."""
    draft = content / "it" / "draft.md"
    draft.write_text(VPN.replace("status: published", "status: draft"), encoding="utf-8")
    token = sign_in_as(client, "cora")
    editor = client.get("/manage/edit/it/draft.md?hl=en").get_data(as_text=True)
    assert "Save draft" in editor and RETIRE_BUTTON not in editor
    published = client.get("/manage/edit/it/vpn-setup.md?hl=en").get_data(as_text=True)
    assert RETIRE_BUTTON in published
    before = draft.read_text(encoding="utf-8")
    refused = client.post(
        "/manage/status/it/draft.md?hl=en",
        data={"csrf_token": token, "action": "retire", "version": "1"},
    )
    assert refused.status_code == 303
    told = text_of(client.get(refused.location))
    assert "it/draft.md was never published, so there is nothing to retire" in told
    assert draft.read_text(encoding="utf-8") == before
