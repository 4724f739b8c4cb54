"""Relative links in an article's Markdown that name no article.

`hr/annual-leave` without its `.md`, or a file beside the article: the
preview shows a link, but the published page keeps only its text
(`kb.content.sanitize`), so readers meet a dead end. Content health reports
them as broken links and the editor warns of them on preview and save; both
read them here, so that the two never disagree about what a link names.
The links are those a rename reads and changes (`kb.content.written_links`):
every form the page makes a link of (brackets in its text, a reference, an
HTML anchor), its target read as the page reads it (`x&#46;md` names
`x.md`), in time linear in the body. A link written in code is shown as
written, no link: which texts the page shows as links is asked of the
renderer (`kb.content.rendered_code`), only for the links that would be
reported, so most bodies are not rendered again.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from kb.content.markdown_article import DEFAULT_RENDER_SECONDS
from kb.content.rendered_code import shown_as_links
from kb.content.sanitize import resolve_article_link
from kb.content.written_links import written_links


def dropped_links(
    body: str, article_id: str, render_seconds: float = DEFAULT_RENDER_SECONDS
) -> list[str]:
    """The relative link targets of `body` (the Markdown of `article_id`), as
    written and sorted, that name no article; a link written in code is shown
    as written, no link (`kb.content.rendered_code`), and is not one, nor is
    any link of a body that does not render within `render_seconds`."""
    candidates = []
    for link in written_links(body):
        parts = urlsplit(link.target)
        if link.picture or parts.scheme or parts.netloc or not parts.path:
            continue  # a picture, another site, an address, a fragment of this page
        if resolve_article_link(link.target, article_id) is None:
            candidates.append((link.start, body[link.start : link.end].strip()))
    shown = shown_as_links(body, [at for at, _ in candidates], render_seconds)
    return sorted({target for (_, target), link in zip(candidates, shown, strict=True) if link})
