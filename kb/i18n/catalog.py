"""Reading the `.po` catalogues and translating keys into texts.

Why Babel and not Flask-Babel: the e-mails are written outside any web
request, and the web app picks its language itself (a parameter, a cookie,
then Accept-Language), so the one thing needed is reading `.po` files and
formatting dates in a locale; Babel does both. Flask-Babel would add compiled
`.mo` files (a build step) and request-bound lookups, and remove about ten
lines. The catalogues are read once per process.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.lists import format_list as babel_format_list
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as babel_format_decimal
from babel.plural import PluralRule

from kb.i18n.languages import DEFAULT_LANGUAGE, LOCALES

logger = logging.getLogger(__name__)

# Dates as people in each language write them (British English for English).
_DATE_LOCALES = {"en": "en_GB"}


# A text that names the triage queue where other texts name a department takes
# the wording of its own, under the key with this suffix, where the language has
# one: the queue is no department ("Frage an den Zentralen Service-Desk", not
# "Frage an die Abteilung Zentraler Service-Desk").
TRIAGE_WORDING = "_triage"


class TriageName(str):
    """The triage queue's shown name, as `translate` is given it in place of a
    department's name: the text takes its `TRIAGE_WORDING` wording."""

    __slots__ = ()


class Catalog:
    """Texts by language and key, read from folders of `<lang>/*.po` files."""

    def __init__(self, messages: Mapping[str, Mapping[str, str]]) -> None:
        self.messages = {lang: dict(texts) for lang, texts in messages.items()}

    @classmethod
    def read(cls, roots: Iterable[Path]) -> Catalog:
        messages: dict[str, dict[str, str]] = {}
        for root in roots:
            for folder in sorted(p for p in root.iterdir() if p.is_dir()):
                texts = messages.setdefault(folder.name, {})
                for path in sorted(folder.glob("*.po")):
                    texts.update(_read(path))
        return cls(messages)

    @property
    def languages(self) -> dict[str, str]:
        """Language code → its own name ("de" → "Deutsch"), the default first."""
        codes = sorted(self.messages, key=lambda c: (c != DEFAULT_LANGUAGE, c))
        return {
            code: (Locale.parse(code).get_display_name(code) or code).capitalize() for code in codes
        }

    def has(self, lang: str, key: str) -> bool:
        return bool(self.messages.get(lang, {}).get(key))

    def translate(self, lang: str, key: str, **values: Any) -> str:
        """The text of `key` in `lang` (the default language's when it has none there),
        with `{name}` filled in; the key itself, logged, when no language has it.
        Where a value is the triage queue's name (`TriageName`) and `lang` has a
        wording of `key` for it (`key` + `TRIAGE_WORDING`), that wording is used."""
        if any(isinstance(v, TriageName) for v in values.values()):
            key = key + TRIAGE_WORDING if self.has(lang, key + TRIAGE_WORDING) else key
        text = self.messages.get(lang, {}).get(key) or self.messages[DEFAULT_LANGUAGE].get(key)
        if not text:
            logger.error("i18n: no text for %r in any language", key)
            return key
        return text.format(**values) if values else text

    def plural(self, lang: str, key: str, count: int, **values: Any) -> str:
        """The text of `key` for `count` things, with `{n}` set to `count`.

        A count the language names in the singular ("1 result", "1 Ergebnis")
        takes the text `key_one`; any other count ("0 results", "2 Ergebnisse")
        takes `key`. The language's plural rule decides (Babel's CLDR data), so a
        language whose singular covers other counts needs no change here."""
        form = _plural_form(lang, count)
        if form != "other" and self.has(lang, f"{key}_{form}"):
            key = f"{key}_{form}"
        return self.translate(lang, key, **{"n": count, **values})

    def plural_forms(self, lang: str, key: str, **values: Any) -> dict[str, str]:
        """Every text of `key` in `lang` by CLDR plural category ("one", "other"…),
        `{n}` left in for the count: what a page script needs to word a count it
        learns later as `plural` would (the category from `Intl.PluralRules`)."""
        rule = _plural_rule(lang)
        forms = {"other": self.translate(lang, key, **{"n": "{n}", **values})}
        for tag in sorted(rule.tags - {"other"}):
            if self.has(lang, f"{key}_{tag}"):
                forms[tag] = self.translate(lang, f"{key}_{tag}", **{"n": "{n}", **values})
        return forms


@lru_cache(maxsize=16)
def _plural_rule(lang: str) -> PluralRule:
    return Locale.parse(lang).plural_form


def _plural_form(lang: str, count: int) -> str:
    """CLDR's plural category of `count` in `lang`: "one" or "other" in English and German."""
    return str(_plural_rule(lang)(abs(count)))


def _read(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string}


@lru_cache(maxsize=1)
def domain_catalog() -> Catalog:
    """The domain's texts (labels and e-mails) in every language."""
    return Catalog.read([LOCALES])


def format_date(lang: str, value: date | None) -> str:
    """`20 May 2026` in English, `20. Mai 2026` in German; empty for None."""
    if value is None:
        return ""
    return str(babel_format_date(value, "long", locale=_DATE_LOCALES.get(lang, lang)))


def date_locale(lang: str) -> str:
    """The locale `format_date` writes dates of `lang` by, as a BCP 47 tag
    (`en-GB`, `de`): for a browser's `Intl`, so that a date a script writes
    reads as the server writes it."""
    return _DATE_LOCALES.get(lang, lang).replace("_", "-")


def parsed_date(text: str | None) -> date | None:
    """`text` read as YYYY-MM-DD; None when it is not one (empty, typed otherwise)."""
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def format_moment(lang: str, value: datetime, zone: tzinfo) -> str:
    """A moment in `zone`, which it names so that readers elsewhere need not
    guess: `8 October 2026, 14:21 CEST` in English, `8. Oktober 2026, 14:21 MESZ`
    in German, the date as `format_date` writes it. The zone is the time zone
    database's abbreviation, or the language's own name for it where its
    catalogue has one (`zone_<abbreviation>`: German readers know Central
    European time as MEZ and MESZ). Babel's short names are not used: they are
    "MESZ" in German for Berlin but a bare "-0400" for New York."""
    local = value.astimezone(zone)
    return f"{format_date(lang, local.date())}, {local:%H:%M} {zone_name(lang, local)}"


def zone_name(lang: str, local: datetime) -> str:
    """The abbreviation of the zone `local` is in, as readers of `lang` write it."""
    abbreviation = local.tzname() or ""
    texts = domain_catalog()
    key = f"zone_{abbreviation}"
    return texts.translate(lang, key) if texts.has(lang, key) else abbreviation


def format_decimal(lang: str, value: float, pattern: str = "0.0") -> str:
    """`value` with the decimal mark of `lang` ("12.5" in English, "12,5" in
    German), in a Unicode number `pattern` ("0.0": one decimal, "0.##": up to two)."""
    return str(babel_format_decimal(value, pattern, locale=_DATE_LOCALES.get(lang, lang)))


# A number as an English text writes it: "1,048,576", "20.0", "31.5 MB", "12.5 %".
_ENGLISH_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?( (?:[A-Za-z]+|%))?")


def number_as_written(lang: str, text: str) -> str:
    """A value that an English text wrote as a number with separators ("1,048,576",
    "20.0 MB", "12.5 %") as `lang` writes it ("1.048.576", "20,0 MB", "12,5 %" in
    German), its decimals and unit kept; any other text (a whole number without
    separators, a date, a quoted value, a name) as it is."""
    found = _ENGLISH_NUMBER.fullmatch(text)
    if found is None or ("," not in found[1] and found[2] is None):
        return text
    whole, decimals, unit = found[1], found[2] or "", found[3] or ""
    pattern = ("#,##0" if "," in whole else "0") + ("." + "0" * len(decimals) if decimals else "")
    value = Decimal(whole.replace(",", "") + ("." + decimals if decimals else ""))
    return str(babel_format_decimal(value, pattern, locale=_DATE_LOCALES.get(lang, lang))) + unit


# The values texts name that are numbers or sizes as an English text wrote them.
NUMBER_VALUES = frozenset({"limit", "size", "most", "length", "parts", "count"})


def numbers_as_written(lang: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with each of `NUMBER_VALUES` that is a text as `number_as_written`
    says it in `lang`; the others (a value someone typed, quoted as typed) as given."""
    return {
        name: number_as_written(lang, value)
        if name in NUMBER_VALUES and isinstance(value, str)
        else value
        for name, value in values.items()
    }


def format_change(lang: str, value: int) -> str:
    """A change of a count as `lang` writes it, with its sign: "+1,240", "−40"
    (a minus sign, not a hyphen) and "0" in English; "+1.240" in German."""
    sign = "+" if value > 0 else "\u2212" if value < 0 else ""
    return sign + format_decimal(lang, abs(value), "#,##0")


def format_list(lang: str, items: Iterable[str]) -> str:
    """`items` as a sentence of `lang` lists them: "hr, agents and managers" in
    English, "hr, Bearbeitende und managers" in German; empty for none."""
    return str(babel_format_list(list(items), locale=_DATE_LOCALES.get(lang, lang)))


def format_size(lang: str, size: int) -> str:
    """A file's size as people of `lang` write it: "1.2 MB" in English, "1,2 MB"
    in German (kilobytes below a megabyte, as `kb.extract.base.human_size`), and
    bytes below a kilobyte: a note of 25 bytes read "0.0 KB", as if empty."""
    if size < 1000:
        return domain_catalog().plural(lang, "size_bytes", size)
    value, unit = (size / 1000, "KB") if size < 1_000_000 else (size / 1e6, "MB")
    return f"{format_decimal(lang, value, '#,##0.0')} {unit}"
