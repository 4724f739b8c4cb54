"""The search engine, the store and the request service of one app, opened
when first needed.

Nothing is opened at import or in `create_app` (but the store without a
`secret_key`, `kb.store.site_keys`): the engine loads the model (seconds) and
the store may run migrations, so each is created on first use and then kept.
The engine follows the CURRENT snapshot, so one serves every request.
The store pools its connections and returns them after each call, so there is
nothing to close per request; `close(app)` releases both at shutdown.

Tests may hand in other factories through the app config: `KB_ENGINE_FACTORY`
and `KB_STORE_FACTORY`, callables taking the `Settings`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from flask import Flask, current_app

from kb.errors import KbError, StoreError
from kb.live_settings import LiveSettings, SettingsOrigin
from kb.notify.config import check_webhooks
from kb.records import Article, Department, Problem
from kb.requests.departments import following
from kb.results import Query, SearchResponse
from kb.settings import Settings
from kb.store.protocols import Store
from kb.store.site_keys import with_site_key

if TYPE_CHECKING:
    from kb.authoring.service import AuthoringService
    from kb.requests.service import RequestService
    from kb.search_log import SearchLog
    from webapp.indexing import BuilderFactory, IndexWorker

logger = logging.getLogger(__name__)

EXTENSION = "kb"
# After the store failed to open, searches do not retry for this long, so a
# database that is down costs each search nothing instead of a connect timeout.
STORE_RETRY_SECONDS = 10.0


class Engine(Protocol):
    """What the web app needs from `search.engine.SearchEngine`."""

    def search(self, query: Query) -> SearchResponse: ...

    def suggest(
        self, prefix: str, limit: int, groups: frozenset[str] | None = None
    ) -> list[str]: ...

    def article(self, article_id: str) -> Article | None: ...

    def departments(self) -> Sequence[Department] | Mapping[str, Department]: ...

    def wait_until_warm(self, timeout: float | None = None) -> bool: ...

    def original(self, article: Article) -> Path | None: ...

    def kept_file(self, digest: str) -> Path | None: ...


def _default_engine(
    settings: Settings,
    departments: Callable[[], Mapping[str, Department]] | None = None,
    requests: Callable[[], RequestService] | None = None,
) -> Engine:
    """The engine, routing by reassignments, `departments` and `requests`' catalogue."""
    from search.engine import SearchEngine
    from webapp.search.routing_hints import catalogue_owner, store_routing_hints

    hints, owner = store_routing_hints(settings), catalogue_owner(requests) if requests else None
    return SearchEngine(
        settings, route_hints=hints, route_departments=departments, route_services=owner
    )


def _changed_at(path: Path) -> int:
    """When the file at `path` was last written (link not followed); 0 without one."""
    try:
        return os.lstat(path).st_mtime_ns
    except OSError:
        return 0


def _workflows_file(settings: Settings) -> Path:
    from kb.requests.workflows import workflows_path

    return workflows_path(settings.content_path, settings.workflows_file)


def _default_store(settings: Settings) -> Store:
    from kb.store.factory import store_from_settings

    return store_from_settings(settings)


class Services:
    """Lazily created, process-wide engine and store of one app."""

    def __init__(
        self,
        settings: Settings,
        engine_factory: Callable[[Settings], Engine] | None = None,
        store_factory: Callable[[Settings], Store] | None = None,
        builder_factory: BuilderFactory | None = None,
        origin: SettingsOrigin | None = None,
    ) -> None:
        self.settings = settings
        self._engine_factory = engine_factory or (
            lambda s: _default_engine(s, self.content_departments, lambda: self.requests)
        )
        self._store_factory = store_factory or _default_store
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._store: Store | None = None
        self._store_failed_at: float | None = None
        self._store_error: KbError | None = None
        # No `secret_key` set: the store's key, before anything reads the settings.
        self.settings = settings = with_site_key(settings, lambda: self.store)
        # The notification settings as their file has them now (`kb.live_settings`).
        self.live_settings = LiveSettings(settings, origin, check=check_webhooks)
        self._requests: RequestService | None = None
        self._authoring: AuthoringService | None = None
        self._departments: dict[str, Department] | None = None
        self._departments_unread = False  # logged once
        self._departments_stamp: tuple[int, ...] = ()
        self._workflows_path = _workflows_file(settings)
        self._departments_checked = 0.0
        self.departments_check_seconds = 1.0
        self._builder_factory = builder_factory
        # What `kb validate` says of the value streams and the catalogue, read again
        # with the departments (a department file or the value-stream file changed).
        self._catalogue_problems = following(self.content_departments, self._check_catalogue)
        self.index_worker: IndexWorker | None = None
        self.outbox_stop: threading.Event | None = None
        self._search_log: SearchLog | None = None

    @property
    def engine(self) -> Engine:
        engine = self._engine
        if engine is None:
            with self._lock:
                if self._engine is None:
                    started = time.perf_counter()
                    self._engine = self._engine_factory(self.settings)
                    logger.info("search engine ready in %.1f s", time.perf_counter() - started)
                engine = self._engine
        return engine

    @property
    def store(self) -> Store:
        store = self._store
        if store is not None:
            return store
        with self._lock:
            if self._store is not None:
                return self._store
            failed_at = self._store_failed_at
            if failed_at is not None and time.monotonic() - failed_at < STORE_RETRY_SECONDS:
                assert self._store_error is not None
                raise self._store_error
            try:
                self._store = self._store_factory(self.settings)
            except KbError as exc:
                if not isinstance(exc, StoreError):  # a bad setting: for the log, not the page
                    exc = StoreError(exc.message)
                self._store_failed_at, self._store_error = time.monotonic(), exc
                raise exc from None
            except Exception as exc:
                error = StoreError(f"could not open the store: {exc}")
                self._store_failed_at, self._store_error = time.monotonic(), error
                raise error from exc
            self._store_failed_at = self._store_error = None
            return self._store

    @property
    def search_log(self) -> SearchLog:
        """The queue that writes this process's search events in the background
        (`kb.search_log`): a search never waits for the database to log it."""
        log = self._search_log
        if log is None:
            with self._lock:
                if self._search_log is None:
                    from kb.search_log import SearchLog

                    self._search_log = SearchLog(lambda event: self.store.log_search(event))
                log = self._search_log
        return log

    @property
    def requests(self) -> RequestService:
        """The request service: departments, targets, webhooks and value streams
        from the content root (as for `kb requests`); drafts are written there."""
        service = self._requests
        if service is None:
            store = self.store  # opened outside the lock: it takes the lock itself
            with self._lock:
                if self._requests is None:
                    from kb.requests.service import RequestService

                    self._requests = RequestService.from_settings(
                        self.settings,
                        store,
                        departments=self.content_departments,
                        live_settings=self.live_settings,
                    )
                service = self._requests
        return service

    @property
    def authoring(self) -> AuthoringService:
        """Browser and API edits of the content root's articles (`kb.authoring`);
        each change goes to the index worker unless `index_on_change` is off."""
        service = self._authoring
        if service is None:
            store = self.store
            with self._lock:
                if self._authoring is None:
                    self._authoring = self._make_authoring(store)
                service = self._authoring
        return service

    def _make_authoring(self, store: Store) -> AuthoringService:
        from webapp.app_authoring import app_authoring
        from webapp.indexing import IndexWorker, default_builder, holds_article

        settings, on_change = self.settings, None
        if settings.index_on_change == "worker":
            make = self._builder_factory or default_builder
            self.index_worker = IndexWorker(lambda: make(settings, self.engine))
            on_change = self.index_worker.changed
        return app_authoring(
            settings,
            store,
            on_change=on_change,
            indexed=lambda article_id: holds_article(self.engine, article_id),
        )

    def content_departments(self) -> dict[str, Department]:
        """The departments of the content root's folders and department files, read
        again when they change on disk: the names pages give them, and the
        departments the request service routes to, assigns in and names (its
        source: a department added, renamed or retitled needs no restart). While
        the content root cannot be read, the last ones read ({} before any; logged
        once, read again on the next call)."""
        try:
            return self._read_departments()
        except KbError as exc:
            if not self._departments_unread:
                logger.warning("the departments cannot be read: %s", exc.message)
            self._departments_unread = True
            return self._departments or {}

    def _read_departments(self) -> dict[str, Department]:
        """Read again when `departments_stamp` or the value-stream file's time
        moved on (checked at most every `departments_check_seconds`): a department
        folder added, or its file edited, while the worker runs shows its name
        without a restart; what the request service builds from the departments
        (its catalogue and value streams) is built again with them."""
        from kb.content.files import departments_stamp

        settings = self.settings
        found, now = self._departments, time.monotonic()
        if found is not None and now - self._departments_checked < self.departments_check_seconds:
            return found
        stamp = (*departments_stamp(settings.content_path), _changed_at(self._workflows_path))
        if found is None or stamp != self._departments_stamp:
            from kb.content.scanner import load_departments

            found = load_departments(settings.content_path, settings.triage_department)
            self._departments, self._departments_stamp = found, stamp
        self._departments_checked = now
        return found

    def catalogue_problems(self) -> list[Problem]:
        """The problems of the value-stream file and the service catalogue as `kb
        validate` reports them (file, line, what is wrong), for the admins' pages."""
        return self._catalogue_problems()

    def _check_catalogue(self, found: Mapping[str, Department]) -> list[Problem]:
        from kb.catalogue.loading import check_catalogue

        s = self.settings
        return check_catalogue(s.content_path, found, s.workflows_file, s.triage_department)

    def departments_by_slug(self) -> dict[str, Department]:
        found = self.engine.departments()
        return dict(found) if isinstance(found, Mapping) else {d.slug: d for d in found}

    def close(self) -> None:
        worker, self.index_worker = self.index_worker, None
        if worker is not None:
            worker.stop()
        search_log, self._search_log = self._search_log, None
        if search_log is not None:
            search_log.close()  # before the store: what is queued is written first
        with self._lock:
            store, self._store = self._store, None
            engine, self._engine = self._engine, None
            requests, self._requests = self._requests, None
        for resource in (requests, store, engine):
            closer = getattr(resource, "close", None)
            if closer is not None:
                try:
                    closer()
                except Exception:
                    logger.exception("closing %r failed", resource)


def services(app: Flask | None = None) -> Services:
    """The services of `app` (default: the current app)."""
    target = app if app is not None else current_app
    services: Services = target.extensions[EXTENSION]
    return services


def engine() -> Engine:
    return services().engine


def store() -> Store:
    return services().store


def request_service(app: Flask | None = None) -> RequestService:
    """The app's request service (created on first use)."""
    return services(app).requests


def authoring() -> AuthoringService:
    """The app's authoring service (created on first use)."""
    return services().authoring


def content_root() -> Path:
    """The content root of the settings, to read articles from."""
    return services().settings.content_path


def writable_content_root() -> Path:
    """Where drafted articles are written: the content root, unless this server
    keeps a read-only copy of it (setting `write_content` off)."""
    from kb.authoring.errors import ContentReadOnlyError

    settings = services().settings
    if not settings.write_content:
        raise ContentReadOnlyError(settings.authoring_url)
    return settings.content_path


def departments() -> dict[str, Department]:
    """The index's departments by slug."""
    return services().departments_by_slug()


WARM_TIMEOUT_S = 60


def warm_up(app: Flask) -> None:
    """Load the model and open the store now, so that the first request is fast."""
    svc = services(app)
    started = time.perf_counter()
    try:
        svc.engine.search(Query(text="warm up", k=1))
        if not svc.engine.wait_until_warm(WARM_TIMEOUT_S):
            logger.warning("frequent terms still being scored after %d s; serving", WARM_TIMEOUT_S)
    except KbError as exc:
        # No index yet: the pages say so; the engine is still loaded.
        logger.warning("warm-up search failed: %s", exc.message)
    try:
        svc.store  # noqa: B018 - opening it is the point
    except KbError as exc:
        logger.warning("the store is not available: %s", exc.message)
    logger.info("warmed up in %.1f s", time.perf_counter() - started)


def init_app(app: Flask, settings: Settings, origin: SettingsOrigin | None = None) -> None:
    app.extensions[EXTENSION] = Services(
        settings,
        engine_factory=app.config.get("KB_ENGINE_FACTORY"),
        store_factory=app.config.get("KB_STORE_FACTORY"),
        builder_factory=app.config.get("KB_BUILDER_FACTORY"),
        origin=origin,
    )
