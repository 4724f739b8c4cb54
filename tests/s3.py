"""A real S3-compatible server for the tests: moto's server, in a process of its own.

moto (from PyPI) answers the S3 API over HTTP like any S3-compatible server;
the snapshot store talks to it through boto3 exactly as it would to MinIO or
AWS. Started once per session on a loopback port of its own (port 0, read
back from the line it writes on starting); each test gets a new bucket. Credentials are dummies set in the environment of the test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator

import pytest

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "kb-test",
    "AWS_SECRET_ACCESS_KEY": "kb-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


RUNNING_ON = re.compile(r"Running on http://127\.0\.0\.1:(\d+)")


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("boto3", reason="the s3 snapshot store needs boto3 (test extras)")
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as out:  # a file: a pipe nobody reads would fill up and stop it
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", "0"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120  # a loaded machine may start it slowly
    endpoint = ""
    while True:
        try:
            if not endpoint and (found := RUNNING_ON.search(log.read_text(errors="replace"))):
                endpoint = f"http://127.0.0.1:{found.group(1)}"
            if endpoint:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=10).close()
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(
                f"moto's S3 server did not start; install the test extras:\n{log.read_text()}"
            )
        time.sleep(0.2)
    yield endpoint
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def s3_bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new, empty bucket on the test server (credentials set for this test)."""
    import boto3

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = f"kb-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(
        Bucket=bucket
    )
    return bucket


def s3_environment(endpoint: str, bucket: str) -> dict[str, str]:
    """Environment of a `kb` process that uses the test server as its snapshot store."""
    return {
        **os.environ,
        **CREDENTIALS,
        "KB_SNAPSHOT_STORE": "s3",
        "KB_SNAPSHOT_S3_BUCKET": bucket,
        "KB_SNAPSHOT_S3_ENDPOINT": endpoint,
    }
