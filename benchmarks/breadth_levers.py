"""Article evidence breadth after fusion: how many of an article's passages match.

    python -m benchmarks.breadth_levers --queries FILE --qrels FILE --content DIR \
        --index DIR [--ids path|stem|relative] [--json FILE]

Each judged query is searched once as `kb eval` does (`SearchEngine.retrieve`,
then `SearchEngine.rank` with the default settings, every article ranked);
that ranking is the baseline. Every lever re-ranks the same fused articles:
the first `top` of them get `weight` × a feature added to their fused score.

- kw count / vec count: the article's distinct passages among the keyword
  (vector) list's first `DEPTH` passages, less one, over `DEPTH`: a page
  about the topic matches in several sections, a page that mentions it once
  in one.
- both count: the same over both lists' first passages together.
- coverage: the IDF-weighted share of the query's concepts that the article's
  keyword-matched passages hold together, less the best single passage's
  share (evidence spread over the page's sections).
- centrality: the article's mean passage vector's mean cosine to the other first ten
  articles' (an overview page sits in the middle of its topic), with either
  sign.
- near first: the article's mean passage vector's cosine to the first article's, less
  the mean of the first ten's (pages on the first result's topic rise: the
  second relevant page of a question is mostly a sibling of the first).
- near z, central z: the same over their spread among the first articles
  (weights per standard deviation).
- folder: 1 where the article's folder (its id less the file name) is the
  first article's, the first included (a page's siblings rise with it);
  folder after first: the same without the first itself.
- mutual: 1 where the article and the first are each among the other's
  `MUTUAL` nearest articles (mean passage vectors) within the first 30 (reciprocal neighbours).

With `--json FILE`, the searches and features are kept in `FILE.pickle` and
read from there on the next run (delete it to search again).

The report gives English nDCG@10 and top 3 and German nDCG@10 and top 3 on all
judged queries and on the tune and report halves of `search.splits`, and
under each lever the queries whose nDCG@10 it moves.

A benchmark, not a test: keep it out of pytest.
"""

from __future__ import annotations

import argparse
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.article_levers import arguments, report, save_json, searched
from kb.settings import Settings
from search.engine import SearchEngine
from search.evaluation import ID_FORMS, load_qrels

TOPS = (10, 30)
WEIGHTS = (0.02, 0.05, 0.1, 0.2, 0.3)
Z_WEIGHTS = (0.005, 0.01, 0.02, 0.03, 0.05)  # per standard deviation
DEPTH = 20  # passages of each list read for the counts
CENTRAL = 10  # articles compared for centrality
MUTUAL = 3  # nearest titles for reciprocal neighbours
FEATURES = ("kw", "vec", "both", "coverage", "central", "near", "mutual")
DERIVED = ("near z", "central z", "folder", "folder after first")


@dataclass
class Candidate:
    """One query's fused articles and, for the first ones, their features."""

    id: str
    lang: str
    ranked: list[tuple[str, float]]
    features: dict[str, dict[str, float]]  # feature → article → value


def _counts(ranked: Sequence[tuple[int, float]], article_of: dict[int, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for pid, _ in ranked[:DEPTH]:
        a = article_of.get(pid)
        if a is not None:
            out[a] = out.get(a, 0) + 1
    return out


def collect(args: argparse.Namespace) -> list[Candidate]:
    settings = Settings.load(
        {"content_dir": str(args.content), "index_dir": str(args.index)}, environ={}
    )
    engine = SearchEngine(settings)
    snapshot = engine.prepared().snapshot
    owners = snapshot.owners
    by_article: dict[str, list[int]] = {}
    for pid, owner in owners.items():
        by_article.setdefault(owner[0], []).append(pid)
    store = engine.prepared().vector.index
    means: dict[str, np.ndarray] = {}

    def article_vector(a: str) -> np.ndarray:
        if a not in means:
            m = np.mean(list(store.vectors(by_article.get(a, [])).values()), axis=0)
            means[a] = m / (np.linalg.norm(m) or 1.0)
        return means[a]

    out = []
    for q, found, groups, article_of in searched(engine, args):
        keyword = [(h.pid, h.score) for h in found.keyword]
        vector = found.fused_vector or found.vector
        kw, vec = _counts(keyword, article_of), _counts(vector, article_of)
        both: dict[str, int] = {}
        for pid in {p for p, _ in keyword[:DEPTH]} | {p for p, _ in vector[:DEPTH]}:
            a = article_of.get(pid)
            if a is not None:
                both[a] = both.get(a, 0) + 1
        weights = [c.weight for c in found.plan.concepts]
        total = sum(w for w in weights if w > 0) or 1.0
        held: dict[str, set[int]] = {}
        best: dict[str, float] = {}
        for h in found.keyword:
            a = article_of.get(h.pid)
            if a is None:
                continue
            held.setdefault(a, set()).update(h.matched)
            share = sum(max(weights[i], 0.0) for i in h.matched) / total
            best[a] = max(best.get(a, 0.0), share)
        top_ids = [g.article_id for g in groups[:CENTRAL]]
        vecs = {a: article_vector(a) for a in top_ids}
        feats: dict[str, dict[str, float]] = {k: {} for k in FEATURES}
        for g in groups[: max(TOPS)]:
            a = g.article_id
            feats["kw"][a] = max(kw.get(a, 0) - 1, 0) / DEPTH
            feats["vec"][a] = max(vec.get(a, 0) - 1, 0) / DEPTH
            feats["both"][a] = max(both.get(a, 0) - 1, 0) / DEPTH
            union = sum(max(weights[i], 0.0) for i in held.get(a, ())) / total
            feats["coverage"][a] = union - best.get(a, 0.0)
            if a in vecs and len(vecs) > 1:
                others = [float(np.dot(vecs[a], v)) for b, v in vecs.items() if b != a]
                feats["central"][a] = sum(others) / len(others)
        if feats["central"]:
            mean = sum(feats["central"].values()) / len(feats["central"])
            feats["central"] = {a: v - mean for a, v in feats["central"].items()}
        head = [g.article_id for g in groups[: max(TOPS)]]
        if len(head) > MUTUAL + 1 and groups and groups[0].article_id == head[0]:
            m = np.stack([article_vector(a) for a in head])
            sims = m @ m.T
            np.fill_diagonal(sims, -2.0)
            nearest = [set(np.argsort(-row)[:MUTUAL]) for row in sims]
            mean10 = float(np.mean(sims[0, 1:CENTRAL]))
            for i, a in enumerate(head[1:], start=1):
                feats["near"][a] = float(sims[0, i]) - mean10
                feats["mutual"][a] = 1.0 if (i in nearest[0] and 0 in nearest[i]) else 0.0
        ranked = [(g.article_id, g.score) for g in groups]
        out.append(Candidate(q.id, q.lang or "", ranked, feats))
    engine.close()
    return out


Lever = Callable[[Candidate], list[str]]


def lever(top: int, feature: str, weight: float) -> Lever:
    def rank(c: Candidate) -> list[str]:
        values = c.features[feature]
        scores = {
            a: s + (weight * values.get(a, 0.0) if i < top else 0.0)
            for i, (a, s) in enumerate(c.ranked)
        }
        return sorted(scores, key=lambda a: -scores[a])

    return rank


def standardised(c: Candidate, feature: str) -> dict[str, float]:
    """The feature over its spread among the query's first articles (z-score)."""
    values = c.features[feature]
    if len(values) < 2:
        return {}
    spread = float(np.std(list(values.values()))) or 1.0
    mean = float(np.mean(list(values.values())))
    return {a: (v - mean) / spread for a, v in values.items()}


def derive(found: Sequence[Candidate]) -> None:
    """The features read from the others or from the article ids alone."""
    for c in found:
        for feature in ("near", "central"):
            c.features[feature + " z"] = standardised(c, feature)
        first = c.ranked[0][0].rsplit("/", 1)[0] if c.ranked else ""
        same = {a: 1.0 for a, _ in c.ranked[: max(TOPS)] if a.rsplit("/", 1)[0] == first}
        c.features["folder"] = same
        c.features["folder after first"] = {a: v for a, v in same.items() if a != c.ranked[0][0]}


def levers() -> dict[str, Lever]:
    out: dict[str, Lever] = {"engine": lambda c: [a for a, _ in c.ranked]}
    for top in TOPS:
        for feature in (*FEATURES, *DERIVED):
            for w in WEIGHTS if " z" not in feature else Z_WEIGHTS:
                out[f"{feature} top {top} w {w}"] = lever(top, feature, w)
                if feature.startswith("central"):
                    out[f"{feature} top {top} w -{w}"] = lever(top, feature, -w)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    args = arguments(__doc__, argv)
    cache = Path(str(args.json) + ".pickle") if args.json else None
    if cache is not None and cache.exists():
        found = pickle.loads(cache.read_bytes())
    else:
        found = collect(args)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(pickle.dumps(found))
    derive(found)
    print(f"{len(found)} judged queries", flush=True)
    table = report(levers(), found, load_qrels(args.qrels), ID_FORMS[args.ids])
    save_json(args.json, {"queries": len(found), "levers": table})


if __name__ == "__main__":
    main()
