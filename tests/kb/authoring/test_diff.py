"""The readable line diff: changed lines with their context, and unchanged runs
folded into one line that counts them."""

from __future__ import annotations

from kb.authoring.diff import line_diff


def test_a_long_unchanged_run_is_folded_into_its_count() -> None:
    old = "\n".join(f"line {n}" for n in range(1, 21))
    new = old.replace("line 20", "line twenty")
    lines = line_diff(old, new)
    (fold,) = [line for line in lines if line.kind == "fold"]
    # Lines 1 to 16 are folded; the three before the change stay as context.
    assert fold.folded == 16 and fold.text == ""
    assert [line.old_no for line in lines if line.kind == "same"] == [17, 18, 19]
    assert all(line.folded == 0 for line in lines if line.kind != "fold")


def test_a_short_run_is_shown_whole() -> None:
    lines = line_diff("a\nb\nc", "a\nb\nd")
    assert [line.kind for line in lines] == ["same", "same", "removed", "added"]
