"""Answer and ranking levers that read a page's structure or the retrievers' agreement.

    python -m benchmarks.structure_levers \\
        --set labelled=benchmarks/labelled/queries.jsonl,var/sample/index-e5,content,path,benchmarks/labelled/answers.jsonl \\
        --set handbook=$S/queries.jsonl,var/handbook/index-e5,var/handbook/content,relative,benchmarks/handbook18f/answers.jsonl \\
        [--qrels handbook=$S/qrels.tsv] [--json FILE]

Every query of each set is searched with the product's default settings.
For those with an answer label, the passages that compete for the answer
(`passage_features`, exactly what the engine computes) and whether each
holds the labelled answer (as `kb eval --answers` judges) are the data, as
in `benchmarks.fit_answers`; the levers (docs/search.md, "Levers tried"):

- `agreement`: a tie-break rule, no refit: within the article of the
  best-scored candidate (the engine's weights), the passage that the keyword
  list and the vector list both rank first among that article's passages
  is the answer, where there is one;
- `top_in_article`: 1 for the candidate whose cosine is the best of its
  article's candidates (the model's own choice within the page), as a tenth
  answer feature;
- `faq`, `faq_section`, `faq_heading`: the candidate's deepest heading is a
  question (it ends in "?", a FAQ entry): the flag, and the flag times the
  heading path's cosine or the lexical heading share.

The features are measured as `fit_answers` measures them (pairwise fit on
the tune halves, English rate cross-validated over ten splits into five
folds, and in sample per set and half). With `--qrels NAME=FILE`, every
query of that set also measures a ranking lever: the first 30 fused
articles re-scored by `weight` × (the best heading-path cosine, query role,
of the article's retrieved passages, `search.section_match`, minus the best
of the 30), nDCG@10 per language and half.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.fit_answers import (
    L2,
    Search,
    add_answer_sets,
    answer_set,
    chosen_holds,
    cross_validated,
    fit,
)
from kb.results import Query
from kb.settings import Settings
from search.answer_quality import ShownAnswer, load_answer_labels
from search.answering import FITTED_PASSAGE_WEIGHTS, passage_features
from search.evaluation import ID_FORMS, load_qrels, load_queries, ndcg_at
from search.section_match import section_cosines
from search.splits import REPORT, TUNE, half_of

NINE = tuple(FITTED_PASSAGE_WEIGHTS)
EXTRAS = (("top_in_article",), ("faq",), ("faq_section",), ("faq_heading",))
RANKED_ARTICLES = 30
HEADING_WEIGHTS = (0.5, 1.0, 2.0, 4.0)


@dataclass
class Labelled:
    """One labelled search: its candidates and which of them the two lists agree on."""

    search: Search
    articles: list[str]  # the candidates' articles, in candidate order
    agreed: dict[str, int] = field(default_factory=dict)  # article → index of its agreed passage


@dataclass(frozen=True)
class Ranked:
    """One search's first fused articles: (corpus id, fused score, best heading cosine)."""

    id: str
    lang: str
    articles: list[tuple[str, float, float | None]]


def first_per_article(ranked: Sequence[int], article_of: Mapping[int, str]) -> dict[str, int]:
    """Article → the passage a list ranks first among that article's passages."""
    out: dict[str, int] = {}
    for pid in ranked:
        article = article_of.get(pid)
        if article is not None:
            out.setdefault(article, pid)
    return out


def with_flags(features: Mapping[str, float], headings: Sequence[str]) -> dict[str, float]:
    """The nine features and the levers' flags of one candidate."""
    out = {k: float(features[k]) for k in NINE}
    faq = 1.0 if headings and headings[-1].strip().endswith("?") else 0.0
    out["top_in_article"] = 1.0 if features["cosine_in_article"] >= 0 else 0.0
    out["faq"] = faq
    out["faq_section"] = faq * features["section_cosine"]
    out["faq_heading"] = faq * features["heading"]
    return out


def agreed_passages(
    rows: Sequence[tuple[int, str]], keyword: Mapping[str, int], vector: Mapping[str, int]
) -> dict[str, int]:
    """Article → the index (in `rows`, (pid, article) pairs) of the candidate
    that both lists rank first in that article, for the articles that have one."""
    out: dict[str, int] = {}
    for i, (pid, article) in enumerate(rows):
        if keyword.get(article) == pid and vector.get(article) == pid:
            out[article] = i
    return out


def agreement_holds(item: Labelled, weights: Mapping[str, float]) -> bool:
    """Whether the agreement rule's pick holds the answer (the best-scored
    candidate where its article has no agreed passage)."""
    search = item.search
    scores = [sum(w * f[k] for k, w in weights.items()) for f in search.features]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    pick = item.agreed.get(item.articles[best], best)
    return search.held[pick]


def heading_order(ranked: Ranked, weight: float) -> list[str]:
    """The articles re-scored by `weight` × their heading cosine's distance below
    the best (an article without heading vectors counts as the best)."""
    known = [c for _, _, c in ranked.articles if c is not None]
    top = max(known, default=0.0)
    scored = [
        (score + weight * ((top if c is None else c) - top), i, doc)
        for i, (doc, score, c) in enumerate(ranked.articles)
    ]
    return [doc for _, _, doc in sorted(scored, key=lambda t: (-t[0], t[1]))]


def collect(
    name: str, spec: Sequence[str], qrels: Path | None
) -> tuple[list[Labelled], list[Ranked]]:
    """Search every query of one set: labelled candidates, and ranked articles with `qrels`."""
    from search.engine import SearchEngine

    queries, index, content, id_form, answers = spec
    labels, doc_id = load_answer_labels(Path(answers)), ID_FORMS[id_form]
    engine = SearchEngine(Settings.load({"index_dir": index, "content_dir": content}))
    labelled: list[Labelled] = []
    ranked: list[Ranked] = []
    for query in load_queries(Path(queries)):
        label = labels.get(query.id)
        if label is None and qrels is None:
            continue
        found = engine.retrieve(Query(query.text, k=10, floor=False))
        groups, article_of = engine.rank(found)
        if qrels is not None:
            articles = heading_ranked(found, groups, doc_id)
            ranked.append(Ranked(query.id, query.lang or "", articles))
        if label is None:
            continue
        loaded, cosines, sections = engine.competing(found, groups)
        rows = passage_features(groups, loaded, cosines, found.plan, sections)
        held = [
            label.held_by(ShownAnswer(a, loaded[p].headings, loaded[p].text), doc_id)
            for p, a, _ in rows
        ]
        features = [with_flags(f, loaded[p].headings) for p, _, f in rows]
        keyword = first_per_article([h.pid for h in found.keyword], article_of)
        vector = first_per_article([p for p, _ in found.fused_vector or found.vector], article_of)
        pairs = [(p, a) for p, a, _ in rows]
        search = Search(name, query.id, query.lang or "", features, held)
        labelled.append(
            Labelled(search, [a for _, a in pairs], agreed_passages(pairs, keyword, vector))
        )
    engine.close()
    return labelled, ranked


def heading_ranked(
    found: Any, groups: Sequence[Any], doc_id: Callable[[str], str]
) -> list[tuple[str, float, float | None]]:
    """The first fused articles (by corpus id) with the best heading-path
    cosine of their retrieved passages."""
    top = list(groups[:RANKED_ARTICLES])
    loaded = found.passages.get([p for g in top for p in g.pids])
    vectors = found.prepared.snapshot.heading_vectors
    cosines = section_cosines(vectors, loaded, found.query_vector)
    out: list[tuple[str, float, float | None]] = []
    for group in top:
        own = [cosines[p] for p in group.pids if p in cosines]
        out.append((doc_id(group.article_id), group.score, max(own) if own else None))
    return out


def answer_figures(items: Sequence[Labelled]) -> dict[str, Any]:
    """Per lever: cross-validated English rate and in-sample counts per set and half."""
    searches = [i.search for i in items]
    tune = [s for s in searches if s.half == TUNE]
    names = sorted({s.set for s in searches})

    def counts(holds: Any) -> dict[str, int]:
        return {
            f"{name} {half}": sum(
                holds(i)
                for i in items
                if i.search.set == name and i.search.half == half and i.search.lang == "en"
            )
            for name in names
            for half in (TUNE, REPORT)
        }

    out: dict[str, Any] = {
        "engine": counts(lambda i: chosen_holds(i.search, FITTED_PASSAGE_WEIGHTS)),
        "agreement": counts(lambda i: agreement_holds(i, FITTED_PASSAGE_WEIGHTS)),
    }
    for extra in ((), *EXTRAS):
        features = (*NINE, *extra)
        weights = fit(tune, L2, "pairwise", features)
        out["nine + " + ", ".join(extra) if extra else "nine, refitted"] = {
            "cross_validated": cross_validated(tune, L2, "pairwise", features),
            "in_sample": counts(lambda i, w=weights: chosen_holds(i.search, w)),
            "weights": {k: weights[k] for k in extra},
        }
    return out


def ranking_figures(
    ranked: Sequence[Ranked], qrels: Mapping[str, Mapping[str, int]]
) -> dict[str, Any]:
    """nDCG@10 per language and half, at weight 0 and each of `HEADING_WEIGHTS`."""
    out: dict[str, Any] = {}
    for weight in (0.0, *HEADING_WEIGHTS):
        cells: dict[str, list[float]] = {}
        for r in ranked:
            if r.id in qrels:
                cell = f"{r.lang} {half_of(r.id)}"
                cells.setdefault(cell, []).append(ndcg_at(heading_order(r, weight), qrels[r.id]))
        out[f"weight {weight:g}"] = {k: round(sum(v) / len(v), 4) for k, v in sorted(cells.items())}
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_answer_sets(parser)
    parser.add_argument("--qrels", action="append", default=[], metavar="NAME=FILE")
    parser.add_argument("--json", type=Path, help="Write the figures here.")
    args = parser.parse_args(argv)
    qrels_of = dict(q.split("=", 1) for q in args.qrels)
    items: list[Labelled] = []
    result: dict[str, Any] = {"ranking": {}}
    for spec in args.sets:
        name, parts = answer_set(spec)
        qrels = Path(qrels_of[name]) if name in qrels_of else None
        labelled, ranked = collect(name, parts, qrels)
        items += labelled
        if qrels is not None:
            result["ranking"][name] = ranking_figures(ranked, load_qrels(qrels))
    if not items:
        raise SystemExit("nothing to measure: give --set")
    result["answer"] = answer_figures(items)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
