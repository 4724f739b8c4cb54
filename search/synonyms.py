"""The company glossary: groups of terms that mean the same, used to expand queries.

Content owners maintain `_glossary.yml` in the content root (or the file the
`glossary_file` setting names):

    groups:
      - [PTO, vacation, annual leave, Urlaub]
      - [sick leave, illness, Krankmeldung, krank]

A query that contains a term of a group (compared by stems, so "vacations"
matches "vacation"; multi-word terms must appear as consecutive words) is
expanded with the group's other terms. A missing file means no expansion; a
broken one is a `ConfigError` naming the file and line, because silently
ignoring it would hide the content owners' mistake.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import yaml

from kb.content.regular_files import SETTINGS_FILE_MAX_BYTES, read_regular_file
from kb.errors import ConfigError, ContentError
from search.terms import stems, unique, words

logger = logging.getLogger(__name__)

GLOSSARY_FILE = "_glossary.yml"


@dataclass(frozen=True)
class Expansion:
    """Query words that matched a glossary term, and the group's other terms."""

    source: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class _Entry:
    group: int
    words: tuple[str, ...]


@dataclass(frozen=True)
class Glossary:
    """Synonym groups, indexed by the stems of each term's first word."""

    groups: tuple[tuple[str, ...], ...] = ()
    _first: dict[str, list[_Entry]] = field(default_factory=dict, repr=False, compare=False)
    _words: set[str] = field(default_factory=set, repr=False, compare=False)

    def __post_init__(self) -> None:
        for number, group in enumerate(self.groups):
            for term in group:
                term_words = tuple(words(term))
                self._words.update(term_words)
                if not term_words:
                    continue
                for s in stems(term_words[0]):
                    self._first.setdefault(s, []).append(_Entry(number, term_words))
        for entries in self._first.values():
            entries.sort(key=lambda e: -len(e.words))

    def __len__(self) -> int:
        return len(self.groups)

    def vocabulary(self) -> AbstractSet[str]:
        """Every word of every term (the spelling corrector leaves these alone)."""
        return self._words

    def expand(self, text: str) -> list[Expansion]:
        """Expansions for the glossary terms found in `text`, longest match first."""
        query = words(text)
        query_stems = [stems(w) for w in query]
        found: list[Expansion] = []
        seen_groups: set[int] = set()
        i = 0
        while i < len(query):
            entry = self._match_at(query_stems, i)
            if entry is None:
                i += 1
                continue
            span = len(entry.words)
            if entry.group not in seen_groups:
                seen_groups.add(entry.group)
                source_stems = query_stems[i : i + span]
                others = [t for t in self.groups[entry.group] if not _same(words(t), source_stems)]
                if others:
                    found.append(Expansion(" ".join(query[i : i + span]), tuple(unique(others))))
            i += span
        return found

    def _match_at(self, query_stems: list[frozenset[str]], i: int) -> _Entry | None:
        candidates: list[_Entry] = []
        for s in query_stems[i]:
            candidates.extend(self._first.get(s, ()))
        candidates.sort(key=lambda e: -len(e.words))
        for entry in candidates:
            span = len(entry.words)
            if i + span <= len(query_stems) and _same(entry.words, query_stems[i : i + span]):
                return entry
        return None


def _same(term_words: list[str] | tuple[str, ...], query_stems: list[frozenset[str]]) -> bool:
    return len(term_words) == len(query_stems) and all(
        stems(w) & q for w, q in zip(term_words, query_stems, strict=True)
    )


def load_glossary(path: Path) -> Glossary:
    """Read a glossary file; a missing file is an empty glossary. Only a regular
    file is read (`kb.content.regular_files`): the default one lies in the
    content root, where a link or a named pipe must not stall searching."""
    try:
        text = read_regular_file(path, SETTINGS_FILE_MAX_BYTES, str(path)).decode("utf-8")
    except ContentError as exc:
        if exc.kind == "missing":
            return Glossary()
        raise ConfigError(f"{exc.message} ({exc.hint})" if exc.hint else exc.message) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: glossary is not UTF-8 ({exc.reason}); save it as UTF-8"
        ) from None
    return parse_glossary(text, str(path))


def parse_glossary(text: str, where: str) -> Glossary:
    """Parse glossary YAML; `where` names the file in error messages."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}{line}: glossary is not valid YAML: {problem}") from None
    if root is None:
        return Glossary()
    node = root
    if isinstance(root, yaml.MappingNode):
        found = [v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "groups"]
        if not found:
            _fail(where, root, "glossary must have a 'groups' list")
        node = found[0]
    if not isinstance(node, yaml.SequenceNode):
        _fail(where, node, "'groups' must be a list of lists of terms")
    groups: list[tuple[str, ...]] = []
    for group in node.value:
        if not isinstance(group, yaml.SequenceNode):
            _fail(where, group, "each group must be a list of terms, like [PTO, vacation]")
        terms: list[str] = []
        for term in group.value:
            if not isinstance(term, yaml.ScalarNode) or not str(term.value).strip():
                _fail(where, term, "a glossary term must be non-empty text")
            terms.append(str(term.value).strip())
        if len(terms) < 2:
            _fail(where, group, "a group needs at least two terms to be synonyms")
        groups.append(tuple(terms))
    return Glossary(tuple(groups))


def _fail(where: str, node: yaml.Node, message: str) -> NoReturn:
    raise ConfigError(f"{where}:{node.start_mark.line + 1}: {message}")


def glossary_path(glossary_file: str, content_dir: Path) -> Path:
    """The configured glossary file, or `_glossary.yml` in the content root."""
    return Path(glossary_file) if glossary_file else content_dir / GLOSSARY_FILE


class GlossaryFile:
    """A glossary file, re-read when it changes (one `stat` per call)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._glossary = Glossary()

    def get(self) -> Glossary:
        try:
            st = os.stat(self.path, follow_symlinks=False)
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        if stamp == self._stamp:
            return self._glossary
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    self._glossary = load_glossary(self.path) if stamp else Glossary()
                except ConfigError as exc:
                    # A broken glossary (written in the content root by anyone who
                    # may publish) must not stop searching: the last good one stays.
                    logger.error("glossary not updated, the previous one stays: %s", exc.message)
                else:
                    logger.info("glossary %s: %d groups", self.path, len(self._glossary))
        return self._glossary
