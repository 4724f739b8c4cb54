"""How scattered a question's best matches are, as confidence evidence, measured offline.

    python -m benchmarks.spread_levers \\
        --set labelled=benchmarks/labelled/queries.jsonl,var/sample/index-e5,content \\
        --set handbook=$SHARED/benchmarks/handbook18f-dev/queries.jsonl,var/handbook/index-e5,var/handbook/content \\
        --holdout own=benchmarks/labelled/holdout/queries.jsonl,var/sample/index-e5,content \\
        --holdout 18f=benchmarks/handbook18f/holdout-queries.jsonl,var/handbook/index-e5,var/handbook/content \\
        --holdout german=benchmarks/handbook18f/german-queries.jsonl,var/handbook/index-e5,var/handbook/content \\
        [--samples FILE] [--json FILE] [--misses N]

A question the knowledge base answers draws its best matches from one
place: one article, one department. A near miss ("401k *match*", "credit
*limit* of the travel card") shares its generic words with pages all over
the handbook, and its best matches scatter; or it names a thing the page
never mentions. Three candidates, each read from what a search has already
computed (no model call; the top article's first passage is read, as the
page shows it anyway):

- `department_share`: the top article's department's share of the votes of
  the first ten fused articles, each weighing exp((score / best - 1) / 0.1)
  as routing's article votes do (`search.routing.VOTE_SHARPNESS`): 1 when
  the close competitors all belong to the same department;
- `article_concentration`: the share of the first model's ten nearest
  passages that belong to the top fused article;
- `name_missing`: the IDF-weighted share of the query's concepts written as
  names ("the *Chicago* federal building", "a *Sketch* license", "*DoD*")
  that no keyword-matched passage of the top article holds. A paraphrase's
  missing word is an everyday word ("my laptop *died*"); a near miss often
  names a place or product the page does not. Not observed (mean of the
  tune searches that observe it) for German, which capitalises every noun,
  and across languages.

Each is fitted beside the committed model on the tune halves of the `--set`s
(`fit_confidence.fit_on`, threshold by the same 8 % rule), and the first
two together; every `--holdout` is measured only. `--misses N` prints the N most confident unanswerable questions of
each set under the committed model, with their evidence.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import fit_confidence as fitting
from benchmarks.fit_confidence import Sample
from benchmarks.near_miss_levers import collect, filled
from kb.results import Query
from kb.settings import Settings
from search.confidence import ConfidenceModel
from search.engine import SearchEngine
from search.evaluation import load_queries
from search.keyword import KeywordHit
from search.routing import VOTE_SHARPNESS
from search.splits import REPORT, TUNE
from search.understanding import QueryPlan

CANDIDATES = ("department_share", "article_concentration", "name_missing")
# Languages that capitalise every noun: a capital says nothing of a name there.
NOUNS_CAPITALISED = frozenset({"de"})
TOP = 10


def department_share(departments: Sequence[str], scores: Sequence[float]) -> float:
    """The first department's share of the votes (module docstring)."""
    if not departments:
        return 0.0
    best = scores[0] if scores[0] > 0 else 1.0
    votes: dict[str, float] = {}
    for department, score in zip(departments, scores, strict=True):
        weight = math.exp((score / best - 1.0) / VOTE_SHARPNESS)
        votes[department] = votes.get(department, 0.0) + weight
    return votes[departments[0]] / sum(votes.values())


def concentration(nearest: Sequence[str], article: str) -> float:
    """The share of `nearest` (passages' articles, nearest first) that is `article`."""
    return sum(a == article for a in nearest) / len(nearest) if nearest else 0.0


def names(text: str) -> set[str]:
    """The query's words written as names: a capital after the first word, or
    two capitals anywhere ("DoD", "SAAR"), lower-cased; words of two letters
    or more (not "I")."""
    found = re.findall(r"[^\W\d_][\w'-]+", text)
    return {
        w.lower()
        for i, w in enumerate(found)
        if (i > 0 and w[0].isupper()) or sum(c.isupper() for c in w) >= 2
    }


def name_missing(plan: QueryPlan, hits: Sequence[KeywordHit], top_pids: Sequence[int]) -> float:
    """The IDF-weighted share of the query's concepts written as names that no
    keyword-matched passage of the top article holds."""
    named = names(plan.text)
    total = sum(c.weight for c in plan.concepts)
    top = set(top_pids)
    held: set[int] = set()
    for hit in hits:
        if hit.pid in top:
            held |= hit.matched
    lacking = [
        c.weight for i, c in enumerate(plan.concepts) if i not in held and c.word.lower() in named
    ]
    return sum(lacking) / total if total > 0 else 0.0


def candidates(engine: SearchEngine, text: str) -> dict[str, float]:
    """The observed candidates of one query (module docstring)."""
    found = engine.retrieve(Query(text, k=10))
    groups, article_of = engine.rank(found)
    if not groups:
        return {}
    owners = found.prepared.snapshot.owners
    best = groups[:TOP]
    departments = [owners[g.best_pid][1] for g in best]
    nearest = [article_of.get(p, "") for p, _ in found.vector[:TOP]]
    out = {
        "department_share": department_share(departments, [g.score for g in best]),
        "article_concentration": concentration(nearest, groups[0].article_id),
    }
    plan = found.plan
    passage = found.passages.get([groups[0].best_pid]).get(groups[0].best_pid)
    same = passage is None or passage.lang == plan.lang
    if same and plan.lang not in NOUNS_CAPITALISED:
        out["name_missing"] = name_missing(plan, found.keyword, groups[0].pids)
    return out


def measured(
    samples: Sequence[Sample], fitted: Sequence[str], holdouts: Sequence[str], added: Sequence[str]
) -> dict[str, Any]:
    """The committed model (nothing `added`) or it with `added` fitted beside it."""
    for name in added:
        tune = [s for s in samples if s.set in fitted and s.half == TUNE]
        samples = filled(samples, name, tune)
    tune = [s for s in samples if s.set in fitted and s.half == TUNE]
    model = fitting.fit_on(ConfidenceModel(), tune, list(added)) if added else ConfidenceModel()
    cut = fitting.threshold(model, tune, 0.08) if added else Settings.load({}).answer_threshold
    parts = {
        f"{n} {h}": [s for s in samples if s.set == n and s.half == h]
        for n in fitted
        for h in (TUNE, REPORT)
    }
    parts |= {n: [s for s in samples if s.set == n] for n in (*fitted, *holdouts)}
    return {
        "weights": {n: model.weights.get(n) for n in added},
        "scale": model.weights.get("cosine"),
        "bias": model.bias,
        "threshold": cut,
        "measured": {k: fitting.measure(model, cut, v) for k, v in parts.items()},
    }


def misses(samples: Sequence[Sample], count: int, texts: dict[tuple[str, str], str]) -> None:
    """The most confident unanswerable questions of each set (committed model);
    `texts`: (set, query id) → the question."""
    model = ConfidenceModel()
    for name in sorted({s.set for s in samples}):
        wrong = [s for s in samples if s.set == name and not s.answerable]
        wrong.sort(key=lambda s: -model.of(s.features))
        for s in wrong[:count]:
            shown = " ".join(f"{c}={s.features.get(c, float('nan')):.2f}" for c in CANDIDATES)
            print(f"{name} {s.id} {model.of(s.features):.2f} {shown} {texts.get((name, s.id), '')}")


def lever_parser(doc: str) -> argparse.ArgumentParser:
    """The options of an offline confidence-lever script: --set, --holdout, --samples, --json."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    fitting.add_set_option(parser)
    parser.add_argument(
        "--holdout", action="append", default=[], metavar="NAME=QUERIES,INDEX,CONTENT"
    )
    parser.add_argument("--samples", type=Path, help="Reuse an earlier --json output's samples.")
    parser.add_argument("--json", type=Path, help="Write the results and every sample here.")
    return parser


def searched(
    args: argparse.Namespace, observe: Callable[[SearchEngine, str], dict[str, float]]
) -> tuple[list[Sample], list[str], list[str]]:
    """(samples, fitted set names, holdout names): every query of the sets searched
    once with `observe`'s candidates, or the `--samples` of an earlier run."""
    samples = fitting.load_samples(args.samples) if args.samples else []
    fitted = [fitting.query_set(s)[0] for s in args.sets]
    holdouts = [fitting.query_set(s)[0] for s in args.holdout]
    if not args.samples:
        for spec in (*args.sets, *args.holdout):
            samples += collect(*fitting.query_set(spec), observe=observe)
    if not samples or not fitted:
        raise SystemExit("nothing to fit: give --set (and --samples to reuse searches)")
    return samples, fitted, holdouts


def main(argv: Sequence[str] | None = None) -> None:
    parser = lever_parser(__doc__)
    parser.add_argument("--misses", type=int, default=0)
    args = parser.parse_args(argv)
    samples, fitted, holdouts = searched(args, candidates)
    if args.misses:
        texts = {
            (name, q.id): q.text
            for name, queries, _, _ in map(fitting.query_set, (*args.sets, *args.holdout))
            for q in load_queries(queries)
        }
        misses(samples, args.misses, texts)
    results = {"committed": measured(samples, fitted, holdouts, ())}
    for added in [(c,) for c in CANDIDATES] + [CANDIDATES[:2]]:
        results[" + ".join(added)] = measured(samples, fitted, holdouts, added)
    print_table(results)
    if args.json:
        write(args.json, samples, results)


def print_table(results: dict[str, dict[str, Any]]) -> None:
    """One Markdown row per fit (`measured`): AUC / caught / declined per part."""
    print(
        "| candidate | weights | threshold | " + " | ".join(results["committed"]["measured"]) + " |"
    )
    for name, result in results.items():
        cells = " | ".join(
            f"{m['auc']:.3f} / {m['caught']:.3f} / {m['declined']:.3f}"
            for m in result["measured"].values()
        )
        weights = ", ".join(f"{w:.3f}" for w in result["weights"].values())
        print(f"| {name} | {weights} | {result['threshold']:.2f} | {cells} |")


def write(path: Path, samples: Sequence[Sample], results: dict[str, Any] | None = None) -> None:
    """The samples (and the fits' results) as JSON, readable by `fit_confidence.load_samples`."""
    rows = [s.__dict__ | {"half": s.half} for s in samples]
    body = {"samples": rows} if results is None else {"results": results, "samples": rows}
    path.write_text(json.dumps(body), encoding="utf-8")


if __name__ == "__main__":
    main()
