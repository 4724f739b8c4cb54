"""The editor's preview shows a picture just uploaded, before the article is
saved and indexed: to content owners of the article's department alone, from
its folder at an address no one else may open, checked as the scanner checks it."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.content import article_images
from tests.support import sign_in_as
from tests.webapp.manage.test_pictures import NOT_OWNERS, PNG
from tests.webapp.manage.test_pictures_api import post

_SRC = re.compile(r'<img[^>]* src="([^"]*)"')


def preview(client: FlaskClient, token: str, body: str, article_id: str = "it/vpn-setup.md") -> Any:
    answer = client.post(
        "/api/preview",
        json={"body": body, "id": article_id, "title": "VPN"},
        headers={"X-CSRF-Token": token},
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()["html"]


def test_a_picture_just_uploaded_shows_in_the_preview_at_once(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    assert post(client, token, PNG, "client.png").status_code == 201
    html = preview(client, token, "Open it.\n\n![The client](client.png)\n")
    (src,) = _SRC.findall(html)
    assert src.startswith("/manage/picture/it/vpn-setup.md?src=client.png")
    answer = client.get(src.replace("&amp;", "&"))
    assert answer.status_code == 200 and answer.data == PNG
    assert answer.mimetype == "image/png"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in answer.headers["Content-Security-Policy"]
    assert "no-store" in answer.headers["Cache-Control"]
    # The stored article the API answers its owner shows it the same way.
    (content / "it" / "vpn-setup.md").write_text(
        "---\ntitle: VPN\n---\n![The client](client.png)\n", encoding="utf-8"
    )
    stored = client.get("/api/articles/it/vpn-setup.md").get_json()
    assert "/manage/picture/it/vpn-setup.md?src=client.png" in stored["html"]


@pytest.mark.parametrize(("user", "article_id"), NOT_OWNERS)
def test_nobody_else_may_open_an_unpublished_picture(
    client: FlaskClient, content: Path, user: str, article_id: str
) -> None:
    (content / "it" / "client.png").write_bytes(PNG)
    (content / "hr" / "client.png").write_bytes(PNG)
    token = sign_in_as(client, user)
    answer = client.get(f"/manage/picture/{article_id}?src=client.png")
    assert answer.status_code == 403 and PNG not in answer.data
    if user != "emma":  # a content owner previews, but never another department's folder
        html = preview(client, token, "![The client](client.png)", article_id)
        assert "/manage/picture/" not in html and "The client" in html
    anonymous = FlaskClient(client.application).get(
        "/manage/picture/it/vpn-setup.md?src=client.png"
    )
    assert anonymous.status_code in (302, 303, 401, 403) and PNG not in anonymous.data


def test_the_employee_s_page_never_shows_an_unpublished_picture(
    client: FlaskClient, content: Path
) -> None:
    (content / "it" / "client.png").write_bytes(PNG)
    sign_in_as(client, "emma")
    page = client.get("/articles/it/vpn-setup.md").get_data(as_text=True)
    assert "/manage/picture/" not in page


@pytest.mark.parametrize(
    ("files", "source"),
    [
        ({}, "missing.png"),  # no such file yet
        ({"fake.png": b"<svg><script>1</script></svg>"}, "fake.png"),  # not a picture
        ({"big.png": PNG + bytes(6_000_000)}, "big.png"),  # past image_max_bytes
        ({}, "../hr/form.png"),  # out of the article's folder
        ({}, "/it/client.png"),  # an absolute path
    ],
)
def test_what_the_page_would_not_show_stays_alt_text(
    client: FlaskClient, content: Path, files: dict[str, bytes], source: str
) -> None:
    (content / "hr" / "form.png").write_bytes(PNG)
    for name, data in files.items():
        (content / "it" / name).write_bytes(data)
    token = sign_in_as(client, "cora")
    html = preview(client, token, f"![Shown as text]({source})")
    assert "<img" not in html and "Shown as text" in html
    answer = client.get(f"/manage/picture/it/vpn-setup.md?src={source}")
    assert answer.status_code == 404 and PNG not in answer.data


def test_a_link_in_the_folder_is_never_followed(
    client: FlaskClient, content: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG)
    os.symlink(outside, content / "it" / "secret.png")
    os.symlink(tmp_path, content / "it" / "pics")
    token = sign_in_as(client, "cora")
    for source in ("secret.png", "pics/secret.png"):
        assert "<img" not in preview(client, token, f"![Secret]({source})")
        answer = client.get(f"/manage/picture/it/vpn-setup.md?src={source}")
        assert answer.status_code == 404 and PNG not in answer.data


def test_each_render_of_the_preview_reads_only_pictures_changed_since(
    client: FlaskClient, content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = article_images.read_regular_file
    reads: list[str] = []

    def counted(name: str, *args: Any, **kwargs: Any) -> bytes:
        reads.append(name)
        return read(name, *args, **kwargs)

    monkeypatch.setattr(article_images, "read_regular_file", counted)
    (content / "it" / "client.png").write_bytes(PNG)
    (content / "it" / "menu.png").write_bytes(PNG)
    token = sign_in_as(client, "cora")
    body = "![The client](client.png)\n\n![The menu](menu.png)\n"
    for _ in range(3):  # the preview follows the typing: the same pictures each time
        assert len(_SRC.findall(preview(client, token, body))) == 2
    # Each read once for the preview's pictures and once for its warnings, not again.
    assert sorted(reads) == ["client.png"] * 2 + ["menu.png"] * 2
    (content / "it" / "menu.png").write_bytes(b"<svg><script>1</script></svg>")
    html = preview(client, token, body)
    assert _SRC.findall(html) == ["/manage/picture/it/vpn-setup.md?src=client.png"]
    assert "The menu" in html and sorted(reads) == ["client.png"] * 2 + ["menu.png"] * 4
