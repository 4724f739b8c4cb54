"""Field names that are almost right: `audiance:` for `audience:`.

A misspelled field is silently ignored by YAML, and some of those mistakes
change what an article is (a misspelled `audience` once made restricted
articles public). Files may carry fields of their own (static-site
generators add many), so unknown names are not errors; but one that is a
letter or two away from a known field is almost always a typo, and is
reported with the field it was probably meant to be (a field written with
other capitals, `Audience:`, is one too: YAML keys are case-sensitive).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from rapidfuzz.distance import OSA

from kb.content.problem_texts import problem
from kb.records import Problem


def _edits_allowed(field: str) -> int:
    """Typos allowed for a field name: one up to seven letters, two beyond.

    Measured on the 18F handbook's own front-matter fields: every one of them
    (`subtitle`, `outdated`, `redirect_from`, `sidebar`…) is at least two edits
    from a seven-letter field or three from a longer one, while the typos of
    the review (`audiance`, `tilte`, `tag`, `owners`, `reviewby`) are one."""
    return 1 if len(field) <= 7 else 2


def near_miss(name: str, known: Collection[str]) -> str | None:
    """The known field `name` is probably a typo of (case included), or None."""
    if name in known:
        return None
    lowered = name.lower()
    best: tuple[int, str] | None = None
    for field in known:
        distance = OSA.distance(lowered, field)
        if distance <= _edits_allowed(field) and (best is None or (distance, field) < best):
            best = (distance, field)
    return best[1] if best else None


def near_misses(names: Iterable[object], known: Collection[str]) -> list[tuple[str, str]]:
    """(name, meant) for each of `names` that is a near miss of a known field."""
    out = []
    for name in names:
        if isinstance(name, str):
            meant = near_miss(name, known)
            if meant is not None:
                out.append((name, meant))
    return out


def near_miss_warnings(
    names: Iterable[object], known: Collection[str], path: str, *, except_for: str = ""
) -> list[Problem]:
    """One warning per near-miss field name of a file (but those meant as
    `except_for`, which the caller judges itself)."""
    return [
        problem("field_unknown", path, kind="field_name", name=name, meant=meant)
        for name, meant in near_misses(names, known)
        if meant != except_for
    ]
