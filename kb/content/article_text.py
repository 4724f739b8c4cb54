"""An article file's bytes as text, refused whole when they are not UTF-8 text.

`kb validate`, the indexer and the browser editor read an article's bytes
through `decode_text`, so each names a bad byte with the same line and
position. Nothing is ever replaced: the editor would show a replacement
character for a bad byte, and a save would write it back in its place.
"""

from __future__ import annotations

from kb.errors import ContentError


def decode_text(raw: bytes, path: str) -> str:
    """The text of an article file's bytes; `ContentError` (kind encoding or binary,
    with the line and byte) for anything that is not UTF-8 text. Nothing is
    replaced: an editor that opened a replacement character for a bad byte would
    write it back and lose the byte."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # the byte-order marks of UTF-16
        raise ContentError(
            "file is UTF-16 text, not UTF-8",
            path=path,
            kind="encoding",
            hint="save the file as UTF-8",
        )
    if b"\x00" in raw[:8192]:
        raise ContentError(
            "file is binary, not Markdown text",
            path=path,
            kind="binary",
            hint="only Markdown (.md) text files are articles",
        )
    if b"\x00" in raw:  # text with one NUL further down: no database can store it
        at = raw.index(b"\x00")
        raise ContentError(
            f"a NUL character (\\u0000) at byte {at}",
            path=path,
            line=raw.count(b"\n", 0, at) + 1,
            kind="encoding",
            hint="remove it; most editors do not show it",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ContentError(
            f"invalid UTF-8 at byte {exc.start} ({raw[exc.start : exc.start + 1]!r})",
            path=path,
            line=line,
            kind="encoding",
            hint="save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")
