"""Title suggestions while typing: titles that start with the prefix, then
titles with a word that starts with it.

Both lists are sorted once per snapshot, so a lookup is a binary search plus
the matches it returns, however many articles the index holds.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator

from search.terms import WORD


class TitleIndex:
    """Article titles, searchable by the start of the title or of any word in it."""

    def __init__(self, titles: Iterable[tuple[str, str]]) -> None:
        starts: list[tuple[str, str, str]] = []
        inner: list[tuple[str, str, str]] = []
        for article_id, title in titles:
            lowered = title.lower()
            starts.append((lowered, title, article_id))
            for match in WORD.finditer(lowered):
                if match.start() > 0:
                    inner.append((lowered[match.start() :], title, article_id))
        starts.sort()
        inner.sort()
        self._starts = starts
        self._inner = inner

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
        """Up to `limit` titles for a typed prefix (case and extra spaces ignored)."""
        needle = " ".join(prefix.lower().split())
        if not needle or limit < 1:
            return []
        found: dict[str, None] = {}
        for keys in (self._starts, self._inner):
            for title, article_id in self._with_prefix(keys, needle):
                if title not in found and allowed(article_id):
                    found[title] = None
                    if len(found) >= limit:
                        return list(found)
        return list(found)
