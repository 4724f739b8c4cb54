"""Whoosh analysers that threads may share.

Whoosh's `StemFilter` keeps its stems in `whoosh.util.cache.lfu_cache`, a
dict and a use counter that nothing guards: when the cache is full, the
thread evicting iterates the counter while another adds to it ("dictionary
changed size during iteration"), deletes keys another thread already deleted
or reads back a stem another thread just evicted (`KeyError`), and once two
threads have inserted past the limit together the cache never evicts again
and grows without bound. With eight threads over a cache of 200 stems,
Whoosh's filter raised `KeyError` and held 15,000 stems within a second.

Search shares analysers between threads: each snapshot's keyword retriever
analyses every search's words with the index's own analysers, the proximity
rescorer and the restricted passages' stems use one analyser per language for
the whole process, and a snapshot is prepared while the previous one serves.
`thread_safe` gives each of them a stemming filter whose cache is
`functools.lru_cache`, which stays coherent under concurrent use; the Snowball
stemmers themselves keep no state between calls. Stems are the same as
Whoosh's (the cache only remembers them). The index schema keeps Whoosh's own
filter, so an index stays readable by Whoosh alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from whoosh.analysis import Analyzer, CompositeAnalyzer, StemFilter
from whoosh.lang import stemmer_for_language


class ThreadSafeStemFilter(StemFilter):
    """`StemFilter` whose cache threads may share (same stems, same settings)."""

    def clear(self) -> None:
        # Called by StemFilter.__init__ (and __setstate__) to make `_stem`.
        stemfn: Callable[[str], str] = stemmer_for_language(self.lang) if self.lang else self.stemfn
        size = self.cachesize
        cached: Callable[[str], str] = stemfn
        if isinstance(size, int) and size not in (0, 1):
            cached = lru_cache(maxsize=None if size < 0 else size)(stemfn)
        self._stem = cached


def _safe_item(item: Any) -> Any:
    if type(item) is StemFilter:
        return ThreadSafeStemFilter(
            stemfn=item.stemfn, lang=item.lang, ignore=item.ignore, cachesize=item.cachesize
        )
    return item


def thread_safe(analyzer: Analyzer) -> Analyzer:
    """A copy of `analyzer` whose stemming filters threads may share; the
    tokenizer and the other filters keep no state between calls."""
    if isinstance(analyzer, CompositeAnalyzer):
        return CompositeAnalyzer(*(_safe_item(item) for item in analyzer.items))
    return analyzer
