"""The settings of languages: the site's own language (`default_language`, the
language of mails to addresses without an account and of pages for a visitor
whose browser asks for none the product speaks), and for questions in another
language than the articles that answer them the query translation of `search.translation` through a bilingual
dictionary (docs/search.md, "Cross-language queries"; the fusion levers for
such queries are in `kb.fusion_settings`).

`LanguageSettings` is a part of `kb.settings.Settings` (which inherits its
fields), kept in a module of its own so the one settings table stays
readable; declare new fields as `kb.settings` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.i18n.languages import DEFAULT_LANGUAGE, written_languages
from kb.setting import setting


@dataclass(frozen=True)
class LanguageSettings:
    """The site's language; query translation through a bilingual dictionary."""

    default_language: str = setting(
        DEFAULT_LANGUAGE,
        "The site's language: mails to an address without an account (a department's "
        "queue) and to an account that picked no language (the weekly digest) are written "
        "in it, department webhooks' digests too, and pages take it for a visitor with no "
        "choice of their own (no hl, cookie or account language) whose browser's "
        "Accept-Language names none of the languages offered. A search question too short "
        "to tell its own language (under three characters, no letters, a few words without "
        "a language's own words) is read in it too, a signed-in user's in their account's; so is the mail to a "
        "requester who asked one, unless their account picked a language, and the form values, "
        "task titles, canned replies and draft of such a request, unless the requester's "
        "account picked a language.",
        choices=written_languages(),
    )

    translation_dictionary: str = setting(
        "auto",
        "German-English dictionary file (Ding format) that translates the words of a "
        "German query the index does not know into English terms it holds "
        "(search.translation): auto is Debian's trans-de-en file (/usr/share/trans/de-en) "
        "when installed, empty turns translation off.",
    )
    translation_dictionary_cache: str = setting(
        "auto",
        "Folder where the parsed translation dictionary is kept, so that a starting "
        "process reads it back instead of parsing the file again (a file per dictionary, "
        "rebuilt when the dictionary changes): auto is the user's cache folder "
        "($XDG_CACHE_HOME/spoc-kb, else ~/.cache/spoc-kb), empty keeps none.",
    )
    translation_boost: float = setting(
        0.6,
        "Keyword weight of a dictionary translation against the word the user typed.",
        minimum=0,
        maximum=2,
    )
    translation_terms: int = setting(
        3,
        "Dictionary translations kept per query word, most common first (0: none).",
        minimum=0,
    )
