"""Status badges and labels are readable: WCAG AA text contrast (4.5:1), computed
from the colours of the offline stylesheet itself, so a new shade cannot slip in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import webapp
from kb.requests.lifecycle import RequestStatus

STYLESHEET = Path(webapp.__file__).parent / "static" / "kb.css"
AA_TEXT = 4.5


def _rules() -> dict[str, dict[str, str]]:
    """selector -> its declarations, later rules overriding earlier ones (top level only
    matters here: no badge colour is set inside a media query)."""
    text = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(encoding="utf-8"), flags=re.S)
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = dict(
            (name.strip(), value.strip())
            for name, _, value in (d.partition(":") for d in body.split(";"))
            if value.strip()
        )
        for selector in selectors.split(","):
            rules.setdefault(selector.strip(), {}).update(declarations)
    return rules


RULES = _rules()


def _colour(value: str) -> tuple[float, float, float]:
    """A `#rrggbb`, `#rgb` or `var(--x)` colour as 0..1 channels."""
    while value.startswith("var("):
        value = RULES[":root"][value[4:-1].strip()]
    hex_digits = value.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(c * 2 for c in hex_digits)
    assert re.fullmatch(r"[0-9a-fA-F]{6}", hex_digits), f"not a plain colour: {value!r}"
    r, g, b = (int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def _luminance(rgb: tuple[float, float, float]) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    darker, lighter = sorted((_luminance(_colour(foreground)), _luminance(_colour(background))))
    return (lighter + 0.05) / (darker + 0.05)


def _declared(selector: str, name: str, base: str) -> str:
    """`name` of `selector`, else of its base class (`.status` for `.status--new`)."""
    for candidate in (selector, base):
        declarations = RULES.get(candidate, {})
        if name in declarations:
            return declarations[name].split()[0]
        if name == "background" and "background-color" in declarations:
            return declarations["background-color"]
    return RULES[":root"]["--text"] if name == "color" else "#ffffff"


def test_the_contrast_formula_matches_wcag() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


BADGES = [
    *(f".status--{s.value}" for s in RequestStatus),
    *(f".status--{s}" for s in ("draft", "review", "published", "retired")),
    *(f".tone-{n}" for n in range(4)),
    ".overdue",
    ".due-soon",
    ".article-status",
    ".field-error",
]


@pytest.mark.parametrize("selector", BADGES)
def test_badges_and_status_labels_meet_wcag_aa(selector: str) -> None:
    base = ".badge" if selector.startswith(".tone-") else selector.split("--")[0]
    foreground = _declared(selector, "color", base)
    background = _declared(selector, "background", base)
    ratio = contrast(foreground, background)
    assert ratio >= AA_TEXT, f"{selector}: {foreground} on {background} is {ratio:.2f}:1"
