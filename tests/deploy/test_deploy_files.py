"""The configuration files of docs/deploy.md are valid and name real commands.

HAProxy's config is checked by HAProxy itself (and run by the cluster tests);
the systemd units by `systemd-analyze verify`, with the install path of `kb`
pointed at this checkout's, and every `kb` command line they start is parsed
by the real CLI.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("kb-*.*"))
INSTALLED_KB = "/opt/spoc-kb/.venv/bin/kb"


@pytest.mark.parametrize(
    "authoring", ["127.0.0.1:11", "127.0.0.1:20"], ids=["authoring-is-node1", "authoring-apart"]
)
def test_haproxy_accepts_the_config(authoring: str) -> None:
    if shutil.which("haproxy") is None:
        pytest.skip("haproxy is not installed (make test installs it)")
    env = {**os.environ, "KB_LISTEN": "127.0.0.1:1", "KB_STATS_LISTEN": "127.0.0.1:2"}
    env.update({f"KB_NODE{i}": f"127.0.0.1:{10 + i}" for i in range(1, 4)})
    env["KB_AUTHORING_NODE"] = authoring
    done = subprocess.run(
        ["haproxy", "-c", "-f", str(DEPLOY / "haproxy.cfg")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stdout + done.stderr, done.stdout + done.stderr


def test_the_haproxy_drop_in_sets_every_address_the_config_reads() -> None:
    wanted = set(re.findall(r"\$\{(\w+)\}", (DEPLOY / "haproxy.cfg").read_text()))
    drop_in = (DEPLOY / "systemd" / "haproxy.service.d" / "spoc-kb.conf").read_text()
    given = set(re.findall(r"^Environment=(\w+)=", drop_in, re.MULTILINE))
    assert "KB_AUTHORING_NODE" in wanted
    assert wanted <= given, wanted - given


def test_systemd_units_verify(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    kb = Path(sys.executable).with_name("kb")
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED_KB, str(kb)))
    done = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / u.name) for u in UNITS)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert {u.name for u in UNITS} >= {
        "kb-serve.service",
        "kb-index.service",
        "kb-deliver.service",
        "kb-backup.timer",
    }


@pytest.mark.parametrize("unit", [u for u in UNITS if u.suffix == ".service"], ids=lambda u: u.name)
def test_every_kb_command_line_parses(unit: Path) -> None:
    line = next(x for x in unit.read_text().splitlines() if x.startswith("ExecStart="))
    found = re.search(re.escape(INSTALLED_KB) + r" ([^'\"]*)", line)
    assert found, line
    args = [a for a in shlex.split(found.group(1)) if not a.startswith("/var/backups")]
    done = subprocess.run(
        [sys.executable, "-m", "kb", *args, "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "KB_SETTINGS": os.devnull},
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("unit", [u for u in UNITS if u.suffix == ".service"], ids=lambda u: u.name)
def test_what_a_unit_writes_is_closed_to_other_accounts(unit: Path) -> None:
    """The units wrote the SQLite database, attachments, index and backups under
    the system's umask (022: readable by every account of the machine)."""
    found = re.findall(r"^UMask=(0?[0-7]{3})$", unit.read_text(), re.MULTILINE)
    assert found and int(found[-1], 8) & 0o007 == 0o007, unit.name


def test_the_settings_file_is_installed_closed_to_other_accounts() -> None:
    """`kb.env` holds the secret key that signs session cookies and the database's
    password; `cp` made it readable by every account of the machine."""
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    [line] = [
        x for x in guide.splitlines() if re.match(r"(cp|install) .*/etc/spoc-kb/kb\.env\b", x)
    ]
    mode = re.search(r"^install -m ([0-7]{3,4}) ", line)
    assert mode and int(mode.group(1), 8) & 0o007 == 0, line
