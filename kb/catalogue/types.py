"""Request types and the catalogue that lists them.

A `RequestType` is one service a department offers ("New laptop", "Access
to a shared drive") or a value stream several departments deliver together
("Onboarding a new hire"). It has a title, a description and the fields of
its form; `summary` is the template of the title a filed request gets
("Laptop for {for_whom}"). The `Catalogue` holds every type by id and each
department's top requests in the order its department file lists them, and
finds the type a question asks for (`match`, by trigger phrases).

`check(values, context)` turns what a form sent into the values stored with
the request, or raises `FieldErrors` with every problem at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kb.catalogue.fields import FieldContext, FieldSpec, text_in
from kb.catalogue.problems import FieldErrors, FieldProblem
from kb.catalogue.replies import CannedReply
from kb.catalogue.templates import fill, shown_values
from kb.catalogue.triggers import TriggerIndex
from kb.errors import ValidationError


@dataclass(frozen=True)
class RequestType:
    """One entry of the service catalogue. `workflow` names the value stream it
    starts (the type's id), None for a request to one department."""

    id: str
    department: str
    title: Mapping[str, str]
    description: Mapping[str, str] = field(default_factory=dict)
    summary: Mapping[str, str] = field(default_factory=dict)
    fields: tuple[FieldSpec, ...] = ()
    triggers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    workflow: str | None = None

    def title_in(self, lang: str) -> str:
        return text_in(self.title, lang)

    def description_in(self, lang: str) -> str:
        return text_in(self.description, lang)

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def labels(self) -> dict[str, Mapping[str, str]]:
        return {f.name: f.label for f in self.fields}

    def check(self, sent: Any, context: FieldContext) -> dict[str, Any]:
        """The values to store, from the fields sent (a mapping of names to raw
        values); `FieldErrors` naming every problem otherwise."""
        if sent is None:
            sent = {}
        if not isinstance(sent, Mapping):
            raise FieldErrors([FieldProblem("fields", "not_an_object")], {}, prefix="")
        problems = [
            FieldProblem(str(n), "unknown_field") for n in sent if self.field(str(n)) is None
        ]
        values: dict[str, Any] = {}
        for spec in self.fields:
            try:
                value = spec.clean(sent.get(spec.name), context)
            except FieldProblem as problem:
                problems.append(problem)
                continue
            if value is not None:
                values[spec.name] = value
        if problems:
            raise FieldErrors(problems, self.labels())
        return values

    def summary_in(
        self, values: Mapping[str, Any], lang: str, department_names: Mapping[str, str]
    ) -> str:
        """The title of a request of this type with `values`: the summary filled
        in, or the type's title when it has no summary."""
        template = text_in(self.summary, lang)
        if not template:
            return self.title_in(lang)
        return fill(template, shown_values(self.fields, values, lang, department_names))


@dataclass(frozen=True)
class Catalogue:
    """Every request type by id, each department's top requests (type ids) and its
    canned replies."""

    types: Mapping[str, RequestType] = field(default_factory=dict)
    top: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    replies: Mapping[str, tuple[CannedReply, ...]] = field(default_factory=dict)
    # The types' trigger phrases folded once, made at the first `match`.
    _triggers: list[TriggerIndex[RequestType]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def get(self, type_id: str) -> RequestType:
        """The type; a ValidationError on the field `type` listing the known ones."""
        found = self.types.get(type_id)
        if found is None:
            known = ", ".join(sorted(self.types)) or "none are configured"
            raise ValidationError(
                f"type: unknown request type {type_id!r}; known: {known}",
                details={"field": "type", "value": type_id},
                key="unknown_type",
                values={"value": type_id, "known": known},
            )
        return found

    def of_workflow(self, workflow: str) -> RequestType | None:
        return next((t for t in self.types.values() if t.workflow == workflow), None)

    def of_department(self, department: str) -> list[RequestType]:
        """The department's types: its top requests first, then the rest by id."""
        top = [self.types[i] for i in self.top.get(department, ()) if i in self.types]
        rest = sorted(
            (t for t in self.types.values() if t.department == department and t not in top),
            key=lambda t: t.id,
        )
        return top + rest

    def top_requests(self, department: str) -> list[RequestType]:
        return [self.types[i] for i in self.top.get(department, ()) if i in self.types]

    def departments(self) -> list[str]:
        """Departments offering at least one type, in id order."""
        return sorted({t.department for t in self.types.values()})

    def match(self, text: str) -> RequestType | None:
        """The type whose triggers the text matches best; None when none matches."""
        found = self.matched(text)
        return found[0] if found is not None else None

    def matched(self, text: str) -> tuple[RequestType, float] | None:
        """`match` with how strongly the text asks for it, 0 to 1: its trigger score
        (`kb.catalogue.triggers.TriggerIndex.best_scored`) up to one whole word
        of a phrase of full weight. A match through "request" alone (weight
        0.24) is weaker evidence of the type than one through "new hire"."""
        if not self._triggers:
            self._triggers.append(TriggerIndex((t, t.triggers) for t in self.types.values()))
        found = self._triggers[0].best_scored(text)
        return (found[0], min(1.0, found[1])) if found is not None else None
