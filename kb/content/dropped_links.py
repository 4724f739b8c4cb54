"""Relative links in an article's Markdown that name no article.

`hr/annual-leave` without its `.md`, or a file beside the article: the
preview shows a link, but the published page keeps only its text
(`kb.content.sanitize`), so readers meet a dead end. Content health reports
them as broken links and the editor warns of them on preview and save; both
read them here, so that the two never disagree about what a link names.
A link written in code is shown as written, no link: which texts the page
shows as links is asked of the renderer (`kb.content.rendered_code`), only
for the links that would be reported, so most bodies are not rendered again.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from kb.content.markdown_article import DEFAULT_RENDER_SECONDS
from kb.content.rendered_code import shown_as_links
from kb.content.sanitize import resolve_article_link

# Any inline link's target, not a picture's (`![alt](x.png)`): `<in brackets>`
# (spaces and all) or up to a space, then an optional title and the closing `)`.
# Without its `)` the page shows the text as written and no link (`[a](` left
# unfinished named a link `[a` the page never had). A text is scanned to the
# next `[` or `]`, a target to the next `]`, `>` or space, a title to its next
# quote or the line's end: linear in the body.
_ANY_LINK = re.compile(
    r"""(?<!!)\[[^\[\]]*\]\(\s*(?:<([^<>\n]*)>|([^)\s>\]"]+))"""
    r"""\s*(?:"[^"\n]*"|'[^'\n]*')?\s*\)"""
)


def dropped_links(
    body: str, article_id: str, render_seconds: float = DEFAULT_RENDER_SECONDS
) -> list[str]:
    """The relative link targets of `body` (the Markdown of `article_id`), as
    written and sorted, that name no article; a link written in code is shown
    as written, no link (`kb.content.rendered_code`), and is not one, nor is
    any link of a body that does not render within `render_seconds`."""
    candidates = []
    for found in _ANY_LINK.finditer(body):
        bracketed, bare = found.groups()
        target = bare if bracketed is None else bracketed.strip()
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path:
            continue  # another site, an address, a fragment of this page
        if resolve_article_link(target, article_id) is None:
            candidates.append((found.start(1 if bare is None else 2), target))
    shown = shown_as_links(body, [at for at, _ in candidates], render_seconds)
    return sorted({target for (_, target), link in zip(candidates, shown, strict=True) if link})
