"""The catalogue pages: the list of services, a form checked on the server with
each error at its field, in English and German, and the filed request's page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kb.catalogue.fields import FORM_OWN_NAMES
from kb.store.protocols import Store
from tests.support import sign_in_as, text_of
from webapp.services import services

pytestmark = pytest.mark.usefixtures("catalogue_content", "people")


def form_page(client: FlaskClient, path: str = "/catalogue/laptop") -> str:
    sign_in_as(client, "emma")
    response = client.get(path)
    assert response.status_code == 200, text_of(response)
    return text_of(response)


def post_form(client: FlaskClient, page: str, type_id: str = "laptop", **fields: str):  # type: ignore[no-untyped-def]
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    return client.post(
        f"/catalogue/{type_id}", data={"csrf_token": token, "idempotency_key": key, **fields}
    )


def test_the_catalogue_lists_each_departments_services_top_requests_first(
    client: FlaskClient,
) -> None:
    html = text_of(client.get("/catalogue/?hl=de"))
    assert "Was können wir für Sie tun?" in html
    it = html[html.index('id="dept-it"') :]
    # IT's top requests first, in the order of its department file (one is HR's).
    assert it.index("Neuer Laptop") < it.index("Einstellung")
    assert 'href="/catalogue/laptop"' in html


def test_only_a_department_with_other_services_marks_its_top_requests(
    client: FlaskClient, catalogue_content: Path
) -> None:
    # IT offers two forms and lists both as top requests: a mark on each sets none apart.
    assert "Most requested" not in text_of(client.get("/catalogue/"))
    services(client.application).departments_check_seconds = 0.0  # no wait, for the test
    it_file = catalogue_content / "it" / "_department.yml"
    text = it_file.read_text(encoding="utf-8")
    # Onboarding alone on top, the laptop form after it: the mark sets it apart.
    it_file.write_text(text.replace("[laptop, onboarding]", "[onboarding]"), encoding="utf-8")
    html = text_of(client.get("/catalogue/"))
    it = html[html.index('id="dept-it"') :]
    top = it[it.index('href="/catalogue/onboarding"') : it.index('href="/catalogue/laptop"')]
    assert "Most requested" in top and it.count("Most requested") == 1


def test_the_form_shows_every_field_with_its_label_help_and_kind(client: FlaskClient) -> None:
    html = form_page(client, "/catalogue/laptop?description=my+old+one+broke")
    assert '<label for="field-for_whom">For whom</label>' in html
    assert 'id="field-needed_by" name="needed_by"' in html and 'type="date"' in html
    assert "The day it must be ready." in html
    assert '<option value="developer">Developer</option>' in html
    assert 'type="checkbox" value="1"' in html
    assert ">my old one broke</textarea>" in html
    assert "novalidate" in html


@pytest.mark.parametrize(
    ("lang", "hint", "ask_hint"),
    [
        ("en", "What the form does not ask for.", "What have you tried"),
        ("de", "Was das Formular nicht abfragt.", "Was haben Sie schon versucht"),
    ],
)
def test_the_anything_else_box_of_a_form_has_a_hint_that_fits_a_service(
    client: FlaskClient, lang: str, hint: str, ask_hint: str
) -> None:
    """The box under a service's own fields carried the free ask form's hint,
    "What have you tried, what is the situation?", on forms such as a new laptop
    or a new hire's onboarding, where nothing was tried."""
    html = form_page(client, f"/catalogue/laptop?hl={lang}")
    help_text = re.search(r'<p id="field-description-help" class="hint">([^<]*)</p>', html)
    assert help_text is not None and help_text[1].startswith(hint)
    assert ask_hint not in html


@pytest.mark.parametrize(("lang", "shown"), [("en", "YYYY-MM-DD"), ("de", "JJJJ-MM-TT")])
def test_a_date_field_shows_its_format_in_the_pages_language(
    client: FlaskClient, lang: str, shown: str
) -> None:
    """Where the browser has no date picker, the field is a text box that shows
    the format to type, in the reader's words (the server reads both the same)."""
    html = form_page(client, f"/catalogue/laptop?hl={lang}")
    field = re.search(r'<input id="field-needed_by"[^>]*>', html)
    assert field is not None and f'placeholder="{shown}"' in field[0]


def test_errors_are_shown_at_their_fields_and_what_was_typed_is_kept(
    client: FlaskClient, store: Store
) -> None:
    page = form_page(client, "/catalogue/laptop?hl=de")
    response = post_form(client, page, model="gold", needed_by="2020-01-01", description="Bitte")
    assert response.status_code == 400
    html = text_of(response)
    assert "Bitte prüfen Sie das Formular" in html
    for field, message in (
        ("for_whom", "Bitte ausfüllen"),
        ("model", "Bitte eine der Möglichkeiten wählen"),
        ("needed_by", "Das Datum muss heute"),
    ):
        error = re.search(rf'<p id="field-{field}-error" class="field-error">([^<]*)</p>', html)
        assert error is not None and message in error.group(1), field
        assert re.search(rf'id="field-{field}" name="{field}"[^>]*aria-invalid="true"', html)
        assert f'<a href="#field-{field}">' in html
    assert 'value="2020-01-01"' in html and ">Bitte</textarea>" in html
    assert store.list_requests() == []


def test_a_complete_form_files_the_request_and_its_page_shows_the_fields(
    client: FlaskClient, store: Store
) -> None:
    page = form_page(client)
    response = post_form(
        client, page, for_whom="Jana Fischer", model="developer", team="hr", docking="1"
    )
    assert response.status_code == 303, text_of(response)
    [filed] = store.list_requests()
    assert filed.fields == {
        "for_whom": "Jana Fischer", "model": "developer", "team": "hr", "docking": True}  # fmt: skip
    html = text_of(client.get(response.headers["Location"]))
    assert "Laptop for Jana Fischer" in html
    assert "<dt>Model</dt><dd>Developer</dd>" in html
    assert "<dt>Team</dt><dd>Human Resources</dd>" in html
    assert "<dt>With a docking station</dt><dd>yes</dd>" in html
    # In the form's order, not the stored (alphabetical) one.
    shown = re.findall(r"<dt>([^<]+)</dt><dd>", html.split('class="request-fields"')[1])
    assert shown[:4] == ["For whom", "Model", "Team", "With a docking station"]
    # The same form sent again (a double click) files nothing new.
    post_form(client, page, for_whom="Jana Fischer", model="developer", team="hr", docking="1")
    assert len(store.list_requests()) == 1


def test_every_name_the_form_sends_beside_its_fields_is_one_no_field_may_take(
    client: FlaskClient,
) -> None:
    """A field named like one of the form's own inputs (its CSRF token first) is
    read as that input's value, so the catalogue refuses such field names
    (`kb.catalogue.fields.FORM_OWN_NAMES`); the form sends no other of its own."""
    page = form_page(client)
    form = page[page.index('<form method="post" action="/catalogue/laptop"') :]
    form = form[: form.index("</form>")]
    fields = {"for_whom", "model", "needed_by", "team", "docking"}
    own = set(re.findall(r'<(?:input|textarea|select)[^>]*\sname="([^"]+)"', form)) - fields
    assert own and own <= FORM_OWN_NAMES


def test_an_unknown_service_is_a_page_not_found(client: FlaskClient) -> None:
    sign_in_as(client, "emma")
    assert client.get("/catalogue/tablet").status_code == 404


def test_a_form_opened_from_a_search_not_logged_keeps_the_words_searched_for(
    client: FlaskClient, store: Store
) -> None:
    page = form_page(client, "/catalogue/laptop?description=new+laptop&q=new+laptop&sref=forged")
    assert '<input type="hidden" name="search_query" value="new laptop">' in page
    assert '<input type="hidden" name="search_ref" value="forged">' in page
    search_ref = re.search(r'name="search_ref" value="([^"]*)"', page)
    assert search_ref is not None
    response = post_form(
        client,
        page,
        for_whom="Jana Fischer",
        model="standard",
        search_id="",
        search_ref=search_ref[1],
        search_query="new laptop",
    )
    assert response.status_code == 303, text_of(response)
    [filed] = store.list_requests()
    # A reference that is not this browser's links nothing; the words stay.
    assert (filed.search_id, filed.search_query) == (None, "new laptop")


def test_a_form_opened_from_a_logged_search_keeps_no_words(client: FlaskClient) -> None:
    page = form_page(client, "/catalogue/laptop?sid=7&q=new+laptop&sref=forged")
    assert '<input type="hidden" name="search_query" value="">' in page
    assert '<input type="hidden" name="search_ref" value="">' in page


def test_a_whole_form_error_names_the_field_as_the_german_form_does(client: FlaskClient) -> None:
    """A mistake the form shows above its fields named the field by its name in
    the request ("for_whom: enthält ein NUL-Zeichen", "search_query: 6000
    Zeichen") on the German form: it names it by the label the form shows."""
    page = form_page(client, "/catalogue/laptop?hl=de")
    nul = text_of(post_form(client, page, for_whom="Ja\x00na", model="standard"))
    assert "Für wen: enthält ein NUL-Zeichen" in nul and "for_whom:" not in nul
    long = text_of(
        post_form(client, page, for_whom="Jana", model="standard", search_query="q" * 600)
    )
    assert "Gesuchte Wörter: 600 Zeichen; erlaubt sind höchstens 500" in long
    assert "search_query:" not in long


def test_a_date_of_the_form_reads_as_the_pages_other_dates(client: FlaskClient) -> None:
    """The request's page showed "Needed by 2030-12-24" beside "Filed 5 December
    2026, 10:00 CET", and the same in German."""
    page = form_page(client)
    response = post_form(
        client, page, for_whom="Jana Fischer", model="developer", needed_by="2030-12-24"
    )
    assert response.status_code == 303, text_of(response)
    where = response.headers["Location"].split("#")[0]
    assert "<dt>Needed by</dt><dd>24 December 2030</dd>" in text_of(client.get(where + "?hl=en"))
    assert "<dt>Benötigt bis</dt><dd>24. Dezember 2030</dd>" in text_of(
        client.get(where + "?hl=de")
    )
