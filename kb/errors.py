"""The error hierarchy of spoc-kb.

Every error carries a message that says what was wrong, where, and what to do.
`status` and `code` let the web layer answer with one JSON error shape; the CLI
turns any `KbError` into a clean message and a non-zero exit.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


class KbError(Exception):
    """Base class: a problem the user can understand and act on."""

    status: int = 500
    code: str = "internal_error"
    # The text people read when the error is raised without a key of its own.
    default_key: str = ""

    def __init__(
        self,
        message: str,
        *,
        details: dict[str, Any] | None = None,
        key: str = "",
        values: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}
        # The message as people read it: `error_<key>` of the domain's catalogue
        # (kb/i18n/locales/<lang>/errors.po) with `values` filled in.
        self.key = key or self.default_key
        self.values: dict[str, Any] = values or {}

    def message_in(self, lang: str, **shown: Any) -> str:
        """The message in the reader's language (`en`, `de`) where the error has a
        text in the catalogue; the message otherwise. `shown` replaces values by
        what the reader knows them as (`field`: the form's label, `department`:
        its name); `field` defaults to the name in `details`."""
        if not self.key:
            return self.message
        from kb.i18n.catalog import domain_catalog, numbers_as_written

        texts = domain_catalog()
        if not texts.has(lang, f"error_{self.key}") and not texts.has("en", f"error_{self.key}"):
            return self.message
        values = {"field": self.details.get("field", ""), **self.values, **shown}
        # A list (of departments, say) reads as "a, b"; a count `n` picks the
        # singular or plural text (`Catalog.plural`).
        values = {
            k: ", ".join(map(str, v)) if isinstance(v, list | tuple) else v
            for k, v in values.items()
        }
        values = numbers_as_written(lang, values)  # "1,048,576" is "1.048.576" in German
        part = values.get("what_key")
        if part and texts.has("en", f"error_{part}"):  # the part of a form it is about
            values["what"] = texts.translate(lang, f"error_{part}", **values)
        try:
            if isinstance(values.get("n"), int):
                return texts.plural(lang, f"error_{self.key}", values.pop("n"), **values)
            return texts.translate(lang, f"error_{self.key}", **values)
        except (KeyError, IndexError):
            logger.error("error_%s names a value the error does not carry: %s", self.key, values)
            return self.message

    def details_in(self, lang: str) -> dict[str, Any]:
        """The details, with any texts in them in the reader's language."""
        return self.details


class ConfigError(KbError):
    """A setting is missing, malformed or points at something that is not there."""

    code = "config_error"


class ContentError(KbError):
    """An article or department file cannot be used (bad front matter, encoding…)."""

    status = 422
    code = "content_error"

    def __init__(
        self,
        message: str,
        *,
        path: str,
        line: int | None = None,
        hint: str = "",
        kind: str = "invalid",
        text_key: str = "",
        text_values: dict[str, str] | None = None,
        key: str = "",
        values: dict[str, Any] | None = None,
    ) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(
            f"{where}: {message}", details={"path": path, "line": line}, key=key, values=values
        )
        self.path = path
        self.line = line
        self.hint = hint
        self.kind = kind
        self.reason = message
        # The reason's and hint's key and values in the domain's catalogue
        # (`kb.content.problem_texts`); "" where they are English only.
        self.text_key = text_key
        self.text_values: dict[str, str] = text_values or {}


class IndexNotFoundError(KbError):
    """No published index snapshot exists yet.

    People read a general text (`error_index_not_ready`): the message names the
    index folder, which is for the operator's log and the CLI."""

    status = 503
    code = "index_not_ready"
    default_key = "index_not_ready"


class IndexLockedError(KbError):
    """Another `kb index` run holds the index lock."""

    status = 409
    code = "index_locked"


class ModelMismatchError(KbError):
    """The configured embedding model differs from the one that built the index."""

    code = "model_mismatch"


class ValidationError(KbError):
    """Input from a caller (API, form, CLI) is malformed or out of bounds."""

    status = 400
    code = "invalid_request"


class NotFoundError(KbError):
    """The thing asked for does not exist."""

    status = 404
    code = "not_found"


class ConflictError(KbError):
    """The request conflicts with the current state (e.g. a refused transition)."""

    status = 409
    code = "conflict"


class PermissionDenied(KbError):
    """The caller is signed in but may not do this."""

    status = 403
    code = "forbidden"


class AuthenticationRequired(KbError):
    """The caller must sign in first."""

    status = 401
    code = "unauthenticated"


class StoreError(KbError):
    """The database could not complete an operation.

    People read a general text (`error_store_error`, `error_store_unavailable`):
    the message names the database, its host and its own words, which are for
    the operator's log and the CLI."""

    code = "store_error"
    default_key = "store_error"


class StoreUnavailableError(StoreError):
    """The database cannot be reached right now (down, restarting, unreachable).

    Answered with 503 and `Retry-After`: nothing was written, and the same call
    may simply be repeated once the database is back."""

    status = 503
    code = "store_unavailable"
    default_key = "store_unavailable"
    retry_after = 10


class SnapshotStoreError(KbError):
    """The snapshot store (database or object store) failed, or a snapshot copied
    from it did not verify. Nodes keep serving the snapshot they have."""

    status = 503
    code = "snapshot_store_error"
