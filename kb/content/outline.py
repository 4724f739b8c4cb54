"""An article body's headings placed under the page's title.

Every page that shows an article body already names the article in its one
`<h1>` (the article page, the editor), so the body's own headings must start
below it. Authors often begin a Markdown file with `# Title` (and a file
without a `title:` field takes its title from that heading): that heading
would say the title a second time, so a leading `<h1>` that reads like the
title (case and spacing aside), or any leading `<h1>` when no title is
known, is left out. If an `<h1>` remains after that, every heading moves one
level down (`<h1>` → `<h2>` … `<h5>` → `<h6>`; `<h6>` stays) so that the
outline below the title keeps its shape.

This is a matter of showing only: the index keeps the headings as written
(passage text and heading paths are cut from the rendered body before this
runs, `kb.content.markdown_text`). Callers sanitise the result, as they
sanitise any HTML they show (`kb.content.sanitize`).
"""

from __future__ import annotations

import html

from kb.content.html_parsing import HtmlToken, html_tokens

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _same_words(one: str, other: str) -> bool:
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def _leading_title(tokens: list[HtmlToken], title: str) -> tuple[int, int] | None:
    """(first, past) indexes of a leading `<h1>` that repeats `title`, if any."""
    start = next((i for i, t in enumerate(tokens) if t.tag or t.raw.strip()), None)
    if start is None or tokens[start].tag != "h1" or tokens[start].end:
        return None
    depth, words = 0, list[str]()
    for index in range(start, len(tokens)):
        token = tokens[index]
        if token.tag == "h1":
            depth += -1 if token.end else 1
            if depth == 0:
                text = html.unescape("".join(words))
                same = not title.strip() or _same_words(text, title)
                return (start, index + 1) if same else None
        elif not token.tag:
            words.append(token.raw)
    return None


def _moved_down(token: HtmlToken) -> str:
    """The heading tag one level lower (`h6` stays `h6`), attributes kept."""
    level = min(int(token.tag[1]) + 1, 6)
    if token.end:
        return f"</h{level}>"
    return token.raw[:1] + f"h{level}" + token.raw[3:]


def under_title(body_html: str, title: str) -> str:
    """`body_html` as shown below an `<h1>` that says `title` ("": no title
    known): without a leading `<h1>` repeating the title, and one level lower
    when an `<h1>` is left."""
    tokens = html_tokens(body_html)
    leading = _leading_title(tokens, title)
    if leading is not None:
        tokens = tokens[: leading[0]] + tokens[leading[1] :]
    if not any(t.tag == "h1" for t in tokens):
        return body_html if leading is None else "".join(t.raw for t in tokens)
    return "".join(_moved_down(t) if t.tag in _HEADINGS else t.raw for t in tokens)
