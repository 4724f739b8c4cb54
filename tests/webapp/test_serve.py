"""`kb serve`: its options, the checks before it starts, and one real gunicorn run."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from indexer import index_users
from kb.cli.main import main
from kb.errors import ConfigError, IndexLockedError, IndexNotFoundError
from kb.settings import Settings
from tests.ports import listening_port
from tests.support import publish_fake_snapshot
from webapp import server


def test_serve_passes_its_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []

    def fake_serve(settings: Settings, **options: Any) -> None:
        calls.append({"settings": settings, **options})

    monkeypatch.setattr(server, "serve", fake_serve)
    result = CliRunner().invoke(
        main,
        [
            "serve",
            "--index",
            str(tmp_path / "idx"),
            "--content",
            str(tmp_path / "c"),
            "--host",
            "0.0.0.0",
            "--port",
            "9000",
            "--workers",
            "3",
            "--threads",
            "2",
            "--demo-users",
            "--allow-demo-users-on-network",
        ],
        env={"KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.db'}"},
    )
    assert result.exit_code == 0, result.output
    assert "sign in at http://0.0.0.0:9000/auth/sign-in" in result.output
    assert "employee-demo" in result.output and "agent:it" in result.output
    [call] = calls
    assert (call["host"], call["port"], call["workers"], call["threads"]) == ("0.0.0.0", 9000, 3, 2)
    assert call["settings"].index_dir == str(tmp_path / "idx")
    assert call["settings"].content_dir == str(tmp_path / "c")


@pytest.mark.parametrize(("threads", "pool", "warned"), [(8, 5, True), (8, 8, False)])
def test_serve_warns_when_threads_outnumber_the_pool(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, threads: int, pool: int, warned: bool
) -> None:
    monkeypatch.setattr(server, "serve", lambda settings, **options: None)
    env = {"KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.db'}", "KB_DATABASE_POOL_SIZE": str(pool)}
    result = CliRunner().invoke(main, ["serve", "--threads", str(threads)], env=env)
    assert result.exit_code == 0, result.output
    warning = f"--threads {threads} is more than database_pool_size ({pool})"
    assert (warning in result.output) is warned
    assert ("KB_DATABASE_POOL_SIZE to at least 8" in result.output) is warned


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.5", "::", "kb.example.org"])
def test_demo_users_only_on_loopback_unless_forced(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, host: str
) -> None:
    """Demo accounts with published passwords (admin / admin-demo) are refused on an
    address other machines reach (issue 13)."""
    monkeypatch.setattr(server, "serve", lambda settings, **options: None)
    env = {"KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.db'}"}
    refused = CliRunner().invoke(main, ["serve", "--host", host, "--demo-users"], env=env)
    assert refused.exit_code == 2 and "--allow-demo-users-on-network" in refused.output
    assert "admin-demo" not in refused.output.split("Error")[0]
    for loopback in ("127.0.0.1", "::1", "localhost"):
        ok = CliRunner().invoke(main, ["serve", "--host", loopback, "--demo-users"], env=env)
        assert ok.exit_code == 0, ok.output


def test_serve_refuses_bad_option_values() -> None:
    result = CliRunner().invoke(main, ["serve", "--workers", "0"])
    assert result.exit_code == 2 and "--workers" in result.output


def test_prepare_needs_a_published_index(tmp_path: Path) -> None:
    settings = Settings.load(
        {"index_dir": str(tmp_path / "none"), "database_url": f"sqlite:///{tmp_path / 'kb.db'}"},
        environ={},
    )
    with pytest.raises(IndexNotFoundError, match="kb index"):
        server.prepare(settings)


def test_prepare_migrates_the_store_once_and_fixes_one_secret(tmp_path: Path) -> None:
    publish_fake_snapshot(tmp_path / "index")
    settings = Settings.load(
        {"index_dir": str(tmp_path / "index"), "database_url": f"sqlite:///{tmp_path / 'kb.db'}"},
        environ={},
    )
    prepared = server.prepare(settings)
    assert (tmp_path / "kb.db").exists()
    assert len(prepared.secret_key) == 64
    # The store's key: the next start (or another node on the database) signs alike.
    assert server.prepare(settings).secret_key == prepared.secret_key
    assert server.prepare(settings.replace(secret_key="kept")).secret_key == "kept"


def test_prepare_warns_of_usernames_that_differ_only_in_case(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Twins from before usernames ignored case keep working, and are named."""
    from datetime import UTC, datetime

    from sqlalchemy import create_engine

    from kb.accounts.records import User
    from kb.store.factory import create_store
    from kb.store.schema import users

    url = f"sqlite:///{tmp_path / 'kb.db'}"
    store = create_store(url)
    store.add_user(User(username="alice"))
    store.close()
    engine = create_engine(url)
    with engine.begin() as conn:  # as the migration leaves a twin: no username_key
        conn.execute(
            users.insert().values(
                username="Alice", display_name="", grants=[], created=datetime.now(UTC)
            )
        )
    engine.dispose()
    publish_fake_snapshot(tmp_path / "index")
    settings = Settings.load(
        {"index_dir": str(tmp_path / "index"), "database_url": url}, environ={}
    )
    server.prepare(settings)
    assert "alice, Alice differ only in letter case" in caplog.text


def _get(port: int, path: str) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


@pytest.mark.slow
def test_kb_serve_runs_gunicorn(sample_index: Settings, tmp_path: Path) -> None:
    env = {**os.environ, "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.db'}"}
    log = tmp_path / "serve.log"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from kb.cli.main import main; main()",
                "serve",
                "--content",
                sample_index.content_dir,
                "--index",
                sample_index.index_dir,
                "--port",
                "0",  # gunicorn binds a free port itself and names it in its log
                "--workers",
                "1",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        port = _serving_port(proc, log)
        status, body = _wait_until(lambda: _get(port, "/api/health"), 180, "kb serve answered", log)
        assert status == 200 and body["status"] == "ok"
        assert body["index"]["articles"] > 50
        # While it runs, a restore into its index folder is refused, naming it.
        index_dir = Path(sample_index.index_dir)
        assert index_users.holders(index_dir) == [f"kb serve (pid {proc.pid})"]
        with (
            pytest.raises(IndexLockedError, match=f"kb serve \\(pid {proc.pid}\\) is using"),
            index_users.sole_user(index_dir, "restore anyway"),
        ):
            pass
        status, body = _get(port, "/api/search?q=parking")
        assert status == 200 and body["results"] and isinstance(body["search_id"], int)
        # A query one character too long, in euro signs (9 bytes each once encoded,
        # a 4.5 KB URL): the app's own JSON error names the field, not gunicorn's
        # HTML 414 (its default request line is 4094 bytes).
        status, body = _get(port, "/api/search?q=" + "%E2%82%AC" * 501)
        assert status == 400 and body["error"]["details"]["field"] == "q"
    finally:
        proc.terminate()
        assert proc.wait(timeout=60) == 0
    assert index_users.holders(Path(sample_index.index_dir)) == []  # gone with it


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"auth_mode": "header"}, "trusted_proxies is empty"),
        ({"trusted_proxies": "10.0.0.5,not-an-address"}, "must list addresses or networks"),
        ({"serve_watch": "true", "write_content": "false"}, "Turn serve_watch off here"),
    ],
)
def test_prepare_refuses_proxy_settings_that_cannot_work(
    tmp_path: Path, changes: dict[str, str], message: str
) -> None:
    settings = Settings.load({"index_dir": str(tmp_path / "index"), **changes}, environ={})
    with pytest.raises(ConfigError, match=message):
        server.prepare(settings)


def test_serve_logs_every_request_and_the_apps_own_messages(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """kb serve keeps an access log and the app's INFO messages (sign-ins), which
    Python drops without a handler (issue 13)."""
    import logging

    seen: dict[str, Any] = {}
    monkeypatch.setattr(server.KbServer, "run", lambda self: seen.update(self.options))
    monkeypatch.setattr(server, "prepare", lambda settings: settings)
    monkeypatch.setattr(server, "start_follower", lambda settings: None)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        server.serve(
            Settings.load(
                {"trusted_proxies": "10.0.0.5", "index_dir": str(tmp_path / "index")}, environ={}
            ),
            host="127.0.0.1",
            port=0,
            workers=1,
            threads=1,
        )
        assert seen["accesslog"] == "-" and "%(h)s" in seen["access_log_format"]
        assert seen["forwarded_allow_ips"] == "10.0.0.5"
        assert root.level == logging.INFO
        assert any(getattr(h, "kb_serve", False) for h in root.handlers)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_serve_writes_each_log_line_once() -> None:
    """The command line's basicConfig handler (kb.cli.main) and kb serve's own both
    wrote to standard error, so every app message came twice."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    root.handlers[:] = [h for h in handlers if type(h) is not logging.StreamHandler]
    try:
        root.addHandler(logging.StreamHandler(sys.stderr))  # what basicConfig adds
        server.configure_logging()
        server.configure_logging()  # twice, as the watcher process calls it again
        to_stderr = [
            h for h in root.handlers if isinstance(h, logging.StreamHandler)
            and getattr(h, "stream", None) is sys.stderr
        ]  # fmt: skip
        assert len(to_stderr) == 1 and getattr(to_stderr[0], "kb_serve", False)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _wait_until(check: Any, seconds: float, what: str, log: Path) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found = check()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"{what} within {seconds} s; kb serve said:\n{log.read_text()}")


def _serving_port(proc: subprocess.Popen[bytes], log: Path) -> int:
    """The port a `kb serve --port 0` bound, from gunicorn's line in its log:
    chosen by the server itself, so no other process can take it first."""

    def bound() -> int | None:
        assert proc.poll() is None, log.read_text()
        return listening_port(log)

    return int(_wait_until(bound, 180, "kb serve listened", log))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


@pytest.mark.slow
@pytest.mark.parametrize("ending", ["terminate", "kill"])
def test_kb_serve_watch_indexes_files_edited_on_disk(tmp_path: Path, ending: str) -> None:
    """With --watch (setting serve_watch, on in make run) a file written into the
    content folder is found by search without running kb index, and the
    watcher process goes when kb serve goes, even when killed."""
    content = tmp_path / "content"
    (content / "hr").mkdir(parents=True)
    (content / "hr" / "_department.yml").write_text("name: HR\n", "utf-8")
    (content / "hr" / "leave.md").write_text("# Annual leave\nYou get 30 days.\n", "utf-8")
    env = {**os.environ, "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.db'}"}
    where = ["--content", str(content), "--index", str(tmp_path / "index")]
    kb = [sys.executable, "-c", "from kb.cli.main import main; main()"]
    subprocess.run([*kb, "index", *where], env=env, check=True, capture_output=True)
    log = tmp_path / "serve.log"
    with log.open("w") as err:
        serve = [*kb, "serve", *where, "--port", "0", "--workers", "1", "--watch"]
        proc = subprocess.Popen(
            serve, env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True
        )
    try:
        port = _serving_port(proc, log)
        _wait_until(lambda: _get(port, "/api/health")[0] == 200, 180, "kb serve answered", log)
        watcher = int(_wait_until(lambda: _watcher_pid(log), 30, "the watcher started", log))
        (content / "hr" / "sabbatical.md").write_text(
            "# Sabbatical\nA quinquennial sabbatical of six months.\n", "utf-8"
        )

        def found() -> bool:
            status, body = _get(port, "/api/search?q=quinquennial+sabbatical")
            return status == 200 and "hr/sabbatical.md" in [r["id"] for r in body["results"]]

        _wait_until(found, 120, "the article edited on disk was found", log)
    finally:
        # terminate: kb serve stops the watcher; kill: the watcher notices by itself.
        getattr(proc, ending)()
        code = proc.wait(timeout=60)
    if ending == "terminate":  # stopped and waited for before kb serve exits
        assert code == 0 and not _pid_alive(watcher), log.read_text()
        # Each worker, a fork of kb serve, asked after the master's watcher as it
        # exited: a traceback each, and status 1.
        said = log.read_text()
        assert "Traceback" not in said and "exited with code" not in said, said
    try:
        _wait_until(lambda: not _pid_alive(watcher), 30, "the watcher stopped", log)
    finally:
        # A gunicorn worker outlives a killed master for up to a minute.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _watcher_pid(log: Path) -> str | None:
    for line in log.read_text().splitlines():
        if "for edits (pid " in line:
            return line.rsplit("(pid ", 1)[1].rstrip(")")
    return None


@pytest.mark.parametrize(("flag", "expected"), [([], False), (["--watch"], True)])
def test_serve_watch_flag_sets_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, flag: list[str], expected: bool
) -> None:
    calls: list[Settings] = []
    monkeypatch.setattr(server, "serve", lambda settings, **options: calls.append(settings))
    env = {"KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.db'}"}
    result = CliRunner().invoke(main, ["serve", *flag], env=env)
    assert result.exit_code == 0, result.output
    assert calls[0].serve_watch is expected
    assert server.start_watcher(calls[0].replace(serve_watch=False)) is None
