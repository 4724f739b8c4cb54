"""The interface language of a request, and the texts in it.

The language follows the browser's Accept-Language header. A visitor can
override it with `?hl=de` on any page (the language links in the header do
that); the choice is kept in a cookie. A signed-in user whose browser has no
such cookie (another browser, a new device) gets the language the account last
picked (`users.language`, read through `ACCOUNT_LANGUAGE`, which
`webapp.auth.language_choice` provides) before Accept-Language. A browser whose
Accept-Language names none of the languages offered, or takes any (`*`), gets
the site's language, the setting `default_language`. Content keeps its own
language: a German article stays German whatever the interface language is.

The texts are the `.po` catalogues of `webapp/locales/<lang>/` (one file per
audience: search, requests, insights) together with the domain's labels and
mail texts (`kb/i18n/locales/`); see `kb.i18n`. The languages offered are the
folders there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import Flask, Response, current_app, g, request

from kb.errors import ContentError
from kb.i18n import catalog as domain
from kb.i18n.catalog import DEFAULT_LANGUAGE, Catalog
from kb.i18n.hyphenation import hyphenated
from kb.i18n.labels import label_of
from kb.i18n.notes import NoteTable
from kb.i18n.problems import content_error_text, problem_text, problem_words
from kb.records import Problem
from kb.requests.title_dates import dated_title

LOCALES = Path(__file__).resolve().parent / "locales"
DEFAULT = DEFAULT_LANGUAGE
COOKIE = "kb_hl"
PARAM = "hl"
# app.extensions key: a callable giving the signed-in account's saved language
# ("" for none or a visitor); the auth side registers it, so i18n imports no auth.
ACCOUNT_LANGUAGE = "kb_account_language"
# app.extensions key: a callable giving the site's language (`default_language`).
SITE_LANGUAGE = "kb_site_language"
_COOKIE_MAX_AGE = 365 * 24 * 3600


@lru_cache(maxsize=1)
def web_catalog() -> Catalog:
    """Every text of the web app, the domain's labels included."""
    return Catalog.read([domain.LOCALES, LOCALES])


MESSAGES: dict[str, dict[str, str]] = web_catalog().messages
LANGUAGES: dict[str, str] = web_catalog().languages


def translate(lang: str, key: str, **values: Any) -> str:
    """The message `key` in `lang` (English when missing), with `{name}` filled in."""
    return web_catalog().translate(lang, key, **values)


def format_date(lang: str, value: date | None) -> str:
    """`20 May 2026` in English, `20. Mai 2026` in German; empty for None."""
    return domain.format_date(lang, value)


def choose_language() -> str:
    """The interface language of the current request."""
    asked = request.args.get(PARAM, "")
    if asked in LANGUAGES:
        return asked
    kept = request.cookies.get(COOKIE, "")
    if kept in LANGUAGES:
        return kept
    account_language = current_app.extensions.get(ACCOUNT_LANGUAGE)
    saved = account_language() if account_language is not None else ""
    if saved in LANGUAGES:
        return str(saved)
    site = site_language()
    # The site's language first: it wins a tie, such as `*` or none named.
    offered = sorted(LANGUAGES, key=lambda code: code != site)
    return request.accept_languages.best_match(offered, default=site) or site


def searcher_language() -> str:
    """The language of a question too short to tell its own (`Query.fallback_lang`):
    the signed-in account's saved language, else the site's. The interface
    language is not asked: a browser's Accept-Language says what pages it
    reads, not what its user writes."""
    account_language = current_app.extensions.get(ACCOUNT_LANGUAGE)
    saved = account_language() if account_language is not None else ""
    return str(saved) if saved in LANGUAGES else site_language()


def site_language() -> str:
    """The site's language (`default_language`), where the app was told it."""
    configured = current_app.extensions.get(SITE_LANGUAGE)
    lang = configured() if configured is not None else DEFAULT
    return str(lang) if lang in LANGUAGES else DEFAULT


def current_language() -> str:
    lang = g.get("ui_lang")
    if lang is None:
        lang = g.ui_lang = choose_language()
    return str(lang)


@lru_cache(maxsize=64)
def _language_name(code: str, lang: str) -> str:
    try:
        name = Locale.parse(code).get_display_name(lang) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def language_name(code: str) -> str:
    """The name of language `code` in the interface language ("en" is "Englisch"
    on a German page): what a screen reader says for the short "EN" mark."""
    return _language_name(code, current_language())


def gettext(key: str, **values: Any) -> str:
    """`translate` in the current request's language (`_` in templates)."""
    return translate(current_language(), key, **values)


def plural(key: str, count: int, **values: Any) -> str:
    """The text of `key` for `count` things in the current request's language,
    `{n}` being the count: `key_one` for one thing, `key` for any other count
    (`plural('queue_tasks', 3)` in templates; see `Catalog.plural`)."""
    return web_catalog().plural(current_language(), key, count, **values)


def plural_forms(key: str, **values: Any) -> dict[str, str]:
    """The texts of `key` by plural category in the current request's language, for
    a page script that counts (`data-msg-count='{{ plural_forms(key) | tojson }}'`;
    see `Catalog.plural_forms`)."""
    return web_catalog().plural_forms(current_language(), key, **values)


def note_text(
    notes: NoteTable, text: str, reader: str = "", name_of: Callable[[str], str] | None = None
) -> str:
    """A stored text the product wrote itself (a version's note, a request's
    history entry) in the current request's language, said to `reader` where
    it has words for them, the people it names by `name_of`; any other as
    written (see `kb.i18n.notes`)."""
    return notes.say(text, current_language(), web_catalog(), reader, name_of)


def label(kind: str, value: str) -> str:
    """The label of an enum member (`label('status', 'new')` in templates), the one
    e-mails use too (see `kb.i18n.labels`)."""
    return label_of(kind, value, current_language(), web_catalog())


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


def said_problem(problem: Problem | ContentError | str) -> str:
    """A content problem (or why a file cannot be used) in the page's language
    (`kb.i18n.problems`); a text already worded (a document's, as the indexer
    recorded it) as it is."""
    if isinstance(problem, Problem):
        return problem_text(problem, current_language(), web_catalog())
    if isinstance(problem, ContentError):
        return content_error_text(problem, current_language(), web_catalog())
    return problem


def said_words(problem: Problem) -> tuple[str, str]:
    """A problem's message and hint in the page's language (`kb.i18n.problems`)."""
    return problem_words(problem, current_language(), web_catalog())


def init_app(app: Flask, site: Callable[[], str] = lambda: DEFAULT) -> None:
    """Language choice and the template helpers; `site` gives the site's language."""
    app.extensions[SITE_LANGUAGE] = site
    app.after_request(_remember_choice)
    app.jinja_env.globals.update(
        _=gettext,
        label=label,
        plural=plural,
        plural_forms=plural_forms,
        language_name=language_name,
        ui_languages=LANGUAGES,
        current_language=current_language,
        date_locale=lambda: domain.date_locale(current_language()),
    )
    app.jinja_env.filters["problem_text"] = said_problem
    app.jinja_env.filters["problem_words"] = said_words
    app.jinja_env.filters["localdate"] = lambda value: format_date(current_language(), value)
    # A date field's `YYYY-MM-DD` as the page writes dates; empty when it is none.
    app.jinja_env.filters["localisodate"] = lambda text: format_date(
        current_language(), domain.parsed_date(text)
    )
    # A request's or task's title: its stored `YYYY-MM-DD` dates as the reader writes dates.
    app.jinja_env.filters["request_title"] = lambda title: dated_title(title, current_language())
    # A heading's text in `lang`: where its long words may break (German compounds).
    app.jinja_env.filters["hyphenated"] = hyphenated
    app.jinja_env.filters["filesize"] = lambda size: domain.format_size(current_language(), size)
    app.jinja_env.filters["change"] = lambda value: domain.format_change(current_language(), value)
    app.jinja_env.filters["localdecimal"] = lambda value, pattern="0.0": domain.format_decimal(
        current_language(), value, pattern
    )
