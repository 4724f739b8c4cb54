"""Template tags of static-site generators taken out of a Markdown body.

Pages copied from Jekyll, Hugo or MkDocs carry `{% … %}`, `{{ … }}` and
`{# … #}`; none of them means anything here. Comment blocks go whole, raw
blocks keep their text as written, an inline tag's lone quoted name
(`{% slack_channel "people-ops" %}`) stays as the text the page shows, and
every other tag goes (docs/content-format.md).

This runs before the body is rendered, outside the render budget
(`kb.content.markdown_text.render_html`), so it must take time linear in
the text: a regular expression's `\\{%.*?%\\}` scans to the end of the text
from every `{%` that is never closed, and a megabyte of them took minutes,
in `kb index` for every department and in each preview. Here an opening
without its closing tag ends the search for that kind of tag: no later
opening of the kind can find a closing either.
"""

from __future__ import annotations

import re

_BLOCK_KINDS = ("raw", "comment")
_BLOCK_OPEN = {k: re.compile(rf"\{{%-?\s*({k})\s*-?%\}}") for k in _BLOCK_KINDS}
_BLOCK_END = {k: re.compile(rf"\{{%-?\s*end{k}\s*-?%\}}") for k in _BLOCK_KINDS}
# An inline tag whose one argument is a quoted name, `{% slack_channel "people-ops" %}`:
# the name is what the page shows, so it stays; paths, URLs, sentences and
# tags of several arguments (image files, CSS classes) go.
_NAMED_TAG = re.compile(r"\{%-?\s*[A-Za-z_]\w*\s+[\"']([\w][\w-]*)[\"']\s*-?%\}")
_RAW_TAG = re.compile(r"\{%-?\s*(?:raw|endraw)\s*-?%\}")
_TAG_OPEN = re.compile(r"\{[%{#]")
_TAG_CLOSE = {"{%": "%}", "{{": "}}", "{#": "#}"}
_KEPT = re.compile("\x00(\\d+)\x00")


def strip_template_tags(text: str) -> str:
    """`text` without template tags: comment blocks removed whole, raw blocks'
    text kept as written, a tag's lone quoted name kept as text."""
    kept: list[str] = []
    text = _without_blocks(text.replace("\x00", ""), kept)
    text = _without_tags(_NAMED_TAG.sub(r"\1", text))
    return _KEPT.sub(lambda m: kept[int(m.group(1))], text)


def _without_blocks(text: str, kept: list[str]) -> str:
    """`text` with each `{% raw %}…{% endraw %}` as a placeholder of its text
    (in `kept`) and each `{% comment %}…{% endcomment %}` removed; an opening
    tag never closed stays as it is (and goes with the other tags)."""
    out: list[str] = []
    at = 0
    # The next opening of each kind still looked for (searched again only once
    # passed, so many small blocks of one kind never rescan the text for the other).
    openings = {k: _BLOCK_OPEN[k].search(text) for k in _BLOCK_KINDS}
    while True:
        for kind, found in openings.items():
            if found is not None and found.start() < at:
                openings[kind] = _BLOCK_OPEN[kind].search(text, at)
        waiting = [(m.start(), k, m) for k, m in openings.items() if m is not None]
        if not waiting:
            break
        start, kind, opening = min(waiting, key=lambda w: w[0])
        end = _BLOCK_END[kind].search(text, opening.end())
        if end is None:
            openings[kind] = None  # every later opening of the kind stays unclosed too
            continue
        out.append(text[at:start])
        if kind == "raw":
            kept.append(_RAW_TAG.sub("", text[start : end.end()]))
            out.append(f"\x00{len(kept) - 1}\x00")
        at = end.end()
    out.append(text[at:])
    return "".join(out)


def _without_tags(text: str) -> str:
    """`text` without `{% … %}`, `{{ … }}` and `{# … #}`, each opening taken
    to its first closing, as `re.sub` of `\\{%.*?%\\}|…` would."""
    out: list[str] = []
    at = search = 0
    live = set(_TAG_CLOSE)
    while live and (opening := _TAG_OPEN.search(text, search)):
        start, kind = opening.start(), opening.group(0)
        if kind not in live:
            search = start + 1
            continue
        close = text.find(_TAG_CLOSE[kind], start + 2)
        if close < 0:
            live.discard(kind)  # no later opening of the kind is closed either
            search = start + 1
            continue
        out.append(text[at:start])
        at = search = close + 2
    out.append(text[at:])
    return "".join(out)
