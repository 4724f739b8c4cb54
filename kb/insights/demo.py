"""Demo traffic: weeks of realistic use, so that a new installation's insights
pages have something to show (`kb demo traffic --days 60`).

Everything goes through the product's own layers, never through SQL: each
question is searched by the real engine (its answer decides whether the
search counts as answered), the events are built by `kb.events.search_event`
as the web app builds them and logged through the store, and requests are
filed and resolved by the `RequestService`, whose clock is set to the moment
each happens. E-mail and webhooks are off while it runs.

Demo traffic is marked: its people's pseudonymous ids start with
`DEMO_PREFIX` (a colon never occurs in the web app's random ids) and its
requesters' usernames with `DEMO_USER_PREFIX`, so `kb demo traffic --remove`
takes out exactly what it added.
"""

from __future__ import annotations

import logging
import random
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


@dataclass(frozen=True)
class DemoResult:
    """What the generator added."""

    searches: int
    clicks: int
    votes: int
    requests: int


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
        searches = clicks = votes = asked = 0
        start = (self.end - timedelta(days=days)).date()
        for day in range(days):
            date = start + timedelta(days=day + 1)
            weekday = date.weekday() < 5
            for _ in range(self.rng.randint(25, 45) if weekday else self.rng.randint(2, 6)):
                moment = datetime.combine(
                    date, time(self.rng.randint(7, 18), self.rng.randint(0, 59)), tzinfo=UTC
                )
                if moment > self.end:
                    continue
                # A few people search much more often than the rest.
                pool = self.people[:20] if self.rng.random() < 0.4 else self.people
                person = self.rng.choice(pool)
                text = self._question(day, days)
                response = self._respond(text)
                latency = self.rng.uniform(20, 120)
                # Demo people are signed in (their requests carry a demo account);
                # without a `person` their searches are never query suggestions.
                query = Query(text=text, k=10)
                event = search_event(query, response, latency, person, moment, signed_in=True)
                search_id = self.store.log_search(event)
                searches += 1
                clicked = bool(response.results) and self.rng.random() < (
                    0.7 if response.answered else 0.25
                )
                if clicked:
                    rank = min(len(response.results), self.rng.choice([1, 1, 1, 2, 3]))
                    hit = response.results[rank - 1]
                    at = moment + timedelta(seconds=self.rng.randint(3, 40))
                    self.store.log_click(
                        ClickEvent(
                            search_id=search_id, article_id=hit.id, rank=rank, user=person, ts=at
                        )
                    )
                    clicks += 1
                    if self.rng.random() < 0.3:
                        helpful = self.rng.random() < (0.85 if response.answered else 0.3)
                        self.store.log_feedback(
                            FeedbackEvent(
                                article_id=hit.id,
                                helpful=helpful,
                                search_id=search_id,
                                user=person,
                                ts=at + timedelta(seconds=30),
                            )
                        )
                        votes += 1
                if not response.answered and self.rng.random() < 0.35:
                    asked += self._ask(person, text, response, search_id, moment)
        return DemoResult(searches, clicks, votes, asked)

    def _ask(
        self, person: str, text: str, response: SearchResponse, search_id: int, moment: datetime
    ) -> int:
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
        if self.rng.random() < 0.8:
            agent = User(
                username=f"{DEMO_USER_PREFIX}agent-{created.department}",
                display_name="Demo agent",
                grants=[Grant(role=Role.AGENT, department=created.department)],
                created=moment,
            )
            self._moment = moment + timedelta(hours=self.rng.uniform(1, 72))
            if self._moment < self.end:
                service.resolve(agent, created.id, self.rng.choice(RESOLUTIONS))  # type: ignore[attr-defined]
        return 1
