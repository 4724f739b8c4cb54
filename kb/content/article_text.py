"""An article file's bytes as text, refused whole when they are not UTF-8 text.

`kb validate`, the indexer and the browser editor read an article's bytes
through `decode_text`, so each names a bad byte with the same line and
position. Nothing is ever replaced: the editor would show a replacement
character for a bad byte, and a save would write it back in its place.
"""

from __future__ import annotations

from kb.content.problem_texts import content_error


def decode_text(raw: bytes, path: str) -> str:
    """The text of an article file's bytes; `ContentError` (kind encoding or binary,
    with the line and byte) for anything that is not UTF-8 text. Nothing is
    replaced: an editor that opened a replacement character for a bad byte would
    write it back and lose the byte."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # the byte-order marks of UTF-16
        raise content_error("utf16", path, kind="encoding")
    if b"\x00" in raw[:8192]:
        raise content_error("binary", path, kind="binary")
    if b"\x00" in raw:  # text with one NUL further down: no database can store it
        at = raw.index(b"\x00")
        line = raw.count(b"\n", 0, at) + 1
        raise content_error("nul", path, line=line, kind="encoding", at=at)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = repr(raw[exc.start : exc.start + 1])
        raise content_error(
            "invalid_utf8", path, line=line, kind="encoding", at=exc.start, byte=byte
        ) from None
    return text.removeprefix("\ufeff")
