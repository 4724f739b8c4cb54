"""docs/web.md's table of pages names every page and form of the web app,
and each URL it names is one the app answers, with that method.

A row may name several URLs: `POST /requests/<id>/comment`, `/status`, … is
`POST /requests/<id>/status` too (a URL that does not start with one of the
app's own top folders continues the folder of the one before it, with its
method), and `/manage/…` stands for every URL under `/manage/`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask import Flask

from tests.conftest import ROOT
from tests.webapp.test_api_docs import app_calls

_ROW = re.compile(r"^\| (.+?) \| `[^`]*` \|", re.M)
_ANY = "…"


def _section(text: str, heading: str) -> str:
    return text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def documented(cell: str, tops: set[str]) -> Iterator[tuple[str, str]]:
    """(method, path shape) for each URL one first cell of the table names."""
    method, folder = "GET", ""
    for span in re.findall(r"`([^`]+)`", cell):
        said, _, path = span.rpartition(" ")
        path = re.sub(r"<[^>]*>", "{}", path.split("?")[0])
        top = path.strip("/").split("/")[0]
        if path == "/" or top in tops or top == _ANY:
            method, folder = said or "GET", path.rsplit("/", 1)[0]
        else:
            method, path = said or method, folder + path
        yield method, path


def page_calls(app: Flask) -> set[tuple[str, str]]:
    """Every method and URL shape of the app outside the JSON API."""
    calls = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/api/", "/static/")):
            path = re.sub(r"<[^>]*>", "{}", rule.rule)
            calls |= {(m, path) for m in rule.methods or () if m not in {"HEAD", "OPTIONS"}}
    return calls


def test_web_md_names_every_page_and_only_those(app: Flask) -> None:
    calls = page_calls(app) | app_calls(app) | {("GET", "/static/{}")}
    tops = {path.strip("/").split("/")[0] for _method, path in calls if path != "/"}
    table = _section((ROOT / "docs" / "web.md").read_text(encoding="utf-8"), "## Pages")
    named = {call for cell in _ROW.findall(table) for call in documented(cell, tops)}
    wildcards = [path.removesuffix(_ANY) for _method, path in named if path.endswith(_ANY)]
    exact = {call for call in named if not call[1].endswith(_ANY)}
    unknown = sorted(exact - calls)
    assert not unknown, f"docs/web.md's pages table names URLs the app does not answer: {unknown}"
    missing = sorted(
        (method, path)
        for method, path in page_calls(app) - exact
        if not any(path.startswith(prefix) for prefix in wildcards)
    )
    assert not missing, f"name these pages in the table of docs/web.md's Pages: {missing}"
    cell = "`/requests/<id>`; `POST /requests/<id>/comment`, `/tasks/<n>/take`, `/manage/…`"
    assert list(documented(cell, {"requests", "manage"})) == [
        ("GET", "/requests/{}"),
        ("POST", "/requests/{}/comment"),
        ("POST", "/requests/{}/tasks/{}/take"),
        ("GET", "/manage/…"),
    ]
