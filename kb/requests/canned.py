"""The canned replies an agent may start a reply from, filled in for one request.

A request's department's replies (and, for agents of one of its tasks, their
own department's) come from the catalogue (`kb.catalogue.replies`), in the
language of the request, with `{requester}`, `{id}`, `{title}`,
`{department}`, `{agent}` and the request's form fields filled in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kb.accounts.records import User
from kb.catalogue.replies import CannedReply
from kb.catalogue.templates import shown_values
from kb.catalogue.types import Catalogue
from kb.requests import permissions
from kb.requests.departments import Departments
from kb.requests.ledger import Ledger
from kb.requests.records import Request


@dataclass(frozen=True)
class FilledReply:
    """A canned reply for one request: its title (in the agent's language) and text
    (in the request's)."""

    reply: CannedReply
    title: str
    text: str

    @property
    def key(self) -> str:
        """What names the reply on the request's page: the request's department and
        a task's may each have a reply of the same id."""
        return f"{self.reply.department}/{self.reply.id}"

    def chosen_by(self, name: str) -> bool:
        """True when `name` (a page's choice) is this reply: its key, or its id
        alone as links made before keys name the first reply of that id."""
        return name in (self.key, self.reply.id)


class CannedReplies:
    """Canned replies for the agents of a request."""

    def __init__(
        self,
        ledger: Ledger,
        catalogue: Callable[[], Catalogue],
        departments: Departments,
        language_of: Callable[[str], str],
    ) -> None:
        self.ledger = ledger
        self.current_catalogue = catalogue
        self.departments = departments
        self.language_of = language_of

    @property
    def catalogue(self) -> Catalogue:
        return self.current_catalogue()

    def for_request(self, actor: User, request_id: int, ui_lang: str = "en") -> list[FilledReply]:
        """The replies `actor` may use on the request (none for non-agents)."""
        request = self.ledger.load(actor, request_id)
        queues = [request.department, *sorted(self.ledger.task_departments(request))]
        mine = [d for d in dict.fromkeys(queues) if permissions.works_queue(actor, d)]
        if not mine:
            return []
        lang = self.language_of(f"{request.query}\n{request.description}")
        values = self.values(request, actor, lang)
        return [
            FilledReply(reply, reply.title_in(ui_lang), reply.text_for(lang, values))
            for department in mine
            for reply in self.catalogue.replies.get(department, ())
        ]

    def values(self, request: Request, agent: User, lang: str) -> dict[str, str]:
        """What a reply's `{name}`s are filled with."""
        names = self.departments.names()
        request_type = self.catalogue.types.get(request.request_type or "")
        fields = (
            shown_values(request_type.fields, request.fields, lang, names) if request_type else {}
        )
        fields.update({k: str(v) for k, v in request.fields.items() if k not in fields})
        return {
            **fields,
            "requester": request.requester,
            "id": str(request.id),
            "title": request.query,
            "department": names.get(request.department, request.department),
            "agent": agent.display_name or agent.username,
        }
