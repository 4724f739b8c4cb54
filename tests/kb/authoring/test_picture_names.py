"""Which published articles name a picture not there yet: the cheap check
(`could_name`, what rendered articles name kept by their bytes) decides
exactly as rendering every published article of the folder does."""

from __future__ import annotations

import posixpath
import random
from pathlib import Path
from typing import Any

import pytest

from kb.authoring import picture_names
from kb.authoring.picture_names import could_name, names_picture, published_naming
from kb.content.article_images import local_images
from kb.content.markdown_article import parse_article, read_status
from kb.content.stat_cache import FileCache
from kb.errors import ContentError
from kb.records import Status
from kb.validators import normal_name


def rendered_decision(raw: bytes, article_id: str, target: str) -> bool:
    """Every published article rendered in full, as the check once did."""
    try:
        if read_status(raw, article_id, len(raw)) is not Status.PUBLISHED:
            return False
        article, _ = parse_article(raw, article_id, max_bytes=len(raw), render_seconds=10)
    except ContentError:
        return False
    key = normal_name(target).casefold()
    folder = posixpath.dirname(article_id)
    return any(normal_name(f"{folder}/{s}").casefold() == key for s in local_images(article))


# (body of hr/forms/sick.md, whether it names hr/forms/form.png)
BESIDE = [
    ("![Form](form.png)", True),
    ("![Form][f]\n\n[f]: ./Form.PNG", True),  # reference style, another letter case
    ("![Form][f]\n\n[f]:\n    <form.png> 'The form'", True),
    ('<img src="./form.png" alt="Form">', True),
    ("<p><IMG SRC='FORM.png'></p>", True),
    ("![Form](./pics/../form.png)", False),  # '..' is never shown
    ("![Form](f%6Frm.png)", True),  # URL escapes
    ("![Form](form%2Epng)", True),
    ('<img src="&#102;orm.png">', True),  # character references
    ("![Form](&#x66;orm&period;png)", True),
    ("![Form](form\\.png)", True),  # a Markdown escape
    ("![Form](fo{{ name }}rm.png)", True),  # template tags are removed before rendering
    ("![Form](other.png){: src=form.png }", True),  # an attribute list
    ("![Form](fo\nrm.png)", True),  # a line break, dropped from the address
    ("![Form](form%\n2Epng)", True),  # ... even inside a URL escape
    ("R & D, 50 % off: ![Form](form%2Epng)", True),
    ("<img src='fo\nrm.png'>", True),
    ("![Form](\u212aey.png)", False),  # Kelvin sign: another name (key.png)
    ("![Form](fo\u0301rm.png)", False),  # a combining accent: another name
    ("    ![Form](form.png)", False),  # code
    ("`![Form](form.png)`", False),
    ("The form.png is on the desk.", False),  # named, but not as a picture
    ("![Form](https://example.org/form.png)", False),  # another host
    ("[Form](form.png)", False),  # a link, not a picture
    ("![Form](form.png.bak)", False),
    ("![Form](platform.png)", False),
]


def _content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "hr" / "forms").mkdir(parents=True)
    (root / "hr" / "_department.yml").write_text("name: HR\nreview_required: true\n")
    (root / "hr" / "forms" / "leave.md").write_text("# Leave\n\nText.\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(("body", "named"), BESIDE)
def test_each_way_to_name_a_picture_is_caught_as_rendering_catches_it(
    tmp_path: Path, body: str, named: bool
) -> None:
    root = _content(tmp_path)
    raw = f"# Sick leave\n\n{body}\n".encode()
    (root / "hr" / "forms" / "sick.md").write_bytes(raw)
    assert rendered_decision(raw, "hr/forms/sick.md", "hr/forms/form.png") is named
    found = published_naming(
        root, "hr/forms/leave.md", "form.png", max_bytes=100_000, render_seconds=10
    )
    assert found == (["hr/forms/sick.md"] if named else [])


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("![Form](forms/form.png)", True),  # a folder above names it by its path
        ("![Form](./forms/./FORM.png)", True),
        ("![Form](forms%2Fform.png)", True),
        ("![Form](form.png)", False),  # another picture: hr/form.png
        ("![Form](forms/../forms/form.png)", False),
        ("![Form](other/form.png)", False),
    ],
)
def test_an_article_of_a_folder_above_names_it_by_its_path(
    tmp_path: Path, body: str, named: bool
) -> None:
    root = _content(tmp_path)
    raw = f"# Handbook\n\n{body}\n".encode()
    (root / "hr" / "handbook.md").write_bytes(raw)
    (root / "hr" / "forms" / "sub").mkdir()
    (root / "hr" / "forms" / "sub" / "deep.md").write_text(
        "# Deep\n\n![Form](../form.png)\n",
        encoding="utf-8",  # '..': never shown, never read
    )
    assert rendered_decision(raw, "hr/handbook.md", "hr/forms/form.png") is named
    found = published_naming(
        root, "hr/forms/leave.md", "form.png", max_bytes=100_000, render_seconds=10
    )
    assert found == (["hr/handbook.md"] if named else [])


_OPENERS = [
    ("![a](", ")"),
    ("<img src='", "'>"),
    ("<IMG SRC=", ">"),
    ("![a][r]\n\n[r]: ", ""),
    ("    ![a](", ")"),
    ("`![a](", ")`"),
    ("[a](", ")"),
    ("![a](<", ">)"),
]
_FOLDERS = ["", "", "./", "../", "forms/", "sub/../", ".//", "https://h/"]
_STEMS = [
    "form",
    "form",
    "FORM",
    "Form",
    "f%6Frm",
    "&#102;orm",
    "fo{{ x }}rm",
    "fo{# c #}rm",
    "fo\nrm",
    "fo\u0301rm",
    "fo\\rm",
    "\u017form",
    "plat",
    "form-2",
    "fo rm",
    "f&amp;orm",
]
_SUFFIXES = [".png", ".png", ".PNG", "%2Epng", "%\n2Epng", "\\.png", ".png.bak", ".svg", "&#46;png"]
_AFTER = ["", "", "?v=1", "#top", " 'The form'"]
_NOISE = ["", "", " R&D ", " R & D ", " 50 % ", " C:\\Temp ", " {x} ", "\n\n", " form.png "]


def random_article(chosen: random.Random) -> bytes:
    opener, closer = chosen.choice(_OPENERS)
    address = (
        chosen.choice(_FOLDERS)
        + chosen.choice(_STEMS)
        + chosen.choice(_SUFFIXES)
        + chosen.choice(_AFTER)
    )
    front = "---\nstatus: draft\n---\n" if chosen.random() < 0.1 else ""
    noise = chosen.choice(_NOISE)
    body = (
        f"{noise}{opener}{address}{closer}"
        if chosen.random() < 0.5
        else f"{opener}{address}{closer}{noise}"
    )
    return f"{front}# T\n\n{body}\n".encode()


def test_random_articles_are_judged_as_rendering_judges_them() -> None:
    # Every way of naming a picture above, put together at random (fixed
    # seed): the cheap check never decides otherwise than rendering.
    chosen = random.Random(20261203)
    disagreements = []
    named = 0
    for _ in range(400):
        raw = random_article(chosen)
        expected = rendered_decision(raw, "hr/forms/a.md", "hr/forms/form.png")
        named += expected
        if names_picture(raw, "hr/forms/a.md", "hr/forms/form.png", 10) is not expected:
            disagreements.append(raw)
    assert disagreements == []
    assert 20 <= named <= 380  # both answers are well represented


def test_could_name_passes_over_only_text_that_cannot_hold_the_name() -> None:
    assert not could_name("# Leave\n\n![Plan](plan.png)\n", "form.png")
    assert could_name("![x](FORM.PNG)", "form.png")
    assert could_name("![x](fo\n  rm.png)", "form.png")
    for hiding in ("%2e", "%\n2E", "&#", "&amp;", "&\nperiod;", "\\", "{", "\x02", "\x7f"):
        assert could_name(f"nothing here {hiding}", "form.png")
    assert not could_name("R & D, 50 % off, 100%.", "form.png")  # no escape, no reference
    assert could_name("anything", "b\u00fcro.png")  # a name beyond ASCII: always rendered


class Renders:
    """Counts the articles rendered (`parse_article` in `picture_names`)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.ids: list[str] = []
        monkeypatch.setattr(picture_names, "parse_article", self)

    def __call__(self, raw: bytes, article_id: str, **kwargs: Any) -> Any:
        self.ids.append(article_id)
        return parse_article(raw, article_id, **kwargs)


def _naming(root: Path, named: FileCache[frozenset[str]], picture: str = "form.png") -> list[str]:
    return published_naming(
        root, "hr/forms/leave.md", picture, max_bytes=100_000, render_seconds=10, named=named
    )


def test_an_article_is_rendered_again_only_when_its_bytes_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _content(tmp_path)
    forms = root / "hr" / "forms"
    for n in range(5):
        (forms / f"a{n}.md").write_text(f"# A{n}\n\nR&D ![P](p{n}.png)\n", encoding="utf-8")
    (forms / "plain.md").write_text("# Plain\n\n![Plan](plan.png)\n", encoding="utf-8")
    renders = Renders(monkeypatch)
    named: FileCache[frozenset[str]] = FileCache()
    assert _naming(root, named) == []
    # '&' may hide letters: rendered once; plain.md cannot hold the name: never.
    assert sorted(renders.ids) == [f"hr/forms/a{n}.md" for n in range(5)]
    assert _naming(root, named) == [] and _naming(root, named, "other.png") == []
    assert len(renders.ids) == 5
    (forms / "a3.md").write_text("# A3\n\nR&D ![P](Form.png)\n", encoding="utf-8")
    assert _naming(root, named) == ["hr/forms/a3.md"]
    assert renders.ids[5:] == ["hr/forms/a3.md"]
    (forms / "plain.md").write_text("# Plain\n\n![Form](form.png)\n", encoding="utf-8")
    assert _naming(root, named) == ["hr/forms/a3.md", "hr/forms/plain.md"]
    assert renders.ids[6:] == ["hr/forms/plain.md"]


def test_a_render_out_of_time_is_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _content(tmp_path)
    (root / "hr" / "forms" / "sick.md").write_text("# S\n\n![F](form.png)\n", encoding="utf-8")
    busy = [True]

    def render(raw: bytes, article_id: str, **kwargs: Any) -> Any:
        if busy.pop() if busy else False:
            raise ContentError("too long", path=article_id, kind="render_time")
        return parse_article(raw, article_id, **kwargs)

    monkeypatch.setattr(picture_names, "parse_article", render)
    named: FileCache[frozenset[str]] = FileCache()
    assert _naming(root, named) == []  # not published while it cannot be rendered
    assert _naming(root, named) == ["hr/forms/sick.md"]
