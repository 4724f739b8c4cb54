"""Template tags are taken out of a body before it is rendered, outside the
render budget: in time linear in the text, whatever a content owner writes,
and with the same result as the regular expressions that define them."""

from __future__ import annotations

import random
import re

import pytest

from kb.content.template_tags import strip_template_tags

# The definition, as regular expressions: fine on short texts, but quadratic in
# the openings never closed (a megabyte of `{% ` took minutes).
_BLOCK = re.compile(r"\{%-?\s*(raw|comment)\s*-?%\}.*?\{%-?\s*end\1\s*-?%\}", re.S)
_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
_NAMED = re.compile(r"\{%-?\s*[A-Za-z_]\w*\s+[\"']([\w][\w-]*)[\"']\s*-?%\}")
_RAW = re.compile(r"\{%-?\s*(?:raw|endraw)\s*-?%\}")


def _by_definition(text: str) -> str:
    kept: list[str] = []

    def block(match: re.Match[str]) -> str:
        if match.group(1) == "comment":
            return ""
        kept.append(_RAW.sub("", match.group(0)))
        return f"\x00{len(kept) - 1}\x00"

    text = _BLOCK.sub(block, text.replace("\x00", ""))
    text = _TAG.sub("", _NAMED.sub(r"\1", text))
    return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)


PIECES = [
    "{%", "%}", "{{", "}}", "{#", "#}", "{% raw %}", "{% endraw %}", "{%raw%}", "{%- endraw -%}",
    "{% comment %}", "{% endcomment %}", '{% slack_channel "ops" %}', "{", "}", "%", "#", " ",
    "x", "\n", "\x00", "{{{", "}}}", "{% raw", "endraw %}", "'a'",
]  # fmt: skip


def test_the_result_is_the_definition_s() -> None:
    rng = random.Random(476)
    for _ in range(20_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 16)))
        assert strip_template_tags(text) == _by_definition(text), repr(text)


def test_what_the_page_shows_stays() -> None:
    text = (
        'Ask in {% slack_channel "people-ops" %} {# note #}by mail.{{ site.x }}\n'
        "{% raw %}Write {{ site.name }}.{% endraw %}{% comment %}gone{% endcomment %}"
    )
    assert strip_template_tags(text) == "Ask in people-ops by mail.\nWrite {{ site.name }}."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% " * 40_000, "{% " * 40_000),
        ("{{ " * 40_000, "{{ " * 40_000),
        ("{# " * 40_000, "{# " * 40_000),
        ("{% raw %} " * 12_000, " " * 12_000),
        ("{% comment %} " * 9_000, " " * 9_000),
        ("{% raw %}x{% endraw %}" * 5_000 + "{% comment %}", "x" * 5_000),
        (("{%" + " " * 50) * 2_400, ("{%" + " " * 50) * 2_400),
    ],
    ids=["tags", "values", "notes", "raw", "comments", "blocks-then-comment", "spaces"],
)
def test_openings_never_closed_take_linear_time(text: str, expected: str) -> None:
    """120 KB of openings never closed took 12 s each (a megabyte, minutes, in
    `kb index` for every department and in each preview); now milliseconds.
    Checked by the text each gives (their speed is for `benchmarks/`, not a clock
    in a test): an opening never closed stays, a block never closed goes as a tag."""
    assert strip_template_tags(text) == expected
