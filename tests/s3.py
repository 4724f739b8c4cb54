"""A real S3-compatible server for the tests: moto's server, in a process of its own.

moto (from PyPI) answers the S3 API over HTTP like any S3-compatible server;
the snapshot store talks to it through boto3 exactly as it would to MinIO or
AWS. Started once per session on a free loopback port; each test gets a new
bucket. Credentials are dummies set in the environment of the test.
"""

from __future__ import annotations

import os
import socket
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    pytest.importorskip("boto3", reason="the s3 snapshot store needs boto3 (test extras)")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("moto's S3 server did not start; install the test extras")
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
