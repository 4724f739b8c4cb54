"""Settings a running process follows: those it reads again when their file changes.

Most settings are read once, when a process starts. The webhook settings
(`LIVE`: `webhooks`, `webhook_hosts`, `webhook_timeout`) are not: they say
which systems receive a department's request records, and giving a
department its receiver should not need every web worker restarted. A
`LiveSettings` answers the start-up settings with those settings as the
settings file has them now: it looks at the file's modification time (no
more than once every `check_seconds`), and when it moved on reads the file
again. A live setting the environment or the command line set keeps that
value: both rank above the file (`kb.settings`) and neither changes while a
process runs. A file that cannot be read, or whose settings do not pass
`check` (webhook hosts not allowed, a malformed pair), changes nothing: the
last good settings stay in use, and `problem` says why (logged once per
change of the file), as a value-stream file edited into a mistake does.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.errors import ConfigError
from kb.setting import read_toml
from kb.settings import SETTINGS, Settings, setting_named

logger = logging.getLogger(__name__)

LIVE = ("webhooks", "webhook_hosts", "webhook_timeout")
_DEFAULTS = {s.name: s.default for s in SETTINGS}


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


class LiveSettings:
    """The start-up settings with the `LIVE` ones as their file has them now."""

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
        self.problem: str | None = None

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
            self.problem = exc.message
            logger.warning(
                "the webhook settings were not read again, the last good ones stay in use: %s",
                exc.message,
            )
            return
        self.problem = None
        if any(getattr(fresh, n) != getattr(self._current, n) for n in LIVE):
            logger.info("the webhook settings changed in %s; now in use", path)
            self._current = fresh
