"""The pictures an answer's section names (`webapp.search.picture_sources`):
found as the earlier expression found them, in linear time."""

from __future__ import annotations

import random
import re

import pytest

from tests.support import within
from webapp.search.picture_sources import picture_sources

# The expression pictures were found with until a section of unclosed alt texts
# or of tags without a source took it quadratic time.
_EARLIER = re.compile(
    r"!\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(?:<([^>]+)>|([^\s)]+))"
    r"|<img\b[^>]*\bsrc\s*=\s*[\"']?([^\"'\s>]+)"
)


def test_pictures_are_found_as_the_earlier_expression_found_them() -> None:
    rng = random.Random(558)
    pieces = [*"![]()<> \n\"'=a/!\t", "![", "](", "<img", "<img ", "src=", "src", "img"]
    pieces += ["a.png", "<a.png>", "![a](b.png)", '<img src="p.png">', "[x]"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 16)))
        earlier = [a or b or c for a, b, c in _EARLIER.findall(text)]
        assert picture_sources(text) == earlier, repr(text)


def test_a_section_names_its_pictures() -> None:
    text = 'See ![the [new] desk](desk.png "Desk") and <img alt="x" src=\'/a/b.jpg\'>.'
    assert picture_sources(text) == ["desk.png", "/a/b.jpg"]
    assert picture_sources("![map]( <floor 2.png> )") == ["floor 2.png"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("![" * 200_000, []),
        ("![" * 200_000 + "](map.png)", ["map.png"]),
        ("![x" * 130_000 + "]", []),
        ("<img " * 80_000, []),
        ("<img src" * 50_000 + ">", []),
        ("<img " * 80_000 + "src=a.png>", ["a.png"]),
    ],
)
def test_a_hostile_section_is_read_in_linear_time(text: str, found: list[str]) -> None:
    """Every answer card of an article with pictures asks which its section shows:
    the expression read the rest of the section again from every `![` whose alt
    text never closed (16,000: 0.2 s) and from every `<img` without a source
    (8,000: 3 s), growing as the square of the section. Checked by what comes
    back from 400,000 characters, which took it minutes (speed is for
    `benchmarks/`, not a clock)."""
    assert within(60, lambda: picture_sources(text)) == found
