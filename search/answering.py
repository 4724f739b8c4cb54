"""Which passage answers: a learned score over the passages of the first articles.

The answer box quotes one passage. The top article is not always the one
that answers (on the 18F development set, with the default model, the first
result held the labelled answering section for 0.73 of the English
questions, any of the first two for 0.91), and within an article the
passage that ranks first for the whole query is often an overview rather
than the section that answers. So the first `ANSWER_PASSAGES` passages (in
fused order) of each of the first `ANSWER_ARTICLES` articles compete on a
linear score of evidence that means the same on any corpus
(`PASSAGE_FEATURES`):

- `coverage`: IDF-weighted share of the query's concepts that the passage's
  title, heading path, text and tags hold (by stem; glossary terms and
  spelling corrections stand in for their word);
- `body_coverage`: the same share for the passage's own text;
- `heading`: the share of the concepts the article's title does *not* hold
  that the passage's own (deepest) heading names ("I lost my badge" in
  *Access card* → *Lost or stolen card*);
- `cosine`: the passage's cosine to the query minus the best candidate's
  (the model's query/passage roles: it was trained to rank answers);
- `cosine_in_article`: the same, against the best passage of its own article;
- `article`: its article's fused score over the first article's;
- `length`: log(1 + words), since a stub under a heading rarely answers;
- `section_cosine`: the cosine between the query and the passage's heading
  path (title > headings, embedded at index time in the query role,
  `search.section_match`) minus the best candidate's: the section that
  names the asked detail, even in other words;
- `position`: log(1 + the passage's place in its article);
- `secondary_cosine`, `secondary_in_article`: `cosine` and
  `cosine_in_article` by the second embedding model (`secondary_model`,
  `search.ensemble`), from the query vector its retrieval already computed
  and the passages' stored vectors (`Retrieval.secondary_cosines`: a dot
  product each, no model call). 0 (neutral) where its list took no part in
  the ranking: no second model, a query in a language it does not read, a
  cross-language query, a snapshot without its vectors;
- `both_cosine`, `both_in_article`: the two models' relative cosines added
  (`cosine` + `secondary_cosine`, and in the article).

With the `answer_second_model` setting (off by default), a search with the
second model's cosines is scored with `FITTED_SECOND_MODEL_WEIGHTS`, which
weigh both models' cosines added instead of the first model's alone; any
other (German, cross-language, no second model, the setting off) with
`FITTED_PASSAGE_WEIGHTS` (`passage_weights`).
Fitted on the tune halves with the other features, the added cosines took
the cross-validated English rate (`benchmarks.fit_answers`) from 0.772 to
0.800 (the second model's cosines as two more features: 0.765; in place of
the first model's: 0.802, but 2 of the labelled report half's 39 English
questions lost); one table for every search would cost German questions
(they have no second model's cosines, so almost no cosine evidence would
be left) 2 of 7 and 2 of 20 on the tune halves, hence a table of its own.
Through `kb eval` it took the labelled tune half from 0.808 to 0.846 and
left both report halves and the 18F set as they were, but cost the own
holdout two questions (0.542 → 0.458): so it stays a setting
(docs/search.md).

The weights (`FITTED_PASSAGE_WEIGHTS`) are a pairwise logistic regression
(each passage that holds the labelled answer against each that does not, in
the same search) fitted by `python -m benchmarks.fit_answers` on the tune
halves of the labelled set and the 18F development set together; they
replace a hand-set score (fused passage score + coverage, then a heading
bonus within the winner's article). A conditional logit (the softmax share
of the holding passages, scored on the choice itself) was measured against
it: cross-validated on the tune halves (ten splits into five folds) 0.758
against 0.762, so the pairwise fit stays. docs/search.md has the
measurements.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from indexer.metadata import Passage
from search.grouping import ArticleGroup
from search.terms import is_stopword, stems, words
from search.understanding import QueryPlan

ANSWER_ARTICLES = 2  # articles whose passages compete for the answer
ANSWER_PASSAGES = 12  # passages of each article considered (in fused order)

PASSAGE_FEATURES = (
    "coverage",
    "body_coverage",
    "heading",
    "cosine",
    "cosine_in_article",
    "article",
    "length",
    "section_cosine",
    "position",
    "secondary_cosine",
    "secondary_in_article",
    "both_cosine",
    "both_in_article",
)
# Features that only the second model's cosines give a value.
SECOND_MODEL_FEATURES = frozenset(
    ("secondary_cosine", "secondary_in_article", "both_cosine", "both_in_article")
)
# Fitted by benchmarks/fit_answers.py (docs/search.md); the scale is free.
FITTED_PASSAGE_WEIGHTS: dict[str, float] = {
    "coverage": 0.997,
    "body_coverage": 1.111,
    "heading": 1.095,
    "cosine": 17.235,
    "cosine_in_article": 31.125,
    "article": 5.24,
    "length": 0.978,
    "section_cosine": 25.529,
    "position": -0.337,
}
# With the second model's cosines (`passage_weights`); fitted the same way.
FITTED_SECOND_MODEL_WEIGHTS: dict[str, float] = {
    "coverage": 1.592,
    "body_coverage": 1.479,
    "heading": 1.301,
    "article": 4.936,
    "length": 0.913,
    "section_cosine": 30.444,
    "position": -0.369,
    "both_cosine": 2.038,
    "both_in_article": 2.103,
}


@dataclass(frozen=True)
class AnswerCandidate:
    """One passage that could answer, with its evidence and score."""

    pid: int
    article_id: str
    features: Mapping[str, float]
    score: float

    @property
    def coverage(self) -> float:
        """IDF-weighted share of the query's concepts the passage holds."""
        return self.features.get("coverage", 0.0)


class ConceptMatch:
    """Which of the query's concepts a text holds, by stem (glossary terms and
    corrections count for their concept), weighted by IDF."""

    def __init__(self, plan: QueryPlan) -> None:
        self.weights = [c.weight for c in plan.concepts]
        self.stems = [
            frozenset().union(*(stems(w) for t in c.terms for w in words(t) if not is_stopword(w)))
            for c in plan.concepts
        ]

    def held(self, text: str) -> list[bool]:
        found: set[str] = set()
        for word in set(words(text)):
            found |= stems(word)
        return [not found.isdisjoint(s) for s in self.stems]

    def share(self, held: Sequence[bool], among: Sequence[bool] | None = None) -> float:
        """Weighted share of the concepts (of those marked in `among`) marked `held`."""
        among = among if among is not None else [True] * len(self.weights)
        total = sum(w for w, a in zip(self.weights, among, strict=True) if a)
        if total <= 0:
            return 0.0
        return sum(w for w, a, h in zip(self.weights, among, held, strict=True) if a and h) / total


def candidate_pids(groups: Sequence[ArticleGroup]) -> list[int]:
    """The passages that compete for the answer, in result order."""
    return [pid for g in groups[:ANSWER_ARTICLES] for pid in g.pids[:ANSWER_PASSAGES]]


def passage_features(
    groups: Sequence[ArticleGroup],
    passages: Mapping[int, Passage],
    cosines: Mapping[int, float],
    plan: QueryPlan,
    sections: Mapping[int, float] | None = None,
    secondary: Mapping[int, float] | None = None,
) -> list[tuple[int, str, dict[str, float]]]:
    """(passage id, article id, features) of every competing passage;
    `sections` gives their heading paths' cosines (`search.section_match`),
    `secondary` their cosines by the second model (empty: neutral)."""
    match = ConceptMatch(plan)
    top = list(groups[:ANSWER_ARTICLES])
    if not top:
        return []
    best_article = top[0].score if top[0].score > 0 else 1.0
    pids = [p for p in candidate_pids(top) if p in passages]
    best = max((cosines.get(p, 0.0) for p in pids), default=0.0)
    sections = sections or {}
    best_section = max((sections[p] for p in pids if p in sections), default=0.0)
    second = relative_to_best(secondary or {}, pids)
    out: list[tuple[int, str, dict[str, float]]] = []
    for group in top:
        own = [p for p in group.pids[:ANSWER_PASSAGES] if p in passages]
        if not own:
            continue
        best_own = max(cosines.get(p, 0.0) for p in own)
        second_own = relative_to_best(secondary or {}, own) if second else {}
        rest = [not h for h in match.held(passages[own[0]].title)]
        for pid in own:
            p = passages[pid]
            cosine = cosines.get(pid, 0.0)
            body = match.held(p.text)
            around = match.held(" ".join((p.title, *p.headings, *p.tags)))
            heading = match.held(p.headings[-1]) if p.headings and any(rest) else []
            features = {
                "coverage": match.share([a or b for a, b in zip(body, around, strict=True)]),
                "body_coverage": match.share(body),
                "heading": match.share(heading, rest) if heading else 0.0,
                "cosine": cosine - best,
                "cosine_in_article": cosine - best_own,
                "article": group.score / best_article,
                "length": math.log1p(len(p.text.split())),
                "section_cosine": sections.get(pid, best_section) - best_section,
                "position": math.log1p(p.ordinal),
                "secondary_cosine": second.get(pid, 0.0),
                "secondary_in_article": second_own.get(pid, 0.0),
            }
            features["both_cosine"] = features["cosine"] + features["secondary_cosine"]
            features["both_in_article"] = (
                features["cosine_in_article"] + features["secondary_in_article"]
            )
            out.append((pid, group.article_id, features))
    return out


def passage_weights(second: bool) -> Mapping[str, float]:
    """The fitted weights for a search with (`second`) or without the second
    model's cosines of its candidates."""
    if second and FITTED_SECOND_MODEL_WEIGHTS:
        return FITTED_SECOND_MODEL_WEIGHTS
    return FITTED_PASSAGE_WEIGHTS


def relative_to_best(cosines: Mapping[int, float], pids: Sequence[int]) -> dict[int, float]:
    """Each of `pids`' cosine minus the best of theirs; none where a cosine is
    missing for any of them (a neutral 0 then stands in for every one)."""
    if not pids or any(p not in cosines for p in pids):
        return {}
    best = max(cosines[p] for p in pids)
    return {p: cosines[p] - best for p in pids}


def answer_candidates(
    groups: Sequence[ArticleGroup],
    passages: Mapping[int, Passage],
    cosines: Mapping[int, float],
    plan: QueryPlan,
    weights: Mapping[str, float] | None = None,
    sections: Mapping[int, float] | None = None,
    secondary: Mapping[int, float] | None = None,
) -> list[AnswerCandidate]:
    """The competing passages, best first (ties keep result order); scored by
    `weights`, by default those for the evidence at hand (`passage_weights`)."""
    rows = passage_features(groups, passages, cosines, plan, sections, secondary)
    if weights is None:
        pids = [pid for pid, _, _ in rows]
        weights = passage_weights(bool(relative_to_best(secondary or {}, pids)))
    scored = [
        AnswerCandidate(pid, article, features, sum(w * features[k] for k, w in weights.items()))
        for pid, article, features in rows
    ]
    return sorted(scored, key=lambda c: -c.score)


def relevant_results(
    groups: Sequence[ArticleGroup], floor: float, nonsense: bool = False
) -> list[ArticleGroup]:
    """The articles worth counting as results.

    An article counts when its fused score reaches `floor` times the best one
    (the `relevance_floor` setting), so a query shows "3 results" rather than
    every article either retriever happened to return. A query with nothing
    to search for (`QueryPlan.nonsense`: "asdkjh", "???") has no results."""
    if not groups or nonsense:
        return []
    best = groups[0].score
    return [g for g in groups if g.score >= floor * best]


def choose_answer(
    candidates: Sequence[AnswerCandidate],
    passages: Mapping[int, Passage],
    plan: QueryPlan,
    lead_of: Callable[[str], Passage | None] | None = None,
) -> Passage:
    """The answer passage: the best candidate, with two exceptions.

    A one-concept query that the title holds ("Krankmeldung") asks about the
    article's subject as a whole: its lead passage answers (`lead_of` gives
    an article's first passage). A passage that only asks (a FAQ's question,
    a request's wording) never answers: the best candidate that states
    something takes its place, from the same article when it has one."""
    first = candidates[0]
    chosen = passages[first.pid]
    if (
        len(plan.concepts) == 1
        and lead_of is not None
        and all(ConceptMatch(plan).held(chosen.title))
    ):
        lead = lead_of(first.article_id)
        if lead is not None:
            return lead
    if not is_question(chosen.text):
        return chosen
    stated = [c for c in candidates if c.pid in passages and not is_question(passages[c.pid].text)]
    same = [c for c in stated if c.article_id == first.article_id]
    pick = (same or stated or [first])[0]
    return passages[pick.pid]


def is_question(text: str) -> bool:
    """Whether every sentence of `text` is a question ("Can my friend apply?")."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s.strip()]
    return bool(sentences) and all(s.rstrip().endswith("?") for s in sentences)
