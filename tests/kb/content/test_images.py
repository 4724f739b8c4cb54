"""Which pictures an article may show, judged by their address alone; each one
that is not shown is a warning with its line and what to do."""

from __future__ import annotations

import pytest

from kb.content.images import image_references, is_remote, resolve_image
from kb.content.markdown_article import parse_article
from kb.records import Severity


def _warnings(text: str) -> list:
    _, warnings = parse_article(text.encode(), "it/printer.md")
    return [w for w in warnings if w.kind == "image"]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("panel.png", "it/panel.png"),
        ("./pics/Panel%20Front.JPG", "it/pics/Panel Front.JPG"),
        ("pics/step-1.webp", "it/pics/step-1.webp"),
        ("_pictures/tray.gif", "it/_pictures/tray.gif"),
        ("../hr/badge.png", None),
        ("pics/../../hr/badge.png", None),
        ("/hr/badge.png", None),
        ("%2E%2E/hr/badge.png", None),
        ("https://cdn.example/a.png", None),
        ("//cdn.example/a.png", None),
        ("file:///etc/passwd.png", None),
        ("data:image/png;base64,AAAA", None),
        ("diagram.svg", None),
        (".secret/a.png", None),
        ("pics\\a.png", None),
        ("", None),
    ],
)
def test_only_pictures_in_the_article_folder_or_below_may_be_shown(
    source: str, target: str | None
) -> None:
    assert resolve_image(source, "it/printer.md") == target


def test_each_picture_not_shown_is_named_with_its_line_and_what_to_do() -> None:
    warnings = _warnings(
        "---\ntitle: Printer\n---\n\nPress the green button.\n\n"
        "![Panel](../hr/panel.png)\n\n![Tray](https://x.example/tray.png)\n\n"
        "![Logo](logo.svg)\n"
    )
    assert [w.line for w in warnings] == [7, 9, 11]
    assert all(w.severity is Severity.WARNING for w in warnings)
    assert "'..' leads out of the article's folder" in warnings[0].message
    assert "never loaded" in warnings[1].message and "links to it" in warnings[1].message
    assert "SVG can carry script" in warnings[2].message
    assert all("alt text" in w.hint for w in warnings)


def test_raw_html_images_count_too_and_the_line_follows_blank_lines_above_front_matter() -> None:
    (warning,) = _warnings(
        '\n\n---\ntitle: Printer\n---\nText.\n\n<img src="https://x.example/a.png">\n'
    )
    assert warning.line == 8
    assert "'https://x.example/a.png'" in warning.message


def test_a_picture_in_the_folder_is_not_judged_without_the_folder() -> None:
    """The address may be shown; whether the file is a picture is read from the
    folder (kb.content.article_images), which a text alone does not have."""
    article, warnings = parse_article(b"# Printer\n\n![Panel](pics/panel.png)\n", "it/printer.md")
    assert not [w for w in warnings if w.kind == "image"]
    assert article.images == ()
    assert 'src="/it/pics/panel.png"' in article.body_html  # kept for the indexer


def test_an_article_without_images_gets_no_image_warning() -> None:
    assert not _warnings(
        "---\ntitle: Printer\n---\nSee [the guide](guide.md). `![not](an image)`\n"
    )


def test_the_same_file_named_twice_has_the_line_of_each() -> None:
    refs = image_references(
        '<p><img src="a.png" alt=""></p><p><img src="a.png" alt=""></p>',
        "![](a.png)\n\ntext\n\n![](a.png)\n",
        4,
        "it/x.md",
    )
    assert [r.line for r in refs] == [4, 8]
    assert is_remote("HTTPS://x.example/a.png") and not is_remote("a.png")
