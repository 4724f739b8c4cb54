"""Which catalogue entry each labelled question is offered, with and without
weightless trigger phrases, and what one department file of broad phrases wins.

    python -m benchmarks.catalogue_offers \\
        --set handbook=$SHARED/benchmarks/handbook18f-dev/queries.jsonl,var/handbook/content \\
        --set german=benchmarks/handbook18f/german-queries.jsonl,var/handbook/content \\
        --set handbook-holdout=benchmarks/handbook18f/holdout-queries.jsonl,var/handbook/content \\
        --set labelled=benchmarks/labelled/queries.jsonl,content,var/sample/index-e5 \\
        --set holdout=benchmarks/labelled/holdout/queries.jsonl,content,var/sample/index-e5

The catalogue's entry is the web app's form offer and its one routing vote
(`search.routing`); nothing else of a search reads the trigger phrases, so a
question offered the same entry either way keeps its route. For each set:
how many questions are offered a form, how many change entry when phrases
that carry no weight (`kb.catalogue.triggers.weightless`) are left out, and,
with one more request type of broad phrases in a department of the content
(`--broad`, English and German stop words and two-letter phrases; a
demonstration of the weakness, no rule is written from it), how many
questions of other departments that type wins before and after. With an
index after the content, each question is also searched through the engine
with the catalogue as the web app hands it in (`route_services`), before
and after: routing accuracy as `kb eval` counts it (which itself routes
without a catalogue).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from unittest import mock

from kb.catalogue.loading import load_catalogue
from kb.catalogue.types import Catalogue, RequestType
from kb.content.scanner import load_departments
from kb.requests.workflows import load_workflows, workflows_path
from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine
from search.evaluation import LabelledQuery, load_queries

BROAD = ("how", "how do I", "my", "what", "for", "wie kann ich", "für", "hr", "it")


@contextmanager
def _every_phrase_weighs() -> Iterator[None]:
    """The trigger index as it was before phrases could carry no weight."""
    with mock.patch("kb.catalogue.triggers.weightless", lambda folded: None):
        yield


def _as_it_was(before: bool) -> AbstractContextManager[None]:
    return _every_phrase_weighs() if before else nullcontext()


def _catalogue(root: Path, broad_department: str | None) -> Catalogue:
    departments = load_departments(root)
    path = workflows_path(root)
    streams = (
        load_workflows(path, [*departments, "triage"]).workflows.values() if path.is_file() else ()
    )
    catalogue = load_catalogue(root, departments, streams)[0]
    if broad_department is None:
        return catalogue
    broad = RequestType("broad", broad_department, {"en": "Broad"}, triggers={"en": BROAD})
    return Catalogue({"broad": broad, **catalogue.types}, catalogue.top, catalogue.replies)


def _offers(texts: list[str], root: Path, broad: str | None) -> list[str | None]:
    catalogue = _catalogue(root, broad)
    return [(found.id if (found := catalogue.match(t)) else None) for t in texts]


def routing(rows: list[LabelledQuery], root: Path, index: Path) -> tuple[float, float]:
    """Routing accuracy through the engine with the catalogue's vote, before and after."""
    settings = Settings.load({"index_dir": str(index), "content_dir": str(root)})
    labelled = [q for q in rows if q.department]
    found = []
    for weighs_all in (True, False):
        catalogue = _catalogue(root, None)

        def owner(text: str, catalogue: Catalogue = catalogue) -> str | None:
            entry = catalogue.match(text)
            return entry.department if entry else None

        engine = SearchEngine(settings, route_services=owner)
        with _as_it_was(weighs_all):
            right = sum(
                engine.search(Query(q.text, k=10)).department == q.department for q in labelled
            )
        found.append(round(right / len(labelled), 4) if labelled else 0.0)
    return found[0], found[1]


def measure(name: str, queries: Path, root: Path, index: Path | None = None) -> str:
    rows = load_queries(queries)
    texts = [q.text for q in rows]
    with _every_phrase_weighs():
        before = _offers(texts, root, None)
    after = _offers(texts, root, None)
    changed = sum(b != a for b, a in zip(before, after, strict=True))
    offered = sum(a is not None for a in after)
    line = f"{name}: {len(texts)} questions, {offered} offered a form, {changed} change entry"
    if index is not None:
        before, after = routing(rows, root, index)
        line += f"; routing accuracy with the catalogue {before:.4f} before, {after:.4f} after"
    departments = sorted(load_departments(root))
    if not departments:
        return line
    broad = departments[0]
    others = [q.department not in ("", broad) for q in rows]
    with _every_phrase_weighs():
        won_before = sum(
            o and e == "broad" for o, e in zip(others, _offers(texts, root, broad), strict=True)
        )
    won_after = sum(
        o and e == "broad" for o, e in zip(others, _offers(texts, root, broad), strict=True)
    )
    return f"{line}; broad phrases in {broad} win {won_before} questions of others, now {won_after}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", required=True, help="name=queries,content")
    args = parser.parse_args()
    for spec in args.set:
        name, _, paths = spec.partition("=")
        queries, content, *index = paths.split(",")
        print(measure(name, Path(queries), Path(content), Path(index[0]) if index else None))


if __name__ == "__main__":
    main()
