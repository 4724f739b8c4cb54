"""The editor says when search finds a published article: now (the index holds
this very text), within seconds (this process's index worker takes it in), or
after the next index run, naming when the index searched now was built."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.authoring.records import text_hash
from tests.support import FakeEngine, sign_in_as, text_of
from tests.webapp.manage.conftest import VPN
from tests.webapp.manage.test_routes import form
from webapp.services import services

EDITOR = "/manage/edit/it/vpn-setup.md"


def test_a_publish_says_search_finds_it_within_seconds_where_this_server_indexes(
    client: FlaskClient,
) -> None:
    token = sign_in_as(client, "cora")
    done = client.post(f"{EDITOR}?hl=en", data=form(token, version="1", body="New text."))
    assert done.status_code == 303
    said = text_of(client.get(f"{EDITOR}?hl=en"))
    assert "Search finds this version within seconds" in said
    assert "Die Suche findet diese Version in wenigen Sekunden" in text_of(
        client.get(f"{EDITOR}?hl=de")
    )


def test_the_editor_says_findable_now_once_the_index_holds_this_text(
    client: FlaskClient, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The editor's preview reads the article's kept pictures from the index too.
    held = SimpleNamespace(content_hash=text_hash(VPN), images=(), visible_to=lambda _g: True)
    monkeypatch.setattr(engine, "article", lambda article_id, groups=None: held)
    sign_in_as(client, "cora")
    assert "Search finds this version now." in text_of(client.get(f"{EDITOR}?hl=en"))
    held.content_hash = text_hash("an older text")
    assert "Search finds this version now." not in text_of(client.get(f"{EDITOR}?hl=en"))


def test_a_draft_says_nothing_of_search(client: FlaskClient, content: Path) -> None:
    (content / "it" / "vpn-setup.md").write_text(
        VPN.replace("status: published", "status: draft"), encoding="utf-8"
    )
    sign_in_as(client, "cora")
    assert "Search finds this version" not in text_of(client.get(f"{EDITOR}?hl=en"))


def test_without_an_index_worker_it_names_the_next_index_run_and_the_index_built(
    app: Flask, client: FlaskClient
) -> None:
    svc = services(app)
    svc.settings = svc.settings.replace(index_on_change="off")
    sign_in_as(client, "cora")
    said = text_of(client.get(f"{EDITOR}?hl=en"))
    assert "Search finds this version after the next index run (kb index)" in said
    assert "was built" not in said  # no index published yet
    snapshot = svc.settings.index_path / "snapshots" / "s1"
    snapshot.mkdir(parents=True)
    (snapshot / "manifest.json").write_text(json.dumps({"created": "2026-12-05T09:30:00+0000"}))
    (svc.settings.index_path / "CURRENT").write_text("s1")
    said = text_of(client.get(f"{EDITOR}?hl=en"))
    assert "The index searched now was built" in said and "2026" in said
