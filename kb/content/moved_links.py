"""The links of an article's Markdown that name one article, pointed at another.

When an article is renamed (`kb.authoring.moving`), the articles that link
to it are changed to name its new id (`kb.authoring.relinking`). Only links
are changed: an inline link `[text](../it/vpn.md#part "title")` (its target
in `<>` too, `[text](<vpn setup.md>)`), a reference
definition `[vpn]: ../it/vpn.md`, an HTML anchor `<a href="vpn.md">` and a
`related:` entry. The same words in a sentence, in a code span, a fenced or
an indented code block (an example of how to write a link) are text a person
wrote and stay as they are: which is which the page's own renderer says
(`kb.content.rendered_code`, as content health and the editor ask it), so a
link is changed exactly when readers see it as one (or nobody sees it: a
reference definition no link uses yet). A link keeps its form: relative
stays relative, its fragment, query and title stay, and only the file name
changes when the article kept its folder.

Which article a link names is decided by `kb.content.sanitize.resolve_article_link`,
as the article page decides it, so a link is changed exactly when the page
would have led to the old id. The texts that may be links are found by
expressions that scan a `]` or `[` only to the end of a token or line, in
time linear in the body; the renderer is asked only when one of them names
the old id, within the page's render budget. Content health's link findings
and the editor's warning of links to renamed articles read links here too
(`linked_articles`), so that what one reports the other changes.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import quote

from kb.content.markdown_article import DEFAULT_RENDER_SECONDS, render_problem
from kb.content.markdown_text import RenderError
from kb.content.rendered_code import Shown, shown_as, shown_as_links
from kb.content.sanitize import resolve_article_link

# An inline link's target (or a picture's: the renderer tells), whatever its
# text, and only where the link closes (a title between): `[a](b.md` is text.
# A target in `<>` is read to its `>`, spaces and all (`[a](<a b.md>)`); no
# part scans past a `<`, `>`, quote or the line's end: linear in the body.
_INLINE = re.compile(
    r"\]\(\s*(?:<([^<>\n]*)>|([^)\s<>\]\"]+))"
    r"(?=(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\))"
)
# A reference definition, `[label]: target`: at a line's start, in a list item
# or a quote, as the renderer reads it there; its target in `<>` as above.
_REFERENCE = re.compile(r"\[[^\[\]\n]+\]:[ \t]*(?:<([^<>\n]*)>|([^\s<>]+))")
# An HTML anchor written into the Markdown.
_ANCHOR = re.compile(r"<a\s[^<>]*?\bhref\s*=\s*[\"']([^\"'<>]+)[\"']", re.IGNORECASE)
# How the page may show a link that is changed: as a link, or to nobody.
_CHANGED = frozenset({Shown.LINK, Shown.UNSEEN})


def _targets(body: str) -> Iterator[tuple[int, int]]:
    """Where each text that may be a link's target lies in `body`: (start, end)."""
    for expression in (_INLINE, _REFERENCE, _ANCHOR):
        for match in expression.finditer(body):
            # The one group that matched: `<>` around the target, or none.
            yield next(
                match.span(g) for g in range(1, expression.groups + 1) if match.group(g) is not None
            )


def _retargeted(target: str, article_id: str, old_id: str, new_id: str) -> str | None:
    """`target` (written in `article_id`) made to name `new_id`; None when it does
    not name `old_id`."""
    resolved = resolve_article_link(target, article_id)
    if resolved is None or resolved[0] != old_id:
        return None
    cut = min((i for i in (target.find("#"), target.find("?")) if i >= 0), default=len(target))
    path, rest = target[:cut], target[cut:]
    if posixpath.dirname(old_id) == posixpath.dirname(new_id):
        folder = path.rpartition("/")[0]
        name = quote(posixpath.basename(new_id))
        return f"{folder}/{name}{rest}" if "/" in path else f"{name}{rest}"
    if path.startswith("/"):
        return f"/{quote(new_id)}{rest}"
    return quote(posixpath.relpath(new_id, posixpath.dirname(article_id) or ".")) + rest


def retarget_links(
    body: str,
    article_id: str,
    old_id: str,
    new_id: str,
    render_seconds: float = DEFAULT_RENDER_SECONDS,
) -> tuple[str, int]:
    """`body` (the Markdown of `article_id`) with every link that names `old_id`
    naming `new_id` instead (see the module), and how many links changed;
    `ContentError` when a body holding such a text does not render within
    `render_seconds` (its page shows nothing either)."""
    changes: dict[int, tuple[int, str]] = {}
    done = 0
    for start, end in sorted(set(_targets(body))):
        new = _retargeted(body[start:end], article_id, old_id, new_id)
        if new is not None and start >= done:  # one change per text
            changes[start] = (end, new)
            done = end
    try:
        shown = shown_as(body, list(changes), render_seconds)
    except RenderError as exc:
        raise render_problem(exc, article_id) from None
    links = [start for start, how in zip(changes, shown, strict=True) if how in _CHANGED]
    for start in sorted(links, reverse=True):
        end, new = changes[start]
        body = body[:start] + new + body[end:]
    return body, len(links)


def linked_articles(
    body: str,
    article_id: str,
    wanted: Callable[[str], bool],
    render_seconds: float = DEFAULT_RENDER_SECONDS,
) -> list[str]:
    """The ids, sorted, of the articles that the links of `body` (the Markdown
    of `article_id`) name, those `wanted` picks: links the page shows as links
    (none of a body that does not render within `render_seconds`)."""
    found = []
    for start, end in _targets(body):
        resolved = resolve_article_link(body[start:end], article_id)
        if resolved is not None and wanted(resolved[0]):
            found.append((start, resolved[0]))
    shown = shown_as_links(body, [at for at, _ in found], render_seconds)
    return sorted({aid for (_, aid), link in zip(found, shown, strict=True) if link})


def retarget_related(related: Sequence[str], old_id: str, new_id: str) -> tuple[str, ...]:
    """`related` entries with `old_id` replaced by `new_id` (named once)."""
    return tuple(dict.fromkeys(new_id if item == old_id else item for item in related))
