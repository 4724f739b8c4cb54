"""Spellings of one question that the gaps view lists once."""

from __future__ import annotations

from kb.insights.records import TopicText
from kb.insights.spellings import merge_spellings, spelling_key


def test_spellings_differ_only_in_punctuation_case_and_spaces() -> None:
    assert spelling_key(" Parking  permit?! ") == "parking permit"
    assert spelling_key("parking, permit") == spelling_key("parking permit")
    assert spelling_key("e-mail") != spelling_key("email")  # a mark inside a word stays
    assert spelling_key("reset [email]") != spelling_key("reset email")  # a placeholder stays


def test_merged_spellings_add_up_and_keep_bounds_on_people() -> None:
    texts = [
        TopicText(1, "parking permit", 2, 1, 2),
        TopicText(1, "parking permit?", 5, 2, 3),
        TopicText(2, "parking permit!", 1, 1, 1),  # another topic's
    ]
    merged, spellings = merge_spellings(texts)
    assert sorted(merged, key=lambda t: t.topic_id) == [
        TopicText(1, "parking permit?", 7, 2, 5),
        TopicText(2, "parking permit!", 1, 1, 1),
    ]
    assert spellings["parking permit?"] == {"parking permit", "parking permit?"}
