"""The articles a failed question's search showed: a second signal for its gap topic.

A sentence model reads "reset my password" and "lost my access card", or a
printer question and a VPN one, as close: the frame ("I lost", "does not
work") weighs as much as the thing asked about, and no cut of the grouping
parts such questions without also parting paraphrases with typos or in the
other language. The search itself tells them apart: even when it found no
good answer, its first results lean towards the articles about the thing
asked ("reset my windows password" showed the password articles, "lost my
access card" the badge ones), while two wordings of one question show much
the same articles, in either language where the knowledge base holds both.

So each question carries a profile of the first `SHOWN` articles its newest
search showed (each weighing 1/rank, hashed with a sign into `DIMENSIONS`
places, at unit length), and the grouping compares questions by their
centred vectors' similarity plus `SHARE` times their profiles' agreement:
the profile is appended to the vector, scaled by √`SHARE`, so that every dot
product of the grouping, of the topics' centres and of the daily placement
adds both. A question without results (none shown, or none kept) compares by
its vector alone. Nothing here is a list of words or of articles: the
articles are whatever the organisation's own search shows.

Measured with `python -m benchmarks.gap_subjects --results` (docs/insights.md,
"Topics by the articles their searches showed"); `SHARE`, `SHOWN` and
`RESULTS_THRESHOLD` were chosen on the tuning parts only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np

from kb.insights.clustering import unit_rows

# The profiles' agreement counts this much beside the vectors' similarity.
SHARE = 0.15
# The first results of a search that count (a result page's top).
SHOWN = 5
# Places the article ids are hashed into; signs make collisions cancel out
# on average instead of adding agreement.
DIMENSIONS = 1024
# The grouping's threshold when the profiles join (the vectors alone: 0.19,
# `kb.insights.topics.DEFAULT_THRESHOLD`): agreement adds to every pair's
# similarity, so the bar is higher.
RESULTS_THRESHOLD = 0.25


def vector_key(subjects_key: str) -> str:
    """The name the questions' vectors are stored under once their profiles
    are appended: vectors stored before are embedded again once, each with
    its profile, and placed again."""
    return f"{subjects_key} +results"


def _place(article_id: str) -> tuple[int, float]:
    digest = hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest()
    number = int.from_bytes(digest, "big")
    return number % DIMENSIONS, (1.0 if number >> 63 else -1.0)


def result_profile(article_ids: Sequence[str]) -> np.ndarray:
    """Unit vector of the first `SHOWN` distinct articles, the first weighing
    most (1, 1/2, 1/3, …); zeros when there are none."""
    profile = np.zeros(DIMENSIONS, dtype=np.float32)
    for rank, article in enumerate(list(dict.fromkeys(article_ids))[:SHOWN]):
        place, sign = _place(article)
        profile[place] += sign / (rank + 1)
    return unit_rows(profile[None, :])[0]


def result_profiles(texts: Sequence[str], results: Mapping[str, Sequence[str]]) -> np.ndarray:
    """One profile per text, from the articles `results` gives for it."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.stack([result_profile(results.get(t, ())) for t in texts])


def with_results(vectors: np.ndarray, profiles: np.ndarray, share: float = SHARE) -> np.ndarray:
    """`vectors` (centred, unit length) with their profiles appended, so that
    the dot product of two rows is their similarity plus `share` times their
    profiles' agreement."""
    if len(vectors) != len(profiles):
        raise ValueError(f"{len(vectors)} vectors but {len(profiles)} result profiles")
    return np.hstack([vectors, np.sqrt(share) * profiles]).astype(np.float32)


def split_stored(stored: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stored rows (the model's vector, then the profile) as the two parts."""
    return stored[:, :-DIMENSIONS], stored[:, -DIMENSIONS:]
