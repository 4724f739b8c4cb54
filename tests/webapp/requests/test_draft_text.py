"""A request page's Publish shows the draft it publishes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from tests.support import sign_in_as
from tests.webapp.requests.test_routes import act, file


def test_publish_shows_the_draft_s_text_beside_it(
    client: FlaskClient, request_content: Path, people: dict[str, Any]
) -> None:
    """Publish on a request's draft put the file in search unseen: its text was
    only in the editor, a click away from the page that published it."""
    request_id = file(client, "How do I connect to the VPN from a hotel?")
    ivan = sign_in_as(client, "ivan")
    act(client, ivan, request_id, "resolve", resolution="Switch the client to TCP 443.")
    act(client, ivan, request_id, "article")
    draft = request_content / "it" / "how-to-connect-to-the-vpn-from-a-hotel.md"
    draft.write_text(
        draft.read_text(encoding="utf-8") + "\nUse <b>port</b> 443 & TCP.\n", encoding="utf-8"
    )
    agent_page = client.get(f"/requests/{request_id}?hl=en").get_data(as_text=True)
    assert 'class="draft-text"' not in agent_page  # agents draft, content owners publish
    sign_in_as(client, "cora")
    page = client.get(f"/requests/{request_id}?hl=en").get_data(as_text=True)
    shown = page.split('<details class="draft-text">', 1)[1].split("</details>", 1)[0]
    assert "Read the draft before publishing: How to connect to the VPN from a hotel" in shown
    assert "Switch the client to TCP 443." in shown
    assert "Use &lt;b&gt;port&lt;/b&gt; 443 &amp; TCP." in shown  # the text, not markup
    assert shown and page.index('class="draft-text"') < page.index(">Publish</button>")
    german = client.get(f"/requests/{request_id}?hl=de").get_data(as_text=True)
    assert "Entwurf vor dem Veröffentlichen lesen" in german
