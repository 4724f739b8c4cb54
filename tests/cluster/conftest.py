"""One cluster for the module: PostgreSQL, an indexed snapshot, three nodes, HAProxy.

The snapshot store is the database (setting snapshot_store = database): the
indexer publishes into PostgreSQL and each node copies the snapshot into its
own index folder, as on separate machines. All nodes share secret_key.
node1 is the authoring server; node2 and node3 keep a read-only copy of the
content folder (write_content off), as docs/deploy.md sets them up.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kb.accounts.service import add_user
from kb.store.factory import create_store
from kb.store.protocols import Store
from tests.cluster.harness import Client, HAProxy, Node, kb
from tests.conftest import FIXTURES
from tests.postgres import PostgresServer
from webapp.throttle import UNLIMITED_ENV

PASSWORD = "cluster-test-password"
AUTHORING_URL = "https://kb-edit.example.org/manage/"
READ_ONLY_ENV = {"KB_WRITE_CONTENT": "false", "KB_AUTHORING_URL": AUTHORING_URL}


@dataclass
class Cluster:
    server: PostgresServer
    database_url: str
    env: dict[str, str]
    content: Path
    work: Path
    nodes: list[Node]
    proxy: HAProxy
    store: Store

    def new_node(self, name: str) -> Node:
        node = Node(name, 0, self.work / name / "index", self.env, self.work / f"{name}.log")
        self.nodes.append(node)
        return node

    def signed_in(self, base: str | None = None, username: str = "emma") -> tuple[Client, str]:
        """A client signed in through `base` (default: the proxy) and its CSRF token."""
        client = Client(base or self.proxy.url)
        answer = client.call(
            "POST", "/auth/sign-in", form={"username": username, "password": PASSWORD}
        )
        assert answer.status == 200, (answer.status, answer.body)  # redirected to the page
        me = client.get("/api/me")
        assert me.status == 200 and me.body["username"] == username, me.body
        return client, str(me.body["csrf_token"])

    def index(self, *args: str) -> dict[str, object]:
        done = kb(self.env, "index", "--json", *args)
        assert done.returncode in (0, 1), done.stderr[-3000:]
        import json

        return dict(json.loads(done.stdout))


@pytest.fixture(scope="module")
def cluster(
    postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    work = tmp_path_factory.mktemp("cluster")
    content = work / "content"
    shutil.copytree(FIXTURES / "content", content)
    name, url = postgres_server.create_database()
    env = {
        **os.environ,
        "KB_SETTINGS": os.devnull,
        "KB_CONTENT_DIR": str(content),
        "KB_INDEX_DIR": str(work / "indexer" / "index"),
        "KB_DATABASE_URL": url,
        "KB_SNAPSHOT_STORE": "database",
        "KB_SNAPSHOT_POLL_SECONDS": "1",
        "KB_SECRET_KEY": uuid.uuid4().hex * 2,
        **UNLIMITED_ENV,  # load from one address: no rate limits
    }
    store = create_store(url)
    add_user(store, "emma", "employee", password=PASSWORD)
    add_user(store, "ivan", "agent", "it", password=PASSWORD)
    add_user(store, "cora", "content_owner", "it", password=PASSWORD)
    nodes: list[Node] = []
    proxy = None
    cluster = None
    try:
        first = kb(env, "index", "--json")
        assert first.returncode == 0, first.stderr[-3000:]
        for i in range(1, 4):
            own = env if i == 1 else {**env, **READ_ONLY_ENV}
            nodes.append(
                Node(f"node{i}", 0, work / f"node{i}" / "index", own, work / f"node{i}.log")
            )
        for node in nodes:
            node.start()
        for node in nodes:
            node.wait_ready()
        proxy = HAProxy(nodes, work / "haproxy.log")
        cluster = Cluster(postgres_server, url, env, content, work, nodes, proxy, store)
        yield cluster
    finally:
        if proxy is not None:
            proxy.stop()
        for node in cluster.nodes if cluster else nodes:
            node.stop()
        store.close()
        if postgres_server.handle.get_pid() is None:
            postgres_server.start()
        postgres_server.drop_database(name)
