"""Pictures read from the article's folder: only regular files inside it, only
PNG, JPEG, GIF and WebP by their bytes, within `image_max_bytes`."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from kb.content.article_images import (
    FolderImages,
    local_images,
    sniff_image,
    stamp_with_images,
    stamped_images,
)
from kb.content.readers import read_article
from kb.content.scanner import scan_content
from kb.records import Problem

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
HTML = b"<html><script>alert(document.cookie)</script></html>"


def _article(folder: Path, body: str, name: str = "printer.md", **limits: int):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"---\ntitle: Printer\n---\n{body}\n", encoding="utf-8")
    article_id = f"{folder.name}/{name}"
    return read_article(str(path), article_id, 100_000, None, **limits)


def _image_warnings(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.kind == "image"]


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (b"GIF89a" + b"\x00" * 8, "image/gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (HTML, None),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>', None),
        (b"%PDF-1.7", None),
        (b"", None),
    ],
)
def test_the_type_comes_from_the_bytes(data: bytes, media_type: str | None) -> None:
    assert sniff_image(data) == media_type


def test_a_picture_of_the_folder_and_one_below_are_shown(tmp_path: Path) -> None:
    it = tmp_path / "it"
    (it / "pics").mkdir(parents=True)
    (it / "panel.png").write_bytes(PNG)
    (it / "pics" / "tray.jpg").write_bytes(JPEG)
    article, problems = _article(it, "![Panel](panel.png)\n\n![Tray](pics/tray.jpg)\n")
    assert not _image_warnings(problems)
    panel, tray = article.images
    assert (panel.path, panel.media_type, panel.size) == ("it/panel.png", "image/png", len(PNG))
    assert panel.digest == hashlib.sha256(PNG).hexdigest()
    assert (tray.path, tray.media_type) == ("it/pics/tray.jpg", "image/jpeg")
    assert local_images(article) == ["panel.png", "pics/tray.jpg"]


def test_a_png_that_is_really_html_is_refused_and_the_article_still_publishes(
    tmp_path: Path,
) -> None:
    it = tmp_path / "it"
    it.mkdir()
    (it / "panel.png").write_bytes(HTML)
    article, problems = _article(it, "Press the button.\n\n![Panel](panel.png)\n")
    (warning,) = _image_warnings(problems)
    assert article.images == () and "Press the button" in article.body_html
    assert warning.path == "it/printer.md" and warning.line == 6
    assert "'panel.png' is not shown: its bytes are markup" in warning.message


def test_a_picture_over_the_limit_is_refused_with_the_setting(tmp_path: Path) -> None:
    it = tmp_path / "it"
    it.mkdir()
    (it / "big.png").write_bytes(PNG + b"\x00" * 100)
    article, problems = _article(it, "![Big](big.png)", image_max_bytes=len(PNG))
    (warning,) = _image_warnings(problems)
    assert article.images == ()
    assert f"over the {len(PNG):,}-byte limit" in warning.message
    assert "image_max_bytes" in warning.message


def test_a_missing_picture_says_so(tmp_path: Path) -> None:
    article, problems = _article(tmp_path / "it", "Text.\n\n![Gone](pics/gone.png)")
    (warning,) = _image_warnings(problems)
    assert "there is no such file" in warning.message and warning.line == 6
    assert article.images == ()


def test_links_never_lead_out_of_the_folder(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "badge.png").write_bytes(PNG)
    it = tmp_path / "content" / "it"
    it.mkdir(parents=True)
    os.symlink(secret / "badge.png", it / "badge.png")
    os.symlink(secret, it / "pics")
    os.link(secret / "badge.png", it / "hard.png")
    article, problems = _article(it, "![A](badge.png)\n\n![B](pics/badge.png)\n\n![C](hard.png)\n")
    assert article.images == ()
    warnings = _image_warnings(problems)
    assert [w.line for w in warnings] == [4, 6, 8]
    assert "link" in warnings[0].message and "link" in warnings[1].message
    assert "hard link" in warnings[2].message


def test_climbing_out_is_never_read_even_when_the_file_exists(tmp_path: Path) -> None:
    root = tmp_path / "content"
    (root / "hr").mkdir(parents=True)
    (root / "hr" / "badge.png").write_bytes(PNG)
    article, problems = _article(
        root / "it", "![A](../hr/badge.png)\n\n![B](/hr/badge.png)\n\n![C](%2e%2e/hr/badge.png)"
    )
    assert article.images == ()
    assert len(_image_warnings(problems)) == 3
    assert "src" not in article.body_html  # nothing of the other department is named


def test_kb_validate_reports_the_pictures_with_file_and_line(tmp_path: Path) -> None:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    (root / "it" / "vpn.md").write_text("# VPN\n\nStep one.\n\n![Step](step.png)\n")
    (root / "it" / "step.png").write_bytes(HTML)
    scan = scan_content(root)
    (warning,) = _image_warnings(scan.warnings)
    assert str(warning).startswith("warning: it/vpn.md:5: image ")
    assert scan.articles["it/vpn.md"].images == ()


def test_a_stamp_lists_the_pictures_and_changes_with_them(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(PNG)
    assert stamp_with_images("10:20", str(tmp_path), []) == "10:20"
    stamp = stamp_with_images("10:20", str(tmp_path), ["a.png", "b.png"])
    assert stamped_images(stamp) == ["a.png", "b.png"] and stamped_images("10:20") == []
    (tmp_path / "b.png").write_bytes(PNG)  # a missing picture added
    assert stamp_with_images("10:20", str(tmp_path), ["a.png", "b.png"]) != stamp


def test_without_a_folder_reader_nothing_is_read(tmp_path: Path) -> None:
    reader = FolderImages(str(tmp_path))
    assert reader("it/x.md", []) == ((), [])


COMPOSED, DECOMPOSED = "B\u00fcro", "Bu\u0308ro"  # "Büro" as Linux and as macOS write it


@pytest.mark.parametrize(("written", "on_disk"), [(COMPOSED, DECOMPOSED), (DECOMPOSED, COMPOSED)])
def test_a_name_in_the_other_unicode_form_finds_the_file(
    tmp_path: Path, written: str, on_disk: str
) -> None:
    it = tmp_path / "it"
    (it / f"{on_disk}-pics").mkdir(parents=True)
    (it / f"{on_disk}.png").write_bytes(PNG)
    (it / f"{on_disk}-pics" / f"{on_disk}.jpg").write_bytes(JPEG)
    article, problems = _article(
        it, f"![Floor plan]({written}.png)\n\n![Desk]({written}-pics/{written}.jpg)\n"
    )
    assert not _image_warnings(problems)
    plan, desk = article.images
    assert (plan.path, plan.media_type) == (f"it/{written}.png", "image/png")
    assert (desk.path, desk.media_type) == (f"it/{written}-pics/{written}.jpg", "image/jpeg")


def test_a_stamp_follows_a_picture_saved_in_the_other_unicode_form(tmp_path: Path) -> None:
    (tmp_path / f"{DECOMPOSED}.png").write_bytes(PNG)
    stamp = stamp_with_images("10:20", str(tmp_path), [f"{COMPOSED}.png"])
    assert '"-"' not in stamp  # found, not taken for missing
    (tmp_path / f"{DECOMPOSED}.png").write_bytes(PNG + b"newer")
    assert stamp_with_images("10:20", str(tmp_path), [f"{COMPOSED}.png"]) != stamp
