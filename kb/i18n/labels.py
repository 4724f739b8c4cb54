"""One label per member of every enum people see, in every language.

The label of a member is the text of the key `<kind>_<value>` (`status_new`,
`priority_high`) in `labels.po`; the web pages and the e-mails both get it
from `label` here, so a status reads the same on the request page and in the
mail about it. A test requires a label for every member of every enum in
`LABELLED` in every language, naming what to add where; so adding a status is
its enum member plus one line per language in `labels.po`.
"""

from __future__ import annotations

from enum import Enum

from kb.accounts.grant_history import GrantChangeKind
from kb.accounts.records import Role
from kb.authoring.records import Action
from kb.i18n.catalog import Catalog, domain_catalog
from kb.insights.records import TopicStatus
from kb.records import Status
from kb.requests.lifecycle import Priority, RequestStatus, TaskStatus

# Enum → the kind its labels' keys start with.
LABELLED: dict[type[Enum], str] = {
    RequestStatus: "status",
    TaskStatus: "task",
    Priority: "priority",
    Status: "article",
    TopicStatus: "gap_status",
    Action: "action",
    Role: "role",
    GrantChangeKind: "grant_change",
}
# Enums that read differently to the people who work them: the agents' words
# (`agent_status_waiting_for_requester`: "Waiting for the requester", where the
# requester reads "Waiting for you").
AGENT_LABELLED: dict[type[Enum], str] = {RequestStatus: "agent_status"}
# Enums whose members also name groups of people in a sentence, where a label
# does not fit ("which only agents may open", not "only Agent"): an article's
# audience names its roles so (`audience_role_agent`).
GROUP_LABELLED: dict[type[Enum], str] = {Role: "audience_role"}
_TABLES = (LABELLED, AGENT_LABELLED, GROUP_LABELLED)
_BY_KIND = {kind: enum for table in _TABLES for enum, kind in table.items()}


def label_key(member: Enum, kind: str | None = None) -> str:
    return f"{kind or LABELLED[type(member)]}_{member.value}"


def label(member: Enum, lang: str, catalog: Catalog | None = None) -> str:
    """The label of `member` in `lang`."""
    return (catalog or domain_catalog()).translate(lang, label_key(member))


def label_of(kind: str, value: str, lang: str, catalog: Catalog | None = None) -> str:
    """The label of the member of enum `kind` with `value` (as stored in records);
    the value itself when it names no member."""
    try:
        member = _BY_KIND[kind](value)
    except (KeyError, ValueError):
        return value
    return (catalog or domain_catalog()).translate(lang, label_key(member, kind))


def missing_labels(catalog: Catalog) -> list[str]:
    """'<Enum>.<MEMBER> in <lang>: add msgid "<key>"' for every label not there."""
    return [
        f'{enum.__name__}.{member.name} in {lang}: add msgid "{label_key(member, kind)}" to '
        f"kb/i18n/locales/{lang}/labels.po"
        for lang in catalog.languages
        for table in _TABLES
        for enum, kind in table.items()
        for member in enum
        if not catalog.has(lang, label_key(member, kind))
    ]
