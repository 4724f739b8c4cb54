"""The words of content problems: each kind's key and its English message and hint.

A problem with an article's file (`kb.records.Problem`, or the `ContentError`
that makes a file unusable) is stored and printed in English: `kb validate`,
the indexer's log and the JSON API say the message as written here, and
scripts read it. Each text has a key, so that a page can say the same in its
reader's language: `problem_<key>` and `problem_<key>_hint` in the domain's
catalogue (kb/i18n/locales/<lang>/problems.po, `kb.i18n.problems` words them).
The values are filled in as the English message shows them (a quoted
`'bogus'`, a number with its separators) and are passed on unchanged.

The content root's own problems (department files, the catalogue, the
settings file) have their texts in `kb.content.setup_texts`, a document's that
cannot be read theirs in `kb.extract.problem_texts`. A problem made
without a key keeps its English text on every page.
"""

from __future__ import annotations

from typing import Any

from kb.content.setup_texts import SETUP_TEXTS
from kb.errors import ContentError, KbError
from kb.extract.problem_texts import DOCUMENT_TEXTS
from kb.records import Problem, Severity

_RESTRICTED = (
    "; the article is restricted to its department's content owners and admins until this is fixed"
)
_AUDIENCE_HINT = "write audience: [everyone] for everyone, or audience: [hr, managers]"

# A picture that is not shown (`kb.content.images`): which, why, what to do.
NOT_SHOWN_HINT = "the page shows the picture's alt text instead"
_NOT_SHOWN = "image {source} is not shown: "
_IMAGES: dict[str, tuple[str, str]] = {
    "image_no_address": ("it has no address", "write the picture's file name in the parentheses"),
    "image_remote": (
        "pictures on other hosts are never loaded (no tracking of readers); the page links to it",
        "put the picture into the article's folder and name it by its file name",
    ),
    "image_scheme": ("a {scheme}: address is not a file", "name a picture file of the folder"),
    "image_absolute": (
        "an absolute path can name files outside the article's folder",
        "write the path relative to the article, such as pics/step-1.png",
    ),
    "image_outside": (
        "'..' leads out of the article's folder",
        "put the picture in the article's folder or a folder below it",
    ),
    "image_hidden": (
        "the path holds a hidden name, a backslash or a control character",
        "rename it",
    ),
    "image_suffix": (
        "only PNG, JPEG, GIF and WebP pictures are shown (SVG can carry script)",
        "save the picture as PNG or JPEG",
    ),
    "image_missing": (
        "there is no such file",
        "check the file name and its folder (letter case counts)",
    ),
    "image_not_a_file": (
        "it is a link, or a folder on its way is, or not a regular file",
        "put the picture itself in the article's folder, not a link to it",
    ),
    "image_too_large": (
        "the file is over the {limit}-byte limit for pictures (setting image_max_bytes)",
        "make the picture smaller: crop it, scale it down or save it as JPEG",
    ),
    "image_empty": ("the file is empty", "save the picture as PNG or JPEG under this name"),
    "image_markup": (
        "its bytes are markup (HTML or SVG), not a picture",
        "save the picture as PNG or JPEG under this name",
    ),
    "image_not_picture": (
        "its bytes are not a PNG, JPEG, GIF or WebP picture",
        "save the picture as PNG or JPEG under this name",
    ),
}

# A content file that is not read (`kb.content.regular_files`); a caller picks
# the key whose hint fits its file (an article, a document, any file).
_NOT_A_FILE = "not a regular file (a symbolic link, named pipe, device or socket); skipped"
_TOO_LARGE = "file is {size} bytes, over the {limit}-byte limit"
_FILES: dict[str, tuple[str, str]] = {
    "file_missing": ("file does not exist", ""),
    "not_a_file": (_NOT_A_FILE, "put the file itself in the folder, not a link to it"),
    "not_a_file_document": (_NOT_A_FILE, "put the document itself in the folder"),
    "linked_folder": (
        "the folder {folder} on its way is a symbolic link, or no longer a folder; skipped",
        "put the folder itself in the department folder, not a link to it",
    ),
    "hard_link": (
        "a hard link: the file has {names} names on disk, and only a file with one name is "
        "read; skipped",
        "put a copy of the file in the folder (cp, not ln), or remove its other names; "
        "a content file is read only when this is its one name",
    ),
    "read_error": ("cannot read file: {reason}", ""),
    "too_large_file": (_TOO_LARGE, "split it into smaller files"),
    "too_large": (_TOO_LARGE, "split the article into smaller ones or raise max_file_bytes"),
    "too_large_on_disk": (
        _TOO_LARGE,
        "split the article into smaller ones on disk, or raise max_file_bytes",
    ),
}

# key -> (message, hint), `{name}` filled in from the problem's values.
TEXTS: dict[str, tuple[str, str]] = {
    **_FILES,
    "empty": ("file is empty", "write the article or delete the file"),
    "file_name_backslash": (
        "the file's path holds a backslash (\\), which an article id cannot",
        "rename the file or its folder without the backslash",
    ),
    "file_name_control": (
        "the file's path holds a control character (such as a line break), which an "
        "article id cannot",
        "rename the file or its folder without it",
    ),
    "file_name_direction": (
        "the file's path holds a control that reorders the text after it (such as "
        "U+202E), which would show its name as another's",
        "rename the file or its folder without it",
    ),
    "file_name_long": (
        "the file's path is {size} bytes long; an article id may have at most {most}",
        "shorten the names of the file or its folders",
    ),
    "file_type": ("no reader for this type of file", "supported types: {types}"),
    "no_department": (
        "article is not inside a department folder",
        "move it into a department folder such as hr/ or it/",
    ),
    "utf16": ("file is UTF-16 text, not UTF-8", "save the file as UTF-8"),
    "binary": ("file is binary, not Markdown text", "only Markdown (.md) text files are articles"),
    "nul": ("a NUL character (\\u0000) at byte {at}", "remove it; most editors do not show it"),
    "invalid_utf8": ("invalid UTF-8 at byte {at} ({byte})", "save the file as UTF-8"),
    "redirect": ("page only redirects to {target}; nothing to index", "no action needed"),
    "render_time": (
        "the Markdown takes too long to render ({detail}); the article is not published",
        "look for long runs of unmatched '[' or deeply nested lists and quotes, split the "
        "article, or ask the operator to raise render_seconds",
    ),
    "render_depth": (
        "the Markdown cannot be rendered: {detail}; the article is not published",
        "write the lists and quotes at fewer levels, or split the article",
    ),
    "render_size": (
        "the Markdown renders to too much HTML: {detail}; the article is not published",
        "look for a link or picture address named many times by reference ([text][name]), "
        "an abbreviation with a long title, or tables with many columns, or split the article",
    ),
    "yaml_unclosed": (
        "front matter is not closed by a '---' line",
        "end the front matter with a line of three dashes",
    ),
    "yaml_invalid": (
        "front matter is not valid YAML: {problem}",
        "fix the YAML between the '---' lines (quote values containing ':')",
    ),
    "yaml_not_mapping": (
        "front matter must be a mapping of field: value",
        "write one 'field: value' per line",
    ),
    "front_matter_late": (
        "front matter starts on line {start}, after blank lines; other Markdown tools show it "
        "as text",
        "remove the blank lines above the first '---'",
    ),
    "status": (
        "status {value} is not one of {allowed}",
        "set status to one of the allowed values",
    ),
    "title_missing": (
        "no title in front matter or heading; using the file name",
        "add title: … to the front matter or start the article with a # heading",
    ),
    "title_missing_document": (
        "no title in the document's properties, its sidecar or a heading; using the file name",
        "give it a title in a sidecar file {name}.yml (title: …) or in the document itself",
    ),
    "field_unknown": (
        "unknown field '{name}'; did you mean '{meant}'? It is ignored",
        "rename it to {meant}",
    ),
    "field_not_date": ("field '{field}' is not a date (YYYY-MM-DD): {value}; ignored", ""),
    "field_not_list": ("field '{field}' should be a list, got {value}; ignored", ""),
    "tags_too_many": (
        "{count} tags; only the first {limit} are published: the page shows them"
        " and search finds them, the others are ignored",
        "keep the tags that say what the article is about",
    ),
    "lang_not_code": ("lang {value} is not a language code like en or de; detecting", ""),
    "audience_misspelled": (
        "field '{name}' is not 'audience'" + _RESTRICTED,
        _AUDIENCE_HINT,
    ),
    "audience_not_list": (
        "audience must be a list of groups (e.g. [hr, managers]), got {got}" + _RESTRICTED,
        _AUDIENCE_HINT,
    ),
    "audience_empty": ("audience is empty" + _RESTRICTED, _AUDIENCE_HINT),
    "audience_everyone_and": (
        "audience lists everyone together with other groups: everyone can read it;"
        " remove everyone to limit it to {groups}",
        "",
    ),
    "no_text": ("article has no body text; only its title is searchable", ""),
    "bidi_control": (
        "{field} holds a control that reorders how the text after it shows ({chars}); "
        "readers see the text without it",
        "delete it (most editors do not show it); right-to-left letters show right to left "
        "without such controls",
    ),
    **{
        key: (_NOT_SHOWN + why, f"{hint}; {NOT_SHOWN_HINT}") for key, (why, hint) in _IMAGES.items()
    },
    **SETUP_TEXTS,
    **DOCUMENT_TEXTS,
}


def image_reason(key: str) -> str:
    """Why a picture is not shown, in English, as the problem of `key` says it
    after "is not shown: " (an upload's refusal gives the same reason)."""
    return _IMAGES[key][0]


def _worded(key: str, values: dict[str, Any]) -> tuple[str, str, dict[str, str]]:
    shown = {name: str(value) for name, value in values.items()}
    message, hint = TEXTS[key]
    return message.format(**shown), hint.format(**shown), shown


def content_error(
    key: str, path: str, *, kind: str, line: int | None = None, **values: Any
) -> ContentError:
    """The `ContentError` of text `key` about the file at `path`, `values` filled in."""
    message, hint, shown = _worded(key, values)
    return ContentError(
        message, path=path, line=line, hint=hint, kind=kind, text_key=key, text_values=shown
    )


def detail_of(error: KbError) -> dict[str, Any]:
    """The values a text that frames `error`'s message (`{detail}`) carries besides
    it, for a page to say it from the error's own text (`detail_key`, as
    `kb.i18n.problems` words it); none for an error without a key."""
    return {"detail_key": error.key, **error.values} if error.key else {}


def problem(
    key: str,
    path: str,
    *,
    kind: str,
    severity: Severity = Severity.WARNING,
    line: int | None = None,
    **values: Any,
) -> Problem:
    """The `Problem` of text `key` about the file at `path`, `values` filled in."""
    message, hint, shown = _worded(key, values)
    return Problem(
        path,
        message,
        hint=hint,
        line=line,
        severity=severity,
        kind=kind,
        text_key=key,
        text_values=shown,
    )
