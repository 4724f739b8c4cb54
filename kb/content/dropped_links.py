"""Relative links in an article's Markdown that name no article.

`hr/annual-leave` without its `.md`, or a file beside the article: the
preview shows a link, but the published page keeps only its text
(`kb.content.sanitize`), so readers meet a dead end. Content health reports
them as broken links and the editor warns of them on preview and save; both
read them here, so that the two never disagree about what a link names.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from kb.content.rendered_code import blank_code
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


def dropped_links(body: str, article_id: str) -> list[str]:
    """The relative link targets of `body` (the Markdown of `article_id`), as
    written and sorted, that name no article; a link written in code is shown
    as written, no link (`kb.content.rendered_code`), and is not one."""
    dropped = set()
    for found in _ANY_LINK.finditer(blank_code(body)):
        bracketed, bare = found.groups()
        target = bare if bracketed is None else bracketed.strip()
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path:
            continue  # another site, an address, a fragment of this page
        if resolve_article_link(target, article_id) is None:
            dropped.add(target)
    return sorted(dropped)
