"""The spoc-kb web app: one search box over every department's articles.

`create_app(config)` builds a Flask app; nothing happens at import. `config`
is a `kb.settings.Settings`, a mapping, or None (settings from the file and
environment, see `kb.settings`). In a mapping, lower-case keys are settings
(`{"index_dir": ...}`) and upper-case keys go to Flask's config (`TESTING`,
`KB_ENGINE_FACTORY`, `KB_STORE_FACTORY`, `KB_BUILDER_FACTORY`); `KB_SETTINGS` may hold a `Settings`
that the lower-case keys then override, and `KB_SETTINGS_ORIGIN` the
`kb.live_settings.SettingsOrigin` of its file, whose webhook settings the
app then follows (as it does with the settings of None).

One package per audience, each with its pages (`routes`, blueprint named
after the package) and its part of the JSON API (`api`, blueprint
`<package>_api`, under /api/): `search` (/), `articles` (/articles/), `ask`
(/ask/), `catalogue` (/catalogue/), `requests` (/requests/), `auth` (/auth/:
sign-in, who is signed in, CSRF), `insights` (/insights/), `manage`
(/manage/) and `accounts` (/accounts/: administrators only); `_blueprints` lists them. `webapp.api` answers for the API as a
whole (/api/health, /api/openapi.json, described by `webapp.openapi`).
Shared: `services` (engine, store, request service), `errors`, `security`,
`i18n`, `inputs`, `query_params` (the query parameters each call takes), `departments`, `assets` (hashed URLs of the static files). Serve it with `kb serve` (gunicorn, see
`webapp.server`).
"""

from __future__ import annotations

import logging
import secrets
import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from kb.live_settings import SettingsOrigin
from kb.settings import Settings

if TYPE_CHECKING:
    from flask import Blueprint, Flask

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024


def _split_config(
    config: Mapping[str, Any] | Settings | None,
) -> tuple[Settings, dict[str, Any], SettingsOrigin | None]:
    """The settings, Flask's config and where the settings came from (whose file's
    webhook settings the app follows; None: a `Settings` handed in, nothing followed)."""
    if config is None:
        return Settings.load(), {}, SettingsOrigin.of()
    if isinstance(config, Settings):
        return config, {}, None
    flask_config = {k: v for k, v in config.items() if k.isupper()}
    overrides = {k: v for k, v in config.items() if not k.isupper()}
    base = flask_config.pop("KB_SETTINGS", None)
    origin = flask_config.pop("KB_SETTINGS_ORIGIN", None)
    settings = base.replace(**overrides) if isinstance(base, Settings) else Settings.load(overrides)
    return settings, flask_config, origin


def create_app(config: Mapping[str, Any] | Settings | None = None) -> Flask:
    """A new app for `config` (see the module docstring)."""
    # Flask is imported here, not at the top: `kb` imports webapp.commands for
    # every command, and most commands never serve.
    from flask import Flask

    from webapp import assets, errors, i18n, names, people, security, services, throttle
    from webapp.auth import identity, language_choice
    from webapp.auth import routes as auth
    from webapp.manage import body_limits
    from webapp.proxies import TrustedProxies
    from webapp.query_params import init_app as check_query_params
    from webapp.request_checks import init_app as check_requests
    from webapp.requests import files as request_files

    settings, flask_config, origin = _split_config(config)
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, **auth.session_config(settings))
    app.config.update(flask_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    services.init_app(app, settings, origin)
    # Without `secret_key`, the store's key (`kb.store.site_keys`), which the
    # services read when they started.
    secret = services.services(app).settings.secret_key
    if not secret:
        # A shared snapshot store's manifests are never signed with the store's
        # key; `kb serve` refuses to start such a node without `secret_key`.
        secret = secrets.token_hex(32)
        logger.info("no secret_key set; using a random one for this process")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret
    throttle.init_app(app, settings)
    request_files.init_app(app)  # before anything reads a body that may carry files
    body_limits.init_app(app)  # likewise for bodies that carry an article
    check_requests(app)  # ids beyond 64 bits, NUL characters: 400s before any view
    names.init_app(app)  # department names and article ids in composed form
    check_query_params(app)  # an API call's parameters: only those it declares
    errors.init_app(app)
    i18n.init_app(app, lambda: services.services(app).settings.default_language)
    identity.init_app(app)
    language_choice.init_app(app)  # after identity: it reads the signed-in user
    security.init_app(app)
    auth.init_app(app)
    assets.init_app(app)
    people.init_app(app)  # how every page names a person
    _init_templates(app, settings)

    for blueprint in _blueprints():
        app.register_blueprint(blueprint)
    # Forwarded headers count from the trusted proxies only (read per request, so a
    # test may change the settings of a running app).
    app.wsgi_app = TrustedProxies(  # type: ignore[method-assign]
        app.wsgi_app, lambda: services.services(app).settings.trusted_proxies
    )
    return app


def _blueprints() -> list[Blueprint]:
    """One package per audience, each with its pages and its part of the JSON API."""
    from webapp import api
    from webapp.accounts import api as accounts_api
    from webapp.accounts import routes as accounts
    from webapp.articles import api as articles_api
    from webapp.articles import routes as articles
    from webapp.ask import routes as ask
    from webapp.auth import api as auth_api
    from webapp.auth import password
    from webapp.auth import routes as auth
    from webapp.catalogue import api as catalogue_api
    from webapp.catalogue import routes as catalogue
    from webapp.insights import api as insights_api
    from webapp.insights import routes as insights
    from webapp.manage import api as manage_api
    from webapp.manage import document_history as manage_document_history
    from webapp.manage import documents as manage_documents
    from webapp.manage import pictures as manage_pictures
    from webapp.manage import routes as manage
    from webapp.requests import api as requests_api
    from webapp.requests import queue, task_api
    from webapp.requests import routes as requests
    from webapp.search import api as search_api
    from webapp.search import routes as search

    return [
        search.bp,
        search_api.bp,
        articles.bp,
        articles_api.bp,
        ask.bp,
        catalogue.bp,
        catalogue_api.bp,
        requests.bp,
        queue.bp,
        requests_api.bp,
        task_api.bp,
        auth.bp,
        password.bp,
        auth_api.bp,
        insights.bp,
        insights_api.bp,
        accounts.bp,
        accounts_api.bp,
        manage.bp,
        manage_api.bp,
        manage_documents.bp,
        manage_pictures.bp,
        manage_pictures.api,
        manage_document_history.bp,
        api.bp,
    ]


def url_with(**changes: Any) -> str:
    """The current path and query with some parameters replaced (None removes one).

    A list value sets a repeatable parameter (`tag=a&tag=b`). The thanks for a
    vote (`feedback=thanks`) belongs to the page it was given on and is left out:
    on another page or search it would thank for a vote nobody gave."""
    from flask import request

    from webapp.security import path_for_links

    args = request.args.copy()
    args.pop("feedback", None)
    for name, value in changes.items():
        args.pop(name, None)
        if value is None:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            args.add(name, str(item))
    query = urlencode(list(args.items(multi=True)))
    return path_for_links(request.path) + ("?" + query if query else "")


def _init_templates(app: Flask, settings: Settings) -> None:
    from webapp.articles.sanitize import passage_html, snippet_html, text_fragment
    from webapp.departments import department_name, department_tone
    from webapp.search.inputs import MAX_SUGGEST_CHARS

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(
        url_with=url_with,
        department_name=department_name,
        department_tone=department_tone,
        max_query_chars=settings.max_query_chars,
        max_suggest_chars=MAX_SUGGEST_CHARS,
        attachment_max_bytes=settings.attachment_max_bytes,
        attachment_max_count=settings.attachment_max_count,
    )
    app.jinja_env.filters.update(
        shell_word=shlex.quote,  # a name inside a command people copy into a shell
        snippet=snippet_html,
        passage=passage_html,
        text_fragment=text_fragment,
    )
