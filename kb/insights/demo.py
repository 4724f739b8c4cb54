"""Demo traffic: weeks of realistic use, so that a new installation's insights
pages have something to show (`kb demo traffic --days 60`).

Everything goes through the product's own layers, never through SQL: each
question is searched by the real engine (its answer decides whether the
search counts as answered), the events are built by `kb.events.search_event`
as the web app builds them and logged through the store, and requests are
filed, resolved and rated by the `RequestService`, whose clock is set to the
moment each happens. E-mail and webhooks are off while it runs.

Some people whose search was not answered go on to the ask form: it searches
again as the web app's form does (a search event with `source` "ask", which
insights count deflection from); some open a suggested article and send
nothing (deflected), the others send the request. Votes ("was this helpful?")
come after opening a result or on the answer card, and some requesters rate
the answer to their request.

Demo traffic is marked: its people's pseudonymous ids start with
`DEMO_PREFIX` (a colon never occurs in the web app's random ids) and its
requesters' usernames with `DEMO_USER_PREFIX`, so `kb demo traffic --remove`
takes out exactly what it added.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from kb.accounts.records import DEMO_USER_PREFIX, Grant, Role, User
from kb.events import ClickEvent, FeedbackEvent, search_event
from kb.results import Query, SearchResponse
from kb.store.protocols import Store

logger = logging.getLogger(__name__)

DEMO_PREFIX = "demo:"

# Questions the sample knowledge base answers, in both languages.
ANSWERABLE = [
    "how many vacation days do I get",
    "wie viele Urlaubstage habe ich",
    "report sick",
    "Krankmeldung abgeben",
    "reset my password",
    "Passwort zurücksetzen",
    "vpn not connecting",
    "VPN verbinden",
    "book a meeting room",
    "Besprechungsraum buchen",
    "travel expense claim",
    "Reisekostenabrechnung einreichen",
    "parental leave",
    "Elternzeit beantragen",
    "guest wifi password",
    "Gäste-WLAN",
    "when is payroll paid",
    "Gehaltsabrechnung",
    "lost my access card",
    "Zugangskarte verloren",
    "corporate credit card",
    "Firmenkreditkarte",
    "working from home rules",
    "mobiles Arbeiten",
    "parking at the office",
    "Parkplatz beantragen",
    "company pension",
    "Betriebsrente",
    "overtime compensation",
    "Überstunden ausgleichen",
    "new laptop request",
    "neuen Laptop bestellen",
]
# Questions it does not answer: the knowledge gaps the demo should show, each
# asked in several wordings, in English and German, with typos.
GAPS = [
    [
        "when is the christmas party",
        "christmas party date",
        "xmas party registration",
        "wann ist die Weihnachtsfeier",
        "Weihnachtsfeier Anmeldung",
        "weihnachtsfeir termin",
    ],
    [
        "where can I charge my electric car",
        "EV charging at the office",
        "electric car charging station",
        "E-Auto laden am Büro",
        "Ladesäule für Elektroauto",
        "wo kann ich mein elektroauto laden",
    ],
    [
        "can I bring my dog to the office",
        "dogs allowed at work",
        "Hund mit ins Büro nehmen",
        "darf mein Hund mit zur Arbeit",
    ],
    [
        "childcare allowance",
        "kindergarten subsidy from the employer",
        "Kita-Zuschuss beantragen",
        "Zuschuss Kinderbetreuung",
    ],
    [
        "employee discounts for the gym",
        "staff discount programme",
        "Mitarbeiterrabatte",
        "vergünstigtes Fitnessstudio",
    ],
    [
        "order business cards",
        "new business cards",
        "Visitenkarten bestellen",
        "visitenkarten nachbestellen",
    ],
]
RESOLUTIONS = [
    "Answered by e-mail with the details.",
    "Beantwortet: die Informationen wurden per E-Mail geschickt.",
]
# An agent's first reply, hours before the resolution: without one the
# resolution is the first response, and both medians on the requests page
# came out the same.
FIRST_REPLIES = [
    "Thanks for your question, we are looking into it.",
    "Danke für Ihre Anfrage, wir kümmern uns darum.",
]


@dataclass(frozen=True)
class DemoResult:
    """What the generator added: searches (the ask form's suggestion searches
    too), clicks, votes, requests filed; ask-form visits, those left after
    reading a suggestion (deflected), and requesters' ratings of answers."""

    searches: int
    clicks: int
    votes: int
    requests: int
    asks: int = 0
    deflected: int = 0
    ratings: int = 0


class DemoTraffic:
    """Generates `days` of searches, clicks, votes and requests ending today."""

    def __init__(
        self,
        store: Store,
        search: Callable[[Query], SearchResponse],
        requests: Callable[[Callable[[], datetime]], object],
        *,
        people: int = 120,
        seed: int = 11,
        now: datetime | None = None,
    ) -> None:
        self.store = store
        self.search = search
        self.end = now or datetime.now(UTC)
        self._moment = self.end
        self.requests = requests(lambda: self._moment)
        self.people = [f"{DEMO_PREFIX}p{i:03d}" for i in range(people)]
        self.rng = random.Random(seed)
        self._responses: dict[str, SearchResponse] = {}
        self._added: Counter[str] = Counter()

    def _typo(self, text: str) -> str:
        words = text.split()
        i = self.rng.randrange(len(words))
        w = words[i]
        if len(w) > 4:
            j = self.rng.randrange(1, len(w) - 2)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        return " ".join(words)

    def _question(self, day: int, days: int) -> str:
        if self.rng.random() < 0.3:
            # Gaps grow over the period: a topic appears and is asked more often.
            topic = self.rng.choice(GAPS[: 2 + (4 * day) // max(1, days)])
            text = self.rng.choice(topic)
        else:
            text = self.rng.choice(ANSWERABLE)
        return self._typo(text) if self.rng.random() < 0.12 else text

    def _respond(self, text: str) -> SearchResponse:
        response = self._responses.get(text)
        if response is None:
            response = self._responses[text] = self.search(Query(text=text, k=10))
        return response

    def run(self, days: int) -> DemoResult:
        start = (self.end - timedelta(days=days)).date()
        for day in range(days):
            date = start + timedelta(days=day + 1)
            weekday = date.weekday() < 5
            for _ in range(self.rng.randint(25, 45) if weekday else self.rng.randint(2, 6)):
                moment = datetime.combine(
                    date, time(self.rng.randint(7, 18), self.rng.randint(0, 59)), tzinfo=UTC
                )
                if moment <= self.end:
                    self._visit(self._question(day, days), moment)
        added = self._added
        return DemoResult(
            added["searches"],
            added["clicks"],
            added["votes"],
            added["requests"],
            added["asks"],
            added["deflected"],
            added["ratings"],
        )

    def _visit(self, text: str, moment: datetime) -> None:
        """One person searches `text`; may open a result and vote on it, and when
        the answer did not help, may go on to the ask form."""
        # A few people search much more often than the rest.
        pool = self.people[:20] if self.rng.random() < 0.4 else self.people
        person = self.rng.choice(pool)
        response = self._respond(text)
        search_id = self._log_search(Query(text=text, k=10), response, person, moment)
        clicked = bool(response.results) and self.rng.random() < (
            0.7 if response.answered else 0.25
        )
        if clicked:
            rank = min(len(response.results), self.rng.choice([1, 1, 1, 2, 3]))
            at = moment + timedelta(seconds=self.rng.randint(3, 40))
            self._click(search_id, response, rank, person, at)
            if self.rng.random() < 0.3:
                helpful = self.rng.random() < (0.85 if response.answered else 0.3)
                self._vote(search_id, response.results[rank - 1].id, helpful, person, at)
        elif response.answered and response.results and self.rng.random() < 0.15:
            # "Was this helpful?" on the answer card, without opening the article.
            self._vote(search_id, response.results[0].id, self.rng.random() < 0.8, person, moment)
        if not response.answered and self.rng.random() < 0.35:
            self._ask(person, text, response, search_id, moment)

    def _log_search(
        self,
        query: Query,
        response: SearchResponse,
        person: str,
        moment: datetime,
        source: str = "",
    ) -> int:
        # Demo people are signed in (their requests carry a demo account);
        # without a `person` their searches are never query suggestions.
        latency = self.rng.uniform(20, 120)
        event = search_event(
            query, response, latency, person, moment, source=source, signed_in=True
        )
        self._added["searches"] += 1
        return self.store.log_search(event)

    def _click(
        self, search_id: int, response: SearchResponse, rank: int, person: str, at: datetime
    ) -> None:
        hit = response.results[rank - 1]
        self.store.log_click(
            ClickEvent(search_id=search_id, article_id=hit.id, rank=rank, user=person, ts=at)
        )
        self._added["clicks"] += 1

    def _vote(
        self, search_id: int, article_id: str, helpful: bool, person: str, at: datetime
    ) -> None:
        self.store.log_feedback(
            FeedbackEvent(
                article_id=article_id,
                helpful=helpful,
                search_id=search_id,
                user=person,
                ts=at + timedelta(seconds=30),
            )
        )
        self._added["votes"] += 1

    def _ask(
        self, person: str, text: str, response: SearchResponse, search_id: int, moment: datetime
    ) -> None:
        """The ask form as the web app runs it: while the request is described it
        searches again (`source` "ask") and shows articles; someone who opens one
        often finds the answer there and sends nothing (deflected), the others
        send the request (suggestions shown, went on anyway)."""
        self._added["asks"] += 1
        at = moment + timedelta(minutes=1)
        suggested = self._respond(text)
        ask_id = self._log_search(Query(text=text, k=10), suggested, person, at, source="ask")
        if suggested.results and self.rng.random() < 0.5:
            self._click(ask_id, suggested, 1, person, at + timedelta(seconds=20))
            if self.rng.random() < 0.6:
                self._added["deflected"] += 1
                return
        self._file(person, text, response, search_id, moment)

    def _file(
        self, person: str, text: str, response: SearchResponse, search_id: int, moment: datetime
    ) -> None:
        """The request sent from the ask form, replied to and later resolved by an
        agent (most of them), and the answer rated by its requester (some of those)."""
        service = self.requests
        requester = User(
            username=DEMO_USER_PREFIX + person[len(DEMO_PREFIX) :],
            display_name="Demo employee",
            grants=[Grant(role=Role.EMPLOYEE)],
            created=moment,
        )
        self._moment = moment + timedelta(minutes=2)
        created = service.submit(  # type: ignore[attr-defined]
            requester,
            text,
            suggested_department=response.department or None,
            department_confidence=response.department_confidence,
            search_id=search_id,
            suggestions_shown=True,
            went_on_anyway=True,
        )
        self._added["requests"] += 1
        if self.rng.random() >= 0.8:
            return
        agent = User(
            username=f"{DEMO_USER_PREFIX}agent-{created.department}",
            display_name="Demo agent",
            grants=[Grant(role=Role.AGENT, department=created.department)],
            created=moment,
        )
        self._moment = moment + timedelta(hours=self.rng.uniform(0.25, 8))
        if self._moment >= self.end:
            return
        service.comment(agent, created.id, self.rng.choice(FIRST_REPLIES))  # type: ignore[attr-defined]
        self._moment += timedelta(hours=self.rng.uniform(1, 64))
        if self._moment >= self.end:
            return
        service.resolve(agent, created.id, self.rng.choice(RESOLUTIONS))  # type: ignore[attr-defined]
        if self.rng.random() < 0.45:
            self._moment += timedelta(hours=self.rng.uniform(0.5, 20))
            if self._moment < self.end:
                stars = self.rng.choices([5, 4, 3, 2, 1], weights=[45, 30, 12, 8, 5])[0]
                service.rate(requester, created.id, stars)  # type: ignore[attr-defined]
                self._added["ratings"] += 1
