"""Pictures on article pages: served from the snapshot with their type and
headers, to the article's readers only; anything else shows its alt text."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from kb.accounts.service import add_user
from tests.support import indexed_app, sign_in_as
from webapp.services import services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 16
HTML = b"<html><script>alert(document.cookie)</script></html>"
PRINTER = """---
title: Printer
---
Press the green button.

![The printer's panel](panel.png)

![Paper tray](pics/tray.gif)

![Fake](fake.png)

![Big](big.png)

![Badge](../hr/badge.png)

![Tracker](https://tracker.example/pixel.png)
"""

EVACUATION = """---
title: Evacuation of the quokka wing
---
## Assembly point of the quokka wing

Leave the quokka wing by the marked escape routes and meet at assembly point Q in
the courtyard behind the quokka wing.

![Plan of the quokka wing with its escape routes](plan.png)

![Old plan](gone.png)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    tmp = tmp_path_factory.mktemp("images")
    root = tmp / "content"
    (root / "it" / "pics").mkdir(parents=True)
    (root / "hr").mkdir()
    (root / "it" / "printer.md").write_text(PRINTER, encoding="utf-8")
    (root / "it" / "panel.png").write_bytes(PNG)
    (root / "it" / "pics" / "tray.gif").write_bytes(GIF)
    (root / "it" / "fake.png").write_bytes(HTML)
    (root / "it" / "big.png").write_bytes(PNG + b"\x00" * 1000)
    (root / "hr" / "badge.png").write_bytes(PNG + b"hr")
    (root / "hr" / "pay.md").write_text(
        "---\ntitle: Pay\naudience: [hr]\n---\nPay slips.\n\n![Slip](badge.png)\n"
    )
    (root / "it" / "evacuation.md").write_text(EVACUATION, encoding="utf-8")
    (root / "it" / "plan.png").write_bytes(PNG + b"plan")
    app = indexed_app(root, tmp, image_max_bytes=500)
    store = services(app).store
    add_user(store, "hanna", "agent", "hr")
    add_user(store, "ivan", "agent", "it")
    add_user(store, "cora", "content_owner", "it")
    yield app.test_client()
    services(app).close()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _body(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    return page.get_data(as_text=True).split('<div class="article-body">')[1].split("</article>")[0]


def test_the_page_shows_the_pictures_of_its_folder_from_the_snapshot(site: FlaskClient) -> None:
    body = _body(site, "/articles/it/printer.md")
    panel = f"/articles/it/printer.md/image/{_digest(PNG)}"
    tray = f"/articles/it/printer.md/image/{_digest(GIF)}"
    assert f'<img alt="The printer\'s panel" src="{panel}">' in body
    assert f'<img alt="Paper tray" src="{tray}">' in body
    assert len(re.findall(r"<img ", body)) == 2  # nothing else is loaded


def test_a_picture_answers_with_its_type_and_headers(site: FlaskClient) -> None:
    response = site.get(f"/articles/it/printer.md/image/{_digest(PNG)}")
    assert response.status_code == 200
    assert response.data == PNG
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, max-age=86400"
    assert "Cookie" in response.headers["Vary"]
    assert response.headers["ETag"] == f'"{_digest(PNG)}"'
    again = site.get(
        f"/articles/it/printer.md/image/{_digest(PNG)}",
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304
    gif = site.get(f"/articles/it/printer.md/image/{_digest(GIF)}")
    assert gif.mimetype == "image/gif" and gif.data == GIF


def test_a_picture_that_is_not_shown_leaves_its_alt_text(site: FlaskClient) -> None:
    body = _body(site, "/articles/it/printer.md")
    for alt in ("Fake", "Big", "Badge"):
        assert f'<span class="image-alt">{alt}</span>' in body
    assert "Press the green button." in body
    # The HTML named fake.png is never kept nor served, whatever is asked.
    assert site.get(f"/articles/it/printer.md/image/{_digest(HTML)}").status_code == 404


def test_a_picture_on_another_host_is_a_link_never_loaded(site: FlaskClient) -> None:
    body = _body(site, "/articles/it/printer.md")
    assert "tracker.example" not in "".join(re.findall(r"<img [^>]*>", body))
    assert (
        '<a class="remote-image" href="https://tracker.example/pixel.png" '
        'rel="noopener noreferrer">Tracker</a>'
    ) in body
    data = site.get("/api/articles/it/printer.md").get_json()
    assert "<img" not in html.unescape(data["html"]).split("Tracker")[0].split("Badge")[-1]


def test_traversal_is_never_served(site: FlaskClient) -> None:
    """Another department's picture is not served under this article, by any path."""
    hr = _digest(PNG + b"hr")
    assert site.get(f"/articles/it/printer.md/image/{hr}").status_code == 404
    for attempt in (
        "/articles/it/printer.md/image/../../hr/badge.png",
        "/articles/it/printer.md/image/%2e%2e%2fhr%2fbadge.png",
        "/articles/it/../hr/badge.png",
        "/articles/it/badge.png",
        "/articles/it/printer.md/image/" + _digest(PNG)[:-1],
    ):
        assert site.get(attempt).status_code == 404, attempt


def test_a_restricted_articles_picture_is_404_to_those_who_may_not_read_it(
    site: FlaskClient,
) -> None:
    url = f"/articles/hr/pay.md/image/{_digest(PNG + b'hr')}"
    unknown = f"/articles/hr/pay.md/image/{'0' * 64}"
    with site.session_transaction() as session:
        session.clear()
    visitor, missing = site.get(url), site.get(unknown)
    assert visitor.status_code == missing.status_code == 404
    assert visitor.get_json() == missing.get_json()  # nothing tells that it exists
    sign_in_as(site, "ivan")
    assert site.get(url).status_code == 404
    sign_in_as(site, "hanna")
    response = site.get(url)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Cache-Control"].startswith("private")
    assert f'src="{url}"' in _body(site, "/articles/hr/pay.md")
    with site.session_transaction() as session:
        session.clear()


def test_the_editors_preview_shows_the_pictures_the_index_keeps(site: FlaskClient) -> None:
    token = sign_in_as(site, "cora")
    response = site.post(
        "/api/preview",
        json={"body": "![Panel](panel.png)\n\n![New](new.png)\n", "id": "it/printer.md"},
        headers={"X-CSRF-Token": token},
    )
    shown = response.get_json()["html"]
    assert f'src="/articles/it/printer.md/image/{_digest(PNG)}"' in shown
    assert '<span class="image-alt">New</span>' in shown  # not indexed yet: its alt text
    with site.session_transaction() as session:
        session.clear()


def test_a_preview_never_shows_the_pictures_of_an_article_its_writer_may_not_read(
    site: FlaskClient,
) -> None:
    # A preview may name any article id. With the HR-only article's id, a content
    # owner of IT was shown its kept picture's address: that the article exists,
    # which pictures it shows and their digests, by guessing names.
    token = sign_in_as(site, "cora")
    shown = {
        article_id: site.post(
            "/api/preview",
            json={"body": "![Slip](badge.png)\n", "id": article_id},
            headers={"X-CSRF-Token": token},
        ).get_json()["html"]
        for article_id in ("hr/pay.md", "hr/nothing.md")
    }
    assert (
        shown["hr/pay.md"]
        == shown["hr/nothing.md"]
        == ('<p><span class="image-alt">Slip</span></p>')
    )
    # Its own department's content owners see it as the page shows it.
    add_user(services(site.application).store, "hugo", "content_owner", "hr")
    token = sign_in_as(site, "hugo")
    own = site.post(
        "/api/preview",
        json={"body": "![Slip](badge.png)\n", "id": "hr/pay.md"},
        headers={"X-CSRF-Token": token},
    ).get_json()["html"]
    assert f'src="/articles/hr/pay.md/image/{_digest(PNG + b"hr")}"' in own
    with site.session_transaction() as session:
        session.clear()


def _answer_card(client: FlaskClient, query: str) -> str:
    page = client.get("/", query_string={"q": query})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'class="panel answer-card"' in text, "no answer card"
    return text.split('class="panel answer-card"')[1].split("</section>")[0]


def test_the_answer_card_shows_a_kept_picture_of_its_section(site: FlaskClient) -> None:
    card = _answer_card(site, "where is the assembly point of the quokka wing")
    plan = f"/articles/it/evacuation.md/image/{_digest(PNG + b'plan')}"
    assert f'<img alt="Plan of the quokka wing with its escape routes" src="{plan}">' in card
    assert site.get(plan).status_code == 200  # the same address as on the article page
    # A picture the index does not keep (missing) shows its alt text, as on the page.
    assert '<span class="image-alt">Old plan</span>' in card
    assert len(re.findall(r"<img ", card)) == 1


def test_a_restricted_articles_picture_stays_out_of_other_readers_cards(
    site: FlaskClient,
) -> None:
    sign_in_as(site, "hanna")  # HR: may read hr/pay.md
    card = _answer_card(site, "pay slips")
    slip = f"/articles/hr/pay.md/image/{_digest(PNG + b'hr')}"
    assert f'src="{slip}"' in card
    sign_in_as(site, "ivan")  # IT: may not
    page = site.get("/", query_string={"q": "pay slips"}).get_data(as_text=True)
    assert slip not in page and "hr/pay.md" not in page
    assert site.get(slip).status_code == 404
