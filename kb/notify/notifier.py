"""Turning one request change into its outbox messages.

The request service hands the store a change together with its `Topic`; in
the same database transaction the store asks `Notifier.messages` for the
notifications and writes them beside the change (the transactional outbox),
so a change and what it announces are stored together or not at all. Who
hears a topic is `kb.notify.topics.WHO_HEARS`:

* a webhook message to each department concerned that has a webhook, with the
  JSON payload `{event, request, entry, ts}`;
* an e-mail to the requester and to the queue addresses concerned, when
  e-mail is on; to the agent a request or task is given to; to the watchers.
  A mail to an account is written in the language the account picked
  (`User.language`, the interface language it last switched to), else in the
  language of the question (English or German; the site's language, the
  setting `default_language`, for a question in another or one that tells
  none: too short, or a few words without a language's own words, "VPN
  down"); queue mails in the site's language. Each recipient's mail is rendered in their own language.
  Someone made a watcher by another person is told so once (`request.watcher_added`);
  every mail to a watcher carries the link that takes them off the request
  (`kb.notify.unwatch_links`), also as its `List-Unsubscribe` header.

Building messages reads nothing and writes nothing: it is safe to run inside
the transaction. The targets and department names may follow the content root
(callables, as the web app's request service hands them in): `refresh` takes
their current state, and the accounts' languages the ledger read; the ledger
calls it before a change's transaction begins, never inside it. A worker delivers them afterwards (`kb.notify.worker`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from functools import partial
from typing import Any, NamedTuple

from kb.content.departments import DEFAULT_TRIAGE, display_name
from kb.i18n.catalog import TriageName, domain_catalog
from kb.language import says_too_little
from kb.notify.config import NotifyConfig
from kb.notify.mail import Audience, compose, mail_languages
from kb.notify.outbox import (
    AS_MERGED_READER,
    READER,
    UNSUBSCRIBE,
    WHOLE_READER,
    OutboxMessage,
)
from kb.notify.topics import WHO_HEARS, Hearers, Party, Topic, holder_of
from kb.requests import merged_readers
from kb.requests.records import Request, RequestEntry
from kb.requests.serialize import entry_dict, request_dict
from kb.validators import normal_name, utc_now

logger = logging.getLogger(__name__)

# Department id → language code → its name there (`Department.display_names`).
TranslatedNames = Mapping[str, Mapping[str, str]]


class Recipient(NamedTuple):
    """One address mailed: as whom, for which department (queues), the
    self-watcher whose roles must still let them read the request when the
    mail is sent (`reader`; None: it goes regardless), and the account it
    belongs to (`account`, whose language the mail is in; None for a queue)."""

    address: str
    audience: Audience
    department: str
    reader: str | None = None
    account: str | None = None


def request_language(text: str) -> str:
    """The language of a question, as the detector guesses it (en when it tells
    none): the language a request's form values, tasks and drafts are written in."""
    from kb.language import detect_language  # loads a language model: only when needed

    return detect_language(text)


def told_language(text: str) -> str:
    """The language a question tells, "" where it tells none: too short, or a few
    words the detector is unsure of without a language's own words ("VPN down").
    `Notifier.requester_language` mails such a question in the site's language."""
    from kb.language import detect_language  # loads a language model: only when needed

    return detect_language(text, default="")


def department_of(party: Party, request: Request, entry: RequestEntry) -> str | None:
    """The department a party stands for in this change (None for the requester)."""
    if party is Party.QUEUE:
        return request.department
    if party is Party.PREVIOUS_QUEUE:
        return str(entry.data.get("from_department") or "") or None
    if party is Party.TASK_QUEUE:
        return str(entry.data.get("department") or "") or None
    return None


class Notifier:
    """Builds the notifications of request changes (the store writes them)."""

    def __init__(
        self,
        config: NotifyConfig | Callable[[], NotifyConfig],
        *,
        department_names: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
        translated_names: TranslatedNames | Callable[[], TranslatedNames] | None = None,
        triage: str = DEFAULT_TRIAGE,
        language_of: Callable[[str], str] = told_language,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        names = department_names or {}
        self._config_source = config if callable(config) else (lambda: config)
        self._names_source = names if callable(names) else (lambda: names)
        translated = translated_names or {}
        self._translated_source = translated if callable(translated) else (lambda: translated)
        self._triage = triage
        self._language_of = language_of
        self._clock = clock
        self.refresh()

    def refresh(
        self,
        account_languages: Mapping[str, str] | None = None,
        people: Mapping[str, str] | None = None,
    ) -> None:
        """Take the current targets and department names from their sources (a
        department added or edited on disk since), the languages accounts
        picked (username → code, as the store holds them) and the display names
        of who acts (username → name: mails say who gave a request or task as
        the pages name them), outside any transaction."""
        self.config = self._config_source()
        self._names = dict(self._names_source())
        self._translated = dict(self._translated_source())
        self._account_languages = dict(account_languages or {})
        self._people = dict(people or {})

    def requester_language(self, request: Request) -> str:
        """The language of the question, where mails are written in it; else the
        site's (`default_language`), as for a question that tells none ("ok",
        "VPN down")."""
        text = f"{request.query}\n{request.description}"
        lang = "" if says_too_little(text) else self._language_of(text)
        return lang if lang in mail_languages() else self.config.default_language

    def language_for(self, recipient: Recipient, request: Request) -> str:
        """The language of `recipient`'s mail: their account's, when it picked one
        mails are written in; else the question's; an address without an account
        (a queue's) the site's (`default_language`)."""
        if recipient.account is None:
            return self.config.default_language
        picked = self._account_languages.get(recipient.account, "")
        return picked if picked in mail_languages() else self.requester_language(request)

    def department_name(self, slug: str, lang: str) -> str:
        """A department as mails in `lang` name it, as pages do: its display name
        in `lang` (`display_names` of its file), else `display_name`; the triage
        queue by its name in `lang`."""
        slug = normal_name(slug)
        if slug == self._triage and self._triage not in self._names:
            return TriageName(domain_catalog().translate(lang, "triage_name"))
        return self._translated.get(slug, {}).get(lang) or display_name(slug, self._names)

    def messages(
        self,
        topic: Topic,
        request: Request,
        entry: RequestEntry,
        *,
        merged: Mapping[str, str] | None = None,
        whole: Collection[str] = (),
    ) -> list[OutboxMessage]:
        """The outbox messages announcing `entry` (saved with `request`) under `topic`.
        `merged` filed the duplicates merged into `request` (each with the question
        of theirs): as its watchers they hear only what they read of it, as they
        read it (`kb.requests.merged_readers`), but for those of `whole`, whose
        role (an agent of its queue) reads it whole."""
        merged = merged or {}
        hearers = WHO_HEARS[topic]
        now = self._clock()
        out = self._webhook_messages(topic, hearers, request, entry, now)
        parties = self._mailed(hearers, entry)
        if self.config.mail_enabled and parties:
            limited = [name for name in merged if name not in whole]
            out += self._mail_messages(
                topic, parties, hearers, request, entry, now, merged, limited
            )
        return out

    @staticmethod
    def _mailed(hearers: Hearers, entry: RequestEntry) -> tuple[Party, ...]:
        """Who of `hearers.mail` is mailed about `entry` (`kb.notify.topics`' rules)."""
        if entry.data.get("automatic") and not hearers.automatic_mailed:
            return ()
        if not entry.visible_to_requester:
            # Internal: only the agent it gives the work to, an agent who reads
            # internal entries anyway, and the content owners it gives a draft to
            # publish (`compose` quotes no internal text to them).
            given = (Party.ASSIGNEE, Party.CONTENT_OWNERS)
            return tuple(p for p in hearers.mail if p in given)
        return hearers.mail

    def _webhook_messages(
        self,
        topic: Topic,
        hearers: Hearers,
        request: Request,
        entry: RequestEntry,
        now: datetime,
    ) -> list[OutboxMessage]:
        payload = {
            "event": topic.value,
            "request": request_dict(request),
            "entry": entry_dict(entry),
            "ts": now.isoformat(),
        }
        departments = [department_of(p, request, entry) for p in hearers.webhooks]
        out = []
        for department in dict.fromkeys(d for d in departments if d):
            hook = self.config.webhooks.get(department)
            if hook is not None:
                out.append(
                    OutboxMessage(
                        topic=topic.value,
                        target=hook.url,
                        payload=payload,
                        created=now,
                        next_attempt_at=now,
                    )
                )
        return out

    def _holder(self, entry: RequestEntry) -> list[Recipient]:
        """The agent `entry` gives the request or task to, unless they took it."""
        holder = holder_of(entry)
        address = self.config.requester_address(holder) if holder else None
        if not address or holder == entry.actor:
            return []
        # Sent only while they may still read the request (`kb.notify.worker`).
        return [Recipient(address, "assignee", "", holder, holder)]

    def _content_owners(self, entry: RequestEntry) -> list[Recipient]:
        """The content owners `entry` gives a draft to publish (`owners`), but the
        one who wrote it; each only while they may still read the request."""
        found = []
        for owner in (str(o) for o in entry.data.get("owners") or ()):
            address = self.config.requester_address(owner)
            if address and owner != entry.actor:
                found.append(Recipient(address, "content_owner", "", owner, owner))
        return found

    def _recipients(
        self,
        parties: tuple[Party, ...],
        hearers: Hearers,
        request: Request,
        entry: RequestEntry,
        merged: Collection[str] = (),
        limited: Collection[str] = (),
    ) -> list[Recipient]:
        """Everyone mailed, each address once; a watcher of `limited` (of those who
        filed the duplicates `merged` into it) only about what they read."""
        recipients: list[Recipient] = []
        for party in parties:
            if party is Party.ASSIGNEE:
                recipients += self._holder(entry)
                continue
            if party is Party.CONTENT_OWNERS:
                recipients += self._content_owners(entry)
                continue
            if party is Party.ADDED_WATCHER:
                added = str(entry.data.get("added") or "")
                address = self.config.requester_address(added) if added else None
                if address and added != entry.actor:
                    recipients.append(Recipient(address, "watcher", "", None, added))
                continue
            if party is Party.WATCHERS:
                for watcher in request.watchers:
                    address = self.config.requester_address(watcher)
                    if watcher in limited and not merged_readers.hears(
                        entry, request, merged, watcher
                    ):
                        continue  # the requester's own words, or another's
                    if address and watcher != entry.actor:
                        # Their roles are read when it is sent (`kb.notify.worker`).
                        reader = None if request.reads_as_watcher(watcher) else watcher
                        recipients.append(Recipient(address, "watcher", "", reader, watcher))
                continue
            if party is Party.REQUESTER:
                if entry.actor == request.requester and not hearers.own_action_mailed:
                    continue
                address = self.config.requester_address(request.requester)
                if address:
                    recipients.append(
                        Recipient(address, "requester", "", account=request.requester)
                    )
                else:
                    logger.info(
                        "notify: no e-mail address for requester %s (set mail_domain)",
                        request.requester,
                    )
                continue
            department = department_of(party, request, entry)
            address = self.config.queue_addresses.get(department or "")
            if department and address:
                recipients.append(Recipient(address, "queue", department))
        first: dict[str, Recipient] = {}
        for recipient in recipients:
            first.setdefault(recipient.address, recipient)
        return list(first.values())

    def _mail_messages(
        self,
        topic: Topic,
        parties: tuple[Party, ...],
        hearers: Hearers,
        request: Request,
        entry: RequestEntry,
        now: datetime,
        merged: Mapping[str, str],
        limited: Collection[str] = (),
    ) -> list[OutboxMessage]:
        out = []
        recipients = self._recipients(parties, hearers, request, entry, merged, limited)
        for recipient in recipients:
            address, audience, department, reader, account = recipient
            shown, said, whole = request, entry, None
            if account is not None and account in limited:  # as a merged reader reads it
                shown = merged_readers.withhold(request, account, merged.get(account, ""))
                said = merged_readers.entry_shown(entry, request)
            elif account in merged:  # whole, by a role that may end before it is sent
                whole = account
            lang = self.language_for(recipient, request)
            dept = department or request.department
            # A watcher's every mail carries the link that ends them, for them alone.
            leave = ""
            if audience == "watcher" and recipient.account:
                leave = self.config.unwatch_link(request, recipient.account)
            render = partial(
                compose,
                topic,
                audience=audience,
                lang=lang,
                department_name=self.department_name(dept, lang),
                link=self.config.request_link(request),
                actor_name=self._people.get(entry.actor, ""),
                unwatch_link=leave,
            )
            text = render(shown, said)
            if text is None:
                continue
            payload: dict[str, Any] = {
                "subject": text[0],
                "text": text[1],
                "lang": lang,
                "request_id": request.id,
                "event": topic.value,
            }
            extra: dict[str, Any] = {READER: reader, WHOLE_READER: whole, UNSUBSCRIBE: leave}
            extra[AS_MERGED_READER] = _as_merged_reader(render, request, entry, merged, whole)
            payload |= {key: value for key, value in extra.items() if value}
            out.append(
                OutboxMessage(
                    topic=topic.value,
                    target=f"email:{address}",
                    payload=payload,
                    created=now,
                    next_attempt_at=now,
                )
            )
        return out


def _as_merged_reader(
    render: Callable[[Request, RequestEntry], tuple[str, str] | None],
    request: Request,
    entry: RequestEntry,
    merged: Mapping[str, str],
    whole: str | None,
) -> dict[str, str] | None:
    """The mail the merged requester `whole`, mailed the change whole by a role,
    gets as a merged reader (`AS_MERGED_READER`): the worker sends it instead
    once that role has ended. None when a merged reader is not mailed it (or
    nobody is mailed it whole)."""
    if whole is None or not merged_readers.hears(entry, request, merged, whole):
        return None
    own = merged_readers.withhold(request, whole, merged.get(whole, ""))
    text = render(own, merged_readers.entry_shown(entry, request))
    return None if text is None else {"subject": text[0], "text": text[1]}
