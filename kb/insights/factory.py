"""The insights parts as configured: the one place settings become objects."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from kb.authoring.moving import article_moves
from kb.authoring.store import version_store
from kb.insights.demo import DemoResult
from kb.insights.records import RollupRecount, RollupRefresh
from kb.insights.result_articles import vector_key as with_results_key
from kb.insights.scheduler import InsightsScheduler
from kb.insights.service import InsightsService
from kb.insights.store import insights_store
from kb.insights.subjects import vector_key
from kb.insights.topics import TopicBuilder, TopicUpdate
from kb.insights.vectors import create_question_embedder, headings_by_language, insights_model
from kb.insights.verify import Verification
from kb.results import Query, SearchResponse
from kb.settings import Settings

# The index folder's folder where its processes share what insights find once
# per snapshot (`kb.insights.near_duplicates`).
SHARED_DIR = "insights"


def insights_service(settings: Settings, store: object) -> InsightsService:
    """The service of `store`; the processes using one index folder share the
    near-duplicates they find in its `insights/` folder; content health reads
    the articles renamed in the browser from the versions of `store`."""
    return InsightsService(
        insights_store(store),
        review_due_days=settings.review_due_days,
        min_people=settings.insights_min_people,
        shared=settings.index_path / SHARED_DIR,
        moves=lambda: article_moves(version_store(store)),
    )


def topic_builder(
    settings: Settings, store: object, loaded: Callable[[], object] | None = None
) -> TopicBuilder:
    """Topics of `store`, with the configured model (loaded only when a new
    question needs a vector; `loaded` gives a model the process holds, used
    when it is that one: `create_question_embedder`) and the knowledge base's
    headings as prior; each new question is compared by the articles its
    newest search showed as well (`kb.insights.result_articles`)."""

    def prior_texts() -> Mapping[str, Sequence[str]]:
        from kb.content.scanner import scan_content

        if not settings.content_path.is_dir():
            return {}
        return headings_by_language(scan_content(settings.content_path).articles.values())

    topics_store = insights_store(store)
    return TopicBuilder(
        topics_store,
        lambda: create_question_embedder(settings, loaded() if loaded else None),
        with_results_key(vector_key(insights_model(settings))),
        prior_texts,
        min_people=settings.insights_min_people,
        results=topics_store.question_results,
    )


def refresh(
    settings: Settings,
    store: object,
    *,
    topics: bool = True,
    progress: Callable[[str], None] = lambda _step: None,
    loaded: Callable[[], object] | None = None,
) -> tuple[RollupRefresh, TopicUpdate | None]:
    """Bring the rollups up to date, then (unless told not to) the gap topics
    from the last `insights_gap_days` days, telling `progress` each step.
    Returns (what the rollups did, topic update)."""
    rollups = insights_store(store)
    progress("rolling up the daily figures")
    days = rollups.refresh()
    complete_from, kept = rollups.kept_days()
    done = RollupRefresh(tuple(days), complete_from, tuple(kept))
    if not topics:
        return done, None
    today = datetime.now(UTC).date()
    since = today - timedelta(days=settings.insights_gap_days)
    questions = rollups.questions(since, today + timedelta(days=1))
    progress(f"grouping {len(questions)} failed questions into topics")
    return done, topic_builder(settings, store, loaded).update(questions)


def recount(
    store: object,
    since: date | None = None,
    progress: Callable[[int, int, date], None] | None = None,
) -> RollupRecount:
    """Count again the days rolled up under an older deflection rule (from
    `since` on), telling `progress` (done, of, day) after each."""
    return insights_store(store).recount(since, progress)


def purge(settings: Settings, store: object, now: datetime | None = None) -> dict[str, int]:
    """Delete events older than `event_retention_days`."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=settings.event_retention_days)
    return insights_store(store).purge_events(cutoff)


def daily(settings: Settings, store: object, loaded: Callable[[], object] | None = None) -> None:
    """The daily job: gap topics brought up to date (with the model `loaded`
    gives where it is the configured one), old events purged."""
    refresh(settings, store, loaded=loaded)
    purge(settings, store)


def verify(settings: Settings, store: object, engine: object) -> Verification:
    """Re-run open gaps against the snapshot `engine` (a `SearchEngine`) searches."""
    from kb.insights.verify import verify_topics

    rollups = insights_store(store)
    rollups.refresh()
    name = engine.prepared().snapshot.name  # type: ignore[attr-defined]
    return verify_topics(rollups, engine.search, name, gap_days=settings.insights_gap_days)  # type: ignore[attr-defined]


def scheduler(
    settings: Settings,
    store: object,
    engine: object,
    live: Callable[[], Settings] | None = None,
) -> InsightsScheduler:
    """The periodic jobs of a web worker (`kb.insights.scheduler`); the weekly
    digest is addressed by the notification settings of `live` as they are then
    (`kb.live_settings`)."""
    now = live or (lambda: settings)
    return InsightsScheduler(
        insights_store(store),
        engine.search,  # type: ignore[attr-defined]
        lambda: engine.prepared().snapshot.name,  # type: ignore[attr-defined]
        # The engine's search model, where it is the insights model too: one copy.
        lambda: daily(settings, store, lambda: getattr(engine, "embedder", None)),
        weekly=lambda: send_digest(now(), store),
        gap_days=settings.insights_gap_days,
    )


def demo_traffic(
    settings: Settings, store: object, search: Callable[[Query], SearchResponse], days: int
) -> DemoResult:
    """Generate `days` of demo traffic with `search` (the real engine's) and the
    real request service; e-mail and department webhooks are off meanwhile."""
    from kb.content.scanner import scan_content
    from kb.insights.demo import DemoTraffic
    from kb.requests.service import RequestService

    quiet = settings.replace(smtp_host="", mail_domain="", triage_email="", webhooks="")
    departments = scan_content(settings.content_path).departments

    def requests(clock: Callable[[], datetime]) -> RequestService:
        return RequestService.from_settings(quiet, store, departments=departments, clock=clock)  # type: ignore[arg-type]

    return DemoTraffic(store, search, requests).run(days)  # type: ignore[arg-type]


def _owners_reading(department: str) -> tuple[frozenset[str], frozenset[str]]:
    """What every content owner of `department` may read, whatever their other
    groups (the groups of the role, as the web app gives them, and the
    department's own articles): the digest they all get judges links by it."""
    from kb.accounts.records import Role

    slug = department.lower()
    role = Role.CONTENT_OWNER.value
    return frozenset({Role.EMPLOYEE.value, role, slug, f"{role}:{slug}"}), frozenset({department})


def send_digest(settings: Settings, store: object, now: datetime | None = None) -> int:
    """Queue the weekly digest of every department (`kb.insights.digest`);
    returns the number of messages queued."""
    from kb.accounts.records import Role
    from kb.content.scanner import scan_content
    from kb.insights.content import department_findings
    from kb.insights.digest import DepartmentDigest, digest_messages
    from kb.insights.records import TopicStatus
    from kb.notify.config import NotifyConfig

    now = now or datetime.now(UTC)
    scan = scan_content(settings.content_path)
    service = insights_service(settings, store)
    service.store.refresh()
    today = now.astimezone(UTC).date()
    week = service.period((today - timedelta(days=6)).isoformat(), today.isoformat())
    targets = {slug: d.targets for slug, d in scan.departments.items()}
    owners: dict[str, list[str]] = {}
    languages: dict[str, str] = {}
    for user in store.list_users():  # type: ignore[attr-defined]
        languages[user.username] = user.language
        for grant in user.grants:
            if grant.role is Role.CONTENT_OWNER and grant.department:
                owners.setdefault(grant.department, []).append(user.username)
    digests = []
    for slug, department in sorted(scan.departments.items()):
        requests = service.requests(week, slug, targets)
        digests.append(
            DepartmentDigest(
                department=slug,
                name=department.name,
                gaps=[
                    v for v in service.gaps(week, slug) if v.topic.status is not TopicStatus.CLOSED
                ],
                findings=department_findings(
                    service.content(week, slug, scan, *_owners_reading(slug)), scan.articles, slug
                ),
                requests=next((r for r in requests if r.department == slug), None),
                display_names=department.display_names,
                period=week,
            )
        )
    config = NotifyConfig.from_settings(settings, scan.departments)
    messages = digest_messages(digests, owners, config, now, languages=languages)
    for message in messages:
        store.enqueue(message)  # type: ignore[attr-defined]
    return len(messages)
