"""Settings a running process follows: those it reads again when their file changes.

Most settings are read once, when a process starts. The notification
settings (`LIVE`: the webhook settings `webhooks`, `webhook_hosts`,
`webhook_timeout`, and the mail settings `smtp_host`, `smtp_port`,
`mail_from`, `mail_domain`, `triage_email`, `queue_mail_domains`) are not:
they say which systems receive a department's request records and where its
mail goes, and giving a department its receiver, or moving to another mail
server, should not need every web worker restarted. A
`LiveSettings` answers the start-up settings with those settings as the
settings file has them now: it looks at the file's modification time (no
more than once every `check_seconds`), and when it moved on reads the file
again. A live setting the environment or the command line set keeps that
value: both rank above the file (`kb.settings`) and neither changes while a
process runs. A file that cannot be read, or whose settings do not pass
`check` (webhook hosts not allowed, a malformed pair, a port out of range),
changes nothing: the last good settings stay in use, and `problem` says why
(logged once per change of the file), with the file and the line, as a
value-stream file edited into a mistake does; the admins' pages show it, and
`health` says it for `/api/health` (which monitors read): the setting and
the line to anyone, the file and what is wrong to admins, with every quoted
value and every URL's path, query and user part left out (`redacted`), since
a webhook URL often carries its token there.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.content.problem_texts import detail_of, problem
from kb.errors import ConfigError
from kb.records import Problem, Severity
from kb.setting import read_toml
from kb.settings import SETTINGS, Settings, setting_named

logger = logging.getLogger(__name__)

WEBHOOK_SETTINGS = ("webhooks", "webhook_hosts", "webhook_timeout")
MAIL_SETTINGS = (
    "smtp_host",
    "smtp_port",
    "mail_from",
    "mail_domain",
    "triage_email",
    "queue_mail_domains",
)
LIVE = (*WEBHOOK_SETTINGS, *MAIL_SETTINGS)
_DEFAULTS = {s.name: s.default for s in SETTINGS}
# The first live setting a problem's message names, for the line it is set on.
_NAMED = re.compile(r"\b(" + "|".join(sorted(LIVE, key=len, reverse=True)) + r")\b")
_TOML_LINE = re.compile(r"\bat line (\d+)")
_URL_USER = re.compile(r"[^:/@]*")  # a URL's user part, up to its `:`
# What a message may quote of a value: a URL (its user part, path and query can
# hold a password or a token) and a value in quotes (as `repr` writes it; the
# lookbehind keeps "it's URL" from opening a quote). The user part runs to the
# last "@" before the path, as `urlsplit` reads it: a password may hold an "@".
# A word that is no scheme is taken whole (`scheme` alone), so that its letters
# are not each read again as the start of one: `a.a.a.…` took quadratic time.
_URL = re.compile(
    r"\b(?P<scheme>[a-z][a-z0-9+.-]*+)"
    r"(?:://(?:[^\s/?#'\"]*@)?(?P<host>[^\s/'\"?#:]*)[^\s'\"]*)?",
    re.I,
)
# A quoted value, `'(?:[^'\\\n]|\\.)*'` or the same in double quotes: where one
# never closes, the quote marks it escapes open none either (`_without_quoted`).
_QUOTE_START = re.compile(r"(?<!\w)['\"]")
_QUOTE_BODY = {q: re.compile(rf"{q}(?:[^{q}\\\n]|\\.)*+") for q in "'\""}


@dataclass(frozen=True)
class SettingsOrigin:
    """Where a process's settings came from: the settings file it read (None: no
    file) and the settings the environment or the command line fixed."""

    file: Path | None = None
    fixed: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        overrides: Mapping[str, Any] | None = None,
        file: str | Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> SettingsOrigin:
        """The origin of `Settings.load(overrides, environ=environ, file=file)`."""
        env = os.environ if environ is None else environ
        path = Path(file) if file else Path(env.get("KB_SETTINGS", "kb.toml"))
        found = path if file or "KB_SETTINGS" in env or path.exists() else None
        fixed = {s.name for s in SETTINGS if s.env_var in env}
        fixed |= {setting_named(k).name for k, v in (overrides or {}).items() if v is not None}
        # A file that is not there yet may be written later: kb.toml is followed then.
        return cls(found or Path("kb.toml"), frozenset(fixed))


def _changed_at(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


def _line_of(path: Path, message: str) -> int | None:
    """The line of the settings file a problem is on: where the TOML reader
    stopped, else the line that sets the first live setting the message names."""
    stopped = _TOML_LINE.search(message)
    if stopped:
        return int(stopped.group(1))
    named = _NAMED.search(message.replace(str(path), ""))
    if named is None:
        return None
    key = re.compile(rf"""^\s*["']?{named.group(1)}["']?\s*=""")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((n for n, text in enumerate(lines, 1) if key.match(text)), None)


def settings_problem(path: Path, error: ConfigError) -> Problem:
    """A settings file that did not check, as the admins' pages show a content
    file's problem: the file, the line and what is wrong (with the check's text
    key and values, `detail_key`, for a page to say it in its language)."""
    message = error.message
    said = message.removeprefix(f"settings file {path}: ")
    return problem(
        "settings", str(path), kind="settings", severity=Severity.ERROR,
        line=_line_of(path, message), detail=said, **detail_of(error),
    )  # fmt: skip


def redacted(message: str) -> str:
    """`message` without the values it quotes: each URL as its scheme and host
    alone, each quoted value as '…'. What is wrong, and with which setting, stays."""
    message = _URL.sub(_url_redacted, message)
    return _without_quoted(message)


def password_hidden(url: str) -> str:
    """`url` (the `database_url` setting) with the password of each
    `scheme://user:password@` as `***`, the user and the host kept: what the
    expression `(://[^:/@]*:)[^@]*@` replaced, in time linear in `url` (that
    expression read the rest of the value again from every `://:`)."""
    kept: list[str] = []
    copied = at = 0
    while (start := url.find("://", at)) >= 0:
        colon = _URL_USER.match(url, start + 3).end()  # type: ignore[union-attr]
        if not url.startswith(":", colon):
            at = colon  # no `://` starts inside the user part
            continue
        end = url.find("@", colon + 1)
        if end < 0:
            break  # no later `://` has an `@` after its colon either
        kept += (url[copied : colon + 1], "***@")
        copied = at = end + 1
    kept.append(url[copied:])
    return "".join(kept)


def _url_redacted(url: re.Match[str]) -> str:
    host = url.group("host")
    return url.group(0) if host is None else f"{url.group('scheme')}://{host}/…"


def _without_quoted(message: str) -> str:
    """`message` with each quoted value '…', in time linear in its length: a
    quote that is not closed (before the line's end) is known unclosed up to
    where its value stopped, and the quote marks of its kind up to there,
    which it escaped, are not tried again (`'\\'\\'…` took quadratic time)."""
    kept: list[str] = []
    copied = at = 0
    open_until = {"'": 0, '"': 0}  # a quote of this kind before this opens nothing
    while start := _QUOTE_START.search(message, at):
        quote, at = start.group(0), start.start() + 1
        if start.start() < open_until[quote]:
            continue
        value = _QUOTE_BODY[quote].match(message, start.start())
        end = value.end() if value else at  # it always matches: the quote at least
        if message.startswith(quote, end):
            kept += (message[copied : start.start()], "'…'")
            copied = at = end + 1
        else:
            open_until[quote] = end
    kept.append(message[copied:])
    return "".join(kept)


def problem_health(problem: Problem, *, detail: bool) -> dict[str, Any]:
    """One settings problem as `/api/health` lists it: the setting it names and
    its line; with `detail` (an admin asks) the file and what is wrong, redacted."""
    named = _NAMED.search(problem.message.replace(problem.path, ""))
    found: dict[str, Any] = {"setting": named.group(1) if named else None, "line": problem.line}
    if detail:
        found |= {"file": problem.path, "message": redacted(problem.message)}
    return found


class LiveSettings:
    """The start-up settings with the `LIVE` ones as their file has them now;
    `problem`: why the file's last edit is not in use (None: it is)."""

    def __init__(
        self,
        settings: Settings,
        origin: SettingsOrigin | None,
        *,
        check: Callable[[Settings], object] = lambda settings: None,
        check_seconds: float = 1.0,
    ) -> None:
        self._current = settings
        self._origin = origin
        self._check = check
        self.check_seconds = check_seconds
        self._stamp = _changed_at(origin.file) if origin and origin.file else 0
        self._checked = time.monotonic()
        self.problem: Problem | None = None

    def problems(self) -> list[Problem]:
        """`problem` after looking at the file again: [] while its last edit is in
        use, for the admins' pages."""
        self()
        return [self.problem] if self.problem is not None else []

    def health(self, *, detail: bool = False) -> dict[str, Any]:
        """Whether the settings file's last edit is in use, for `/api/health`:
        `{"ok": true}`, or `ok` false with the `problems` (`problem_health`)."""
        found = self.problems()
        if not found:
            return {"ok": True}
        return {"ok": False, "problems": [problem_health(p, detail=detail) for p in found]}

    def __call__(self) -> Settings:
        """The settings now: the same object while nothing changed."""
        origin, now = self._origin, time.monotonic()
        if origin is None or origin.file is None or now - self._checked < self.check_seconds:
            return self._current
        self._checked = now
        stamp = _changed_at(origin.file)
        if stamp != self._stamp:
            self._stamp = stamp
            self._read(origin.file, origin.fixed)
        return self._current

    def _read(self, path: Path, fixed: frozenset[str]) -> None:
        try:
            table = read_toml(path) if path.exists() else {}
            values = {n: table.get(n, _DEFAULTS[n]) for n in LIVE if n not in fixed}
            where = f"settings file {path}"
            checked = {n: setting_named(n, where).check(v, where) for n, v in values.items()}
            fresh = self._current.replace(**checked)
            self._check(fresh)
        except ConfigError as exc:
            self.problem = settings_problem(path, exc)
            logger.warning(
                "the notification settings were not read again, the last good ones stay in use: %s",
                self.problem,
            )
            return
        self.problem = None
        if any(getattr(fresh, n) != getattr(self._current, n) for n in LIVE):
            logger.info("the notification settings changed in %s; now in use", path)
            self._current = fresh
