"""Title suggestions while typing: titles that start with the prefix, then
titles with a word that starts with it. A German title is also found by its
words typed with umlauts spelled out or left off ("Ueberw", "Uberw" and
"Überw" suggest "Überweisung"), by `german_letters` on both sides; other
titles are matched as typed, so an English title's suggestions never change.

Both lists are sorted once per snapshot, so a lookup is a binary search plus
the matches it returns, however many articles the index holds.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterable, Iterator

from indexer.german_spelling import german_letters
from search.terms import WORD

# (the title or the rest of it from one of its words, as compared; title; article id)
Keys = list[tuple[str, str, str]]
# How much of a typed prefix is matched, and so of each key kept: a key is the
# rest of the title from each of its words, and a content owner's title of
# 256 KB (32,000 words) made 4 GB of keys, built by every web worker at its
# first search of each snapshot (8.6 GB at its peak; a longer title killed it).
MAX_PREFIX_CHARS = 200


def _keys(titles: Iterable[tuple[str, str, str]]) -> tuple[Keys, Keys]:
    """Sorted keys of the titles' starts and of their inner words' starts, each
    title given as (its text as compared, title, article id)."""
    starts: Keys = []
    inner: Keys = []
    for compared, title, article_id in titles:
        starts.append((compared[:MAX_PREFIX_CHARS], title, article_id))
        for match in WORD.finditer(compared):
            if match.start() > 0:
                key = compared[match.start() : match.start() + MAX_PREFIX_CHARS]
                inner.append((key, title, article_id))
    return sorted(starts), sorted(inner)


class TitleIndex:
    """Article titles, searchable by the start of the title or of any word in it."""

    def __init__(
        self, titles: Iterable[tuple[str, str]], german: Collection[str] = frozenset()
    ) -> None:
        """`titles`: (article id, title); `german`: the ids of German articles."""
        listed = list(titles)
        self._starts, self._inner = _keys((t.lower(), t, aid) for aid, t in listed)
        self._german_starts, self._german_inner = _keys(
            (german_letters(t), t, aid) for aid, t in listed if aid in german
        )

    def __len__(self) -> int:
        return len(self._starts)

    @staticmethod
    def _with_prefix(keys: list[tuple[str, str, str]], needle: str) -> Iterator[tuple[str, str]]:
        at = bisect.bisect_left(keys, (needle,))
        while at < len(keys) and keys[at][0].startswith(needle):
            yield keys[at][1], keys[at][2]
            at += 1

    def match(
        self, prefix: str, limit: int, allowed: Callable[[str], bool] = lambda article_id: True
    ) -> list[str]:
        """Up to `limit` titles for a typed prefix (case and extra spaces ignored;
        its first `MAX_PREFIX_CHARS` characters)."""
        needle = " ".join(prefix.lower().split())[:MAX_PREFIX_CHARS]
        if not needle or limit < 1:
            return []
        found: dict[str, None] = {}
        folded = german_letters(needle)
        for keys, typed in (
            (self._starts, needle),
            (self._german_starts, folded),
            (self._inner, needle),
            (self._german_inner, folded),
        ):
            for title, article_id in self._with_prefix(keys, typed):
                if title not in found and allowed(article_id):
                    found[title] = None
                    if len(found) >= limit:
                        return list(found)
        return list(found)
