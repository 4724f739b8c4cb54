"""Handing browser edits to the incremental indexer, so they are searchable in seconds.

When a content owner saves, publishes or retires an article in the browser,
`AuthoringService` calls `IndexWorker.changed`. The worker is one background
thread per web process (started on the first change): it waits a moment for
more changes, then runs one incremental `IndexBuilder` pass, which publishes
a new snapshot that every worker of the node switches to on its next search.
Changes that arrive during a pass are coalesced into the next one; a pass
that finds the index folder locked by another (a second web process, `kb
index`) is tried again shortly, keeping its changes. The
builder uses the search engine's own embedding models, the search model and
the second model, where both are loaded alike (`shared_models`), so the web
process holds one copy of each; their calls take one lock per model, so an
index pass and the searches never enter a model at once.

`kb serve` starts the worker in each web process as it boots
(`webapp.server.start_index_worker`), after the search engine has loaded its
models: the thread builds the incremental indexer and loads what it does not
share (with the default settings nothing; the second model's passage side
where `secondary_precision` is "int8-queries") in the
background while the process already answers. Before, the first browser publish after a start waited about 20 s for
that load; later ones took 1-4 s.

Measured on the sample content (docs/benchmarks.md, "Publishing"): from the
browser's Publish to the article being found by search, p95 well within the
3 s target. The setting `index_on_change` = off leaves indexing to `kb index`
(or `kb index --watch`), for deployments that run the indexer elsewhere.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from kb.errors import IndexLockedError, IndexNotFoundError, KbError
from kb.settings import Settings

logger = logging.getLogger(__name__)

QUIET_SECONDS = 0.05
# How long to wait before trying again while another pass holds the index folder.
LOCKED_RETRY_SECONDS = 0.5


class Builder(Protocol):
    def run(self, full: bool = False, wait_lock: bool = False) -> Any: ...

    def load_models(self) -> None: ...


BuilderFactory = Callable[[Settings, Any], Builder]


def default_builder(settings: Settings, engine: Any) -> Builder:
    """An incremental `IndexBuilder` that shares `engine`'s models where they
    are the ones `settings` name (`shared_models`)."""
    from indexer.build import IndexBuilder

    first, second = shared_models(settings, engine)
    return IndexBuilder(settings, embedder=first, secondary_embedder=second)


def shared_models(settings: Settings, engine: Any) -> tuple[Any, Any]:
    """The search model and the second model that `engine` has loaded, each
    where an indexer with `settings` would load the same itself, else None
    (the indexer loads its own). The search model is shared when it is the
    one `embedding_model` names; the second model when both sides load it
    alike (`indexer.secondary.side_loading`: model, device, batch size and
    arithmetic; "int8-queries" keeps two). The engine's models are
    `SerialEmbedder`s, so the indexer's calls take the same locks as the
    searches' (`indexer.embedding.serial`)."""
    from indexer.embedding.factory import model_name
    from indexer.secondary import secondary_model, side_loading

    primary = model_name(settings.embedding_model)
    first = getattr(engine, "embedder", None)
    if first is not None and getattr(first, "name", None) != primary:
        first = None
    second = None
    ensemble = getattr(engine, "ensemble", None)
    wanted = secondary_model(settings, primary)
    if (
        wanted is not None
        and ensemble is not None
        and side_loading(ensemble.settings, True) == side_loading(settings, False)
        and ensemble.embedder.name == wanted
    ):
        second = ensemble.embedder
    return first, second


class IndexWorker:
    """One background thread running incremental index passes after changes."""

    def __init__(self, make_builder: Callable[[], Builder]) -> None:
        self._make_builder = make_builder
        self._builder: Builder | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Condition()
        self._pending: set[str] = set()
        self._running = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.passes = 0
        self.last_error = ""

    def start(self) -> None:
        """Start the thread now: it loads the indexer's models before any change
        arrives, so the first pass is as quick as the later ones."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="kb-index-worker", daemon=True
                )
                self._thread.start()

    def changed(self, article_id: str) -> None:
        """Note a changed article; a pass follows within moments."""
        with self._idle:
            self._pending.add(article_id)
        self.start()
        self._wake.set()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every noted change has been through a pass (tests, benchmarks)."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending or self._wake.is_set() or self._running:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=30)

    def _prepare(self) -> None:
        """Build the indexer and load its models; a failure is logged and met
        again by the first pass, which says so where it is seen."""
        try:
            started = time.perf_counter()
            self._builder = self._make_builder()
            self._builder.load_models()
            logger.info("index worker: ready in %.1f s", time.perf_counter() - started)
        except Exception as exc:  # the thread must survive to index the next change
            logger.warning("index worker: could not load the models yet: %s", exc)

    def _loop(self) -> None:
        if self._builder is None:
            self._prepare()
        while not self._stop.is_set():
            if not self._wake.wait(timeout=1.0):
                continue
            time.sleep(QUIET_SECONDS)  # let a burst of saves become one pass
            self._wake.clear()
            with self._idle:
                batch, self._pending = self._pending, set()
                self._running = True
            try:
                if self._builder is None:
                    self._builder = self._make_builder()
                report = self._builder.run(wait_lock=True)
                self.passes += 1
                self.last_error = ""
                logger.info(
                    "index worker: %d changed article(s) → %s",
                    len(batch),
                    getattr(report, "snapshot", None),
                )
            except IndexLockedError as exc:
                # Another pass holds the folder (a second web process, `kb index`):
                # it may have read the folder before this change, so run again after it.
                logger.info("index worker: the index is busy, trying again: %s", exc.message)
                with self._idle:
                    self._pending |= batch
                self._wake.set()
                self._stop.wait(LOCKED_RETRY_SECONDS)
            except KbError as exc:
                self.last_error = exc.message
                logger.error("index worker: the index was not updated: %s", exc.message)
            except Exception as exc:  # the thread must survive to index the next change
                self.last_error = str(exc)
                logger.exception("index worker: the index was not updated")
            with self._idle:
                self._running = False
                self._idle.notify_all()


def holds_article(engine: Any, article_id: str) -> bool:
    """Whether the published index holds `article_id` now, for any audience (none
    published yet: no); the search engine's current snapshot answers."""
    try:
        return engine.article(article_id) is not None
    except IndexNotFoundError:
        return False
