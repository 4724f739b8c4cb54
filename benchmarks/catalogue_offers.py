"""Which catalogue entry each labelled question is offered, with and without
weighing trigger phrases by how common their words are, and what one
department file of broad phrases wins.

    python -m benchmarks.catalogue_offers \\
        --set handbook=$SHARED/benchmarks/handbook18f-dev/queries.jsonl,var/handbook/content \\
        --set german=benchmarks/handbook18f/german-queries.jsonl,var/handbook/content \\
        --set handbook-holdout=benchmarks/handbook18f/holdout-queries.jsonl,var/handbook/content \\
        --set labelled=benchmarks/labelled/queries.jsonl,content,var/sample/index-e5 \\
        --set holdout=benchmarks/labelled/holdout/queries.jsonl,content,var/sample/index-e5

The catalogue's entry is the web app's form offer and its one routing vote
(`search.routing`); nothing else of a search reads the trigger phrases, so a
question offered the same entry either way keeps its route. Three states of
the trigger phrases are compared: every phrase weighing alike ("all"), only
phrases of stop words or of two letters left out (`kb.catalogue.triggers`
until the word frequencies, "stop words") and now, each phrase weighed by
how common its words are (`kb.catalogue.phrase_weight`). For each set: how
many questions are offered a form now, how many change entry against "stop
words", and, with one more request type in the first department of the
content, how many questions of other departments that type wins in each
state: `BROAD`, English and German stop words and two-letter phrases, and
`EVERYDAY`, single everyday words that are no stop words (both a
demonstration of the weakness, written from no question of any set). With
an index after the content, each question is also searched through the
engine with the catalogue as the web app hands it in (`route_services`),
"stop words" and now, with the catalogue's vote whole (until 5 December) and
as strong as the match (`search.routing.ServiceVote`), and with the
everyday type added, both ways: routing accuracy as `kb eval` counts it
(which itself routes without a catalogue).
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from kb.catalogue.limits import MIN_TRIGGER_LETTERS
from kb.catalogue.loading import load_catalogue
from kb.catalogue.phrase_weight import stop_words
from kb.catalogue.types import Catalogue, RequestType
from kb.content.scanner import load_departments
from kb.requests.workflows import load_workflows, workflows_path
from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine
from search.evaluation import LabelledQuery, load_queries
from search.routing import ServiceVote

BROAD = ("how", "how do I", "my", "what", "for", "wie kann ich", "für", "hr", "it")
EVERYDAY = ("new", "access", "leave", "request", "need")
STATES = ("all", "stop words", "now")


def _stop_words_only(folded: str) -> float:
    """A phrase's weight as it was before word frequencies: 0 or 1."""
    short = len(folded.replace(" ", "")) < MIN_TRIGGER_LETTERS
    return 0.0 if short or all(w in stop_words() for w in folded.split(" ")) else 1.0


@contextmanager
def _weighed(state: str) -> Iterator[None]:
    """The trigger index in `state` (one of `STATES`)."""
    if state == "now":
        yield
        return
    with contextlib.ExitStack() as stack:
        if state == "all":
            stack.enter_context(mock.patch("kb.catalogue.triggers.weightless", lambda f: None))
            stack.enter_context(mock.patch("kb.catalogue.triggers.weight", lambda f: 1.0))
        else:
            stack.enter_context(mock.patch("kb.catalogue.triggers.weight", _stop_words_only))
        yield


def _catalogue(
    root: Path, broad_department: str | None, phrases: tuple[str, ...] = BROAD
) -> Catalogue:
    departments = load_departments(root)
    path = workflows_path(root)
    streams = (
        load_workflows(path, [*departments, "triage"]).workflows.values() if path.is_file() else ()
    )
    catalogue = load_catalogue(root, departments, streams)[0]
    if broad_department is None:
        return catalogue
    broad = RequestType("broad", broad_department, {"en": "Broad"}, triggers={"en": phrases})
    return Catalogue({"broad": broad, **catalogue.types}, catalogue.top, catalogue.replies)


def _offers(
    texts: list[str], root: Path, broad: str | None, phrases: tuple[str, ...] = BROAD
) -> list[str | None]:
    catalogue = _catalogue(root, broad, phrases)
    return [(found.id if (found := catalogue.match(t)) else None) for t in texts]


# Routing runs: (label, trigger state, a type of everyday phrases added, the vote
# as strong as the match). Until 5 December the catalogue's vote was always whole.
ROUTING_RUNS = (
    ("stop words", "stop words", False, False),
    ("now, whole vote", "now", False, False),
    ("now, vote by strength", "now", False, True),
    ("everyday type, whole vote", "now", True, False),
    ("everyday type, vote by strength", "now", True, True),
)


def routing(rows: list[LabelledQuery], root: Path, index: Path) -> dict[str, float]:
    """Routing accuracy through the engine with the catalogue's vote, for each of
    `ROUTING_RUNS`."""
    settings = Settings.load({"index_dir": str(index), "content_dir": str(root)})
    labelled = [q for q in rows if q.department]
    broad = sorted(load_departments(root))[0]
    found = {}
    for label, state, everyday, by_strength in ROUTING_RUNS:
        catalogue = _catalogue(root, broad if everyday else None, EVERYDAY)

        def owner(
            text: str, catalogue: Catalogue = catalogue, by_strength: bool = by_strength
        ) -> str | ServiceVote | None:
            found = catalogue.matched(text)
            if found is None:
                return None
            return (
                ServiceVote(found[0].department, found[1]) if by_strength else found[0].department
            )

        engine = SearchEngine(settings, route_services=owner)
        with _weighed(state):
            right = sum(
                engine.search(Query(q.text, k=10)).department == q.department for q in labelled
            )
        found[label] = round(right / len(labelled), 4) if labelled else 0.0
    return found


def measure(name: str, queries: Path, root: Path, index: Path | None = None) -> str:
    rows = load_queries(queries)
    texts = [q.text for q in rows]
    with _weighed("stop words"):
        before = _offers(texts, root, None)
    after = _offers(texts, root, None)
    changed = sum(b != a for b, a in zip(before, after, strict=True))
    offered = sum(a is not None for a in after)
    line = f"{name}: {len(texts)} questions, {offered} offered a form, {changed} change entry"
    if index is not None:
        accuracy = routing(rows, root, index)
        line += "; routing accuracy with the catalogue "
        line += ", ".join(f"{value:.4f} ({label})" for label, value in accuracy.items())
    departments = sorted(load_departments(root))
    if not departments:
        return line
    broad = departments[0]
    others = [q.department not in ("", broad) for q in rows]
    for label, phrases in (("broad", BROAD), ("everyday", EVERYDAY)):
        won = []
        for state in STATES:
            with _weighed(state):
                offers = _offers(texts, root, broad, phrases)
            won.append(sum(o and e == "broad" for o, e in zip(others, offers, strict=True)))
        counts = ", ".join(f"{n} ({s})" for n, s in zip(won, STATES, strict=True))
        line += f"; {label} phrases in {broad} win questions of others: {counts}"
    return line


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
