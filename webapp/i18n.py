"""The interface language: a small message catalogue and how a request picks one.

The language follows the browser's Accept-Language header. A visitor can
override it with `?hl=de` on any page (the language links in the header do
that); the choice is kept in a cookie. Content keeps its own language: a German
article stays German whatever the interface language is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask, Response, g, request

from webapp.insights.messages import INSIGHTS_MESSAGES
from webapp.requests.messages import REQUEST_MESSAGES

LANGUAGES = {"en": "English", "de": "Deutsch"}
DEFAULT = "en"
COOKIE = "kb_hl"
PARAM = "hl"
_COOKIE_MAX_AGE = 365 * 24 * 3600

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "site_name": "Knowledge Base",
        "tagline": "Answers from every department, in one place",
        "skip_link": "Skip to main content",
        "language": "Language",
        "search_label": "Search the knowledge base",
        "search_placeholder": "Ask a question, e.g. how do I report sick?",
        "search_button": "Search",
        "search_hint": "Type a question in your own words. Answers come from every department.",
        "suggestions": "Suggestions",
        "suggestion_title": "Article",
        "suggestion_query": "Popular search",
        "suggestions_count": "{n} suggestions. Use the up and down arrow keys to choose one.",
        "answer": "Answer",
        "answer_from": "From the article",
        "helpful_question": "Was this helpful?",
        "yes": "Yes",
        "no": "No",
        "feedback_thanks": "Thank you for your feedback.",
        "feedback_failed": "Your feedback could not be sent. Please try again.",
        "feedback_comment": "Comment (optional)",
        "feedback_comment_hint": "What was missing or wrong? Please leave out personal data.",
        "feedback_send": "Send feedback",
        "results": "Results",
        "results_count": "{total} results for “{query}”",
        "results_count_one": "1 result for “{query}”",
        "no_results": "No articles match your search.",
        "did_you_mean": "Did you mean",
        "unanswered_title": "We could not find a confident answer to your question.",
        "unanswered_text": "The results below may still help. If they don’t, ask {department} "
        "directly: your question goes to the people who can answer it.",
        "ask_department": "Ask {department}",
        "filters": "Filter results",
        "department": "Department",
        "all_departments": "All departments",
        "tags": "Tags",
        "apply_filters": "Apply filters",
        "clear_filters": "Clear all filters",
        "remove_filter": "Remove filter {name}",
        "pagination": "Result pages",
        "previous": "Previous",
        "next": "Next",
        "page_n": "Page {n}",
        "current_page": "Page {n}, current page",
        "owner": "Owner",
        "author": "Author",
        "original_file": "Original document",
        "download_original": "Download {name} ({format})",
        "extracted_note": "The text below was taken from the original document; tables, "
        "pictures and layout may differ.",
        "updated": "Last updated",
        "review_by": "Next review",
        "related": "Related articles",
        "tags_of_article": "Tags",
        "back_to_search": "Back to search",
        "triage_name": "Central Service Desk",
        "contact_email": "E-mail",
        "contact_phone": "Phone",
        "contact_location": "Location",
        "contact_hours": "Opening hours",
        "contact_url": "Web page",
        "error_title": "Something went wrong",
        "error_not_found": "We could not find that page.",
        "error_unavailable": "Search is not available right now. Please try again in a few minutes.",
        "error_generic": "The server could not complete your request.",
        "footer": "Cannot find what you need? Search with your own words or ask a department.",
    },
    "de": {
        "site_name": "Wissensdatenbank",
        "tagline": "Antworten aus allen Abteilungen an einem Ort",
        "skip_link": "Zum Hauptinhalt springen",
        "language": "Sprache",
        "search_label": "Wissensdatenbank durchsuchen",
        "search_placeholder": "Stellen Sie eine Frage, z. B. Wie melde ich mich krank?",
        "search_button": "Suchen",
        "search_hint": "Fragen Sie in Ihren eigenen Worten. Die Antworten kommen aus allen "
        "Abteilungen.",
        "suggestions": "Vorschläge",
        "suggestion_title": "Artikel",
        "suggestion_query": "Häufige Suche",
        "suggestions_count": "{n} Vorschläge. Mit den Pfeiltasten nach oben und unten auswählen.",
        "answer": "Antwort",
        "answer_from": "Aus dem Artikel",
        "helpful_question": "War das hilfreich?",
        "yes": "Ja",
        "no": "Nein",
        "feedback_thanks": "Danke für Ihre Rückmeldung.",
        "feedback_failed": "Ihre Rückmeldung konnte nicht gesendet werden. Bitte versuchen Sie "
        "es erneut.",
        "feedback_comment": "Kommentar (optional)",
        "feedback_comment_hint": "Was hat gefehlt oder war falsch? Bitte keine persönlichen Daten.",
        "feedback_send": "Rückmeldung senden",
        "results": "Ergebnisse",
        "results_count": "{total} Ergebnisse für „{query}“",
        "results_count_one": "1 Ergebnis für „{query}“",
        "no_results": "Keine Artikel passen zu Ihrer Suche.",
        "did_you_mean": "Meinten Sie",
        "unanswered_title": "Wir haben keine sichere Antwort auf Ihre Frage gefunden.",
        "unanswered_text": "Vielleicht helfen die Ergebnisse unten. Wenn nicht, fragen Sie "
        "direkt bei {department} nach: Ihre Frage geht an die Menschen, die sie beantworten "
        "können.",
        "ask_department": "{department} fragen",
        "filters": "Ergebnisse filtern",
        "department": "Abteilung",
        "all_departments": "Alle Abteilungen",
        "tags": "Schlagwörter",
        "apply_filters": "Filter anwenden",
        "clear_filters": "Alle Filter zurücksetzen",
        "remove_filter": "Filter {name} entfernen",
        "pagination": "Ergebnisseiten",
        "previous": "Zurück",
        "next": "Weiter",
        "page_n": "Seite {n}",
        "current_page": "Seite {n}, aktuelle Seite",
        "owner": "Verantwortlich",
        "author": "Verfasst von",
        "original_file": "Originaldokument",
        "download_original": "{name} herunterladen ({format})",
        "extracted_note": "Der folgende Text wurde aus dem Originaldokument übernommen; "
        "Tabellen, Bilder und Layout können abweichen.",
        "updated": "Zuletzt aktualisiert",
        "review_by": "Nächste Prüfung",
        "related": "Verwandte Artikel",
        "tags_of_article": "Schlagwörter",
        "back_to_search": "Zurück zur Suche",
        "triage_name": "Zentraler Service-Desk",
        "contact_email": "E-Mail",
        "contact_phone": "Telefon",
        "contact_location": "Ort",
        "contact_hours": "Servicezeiten",
        "contact_url": "Webseite",
        "error_title": "Etwas ist schiefgelaufen",
        "error_not_found": "Diese Seite gibt es nicht.",
        "error_unavailable": "Die Suche ist gerade nicht verfügbar. Bitte versuchen Sie es in "
        "einigen Minuten erneut.",
        "error_generic": "Der Server konnte Ihre Anfrage nicht ausführen.",
        "footer": "Nicht gefunden, was Sie suchen? Suchen Sie mit eigenen Worten oder fragen "
        "Sie eine Abteilung.",
    },
}

for _catalogue in (REQUEST_MESSAGES, INSIGHTS_MESSAGES):
    for _lang, _messages in _catalogue.items():
        MESSAGES[_lang].update(_messages)

_MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "de": (
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
}


def translate(lang: str, key: str, **values: Any) -> str:
    """The message `key` in `lang` (English when missing), with `{name}` filled in."""
    catalogue = MESSAGES.get(lang, MESSAGES[DEFAULT])
    text = catalogue.get(key) or MESSAGES[DEFAULT][key]
    return text.format(**values) if values else text


def format_date(lang: str, value: date | None) -> str:
    """`20 May 2026` in English, `20. Mai 2026` in German; empty for None."""
    if value is None:
        return ""
    month = _MONTHS.get(lang, _MONTHS[DEFAULT])[value.month - 1]
    if lang == "de":
        return f"{value.day}. {month} {value.year}"
    return f"{value.day} {month} {value.year}"


def choose_language() -> str:
    """The interface language of the current request."""
    asked = request.args.get(PARAM, "")
    if asked in LANGUAGES:
        return asked
    kept = request.cookies.get(COOKIE, "")
    if kept in LANGUAGES:
        return kept
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT) or DEFAULT


def current_language() -> str:
    lang = g.get("ui_lang")
    if lang is None:
        lang = g.ui_lang = choose_language()
    return str(lang)


def gettext(key: str, **values: Any) -> str:
    """`translate` in the current request's language (`_` in templates)."""
    return translate(current_language(), key, **values)


def _remember_choice(response: Response) -> Response:
    asked = request.args.get(PARAM, "")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(
            COOKIE,
            asked,
            max_age=_COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure,
        )
    return response


def init_app(app: Flask) -> None:
    app.after_request(_remember_choice)
    app.jinja_env.globals.update(
        _=gettext,
        ui_languages=LANGUAGES,
        current_language=current_language,
    )
    app.jinja_env.filters["localdate"] = lambda value: format_date(current_language(), value)
