"""`POST /api/preview` renders the Markdown once: the preview's HTML and its
`warnings` (which read the rendered body as `kb validate` does) come from the
same render, which a spy on the Markdown renderer counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import markdown
import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as

BODY = "## Connect\n\nOpen the client.\r\n\n| Port | Use |\n|---|---|\n| 443 | VPN |\n\n"


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the Markdown renderer was asked to convert, in order."""
    seen: list[str] = []
    convert: Callable[..., str] = markdown.Markdown.convert

    def spy(self: markdown.Markdown, source: str) -> str:
        seen.append(source)
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", spy)
    return seen


def preview(client: FlaskClient, token: str, **fields: Any) -> dict[str, Any]:
    response = client.post(
        "/api/preview",
        json={"id": "it/vpn-setup.md", "title": "VPN setup", **fields},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.get_json())


def test_the_preview_and_its_warnings_come_from_one_render(
    client: FlaskClient, renders: list[str]
) -> None:
    """It rendered twice: once for the HTML, once more for the warnings."""
    token = sign_in_as(client, "cora")
    answer = preview(client, token, body=BODY, audience="everyone, hr")
    assert len(renders) == 1
    assert "<table" in answer["html"] and "Open the client." in answer["html"]
    [warning] = answer["warnings"]
    assert warning["kind"] == "audience"


def test_the_one_render_gives_the_warnings_a_save_gives(
    client: FlaskClient, renders: list[str]
) -> None:
    """What the body's HTML decides (no text, a picture whose file is not there)
    is warned of from that render as a save of the same text warns of it."""
    token = sign_in_as(client, "cora")
    body = "\r\n\n![The plan](plan.png)\r\n"
    answer = preview(client, token, body=body)
    assert len(renders) == 1
    saved = client.put(
        "/api/articles/it/vpn-setup.md",
        json={"title": "VPN setup", "body": body, "status": "published"},
        headers={"X-CSRF-Token": token, "If-Match": '"1"'},
    )
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert answer["warnings"] == saved.get_json()["warnings"]
    assert {w["kind"] for w in answer["warnings"]} == {"no_text", "image"}
