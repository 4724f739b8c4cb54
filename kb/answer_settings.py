"""The settings that decide whether a search is answered and how its answer is
chosen and quoted: the confidence threshold and the optional levers of the
answer (docs/search.md, "Confidence" and "The answer sentences").

`AnswerSettings` is a part of `kb.settings.Settings` (which inherits its
fields), kept in a module of its own so the one settings table stays
readable; declare new fields as `kb.settings` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.setting import setting


@dataclass(frozen=True)
class AnswerSettings:
    """The answer threshold and the answer's optional levers."""

    answer_threshold: float = setting(
        0.58,
        "Confidence below which a search counts as unanswered (fitted with the default "
        "model by benchmarks/fit_confidence.py).",
        minimum=0,
        maximum=1,
    )
    confidence_second_look: bool = setting(
        False,
        "Where the confidence is unsure (0.3-0.9), embed the query once more without "
        "the rarest concept the answer lacks and decide with a second fitted model "
        "(search/second_look.py). Off by default: it gains on the 18F development set "
        "but loses on the labelled set's report half (docs/search.md).",
    )
    answer_second_model: bool = setting(
        False,
        "Choose the answer passage with the second model's cosines of its candidates "
        "too (both models' cosines added, weights fitted for them: search/answering.py). "
        "Off by default: it gains on the tune halves but loses two questions on the "
        "own holdout (docs/search.md).",
    )
    answer_quote_by_meaning: bool = setting(
        False,
        "Choose the answer's quoted sentence by the search model's reading of each "
        "sentence too, not by the query's words alone (search/quote_choice.py). `kb index` "
        "then stores each passage's sentence vectors, so a search embeds none (an index "
        "built without them: about ten per answered search, some 0.5 s of CPU). Off by "
        "default: the index build embeds five to seven sentence windows per passage "
        "(docs/search.md).",
    )
