"""Shared test doubles and test data, in one place (fixtures stay in conftest.py).

* `HashingEmbedder` stands in for the embedding model: a bag of hashed word
  stems as a unit vector, deterministic and thousands of times faster, so
  that indexing and search behaviour is tested in milliseconds. Tests marked
  `slow` use the real model where quality or the model itself is the point.
* `Clock`, the request departments and people, `guess_language`: the world
  of the request, account and notification tests.
* `earlier_today`: a past moment of the current UTC day, for tests that count
  by day whatever the hour they run at (one hour ago is yesterday at 00:30).
* `run_kb`: the `kb` command in-process (`run_kb_on_terminal`: with stdout a
  terminal); `within`: a call that must finish in time
  (a read blocked on a named pipe fails the test instead of hanging it).
* `FakeEngine` (canned articles and answers), `FailingStore`, `sign_in_as`,
  `text_of` and `error_of`: the web app's tests.

The real services tests start have modules of their own beside this one:
`tests.postgres` (PostgreSQL) and `tests.s3` (an S3 server).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from click.testing import CliRunner, Result
from flask.testing import FlaskClient

from kb.accounts.records import Grant, Role, User
from kb.records import Article, Department, Section, Targets
from kb.results import Answer, Hit, Query, SearchResponse
from kb.store.protocols import Store
from search.terms import stem, words


class HashingEmbedder:
    """Bag of hashed English stems as a unit vector: same words, same direction."""

    name = "test-hashing"
    dim = 64

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for word in words(text):
            bucket = int(hashlib.sha1(stem(word, "en").encode()).hexdigest(), 16) % self.dim
            vec[bucket] += 1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def embed(self, texts: Sequence[str], progress: object = None) -> np.ndarray:
        return (
            np.stack([self._vector(t) for t in texts])
            if texts
            else np.zeros((0, self.dim), dtype=np.float32)
        )

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


class SecondHashingEmbedder(HashingEmbedder):
    """Another fast stand-in (its own name and length) for the second model
    (setting secondary_model); also counts the texts it embeds."""

    name = "test-hashing-second"
    dim = 48

    def __init__(self) -> None:
        self.embedded = 0

    def embed(self, texts: Sequence[str], progress: object = None) -> np.ndarray:
        self.embedded += len(texts)
        return super().embed(texts, progress)


# -- requests: departments, people, time -------------------------------------
# Wednesday 10:00 in Berlin (summer time): a working hour.
START = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)

DEPARTMENTS = {
    "hr": Department(slug="hr", name="Human Resources", contact={"email": "hr@example.org"},
                     targets=Targets(first_response_hours=8, resolution_hours=40)),
    "it": Department(slug="it", name="IT Services", contact={"email": "it@example.org"},
                     targets=Targets(first_response_hours=2, resolution_hours=16)),
    "facilities": Department(slug="facilities", name="Facilities",
                             targets=Targets(first_response_hours=4, resolution_hours=24)),
    "finance": Department(slug="finance", name="Finance",
                          targets=Targets(first_response_hours=8, resolution_hours=40)),
    "operations": Department(slug="operations", name="Operations"),
    "legal": Department(slug="legal", name="Legal"),
}  # fmt: skip


class Clock:
    """A clock that stands still until the test moves it; every reading ticks
    one microsecond so that two submissions never share a creation time."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        self.now += timedelta(microseconds=1)
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def set(self, when: datetime) -> None:
        self.now = when


def user(name: str, *grants: tuple[str, str | None]) -> User:
    return User(username=name, grants=[Grant(role=Role(r), department=d) for r, d in grants])


EMPLOYEE = user("emma", ("employee", None))
OTHER = user("otto", ("employee", None))
IT_AGENT = user("ian", ("agent", "it"))
HR_AGENT = user("hanna", ("agent", "hr"))
FACILITIES_AGENT = user("fritz", ("agent", "facilities"))
FINANCE_AGENT = user("fiona", ("agent", "finance"))
TRIAGE_AGENT = user("tom", ("agent", "triage"))
IT_OWNER = user("olga", ("content_owner", "it"))
ANALYST = user("anna", ("analyst", None))
ADMIN = user("root", ("admin", None))


def guess_language(text: str) -> str:
    return "de" if any(w in text.lower() for w in ("ich", "wie", "der", "die", "ä", "ü")) else "en"


def earlier_today(share: float = 0.5) -> datetime:
    """A moment `share` of the way back from now to the start of today (UTC)."""
    now = datetime.now(UTC)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return now - (now - today) * share


def run_kb(env: dict[str, str], *args: str, input: str | None = None) -> Result:
    """`kb ARGS` in-process with the environment `env`."""
    from kb.cli.main import main

    return CliRunner(env=env).invoke(main, list(args), input=input, catch_exceptions=False)


def run_kb_on_terminal(env: dict[str, str], *args: str) -> str:
    """`kb ARGS` in-process with stdout a pseudo-terminal (raw: no line break
    rewritten), as a person runs it; what the terminal received."""
    import os
    import sys
    import tty
    from unittest import mock

    from kb.cli.main import main

    reader, writer = os.openpty()
    tty.setraw(writer)
    received = bytearray()

    def read_all() -> None:  # concurrently: a pty holds a few kilobytes
        while True:
            try:
                chunk = os.read(reader, 4096)
            except OSError:  # the other end closed
                return
            if not chunk:
                return
            received.extend(chunk)

    thread = threading.Thread(target=read_all)
    thread.start()
    try:
        with (
            open(writer, "w", encoding="utf-8", newline="") as terminal,
            mock.patch.dict(os.environ, env),
            mock.patch.object(sys, "stdout", terminal),
        ):
            assert sys.stdout.isatty()
            main(list(args), standalone_mode=False)
            terminal.flush()
    finally:
        thread.join(timeout=10)
        os.close(reader)
    return received.decode("utf-8")


# -- web: the fake engine, a failing store, signing in, reading answers ---------------
HOSTILE_MARKDOWN = """\
Intro text.

<script>alert('script tag')</script>
<img src="x" onerror="alert('onerror')">
[click me](javascript:alert('js link'))
<a href="JaVaScRiPt:alert('mixed case')">mixed</a>
<iframe src="https://example.com/"></iframe>
<div style="position:fixed" onmouseover="alert('hover')">styled</div>
<svg onload="alert('svg')"><circle r="5"/></svg>
<object data="x.swf"></object>
<form action="https://example.com/"><input name="pw"></form>
<p onclick="alert('p')">paragraph</p>
[next article](../hr/sick-leave.md#notice)
"""


def make_article(id: str, title: str, body: str, **extra: Any) -> Article:
    """An indexed Markdown article: its HTML rendered and sanitised as the indexer does."""
    from kb.content.markdown_text import render_html
    from kb.content.sanitize import sanitize_article_html

    return Article(
        id=id,
        department=id.split("/")[0],
        title=title,
        body_markdown=body,
        sections=(Section(headings=(), text=body),),
        body_html=sanitize_article_html(render_html(body), id),
        **extra,
    )


ARTICLES = {
    a.id: a
    for a in (
        make_article(
            "hr/sick-leave.md",
            "Reporting sick",
            "## Notice\n\nTell your manager **by 9:30** on the first day.\n\n"
            "See also [Krankmeldung](krankmeldung.md).",
            owner="hr-content@example.com",
            tags=("sick", "absence"),
            updated=date(2026, 5, 20),
            review_by=date(2026, 11, 20),
            related=("hr/krankmeldung.md", "hr/missing.md"),
        ),
        make_article(
            "hr/krankmeldung.md",
            "Krankmeldung",
            "## Am ersten Tag\n\nInformieren Sie Ihre Führungskraft bis 9:30 Uhr.",
            lang="de",
            tags=("krank",),
            related=("hr/sick-leave.md",),
        ),
        make_article("it/hostile.md", "Hostile article", HOSTILE_MARKDOWN),
    )
}

ENGINE_DEPARTMENTS = {
    "hr": Department(
        slug="hr",
        name="Human Resources",
        contact={"email": "hr@example.com", "phone": "+49 40 123"},
    ),
    "it": Department(slug="it", name="IT Service Desk"),
}


class FakeEngine:
    """Stands in for `search.engine.SearchEngine`; records the queries it got."""

    def __init__(self) -> None:
        self.queries: list[Query] = []
        self.suggest_groups: frozenset[str] | None = None

    def wait_until_warm(self, timeout: float | None = None) -> bool:
        return True

    def search(self, query: Query) -> SearchResponse:
        self.queries.append(query)
        hits = [
            Hit(
                id=a.id,
                department=a.department,
                title=a.title,
                score=1.0 / (i + 1),
                snippet=f"<mark>{a.title}</mark> &lt;b&gt; <script>x</script>",
                lang=a.lang,
                tags=a.tags,
            )
            for i, a in enumerate(ARTICLES.values())
            if query.department in (None, a.department)
            and (not query.tags or set(query.tags) & set(a.tags))
            and a.visible_to(query.groups)
        ]
        if "zzz" in query.text:
            return SearchResponse(
                query=query.text,
                answered=False,
                confidence=0.1,
                answer=None,
                department="it",
                department_confidence=0.6,
                did_you_mean="vpn",
                results=[],
                total=0,
                page=query.page,
            )
        top = hits[0] if hits else None
        answer = None
        if top is not None:
            answer = Answer(
                id=top.id,
                title=top.title,
                department=top.department,
                passage="Tell your manager by 9:30. <b>Bold</b> claims.",
                highlight="Tell your manager by 9:30.",
            )
        start = (query.page - 1) * query.k
        return SearchResponse(
            query=query.text,
            answered=answer is not None,
            confidence=0.9 if answer else 0.0,
            answer=answer,
            department=top.department if top else "",
            department_confidence=0.8,
            did_you_mean=None,
            results=hits[start : start + query.k],
            total=len(hits),
            page=query.page,
            lang="en",
            latency_ms=3.2,
        )

    def suggest(self, prefix: str, limit: int, groups: frozenset[str] | None = None) -> list[str]:
        self.suggest_groups = groups
        return [
            a.title
            for a in ARTICLES.values()
            if a.title.casefold().startswith(prefix.casefold()) and a.visible_to(groups)
        ][:limit]

    def article(self, article_id: str) -> Article | None:
        return ARTICLES.get(article_id)

    def departments(self) -> list[Department]:
        return [ENGINE_DEPARTMENTS[slug] for slug in sorted(ENGINE_DEPARTMENTS)]


class FailingStore:
    """A store whose every call fails, as a database that is down would.

    It has exactly the methods of the `Store` protocol (added below), so a
    call the protocol does not have fails as an AttributeError, not silently."""


def _failing(name: str) -> Any:
    def fail(self: FailingStore, *_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError(f"store is down ({name})")

    fail.__name__ = name
    return fail


for _name in sorted(n for n in dir(Store) if not n.startswith("_")):
    setattr(FailingStore, _name, _failing(_name))


def indexed_app(content: Path, folder: Path, **settings: Any) -> Any:
    """The web app over the content folder `content`, indexed with the hashing
    embedder into `folder` (which holds its database too); `settings` added.
    Without the second model unless `settings` names one: the hashing embedder
    stands in for the models, and loading the real second one was most of the
    time of each app made."""
    from indexer.build import IndexBuilder
    from kb.settings import Settings
    from search.engine import SearchEngine
    from webapp import create_app

    loaded = Settings.load(
        {
            "content_dir": str(content),
            "index_dir": str(folder / "index"),
            "database_url": f"sqlite:///{folder / 'kb.db'}",
            "secret_key": "test",
            "secondary_model": "",
            **settings,
        },
        environ={},
    )
    embedder = HashingEmbedder()
    IndexBuilder(loaded, embedder=embedder).run()
    return create_app(
        {
            "KB_SETTINGS": loaded,
            "TESTING": True,
            "KB_ENGINE_FACTORY": lambda s: SearchEngine(s, embedder=embedder),
        }
    )


def publish_fake_snapshot(index_dir: Path, name: str = "20260101T000000-test") -> None:
    """Just enough of a published snapshot for /api/health."""
    snap = index_dir / "snapshots" / name
    snap.mkdir(parents=True)
    (snap / "manifest.json").write_text(
        json.dumps({"articles": len(ARTICLES), "passages": 7, "created": "2026-01-01"}),
        encoding="utf-8",
    )
    (index_dir / "CURRENT").write_text(name + "\n", encoding="utf-8")


def sign_in_as(client: FlaskClient, username: str) -> str:
    """Sign `username` in through the session, as the sign-in form does (with their
    current session generation, now); returns the session's CSRF token."""
    import time

    from webapp.auth.sessions import account_mark
    from webapp.services import services

    stored = services(client.application).store.get_user(username)
    token = f"csrf-{username}"
    with client.session_transaction() as session:
        session.clear()
        session["kb_user"] = username
        session["kb_gen"] = stored.session_generation if stored is not None else 0
        session["kb_since"] = int(time.time())
        if stored is not None:
            session["kb_account"] = account_mark(stored)
        session["kb_csrf"] = token
    return token


def text_of(response: Any) -> str:
    """A test client response's body as text."""
    return response.get_data(as_text=True)  # type: ignore[no-any-return]


def error_of(response: Any, status: int, code: str) -> dict[str, Any]:
    """The `error` object of a JSON error answer, after checking its one shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


T = TypeVar("T")


def within(seconds: float, work: Callable[[], T]) -> T:
    """`work()`, failing the test (instead of hanging it) when it takes too long."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s (blocked on a pipe?)"
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def peak_memory(work: Callable[[], object]) -> int:
    """The most memory Python held above its start while `work` ran (tracemalloc)."""
    tracemalloc.start()
    try:
        work()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def count_calls(monkeypatch: Any, owner: object, name: str) -> list[tuple[Any, ...]]:
    """The positional arguments of every call of `owner.name` from now on (still
    answered by the original), for tests that a store is not read too often."""
    calls: list[tuple[Any, ...]] = []
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def filed_request(
    client: FlaskClient, user: str = "emma", query: str = "Printer jams", department: str = "it"
) -> int:
    """The id of a request `user` files through the API (signed in as them)."""
    token = sign_in_as(client, user)
    response = client.post(
        "/api/requests",
        json={"query": query, "department": department},
        headers={"X-CSRF-Token": token},
    )
    return int(response.get_json()["id"])


def post_request_form(
    client: FlaskClient, token: str, request_id: int, action: str, **data: Any
) -> Any:
    """Post a form of a request's page as the page sends it: with the version of the
    request it showed (the current one; `data` may name another, or None for none)."""
    from kb.errors import NotFoundError
    from webapp.services import services

    try:
        version: Any = services(client.application).store.get_request(request_id).version
    except NotFoundError:
        version = None
    fields = {"csrf_token": token, "version": version, **data}
    sent = {name: value for name, value in fields.items() if value is not None}
    return client.post(f"/requests/{request_id}/{action}", data=sent)


def log_ask_search(
    store: Store,
    user: str,
    at: datetime,
    *,
    department: str = "facilities",
    served: bool = True,
    opened: bool = False,
) -> int:
    """A search of the ask form by the account `user` (the form is for accounts)
    that suggested `<department>/parking.md` (`served`), opened (`opened`) or not."""
    from kb.events import ClickEvent, SearchEvent

    article = f"{department}/parking.md"
    sid = store.log_search(
        SearchEvent(
            query="parking",
            answered=served,
            user=user,
            person=f"account-{user}",
            signed_in=True,
            lang="en",
            ts=at,
            department=department,
            filters={"source": "ask"},
            result_ids=[article] if served else [],
        )
    )
    if opened:
        store.log_click(ClickEvent(search_id=sid, article_id=article, rank=1, user=user, ts=at))
    return sid


def searched_gap(store: Store, department: str, label: str, at: datetime) -> int:
    """A knowledge gap of `department` named `label`, which three signed-out
    people searched for in vain at `at` (enough to show its label); its id."""
    from kb.events import SearchEvent
    from kb.insights.records import GapQuestion, GapTopic
    from kb.insights.store import insights_store

    for user in "abc":
        store.log_search(
            SearchEvent(
                query=label,
                answered=False,
                user=user,
                person=f"address-{user}",
                department=department,
                ts=at,
            )
        )
    gaps = insights_store(store)
    gaps.refresh()
    topic = gaps.save_topic(GapTopic(label=label, department=department, centroid=np.ones(2)))
    question = GapQuestion(text=label, lang="en", model="m", vector=np.ones(2), topic_id=topic.id)
    gaps.save_gap_questions([question])
    assert topic.id is not None
    return topic.id


def refused_page(
    client: FlaskClient, answer: Any, anchor: str | None = None, at: str = r"/requests/\d+"
) -> str:
    """The page a refused form leads to, after checking the way there: a redirect
    (303), never a page at the form's address that a reload would post again, to
    the page holding the form (a request's page, else one matching the pattern
    `at`; at `anchor`, when given), which shows the refusal."""
    assert answer.status_code == 303, text_of(answer)
    target, _, fragment = answer.headers["Location"].partition("#")
    assert re.fullmatch(at, target), target
    if anchor is not None:
        assert fragment == anchor, answer.headers["Location"]
    shown = client.get(target)
    assert shown.status_code == 200, target
    page = text_of(shown)
    assert 'class="form-error"' in page, page
    return page


def refused_queue_page(client: FlaskClient, answer: Any, department: str = "it") -> str:
    """The queue page a refused bulk change leads to (`refused_page`), at its
    message; the queue's filters and page stay in the address."""
    return refused_page(client, answer, "bulk-error", rf"/requests/queue/{department}(\?.*)?")
