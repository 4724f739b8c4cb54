"""Article evidence after fusion: the title holding the query's rarest concept; hub pages.

    python -m benchmarks.article_levers --queries FILE --qrels FILE --content DIR \
        --index DIR [--ids path|stem|relative] [--json FILE]

Each judged query is searched once as `kb eval` does (`SearchEngine.retrieve`,
then `SearchEngine.rank` with the default settings but the engine's own title
bonus off, `title_concept_weight = 0`, every article ranked); that ranking is
the baseline. Every lever re-ranks the same fused
articles: the first `top` of them get a bonus (or a penalty) added to their
fused score.

- title rarest: `weight` × 1 where the article's title holds the query's
  rarest concept (`search.title_match`: highest index IDF; any of its terms,
  compared as the keyword index's terms); title known: the same for the
  rarest concept the index holds; title share: `weight` × the IDF-weighted
  share of the concepts the title holds.
- hub: − `weight` × the article's link share: the share of its body's words
  that are link text (read from the stored HTML body), a navigation page's
  mark.

The report gives English nDCG@10 and top 3 and German nDCG@10 and top 3 on all
judged queries and on the tune and report halves of `search.splits`, and
under each lever the queries whose nDCG@10 it moves.

A benchmark, not a test: keep it out of pytest.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from kb.results import Query
from kb.settings import Settings
from search.engine import Retrieval, SearchEngine
from search.evaluation import (
    ID_FORMS,
    LabelledQuery,
    QueryRun,
    load_qrels,
    load_queries,
    ranking_metrics,
)
from search.grouping import ArticleGroup
from search.splits import half_of
from search.title_match import rarest_concept, title_holds

TOPS = (10, 30)
WEIGHTS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4)
_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")


@dataclass
class Candidate:
    """One query's fused articles and, for the first ones, their evidence."""

    id: str
    lang: str
    ranked: list[tuple[str, float]]
    rarest: dict[str, float]  # article → 1 where its title holds the rarest concept
    known: dict[str, float]  # the same for the rarest concept the index holds
    share: dict[str, float]  # article → IDF-weighted share of concepts in the title


def link_shares(snapshot_db: Path) -> dict[str, float]:
    """Article id → share of its body's words that are link text."""
    out: dict[str, float] = {}
    db = sqlite3.connect(snapshot_db)
    for aid, html in db.execute("SELECT id, body_html FROM articles"):
        html = html or ""
        linked = sum(len(_WORD.findall(_TAG.sub(" ", m))) for m in _LINK.findall(html))
        words = len(_WORD.findall(_TAG.sub(" ", html)))
        out[aid] = linked / words if words else 0.0
    db.close()
    return out


def searched(
    engine: SearchEngine, args: argparse.Namespace
) -> Iterator[tuple[LabelledQuery, Retrieval, list[ArticleGroup], dict[int, str]]]:
    """Each judged query of `args.queries` searched as `kb eval` does: its
    retrieval, fused articles (none for nonsense) and passage → article."""
    qrels = load_qrels(args.qrels)
    for q in load_queries(args.queries):
        if any(g > 0 for g in qrels.get(q.id, {}).values()):
            found = engine.retrieve(Query(q.text, k=100, floor=False))
            groups, article_of = engine.rank(found)
            yield q, found, ([] if found.plan.nonsense else groups), article_of


def collect(args: argparse.Namespace) -> tuple[list[Candidate], dict[str, float]]:
    settings = Settings.load(
        {
            "content_dir": str(args.content),
            "index_dir": str(args.index),
            "title_concept_weight": 0,
        },
        environ={},
    )
    engine = SearchEngine(settings)
    snapshot = engine.prepared().snapshot
    titles, langs = snapshot.titles, snapshot.article_langs
    shares = link_shares(snapshot.path / "meta.db")
    out = []
    for q, found, groups, _ in searched(engine, args):
        concepts = [c for c in found.plan.concepts if c.weight > 0]
        total = sum(c.weight for c in concepts) or 1.0
        rarest = rarest_concept(found.plan)
        vocabulary = engine.prepared().vocabulary
        held_words = [c for c in concepts if any(vocabulary.frequency(t) for t in c.terms)]
        rarest_known = max(held_words, key=lambda c: c.weight) if held_words else None
        r: dict[str, float] = {}
        k: dict[str, float] = {}
        s: dict[str, float] = {}
        for g in groups[: max(TOPS)]:
            lang, title = langs.get(g.article_id, ""), titles.get(g.article_id, ("", ""))[0]
            held = [c for c in concepts if title_holds(title, c, lang)]
            r[g.article_id] = 1.0 if rarest is not None and rarest in held else 0.0
            s[g.article_id] = sum(c.weight for c in held) / total
            k[g.article_id] = 1.0 if rarest_known is not None and rarest_known in held else 0.0
        ranked = [(g.article_id, g.score) for g in groups]
        out.append(Candidate(q.id, q.lang or "", ranked, r, k, s))
    engine.close()
    return out, shares


Lever = Callable[[Candidate], list[str]]


def lever(top: int, bonus: Callable[[Candidate, str], float]) -> Lever:
    def rank(c: Candidate) -> list[str]:
        scores = {a: s + (bonus(c, a) if i < top else 0.0) for i, (a, s) in enumerate(c.ranked)}
        return sorted(scores, key=lambda a: -scores[a])

    return rank


def levers(shares: dict[str, float]) -> dict[str, Lever]:
    out: dict[str, Lever] = {"engine": lambda c: [a for a, _ in c.ranked]}
    for top in TOPS:
        for w in WEIGHTS:
            out[f"title rarest top {top} w {w}"] = lever(
                top, lambda c, a, w=w: w * c.rarest.get(a, 0.0)
            )
            out[f"title known top {top} w {w}"] = lever(
                top, lambda c, a, w=w: w * c.known.get(a, 0.0)
            )
            out[f"title share top {top} w {w}"] = lever(
                top, lambda c, a, w=w: w * c.share.get(a, 0.0)
            )
            out[f"hub top {top} w {w}"] = lever(top, lambda c, a, w=w: -w * shares.get(a, 0.0))
    return out


def row_of(
    runs: Sequence[QueryRun], langs: dict[str, str], qrels: dict[str, dict[str, int]]
) -> dict[str, float]:
    """nDCG@10 and top 3 of the English and German runs, all and per half."""
    parts: dict[tuple[str, str], list[QueryRun]] = {}
    for run in runs:
        if langs[run.id] in ("en", "de"):
            for half in ("all", half_of(run.id)):
                parts.setdefault((langs[run.id], half), []).append(run)
    row: dict[str, float] = {}
    for (lang, half), part in sorted(parts.items()):
        metrics = ranking_metrics(part, qrels)
        row[f"{lang} ndcg {half}"] = metrics["ndcg@10"]
        row[f"{lang} s@3 {half}"] = metrics["success@3"]
    return row


class Ranked(Protocol):
    """A query's fused articles as the levers read them."""

    id: str
    lang: str
    ranked: list[tuple[str, float]]


R = TypeVar("R", bound=Ranked)


def report(
    named: dict[str, Callable[[R], list[str]]],
    found: Sequence[R],
    qrels: dict[str, dict[str, int]],
    doc_id: Callable[[str], str],
) -> dict[str, dict[str, float]]:
    """Each lever's row (`row_of`), printed with the queries whose nDCG@10 it
    moves against the engine's ranking."""
    table: dict[str, dict[str, float]] = {}
    base = {c.id: [doc_id(a) for a, _ in c.ranked] for c in found}
    for name, rank in named.items():
        runs = [QueryRun(c.id, [doc_id(a) for a in rank(c)], False, 0.0, "") for c in found]
        table[name] = row = row_of(runs, {c.id: c.lang for c in found}, qrels)
        print(f"{name:<30} " + " ".join(f"{k} {v:.4f}" for k, v in row.items()), flush=True)
        if name == "engine":
            continue
        for run in runs:
            before = ranking_metrics([QueryRun(run.id, base[run.id], False, 0.0, "")], qrels)
            after = ranking_metrics([run], qrels)
            if abs(before["ndcg@10"] - after["ndcg@10"]) > 1e-9:
                moved = f"{before['ndcg@10']:.3f} -> {after['ndcg@10']:.3f}"
                print(f"    {run.id} {half_of(run.id)} {moved}")
    return table


def arguments(doc: str | None, argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line of a lever script: the judged set, its index, `--json`."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    for required in ("--queries", "--qrels", "--content", "--index"):
        parser.add_argument(required, type=Path, required=True)
    parser.add_argument("--ids", choices=sorted(ID_FORMS), default="path")
    parser.add_argument("--json", type=Path, help="also write the results here")
    return parser.parse_args(argv)


def save_json(path: Path | None, result: dict[str, object]) -> None:
    """Write `result` to `path` (nothing when None)."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=2), encoding="utf-8")


def measure(
    found: Sequence[Candidate],
    qrels: dict[str, dict[str, int]],
    doc_id: Callable[[str], str],
    shares: dict[str, float],
) -> dict[str, dict[str, float]]:
    return report(levers(shares), found, qrels, doc_id)


def main(argv: Sequence[str] | None = None) -> None:
    args = arguments(__doc__, argv)
    found, shares = collect(args)
    print(f"{len(found)} judged queries", flush=True)
    levers_table = measure(found, load_qrels(args.qrels), ID_FORMS[args.ids], shares)
    save_json(args.json, {"queries": len(found), "levers": levers_table})


if __name__ == "__main__":
    main()
