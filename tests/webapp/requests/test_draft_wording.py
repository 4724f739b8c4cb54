"""A draft from a resolved request keeps the answer's general sentences, whatever
the people of the request are called, and tags it once per term."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kb.accounts.service import add_user
from kb.content.markdown_article import parse_article
from kb.store.protocols import Store
from tests.support import post_request_form, sign_in_as, text_of
from tests.webapp.requests.test_routes import ask_form, send

pytestmark = pytest.mark.usefixtures("people")


def test_a_username_that_is_a_word_keeps_the_answer_in_the_draft(
    client: FlaskClient, store: Store, request_content: Path
) -> None:
    """Accounts named for their role ("employee", "agent-hr", as the demo's) are
    words of everyday answers; only a name written as a name drops a sentence."""
    add_user(store, "employee", "employee", None)
    add_user(store, "agent-hr", "agent", "hr")
    (request_content / "hr" / "absence.md").write_text(
        "---\ntitle: Absence\ntags: [Workday, absence]\n---\nRecord absences.\n",
        encoding="utf-8",
    )
    (request_content / "hr" / "sick.md").write_text(
        "---\ntitle: Sick\ntags: [workday, sick]\n---\nCall in sick.\n", encoding="utf-8"
    )
    sign_in_as(client, "employee")
    html = ask_form(client, "Do I get a workday off on my birthday?", department="hr")
    request_id = int(send(client, html).headers["Location"].rsplit("/", 1)[1])
    token = sign_in_as(client, "agent-hr")
    answer = (
        "Yes. Since 2026 every employee gets their birthday off as paid leave. Your agent "
        "records nothing. Record it in workday under Absence > Birthday. Employee, enjoy it!"
    )
    post_request_form(client, token, request_id, "resolve", resolution=answer)
    response = post_request_form(client, token, request_id, "article")
    assert response.status_code == 303
    article_id = "hr/getting-a-workday-off-on-your-birthday.md"
    assert f"Draft article written: {article_id}" in text_of(
        client.get(response.headers["Location"])
    )
    path = request_content / article_id
    article, warnings = parse_article(path.read_bytes(), article_id)
    assert warnings == []
    assert article.summary == "Since 2026 every employee gets their birthday off as paid leave."
    assert "every employee gets their birthday off as paid leave" in article.body_markdown
    assert "Your agent records nothing." in article.body_markdown
    assert "Employee, enjoy it" not in article.body_markdown  # the requester, named
    # The question's topic words, in the vocabulary's spelling given first, once
    # each ("Workday" and "workday" are one term); not the answer's "Absence".
    assert article.tags == ("Workday", "birthday")
