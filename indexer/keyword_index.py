"""The keyword side of the hybrid index: Whoosh, BM25F over passages.

Each configured language has its own title/headings/body fields with a
stemming analyser for that language; a passage fills the fields of its
article's language (other languages use the `xx` fields without stemming).
A query is parsed against every language's fields, each with its own analyser,
so an English article is stemmed as English and a German one as German.
German fields read spelled-out umlauts as umlauts (`indexer.german_spelling`).
`words` keeps unstemmed lower-case words for "did you mean".
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import Analyzer, LanguageAnalyzer, RegexTokenizer, SimpleAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.writing import IndexWriter

from indexer.german_spelling import GERMAN, german_analyzer
from indexer.stemming import thread_safe
from kb.records import Chunk

FALLBACK_LANG = "xx"
TITLE_BOOST = 3.0
HEADINGS_BOOST = 2.0
TAGS_BOOST = 1.5


def text_fields(lang: str) -> tuple[str, str, str]:
    return f"title_{lang}", f"headings_{lang}", f"body_{lang}"


def analyzer_for(lang: str) -> Analyzer:
    if lang == FALLBACK_LANG:
        return SimpleAnalyzer()
    if lang == GERMAN:
        return german_analyzer()
    return LanguageAnalyzer(lang)


def build_schema(languages: Sequence[str]) -> Schema:
    fields: dict[str, object] = {
        "pid": NUMERIC(int, bits=64, stored=True, unique=True, signed=True),
        "article_id": ID(stored=True),
        "department": ID(stored=True),
        "lang": ID(stored=True),
        "tags": KEYWORD(lowercase=True, commas=True, scorable=True, field_boost=TAGS_BOOST),
        "audience": KEYWORD(lowercase=True, commas=True),
        "words": TEXT(analyzer=RegexTokenizer(r"\w+") | _lower(), phrase=False),
    }
    for lang in (*languages, FALLBACK_LANG):
        title, headings, body = text_fields(lang)
        analyzer = analyzer_for(lang)
        fields[title] = TEXT(analyzer=analyzer, field_boost=TITLE_BOOST, phrase=False)
        fields[headings] = TEXT(analyzer=analyzer, field_boost=HEADINGS_BOOST, phrase=False)
        # No positions: nothing searches phrases (BM25F reads frequencies and
        # weights, snippets work on the passage text); on 10,000 passages they
        # cost 6% of the keyword build's CPU and 30% of its size on disk.
        fields[body] = TEXT(analyzer=analyzer, phrase=False)
    return Schema(**fields)


@lru_cache(maxsize=16)
def shared_analyzer(lang: str) -> Analyzer:
    """The analyser of `lang`'s fields, one per language for the whole process
    (safe to share between threads: `indexer.stemming`)."""
    # One per language, so that its stemmer's cache serves every passage: half
    # the time of a new analyser per passage (4 ms against 8 for 455 words).
    return thread_safe(analyzer_for(lang))


def field_terms(lang: str, title: str, headings: Sequence[str], text: str) -> Counter[str]:
    """The terms a passage of `lang` puts into its language's title, headings
    and body fields (as `passage_document` fills them), each counted once per
    field that holds it: what it adds to those fields' document frequencies."""
    analyzer = shared_analyzer(lang)
    counts: Counter[str] = Counter()
    for value in (title, " ".join(headings), text):
        counts.update({token.text for token in analyzer(value, mode="index")})
    return counts


def _lower() -> object:
    from whoosh.analysis import LowercaseFilter

    return LowercaseFilter()


def create_index(folder: Path, languages: Sequence[str]) -> whoosh_index.Index:
    folder.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(folder), build_schema(languages))


def open_index(folder: Path) -> whoosh_index.Index:
    return whoosh_index.open_dir(str(folder))


def passage_document(pid: int, chunk: Chunk, languages: Sequence[str]) -> dict[str, object]:
    lang = chunk.lang if chunk.lang in languages else FALLBACK_LANG
    title, headings, body = text_fields(lang)
    return {
        "pid": pid,
        "article_id": chunk.article_id,
        "department": chunk.department,
        "lang": chunk.lang,
        "tags": ",".join(chunk.tags),
        "audience": ",".join(chunk.audience),
        "words": f"{chunk.title}\n{' '.join(chunk.headings)}\n{chunk.text}",
        title: chunk.title,
        headings: " ".join(chunk.headings),
        body: chunk.text,
    }


# Below this many new passages one process writes: starting the writer
# processes and merging their work costs more than it saves on an update.
PARALLEL_FROM = 5_000


def writer_processes(requested: int) -> int:
    """Processes for a large keyword build: `requested`, or one per CPU core (0)."""
    return requested if requested > 0 else max(1, os.cpu_count() or 1)


def apply_changes(
    index: whoosh_index.Index,
    removed_articles: Iterable[str],
    added: Sequence[tuple[int, Chunk]],
    languages: Sequence[str],
    processes: int = 1,
    tick: Callable[[int], None] | None = None,
    parallel_from: int = PARALLEL_FROM,
) -> None:
    """Delete every passage of the removed articles, add the new passages, commit once.

    A large addition without removals (a cold or full build) is analysed by
    `processes` writer processes, each writing a segment of its own (Whoosh's
    multiprocessing writer, segments not merged). Measured on 10,000 passages
    of the latency benchmark's corpus: 19.2 s of CPU in one process, 13.4 s
    spread over two (no run files to merge), about 2.9x less wall time on
    two free cores together with dropping positions. Searching several
    segments is what an index updated incrementally does anyway."""
    removed = list(removed_articles)
    parallel = processes > 1 and not removed and len(added) >= parallel_from
    writer: IndexWriter
    if parallel:
        writer = index.writer(procs=processes, limitmb=256, multisegment=True)
    else:
        writer = index.writer(limitmb=256)
    try:
        for article_id in removed:
            writer.delete_by_term("article_id", article_id)
        for n, (pid, chunk) in enumerate(added, start=1):
            writer.add_document(**passage_document(pid, chunk, languages))
            if tick is not None and n % 1000 == 0 and n < len(added):
                tick(1000)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    if tick is not None and added:
        # The last step counts once everything is on disk: with several
        # processes most of the work happens during the commit.
        tick(len(added) - (len(added) - 1) // 1000 * 1000)
