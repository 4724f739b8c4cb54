"""Pseudo-relevance feedback, score normalisation and article aggregation levers.

    python -m benchmarks.feedback_levers --queries FILE --qrels FILE --content DIR --index DIR
                                         [--ids path|stem|relative] [--model NAME] [--only WORD ...]
                                         [--json FILE]

A second grid run by `benchmarks.fusion_levers`' command line (same method
and columns: each query is retrieved once through `SearchEngine.retrieve`,
the engine's own ranking is the baseline, every lever re-ranks the same
candidates plus, for feedback, one more retrieval; `--only` picks levers by
name). The levers
(docs/search.md, "Fusion levers for the multilingual model"):

- `rocchio β, top k of S`: the query vector plus β times the mean vector of
  the first k passages of S (the vector side's own list, its best passage
  of each of its first k articles, or the fused passages), back to unit length, and the vector side searched again (one
  more nearest-neighbour search, no embedding);
- `rm3 k, n terms, α`: the n words with the most weight in the first k fused
  passages (Σ over passages of the passage's min-max fused score × the word's
  share of the passage's words, stop words and query words left out) added
  to the keyword query with boost α × weight / the first word's weight, and
  the keyword side searched again;
- `floor k`: min-max with the k-th article's score as the floor (articles
  below it score 0);
- `mean floor`: min-max with the list's mean as the floor;
- `log keyword`: BM25 scores as log(1 + s) before min-max;
- `passage min-max`: min-max over each retriever's passages (not over its
  articles' best passages), then each article its best;
- `linear rank (Borda)`: each list's articles scored 1 − (rank − 1) / n;
- `raw second λ`: an article scores its best passage plus λ times its second
  on each retriever's own scale, then min-max over articles;
- `soft λ, S only`: `fusion_levers`' second-passage bonus on one side only;
- `rocchio 0.15, top 5 of vector + soft λ`: both levers together.

A benchmark, not a test: keep it out of pytest.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import numpy as np

from benchmarks.fusion_levers import (
    _articles,
    _keyword,
    _soft_scores,
    engine_rank,
    main,
    soft,
    weighted,
)
from search.bm25 import Clause
from search.engine import Retrieval, SearchEngine
from search.feedback import VectorFeedback
from search.filters import Filters
from search.fusion import min_max
from search.terms import is_stopword, words

Ranked = list[tuple[int, float]]
Lever = Callable[[SearchEngine, Retrieval], list[str]]


def _combine(keyword: dict[str, float], vector: dict[str, float]) -> list[str]:
    keys = list(dict.fromkeys([*keyword, *vector]))
    total = {k: 0.5 * keyword.get(k, 0.0) + 0.5 * vector.get(k, 0.0) for k in keys}
    return sorted(keys, key=lambda k: -total[k])


def rocchio_vector(
    engine: SearchEngine, found: Retrieval, beta: float, k: int, source: str
) -> Ranked:
    """The vector side searched again with the query moved towards the mean
    of the first k passages of `source` (`search.feedback`, as the engine does)."""
    prepared = engine.prepared()
    first = found.vector
    if source == "fused":
        first = engine.fusion.fuse(_keyword(found), found.vector)
    elif source == "vector articles":
        owners, seen = prepared.snapshot.owners, set()
        first = []
        for pid, score in found.vector:
            if pid in owners and owners[pid][0] not in seen:
                seen.add(owners[pid][0])
                first.append((pid, score))
    moved = VectorFeedback(beta, k).query(prepared.vector.index, found.query_vector, first)
    return prepared.vector.search(moved, engine.settings.candidates)


def rocchio_soft(beta: float, k: int, lam: float, sides: tuple[str, ...]) -> Lever:
    """Vector feedback (top k of the vector side) with the second-passage bonus
    `lam` on the given sides."""

    def rank(engine: SearchEngine, found: Retrieval) -> list[str]:
        vector = rocchio_vector(engine, found, beta, k, "vector")
        k_scores = _soft_scores(engine, _keyword(found), lam if "keyword" in sides else 0.0)
        v_scores = _soft_scores(engine, vector, lam if "vector" in sides else 0.0)
        return _combine(k_scores, v_scores)

    return rank


def rocchio(beta: float, k: int, source: str) -> Lever:
    def rank(engine: SearchEngine, found: Retrieval) -> list[str]:
        vector = rocchio_vector(engine, found, beta, k, source)
        return weighted(_articles(engine, _keyword(found)), _articles(engine, vector))

    return rank


def expansion_terms(
    engine: SearchEngine, found: Retrieval, k: int, n: int
) -> list[tuple[str, float]]:
    """The n heaviest words of the first k fused passages (module docstring)."""
    fused = engine.fusion.fuse(_keyword(found), found.vector)[:k]
    if not fused:
        return []
    scores = min_max(fused)
    texts = found.passages.get([p for p, _ in fused])
    asked = set(found.plan.words)
    weight: Counter[str] = Counter()
    for pid, passage in texts.items():
        ws = [
            w
            for w in words(f"{passage.title} {' '.join(passage.headings)} {passage.text}")
            if len(w) > 2 and not w.isdigit() and not is_stopword(w) and w not in asked
        ]
        for word, count in Counter(ws).items():
            weight[word] += max(scores[pid], 0.05) * count / len(ws)
    return weight.most_common(n)


def rm3_keyword(engine: SearchEngine, found: Retrieval, k: int, n: int, alpha: float) -> Ranked:
    retriever = engine.prepared().keyword
    terms = expansion_terms(engine, found, k, n)
    clauses: list[Clause] = retriever.build(found.plan)
    base = len(found.plan.concepts)
    top = terms[0][1] if terms else 1.0
    for i, (word, w) in enumerate(terms):
        clause = retriever._clause(word, alpha * w / top, base + i)
        if clause is not None:
            clauses.append(clause)
    if not clauses:
        return _keyword(found)
    hits = retriever.scorer.search(
        clauses, engine.settings.candidates, retriever.allowed(Filters())
    )
    return [(retriever.scorer.pid(d.docnum), d.score) for d in hits]


def rm3(k: int, n: int, alpha: float) -> Lever:
    def rank(engine: SearchEngine, found: Retrieval) -> list[str]:
        keyword = rm3_keyword(engine, found, k, n, alpha)
        return weighted(_articles(engine, keyword), _articles(engine, found.vector))

    return rank


def _floored(ranking: list[tuple[str, float]], low: float) -> dict[str, float]:
    if not ranking:
        return {}
    high = max(s for _, s in ranking)
    if high - low <= 1e-12:
        return {a: 1.0 if s >= high else 0.0 for a, s in ranking}
    return {a: max(0.0, (s - low) / (high - low)) for a, s in ranking}


def floor_at(k: int) -> Lever:
    def rank(engine: SearchEngine, found: Retrieval) -> list[str]:
        lists = []
        for ranked in (_keyword(found), found.vector):
            articles = _articles(engine, ranked)
            ordered = sorted((s for _, s in articles), reverse=True)
            low = ordered[min(k, len(ordered)) - 1] if ordered else 0.0
            lists.append(_floored(articles, low))
        return _combine(*lists)

    return rank


def mean_floor(engine: SearchEngine, found: Retrieval) -> list[str]:
    lists = []
    for ranked in (_keyword(found), found.vector):
        articles = _articles(engine, ranked)
        low = float(np.mean([s for _, s in articles])) if articles else 0.0
        lists.append(_floored(articles, low))
    return _combine(*lists)


def log_keyword(engine: SearchEngine, found: Retrieval) -> list[str]:
    keyword = [(p, math.log1p(max(s, 0.0))) for p, s in _keyword(found)]
    return weighted(_articles(engine, keyword), _articles(engine, found.vector))


def passage_min_max(engine: SearchEngine, found: Retrieval) -> list[str]:
    """Min-max over each retriever's passages, then an article takes its best."""
    lists = []
    for ranked in (_keyword(found), found.vector):
        scaled = sorted(min_max(ranked).items(), key=lambda item: -item[1])
        lists.append(dict(_articles(engine, scaled)))
    return _combine(*lists)


def linear_rank(engine: SearchEngine, found: Retrieval) -> list[str]:
    """Each list's articles scored 1 − (rank − 1) / n (Borda), then 0.5 / 0.5."""
    lists = []
    for ranked in (_keyword(found), found.vector):
        articles = _articles(engine, ranked)
        n = max(len(articles), 1)
        lists.append({a: 1.0 - i / n for i, (a, _) in enumerate(articles)})
    return _combine(*lists)


def _raw_second(engine: SearchEngine, ranked: Ranked, lam: float) -> list[tuple[str, float]]:
    owners = engine.prepared().snapshot.owners
    per: dict[str, list[float]] = {}
    for pid, score in ranked:
        if pid in owners:
            per.setdefault(owners[pid][0], []).append(score)
    return [(a, s[0] + lam * sum(s[1:2])) for a, s in per.items()]


def raw_second(lam: float) -> Lever:
    def rank(engine: SearchEngine, found: Retrieval) -> list[str]:
        lists = [min_max(_raw_second(engine, r, lam)) for r in (_keyword(found), found.vector)]
        return _combine(*lists)

    return rank


def soft_side(lam: float, side: str) -> Lever:
    def rank(engine: SearchEngine, found: Retrieval) -> list[str]:
        keyword, vector = _keyword(found), found.vector
        k = _soft_scores(engine, keyword, lam if side == "keyword" else 0.0)
        v = _soft_scores(engine, vector, lam if side == "vector" else 0.0)
        return _combine(k, v)

    return rank


def both(beta: float, k: int, rk: int, n: int, alpha: float) -> Lever:
    """Rocchio on the fused passages and rm3 together."""

    def rank(engine: SearchEngine, found: Retrieval) -> list[str]:
        vector = rocchio_vector(engine, found, beta, k, "fused")
        keyword = rm3_keyword(engine, found, rk, n, alpha)
        return weighted(_articles(engine, keyword), _articles(engine, vector))

    return rank


LEVERS: dict[str, Lever] = {
    "engine (weighted 0.5, min-max, article level)": engine_rank,
    **{
        f"rocchio {b}, top {k} of {s}": rocchio(b, k, s)
        for s in ("vector", "fused")
        for k in (3, 5, 10)
        for b in (0.3, 0.7)
    },
    **{
        f"rocchio {b}, top {k} of {s}": rocchio(b, k, s)
        for s in ("vector", "fused")
        for k in (5, 8)
        for b in (0.15, 0.2, 0.4)
    },
    **{
        f"rocchio {b}, top {k} of vector articles": rocchio(b, k, "vector articles")
        for k in (3, 5)
        for b in (0.15, 0.3)
    },
    **{
        f"rocchio 0.15, top 5 of vector + soft {lam}{'' if len(sides) == 2 else ', vector only'}": (
            rocchio_soft(0.15, 5, lam, sides)
        )
        for lam, sides in (
            (0.05, ("keyword", "vector")),
            (0.1, ("keyword", "vector")),
            (0.2, ("keyword", "vector")),
            (0.2, ("vector",)),
        )
    },
    **{f"rm3 {k}, {n} terms, {a}": rm3(k, n, a) for k in (3, 5) for n in (10,) for a in (0.2, 0.5)},
    "floor 10": floor_at(10),
    "floor 20": floor_at(20),
    "floor 50": floor_at(50),
    "mean floor": mean_floor,
    "log keyword": log_keyword,
    "passage min-max": passage_min_max,
    "linear rank (Borda)": linear_rank,
    "raw second 0.05": raw_second(0.05),
    "raw second 0.1": raw_second(0.1),
    "soft 0.05": soft(0.05),
    "soft 0.2, keyword only": soft_side(0.2, "keyword"),
    "soft 0.2, vector only": soft_side(0.2, "vector"),
}


if __name__ == "__main__":
    main(levers=LEVERS)
