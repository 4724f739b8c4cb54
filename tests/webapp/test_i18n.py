"""The interface language: chosen from the browser, overridable, complete in each language."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from kb.content.scanner import load_departments
from kb.i18n.catalog import (
    TRIAGE_WORDING,
    TriageName,
    domain_catalog,
    format_change,
    format_size,
)
from kb.i18n.languages import written_languages
from kb.store.protocols import Store
from tests.conftest import SAMPLE_CONTENT
from tests.support import sign_in_as, text_of
from webapp.i18n import LANGUAGES, LOCALES, MESSAGES, format_date, translate


def test_language_follows_accept_language_and_can_be_overridden(client: FlaskClient) -> None:
    html = text_of(client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}))
    assert '<html lang="de">' in html and "Wissensdatenbank durchsuchen" in html
    html = text_of(client.get("/?hl=en", headers={"Accept-Language": "de"}))
    assert '<html lang="en">' in html
    # The choice is remembered.
    html = text_of(client.get("/", headers={"Accept-Language": "de"}))
    assert '<html lang="en">' in html
    html = text_of(client.get("/?hl=xx", headers={"Accept-Language": "fr"}))
    assert '<html lang="en">' in html  # unknown codes are ignored


def test_a_visitor_whose_browser_names_no_language_offered_gets_the_sites(
    make_app: Callable[..., Flask], store: Store, people: object
) -> None:
    """With `default_language = "de"`: German for no Accept-Language, one that
    names no language offered, or `*`; the browser's language where it names
    one, and a choice of the visitor's own or the account's before either."""
    german = make_app(default_language="de")

    def lang_of(client: FlaskClient, path: str = "/", accept: str | None = None) -> str:
        headers = {} if accept is None else {"Accept-Language": accept}
        found = re.search(r'<html lang="(\w+)"', text_of(client.get(path, headers=headers)))
        assert found is not None
        return found.group(1)

    assert lang_of(german.test_client()) == "de"
    assert lang_of(german.test_client(), accept="fr-FR,fr;q=0.9") == "de"
    assert lang_of(german.test_client(), accept="*") == "de"
    assert lang_of(german.test_client(), accept="en-GB,en;q=0.8") == "en"
    assert lang_of(german.test_client(), accept="fr, en;q=0.5") == "en"
    visitor = german.test_client()
    assert lang_of(visitor, "/?hl=en") == "en"
    assert lang_of(visitor) == "en"  # the cookie keeps the choice
    store.set_language("ivan", "en")
    account = german.test_client()
    sign_in_as(account, "ivan")
    assert lang_of(account) == "en"
    # Left at its default, the site's language is English, as before.
    assert lang_of(make_app().test_client(), accept="fr") == "en"


def test_the_sites_languages_are_the_pages_languages() -> None:
    """Every language `default_language` offers has the pages' texts too."""
    assert tuple(LANGUAGES) == written_languages()


def test_german_article_page_dates(client: FlaskClient) -> None:
    html = text_of(client.get("/articles/hr/sick-leave.md?hl=de"))
    assert "20. Mai 2026" in html and "Zuletzt aktualisiert" in html


def test_both_catalogues_have_the_same_messages() -> None:
    assert set(MESSAGES["en"]) == set(MESSAGES["de"])
    assert format_date("de", None) == ""


def test_the_german_unanswered_text_fits_every_department_name() -> None:
    """ "fragen Sie direkt bei Zentraler Service-Desk nach": a name after "bei"
    needs the dative, which a department's own name does not take. The name
    stands where no case is needed, for every department of the sample content."""
    departments = load_departments(SAMPLE_CONTENT).values()
    names = [d.name for d in departments] + [d.shown_name("de") for d in departments]
    names.append(translate("de", "triage_name"))
    assert "Zentraler Service-Desk" in names and len(names) > 5
    for key in ("unanswered_text", "unanswered_text_none"):
        for name in names:
            text = translate("de", key, department=name)
            assert text.endswith(f" Zuständig: {name}."), text
            assert text.count(name) == 1, text


def test_german_texts_name_a_department_where_any_name_fits() -> None:
    """ "Alles von Zentraler Service-Desk", "Thema an Personalabteilung
    zugewiesen": a department's name as written takes no case and no article,
    which "von", "an", "für" or a subject need. Every German text that names a
    department puts the name after "Abteilung" (in apposition, where it stays as
    written) or after a colon."""
    placeholder = re.compile(r"\{(department|dept|departments)\}")
    fits = re.compile(r"(Abteilung |Abteilungen |: |\()\{(department|dept|departments)\}")
    named = {k: v for k, v in MESSAGES["de"].items() if placeholder.search(v)}
    assert len(named) > 40
    for key, text in named.items():
        assert len(placeholder.findall(text)) == len(fits.findall(text)), (key, text)
    assert translate("de", "home_more_of", department="Zentraler Service-Desk") == (
        "Alles aus der Abteilung Zentraler Service-Desk"
    )
    assert translate("en", "home_more_of", department="IT") == "Everything from IT"


# Keys the code builds from a prefix and a value (`_('figure_' ~ card.name)`,
# f"error_field_{field}"): their texts are used through the prefix.
BUILT_KEYS = (
    "chart_answered_per_",
    "chart_deflection_per_",
    "chart_searches_per_",
    "contact_",
    "csv_per_",
    "document_orphaned_",
    "error_field_",
    "error_http_",
    "figure_",
    "finding_",
)


def test_every_text_of_the_web_catalogues_is_used() -> None:
    """A text no page or view asks for is a leftover (or a page that forgot it):
    each key is named in the code, or is the singular of one (`plural`), or one of
    a family the code builds from a prefix."""
    root = Path(__file__).resolve().parents[2]
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("webapp", "kb")
        for pattern in ("*.py", "*.html", "*.js")
        for path in (root / folder).rglob(pattern)
    )
    keys = {k for path in (LOCALES / "en").glob("*.po") for k in _keys_of(path)}
    assert len(keys) > 300
    unused = [
        key
        for key in sorted(keys)
        if key.removesuffix("_one").removesuffix(TRIAGE_WORDING) not in code
        and not key.startswith(BUILT_KEYS)
    ]
    assert unused == []


def _keys_of(path: Path) -> list[str]:
    return re.findall(r'^msgid "(\w+)"$', path.read_text(encoding="utf-8"), re.MULTILINE)


@pytest.mark.usefixtures("people")
def test_file_sizes_are_written_with_the_pages_decimal_mark(client: FlaskClient) -> None:
    """The ask form's attachment hint said "je höchstens 10.0 MB" on German pages."""
    from tests.support import sign_in_as

    sign_in_as(client, "emma")
    assert "each at most 10.0 MB" in text_of(client.get("/ask/?department=it&hl=en"))
    assert "je höchstens 10,0 MB" in text_of(client.get("/ask/?department=it&hl=de"))
    assert format_size("de", 1_500) == "1,5 KB" and format_size("en", 12_345_678) == "12.3 MB"


def test_a_file_under_a_kilobyte_is_written_in_bytes() -> None:
    """A reply's 25-byte text file was listed as "0.0 KB", as if it were empty."""
    assert format_size("en", 25) == "25 bytes" and format_size("de", 25) == "25 Bytes"
    assert format_size("en", 1) == "1 byte" and format_size("de", 1) == "1 Byte"
    assert format_size("en", 999) == "999 bytes" and format_size("en", 1_000) == "1.0 KB"


def test_a_change_of_a_count_takes_a_minus_sign_and_the_language_s_grouping(
    app: Flask,
) -> None:
    """The gaps page wrote a falling trend "-40" with a hyphen."""
    assert format_change("en", -40) == "\u221240" and format_change("en", 1_240) == "+1,240"
    assert format_change("de", 1_240) == "+1.240" and format_change("de", 0) == "0"
    with app.test_request_context("/?hl=de"):
        assert render_template_string("{{ -1240|change }}") == "\u22121.240"


def test_texts_naming_the_triage_queue_do_not_call_it_a_department() -> None:
    """German pages said "Frage an die Abteilung Zentraler Service-Desk": the queue
    where questions no department owns go is no department. A text given its name
    (`TriageName`) takes the wording of its own where there is one, in both
    languages, and that wording calls it by its name, not a department."""
    queue = TriageName(translate("de", "triage_name"))
    assert translate("de", "ask_title", department=queue) == "Frage an den Zentralen Service-Desk"
    assert translate("de", "ask_title", department="Personal") == "Frage an die Abteilung Personal"
    assert translate("en", "ask_department", department=TriageName("Central Service Desk")) == (
        "Ask the Central Service Desk"
    )
    # A text without a wording of its own names it as it names a department.
    assert translate("de", "queue_title", department=queue).endswith("Zentraler Service-Desk")
    for catalog in (domain_catalog().messages, MESSAGES):
        wordings = {k for k in catalog["de"] if k.endswith(TRIAGE_WORDING)}
        assert wordings == {k for k in catalog["en"] if k.endswith(TRIAGE_WORDING)}
        for key in wordings:
            assert key.removesuffix(TRIAGE_WORDING) in catalog["de"], key
            assert "Abteilung Zentral" not in catalog["de"][key], key
            assert "Central Service Desk" in catalog["en"][key], key


def test_ranges_of_numbers_take_an_en_dash() -> None:
    """German insights read "Bewertung der Antworten (1-5)": a range of numbers
    is written with an en dash ("1–5"), a hyphen joins words. Dates to type
    (2027-01-04) and their format (JJJJ-MM-TT) are no ranges."""
    hyphenated = re.compile(r"(?<![\d-])(\d{1,3}|\{\w+\}) ?- ?(\d{1,3}|\{\w+\})(?![\d-])")
    found = [
        f"{lang} {key}: {text}"
        for lang, texts in MESSAGES.items()
        for key, text in texts.items()
        if hyphenated.search(text)
    ]
    assert not found, found
    assert MESSAGES["de"]["figure_average_rating"] == "Bewertung der Antworten (1–5)"
