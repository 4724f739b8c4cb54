"""The request service as the settings and the content root configure it.

Departments come from the content folder, the value streams from
`_workflows.yml` (or the setting `workflows_file`), the service catalogue
from the department files; working hours, notifications, attachments and the
reopen window from the settings. The CLI and the web app build their service
here (`RequestService.from_settings`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from kb.attachments.factory import blob_store
from kb.attachments.intake import AttachmentLimits, Intake
from kb.catalogue.loading import load_catalogue, log_problems
from kb.catalogue.types import Catalogue
from kb.errors import ConfigError
from kb.extract.base import Limits
from kb.extract.reader import DocumentReader
from kb.notify.config import NotifyConfig
from kb.notify.mail_limit import MailLimit
from kb.notify.notifier import Notifier
from kb.records import Department
from kb.requests.departments import DepartmentSource, following, paired, source_of
from kb.requests.sla import WorkingCalendar
from kb.requests.workflows import WorkflowCatalog, load_workflows, workflows_path
from kb.settings import Settings
from kb.store.protocols import Store
from kb.validators import utc_now

if TYPE_CHECKING:
    from kb.requests.parts import RequestParts

logger = logging.getLogger(__name__)
Service = TypeVar("Service", bound="RequestParts")


def _intake(settings: Settings) -> Intake:
    limits = Limits(
        max_bytes=settings.attachment_max_bytes,
        seconds=settings.extract_seconds,
        memory_mb=settings.extract_memory_mb,
    )
    return Intake(
        AttachmentLimits(settings.attachment_max_bytes, settings.attachment_max_count),
        DocumentReader(limits),  # its worker process starts with the first document
        budget_seconds=settings.extract_seconds,
    )


def _value_streams(
    settings: Settings,
) -> Callable[[Mapping[str, Department]], WorkflowCatalog]:
    """Reads the value-stream file for the departments given, each time they are
    read again (the web app's departments are read again when a department file
    or the value-stream file changed on disk). A file that does not load is an
    error when nothing was read yet; later it is logged and the last good value
    streams stay in use, so an edit with a mistake stops no request."""
    last: list[WorkflowCatalog] = []

    def read(found: Mapping[str, Department]) -> WorkflowCatalog:
        path = workflows_path(settings.content_path, settings.workflows_file)
        try:
            if settings.workflows_file or path.is_file():
                workflows = load_workflows(path, [*found, settings.triage_department])
            else:
                workflows = WorkflowCatalog()
        except ConfigError as exc:
            if not last:
                raise
            logger.warning(
                "the value streams were not read again, the last good ones stay in use: %s",
                exc.message,
            )
            return last[0]
        last[:] = [workflows]
        return workflows

    return read


def configured_service(
    cls: type[Service],
    settings: Settings,
    store: Store,
    *,
    departments: Mapping[str, Department] | DepartmentSource | None = None,
    live_settings: Callable[[], Settings] | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Service:
    """A `cls` built from the settings and the content root. Given a source of
    departments, routing, due dates, department names and queue addresses follow
    it, and so do the value streams and the catalogue, read again with them.
    Given `live_settings`, the notification targets follow its webhook settings
    too (`kb.live_settings`)."""
    if departments is None:
        from kb.content.scanner import load_departments

        departments = load_departments(settings.content_path, settings.triage_department)
    source = source_of(departments)
    workflows = following(source, _value_streams(settings))
    workflows()  # now: a value-stream file that does not load stops the start

    def catalogue_of(found: Mapping[str, Department]) -> Catalogue:
        streams = workflows().workflows.values()
        catalogue, problems = load_catalogue(settings.content_path, found, streams)
        log_problems(problems)
        return catalogue

    # Read again when the departments are: their files hold the request types.
    catalogue = following(source, catalogue_of)
    catalogue()  # now: its problems are logged when the service starts
    targets = paired(source, live_settings or (lambda: settings))
    notifier = Notifier(
        following(targets, lambda now: NotifyConfig.from_settings(now[1], now[0])),
        department_names=following(source, lambda found: {s: d.name for s, d in found.items()}),
        translated_names=following(
            source, lambda found: {s: d.display_names for s, d in found.items()}
        ),
        triage=settings.triage_department,
        clock=clock,
    )
    return cls(
        store,
        departments=source,
        workflows=workflows,
        catalogue=catalogue,
        calendar=WorkingCalendar.from_settings(settings),
        triage_department=settings.triage_department,
        route_threshold=settings.route_threshold,
        notifier=notifier,
        clock=clock,
        intake=_intake(settings),
        blobs=blob_store(settings, store),
        reopen_days=settings.reopen_days,
        mail_limit=MailLimit.from_setting(settings.notify_limit, store),
    )
