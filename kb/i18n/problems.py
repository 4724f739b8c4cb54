"""Content problems in the reader's language, for the pages that show them.

A `Problem` (or the `ContentError` a file cannot be read past) carries its
English message for `kb validate`, the log and the JSON API, and the key of its
text (`kb.content.problem_texts`). A page says it from the catalogue's
`problem_<key>` and `problem_<key>_hint` (kb/i18n/locales/<lang>/problems.po),
the values filled in as the English message has them; a problem without a key
(or whose text names a value it does not carry) is shown in English, whole. A
text that frames a message written by a check elsewhere (`{detail}`: a
setting's check) says that message from the check's own error text where the
problem carries its key (`detail_key`), as written where it does not, and
names the part of a request form it is about in the reader's language where
it says which (`what_key`: "request type 'laptop', field 'model'"); a kind
of document (`{what}`: "Word document") is named in the reader's language
where the problem carries its kind (`what_kind`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from kb.errors import ContentError
from kb.i18n.catalog import Catalog, domain_catalog, numbers_as_written
from kb.records import Problem, printable

logger = logging.getLogger(__name__)


def _worded(
    key: str, values: Mapping[str, str], message: str, hint: str, lang: str, catalog: Catalog
) -> tuple[str, str]:
    """The message and the hint in `lang`; as given where there is no text to say them."""
    if not key or not catalog.has("en", f"problem_{key}"):
        return message, hint
    try:
        values = _with_detail(
            _with_kind(numbers_as_written(lang, values), lang, catalog), lang, catalog
        )
        said = catalog.translate(lang, f"problem_{key}", **values)
        said_hint = catalog.translate(lang, f"problem_{key}_hint", **values) if hint else ""
    except (KeyError, IndexError):
        logger.error("problem_%s names a value the problem does not carry: %s", key, values)
        return message, hint
    return said, said_hint


def _with_kind(values: Mapping[str, str], lang: str, catalog: Catalog) -> Mapping[str, str]:
    """`values` with the kind of document a text names (`what`) in `lang`, where the
    problem says which kind it is (`what_kind`: "Word-Dokument" in German, from
    `document_kind_<kind>`); as written otherwise."""
    kind = values.get("what_kind", "")
    if not kind or not catalog.has(lang, f"document_kind_{kind}"):
        return values
    return {**values, "what": catalog.translate(lang, f"document_kind_{kind}")}


def _with_detail(values: Mapping[str, str], lang: str, catalog: Catalog) -> Mapping[str, str]:
    """`values` with the `detail` a text frames said in `lang`, where the check that
    wrote it gave its error's key (`detail_key`: `error_<key>` in errors.po, its
    values beside it); as written otherwise."""
    key = values.get("detail_key", "")
    if not key or not catalog.has("en", f"error_{key}"):
        return values
    part = values.get("what_key", "")
    if part and catalog.has("en", f"error_{part}"):
        # The part of a request form the message is about ("Anfrageart 'laptop', Feld 'model'").
        values = {**values, "what": catalog.translate(lang, f"error_{part}", **values)}
    return {**values, "detail": catalog.translate(lang, f"error_{key}", **values)}


def problem_words(problem: Problem, lang: str, catalog: Catalog | None = None) -> tuple[str, str]:
    """The problem's message and hint in `lang`, for a page that shows the file
    and the line apart from them (the admins' list of setup problems)."""
    texts = catalog or domain_catalog()
    return _worded(
        problem.text_key, problem.text_values, problem.message, problem.hint, lang, texts
    )


def problem_text(problem: Problem, lang: str, catalog: Catalog | None = None) -> str:
    """The problem as `kb validate` prints it (severity, file, line, message, hint),
    in `lang`: "Fehler: it/bad.md: Status 'bogus' ist …"."""
    texts = catalog or domain_catalog()
    if not problem.text_key or not texts.has("en", f"problem_{problem.text_key}"):
        return str(problem)
    message, hint = _worded(
        problem.text_key, problem.text_values, problem.message, problem.hint, lang, texts
    )
    severity = texts.translate(lang, f"problem_severity_{problem.severity.value}")
    path = printable(problem.path)
    where = f"{path}:{problem.line}" if problem.line else path
    return f"{severity}: {where}: {message}" + (f" ({hint})" if hint else "")


def content_error_text(
    exc: ContentError, lang: str, catalog: Catalog | None = None, *, with_hint: bool = True
) -> str:
    """Why a file cannot be used, where, and what to do, in `lang`: the error's
    message (`it/bad.md:3: …`) and, `with_hint`, its hint in brackets."""
    texts = catalog or domain_catalog()
    reason, hint = _worded(exc.text_key, exc.text_values, exc.reason, exc.hint, lang, texts)
    where = f"{exc.path}:{exc.line}" if exc.line else exc.path
    return f"{where}: {reason}" + (f" ({hint})" if hint and with_hint else "")
