"""`RequestParts`: the parts of the request service, wired once, and the
organisation they serve (departments, value streams, service catalogue).

`RequestService` (`kb.requests.service`) is these parts plus the actions that
views and the CLI call. Building the parts is its own concern: which `Ledger`
every part shares, which `Notifier` it announces through, which intake and
blob store attachments use; the actions only delegate to them. Callers reach
a part by its attribute (`service.holders`, `service.files`, `service.ledger`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Self

from kb.attachments.blobs import BlobStore, DatabaseBlobs
from kb.attachments.intake import AttachmentLimits, Intake
from kb.catalogue.loading import catalogue_source
from kb.catalogue.types import Catalogue, RequestType
from kb.notify.config import NotifyConfig
from kb.notify.mail_limit import MailLimit
from kb.notify.notifier import Notifier, request_language
from kb.records import Department
from kb.requests.articles import ArticleWork
from kb.requests.attaching import AttachmentWork
from kb.requests.bulk import BulkWork
from kb.requests.canned import CannedReplies
from kb.requests.departments import Departments, DepartmentSource, DueDates
from kb.requests.ledger import Ledger
from kb.requests.merging import MergeWork
from kb.requests.rating import RatingWork
from kb.requests.reading import RequestReader
from kb.requests.request_languages import RequestLanguages, told_reading
from kb.requests.sla import WorkingCalendar
from kb.requests.submission import Submissions
from kb.requests.task_holders import TaskHolders
from kb.requests.task_work import TaskWork
from kb.requests.watchers import WatcherWork
from kb.requests.workflows import Workflow, WorkflowCatalog, workflows_source
from kb.requests.working import RequestWork
from kb.settings import Settings
from kb.store.protocols import Store
from kb.validators import utc_now


class RequestParts:
    """The request service's parts, sharing one `Ledger` and one `Departments`."""

    def __init__(
        self,
        store: Store,
        *,
        departments: Mapping[str, Department] | DepartmentSource,
        workflows: WorkflowCatalog | Callable[[], WorkflowCatalog] | None = None,
        catalogue: Catalogue | Callable[[], Catalogue] | None = None,
        calendar: WorkingCalendar | None = None,
        triage_department: str = "triage",
        route_threshold: float = 0.35,
        notifier: Notifier | None = None,
        language_of: Callable[[str], str] = request_language,
        clock: Callable[[], datetime] = utc_now,
        intake: Intake | None = None,
        blobs: BlobStore | None = None,
        reopen_days: int = 14,
        mail_limit: MailLimit | None = None,
    ) -> None:
        self.store, self.clock = store, clock
        self.language_of = told = told_reading(language_of)
        self.current_workflows = streams = workflows_source(workflows)
        self.current_catalogue = catalogue_source(catalogue, self.current_workflows)
        self.directory = Departments(
            departments,
            triage=triage_department,
            calendar=calendar,
            route_threshold=route_threshold,
        )
        self.notifier = notifier or Notifier(
            NotifyConfig(),
            department_names=self.directory.names,
            translated_names=self.directory.display_names,
            triage=triage_department,
            language_of=told,
            clock=clock,
        )
        languages, accounts = store.account_languages, store.get_user
        self.ledger = Ledger(
            store, self.notifier, clock, reopen_days, languages, mail_limit, accounts
        )
        self.languages = RequestLanguages(told, store.get_user, self.notifier)
        self.tasks = TaskWork(self.ledger, self.directory)
        self.holders = TaskHolders(self.tasks, store)  # taking, releasing, handing over
        self.reader = RequestReader(self.ledger, self.directory)
        self.work = RequestWork(self.ledger, self.directory, self.tasks, store)
        self.articles = ArticleWork(
            self.ledger, self.directory, self.languages, streams, store.list_users
        )
        kept = intake or Intake(AttachmentLimits()), blobs or DatabaseBlobs(store)
        self.files = AttachmentWork(self.ledger, self.work, *kept, store)
        self.ratings = RatingWork(self.ledger)
        self.watching = WatcherWork(self.ledger, store)
        self.merging = MergeWork(self.ledger, self.tasks)
        self.bulk_work = BulkWork(self.work)
        forms = self.current_catalogue
        self.canned = CannedReplies(self.ledger, forms, self.directory, self.languages)
        self.submissions = Submissions(
            self.ledger, self.directory, self.current_workflows, self.tasks, self.languages, forms
        )

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        store: Store,
        *,
        departments: Mapping[str, Department] | DepartmentSource | None = None,
        live_settings: Callable[[], Settings] | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> Self:
        """The service as configured (`kb.requests.configured`): departments, value
        streams and the catalogue from the content root, attachments and
        notifications from the settings. `departments` may be a source asked
        again at each use (the web app's follows the content root), and so may
        `live_settings`, whose webhook settings the notifications follow
        (`kb.live_settings`)."""
        from kb.requests.configured import configured_service

        return configured_service(
            cls, settings, store, departments=departments, live_settings=live_settings, clock=clock
        )

    def close(self) -> None:
        """Stop the text reader's worker process, if one was started."""
        closer = getattr(self.files.intake.reader, "close", None)
        if closer is not None:
            closer()

    # -- the organisation ----------------------------------------------------------
    @property
    def catalogue(self) -> Catalogue:
        """The service catalogue as it is now."""
        return self.current_catalogue()

    @property
    def workflows(self) -> WorkflowCatalog:
        """The value streams as they are now."""
        return self.current_workflows()

    @property
    def departments(self) -> dict[str, Department]:
        return self.directory.by_slug

    @property
    def triage(self) -> str:
        return self.directory.triage

    @property
    def calendar(self) -> WorkingCalendar:
        return self.directory.calendar

    def department(self, slug: str) -> Department:
        """A known department, or the triage queue (default targets)."""
        return self.directory.get(slug)

    def due_dates(self, slug: str, start: datetime) -> DueDates:
        return self.directory.due_dates(slug, start)

    def route(self, department: str | None, suggested: str | None, confidence: float | None) -> str:
        """The queue a new request goes to (see `Departments.route`)."""
        return self.directory.route(department, suggested, confidence)

    def match_workflow(self, text: str) -> Workflow | None:
        """The value stream to offer for a question, or None."""
        return self.workflows.match(text)

    def match_request_type(self, text: str) -> RequestType | None:
        """The catalogue entry to offer for a question (value streams included), or None."""
        return self.catalogue.match(text)
