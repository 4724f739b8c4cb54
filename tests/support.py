"""Shared test doubles and test data, in one place (fixtures stay in conftest.py).

* `HashingEmbedder` stands in for the embedding model: a bag of hashed word
  stems as a unit vector, deterministic and thousands of times faster, so
  that indexing and search behaviour is tested in milliseconds. Tests marked
  `slow` use the real model where quality or the model itself is the point.
* `Clock`, the request departments and people, `guess_language`: the world
  of the request, account and notification tests.
* `run_kb`: the `kb` command in-process.

The real services tests start have modules of their own beside this one:
`tests.postgres` (PostgreSQL) and `tests.s3` (an S3 server).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
from click.testing import CliRunner, Result

from kb.accounts.records import Grant, Role, User
from kb.records import Department, Targets
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


# -- requests: departments, people, time -------------------------------------
# Wednesday 10:00 in Berlin (summer time): a working hour.
START = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)

DEPARTMENTS = {
    "hr": Department(slug="hr", name="Human Resources", contact={"email": "hr@example.org"},
                     targets=Targets(first_response_hours=8, resolution_hours=40)),
    "it": Department(slug="it", name="IT Services", contact={"email": "it@example.org"},
                     targets=Targets(first_response_hours=2, resolution_hours=16),
                     webhook_url="http://127.0.0.1:9/hook", webhook_secret_env="IT_HOOK_SECRET"),
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


def run_kb(env: dict[str, str], *args: str, input: str | None = None) -> Result:
    """`kb ARGS` in-process with the environment `env`."""
    from kb.cli.main import main

    return CliRunner(env=env).invoke(main, list(args), input=input, catch_exceptions=False)
