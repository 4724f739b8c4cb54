"""Counts worded in the reader's language: one thing in the singular, any other
count (none included) in the plural, in English and German, through the one
plural helper (`plural` in templates)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from kb.accounts.records import Grant, Role, User
from kb.accounts.service import add_user
from kb.i18n.catalog import Catalog
from tests.support import sign_in_as, text_of
from webapp.services import services

# key, the values besides the count, and the text for 0, 1 and 2 in each language
WORDINGS: list[tuple[str, dict[str, Any], dict[str, tuple[str, str, str]]]] = [
    (
        "results_count",
        {"query": "vpn"},
        {
            "en": ("0 results for “vpn”", "1 result for “vpn”", "2 results for “vpn”"),
            "de": ("0 Ergebnisse für „vpn“", "1 Ergebnis für „vpn“", "2 Ergebnisse für „vpn“"),
        },
    ),
    (
        "queue_requests",
        {},
        {
            "en": ("0 requests", "1 request", "2 requests"),
            "de": ("0 Anfragen", "1 Anfrage", "2 Anfragen"),
        },
    ),
    (
        "queue_tasks",
        {},
        {"en": ("0 tasks", "1 task", "2 tasks"), "de": ("0 Aufgaben", "1 Aufgabe", "2 Aufgaben")},
    ),
    (
        "bulk_done",
        {},
        {
            "en": ("0 requests changed.", "1 request changed.", "2 requests changed."),
            "de": ("0 Anfragen geändert.", "1 Anfrage geändert.", "2 Anfragen geändert."),
        },
    ),
    (
        "manage_count",
        {"shown": 0},
        {
            "en": ("0 of 0 articles", "0 of 1 article", "0 of 2 articles"),
            "de": ("0 von 0 Artikeln", "0 von 1 Artikel", "0 von 2 Artikeln"),
        },
    ),
    (
        "req_rating_value",
        {"average": "4"},
        {
            "en": ("4 of 5 (0 ratings)", "4 of 5 (1 rating)", "4 of 5 (2 ratings)"),
            "de": ("4 von 5 (0 Bewertungen)", "4 von 5 (1 Bewertung)", "4 von 5 (2 Bewertungen)"),
        },
    ),
    (
        "manage_reviews_intro",
        {},
        {
            "en": tuple(
                f"Published articles past their review date or due within {n}."
                for n in ("0 days", "1 day", "2 days")
            ),
            "de": tuple(
                "Veröffentlichte Artikel, deren Prüfdatum überschritten ist oder innerhalb "
                f"von {n} fällig wird."
                for n in ("0 Tagen", "1 Tag", "2 Tagen")
            ),
        },
    ),
]
# The insights' gaps page's introduction ends with its minimum of people.
GAPS_ENDINGS = {
    "en": (
        "at least 0 people asked it.",
        "at least 1 person asked it.",
        "at least 2 people asked it.",
    ),
    "de": (
        "mindestens 0 Personen sie gestellt haben.",
        "mindestens 1 Person sie gestellt hat.",
        "mindestens 2 Personen sie gestellt haben.",
    ),
}
WORDINGS_BY_KEY = {key: texts for key, _values, texts in WORDINGS}
CASES = [
    (key, values, lang, count, texts[lang][count])
    for key, values, texts in WORDINGS
    for lang in ("en", "de")
    for count in (0, 1, 2)
]


@pytest.mark.parametrize(("key", "values", "lang", "count", "expected"), CASES)
def test_the_template_helper_words_each_count(
    app: Flask, key: str, values: dict[str, Any], lang: str, count: int, expected: str
) -> None:
    with app.test_request_context(f"/?hl={lang}"):
        shown = render_template_string(
            "{{ plural(key, count, **values) }}", key=key, count=count, values=values
        )
    assert shown == expected


@pytest.mark.parametrize(("lang", "count"), [(lang, n) for lang in GAPS_ENDINGS for n in (0, 1, 2)])
def test_the_gaps_introduction_words_its_minimum_of_people(
    app: Flask, lang: str, count: int
) -> None:
    with app.test_request_context(f"/?hl={lang}"):
        shown = render_template_string("{{ plural('gaps_intro', n) }}", n=count)
    assert shown.endswith(" " + GAPS_ENDINGS[lang][count]), shown


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize("count", [1, 2])
def test_the_pages_word_their_review_window_and_minimum_of_people(
    make_app: Any, count: int
) -> None:
    """The content owner's list said "due within 1 days", the gaps page "at
    least 1 people", when the settings were 1."""
    client = make_app(review_due_days=count, insights_min_people=count).test_client()
    sign_in_as(client, "cora")
    for lang in ("en", "de"):
        shown = html.unescape(text_of(client.get(f"/manage/?hl={lang}")))
        assert WORDINGS_BY_KEY["manage_reviews_intro"][lang][count] in shown
    add_user(services(client.application).store, "anna", "analyst", None)
    sign_in_as(client, "anna")
    for lang in ("en", "de"):
        shown = html.unescape(text_of(client.get(f"/insights/gaps?hl={lang}")))
        assert GAPS_ENDINGS[lang][count] in shown


def test_a_language_without_a_singular_text_takes_the_plural_one() -> None:
    texts = Catalog(
        {"en": {"apples": "{n} apples", "apples_one": "one apple"}, "de": {"apples": "{n} Äpfel"}}
    )
    assert [texts.plural("en", "apples", n) for n in (0, 1, 2)] == [
        "0 apples",
        "one apple",
        "2 apples",
    ]
    assert texts.plural("de", "apples", 1) == "1 Äpfel"  # German's own text, not English's
    assert texts.plural("en", "apples", 1, n="a single") == "one apple"


@pytest.mark.parametrize(
    ("text", "department", "english", "german"),
    [
        ("zzz", "", "0 results for", "0 Ergebnisse für"),
        ("leave", "it", "1 result for", "1 Ergebnis für"),
        ("leave", "hr", "2 results for", "2 Ergebnisse für"),
    ],
)
def test_the_search_page_counts_its_results(
    client: FlaskClient, text: str, department: str, english: str, german: str
) -> None:
    query = {"q": text, "department": department}
    assert english in text_of(client.get("/", query_string={**query, "hl": "en"}))
    assert german in text_of(client.get("/", query_string={**query, "hl": "de"}))


@pytest.mark.usefixtures("people")
def test_the_queue_counts_its_requests(client: FlaskClient) -> None:
    def counts(lang: str) -> str:
        sign_in_as(client, "ivan")
        html = text_of(client.get(f"/requests/queue/it?hl={lang}"))
        found = re.search(r'<p class="queue-counts">([^<]*)</p>', html)
        return found[1] if found else html

    assert counts("en") == "0 requests · 0 tasks" and counts("de") == "0 Anfragen · 0 Aufgaben"
    emma = User(username="emma", display_name="Emma", grants=[Grant(role=Role.EMPLOYEE)])
    service = services(client.application).requests
    service.submit(emma, "The printer jams", department="it")
    assert counts("en") == "1 request · 0 tasks" and counts("de") == "1 Anfrage · 0 Aufgaben"
    service.submit(emma, "The monitor flickers", department="it")
    assert counts("en") == "2 requests · 0 tasks" and counts("de") == "2 Anfragen · 0 Aufgaben"


@pytest.mark.usefixtures("people")
def test_the_insights_count_ratings(client: FlaskClient) -> None:
    """One rated request of HR and two of IT: "(1 rating)" and "(2 ratings)"."""
    service = services(client.application).requests
    erik = User(username="erik", display_name="Erik", grants=[Grant(role=Role.EMPLOYEE)])
    agents = {
        d: User(username=d, display_name=d, grants=[Grant(role=Role.AGENT, department=d)])
        for d in ("hr", "it")
    }
    add_user(services(client.application).store, "anna", "analyst", None)
    for n, department in enumerate(("hr", "it", "it")):
        request = service.submit(erik, f"printer question {n}", department=department)
        assert request.id is not None
        service.resolve(agents[department], request.id, "Restart it.")
        service.rate(erik, request.id, 4)
    sign_in_as(client, "anna")
    english = text_of(client.get("/insights/requests?hl=en"))
    assert "4.0 of 5 (1 rating)" in english and "4.0 of 5 (2 ratings)" in english
    german = text_of(client.get("/insights/requests?hl=de"))
    assert "4,0 von 5 (1 Bewertung)" in german and "4,0 von 5 (2 Bewertungen)" in german


def _script_count(forms_json: str, lang: str, count: int) -> str:
    """What the page script says for `count`: the form of the count's CLDR category
    (the one `Intl.PluralRules` gives), "other" when the page has no such form."""
    from babel import Locale

    forms = json.loads(html.unescape(forms_json))
    category = Locale.parse(lang).plural_form(count)
    return str(forms.get(category, forms["other"])).replace("{n}", str(count))


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.usefixtures("people")
def test_the_page_script_words_counts_as_the_catalogue_does(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    """The live "N suggestions" and "N articles might answer" counts are worded by
    the script from the plural forms the server renders into the page: for 0, 1
    and 2 exactly what the plural helper says."""
    search = text_of(client.get(f"/?hl={lang}"))
    sign_in_as(client, "emma")
    ask = text_of(client.get(f"/ask/?department=it&hl={lang}"))
    pages = [
        (search, r"data-msg-count='([^']*)'", "suggestions_count"),
        (ask, r"data-msg-found='([^']*)'", "ask_suggestions_found"),
    ]
    for page, attribute, key in pages:
        found = re.search(attribute, page)
        assert found, f"{key}: no plural forms in the page"
        with app.test_request_context(f"/?hl={lang}"):
            expected = [
                render_template_string("{{ plural(key, n) }}", key=key, n=n) for n in (0, 1, 2)
            ]
        assert [_script_count(found[1], lang, n) for n in (0, 1, 2)] == expected


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize(
    ("lang", "manage", "insights"),
    [
        (
            "de",
            "Sie dürfen nur Artikel der Abteilung IT Service Desk verwalten.",
            "Sie dürfen nur Auswertungen der Abteilung IT Service Desk sehen.",
        ),
        (
            "en",
            "You may manage the articles of IT Service Desk only.",
            "You may see the insights of IT Service Desk only.",
        ),
    ],
)
def test_a_refusal_names_one_department_in_the_singular(
    client: FlaskClient, lang: str, manage: str, insights: str
) -> None:
    """A content owner of one department read "dieser Abteilungen: it"."""
    sign_in_as(client, "cora")
    refused = client.get(f"/manage/?department=hr&hl={lang}")
    assert refused.status_code == 403 and manage in text_of(refused)
    refused = client.get(f"/insights/?department=hr&hl={lang}")
    assert refused.status_code == 403 and insights in text_of(refused)


def test_a_refusal_names_several_departments_in_the_plural() -> None:
    from kb.errors import PermissionDenied

    refused = PermissionDenied(
        "no", key="manage_departments", values={"departments": ["hr", "it"], "n": 2}
    )
    assert (
        refused.message_in("de") == "Sie dürfen nur Artikel dieser Abteilungen verwalten: hr, it."
    )
    assert refused.message_in("en") == "You may manage the articles of hr, it only."
