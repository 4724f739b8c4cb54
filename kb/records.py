"""Domain records of the knowledge base: departments, articles, their sections
and passages, and the problems found while reading content."""

from __future__ import annotations

import hashlib
import math
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from kb.passage_words import WORD, model_heading, passage_word_count
from kb.validators import normal_name, set_normalised, without_bidi_controls


class Status(str, Enum):  # noqa: UP042 - str() and format() stay as they are
    """Life cycle of an article; only published articles reach employees."""

    DRAFT = "draft"
    REVIEW = "review"
    PUBLISHED = "published"
    RETIRED = "retired"


EVERYONE = "everyone"
# The longest target a department file may set: a working year (250 days of
# 8 hours), well within the ten years the working calendar counts through.
MAX_TARGET_HOURS = 2000.0


@dataclass(frozen=True)
class Targets:
    """Request-handling targets of a department, in working hours."""

    first_response_hours: float = 8.0
    resolution_hours: float = 40.0

    def __post_init__(self) -> None:
        # NaN, infinity or years of hours would fail every due date of the
        # department's requests (and a move into its queue) with a 500.
        hours = (self.first_response_hours, self.resolution_hours)
        if not all(math.isfinite(h) and 0 < h <= MAX_TARGET_HOURS for h in hours):
            raise ValueError(
                f"targets must be hours above 0 and at most {MAX_TARGET_HOURS:g}, got "
                f"{self.first_response_hours!r} and {self.resolution_hours!r}"
            )


@dataclass(frozen=True)
class Department:
    """A department folder under the content root and what its file says."""

    slug: str
    name: str
    description: str = ""
    contact: dict[str, str] = field(default_factory=dict)
    targets: Targets = field(default_factory=Targets)
    keywords: tuple[str, ...] = ()
    has_file: bool = False
    # Four-eyes rule: another content owner of the department approves before
    # an article edited in the browser is published (`review_required: true`).
    # The index snapshot does not keep it, so it takes no part in comparing.
    review_required: bool = field(default=False, compare=False)
    # The name in other languages (`display_names: {de: Personal}`):
    # language code -> name, shown where the page or mail is in that language.
    # Like review_required, not in the index snapshot, so not compared.
    display_names: dict[str, str] = field(default_factory=dict, compare=False)
    # The names of the organisation's own audience groups in each language
    # (`audience_names: {managers: {de: Führungskräfte}}`, kb.content.audience_names):
    # group -> language code -> name. Not in the index snapshot either.
    audience_names: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        set_normalised(self, "slug", normal_name(self.slug))
        if not self.slug or "/" in self.slug:
            raise ValueError(f"department slug must be one folder name, got {self.slug!r}")
        # Shown in every queue, search result and chart: no control that
        # reorders the text after it ("IT \u202esnimda" read as "IT admins").
        set_normalised(self, "name", without_bidi_controls(self.name))
        set_normalised(self, "description", without_bidi_controls(self.description))
        names = {lang: without_bidi_controls(name) for lang, name in self.display_names.items()}
        set_normalised(self, "display_names", names)
        groups = {
            group: {lang: without_bidi_controls(name) for lang, name in by_lang.items()}
            for group, by_lang in self.audience_names.items()
        }
        set_normalised(self, "audience_names", groups)

    def shown_name(self, lang: str) -> str:
        """The department's name in language `lang`: its display name there,
        else the configured `name`."""
        return self.display_names.get(lang) or self.name


@dataclass(frozen=True)
class Section:
    """A run of text under one heading path (the article's own top is path ()).

    Sections of documents know where they are in the original: `page` is the
    page the text starts on and `page_breaks` the word positions (in
    `kb.passage_words.passage_words(text)`) where each following page begins (PDF); `number` is the
    section number printed before the heading ("3.2")."""

    headings: tuple[str, ...]
    text: str
    page: int | None = None
    page_breaks: tuple[int, ...] = ()
    number: str = ""

    def __post_init__(self) -> None:
        # A content file may only publish an article: its headings and text
        # show without the controls that reorder the text after them.
        set_normalised(self, "headings", tuple(without_bidi_controls(h) for h in self.headings))
        text = without_bidi_controls(self.text)
        if text != self.text:
            breaks = _page_breaks_without_controls(self.text, self.page_breaks)
            set_normalised(self, "page_breaks", breaks)
            set_normalised(self, "text", text)

    def locator(self, start: int = 0, end: int | None = None) -> str:
        """How a citation names the words `start:end` of this section ("page 4",
        "pages 4–5", "Section 3.2"), or '' where the format has no such place."""
        if self.page is not None:
            stop = end if end is not None else passage_word_count(self.text)
            first = self.page + bisect_right(self.page_breaks, start)
            last = self.page + bisect_right(self.page_breaks, max(start, stop - 1))
            return f"page {first}" if first == last else f"pages {first}–{last}"
        if not self.number:
            return ""
        return f"Sections {self.number}" if "–" in self.number else f"Section {self.number}"


def _page_breaks_without_controls(text: str, breaks: tuple[int, ...]) -> tuple[int, ...]:
    """`breaks` (word positions in `text`) as positions in `text` without its
    bidirectional controls: a word of controls alone is gone, a long one may
    count one piece less."""
    starts = [word.start() for word in WORD.finditer(text)]
    return tuple(
        passage_word_count(without_bidi_controls(text[: starts[b]]))
        if b < len(starts)
        else passage_word_count(without_bidi_controls(text)) + b - len(starts)
        for b in breaks
    )


IMAGE_MEDIA_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_SHA256 = re.compile(r"\A[0-9a-f]{64}\Z")


@dataclass(frozen=True)
class ArticleImage:
    """A picture an article shows, kept with the snapshot under its SHA-256.

    `path` is the picture's POSIX path below the content root (in the
    article's folder or one below it); `media_type` what its bytes are."""

    path: str
    digest: str
    media_type: str
    size: int

    def __post_init__(self) -> None:
        if not _SHA256.match(self.digest):
            raise ValueError(f"image digest must be a SHA-256 in hex, got {self.digest!r}")
        if self.media_type not in IMAGE_MEDIA_TYPES:
            raise ValueError(f"image {self.path!r} has no image media type: {self.media_type!r}")
        if self.size < 0 or self.path.startswith("/") or ".." in self.path.split("/"):
            raise ValueError(f"image {self.path!r} must be a path inside the content root")


@dataclass(frozen=True)
class Article:
    """One article, parsed: a Markdown file, or a document (PDF, DOCX, ODT, HTML, text)
    whose text was extracted. `id` is its POSIX path below the content root.

    `body_html` is the body as HTML: for Markdown, rendered and sanitised once
    when the file is read (the page never renders Markdown); for documents,
    the extracted text as escaped HTML. Both are sanitised again when shown.
    For documents, `source_format` names the format and `original` the
    SHA-256 of the file, under which the snapshot keeps it for download.
    `images` are the pictures of a Markdown article that its page shows
    (`kb.content.article_images`), kept the same way."""

    id: str
    department: str
    title: str
    body_markdown: str
    sections: tuple[Section, ...]
    summary: str = ""
    owner: str = ""
    tags: tuple[str, ...] = ()
    status: Status = Status.PUBLISHED
    audience: tuple[str, ...] = (EVERYONE,)
    lang: str = "en"
    updated: date | None = None
    review_by: date | None = None
    related: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""
    source_format: str = "markdown"
    body_html: str = ""
    original: str = ""
    images: tuple[ArticleImage, ...] = ()

    def __post_init__(self) -> None:
        set_normalised(self, "id", normal_name(self.id))
        set_normalised(self, "department", normal_name(self.department))
        name = self.id.rsplit("/", 1)[-1]
        if self.id.startswith("/") or "\\" in self.id or "." not in name.lstrip("."):
            # Any file type a reader exists for (kb.content.readers) may be an article.
            raise ValueError(
                f"article id must be a relative POSIX path to a content file, got {self.id!r}"
            )
        if not self.title:
            raise ValueError(f"article {self.id!r} has an empty title")
        self._drop_bidi_controls(name)

    def _drop_bidi_controls(self, name: str) -> None:
        """A content file may only publish an article: its title, summary, tags
        and body show without the controls that reorder the text after them
        ("Pay \u202etxt.exe" read as "Pay exe.txt"), in results, answer cards,
        its page and insights, read from a file or from an older snapshot."""
        title = without_bidi_controls(self.title)
        if title != self.title:  # one of controls alone is no title: the file's name
            set_normalised(self, "title", title.strip() or name)
        for field_name in ("summary", "owner", "body_markdown", "body_html"):
            set_normalised(self, field_name, without_bidi_controls(getattr(self, field_name)))
        set_normalised(self, "tags", tuple(without_bidi_controls(tag) for tag in self.tags))

    @property
    def is_document(self) -> bool:
        return self.source_format != "markdown"

    @property
    def is_searchable(self) -> bool:
        return self.status is Status.PUBLISHED

    @property
    def plain_text(self) -> str:
        return "\n\n".join(s.text for s in self.sections if s.text)

    def visible_to(self, groups: frozenset[str] | None) -> bool:
        """Whether a caller with these departments/roles may read the article.

        `None` means an unrestricted caller (the indexer, an administrator)."""
        if EVERYONE in self.audience or groups is None:
            return True
        return bool(groups.intersection(self.audience))


@dataclass(frozen=True)
class Chunk:
    """A passage of an article, the unit both indexes store."""

    article_id: str
    ordinal: int
    department: str
    title: str
    headings: tuple[str, ...]
    text: str
    lang: str
    tags: tuple[str, ...] = ()
    audience: tuple[str, ...] = (EVERYONE,)
    locator: str = ""  # "page 4", "Section 3.2": where in the original the passage is

    @property
    def key(self) -> str:
        return f"{self.article_id}#{self.ordinal}"

    @property
    def embedding_text(self) -> str:
        """What the models read: title and heading path give the passage context
        (at most `kb.passage_words.MAX_HEAD_WORDS` words of them)."""
        return f"{model_heading(self.title, self.headings)}\n{self.text}"

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.embedding_text.encode("utf-8")).hexdigest()


# Control characters (C0, DEL, C1) and the Unicode line and paragraph
# separators: in a name they split each line of CLI and log output that shows
# it, or drive the terminal showing it (kb.content.readers refuses them in ids).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """`text` with each control character written as its escape (`\\n`, `\\x1b`)."""
    return CONTROL_CHARACTERS.sub(_escaped, text)


# As `CONTROL_CHARACTERS`, less the line break and tab a passage holds.
_TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def terminal_text(text: str) -> str:
    """`text` (a passage, many lines) as a command prints it: each control
    character but line break and tab written as its escape. An article's title
    or text is a content owner's to write, and an escape sequence in it would
    otherwise drive the terminal of whoever runs the command (clear it, set
    its clipboard, hide lines)."""
    return _TERMINAL_CONTROLS.sub(_escaped, text)


def _escaped(char: re.Match[str]) -> str:
    return char[0].encode("unicode_escape").decode("ascii")


def terminal_cell(value: Any) -> Any:
    """A CSV cell as a command prints it to a terminal: text as `terminal_text`
    (a cell's line breaks and tabs are its data, and CSV quotes them), anything
    else as it is. Only for a terminal: a CSV piped or redirected is data, and
    stays as it was typed."""
    return terminal_text(value) if isinstance(value, str) else value


# What `json.dumps(..., ensure_ascii=False)` leaves as it is of `CONTROL_CHARACTERS`.
_JSON_CONTROLS = re.compile(r"[\x7f-\x9f\u2028\u2029]")


def terminal_json(line: str) -> str:
    """JSON text (from `json.dumps`, which already escapes C0 controls) with DEL,
    the C1 controls and the line separators also as `\\uXXXX`: the same JSON
    value, with nothing left that drives the terminal showing it."""
    return _JSON_CONTROLS.sub(lambda m: f"\\u{ord(m[0]):04x}", line)


class Severity(str, Enum):  # noqa: UP042 - str() and format() stay as they are
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """Something wrong with one content file, reported by `kb validate` and the indexer."""

    path: str
    message: str
    hint: str = ""
    line: int | None = None
    severity: Severity = Severity.ERROR
    kind: str = "invalid"
    # The message's and hint's key and values, for a page to say them in its
    # reader's language (`kb.content.problem_texts`); "" for English only.
    text_key: str = ""
    text_values: Mapping[str, str] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        path = printable(self.path)  # one problem, one line
        where = f"{path}:{self.line}" if self.line else path
        tail = f" ({self.hint})" if self.hint else ""
        return f"{self.severity.value}: {where}: {self.message}{tail}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity.value,
            "kind": self.kind,
            "message": self.message,
            "hint": self.hint,
        }
