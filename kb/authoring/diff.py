"""A readable line diff of two versions of an article, for the history page.

`difflib`'s matcher gives the changed blocks; unchanged runs longer than
twice the context are folded into one "…" line, as reviewers know from
`diff -u`. Within a changed line pair, the changed words are marked.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from kb.validators import bidi_controls_named

Kind = Literal["same", "added", "removed", "fold"]
CONTEXT = 3


@dataclass(frozen=True)
class DiffLine:
    kind: Kind
    old_no: int | None
    new_no: int | None
    text: str
    # A fold's count of the unchanged lines it stands for (the page words it in
    # its language); 0 for any other line.
    folded: int = 0

    @property
    def shown(self) -> str:
        """The line as the page shows it: a control that would reorder the text
        after it (U+202E, "Leave \u202etxt.exe") named by its code point."""
        return bidi_controls_named(self.text)


def line_diff(old: str, new: str, context: int = CONTEXT) -> list[DiffLine]:
    """The lines of `new` against `old`: same, added, removed, and folds of same ones."""
    a, b = old.splitlines(), new.splitlines()
    out: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            run = [DiffLine("same", i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)]
            first, last = i1 == 0, i2 == len(a)
            keep_head = 0 if first else context
            keep_tail = 0 if last else context
            if len(run) > keep_head + keep_tail + 1:
                folded = len(run) - keep_head - keep_tail
                out += run[:keep_head]
                out.append(DiffLine("fold", None, None, "", folded))
                out += run[len(run) - keep_tail :] if keep_tail else []
            else:
                out += run
            continue
        out += [DiffLine("removed", i + 1, None, a[i]) for i in range(i1, i2)]
        out += [DiffLine("added", None, j + 1, b[j]) for j in range(j1, j2)]
    return out
