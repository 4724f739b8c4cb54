"""Passages → articles: a result is an article, shown with its best passage.

Retrievers rank passages; people want articles. Each retriever's passage
ranking becomes an article ranking (an article takes its best passage's
score and rank), the two article rankings are fused, and every article keeps
its candidate passages ordered by their own fused score, the first being the
one shown and used for the answer. Fusing per article rather than per passage
lets an article found by keyword in one section and by meaning in another
collect both votes (see docs/search.md for the measurements).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from search.fusion import min_max, ordered


@dataclass
class ArticleGroup:
    """One article among the results and its candidate passages, best first."""

    article_id: str
    score: float
    pids: list[int]

    @property
    def best_pid(self) -> int:
        return self.pids[0]


def attach_passages(
    articles: Sequence[tuple[str, float]],
    passages: Sequence[tuple[int, float]],
    article_of: Mapping[int, str],
) -> list[ArticleGroup]:
    """Articles in the given order, each with its passages in the passages' order."""
    by_article: dict[str, list[int]] = {}
    for pid, _ in passages:
        article_id = article_of.get(pid)
        if article_id is not None:
            by_article.setdefault(article_id, []).append(pid)
    return [ArticleGroup(a, score, by_article[a]) for a, score in articles if a in by_article]


def group_by_article(
    ranked: Sequence[tuple[int, float]], article_of: Mapping[int, str]
) -> list[ArticleGroup]:
    """Articles in the order of their best passage; passages without an article are skipped."""
    groups: dict[str, ArticleGroup] = {}
    for pid, score in ranked:
        article_id = article_of.get(pid)
        if article_id is None:
            continue
        group = groups.get(article_id)
        if group is None:
            groups[article_id] = ArticleGroup(article_id, score, [pid])
        else:
            group.pids.append(pid)
    return sorted(groups.values(), key=lambda g: -g.score)


def article_ranks(
    ranked: Sequence[tuple[int, float]], article_of: Mapping[int, str]
) -> dict[str, int]:
    """Rank (from 1) of each article in one retriever's passage ranking."""
    ranks: dict[str, int] = {}
    for pid, _ in ranked:
        article_id = article_of.get(pid)
        if article_id is not None and article_id not in ranks:
            ranks[article_id] = len(ranks) + 1
    return ranks


def best_per_article(
    ranked: Sequence[tuple[int, float]], article_of: Mapping[int, str]
) -> list[tuple[str, float]]:
    """One entry per article, its best passage's score, in ranking order."""
    seen: dict[str, float] = {}
    for pid, score in ranked:
        article_id = article_of.get(pid)
        if article_id is not None and article_id not in seen:
            seen[article_id] = score
    return list(seen.items())


def with_second_passage(
    ranked: Sequence[tuple[int, float]], article_of: Mapping[int, str], weight: float
) -> list[tuple[str, float]]:
    """One entry per article, best first: its best passage's score plus `weight`
    times its second's, both min-max scaled over the list's passages
    (`second_passage_weight`). At weight 0 this is `best_per_article`, whose
    scores fusion min-max scales to the same values."""
    if not weight:
        return best_per_article(ranked, article_of)
    scores: dict[str, float] = {}
    counted: dict[str, int] = {}
    for pid, score in min_max(ranked).items():
        article_id = article_of.get(pid)
        if article_id is None or counted.get(article_id, 0) >= 2:
            continue
        if article_id in counted:
            scores[article_id] += weight * score
        else:
            scores[article_id] = score
        counted[article_id] = counted.get(article_id, 0) + 1
    return ordered(scores)
