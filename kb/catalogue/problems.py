"""What is wrong with a filled-in form, field by field, in the reader's language.

`FieldProblem` is one field's problem as a code and its values (the texts
are the `field_*` messages of `kb/i18n/locales/<lang>/forms.po`); `FieldErrors`
(a `ValidationError`, so HTTP 400 in the one error shape) carries all of a
form's problems with the fields' labels, so a page shows each beside its
field and an API client reads `details.fields`. `message_in(lang)` names
every field as the form names it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kb.errors import ValidationError
from kb.i18n.catalog import domain_catalog

# The problems a field can have; each one's text is `field_<code>` in the
# domain's catalogue (kb/i18n/locales/<lang>/forms.po).
CODES = frozenset(
    {
        "required", "not_text", "too_long", "not_a_name", "not_a_date", "date_in_past",
        "unknown_choice", "unknown_department", "not_boolean", "must_confirm",
        "unknown_field", "not_an_object",
    }
)  # fmt: skip


class FieldProblem(Exception):
    """One field's problem: its name, a code from `TEXTS` and the code's values."""

    def __init__(self, field: str, code: str, **values: Any) -> None:
        if code not in CODES:
            raise ValueError(f"unknown field problem {code!r}")
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code
        self.values = values

    def text_in(self, lang: str) -> str:
        """What is wrong, without the field's name (shown beside the field)."""
        return domain_catalog().translate(lang, f"field_{self.code}", **self.values)


class FieldErrors(ValidationError):
    """Every problem of one filled-in form (HTTP 400).

    `labels` maps field names to their labels by language; the English
    message names each field by its English label, `message_in` by the
    reader's. `details` keep the field names for clients: `field` (the first
    wrong one, as every validation error has it) and `fields` (name →
    what is wrong, in English).
    """

    def __init__(
        self,
        problems: Sequence[FieldProblem],
        labels: Mapping[str, Mapping[str, str]],
        prefix: str = "fields.",
    ) -> None:
        if not problems:
            raise ValueError("FieldErrors needs at least one problem")
        self.problems = list(problems)
        self.labels = labels
        self.prefix = prefix
        first = self.problems[0]
        super().__init__(
            self.message_in("en"),
            details={
                "field": prefix + first.field,
                "fields": {p.field: p.text_in("en") for p in self.problems},
            },
        )

    def label(self, field: str, lang: str) -> str:
        texts = self.labels.get(field, {})
        return texts.get(lang) or texts.get("en") or field

    def by_field(self, lang: str) -> dict[str, str]:
        """Field name → what is wrong with it, in `lang`."""
        return {p.field: p.text_in(lang) for p in self.problems}

    def details_in(self, lang: str) -> dict[str, Any]:
        return {**self.details, "fields": self.by_field(lang)}

    def message_in(self, lang: str, **shown: Any) -> str:
        return "; ".join(f"{self.label(p.field, lang)}: {p.text_in(lang)}" for p in self.problems)
