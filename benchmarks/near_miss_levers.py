"""Evidence against near misses in the confidence, measured offline.

    python -m benchmarks.near_miss_levers \\
        --set labelled=benchmarks/labelled/queries.jsonl,var/sample/index-e5,content \\
        --set handbook=$SHARED/benchmarks/handbook18f-dev/queries.jsonl,var/handbook/index-e5,var/handbook/content \\
        --holdout own=benchmarks/labelled/holdout/queries.jsonl,var/sample/index-e5,content \\
        --holdout 18f=benchmarks/handbook18f/holdout-queries.jsonl,var/handbook/index-e5,var/handbook/content \\
        [--samples FILE] [--json FILE]

A near miss shares the topic and the words of a real page and differs in one
detail ("401k *match*", "cafeteria *menu*", "credit *limit* on the travel
card"). Every query is searched once with default settings; beside the
engine's evidence the script records candidates the engine does not weigh
(CANDIDATES; docs/search.md, "Answered or not", lists the earlier ones):

- `sentence_coverage`, `sentence_coverage_article`: the IDF-weighted share
  of the query's concepts the index holds that *one* sentence (read after
  its passage's heading path) of the answer passage, or of any of the top
  article's competing passages, holds: a page that states the asked thing
  states it together, a near miss gathers its words from several places;
- `adjacent_pairs`: the share of the query's adjacent content-word pairs
  side by side in the answer passage (`search.proximity`);
- `list_overlap`: shared articles among the first ten of the keyword and
  the vector list, over ten; `models_overlap`: the same for the two
  embedding models' lists;
- `keyword_spread`: the first ten keyword scores' deviation over their mean;
- `rarest_cosine_gap`: the best cosine of a passage the keyword side finds
  holding the query's rarest concept, minus the best cosine of all;
- `lacks_headed_elsewhere`: the IDF-weighted share of the concepts the
  answer passage lacks that the title or headings of another article's
  passage among the first 50 of either list hold (the question names
  another page's subject: "dress code at the *DC* office" answered from
  *New York City*);
- `answer_rank_second`: 1 / the answer passage's rank in the second model's
  list;
- `second_leave_out`: the second model's (all-MiniLM-L6-v2) cosine gain of
  the answer passage when the rarest concept it lacks leaves the question
  (the second look's evidence, `search.second_look`, with the model whose
  cosines spread widely); `second_leave_out_relative`: that gain minus the
  mean gain of the second model's own first ten passages (shortening a
  question moves every cosine). 0 where the passage lacks nothing.

Where a candidate is not observed (a cross-language question, a question the
second model does not read, one content word) it takes its mean over the
tune halves' searches that observe it. Each candidate is fitted beside the
committed model (`fit_confidence.fit_on`: the committed weights kept in
proportion) on the tune halves of the `--set`s, the threshold chosen by the
same 8 % rule; AUC / caught / declined are printed for every half and for
each `--holdout` (never fitted on).
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.competition import competition
from benchmarks.fit_confidence import (
    Sample,
    add_set_option,
    fit_on,
    load_samples,
    measure,
    query_set,
    threshold,
)
from indexer.metadata import Passage
from kb.results import Query
from kb.settings import Settings
from search.answering import ConceptMatch
from search.confidence import ConfidenceModel
from search.engine import Retrieval, SearchEngine
from search.evaluation import ANSWERABLE, UNANSWERABLE, load_queries
from search.highlight import sentences
from search.proximity import adjacent_share
from search.second_look import rarest_missing, without
from search.splits import REPORT, TUNE

CANDIDATES = (
    "sentence_coverage",
    "sentence_coverage_article",
    "adjacent_pairs",
    "list_overlap",
    "models_overlap",
    "keyword_spread",
    "rarest_cosine_gap",
    "lacks_headed_elsewhere",
    "answer_rank_second",
    "second_leave_out",
    "second_leave_out_relative",
)
TOP = 10


def weighted(held: Sequence[bool], weights: Sequence[float], among: Sequence[bool]) -> float:
    """IDF-weighted share of the concepts marked in `among` that are `held`."""
    total = sum(w for w, a in zip(weights, among, strict=True) if a)
    if total <= 0:
        return 0.0
    return sum(w for w, a, h in zip(weights, among, held, strict=True) if a and h) / total


def best_sentence_share(
    match: ConceptMatch, passages: Sequence[Passage], among: Sequence[bool]
) -> float:
    """The best share (`weighted`) one sentence holds, each sentence read with
    its passage's title and headings."""
    best = 0.0
    for passage in passages:
        heading = match.held(" ".join((passage.title, *passage.headings)))
        for sentence in sentences(passage.text) or [""]:
            held = [a or b for a, b in zip(heading, match.held(sentence), strict=True)]
            best = max(best, weighted(held, match.weights, among))
    return best


def first_articles(hits: Sequence[tuple[int, float]], article_of: dict[int, str]) -> list[str]:
    """The first TOP distinct articles of a passage list (unknown passages skipped)."""
    out: list[str] = []
    for pid, _ in hits:
        article = article_of.get(pid)
        if article is not None and article not in out:
            out.append(article)
        if len(out) == TOP:
            break
    return out


def overlap(a: Sequence[str], b: Sequence[str]) -> float:
    return len(set(a[:TOP]) & set(b[:TOP])) / TOP


def spread(scores: Sequence[float]) -> float:
    """Standard deviation over mean (0 for fewer than two or no positive mean)."""
    if len(scores) < 2 or statistics.fmean(scores) <= 0:
        return 0.0
    return statistics.pstdev(scores) / statistics.fmean(scores)


def relative_gain(gain: float, own_gains: Sequence[float]) -> float:
    """A passage's leave-out gain beyond the mean gain of the model's own first passages."""
    return gain - (statistics.fmean(own_gains) if own_gains else 0.0)


def candidates(engine: SearchEngine, text: str) -> dict[str, float]:
    """The observed candidates of one query (module docstring)."""
    seen = competition(engine, text)
    found, groups, loaded = seen.found, seen.groups, seen.loaded
    if not groups:
        return {}
    plan, top = found.plan, groups[0]
    answer = seen.candidates[0].pid if seen.candidates else top.best_pid
    pool = [h.pid for h in found.keyword[:50]] + [p for p, _ in found.vector[:50]]
    loaded = dict(loaded) | found.passages.get([p for p in dict.fromkeys(pool) if p not in loaded])
    article_of = {p: passage.article_id for p, passage in loaded.items()}
    match = ConceptMatch(plan)
    known = [False] * len(plan.concepts)
    for hit in found.keyword:
        for i in hit.matched:
            known[i] = True
    out: dict[str, float] = {}
    same_language = loaded[top.best_pid].lang == plan.lang if top.best_pid in loaded else True
    if same_language and answer in loaded:
        out |= _keyword_evidence(found, match, known, loaded, answer, top.pids, article_of)
    if len(plan.concepts) >= 2 and answer in loaded:
        out["adjacent_pairs"] = adjacent_share(loaded[answer], [c.word for c in plan.concepts])
    if found.vector and same_language and any(known):
        out["rarest_cosine_gap"] = _rarest_gap(found, plan.concepts, known)
    if found.secondary_cosines and found.secondary_query is not None and answer in loaded:
        out |= _second_evidence(engine, found, loaded[answer], answer, article_of)
    return out


def _keyword_evidence(
    found: Retrieval,
    match: ConceptMatch,
    known: list[bool],
    loaded: dict[int, Passage],
    answer: int,
    top_pids: Sequence[int],
    article_of: dict[int, str],
) -> dict[str, float]:
    passage = loaded[answer]
    held = match.held(" ".join((passage.title, *passage.headings, passage.text, *passage.tags)))
    headed = [False] * len(known)
    for other in loaded.values():
        if other.article_id != passage.article_id:
            line = match.held(" ".join((other.title, *other.headings)))
            headed = [a or b for a, b in zip(headed, line, strict=True)]
    lacks = [not h and e for h, e in zip(held, headed, strict=True)]
    vector = first_articles(found.vector, article_of)
    return {
        "sentence_coverage": best_sentence_share(match, [passage], known),
        "sentence_coverage_article": best_sentence_share(
            match, [loaded[p] for p in top_pids if p in loaded], known
        ),
        "list_overlap": overlap(
            first_articles([(h.pid, h.score) for h in found.keyword], article_of), vector
        ),
        "keyword_spread": spread([h.score for h in found.keyword[:TOP]]),
        "lacks_headed_elsewhere": weighted(lacks, match.weights, [True] * len(known)),
    }


def _rarest_gap(found: Retrieval, concepts: Sequence[Any], known: list[bool]) -> float:
    rarest = max((i for i, k in enumerate(known) if k), key=lambda i: concepts[i].weight)
    holding = [h.pid for h in found.keyword if rarest in h.matched]
    cosines = found.prepared.vector.cosines(found.query_vector, holding, dict(found.vector))
    return max(cosines.values(), default=found.vector[-1][1]) - found.vector[0][1]


def _second_evidence(
    engine: SearchEngine,
    found: Retrieval,
    passage: Passage,
    answer: int,
    article_of: dict[int, str],
) -> dict[str, float]:
    ensemble = engine.ensemble
    assert ensemble is not None and found.secondary_query is not None
    own = [p for p, _ in found.secondary[:TOP]]
    rank = next((i + 1 for i, (p, _) in enumerate(found.secondary) if p == answer), None)
    out = {
        "answer_rank_second": 1.0 / rank if rank else 0.0,
        "models_overlap": overlap(
            first_articles(found.vector, article_of), first_articles(found.secondary, article_of)
        ),
        "second_leave_out": 0.0,
        "second_leave_out_relative": 0.0,
    }
    word = rarest_missing(found.plan, passage)
    shorter = without(found.plan.text, [word]) if word else ""
    if not shorter or shorter == " ".join(found.plan.text.split()):
        return out
    full = ensemble.embedder.embed_query(found.plan.text)
    short = ensemble.embedder.embed_query(shorter)

    def cosines(vector: Any) -> dict[int, float]:
        return ensemble.cosines(found.prepared, vector, [answer, *own], [])

    after, before = cosines(short), cosines(full)
    gain = after[answer] - before[answer]
    out["second_leave_out"] = gain
    out["second_leave_out_relative"] = relative_gain(gain, [after[p] - before[p] for p in own])
    return out


def collect(
    name: str,
    queries: Path,
    index: str,
    content: str,
    observe: Callable[[SearchEngine, str], dict[str, float]] = candidates,
) -> list[Sample]:
    """Every labelled query of one set searched once: the engine's evidence
    and the candidates `observe` reads (`benchmarks.spread_levers` passes its own)."""
    engine = SearchEngine(
        Settings.load({"index_dir": index, "content_dir": content, "confidence_second_look": False})
    )
    out = []
    for query in load_queries(queries):
        if query.kind in (ANSWERABLE, UNANSWERABLE):
            response = engine.search(Query(query.text, k=10))
            features = dict(response.features) | observe(engine, query.text)
            out.append(Sample(name, query.id, query.kind == ANSWERABLE, features))
    engine.close()
    return out


def filled(samples: Sequence[Sample], name: str, tune: Sequence[Sample]) -> list[Sample]:
    """`name` where absent: its mean over the tune searches that observe it."""
    seen = [s.features[name] for s in tune if name in s.features]
    mean = statistics.fmean(seen) if seen else 0.0
    return [Sample(s.set, s.id, s.answerable, {name: mean} | s.features) for s in samples]


def measured(
    samples: Sequence[Sample], fitted: Sequence[str], holdouts: Sequence[str], added: str | None
) -> dict[str, Any]:
    """The committed model (`added` None) or it with `added` fitted beside it."""
    tune = [s for s in samples if s.set in fitted and s.half == TUNE]
    model = ConfidenceModel()
    if added is not None:
        samples = filled(samples, added, tune)
        tune = [s for s in samples if s.set in fitted and s.half == TUNE]
        model = fit_on(ConfidenceModel(), tune, [added])
    cut = threshold(model, tune, 0.08) if added else Settings.load({}).answer_threshold
    parts = {
        f"{n} {h}": [s for s in samples if s.set == n and s.half == h]
        for n in fitted
        for h in (TUNE, REPORT)
    }
    parts |= {n: [s for s in samples if s.set == n] for n in holdouts}
    weight = model.weights.get(added) if added else None
    return {
        "weight": weight,
        "threshold": cut,
        "measured": {k: measure(model, cut, v) for k, v in parts.items()},
    }


def line(name: str, result: dict[str, Any]) -> str:
    cells = " | ".join(
        f"{m['auc']:.3f} / {m['caught']:.3f} / {m['declined']:.3f}"
        for m in result["measured"].values()
    )
    weight = "" if result["weight"] is None else f"{result['weight']:.3f}"
    return f"| {name} | {weight} | {result['threshold']:.2f} | {cells} |"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_set_option(parser)
    parser.add_argument(
        "--holdout",
        action="append",
        default=[],
        metavar="NAME=QUERIES,INDEX,CONTENT",
        help="A labelled set measured only, never fitted on (repeatable).",
    )
    parser.add_argument("--samples", type=Path, help="Reuse an earlier --json output's samples.")
    parser.add_argument("--json", type=Path, help="Write the results and every sample here.")
    args = parser.parse_args(argv)
    samples = load_samples(args.samples) if args.samples else []
    fitted = [query_set(s)[0] for s in args.sets]
    holdouts = [query_set(s)[0] for s in args.holdout]
    for spec in (*args.sets, *args.holdout):
        if not args.samples:
            samples += collect(*query_set(spec))
    if not samples or not fitted:
        raise SystemExit("nothing to fit: give --set (and --samples to reuse searches)")
    results = {"committed": measured(samples, fitted, holdouts, None)}
    for name in CANDIDATES:
        results[name] = measured(samples, fitted, holdouts, name)
    print(
        "| candidate | weight | threshold | " + " | ".join(results["committed"]["measured"]) + " |"
    )
    for name, result in results.items():
        print(line(name, result))
    if args.json:
        rows = [s.__dict__ | {"half": s.half} for s in samples]
        args.json.write_text(json.dumps({"results": results, "samples": rows}), encoding="utf-8")


if __name__ == "__main__":
    main()
