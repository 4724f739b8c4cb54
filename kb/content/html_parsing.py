"""Python's HTML parser, made to read every rendered article to its end.

A raw HTML block of Markdown reaches the rendered HTML as written, until the
sanitiser sees it. Python's `html.parser` (before 3.13) raises
`AssertionError` on a marked section it cannot name (`<![<![`, `<![foo[`),
which would stop whatever reads that HTML: the sections cut for the index
(`kb.content.markdown_text`, so `kb index` and `kb validate` for every
department) and the headings placed under the title (`kb.content.outline`).
`ArticleHTMLParser` reads such a `<![` as text, as the sanitiser shows it.

`html_tokens` cuts HTML into tokens that join back into the same text, for
the changes made to an article's HTML as shown (`kb.content.outline`,
`kb.content.table_names`).
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser


class ArticleHTMLParser(HTMLParser):
    """An `HTMLParser` that reads a marked section it cannot name as text."""

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.handle_data(self.rawdata[i : i + 3])
            return i + 3


@dataclass
class HtmlToken:
    """A piece of the HTML as written; `tag` names a start (or end) tag."""

    raw: str
    tag: str = ""
    end: bool = False


class _HtmlTokens(ArticleHTMLParser):
    """The HTML cut into tokens that join back into the same text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.tokens: list[HtmlToken] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(HtmlToken(self.get_starttag_text() or "", tag))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(HtmlToken(self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(HtmlToken(f"</{tag}>", tag, end=True))

    def handle_data(self, data: str) -> None:
        self.tokens.append(HtmlToken(data))

    def handle_entityref(self, name: str) -> None:
        self.tokens.append(HtmlToken(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.tokens.append(HtmlToken(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(HtmlToken(f"<!--{data}-->"))

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(HtmlToken(f"<!{decl}>"))

    def handle_pi(self, data: str) -> None:
        self.tokens.append(HtmlToken(f"<?{data}>"))

    def unknown_decl(self, data: str) -> None:
        self.tokens.append(HtmlToken(f"<![{data}]>"))


def html_tokens(body_html: str) -> list[HtmlToken]:
    """`body_html` as tokens whose `raw` texts join back into it."""
    parser = _HtmlTokens()
    parser.feed(body_html)
    parser.close()
    if parser.rawdata:  # an unfinished construct at the end stays as written
        parser.tokens.append(HtmlToken(parser.rawdata))
    return parser.tokens
