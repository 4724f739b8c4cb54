"""Python's HTML parser, made to read every rendered article to its end.

A raw HTML block of Markdown reaches the rendered HTML as written, until the
sanitiser sees it. Python's `html.parser` (before 3.13) raises
`AssertionError` on a marked section it cannot name (`<![<![`, `<![foo[`),
which would stop whatever reads that HTML: the sections cut for the index
(`kb.content.markdown_text`, so `kb index` and `kb validate` for every
department) and the headings placed under the title (`kb.content.outline`).
`ArticleHTMLParser` reads such a `<![` as text, as the sanitiser shows it.
"""

from __future__ import annotations

from html.parser import HTMLParser


class ArticleHTMLParser(HTMLParser):
    """An `HTMLParser` that reads a marked section it cannot name as text."""

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.handle_data(self.rawdata[i : i + 3])
            return i + 3
