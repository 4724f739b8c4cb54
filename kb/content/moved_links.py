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
would have led to the old id. The texts that may be links are read by
`kb.content.written_links` (escapes and character references as the page
reads them: `vpn&#46;md` names `vpn.md`; such a target is written
percent-encoded when changed), in time linear in the body; the renderer is
asked only when one of them names the old id, within the page's render
budget. Content health's link findings and the editor's warning of links to
renamed articles read links here too (`linked_articles`), and its warning of
links that name no article reads the same texts (`kb.content.dropped_links`),
so that what one reports the other changes.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from urllib.parse import quote

from kb.content.markdown_article import DEFAULT_RENDER_SECONDS, render_problem
from kb.content.markdown_text import RenderError
from kb.content.rendered_code import Shown, shown_as, shown_as_links
from kb.content.sanitize import resolve_article_link
from kb.content.written_links import WrittenLink, written_links

# How the page may show a link that is changed: as a link, or to nobody.
_CHANGED = frozenset({Shown.LINK, Shown.UNSEEN})
# What a target written with escapes or character references is written as
# when changed: its other characters percent-encoded, which no Markdown reads.
_PLAIN = "/#?=%"


def _retargeted(
    link: WrittenLink, written: str, article_id: str, old_id: str, new_id: str
) -> str | None:
    """The text `written` of `link` (in `article_id`) made to name `new_id`; None
    when it does not name `old_id`."""
    resolved = resolve_article_link(link.target, article_id)
    if resolved is None or resolved[0] != old_id:
        return None
    new = _pointed(link.target, article_id, old_id, new_id)
    return new if written.strip() == link.target else quote(new, safe=_PLAIN)


def _pointed(target: str, article_id: str, old_id: str, new_id: str) -> str:
    """`target`, which names `old_id` from `article_id`, made to name `new_id`."""
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
    for link in sorted(written_links(body), key=lambda link: link.start):
        start, end = link.start, link.end
        new = _retargeted(link, body[start:end], article_id, old_id, new_id)
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
    for link in written_links(body):
        resolved = resolve_article_link(link.target, article_id)
        if resolved is not None and wanted(resolved[0]):
            found.append((link.start, resolved[0]))
    shown = shown_as_links(body, [at for at, _ in found], render_seconds)
    return sorted({aid for (_, aid), link in zip(found, shown, strict=True) if link})


def retarget_related(related: Sequence[str], old_id: str, new_id: str) -> tuple[str, ...]:
    """`related` entries with `old_id` replaced by `new_id` (named once)."""
    return tuple(dict.fromkeys(new_id if item == old_id else item for item in related))
