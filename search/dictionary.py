"""A general German–English dictionary, read from a Ding-format text file.

The Ding dictionary (Debian's `trans-de-en` installs it as one text file,
`/usr/share/trans/de-en`, GPL-2+) has one entry per line:

    Urlaub {m}; Beurlaubung {f} | Langzeiturlaub {m} :: leave; vacation [Am.] | sabbatical leave

German and English sides are split by ` :: `; both are split alike by ` | `
into aligned sub-entries (the head, its plural or verb forms, compounds,
example phrases), and each sub-entry by `;` into variants. Braces, brackets,
parentheses, angle brackets and slashes hold annotations (gender, region,
field, abbreviations) and are dropped, as are the placeholders "etw.",
"jdm.", "sb.", "sth." and an English verb's "to".

Only single German words become keys (phrases and example sentences are
left out: a query is looked up word by word). Each key keeps its English
variants of up to `MAX_ENGLISH_WORDS` words, with a weight: the number of
entries that give the variant, plus a little for standing early in its
sub-entry (the Ding lists the common sense first). A line that does not
parse (no ` :: `, unaligned sub-entries) is skipped and counted; a file
that is missing or unreadable is no dictionary, never a failed search.

The file is parsed once per process and path (about 25 MB, 200,000 lines;
see docs/search.md for the time and memory it costs) and kept compactly:
each key's translations are one string, split only when the key is looked
up. The parsed table is kept on disk too (`search.dictionary_cache`), so a
later process reads it back instead of parsing the file again; so are the
words of its English terms (`BilingualDictionary.english_words`), which
would otherwise be made at the process's first question with a short word
the index lacks (spelling correction asks whether it is a real word).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from search.dictionary_cache import (
    CachedTable,
    SourceIdentity,
    cache_file,
    cache_folder,
    read_cached,
    write_cached,
)

logger = logging.getLogger(__name__)

# Where Debian's trans-de-en package puts the file.
DEBIAN_DICTIONARY = Path("/usr/share/trans/de-en")
MAX_ENGLISH_WORDS = 3
MAX_KEPT = 12  # translations kept per key, best first
SEP = "\t"  # between a key's translations in the compact form
_LETTERS = re.compile(r"[^\W\d_]+")  # the words of the English terms
MAX_LINE = 20_000  # characters; longer lines are not dictionary entries

# An annotation runs from one of these to the first closing mark after it, as
# `\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|<[^>]*>|/[^/\s][^/]*/` reads it; that expression
# looked for the closing mark again from every opening one (a line of 20,000
# "{" took 0.15 s), so each mark is looked for once (`_without_notes`).
_NOTE_OPENING = re.compile(r"[{\[(<]|/[^/\s]")
_NOTE_CLOSING = {"{": "}", "[": "]", "(": ")", "<": ">", "/": "/"}
_GERMAN_PLACEHOLDERS = frozenset({"etw.", "jdm.", "jdn.", "jds.", "jd.", "sich", "etw", "jdm"})
_ENGLISH_PLACEHOLDERS = frozenset(
    {"sb.", "sth.", "sb.'s", "sb.’s", "sth.'s", "sth.’s", "one's", "one’s", "oneself", "sb", "sth"}
)
_GERMAN_WORD = re.compile(r"^[^\W\d_]+$")
_ENGLISH_WORD = re.compile(r"^[a-z][a-z'’-]*$")


def _without_notes(text: str) -> str:
    """`text` with each annotation a space, in time linear in its length."""
    kept: list[str] = []
    copied = at = 0
    missing: set[str] = set()  # closing marks not in the rest of the text
    while opening := _NOTE_OPENING.search(text, at):
        closing = _NOTE_CLOSING[text[opening.start()]]
        end = -1 if closing in missing else text.find(closing, opening.end())
        if end < 0:  # no annotation opens here, nor at any later mark of this kind
            missing.add(closing)
            at = opening.start() + 1
            continue
        kept += (text[copied : opening.start()], " ")
        copied = at = end + 1
    kept.append(text[copied:])
    return "".join(kept)


def clean(text: str) -> str:
    """A variant without its annotations and with single spaces."""
    return " ".join(_without_notes(text).replace("…", " ").split())


def german_key(variant: str) -> str | None:
    """The single lower-case German word a variant stands for, or None
    ("etw. beantragen {vt}" → "beantragen"; "ein Formular ausfüllen" → None)."""
    tokens = [t for t in clean(variant).split() if t.lower() not in _GERMAN_PLACEHOLDERS]
    if len(tokens) != 1 or not _GERMAN_WORD.match(tokens[0]):
        return None
    return tokens[0].lower()


def english_term(variant: str) -> str | None:
    """A lower-case English variant of at most MAX_ENGLISH_WORDS words, without
    placeholders or a verb's "to" ("to apply for sth. (to sb.)" → "apply for")."""
    tokens = [t for t in clean(variant).lower().split() if t not in _ENGLISH_PLACEHOLDERS]
    if tokens[:1] == ["to"] and len(tokens) > 1:
        tokens = tokens[1:]
    if not tokens or len(tokens) > MAX_ENGLISH_WORDS:
        return None
    if not all(_ENGLISH_WORD.match(t) for t in tokens):
        return None
    return " ".join(tokens)


def entry_pairs(line: str) -> Iterator[tuple[str, list[str]]]:
    """(German key, English terms in order) of each aligned sub-entry of one line;
    nothing for a line that is not an entry. Raises ValueError for a line that
    looks like an entry but does not parse."""
    if not line or line.startswith("#"):
        return
    if len(line) > MAX_LINE:
        raise ValueError("line too long")
    german, sep, english = line.partition(" :: ")
    if not sep or " :: " in english:
        raise ValueError("no single ' :: ' between German and English")
    german_parts, english_parts = german.split(" | "), english.split(" | ")
    if len(german_parts) != len(english_parts):
        raise ValueError("German and English sub-entries do not align")
    for german_part, english_part in zip(german_parts, english_parts, strict=True):
        terms = [t for v in english_part.split(";") if (t := english_term(v))]
        if not terms:
            continue
        for variant in german_part.split(";"):
            key = german_key(variant)
            if key:
                yield key, terms


@dataclass(frozen=True)
class BilingualDictionary:
    """German word → English terms, best first (the compact form of `parse`)."""

    table: dict[str, str] = field(default_factory=dict)
    source: str = ""
    skipped: int = 0
    # The words of the English terms as the cache kept them (None: made from
    # the table when first needed).
    cached_english_words: frozenset[str] | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.table)

    def __contains__(self, word: object) -> bool:
        return word in self.table

    def knows(self, word: str) -> bool:
        """Whether a lower-case word is a word of the dictionary, German or English
        (a word of one of its English terms): a real word, not a typo."""
        return word in self.table or word in self.english_words

    @cached_property
    def english_words(self) -> frozenset[str]:
        """The lower-case words of the English terms ("annual leave" → "annual",
        "leave"); read back from the cache, or made from the table (about 0.5 s
        for Debian's 280,000 German words: docs/search.md)."""
        if self.cached_english_words is not None:
            return self.cached_english_words
        return frozenset(_LETTERS.findall(SEP.join(self.table.values()).lower()))

    def translations(self, word: str) -> tuple[str, ...]:
        """English terms of a lower-case German word, best first (none if unknown)."""
        found = self.table.get(word)
        return tuple(found.split(SEP)) if found else ()


def parse(lines: Iterable[str], source: str = "") -> BilingualDictionary:
    """Build the dictionary from Ding-format lines; bad lines are skipped."""
    scores: defaultdict[str, dict[str, float]] = defaultdict(dict)
    skipped = 0
    for line in lines:
        try:
            pairs = list(entry_pairs(line.rstrip("\n")))
        except ValueError:
            skipped += 1
            continue
        for key, terms in pairs:
            found = scores[key]
            for position, term in enumerate(terms):
                # One point per entry that gives the term, a little more early on.
                found[term] = found.get(term, 0.0) + 1.0 + 0.5 / (1 + position)
    table = {
        key: SEP.join(sorted(found, key=lambda t: -found[t])[:MAX_KEPT])
        for key, found in scores.items()
    }
    return BilingualDictionary(table, source, skipped)


def default_path(configured: str) -> Path | None:
    """The dictionary file a setting names: "auto" is Debian's file when it is
    installed, "" is none, anything else a path."""
    if configured == "auto":
        return DEBIAN_DICTIONARY if DEBIAN_DICTIONARY.is_file() else None
    return Path(configured) if configured else None


_lock = threading.Lock()
_loaded: dict[tuple[str, int, int], BilingualDictionary] = {}


@cache
def parser_fingerprint() -> str:
    """A hash of this module's source, so that a table parsed by other code is
    stale; "" (no cache) when the source cannot be read."""
    try:
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    except OSError:
        return ""


def load_dictionary(path: Path, cache_dir: Path | None = None) -> BilingualDictionary:
    """The dictionary in `path`, parsed once per process and file version, and
    kept parsed in the folder `cache_dir` (`search.dictionary_cache`) for the next
    process; an empty one (with an error in the log) when it cannot be read."""
    with _lock:
        try:
            st = os.stat(path)
            stamp = (str(path), st.st_mtime_ns, st.st_size)
            found = _loaded.get(stamp)
            if found is None:
                found = _read(path, cache_dir)
                _loaded.clear()
                _loaded[stamp] = found
                logger.info(
                    "translation dictionary %s: %d German words (%d lines skipped)",
                    path,
                    len(found),
                    found.skipped,
                )
        except OSError as exc:
            logger.error(
                "translation dictionary %s cannot be read (%s); no query translation",
                path,
                exc.strerror,
            )
            return BilingualDictionary(source=str(path))
        return found


def _read(path: Path, cache_dir: Path | None) -> BilingualDictionary:
    """The file's table from the cache when it holds this very file's, else parsed
    (and cached)."""
    data = path.read_bytes()
    identity = file = None
    if cache_dir is not None and parser_fingerprint():
        identity = SourceIdentity.of(path, data, parser_fingerprint())
        file = cache_file(cache_dir, path)
        cached = read_cached(file, identity)
        if cached is not None:
            return BilingualDictionary(
                cached.table, str(path), cached.skipped, cached.english_words
            )
    # Lines as a file opened in text mode gives them (universal newlines).
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace")
    found = parse(lines, str(path))
    if file is not None and identity is not None:
        write_cached(file, identity, CachedTable(found.table, found.skipped, found.english_words))
    return found


_reported: set[str] = set()


def configured_dictionary(configured: str, cache_dir: str = "") -> BilingualDictionary:
    """The dictionary the `translation_dictionary` setting names ("auto": Debian's
    file when installed; "": none), saying once per process when there is none;
    kept parsed in the folder the `translation_dictionary_cache` setting names
    (`cache_dir`, "": none)."""
    path = default_path(configured)
    if path is None:
        if configured == "auto" and configured not in _reported:
            _reported.add(configured)
            logger.warning(
                "no translation dictionary at %s: German questions about English articles "
                "are found by the embedding model alone; install Debian's trans-de-en "
                "(apt-get install trans-de-en) or set translation_dictionary to a "
                "Ding-format file (empty turns this message off)",
                DEBIAN_DICTIONARY,
            )
        return BilingualDictionary()
    return load_dictionary(path, cache_folder(cache_dir))
