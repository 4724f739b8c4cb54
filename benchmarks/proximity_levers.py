"""Term proximity: a bonus for articles whose passages hold the query's words close together.

    python -m benchmarks.proximity_levers --queries FILE --qrels FILE --content DIR \
        --index DIR [--ids path|stem|relative] [--json FILE]

Each judged query is searched once as `kb eval` does (`SearchEngine.retrieve`,
then `SearchEngine.rank`, default settings but the bonus off, every article
ranked); the engine's ranking is the baseline. Every lever re-ranks the same
fused articles: the first `top` of them get `weight` × their proximity added
to their fused score.

Proximity is read from the stored text only (no model call). The query's
content words (`QueryPlan.concepts`, in the order typed) are stemmed with the
analyser the keyword index uses for the passage's language; each adjacent pair
of them ("transit subsidy", "parental leave") scores 1 / d, where d is the
smallest distance between the two stems in the passage's title, headings or
body (stop words removed, as the index counts positions; either order), and
0 beyond `window`; a passage's proximity is the mean over the query's pairs,
an article's the best of its first `passages` candidate passages (in fused
order). A query with one content word gets no bonus.

The `keyword side` levers instead rescore the keyword list's first
`KEYWORD_TOP` passages before fusion (score + weight × proximity × the list's
best score) and fuse again through `SearchEngine.rank`.

The engine's own bonus (`search.proximity`, setting `proximity_weight`) is the
fused form at window 1 (adjacency only) over one passage per article. The
script loads its settings without the environment and with that bonus off
(`proximity_weight = 0`), so its `engine` row is the fused ranking without it.

The report gives English nDCG@10 and top 3 (the query's labelled language) and
German nDCG@10 on all judged queries and on the tune and report halves of
`search.splits`, and the proximity's CPU time per query (mean and p95, for
the widest variant: 50 articles, 3 passages each).

A benchmark, not a test: keep it out of pytest.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from indexer.keyword_index import analyzer_for
from indexer.metadata import Passage
from kb.results import Query
from kb.settings import Settings
from search.engine import Retrieval, SearchEngine
from search.evaluation import ID_FORMS, QueryRun, load_qrels, load_queries, ranking_metrics
from search.splits import HALVES, only

WORD = re.compile(r"\w+")
TOPS = (30, 50)
PASSAGES = (1, 3)
WINDOWS = (1, 3, 8)
WEIGHTS = (0.025, 0.05, 0.1, 0.2, 0.3)
KEYWORD_TOP = 50
KEYWORD_WEIGHTS = (0.05, 0.1, 0.2, 0.3, 0.5)


@lru_cache(maxsize=8)
def _analyser(lang: str) -> Any:
    return analyzer_for(lang)


@lru_cache(maxsize=200_000)
def stem_of(word: str, lang: str) -> str | None:
    """The index's term for one lower-case word; None for a stop word."""
    tokens = [t.text for t in _analyser(lang)(word, mode="index")]
    return tokens[0] if tokens else None


def stems(text: str, lang: str) -> list[str]:
    """A text's terms in order, stop words removed (the index's positions)."""
    out = []
    for word in WORD.findall(text.lower()):
        stem = stem_of(word, lang)
        if stem is not None:
            out.append(stem)
    return out


def pair_distances(fields: Sequence[list[str]], pairs: Sequence[tuple[str, str]]) -> list[int]:
    """Per pair, the smallest distance between its two terms in any one field
    (a large number where they never meet)."""
    wanted = {t for pair in pairs for t in pair}
    where = []
    for terms in fields:
        at: dict[str, list[int]] = {}
        for i, t in enumerate(terms):
            if t in wanted:
                at.setdefault(t, []).append(i)
        where.append(at)
    out = []
    for a, b in pairs:
        best = 10_000
        for at in where:
            for i in at.get(a, ()):
                for j in at.get(b, ()):
                    best = min(best, abs(i - j))
        out.append(best)
    return out


@dataclass
class Candidate:
    """One query's fused articles with, for the first ones, each candidate
    passage's pair distances; and the keyword-side levers' rankings."""

    id: str
    lang: str
    ranked: list[tuple[str, float]]  # article, fused score
    distances: dict[str, list[list[int]]]  # article → per passage (fused order) → per pair
    keyword_side: dict[str, list[str]] = field(default_factory=dict)  # lever → articles


def distances_of(passage: Passage, words: Sequence[str]) -> list[int]:
    """Per adjacent pair of query words, their smallest distance in the passage."""
    lang = passage.lang if passage.lang in ("en", "de") else "en"
    query = [s for w in words if (s := stem_of(w.lower(), lang))]
    pairs = [(a, b) for a, b in zip(query, query[1:], strict=False) if a != b]
    if not pairs:
        return []
    fields = [
        stems(passage.title, lang),
        stems(" ".join(passage.headings), lang),
        stems(passage.text, lang),
    ]
    return pair_distances(fields, pairs)


def keyword_side(
    engine: SearchEngine, found: Retrieval, words: Sequence[str]
) -> dict[str, list[str]]:
    """The engine's ranking with the keyword side's first `KEYWORD_TOP` passages
    rescored before fusion: score + weight × proximity × the list's best score."""
    hits = found.keyword
    if not hits or found.plan.nonsense:
        return {}
    head = hits[:KEYWORD_TOP]
    loaded = found.passages.get([h.pid for h in head])
    rows = [distances_of(loaded[h.pid], words) for h in head]
    best = hits[0].score
    out = {}
    for window in WINDOWS:
        for weight in KEYWORD_WEIGHTS:
            bonus = [weight * best * proximity([r], 1, window) for r in rows]
            rescored = [replace(h, score=h.score + b) for h, b in zip(head, bonus, strict=True)]
            found.keyword = sorted(rescored, key=lambda h: -h.score) + hits[KEYWORD_TOP:]
            groups, _ = engine.rank(found)
            out[f"keyword side window {window} weight {weight}"] = [g.article_id for g in groups]
    found.keyword = hits
    return out


def collect(args: argparse.Namespace) -> tuple[list[Candidate], list[float]]:
    settings = Settings.load(
        {"content_dir": str(args.content), "index_dir": str(args.index), "proximity_weight": 0},
        environ={},
    )
    engine = SearchEngine(settings)
    qrels = load_qrels(args.qrels)
    queries = [
        q for q in load_queries(args.queries) if any(g > 0 for g in qrels.get(q.id, {}).values())
    ]
    out, cost = [], []
    for q in queries:
        found = engine.retrieve(Query(q.text, k=100, floor=False))
        groups, _ = engine.rank(found)
        if found.plan.nonsense:
            groups = []
        started = time.perf_counter()
        words = [c.word for c in found.plan.concepts]
        top = groups[: max(TOPS)]
        pids = [p for g in top for p in g.pids[: max(PASSAGES)]]
        loaded = found.passages.get(pids)
        distances = {
            g.article_id: [distances_of(loaded[p], words) for p in g.pids[: max(PASSAGES)]]
            for g in top
        }
        cost.append((time.perf_counter() - started) * 1000.0)
        candidate = Candidate(
            q.id, q.lang or "", [(g.article_id, g.score) for g in groups], distances
        )
        candidate.keyword_side = keyword_side(engine, found, words)
        out.append(candidate)
    engine.close()
    return out, cost


def proximity(rows: list[list[int]], passages: int, window: int) -> float:
    best = 0.0
    for row in rows[:passages]:
        if row:
            best = max(best, statistics.fmean(1.0 / d if d <= window else 0.0 for d in row))
    return best


Lever = Callable[[Candidate], list[str]]


def lever(top: int, passages: int, window: int, weight: float) -> Lever:
    def rank(c: Candidate) -> list[str]:
        scores = {
            a: s + (weight * proximity(c.distances[a], passages, window) if i < top else 0.0)
            for i, (a, s) in enumerate(c.ranked)
        }
        return sorted(scores, key=lambda a: -scores[a])

    return rank


def levers() -> dict[str, Lever]:
    out: dict[str, Lever] = {"engine": lambda c: [a for a, _ in c.ranked]}
    for top in TOPS:
        for passages in PASSAGES:
            for window in WINDOWS:
                for weight in WEIGHTS:
                    name = f"top {top} passages {passages} window {window} weight {weight}"
                    out[name] = lever(top, passages, window, weight)
    for window in WINDOWS:
        for weight in KEYWORD_WEIGHTS:
            name = f"keyword side window {window} weight {weight}"
            out[name] = lambda c, name=name: c.keyword_side.get(name) or [a for a, _ in c.ranked]
    return out


def measure(
    found: Sequence[Candidate], qrels: dict[str, dict[str, int]], doc_id: Callable[[str], str]
) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}
    for name, rank in levers().items():
        runs = [QueryRun(c.id, [doc_id(a) for a in rank(c)], False, 0.0, "") for c in found]
        row: dict[str, float] = {}
        for lang in ("en", "de", ""):
            ids = {c.id for c in found if c.lang == lang}
            for half in (None, *HALVES):
                part = [r for r in only(half, runs, key="id") if r.id in ids]
                if not part:
                    continue
                metrics = ranking_metrics(part, qrels)
                name_ = lang or "unlabelled"
                row[f"{name_} ndcg {half or 'all'}"] = metrics["ndcg@10"]
                if lang != "de":
                    row[f"{name_} s@3 {half or 'all'}"] = metrics["success@3"]
        table[name] = row
        print(f"{name:<44} " + " ".join(f"{k} {v:.3f}" for k, v in row.items()), flush=True)
    return table


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--qrels", type=Path, required=True)
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--ids", choices=sorted(ID_FORMS), default="path")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    found, cost = collect(args)
    cost.sort()
    timing = {
        "mean_ms": round(statistics.fmean(cost), 2),
        "p95_ms": round(cost[int(0.95 * (len(cost) - 1))], 2),
    }
    print(f"{len(found)} judged queries; proximity CPU {timing}", flush=True)
    result = {
        "queries": len(found),
        "proximity_cost": timing,
        "levers": measure(found, load_qrels(args.qrels), ID_FORMS[args.ids]),
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
