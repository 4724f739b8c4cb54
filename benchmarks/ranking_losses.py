"""Where English nDCG@10 is lost, by kind, read from `kb eval --runs-out`.

    python -m benchmarks.ranking_losses --runs FILE --queries FILE --qrels FILE \
        --snapshot-db FILE [--ids path|stem|relative] [--half tune|report]

Each judged English question whose nDCG@10 is below 1 is put in the first
kind that fits, in this order, and its loss (1 − nDCG@10) is added there:

- missing: no relevant page in the first ten;
- best low: the best-graded page is below the first five;
- under unjudged: the first page is one the qrels do not name (a page that
  only mentions the topic), the best-graded page second to fifth;
- under partial: a partly relevant page (lower grade) above the best-graded
  one, second to fifth (often the page one level up);
- second low: the best-graded page first or tied, another relevant page
  below the third or missing (several relevant pages, one found);
- order: the rest (relevant pages in the first ten, slightly out of order).

Each page ranked above the best-graded one is also marked hub (more than a
third of its body's words are link text: an index or navigation page) or
twin (its mean passage vector's cosine to the best-graded page's at
or above the 99th percentile of all article pairs').

A benchmark, not a test: keep it out of pytest.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from benchmarks.article_levers import link_shares
from indexer.reader import Snapshot
from search.evaluation import ID_FORMS, QueryRun, load_qrels, load_queries, ranking_metrics
from search.splits import half_of

HUB_SHARE = 1 / 3
TWIN_PERCENTILE = 99  # of all article pairs' cosines


def kind_of(results: list[str], judged: dict[str, int]) -> str:
    """The loss kind of one question's first ten results (module docstring)."""
    top = max(judged.values())
    ranks = {d: i for i, d in enumerate(results[:10])}
    best = min((ranks[d] for d, g in judged.items() if g == top and d in ranks), default=None)
    if not any(d in ranks for d, g in judged.items() if g > 0):
        return "missing"
    if best is None or best >= 5:
        return "best low"
    if best > 0:
        return "under unjudged" if judged.get(results[0], 0) <= 0 else "under partial"
    others = [ranks.get(d, 99) for d, g in judged.items() if g > 0 and ranks.get(d) != best]
    if others and max(others) >= 3:
        return "second low"
    return "order"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for required in ("--runs", "--queries", "--qrels", "--snapshot-db"):
        parser.add_argument(required, type=Path, required=True)
    parser.add_argument("--ids", choices=sorted(ID_FORMS), default="path")
    parser.add_argument("--half", choices=("tune", "report"))
    args = parser.parse_args(argv)
    doc_id = ID_FORMS[args.ids]
    qrels = load_qrels(args.qrels)
    langs = {q.id: q.lang for q in load_queries(args.queries)}
    shares = {doc_id(a): s for a, s in link_shares(args.snapshot_db).items()}
    snapshot = Snapshot.open(args.snapshot_db.parent)
    by_article: dict[str, list[int]] = {}
    for pid, owner in snapshot.owners.items():
        by_article.setdefault(doc_id(owner[0]), []).append(pid)
    vectors = {}
    for a, pids in by_article.items():
        mean = np.mean(list(snapshot.vectors.vectors(pids).values()), axis=0)
        vectors[a] = mean / (np.linalg.norm(mean) or 1.0)
    matrix = np.stack(list(vectors.values()))
    pairs = (matrix @ matrix.T)[np.triu_indices(len(matrix), 1)]
    twin = float(np.percentile(pairs, TWIN_PERCENTILE))
    kinds: dict[str, list[tuple[str, float]]] = {}
    for line in args.runs.read_text(encoding="utf-8").splitlines():
        run = json.loads(line)
        qid = run["_id"]
        judged = {d: g for d, g in qrels.get(qid, {}).items() if g > 0}
        if not judged or langs.get(qid) != "en" or (args.half and half_of(qid) != args.half):
            continue
        results = run["results"]  # already in the qrels' id form
        ndcg = ranking_metrics([QueryRun(qid, results, False, 0.0, "")], qrels)["ndcg@10"]
        if ndcg >= 1 - 1e-9:
            continue
        kind = kind_of(results, qrels[qid])
        kinds.setdefault(kind, []).append((qid, 1 - ndcg))
        top = max(judged.values())
        best = next((d for d in results if judged.get(d) == top), None)
        above = results[: results.index(best)] if best else results[:3]
        marks = []
        for d in above:
            if shares.get(d, 0.0) > HUB_SHARE:
                marks.append(f"hub {d}")
            near = best in vectors and d in vectors and np.dot(vectors[d], vectors[best]) >= twin
            if near:
                marks.append(f"twin {d}")
        ranks = {d: (results.index(d) + 1 if d in results else None) for d in judged}
        print(f"{qid} {kind:<15} loss {1 - ndcg:.3f} above best {above[:3]} {marks}")
        print(f"    relevant (grade, rank): {[(d, judged[d], ranks[d]) for d in judged]}")
    print()
    for kind, items in sorted(kinds.items(), key=lambda kv: -sum(x for _, x in kv[1])):
        print(f"{kind:<15} {len(items):>3} questions, nDCG lost {sum(x for _, x in items):.3f}")


if __name__ == "__main__":
    main()
