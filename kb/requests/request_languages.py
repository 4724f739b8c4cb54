"""The language a request's own texts are written in: its form's values, its
tasks' titles, the canned replies its agents fill and the draft made from it.

The question's language where it tells one; a question that tells none (too
short, or a few words without a language's own words: "VPN down") is read as
searches read it: in the requester's own language (the one their account
picked), else in the site's (`default_language`). The detector's default,
English, is no reading of such a question: on a German site "VPN down" got
English form values and task titles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kb.i18n.languages import written_languages
from kb.language import says_too_little
from kb.notify.notifier import request_language, told_language

if TYPE_CHECKING:
    from kb.accounts.records import User
    from kb.notify.notifier import Notifier


def told_reading(language_of: Callable[[str], str]) -> Callable[[str], str]:
    """`language_of` as a reading that tells "" where a text tells no language:
    `request_language`, the detector's guess (English then), becomes `told_language`."""
    return told_language if language_of is request_language else language_of


class RequestLanguages:
    """One rule for the language of a request's texts (see the module)."""

    def __init__(
        self,
        told: Callable[[str], str],
        account: Callable[[str], User | None],
        notifier: Notifier,
    ) -> None:
        # `told`: the language a text tells, "" where it tells none; `account`
        # finds a username's account; `notifier` holds the site's language.
        self.told = told
        self.account = account
        self.notifier = notifier

    def of(self, text: str, requester: str) -> str:
        """The language of `text`, a request of `requester` (a username)."""
        lang = "" if says_too_little(text) else self.told(text)
        if lang:
            return lang
        user = self.account(requester) if requester else None
        own = user.language if user is not None else ""
        return own if own in written_languages() else self.notifier.config.default_language

    def reader(self, requester: str) -> Callable[[str], str]:
        """`of` for the texts of one requester's request."""
        return lambda text: self.of(text, requester)
