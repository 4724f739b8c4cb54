"""The webhook settings follow their file while a process runs (`kb.live_settings`):
read again when the file changes, kept when the new ones do not check, and never
over what the environment or the command line set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.live_settings import LiveSettings, SettingsOrigin
from kb.notify.config import check_webhooks
from kb.settings import Settings

HOOK = 'webhooks = "it=https://hooks.example.org/it"\nwebhook_hosts = "hooks.example.org"\n'


def write(path: Path, text: str) -> None:
    """Write `text` and move the file's time on, as a later edit would."""
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text("[kb]\n" + text, "utf-8")
    os.utime(path, ns=(stamp + 10**9, stamp + 10**9))


def live(path: Path, environ: dict[str, str] | None = None, **overrides: str) -> LiveSettings:
    env = environ or {}
    settings = Settings.load(overrides, environ=env, file=path)
    origin = SettingsOrigin.of(overrides, path, env)
    return LiveSettings(settings, origin, check=check_webhooks, check_seconds=0.0)


def test_a_webhook_added_to_the_file_is_followed(tmp_path: Path) -> None:
    path = tmp_path / "kb.toml"
    write(path, 'triage_email = "help@example.org"\n')
    settings = live(path)
    before = settings()
    assert before.webhooks == "" and settings() is before  # the same while unchanged
    write(path, 'triage_email = "other@example.org"\n' + HOOK + "webhook_timeout = 3.5\n")
    now = settings()
    assert (now.webhooks, now.webhook_hosts) == (
        "it=https://hooks.example.org/it",
        "hooks.example.org",
    )
    assert now.webhook_timeout == 3.5
    assert now.triage_email == "help@example.org"  # only the webhook settings are followed
    write(path, "")  # taken out of the file: back to the defaults
    assert (settings().webhooks, settings().webhook_timeout) == ("", 10.0)


def test_a_mistake_keeps_the_last_good_webhooks_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "kb.toml"
    write(path, HOOK)
    settings = live(path)
    good = settings()
    write(
        path,
        'webhooks = "it=https://elsewhere.example.net/x"\nwebhook_hosts = "hooks.example.org"\n',
    )
    assert settings() is good
    assert settings.problem is not None and "elsewhere.example.net" in settings.problem
    write(path, "webhooks = [")  # not TOML at all
    assert settings() is good and "not valid TOML" in (settings.problem or "")
    write(path, "webhook_timeout = 0\n")
    assert settings() is good and "webhook_timeout" in (settings.problem or "")
    write(path, HOOK.replace("/it", "/it2"))
    assert settings().webhooks.endswith("/it2") and settings.problem is None


def test_the_environment_and_the_command_line_stay_above_the_file(tmp_path: Path) -> None:
    path = tmp_path / "kb.toml"
    write(path, HOOK)
    env = {"KB_WEBHOOK_HOSTS": "hooks.example.org, *.corp.example"}
    settings = live(path, env, webhook_timeout="2")
    write(path, HOOK.replace('hooks.example.org"', 'other.example"') + "webhook_timeout = 9\n")
    now = settings()
    assert now.webhook_hosts == "hooks.example.org, *.corp.example"
    assert now.webhook_timeout == 2.0


def test_the_file_is_looked_at_no_more_than_once_in_check_seconds(tmp_path: Path) -> None:
    path = tmp_path / "kb.toml"
    write(path, "")
    settings = live(path)
    settings.check_seconds = 3600.0
    write(path, HOOK)
    assert settings().webhooks == ""


@pytest.mark.parametrize("named", [True, False])
def test_the_origin_names_the_file_the_settings_came_from(tmp_path: Path, named: bool) -> None:
    path = tmp_path / "site.toml"
    env = {"KB_SETTINGS": str(path), "KB_WEBHOOKS": ""} if named else {}
    origin = SettingsOrigin.of({"webhook_timeout": "3"}, None if named else path, env)
    assert origin.file == path
    assert origin.fixed == ({"webhook_timeout", "webhooks"} if named else {"webhook_timeout"})
