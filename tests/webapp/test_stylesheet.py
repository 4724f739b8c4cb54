"""The offline stylesheet parses as its authors meant.

A block left open (an `@media` without its closing brace) makes browsers read
every rule after it as part of that block: the home page's department cards
then lost their grid at every width above a phone's. Browsers say nothing, so
this test does.
"""

from __future__ import annotations

import re
from pathlib import Path

import webapp

STYLESHEET = Path(webapp.__file__).parent / "static" / "kb.css"


def _blocks(text: str) -> list[tuple[int, str]]:
    """Each `{`'s line and the text before it, with a check that every block closes."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), text, flags=re.S)
    depth, opened, start = 0, [], 0
    for match in re.finditer(r"[{}]", text):
        line = text.count("\n", 0, match.start()) + 1
        if match.group() == "{":
            depth += 1
            opened.append((line, text[start : match.start()].strip()))
        else:
            depth -= 1
            assert depth >= 0, f"kb.css line {line}: a '}}' closes no block"
        start = match.end()
    assert depth == 0, f"kb.css: {depth} block(s) never closed; the last opened: {opened[-1]}"
    return opened


def test_every_block_of_the_stylesheet_closes() -> None:
    assert _blocks(STYLESHEET.read_text(encoding="utf-8"))


def test_the_front_door_rules_stand_at_the_top_level() -> None:
    text = STYLESHEET.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    depth_at: dict[str, int] = {}
    depth = 0
    for match in re.finditer(r"([^{}]*)([{}])", text):
        if match.group(2) == "{":
            for selector in match.group(1).split(","):
                depth_at.setdefault(selector.strip(), depth)
            depth += 1
        else:
            depth -= 1
    for selector in (".department-cards", ".department-card", ".chips", ".requests-table"):
        assert selector in depth_at, f"{selector} is not styled"
    assert depth_at[".department-cards"] == 0
    assert depth_at[".department-card"] == 0
