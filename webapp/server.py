"""Production serving: gunicorn, started from Python (`kb serve`).

The master process checks that an index is published, brings the store's
schema up to date once (so workers never race to migrate) and fixes one secret
key for all workers: `secret_key`, else the store's own (`kb.store.site_keys`). Each worker then builds its own app after the fork and warms
it up (model loaded, store opened) before it accepts a request; the model is
not loaded in the master because PyTorch's thread pools do not survive fork.
Each worker then starts its index worker (`start_index_worker`),
which loads the indexer's models in the background, so the first article
published in the browser is searchable as quickly as later ones.

Each worker also runs the notification outbox in a background thread
(`webapp.outbox.start_outbox`). Running one per worker is safe: the
store hands every due message to one worker only (`claim_messages`), so
nothing is sent twice, and deliveries go on while any worker lives.
`create_demo_users` makes the demo accounts of `kb serve --demo-users`.

With a replicated snapshot store (setting `snapshot_store` = database or s3),
the master first copies the store's current snapshot into the node's own
index folder (a new node with an empty folder can serve at once), then keeps
it current from a thread (`SnapshotFollower`): each new snapshot is copied,
verified and switched to with the local `CURRENT`, which the workers follow as
they do on a single machine. The follower runs in the master, not in the
workers, so a node copies each snapshot once, and it dies with the master.
With the setting `serve_watch` on (`kb serve --watch`, as `make run` does), the
master also starts the content watcher of `kb index --watch` in a process of
its own (`indexer.watch.start_watch_process`), so files edited on disk are
searchable within seconds without a second command; it stops with the master.
With a shared snapshot store `kb serve` refuses to start without
`secret_key`: it signs the snapshots' manifests, which a key in the store cannot.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from typing import Any

from gunicorn.app.base import BaseApplication

from kb.errors import ConfigError, IndexNotFoundError, KbError, StoreUnavailableError
from kb.live_settings import SettingsOrigin
from kb.settings import Settings

logger = logging.getLogger(__name__)

# Loading the model takes seconds; a worker is allowed this long to boot and
# to answer one request before gunicorn replaces it.
WORKER_TIMEOUT_S = 120
GRACEFUL_TIMEOUT_S = 30

# The longest request line (method, URL, version) gunicorn reads, in bytes: its
# maximum, twice its default of 4094. The search box takes max_query_chars (500)
# characters, and 500 characters outside Latin-1 (a euro sign, CJK) are 4,500
# bytes once percent-encoded, so with the default gunicorn answered its own bare
# HTML 414 before the app could say which field was too long. With 8190 the
# app's own checks (a 400 in the API's JSON form, naming `q`) answer for every
# query up to 680 four-byte characters; only a longer URL still gets gunicorn's
# 414 (docs/security.md). Headers keep gunicorn's limit of 8190 bytes each.
MAX_REQUEST_LINE_BYTES = 8190


def _post_worker_init(worker: Any) -> None:
    from webapp.insights.schedule import start_insights
    from webapp.outbox import start_outbox
    from webapp.services import warm_up

    warm_up(worker.wsgi)  # the engine caps torch and FAISS threads (search_threads)
    try:
        # After the engine: the indexer shares its models and loads only the rest.
        start_index_worker(worker.wsgi)
    except KbError as exc:
        logger.error("the index worker did not start: %s", exc.message)
    try:
        start_outbox(worker.wsgi)  # also loads departments and value streams now
    except KbError as exc:
        # Search still works; requests answer with this error until it is fixed.
        logger.error("requests and notifications are not available: %s", exc.message)
    try:
        start_insights(worker.wsgi)
    except KbError as exc:
        logger.error("insights jobs are not running: %s", exc.message)


def start_index_worker(app: Any) -> None:
    """Start `app`'s index worker now, loading its models in the background.
    Nothing when edits are not indexed here (`index_on_change` off) or cannot
    be made (`write_content` off)."""
    from webapp.services import services

    svc = services(app)
    if svc.settings.index_on_change != "worker" or not svc.settings.write_content:
        return
    svc.authoring  # noqa: B018 - creates the worker (opens the store)
    if svc.index_worker is not None:
        svc.index_worker.start()


def _post_fork(_server: Any, _worker: Any) -> None:
    """In a new worker: forget the master's child processes (the index watcher).
    multiprocessing joins the children it started when a process exits, and a
    worker, a fork of the master, is not their parent: its join failed, with a
    traceback, every time a worker stopped."""
    import multiprocessing.process

    children = getattr(multiprocessing.process, "_children", None)
    if isinstance(children, set):
        children.clear()


def _worker_exit(_server: Any, worker: Any) -> None:
    from webapp.insights.schedule import stop_insights
    from webapp.outbox import stop_outbox
    from webapp.services import services

    app = getattr(worker, "wsgi", None)
    if app is not None:
        stop_outbox(app)
        stop_insights(app)
        services(app).close()


class KbServer(BaseApplication):
    """gunicorn with the spoc-kb app and settings from `kb serve`'s options."""

    def __init__(
        self, settings: Settings, options: dict[str, Any], origin: SettingsOrigin | None = None
    ) -> None:
        self.settings = settings
        self.options = options
        self.origin = origin
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        from webapp import create_app

        return create_app({"KB_SETTINGS": self.settings, "KB_SETTINGS_ORIGIN": self.origin})


def prepare(settings: Settings) -> Settings:
    """Checks and one-time work in the master, before any worker starts."""
    from kb.accounts.service import warn_case_twins
    from kb.store.factory import store_from_settings
    from kb.store.site_keys import with_site_key

    check_proxies(settings)
    if settings.serve_watch and not settings.write_content:
        raise ConfigError(
            "serve_watch is on, but write_content is off: this server keeps a read-only copy "
            "of the content folder, and indexing it would publish that copy over the "
            "authoring server's index. Turn serve_watch off here (docs/deploy.md)"
        )
    if settings.snapshot_store != "files" and not settings.secret_key:
        raise ConfigError(
            f"snapshot_store is {settings.snapshot_store}: nodes sign snapshots with the same key, "
            "which whoever writes the store must not read (so not the database's own). Set "
            "secret_key (KB_SECRET_KEY) to one long random value on every node, e.g. "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`"
        )
    pull_current(settings)
    check_snapshot(settings)
    try:
        store = store_from_settings(settings)
        try:
            settings = with_site_key(settings, lambda: store)  # no secret_key: the store's
            warn_case_twins(store)  # accounts from before usernames ignored case
        finally:
            store.close()
    except StoreUnavailableError as exc:
        # Searches work from the local snapshot; writes answer 503 until the
        # database is back, and the workers reconnect by themselves.
        logger.warning("starting without the database for now: %s", exc.message)
    if not settings.secret_key:  # the store unreachable: one key for this run's workers
        settings = settings.replace(secret_key=secrets.token_hex(32))
    return settings


def check_snapshot(settings: Settings) -> None:
    """Refuse to start a single machine without a snapshot (`kb index` first). A
    node of several starts without one: exiting would only have it started again
    and again while the snapshot store (or the database holding the cluster's
    sequence mark) is unreachable. It answers 503 `index_not_ready`, on
    `/api/health` too, so a load balancer sends it nothing, until its snapshot
    follower takes the store's current snapshot."""
    from indexer import snapshot

    try:
        snapshot.current_path(settings.index_path)
    except IndexNotFoundError:
        if settings.snapshot_store == "files":
            raise
        logger.error(
            "this node has no snapshot yet: it answers 503 (index_not_ready) until it takes "
            "the %s snapshot store's current snapshot, tried every %g s (the error above "
            "says why not now)",
            settings.snapshot_store,
            settings.snapshot_poll_seconds,
        )


ACCESS_LOG_FORMAT = '%(h)s %({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(L)ss "%(a)s"'
LOG_FORMAT = "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str = "info") -> None:
    """The app's own messages (sign-ins, refused calls, rate limits, jobs) on
    standard error beside gunicorn's; without a handler Python keeps only warnings.
    The command line's own standard-error handler (`logging.basicConfig` in
    `kb.cli.main`) gives way to this one, or every line would be written twice."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if not isinstance(handler, logging.StreamHandler) or getattr(handler, "kb_serve", False):
            continue
        plain = type(handler) is logging.StreamHandler  # not pytest's or a file's
        if plain and handler.stream in (sys.stderr, sys.__stderr__):
            root.removeHandler(handler)
    if not any(getattr(h, "kb_serve", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler.kb_serve = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper(), logging.INFO))


def check_proxies(settings: Settings) -> None:
    """Refuse to start with proxy settings that cannot work: an unreadable
    trusted_proxies, or header mode with no proxy to believe."""
    from webapp.proxies import networks

    networks(settings.trusted_proxies)  # ConfigError naming a bad entry
    if settings.auth_mode == "header" and not settings.trusted_proxies.strip():
        raise ConfigError(
            "auth_mode is header, but trusted_proxies is empty, so no X-Remote-User would be "
            "believed and nobody could sign in. Set trusted_proxies to the single-sign-on "
            "proxy's address (KB_TRUSTED_PROXIES=10.0.0.5); loopback is not trusted by default"
        )


def pull_current(settings: Settings) -> None:
    """Copy the snapshot store's current snapshot here, if it is replicated and
    this folder lacks it. A failure leaves the local snapshot (if any) serving."""
    from indexer.manifest_signature import signing_key
    from indexer.sequence_mark import open_mark
    from indexer.snapshot_store import create_snapshot_store, sync

    if settings.snapshot_store == "files":
        return
    try:
        store = create_snapshot_store(settings)
    except KbError as exc:
        logger.error("could not open the snapshot store: %s", exc.message)
        return
    mark = None
    try:
        mark = open_mark(settings)
        moved = sync.pull_locked(
            store, settings.index_path, settings.keep_snapshots, signing_key(settings), mark
        )
        if moved.snapshot:
            logger.info("took snapshot %s from the snapshot store", moved.snapshot)
    except KbError as exc:
        logger.error("could not copy the current snapshot: %s", exc.message)
    finally:
        store.close()
        if mark is not None:
            mark.close()


def start_follower(settings: Settings) -> Any:
    """The `SnapshotFollower` of a replicated node, started; None for `files`."""
    from indexer.manifest_signature import signing_key
    from indexer.sequence_mark import open_mark
    from indexer.snapshot_store import create_snapshot_store
    from indexer.snapshot_store.sync import SnapshotFollower
    from kb.backup.recovery import finish_before_pull

    if settings.snapshot_store == "files":
        return None
    follower = SnapshotFollower(
        lambda: create_snapshot_store(settings),
        settings.index_path,
        settings.keep_snapshots,
        settings.snapshot_poll_seconds,
        signing_key(settings),
        lambda: open_mark(settings),
        lambda: finish_before_pull(settings),  # a restore killed while this server ran
    )
    follower.start()
    logger.info("following the %s snapshot store", settings.snapshot_store)
    return follower


def start_watcher(settings: Settings) -> Any:
    """The content watcher process (setting `serve_watch`), started; None when off."""
    from indexer.watch import start_watch_process

    if not settings.serve_watch:
        return None
    process = start_watch_process(settings, configure_logging)
    logger.info("watching %s for edits (pid %s)", settings.content_path, process.pid)
    return process


def create_demo_users(settings: Settings) -> list[tuple[str, str, list[str]]]:
    """Demo accounts in the store (see `kb.accounts.demo.ensure_demo_users`): an agent for
    each department of the content root and the triage queue, a content owner for
    each department of the content root, and one per other role.
    Returns (username, password, roles) of the accounts whose demo password works."""
    from kb.accounts.demo import DEMO_DEPARTMENTS, ensure_demo_users
    from kb.content.scanner import load_departments
    from kb.store.factory import store_from_settings

    departments: list[str] = list(DEMO_DEPARTMENTS)
    if settings.content_path.is_dir():
        found = load_departments(settings.content_path, settings.triage_department)
        departments = [*sorted(found), settings.triage_department]
    store = store_from_settings(settings)
    try:
        return ensure_demo_users(store, departments, settings.triage_department)
    finally:
        store.close()


def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    log_level: str = "info",
    origin: SettingsOrigin | None = None,
) -> None:
    """Run gunicorn in the foreground until interrupted, holding the index
    folder's in-use lock (`indexer.index_users`) and, with PostgreSQL, the
    database's (`indexer.cluster_users`), so that `kb restore` refuses to run
    under it; each worker follows the webhook settings of `origin`'s
    file (`kb.live_settings`)."""
    from indexer.cluster_users import InCluster
    from indexer.index_users import InUse
    from kb.backup.recovery import recover_at_start

    configure_logging(log_level)
    with InUse(settings.index_path, "kb serve"), InCluster.of(settings, "kb serve"):
        recover_at_start(settings)  # a restore killed half-way: finished or undone first
        settings = prepare(settings)
        options = _gunicorn_options(settings, host, port, workers, threads, log_level)
        follower = start_follower(settings)
        watcher = start_watcher(settings)
        master = os.getpid()
        try:
            KbServer(settings, options, origin).run()
        finally:
            # Each gunicorn worker is a fork of this process and leaves through
            # here as it exits: the watcher and the follower are the master's to
            # stop (a worker asking after the watcher failed, so every worker
            # exited with status 1 and a traceback on each stop).
            if watcher is not None and os.getpid() == master:
                from indexer.watch import stop_watch_process

                stop_watch_process(watcher)
            if follower is not None and os.getpid() == master:
                follower.stop()


def _gunicorn_options(
    settings: Settings, host: str, port: int, workers: int, threads: int, log_level: str
) -> dict[str, Any]:
    """gunicorn's settings for `serve`."""
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": WORKER_TIMEOUT_S,
        "graceful_timeout": GRACEFUL_TIMEOUT_S,
        "keepalive": 5,
        "limit_request_line": MAX_REQUEST_LINE_BYTES,
        "preload_app": False,
        "post_fork": _post_fork,
        "post_worker_init": _post_worker_init,
        "worker_exit": _worker_exit,
        # One line per request on standard output: the connection's address, the
        # client a proxy forwarded, the request, status, size and seconds taken.
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "loglevel": log_level,
        "proc_name": "kb-serve",
        # gunicorn's own reading of X-Forwarded-Proto follows the same proxies as the
        # app's (webapp.proxies); its default would trust loopback.
        "forwarded_allow_ips": settings.trusted_proxies or "0.0.0.0/32",
    }
