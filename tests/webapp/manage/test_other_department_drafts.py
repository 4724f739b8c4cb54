"""Another department's draft is answered as an article that does not exist.

A content owner of HR, or an employee, who names IT's unpublished draft on
any editor page or article call (its history, a diff, the rename, discard
and retire pages, the picture preview, the version list, a restore, a
rename, a status change) learns nothing of it: the answer is the one a
name no file has gets, and the draft is left as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support import sign_in_as

DRAFT = """---
title: Reorganisation plan
summary: Who moves where.
status: draft
lang: en
---
## Plan

Team Falcon moves to the second floor.
"""

PAGES = [
    "/manage/edit/{id}",
    "/manage/history/{id}",
    "/manage/diff/{id}?a=1&b=1",
    "/manage/move/{id}",
    "/manage/discard/{id}",
    "/manage/retire/{id}",
    "/manage/picture/{id}?src=plan.png",
    "/api/articles/{id}",
    "/api/articles/{id}/versions",
    "/articles/{id}",
]
FORMS = [
    ("/manage/restore/{id}", {"number": "1", "version": "1"}),
    ("/manage/status/{id}", {"action": "publish", "version": "1"}),
    ("/manage/move/{id}", {"name": "moved", "version": "1"}),
    ("/manage/edit/{id}", {"version": "1", "title": "Plan", "body": "Text."}),
]
CALLS = [
    ("/api/articles/{id}/restore", {"number": 1}),
    ("/api/articles/{id}/move", {"name": "moved"}),
    ("/api/articles/{id}/discard-changes", {}),
]


def _same(draft: TestResponse, missing: TestResponse) -> bool:
    """Whether two answers are alike but for the id they name."""
    text = draft.get_data(as_text=True).replace("reorg", "nothere")
    return draft.status_code == missing.status_code and text == missing.get_data(as_text=True)


@pytest.mark.parametrize("who", ["helga", "emma"])  # HR's content owner, an employee
def test_another_department_s_draft_is_answered_as_a_missing_article(
    client: FlaskClient, content: Path, who: str
) -> None:
    draft = content / "it" / "reorg.md"
    draft.write_text(DRAFT, encoding="utf-8")
    token = sign_in_as(client, who)
    ids = {"draft": "it/reorg.md", "missing": "it/nothere.md"}
    for page in PAGES:
        answers = {k: client.get(page.format(id=v)) for k, v in ids.items()}
        assert answers["draft"].status_code in (403, 404), page
        assert _same(answers["draft"], answers["missing"]), page
        assert "Falcon" not in answers["draft"].get_data(as_text=True), page
    for form, data in FORMS:
        answers = {
            k: client.post(form.format(id=v), data={**data, "csrf_token": token})
            for k, v in ids.items()
        }
        assert answers["draft"].status_code == 403, form
        assert _same(answers["draft"], answers["missing"]), form
    headers = {"X-CSRF-Token": token, "If-Match": '"1"'}
    for call, body in CALLS:
        answers = {
            k: client.post(call.format(id=v), json=body, headers=headers) for k, v in ids.items()
        }
        assert answers["draft"].status_code == 403, call
        assert _same(answers["draft"], answers["missing"]), call
    assert draft.read_text(encoding="utf-8") == DRAFT
    assert not (content / "it" / "moved.md").exists()
