"""Images in an article are not shown, and the content owner is told where."""

from __future__ import annotations

from kb.content.markdown_article import parse_article
from kb.records import Severity


def _parse(text: str):
    return parse_article(text.encode(), "it/printer.md")


def test_an_image_is_named_with_its_line_and_what_to_do() -> None:
    article, warnings = _parse(
        "---\ntitle: Printer\n---\n\nPress the green button.\n\n"
        "![The printer's panel](img/panel.png)\n\n![Tray](img/tray.png)\n"
    )
    images = [w for w in warnings if w.kind == "image"]
    assert len(images) == 1
    (warning,) = images
    assert warning.severity is Severity.WARNING
    assert warning.line == 7
    assert "'img/panel.png' and 1 more is not shown" in warning.message
    assert "as text" in warning.hint
    assert "Press the green button" in article.body_html  # the article is still published


def test_raw_html_images_count_too_and_the_line_follows_blank_lines_above_front_matter() -> None:
    _, warnings = _parse(
        '\n\n---\ntitle: Printer\n---\nText.\n\n<img src="https://x.example/a.png">\n'
    )
    (warning,) = [w for w in warnings if w.kind == "image"]
    assert warning.line == 8
    assert "'https://x.example/a.png'" in warning.message


def test_an_article_without_images_gets_no_image_warning() -> None:
    _, warnings = _parse(
        "---\ntitle: Printer\n---\nSee [the guide](guide.md). `![not](an image)`\n"
    )
    assert not [w for w in warnings if w.kind == "image"]
