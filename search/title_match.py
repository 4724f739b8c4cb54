"""Title evidence: articles whose title names the query's rarest concept rank higher.

Fusion reads each article through its best passage, so a broad page that
touches every word of the query ("Leave types", "Logging in & Networks",
"Hiring") can outrank the page that is about the query's most specific word
("Voluntary Leave Transfer Program", "Citrix", "Promotions"). The keyword
side's title field weighs that word, but min-max fusion flattens it.
`TitleBonus` rescores the first `TITLE_TOP` fused articles: each whose title
holds the query's rarest concept (the highest index IDF, as
`QueryPlan.concepts` weighs them; any of its terms: the word, a glossary
term, a dictionary translation), compared as the keyword index compares
words (the article language's analyser: stop words left out, words stemmed),
gains `weight`. A phrase term counts when the title holds each of its words.

Measured (docs/search.md, "Levers tried", 5 December, late night;
`benchmarks.article_levers`): weight 0.2 over the first 10 fused articles
lifted the 18F development set's English nDCG@10 on its tune half 0.8630 →
0.8690 and on its report half 0.8843 → 0.8976; 0.05-0.15 moved the tune half
by at most +0.0009, 0.3 and 0.4 as 0.2; 30 articles as 10. The IDF-weighted
share of all the concepts the title holds lost the tune half at every
weight. Through `kb eval` it moved no top 3 and no answer passage of the
18F set; the labelled set's report half gained (0.908 → 0.916), the own
holdout and the 18F English holdout moved by one question each. No model
call: the titles are read once per snapshot and each of at most ten is
tokenised with cached stems, about 0.07 ms of CPU per search.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from indexer.keyword_index import FALLBACK_LANG
from search.grouping import ArticleGroup
from search.proximity import index_terms
from search.understanding import Concept, QueryPlan

TITLE_TOP = 10  # fused articles rescored


def rarest_concept(plan: QueryPlan) -> Concept | None:
    """The query's concept of the highest weight (index IDF); the first of equals."""
    concepts = [c for c in plan.concepts if c.weight > 0]
    return max(concepts, key=lambda c: c.weight) if concepts else None


def title_holds(title: str, concept: Concept, lang: str) -> bool:
    """Whether the title holds one of the concept's terms: each of its words,
    as the keyword index's terms of `lang`."""
    lang = lang if lang in ("en", "de") else FALLBACK_LANG
    held = set(index_terms(title, lang))
    for term in concept.terms:
        wanted = index_terms(term, lang)
        if wanted and all(t in held for t in wanted):
            return True
    return False


class TitleBonus:
    """Adds the title bonus to the first fused articles (module docstring)."""

    def __init__(self, weight: float, top: int = TITLE_TOP) -> None:
        self.weight = weight
        self.top = top

    def rescore(
        self,
        groups: list[ArticleGroup],
        plan: QueryPlan,
        titles: Mapping[str, tuple[str, str]],
        langs: Mapping[str, str],
    ) -> list[ArticleGroup]:
        """`groups` (fused, best first) with the bonus added and re-sorted; as given
        when the weight is 0 or the query has no concept. `titles`: article id →
        (title, department); `langs`: article id → its language."""
        concept = rarest_concept(plan)
        if not self.weight or concept is None or not groups:
            return groups
        head = [
            replace(g, score=g.score + self.weight)
            if title_holds(
                titles.get(g.article_id, ("", ""))[0], concept, langs.get(g.article_id, "")
            )
            else g
            for g in groups[: self.top]
        ]
        head.sort(key=lambda g: -g.score)  # stable: equal scores keep their order
        return head + groups[self.top :]
