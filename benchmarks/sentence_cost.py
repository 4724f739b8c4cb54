"""What sentence-level evidence would cost to embed at index time.

    python -m benchmarks.sentence_cost --index var/handbook/index-on [--passages 60]
        [--rounds 3] [--at 100000] [--json FILE]

`benchmarks.sentence_evidence` measures what each passage's best sentence
cosine is worth; this measures what the vectors behind it would cost. It
takes `--passages` passages of an index's current snapshot, spread evenly
over its passage ids, and times embedding them three ways with the primary
model:

- `passages`: each passage as the indexer embeds it (`Chunk.embedding_text`,
  the heading path, a line break, the text), by the embedder the indexer
  makes from the default settings (`create_embedder`);
- `sentences`: each passage's sentences alone, as `sentence_evidence`
  embeds them (`passage_sentences`, `sentence_embedder`);
- `sentences_in_context`: the same sentences each after its heading path,
  as `sentence_evidence --context` embeds them.

No cache is used: every text goes through the model. Both embedders are
warmed on other texts first. Each round embeds the three forms in turn
(rotating which goes first, so that all see the same load); the figures are
each form's median over the rounds. `ratio` is what an index build's
embedding time becomes with the sentences in context embedded too
(passages + sentences in context, over passages), and `extra_hours_at`
what those sentences add at `--at` passages on this machine. The machine's
load average is recorded before and after: timings taken while other jobs
run are not final. What storing the vectors would take is counted over the
whole index: its sentences, and their float16 vectors' KB a passage.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.sentence_evidence import after_path, passage_sentences, sentence_embedder
from indexer import snapshot
from indexer.embedding.base import Embedder
from indexer.heading_vectors import heading_path
from indexer.metadata import Passage
from indexer.reader import Snapshot

FORMS = ("passages", "sentences", "sentences_in_context")


def spread(total: int, count: int) -> list[int]:
    """`count` passage ids spread evenly over 0 … total - 1 (all when fewer)."""
    if count >= total:
        return list(range(total))
    return [round(i * (total - 1) / (count - 1)) if count > 1 else 0 for i in range(count)]


def texts_by_form(passages: Sequence[Passage]) -> dict[str, list[str]]:
    """What each form embeds for these passages."""
    out: dict[str, list[str]] = {form: [] for form in FORMS}
    for p in passages:
        path = heading_path(p.title, p.headings)
        parts = passage_sentences(p.text)
        out["passages"].append(f"{path}\n{p.text}")
        out["sentences"] += parts
        out["sentences_in_context"] += after_path(path, parts)
    return out


def timed(
    texts: dict[str, list[str]],
    embedders: dict[str, Embedder],
    rounds: int,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, list[float]]:
    """Seconds each form took to embed, one entry per round."""
    seconds: dict[str, list[float]] = {form: [] for form in FORMS}
    for r in range(rounds):
        for form in FORMS[r % len(FORMS) :] + FORMS[: r % len(FORMS)]:
            start = clock()
            embedders[form].embed(texts[form])
            seconds[form].append(clock() - start)
    return seconds


def measure(
    passages: Sequence[Passage],
    passage_embedder: Embedder,
    sentences_embedder: Embedder,
    rounds: int = 3,
    at: int = 100_000,
) -> dict[str, Any]:
    """Counts, seconds and ms a passage for each form, the ratio, and the
    load average around the timing."""
    if not passages:
        raise ValueError("no passages to embed: the index is empty")
    texts = texts_by_form(passages)
    embedders = {
        "passages": passage_embedder,
        "sentences": sentences_embedder,
        "sentences_in_context": sentences_embedder,
    }
    warm = [f"warm-up text {i}" for i in range(8)]
    passage_embedder.embed(warm)
    sentences_embedder.embed(warm)
    before = [round(x, 2) for x in os.getloadavg()]
    seconds = timed(texts, embedders, rounds)
    after = [round(x, 2) for x in os.getloadavg()]
    n = len(passages)
    forms: dict[str, Any] = {}
    for form in FORMS:
        median = statistics.median(seconds[form])
        forms[form] = {
            "texts": len(texts[form]),
            "seconds": round(median, 2),
            "ms_per_passage": round(1000 * median / n, 1),
            "rounds": [round(s, 2) for s in seconds[form]],
        }
    base = forms["passages"]["seconds"]
    context = forms["sentences_in_context"]["seconds"]
    return {
        "passages": n,
        "sentences": len(texts["sentences"]),
        "passage_model": passage_embedder.name,
        "sentence_model": sentences_embedder.name,
        "rounds": rounds,
        "forms": forms,
        "ratio": round((base + context) / base, 2) if base else None,
        "extra_hours_at": {str(at): round(at * context / n / 3600, 1)},
        "load_average_before": before,
        "load_average_after": after,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def load(index: Path, count: int) -> tuple[list[Passage], dict[str, Any]]:
    """`count` passages of the index's current snapshot, and what storing
    every passage's sentence vectors would take (its passages, their
    sentences, float16 KB a passage at the model's dimension)."""
    snap = Snapshot.open(snapshot.current_path(index))
    try:
        total = int(snap.manifest["next_pid"])
        found = snap.passages(spread(total, count))
        every = snap.passages(list(range(total)))
        n = sum(len(passage_sentences(p.text)) for p in every.values())
        size = {
            "index_passages": len(every),
            "index_sentences": n,
            "float16_kb_a_passage": round(n * int(snap.manifest["dim"]) * 2 / len(every) / 1000, 1)
            if every
            else 0.0,
            "snapshot_model": snap.manifest["model"],
        }
        return [found[pid] for pid in sorted(found)], size
    finally:
        snap.close()


def print_report(result: dict[str, Any]) -> None:
    print(
        f"{result['passages']} passages, {result['sentences']} sentences; "
        f"{result['passage_model']}; median of {result['rounds']} round(s); "
        f"load {result['load_average_before']} → {result['load_average_after']}"
    )
    for form, row in result["forms"].items():
        print(
            f"  {form:22} {row['texts']:5} texts  {row['seconds']:6.2f} s  "
            f"{row['ms_per_passage']:6.1f} ms a passage  (rounds {row['rounds']})"
        )
    (at, hours), *_ = result["extra_hours_at"].items()
    print(f"build embedding time × {result['ratio']}; {hours} hours more at {at} passages")
    if "index_passages" in result:
        print(
            f"the index: {result['index_passages']} passages, {result['index_sentences']} "
            f"sentences, {result['float16_kb_a_passage']} KB of float16 vectors a passage"
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="index folder (index_dir)")
    parser.add_argument("--passages", type=int, default=60, help="passages to embed")
    parser.add_argument("--rounds", type=int, default=3, help="times each form is embedded")
    parser.add_argument("--at", type=int, default=100_000, help="passages to extrapolate to")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)
    from indexer.embedding.factory import create_embedder
    from kb.settings import Settings

    settings = Settings.load({})
    passages, size = load(args.index, args.passages)
    result = measure(
        passages,
        create_embedder(settings.embedding_model, settings.device, settings.embed_batch_size),
        sentence_embedder(),
        args.rounds,
        args.at,
    )
    result |= {"index": str(args.index)} | size
    print_report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
