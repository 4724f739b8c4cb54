"""The notification settings (webhooks and e-mail) follow their file while a
process runs (`kb.live_settings`): read again when the file changes, kept when
the new ones do not check (the problem said with the file and the line), and
never over what the environment or the command line set."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest

from kb.live_settings import LIVE, LiveSettings, SettingsOrigin, password_hidden, redacted
from kb.notify.config import check_webhooks
from kb.settings import Settings
from tests.conftest import ROOT
from tests.support import within

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
    write(path, "reopen_days = 7\n")
    settings = live(path)
    before = settings()
    assert before.webhooks == "" and settings() is before  # the same while unchanged
    write(path, "reopen_days = 3\n" + HOOK + "webhook_timeout = 3.5\n")
    now = settings()
    assert (now.webhooks, now.webhook_hosts) == (
        "it=https://hooks.example.org/it",
        "hooks.example.org",
    )
    assert now.webhook_timeout == 3.5
    assert now.reopen_days == 7  # only the notification settings are followed
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
    assert settings.problem is not None and "elsewhere.example.net" in settings.problem.message
    write(path, "webhooks = [")  # not TOML at all
    assert settings() is good and "not valid TOML" in problem_of(settings)
    write(path, "webhook_timeout = 0\n")
    assert settings() is good and "webhook_timeout" in problem_of(settings)
    write(path, HOOK.replace("/it", "/it2"))
    assert settings().webhooks.endswith("/it2") and settings.problem is None


def problem_of(settings: LiveSettings) -> str:
    return settings.problem.message if settings.problem else ""


def test_the_mail_settings_are_followed_too(tmp_path: Path) -> None:
    path = tmp_path / "kb.toml"
    write(path, 'triage_email = "help@example.org"\n')
    settings = live(path)
    assert (settings().smtp_host, settings().triage_email) == ("", "help@example.org")
    write(
        path,
        'smtp_host = "mail.example.org"\nsmtp_port = 587\nmail_from = "kb@example.org"\n'
        'mail_domain = "example.org"\nqueue_mail_domains = "example.org"\n',
    )
    now = settings()
    assert (now.smtp_host, now.smtp_port, now.mail_from) == (
        "mail.example.org",
        587,
        "kb@example.org",
    )
    assert (now.mail_domain, now.queue_mail_domains, now.triage_email) == (
        "example.org",
        "example.org",
        "",
    )


def test_a_mistake_is_a_problem_with_the_file_and_its_line(tmp_path: Path) -> None:
    path = tmp_path / "kb.toml"
    write(path, 'smtp_host = "mail.example.org"\n')
    settings = live(path)
    good = settings()
    write(path, 'smtp_host = "mail2.example.org"\n# the new port\nsmtp_port = 0\n')
    assert settings() is good and good.smtp_host == "mail.example.org"
    problem = settings.problem
    assert problem is not None and (problem.path, problem.line) == (str(path), 4)  # after [kb]
    assert problem.message.startswith("setting smtp_port must be at least 1")
    assert "last good" in problem.hint and problem.kind == "settings"
    write(path, 'smtp_host = "mail2.example.org"\nsmtp_port = \n')
    problem = settings.problem if settings() is good else None
    assert problem is not None and problem.line == 3 and "not valid TOML" in problem.message
    write(path, HOOK.replace('hooks.example.org"', 'other.example"'))  # webhooks not allowed
    problem = settings.problem if settings() is good else None
    assert problem is not None and problem.line == 2 and "webhook_hosts" in problem.message


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


@pytest.mark.parametrize(
    ("message", "kept", "gone"),
    [
        (
            "setting webhooks: it's URL goes to evil.example, which is not in the setting "
            "webhook_hosts (hooks.example.org)",
            "it's URL goes to evil.example",
            "",
        ),
        (
            "setting webhooks: it's URL 'hooks.example.org/T0/token' is not http(s)://HOST/…",
            "it's URL '…' is not http(s)://HOST/…",
            "token",
        ),
        (
            "setting webhooks: it and hr share https://bot:pw@hooks.example.org/x/token?k=v",
            "share https://hooks.example.org/…",
            "pw",
        ),
        ('setting mail_from: "a\'b@x\\r\\nBcc: y" is not', "mail_from: '…' is not", "Bcc"),
        (
            # urlsplit reads the host after the last "@": the password holds one.
            "setting webhooks: it and hr share https://bot:pa@ss@hooks.example.org/x; give",
            "share https://hooks.example.org/…",
            "ss@",
        ),
    ],
)
def test_a_redacted_problem_keeps_what_is_wrong_and_drops_the_values(
    message: str, kept: str, gone: str
) -> None:
    from kb.live_settings import redacted

    said = redacted(message)
    assert kept in said
    assert not gone or gone not in said


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("a." * 100_000, "a." * 100_000),  # every letter could start a scheme
        ("a-" * 100_000 + "x://h/p", "a-" * 100_000 + "x://h/…"),
        ("'" + "\\'" * 100_000, "'" + "\\'" * 100_000),  # quotes that never close
        ('"' + '\\"' * 100_000 + '"', "'…'"),
        ("'" + "\\'" * 100_000 + ' "x"', "'" + "\\'" * 100_000 + " '…'"),
    ],
)
def test_a_long_value_is_redacted_in_linear_time(value: str, said: str) -> None:
    """An admin's `/api/health` and pages read each problem of the operator's
    settings file redacted: the URL expression read a run like `a.a.a.` again
    from each of its letters, and the quote expression a value of escaped
    quotes again from each quote, in time quadratic in the value (8,000
    characters: 0.2 s). Checked by what comes back from 200,000 characters,
    which took them minutes (speed is for `benchmarks/`, not a clock)."""
    message = f"setting webhooks: {value} is not http(s)://HOST/…"
    expected = f"setting webhooks: {said} is not http(s)://HOST/…"
    assert within(60, lambda: redacted(message)) == expected


# The expressions a problem was redacted with until long values took them
# quadratic time: what they left out is left out.
_EARLIER_URL = re.compile(
    r"\b([a-z][a-z0-9+.-]*://)(?:[^\s/?#'\"]*@)?([^\s/'\"?#:]*)[^\s'\"]*", re.I
)
_EARLIER_QUOTED = re.compile(r"""(?<!\w)(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")""")


def test_problems_are_redacted_as_the_earlier_expressions_redacted_them() -> None:
    rng = random.Random(558)
    pieces = [*"'\"\\\n a.-+:/@?#1_Kſé", "://", "https://", "bot:pw@", "h.example", ":80"]
    pieces += ["it's", "\\'", '\\"', "setting webhooks: "]
    for _ in range(20_000):
        message = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        earlier = _EARLIER_URL.sub(lambda m: f"{m.group(1)}{m.group(2)}/…", message)
        assert redacted(message) == _EARLIER_QUOTED.sub("'…'", earlier), repr(message)


def test_health_names_the_setting_and_line_and_only_admins_read_more(tmp_path: Path) -> None:
    path = tmp_path / "kb.toml"
    write(path, HOOK)
    settings = live(path)
    assert settings.health() == {"ok": True}
    write(path, "smtp_port = 0\n")
    assert settings.health() == {"ok": False, "problems": [{"setting": "smtp_port", "line": 2}]}
    [problem] = settings.health(detail=True)["problems"]
    assert problem["file"] == str(path)
    assert problem["message"].startswith("setting smtp_port must be at least 1")


def test_settings_md_names_exactly_the_settings_read_again() -> None:
    """An operator learns from docs/settings.md which settings take effect
    without a restart: the list there is `LIVE`, no more and no less."""
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    said = text.split("except the notification\nsettings:", 1)[1].split("`kb\nserve`", 1)[0]
    assert set(re.findall(r"`([a-z_]+)`", said)) == set(LIVE)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("://:" * 50_000, "://:" * 50_000),  # every `://` reads on to an `@` that never comes
        ("://:" * 500_000, "://:" * 500_000),  # the earlier expression: minutes
        ("://:" * 50_000 + "@h", "://:***@h"),
        ("x://u:" + ":" * 200_000, "x://u:" + ":" * 200_000),
        ("x://" * 50_000, "x://" * 50_000),
    ],
)
def test_a_database_url_s_password_is_hidden_in_linear_time(url: str, shown: str) -> None:
    """`kb settings` hides `database_url`'s password with `password_hidden`;
    the expression it replaced read the rest of the value again from each
    `://:`, in time quadratic in the value (200,000 characters: 3.7 s).
    Checked by what comes back from 200,000 and 2,000,000 characters (speed is
    for `benchmarks/`, not a clock)."""
    assert within(60, lambda: password_hidden(url)) == shown


_EARLIER_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


def test_a_password_is_hidden_as_the_earlier_expression_hid_it() -> None:
    rng = random.Random(570)
    pieces = [*":/@a\n", "://", "postgresql://", "kb:pa55@", "db.internal", ":5432", "/kb"]
    for _ in range(20_000):
        url = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert password_hidden(url) == _EARLIER_PASSWORD.sub(r"\1***@", url), repr(url)
    assert password_hidden("postgresql://kb:p@ss@db/kb") == "postgresql://kb:***@ss@db/kb"
