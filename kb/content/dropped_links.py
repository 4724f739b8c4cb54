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

from kb.content.sanitize import resolve_article_link

# Any inline link's target, not a picture's (`![alt](x.png)`). The text holds no
# `[` either, so that each `[` is scanned only to the next: linear in the body.
_ANY_LINK = re.compile(r"(?<!!)\[[^\[\]]*\]\(\s*<?([^)\s>\]\"]+)")


def dropped_links(body: str, article_id: str) -> list[str]:
    """The relative link targets of `body` (the Markdown of `article_id`), as
    written and sorted, that name no article."""
    dropped = set()
    for target in _ANY_LINK.findall(body):
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path:
            continue  # another site, an address, a fragment of this page
        if resolve_article_link(target, article_id) is None:
            dropped.add(target)
    return sorted(dropped)
