"""What `kb validate` warns of in an article's text comes back from every save
of the authoring service, from the same reading, with the field it is about."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kb.accounts.records import Grant, Role, User
from kb.authoring.records import ArticleFields
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.authoring.text_warnings import warning_field, warning_json
from kb.content.scanner import load_departments
from kb.records import Status
from kb.store.factory import create_store
from tests.support import run_kb

CORA = User(username="cora", grants=[Grant(role=Role.CONTENT_OWNER, department="it")])
CLEAN = ArticleFields(title="VPN setup", body="## Connect\n\nOpen the client.\n")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    return root


@pytest.fixture
def service(root: Path, tmp_path: Path) -> Iterator[AuthoringService]:
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    yield AuthoringService(root, version_store(store), lambda: load_departments(root))
    store.close()


def validate_warnings(root: Path, article_id: str) -> list[dict[str, object]]:
    """`kb validate --json`'s problems of one file."""
    result = run_kb({}, "validate", "--content", str(root), "--json")
    return [p for p in json.loads(result.output)["problems"] if p["path"] == article_id]


def test_a_save_answers_the_warnings_and_still_saves(service: AuthoringService) -> None:
    made = service.create(CORA, "it", "vpn", CLEAN)
    assert made.warnings == ()
    both = replace(CLEAN, audience=("everyone", "hr"), status=Status.PUBLISHED)
    saved = service.save(CORA, "it/vpn.md", both, base_version=made.number)
    [warning] = saved.warnings
    assert warning.kind == "audience" and "everyone" in warning.message
    assert warning_field(warning) == "audience"
    assert "remove everyone to limit it to hr" in warning.message  # what to do
    assert service.open(CORA, "it/vpn.md").fields.audience == ("everyone", "hr")  # saved
    # Saved again unchanged (nothing written), it still says so; read back, a
    # stored version carries none.
    again = service.save(CORA, "it/vpn.md", both, base_version=saved.number)
    assert again.number == saved.number and again.warnings == saved.warnings
    assert service.versions.latest("it/vpn.md").warnings == ()  # type: ignore[union-attr]


def test_create_status_change_and_restore_answer_them_too(service: AuthoringService) -> None:
    made = service.create(CORA, "it", "vpn", replace(CLEAN, body=""))
    assert [w.text_key for w in made.warnings] == ["no_text"]
    assert warning_field(made.warnings[0]) == "body"
    submitted = service.set_status(CORA, "it/vpn.md", Status.REVIEW, base_version=made.number)
    assert [w.text_key for w in submitted.warnings] == ["no_text"]
    fixed = service.save(CORA, "it/vpn.md", CLEAN, base_version=submitted.number)
    assert fixed.warnings == ()
    restored = service.restore(CORA, "it/vpn.md", made.number, base_version=fixed.number)
    assert [w.text_key for w in restored.warnings] == ["no_text"]


@pytest.mark.parametrize(
    ("fields", "extra", "field"),
    [
        (replace(CLEAN, audience=("everyone", "hr")), {}, "audience"),
        (replace(CLEAN, lang="english"), {}, "lang"),
        (replace(CLEAN, body=""), {}, "body"),
        (replace(CLEAN, body="![Map](https://maps.example.com/a.png)\n\nText."), {}, "body"),
        (CLEAN, {"tag": ["vpn"]}, "tag"),
        (replace(CLEAN, body="Text.\n\n![Plan](../plan.png)"), {}, "body"),
    ],
)
def test_the_editor_and_kb_validate_give_the_same_warnings_for_the_same_text(
    service: AuthoringService,
    root: Path,
    fields: ArticleFields,
    extra: dict[str, object],
    field: str,
) -> None:
    # The text the service checked is the file it wrote: kb validate reads that.
    saved = service.create(CORA, "it", "vpn", fields, extra=extra)
    said = [warning_json(w) for w in saved.warnings]
    assert [{k: v for k, v in w.items() if k != "field"} for w in said] == validate_warnings(
        root, "it/vpn.md"
    )
    assert said and said[0]["field"] == field
