"""Form fields: what each type accepts, stores and refuses, in English and German."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kb.catalogue.fields import Choice, FieldContext, FieldSpec, FieldType
from kb.catalogue.problems import FieldErrors, FieldProblem
from kb.catalogue.templates import fill, placeholders, shown_value
from kb.catalogue.types import RequestType

CONTEXT = FieldContext(today=date(2026, 6, 10), departments=["hr", "it"])


def spec(kind: str, **extra: Any) -> FieldSpec:
    if kind == "choice":
        extra.setdefault("choices", (Choice("a", {"en": "Option A", "de": "Auswahl A"}),))
    return FieldSpec(name="f", type=FieldType(kind), label={"en": "F", "de": "Ff"}, **extra)


@pytest.mark.parametrize(
    ("kind", "extra", "raw", "stored"),
    [
        ("text", {}, "  Some words  ", "Some words"),
        ("person", {}, "  Jana   Fischer ", "Jana Fischer"),
        ("date", {}, "2027-01-04", "2027-01-04"),
        ("date", {"not_before_today": True}, "2026-06-10", "2026-06-10"),
        ("choice", {}, "a", "a"),
        ("department", {}, "it", "it"),
        ("boolean", {}, True, True),
        ("boolean", {}, "1", True),
        ("boolean", {}, None, False),
        ("boolean", {}, "", False),
        ("text", {}, "", None),
    ],
)
def test_values_are_stored_as_json_ready_values(
    kind: str, extra: dict[str, Any], raw: Any, stored: Any
) -> None:
    assert spec(kind, **extra).clean(raw, CONTEXT) == stored


@pytest.mark.parametrize(
    ("kind", "extra", "raw", "code"),
    [
        ("text", {"required": True}, "  ", "required"),
        ("text", {"max_length": 5}, "123456", "too_long"),
        ("text", {}, 42, "not_text"),
        ("text", {}, "bell\x07", "not_text"),
        ("person", {}, "12345", "not_a_name"),
        ("date", {}, "04.01.2027", "not_a_date"),
        ("date", {}, "2027-02-30", "not_a_date"),
        ("date", {"not_before_today": True}, "2026-06-09", "date_in_past"),
        ("choice", {}, "b", "unknown_choice"),
        ("department", {}, "sales", "unknown_department"),
        ("boolean", {}, "maybe", "not_boolean"),
        ("boolean", {"required": True}, False, "must_confirm"),
    ],
)
def test_wrong_values_are_refused_with_a_code(
    kind: str, extra: dict[str, Any], raw: Any, code: str
) -> None:
    with pytest.raises(FieldProblem) as caught:
        spec(kind, **extra).clean(raw, CONTEXT)
    assert caught.value.code == code


def test_problems_name_the_field_as_the_form_does_in_each_language() -> None:
    form = RequestType(
        id="laptop",
        department="it",
        title={"en": "Laptop"},
        fields=(
            FieldSpec("for_whom", FieldType.PERSON, {"en": "For whom", "de": "Für wen"}, True),
            FieldSpec("needed_by", FieldType.DATE, {"en": "Needed by", "de": "Benötigt bis"}),
        ),
    )
    with pytest.raises(FieldErrors) as caught:
        form.check({"needed_by": "tomorrow", "colour": "red"}, CONTEXT)
    errors = caught.value
    assert errors.status == 400 and errors.details["field"] == "fields.colour"
    assert errors.by_field("de") == {
        "colour": "Dieses Formular hat kein solches Feld",
        "for_whom": "Bitte ausfüllen",
        "needed_by": "Bitte ein Datum im Format JJJJ-MM-TT eingeben, z. B. 2027-01-04",
    }
    assert "Für wen: Bitte ausfüllen" in errors.message_in("de")
    assert "For whom: please fill this in" in errors.message
    assert errors.details["fields"]["for_whom"] == "please fill this in"
    with pytest.raises(FieldErrors, match="send the fields as an object"):
        form.check(["Jana"], CONTEXT)


def test_templates_fill_only_plain_names_with_values_as_people_read_them() -> None:
    choice = spec("choice")
    assert shown_value(choice, "a", "de") == "Auswahl A"
    assert shown_value(spec("boolean"), True, "de") == "ja"
    assert shown_value(spec("department"), "it", "en", {"it": "IT Services"}) == "IT Services"
    assert placeholders("Laptop for {new_hire}, starts {start_date}") == ["new_hire", "start_date"]
    assert fill("Laptop for {new_hire}", {"new_hire": "Jana"}) == "Laptop for Jana"
    # Attribute access and unknown names are left as written, never evaluated.
    assert fill("{new_hire.__class__} {x}", {"new_hire": "Jana"}) == "{new_hire.__class__} {x}"
