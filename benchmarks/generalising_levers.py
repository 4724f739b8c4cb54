"""Confidence evidence meant to carry across corpora, measured offline.

    python -m benchmarks.generalising_levers \\
        --set labelled=benchmarks/labelled/queries.jsonl,var/sample/index-e5,content \\
        --set handbook=$SHARED/benchmarks/handbook18f-dev/queries.jsonl,var/handbook/index-e5,var/handbook/content \\
        --holdout own=benchmarks/labelled/holdout/queries.jsonl,var/sample/index-e5,content \\
        --holdout 18f=benchmarks/handbook18f/holdout-queries.jsonl,var/handbook/index-e5,var/handbook/content \\
        --holdout german=benchmarks/handbook18f/german-queries.jsonl,var/handbook/index-e5,var/handbook/content \\
        [--samples FILE] [--json FILE]

Each candidate is read from what a search has already computed (no model
call at query time), fitted beside the committed model on the tune halves
of the `--set`s (`fit_confidence.fit_on`, threshold by the same 8 % rule)
and measured on the report halves and every `--holdout` (never fitted on):

- `rarest_place`: where the question's rarest concept (the highest index
  IDF, as `search.title_match.rarest_concept` finds it for the title bonus)
  is held: 1 by the answer passage (title, headings, text, tags), 0.5 only by
  another passage of the answer's article, 0 elsewhere or nowhere;
- `rarest_far`: 1 / the fused rank of the first article whose keyword-matched
  passage holds that concept (0 where no passage of the first 100 keyword
  hits holds it): the concept held only by far-away articles scores low;
- `rarest_absent`: 1 where the index holds the concept (a keyword hit
  matches it) but none of the first three fused articles does;
- `models_agree`: 1 where the second model's nearest passage belongs to the
  answer's article (only where the second model read the question);
- `answer_coverage_rare`: the answer passage's coverage of the concepts
  weighted by IDF squared (the rare words count more than in
  `answer_coverage`);
- `cosine_null_gap`, `second_null_gap`: the best cosine (`cosine`,
  `second_top`) minus its mean over pseudo-questions of the same index
  (three words drawn from three random passages, fixed seed, no labels):
  how much nearer the question comes than a random question in the
  corpus's own words; and `cosine_null_z`, that gap over the pseudo-questions'
  deviation.

The keyword candidates are not observed across languages (their mean over
the tune searches that observe them stands in, as in `near_miss_levers`).
"""

from __future__ import annotations

import random
import re
import statistics
from collections.abc import Sequence

from benchmarks.competition import competition
from benchmarks.fit_confidence import Sample
from benchmarks.spread_levers import lever_parser, measured, print_table, searched, write
from indexer.metadata import Passage
from kb.results import Query
from search.answering import ConceptMatch
from search.engine import SearchEngine
from search.title_match import rarest_concept

CANDIDATES = (
    "rarest_place",
    "rarest_far",
    "rarest_absent",
    "models_agree",
    "answer_coverage_rare",
    "cosine_null_gap",
    "second_null_gap",
    "cosine_null_z",
)
PSEUDO = 40  # pseudo-questions per index
NULL: dict[str, tuple[float, float, float]] = {}  # index → cosine mean, deviation, second mean


def pseudo_questions(engine: SearchEngine, count: int = PSEUDO, seed: int = 0) -> list[str]:
    """Three words of four letters or more, each from a random passage."""
    found = engine.retrieve(Query("help", k=10))
    pids = sorted(found.prepared.snapshot.owners)
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        chosen = rng.sample(pids, 3)
        loaded = found.passages.get(chosen)
        picked = []
        for pid in chosen:
            pool = re.findall(r"[^\W\d_]{4,}", loaded[pid].text) if pid in loaded else []
            if pool:
                picked.append(rng.choice(pool).lower())
        if len(picked) == 3:
            out.append(" ".join(picked))
    return out


def null_of(engine: SearchEngine) -> tuple[float, float, float]:
    """The pseudo-questions' mean and deviation of `cosine`, mean of `second_top`."""
    key = str(engine.settings.index_dir)
    if key not in NULL:
        feats = [engine.search(Query(q, k=10)).features for q in pseudo_questions(engine)]
        cos = [f.get("cosine", 0.0) for f in feats]
        second = [f.get("second_top", 0.0) for f in feats]
        NULL[key] = (statistics.fmean(cos), statistics.pstdev(cos), statistics.fmean(second))
    return NULL[key]


def rank_holding(articles: Sequence[str], holding: set[str]) -> int | None:
    """The 1-based rank in `articles` (fused, best first) of the first one in `holding`."""
    return next((i + 1 for i, a in enumerate(articles) if a in holding), None)


def place(in_answer: bool, in_article: bool) -> float:
    """`rarest_place`: 1 held by the answer passage, 0.5 only by its article, else 0."""
    return 1.0 if in_answer else 0.5 if in_article else 0.0


def coverage_rare(held: Sequence[bool], weights: Sequence[float]) -> float:
    """The share of the concepts `held`, each weighing its IDF squared."""
    squared = [w * w for w in weights]
    total = sum(squared)
    return sum(w for w, h in zip(squared, held, strict=True) if h) / total if total else 0.0


def candidates(engine: SearchEngine, text: str) -> dict[str, float]:
    """The observed candidates of one query (module docstring)."""
    cos_mean, cos_sd, second_mean = null_of(engine)
    out = {"_null_cos": cos_mean, "_null_sd": cos_sd, "_null_second": second_mean}
    seen = competition(engine, text)
    found, groups, loaded = seen.found, seen.groups, seen.loaded
    if not groups:
        return out
    plan, top = found.plan, groups[0]
    answer = seen.candidates[0].pid if seen.candidates else top.best_pid
    if answer not in loaded:
        return out
    passage = loaded[answer]
    owners = found.prepared.snapshot.owners
    if found.secondary and found.secondary_query is not None:
        first = owners.get(found.secondary[0][0], ("",))[0]
        out["models_agree"] = float(first == passage.article_id)
    concept = rarest_concept(plan)
    if passage.lang != plan.lang or concept is None:
        return out
    index = plan.concepts.index(concept)
    match = ConceptMatch(plan)

    def held(p: Passage) -> list[bool]:
        return match.held(" ".join((p.title, *p.headings, p.text, *p.tags)))

    answer_held = held(passage)
    out["answer_coverage_rare"] = coverage_rare(answer_held, match.weights)
    article = [held(loaded[p])[index] for p in top.pids if p in loaded and p != answer]
    out["rarest_place"] = place(answer_held[index], any(article))
    holding = {owners[h.pid][0] for h in found.keyword if index in h.matched and h.pid in owners}
    rank = rank_holding([g.article_id for g in groups], holding)
    out["rarest_far"] = 1.0 / rank if rank else 0.0
    near = {g.article_id for g in groups[:3]}
    out["rarest_absent"] = float(bool(holding) and not (holding & near))
    return out


def with_null_gaps(samples: Sequence[Sample]) -> list[Sample]:
    """The null-gap candidates from each sample's own cosines and its index's pseudo-questions."""
    out = []
    for s in samples:
        f = dict(s.features)
        if "_null_cos" in f and "cosine" in f:
            f["cosine_null_gap"] = f["cosine"] - f["_null_cos"]
            f["cosine_null_z"] = f["cosine_null_gap"] / max(f["_null_sd"], 1e-6)
            if "models_agree" in f:  # the second model read the question
                f["second_null_gap"] = f.get("second_top", 0.0) - f["_null_second"]
        out.append(Sample(s.set, s.id, s.answerable, f))
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = lever_parser(__doc__)
    parser.add_argument("--only", nargs="*", help="Measure these candidate sets (a+b for pairs).")
    args = parser.parse_args(argv)
    samples, fitted, holdouts = searched(args, candidates)
    samples = with_null_gaps(samples)
    tried = [tuple(o.split("+")) for o in args.only] if args.only else [(c,) for c in CANDIDATES]
    results = {"committed": measured(samples, fitted, holdouts, ())}
    for added in tried:
        results[" + ".join(added)] = measured(samples, fitted, holdouts, added)
    print_table(results)
    if args.json:
        write(args.json, samples, results)


if __name__ == "__main__":
    main()
