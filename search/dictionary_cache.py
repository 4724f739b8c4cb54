"""The parsed translation dictionary kept on disk, so that a process starts
without parsing the Ding file again.

Parsing Debian's file (`search.dictionary.parse`) costs seconds of processor
time in every `kb serve` process and worker; reading its parsed table back
costs a fraction of a second (docs/search.md, "Dictionary translation", has
the figures). The cache is one file per dictionary path in the folder the
`translation_dictionary_cache` setting names:

    {"format": 2, "source": …, "size": …, "mtime_ns": …, "sha256": …,
     "parser": …, "payload_bytes": …, "payload_sha256": …}\\n
    {"table": {"urlaub": "vacation\\tleave…", …}, "skipped": 0,
     "english_words": ["a", "abandon", …]}

The first line (the header) says what the payload was parsed from: the
file's path, size, modification time and SHA-256, and the parser's own
fingerprint (a hash of `search/dictionary.py`, so a changed parser never
reads an older table). With the table the payload keeps the words of its
English terms (`BilingualDictionary.english_words`, which tells a real word
from a typo): made from the table, they cost a process about half a second
at its first German question; read back, a tenth of that. The payload is plain JSON (never pickle) whose
length and SHA-256 the header holds, so a truncated or altered file is
caught before a word of it is used. A file that another user owns or may
write is not read (in a folder others may write to, such as a shared
temporary folder, they could plant one with a matching header). A missing,
stale, damaged or foreign cache is parsed again (one log line), never an
error.

A cache file is written to a temporary file in the same folder and renamed
over the old one: two processes that start at once both parse, both write
whole files, and whichever rename comes last stays; neither ever reads a
half-written file. A writer then removes the cache files of dictionaries
that no longer exist (tests name many short-lived ones).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple

logger = logging.getLogger(__name__)

FORMAT = 2  # 2: the payload keeps the English words too
# What `translation_dictionary_cache = auto` names, under the user's cache folder.
APP_FOLDER = "spoc-kb"
_PREFIX = "translation-dictionary-"
LEFTOVER_SECONDS = 3600  # a temporary file this old was left by a killed writer
MAX_HEADER = 64 * 1024  # bytes read for another cache file's header


@dataclass(frozen=True)
class SourceIdentity:
    """What a cached table was parsed from: the file and the parser."""

    source: str
    size: int
    mtime_ns: int
    sha256: str
    parser: str

    @classmethod
    def of(cls, path: Path, data: bytes, parser: str) -> SourceIdentity:
        """The identity of `data`, the bytes just read from `path`."""
        st = os.stat(path)
        return cls(
            str(path.absolute()),
            len(data),
            st.st_mtime_ns,
            hashlib.sha256(data).hexdigest(),
            parser,
        )


class CachedTable(NamedTuple):
    """What the cache keeps of a parsed dictionary."""

    table: dict[str, str]
    skipped: int
    english_words: frozenset[str]


def cache_folder(configured: str) -> Path | None:
    """The folder a `translation_dictionary_cache` setting names: "auto" is the
    user's cache folder ($XDG_CACHE_HOME, else ~/.cache, then spoc-kb), "" none."""
    if configured != "auto":
        return Path(configured).expanduser() if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        base = str(Path("~/.cache").expanduser())
    return Path(base) / APP_FOLDER


def cache_file(folder: Path, source: Path) -> Path:
    """The cache file of one dictionary path (each path has its own)."""
    name = hashlib.sha256(str(source.absolute()).encode()).hexdigest()[:16]
    return folder / f"{_PREFIX}{name}.json"


def read_cached(file: Path, identity: SourceIdentity) -> CachedTable | None:
    """The table, skipped-line count and English words cached for `identity`;
    None (with a log line) when the file is missing, stale or damaged."""
    try:
        with open(file, "rb") as handle:
            st = os.fstat(handle.fileno())
            if st.st_uid != os.geteuid() or st.st_mode & 0o022:
                logger.warning(
                    "translation dictionary cache %s is not this user's own file (another "
                    "user owns it or may write it); parsing %s",
                    file,
                    identity.source,
                )
                return None
            data = handle.read()
    except FileNotFoundError:
        logger.info("translation dictionary cache %s is missing; parsing %s", file, identity.source)
        return None
    except OSError as exc:
        logger.warning("translation dictionary cache %s cannot be read (%s)", file, exc.strerror)
        return None
    head, newline, payload = data.partition(b"\n")
    try:
        header = json.loads(head) if newline else None
        if not isinstance(header, dict):
            raise ValueError("no header line")
        if header != _header(identity, payload):
            stale = {k: v for k, v in asdict(identity).items() if header.get(k) != v}
            if stale or header.get("format") != FORMAT:
                logger.info(
                    "translation dictionary cache %s is stale (%s changed); parsing %s again",
                    file,
                    ", ".join(stale) or "format",
                    identity.source,
                )
                return None
            raise ValueError("payload does not match its header (truncated or altered)")
        return _table_of(json.loads(payload))
    except ValueError as exc:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        logger.warning(
            "translation dictionary cache %s is damaged (%s); parsing %s again",
            file,
            exc,
            identity.source,
        )
        return None


def write_cached(file: Path, identity: SourceIdentity, parsed: CachedTable) -> None:
    """Keep the parsed table in `file`, whole or not at all; a folder that cannot
    be written is logged (the process then goes on with the table it parsed)."""
    payload = json.dumps(
        {
            "table": parsed.table,
            "skipped": parsed.skipped,
            "english_words": sorted(parsed.english_words),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    header = json.dumps(_header(identity, payload), separators=(",", ":")).encode()
    temporary = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=file.name + ".", dir=file.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(header + b"\n" + payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, file)
        temporary = None
        logger.info("translation dictionary cache %s written", file)
        _prune(file)
    except OSError as exc:
        logger.warning(
            "translation dictionary cache %s cannot be written (%s); each process parses "
            "the dictionary (set translation_dictionary_cache to a writable folder)",
            file,
            exc.strerror or exc,
        )
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _prune(kept: Path) -> None:
    """Remove the folder's cache files of dictionaries that are gone (a test's
    temporary file, a dictionary moved elsewhere) and temporary files a killed
    writer left an hour ago or more, so that the folder does not grow with
    every path ever named. A file in use is only ever replaced whole, so a
    process reading one that is removed has it open or finds none and parses."""
    now = time.time()
    for other in kept.parent.glob(f"{_PREFIX}*"):
        try:
            if other.suffix != ".json":  # a temporary file
                if now - other.stat().st_mtime >= LEFTOVER_SECONDS:
                    other.unlink()
                continue
            if other == kept:
                continue
            with open(other, "rb") as handle:
                source = json.loads(handle.readline(MAX_HEADER)).get("source")
            if isinstance(source, str) and not os.path.exists(source):
                other.unlink()
        except (OSError, ValueError, AttributeError):
            continue  # someone else's, being replaced, or not a header: left alone


def _header(identity: SourceIdentity, payload: bytes) -> dict[str, object]:
    return {
        "format": FORMAT,
        **asdict(identity),
        "payload_bytes": len(payload),
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
    }


def _table_of(payload: object) -> CachedTable:
    """The table, count and words of a payload, checked to be what `write_cached`
    wrote."""
    if not isinstance(payload, dict) or set(payload) != {"table", "skipped", "english_words"}:
        raise ValueError("payload is not a table, a count and a word list")
    table, skipped, english = payload["table"], payload["skipped"], payload["english_words"]
    if not isinstance(skipped, int) or not isinstance(table, dict) or not isinstance(english, list):
        raise ValueError("payload is not a table, a count and a word list")
    if not all(isinstance(v, str) for v in table.values()):  # keys are strings in JSON
        raise ValueError("a translation is not a string")
    if not all(isinstance(w, str) for w in english):
        raise ValueError("an English word is not a string")
    return CachedTable(table, skipped, frozenset(english))
