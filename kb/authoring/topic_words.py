"""The small steps every topic title takes with a question's words, in English
and German alike (`kb.authoring.topic_titles`, `kb.authoring.german_topics`):
a word's key for comparing, the asker's pronouns made general (my → your,
mein → Ihr), a leading article dropped."""

from __future__ import annotations

_PRONOUNS = {
    "my": "your", "mine": "yours", "me": "you", "i": "you", "myself": "yourself",
    "our": "your", "ours": "yours", "we": "you", "us": "you",
    "mein": "Ihr", "meine": "Ihre", "meinen": "Ihren", "meinem": "Ihrem", "meiner": "Ihrer",
    "mich": "sich", "mir": "sich",
}  # fmt: skip


def key(word: str) -> str:
    """`word` as the word lists hold it: case-folded, without a trailing comma or colon."""
    return word.casefold().strip(",;:")


def general(words: list[str]) -> list[str]:
    """`words` with the asker's pronouns made general."""
    return [_PRONOUNS.get(key(w), w) for w in words]


def without_articles(words: list[str], articles: set[str]) -> list[str]:
    """`words` without a leading article (one of `articles`), unless it is all there is."""
    return words[1:] if len(words) > 1 and key(words[0]) in articles else words
