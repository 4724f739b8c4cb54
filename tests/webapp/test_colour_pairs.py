"""Every text colour of the app's stylesheets is readable on every background it
could sit on: WCAG AA, 4.5:1 for text and 3:1 for the focus ring, computed from
the colours the stylesheets declare (webapp/static/*.css), so a new shade fails
here before anyone reads a page with it.

A dark text colour is checked against every light background and a light one
(white on the header and on buttons) against every dark background: more pairs
than the pages show, which keeps the rule simple and safe. Colours with an alpha
channel only tint what is under them (hover states, shadows) and are left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import webapp
from tests.webapp.test_contrast import contrast

STYLESHEETS = sorted((Path(webapp.__file__).parent / "static").glob("*.css"))
AA_TEXT = 4.5
AA_NON_TEXT = 3.0
DARK = 0.18  # relative luminance below which a colour counts as dark
PLAIN = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


def _declarations(sheet: Path) -> list[tuple[str, str, str]]:
    """(selector list, property, value) of every declaration of the sheet."""
    text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
    found = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        for name, _, value in (d.partition(":") for d in body.split(";")):
            if value.strip():
                found.append((selectors.strip(), name.strip(), value.strip()))
    return found


def _variables(sheet: Path) -> dict[str, str]:
    return {n: v for s, n, v in _declarations(sheet) if n.startswith("--")}


def _plain(value: str, variables: dict[str, str]) -> str | None:
    """The `#rgb`/`#rrggbb` colour a value names (through var()), else None."""
    first = value.split()[0]
    while first.startswith("var("):
        first = variables.get(first[4:].rstrip(")").strip(), "").split(" ")[0]
    return first.lower() if PLAIN.fullmatch(first) else None


def _colours(sheet: Path, names: tuple[str, ...]) -> set[str]:
    variables = _variables(sheet)
    found = {_plain(v, variables) for _, n, v in _declarations(sheet) if n in names}
    return {c for c in found if c}


def _luminance(colour: str) -> float:
    return contrast(colour, "#000000") * 0.05 - 0.05


def _pairs(sheet: Path) -> list[tuple[str, str]]:
    text = _colours(sheet, ("color",))
    backgrounds = _colours(sheet, ("background", "background-color")) | {"#ffffff"}
    return [
        (fg, bg)
        for fg in sorted(text)
        for bg in sorted(backgrounds)
        if (_luminance(fg) < DARK) != (_luminance(bg) < DARK)
    ]


@pytest.mark.parametrize("sheet", STYLESHEETS, ids=lambda p: p.name)
def test_every_text_colour_is_readable_on_every_background(sheet: Path) -> None:
    pairs = _pairs(sheet)
    assert pairs, "no colour pairs found: the stylesheet's format changed"
    weak = [
        f"{fg} on {bg}: {contrast(fg, bg):.2f}:1" for fg, bg in pairs if contrast(fg, bg) < AA_TEXT
    ]
    assert weak == []


@pytest.mark.parametrize("sheet", STYLESHEETS, ids=lambda p: p.name)
def test_the_focus_ring_stands_out_from_what_it_surrounds(sheet: Path) -> None:
    variables = _variables(sheet)
    rings = [
        (s, _plain(v.split()[-1], variables))
        for s, n, v in _declarations(sheet)
        if n in ("outline", "outline-color") and v != "none"
    ]
    header = _plain("var(--header)", variables)
    for selectors, ring in rings:
        assert ring, f"{selectors}: the focus ring's colour is not a plain colour"
        grounds = (
            [header] if ".site-header" in selectors else ["#ffffff", _plain("var(--bg)", variables)]
        )
        for ground in grounds:
            assert ground and contrast(ring, ground) >= AA_NON_TEXT, (
                f"{selectors}: {ring} on {ground}"
            )
