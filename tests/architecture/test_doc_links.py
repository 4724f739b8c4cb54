"""The links between README.md and the pages of docs/ lead somewhere: each
relative link names a file of the repository, and each `#anchor` a heading
of the page it points to (as GitHub makes anchors of headings); each
`make TARGET` they name is a target of the Makefile."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCED = re.compile(r"^```.*?^```", re.M | re.S)
# Inline code may run over a line break, never over a blank line.
_CODE = re.compile(r"^```.*?^```|`(?:[^`\n]|\n(?!\n))+`", re.M | re.S)
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def anchor_of(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as -."""
    text = re.sub(r"[^\w\- ]", "", heading.replace("`", "").strip().lower())
    return text.replace(" ", "-")


@cache
def anchors(page: Path) -> frozenset[str]:
    """The anchors of a page's headings (a repeated one numbered -1, -2, …)."""
    seen: dict[str, int] = {}
    found = set()
    for heading in _HEADING.findall(_FENCED.sub("", page.read_text(encoding="utf-8"))):
        anchor = anchor_of(heading)
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        found.add(anchor if count == 0 else f"{anchor}-{count}")
    return frozenset(found)


def broken_links(page: Path) -> list[str]:
    wrong = []
    for target in _LINK.findall(_CODE.sub("", page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue  # https:, mailto:: not ours to check
        file, _, anchor = target.partition("#")
        linked = (page.parent / file).resolve() if file else page
        if not linked.exists():
            wrong.append(f"{page.relative_to(ROOT)}: {target} (no such file)")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            wrong.append(f"{page.relative_to(ROOT)}: {target} (no such heading)")
    return wrong


def test_every_link_between_the_docs_resolves() -> None:
    wrong = [problem for page in PAGES for problem in broken_links(page)]
    assert not wrong, wrong


def test_anchors_are_made_as_github_makes_them() -> None:
    assert anchor_of("One person, one vote a week (deflection)") == (
        "one-person-one-vote-a-week-deflection"
    )
    assert anchor_of("`GET /api/health`") == "get-apihealth"
    assert anchor_of("Größe & Ämter") == "größe--ämter"


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", text, re.M))


def test_every_make_target_the_docs_name_exists() -> None:
    targets = make_targets()
    named = {
        (page.relative_to(ROOT), target)
        for page in PAGES
        for target in re.findall(r"`make ([a-z][a-z-]*)", page.read_text(encoding="utf-8"))
    }
    wrong = sorted(f"{page}: make {target}" for page, target in named if target not in targets)
    assert not wrong, wrong
    phony = re.search(r"^\.PHONY:(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert phony and not set(phony.group(1).split()) - targets, "a .PHONY name has no rule"
