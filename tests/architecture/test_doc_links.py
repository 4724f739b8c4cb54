"""The links between README.md and the pages of docs/ lead somewhere: each
relative link names a file of the repository, and each `#anchor` a heading
of the page it points to (as GitHub makes anchors of headings); each
`make TARGET` they name is a target of the Makefile; each file of the
repository they name in code (`search/fusion.py`, or `search/fusion` for the
module) is there, each test they name (`tests/…py::test_name`) too, and each
dotted name (`kb.accounts.service.authenticate`) is a module, or a name
defined in one."""

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


_REPO_PATH = re.compile(r"`((?:kb|search|indexer|webapp|benchmarks|tests|deploy|tools)/[\w/.\-]+)")
_TEST_ID = re.compile(r"(tests/[\w/]+\.py)::(\w+)")


def test_every_file_and_test_the_docs_name_exists() -> None:
    wrong = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for named in set(_REPO_PATH.findall(text)):
            path = named.rstrip("/.")
            module = path.rsplit(".", 1)[0]  # schema.enum_of: a name in schema.py
            if not any((ROOT / p).exists() for p in (path, f"{path}.py", f"{module}.py")):
                wrong.append(f"{page.relative_to(ROOT)}: {named}")
        for path, test in set(_TEST_ID.findall(text)):
            source = ROOT / path
            if not source.exists() or not re.search(
                rf"^\s*(?:async )?def {test}\b|^class {test}\b",
                source.read_text(encoding="utf-8"),
                re.M,
            ):
                wrong.append(f"{page.relative_to(ROOT)}: {path}::{test}")
    assert not wrong, f"the docs name files or tests that are not there: {wrong}"


_DOTTED = re.compile(r"`((?:kb|search|indexer|webapp|benchmarks)(?:\.\w+)+)(?:\(\))?`")
_FILE_SUFFIXES = {"toml", "env", "js", "css", "po", "conf"}  # kb.toml is a file


def _module_source(parts: list[str]) -> str | None:
    base = ROOT.joinpath(*parts)
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path.read_text(encoding="utf-8")
    return "" if base.is_dir() else None


def dotted_name_exists(name: str) -> bool:
    """The longest module prefix of `name` exists, and the next part is
    defined or imported in it."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        source = _module_source(parts[:end])
        if source is not None:
            rest = parts[end:]
            return not rest or bool(re.search(rf"\b{re.escape(rest[0])}\b", source))
    return False


def test_every_dotted_name_the_docs_give_exists() -> None:
    wrong = [
        f"{page.relative_to(ROOT)}: {name}"
        for page in PAGES
        for name in set(_DOTTED.findall(page.read_text(encoding="utf-8")))
        if name.rsplit(".", 1)[-1] not in _FILE_SUFFIXES and not dotted_name_exists(name)
    ]
    assert not wrong, f"the docs name modules or functions that are not there: {wrong}"
    assert dotted_name_exists("kb.accounts.service.authenticate")
    assert not dotted_name_exists("kb.accounts.authenticate")
