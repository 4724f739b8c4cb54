"""The dates of a request's or task's title, worded in the reader's language.

A title filled from a form ("Onboarding Jana Fischer, starts 2027-01-04")
stores its dates as `YYYY-MM-DD`: one spelling in every language, that
webhooks, exports and the API keep relying on, and that never changes
meaning. Pages and mails show such a date as the reader's language writes
dates ("4 January 2027", "4. Januar 2027", `kb.i18n.catalog.format_date`),
so the stored title stays as it was, for new requests and old alike.

Only a whole date is read: four, two and two digits that name a real day,
not part of a longer number, word or timestamp ("2027-01-04T09:00").
"""

from __future__ import annotations

import re
from datetime import date

from kb.i18n.catalog import format_date

_ISO_DATE = re.compile(r"(?<![\w./-])(\d{4})-(\d{2})-(\d{2})(?![\w:/]|[.-]\w)")


def dated_title(title: str, lang: str) -> str:
    """`title` with each `YYYY-MM-DD` date written as `lang` writes dates."""
    return _ISO_DATE.sub(lambda m: _worded(m, lang), title)


def _worded(match: re.Match[str], lang: str) -> str:
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:  # 2027-02-30 is no day: left as written
        return match.group(0)
    return format_date(lang, day)
