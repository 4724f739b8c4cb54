"""A department's most frequent request topics: those too few people asked are
shown once, whatever how many of them reach the top."""

from __future__ import annotations

from kb.insights.records import RequestTopic
from kb.insights.requests import request_figures, topics_cell


def _top(topics: list[RequestTopic]) -> list[dict[str, object]]:
    (figures,) = request_figures([], topics, {7: "parking"}, {"hr": (0, 0)}, {}, min_people=3)
    return figures.top_topics


def test_the_topics_too_few_people_asked_are_one_row_with_their_counts_summed() -> None:
    top = _top(
        [
            RequestTopic("hr", 7, "", requests=9, requesters=5),
            RequestTopic("hr", None, "my salary", requests=4, requesters=1),
            RequestTopic("hr", 8, "", requests=3, requesters=2),
        ]
    )
    assert top == [
        {"label": "parking", "requests": 9, "topic_id": 7},
        {"label": "", "requests": 7, "topic_id": None},
    ]
    assert topics_cell(top) == "parking (9); (hidden) (7)"


def test_the_hidden_row_takes_its_rank_by_its_summed_count() -> None:
    top = _top(
        [
            RequestTopic("hr", 7, "", requests=5, requesters=5),
            RequestTopic("hr", None, "my salary", requests=4, requesters=1),
            RequestTopic("hr", None, "my bonus", requests=3, requesters=1),
        ]
    )
    assert [(t["label"], t["requests"]) for t in top] == [("", 7), ("parking", 5)]
