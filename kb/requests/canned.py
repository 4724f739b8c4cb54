"""The canned replies an agent may start a reply from, filled in for one request.

A request's department's replies (and, for agents of one of its tasks, their
own department's) come from the catalogue (`kb.catalogue.replies`), in the
language of the request, with `{requester}`, `{id}`, `{title}`,
`{department}`, `{agent}` and the request's form fields filled in. The
reply is saved text the requester reads, so a date field is written as the
request's language writes dates ("4 January 2027", "4. Januar 2027",
`kb.requests.title_dates`), not as the stored `YYYY-MM-DD`, and so are the
dates of `{title}` (an onboarding's "starts 2027-01-04"), as the title's
page shows them. A reply
that uses a field the request does not have is not offered (it would go out
half-filled), and an agent's reply that still holds one of those
replies' `{name}`s is refused (`refuse_unfilled`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kb.accounts.records import User
from kb.catalogue.fields import FieldType
from kb.catalogue.replies import CannedReply
from kb.catalogue.templates import placeholders, shown_values
from kb.catalogue.types import Catalogue
from kb.errors import ValidationError
from kb.requests import permissions
from kb.requests.departments import Departments
from kb.requests.ledger import Ledger
from kb.requests.records import Request
from kb.requests.request_languages import RequestLanguages
from kb.requests.title_dates import dated_title


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
        languages: RequestLanguages,
    ) -> None:
        self.ledger = ledger
        self.current_catalogue = catalogue
        self.departments = departments
        self.languages = languages

    @property
    def catalogue(self) -> Catalogue:
        return self.current_catalogue()

    def for_request(self, actor: User, request_id: int, ui_lang: str = "en") -> list[FilledReply]:
        """The replies `actor` may use on the request (none for non-agents): those
        whose every `{name}` the request has (a field of its form, or one of the
        names every request has)."""
        request = self.ledger.load(actor, request_id)
        lang = self.languages.of(f"{request.query}\n{request.description}", request.requester)
        values = self.values(request, actor, lang)
        # A field of the request's form counts though left empty (an optional
        # date): the agent sees the gap; a name the request has no field for
        # would stay in braces.
        return [
            FilledReply(reply, reply.title_in(ui_lang), reply.text_for(lang, values))
            for reply in self._replies(actor, request)
            if reply.names() <= values.keys()
        ]

    def refuse_unfilled(self, actor: User, request_id: int, text: str) -> None:
        """A ValidationError naming the first `{name}` of the request's canned
        replies that `text` still holds (an agent's reply only: other braces, and
        anyone else's text, are left alone; an internal note is passed as "")."""
        if not placeholders(text):
            return
        request = self.ledger.load(actor, request_id)
        known = {name for reply in self._replies(actor, request) for name in reply.names()}
        left = [name for name in placeholders(text) if name in known]
        if left:
            shown = "{" + left[0] + "}"
            raise ValidationError(
                f"the reply still holds the placeholder {shown}; replace it with "
                "what it stands for before sending",
                details={"field": "text"},
                key="reply_placeholder",
                values={"placeholder": shown},
            )

    def _replies(self, actor: User, request: Request) -> list[CannedReply]:
        """The canned replies of the request's queues (its own, its tasks') that
        `actor` works."""
        queues = [request.department, *sorted(self.ledger.task_departments(request))]
        mine = [d for d in dict.fromkeys(queues) if permissions.works_queue(actor, d)]
        return [reply for d in mine for reply in self.catalogue.replies.get(d, ())]

    def values(self, request: Request, agent: User, lang: str) -> dict[str, str]:
        """What a reply's `{name}`s are filled with."""
        names = self.departments.names()
        request_type = self.catalogue.types.get(request.request_type or "")
        specs = request_type.fields if request_type else ()
        fields = shown_values(specs, request.fields, lang, names)
        for spec in specs:
            if spec.type is FieldType.DATE:
                fields[spec.name] = dated_title(fields[spec.name], lang)
        fields.update({k: str(v) for k, v in request.fields.items() if k not in fields})
        return {
            **fields,
            "requester": request.requester,
            "id": str(request.id),
            # As the request's page shows the title to a reader of `lang`.
            "title": dated_title(request.query, lang),
            "department": names.get(request.department, request.department),
            "agent": agent.display_name or agent.username,
        }
