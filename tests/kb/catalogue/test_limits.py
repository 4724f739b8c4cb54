"""Caps on what a department file and the value-stream file declare: request
types per department, fields per form, choices per field, value streams; each
reported with the file and line, in English and German."""

from __future__ import annotations

from pathlib import Path

from kb.catalogue.limits import MAX_CHOICES, MAX_FIELDS, MAX_REQUEST_TYPES, MAX_VALUE_STREAMS
from kb.catalogue.loading import check_catalogue, load_catalogue
from kb.i18n.problems import problem_text
from tests.kb.catalogue.test_loading import write


def request_type(name: str, fields: int = 1, choices: int = 0) -> str:
    lines = [f"  - id: {name}", f"    title: {{en: {name}}}", "    fields:"]
    for i in range(fields):
        lines.append(f"      - name: f{i}")
        if choices:
            lines.append("        type: choice")
            lines.append("        label: {en: Pick}")
            lines.append("        choices:")
            lines += [f"          - {{value: c{c}, label: {{en: C{c}}}}}" for c in range(choices)]
        else:
            lines.append("        type: text")
            lines.append("        label: {en: Text}")
    return "\n".join(lines) + "\n"


def test_request_types_past_the_cap_are_left_out_with_the_line(tmp_path: Path) -> None:
    types = "".join(request_type(f"t{i}") for i in range(MAX_REQUEST_TYPES + 2))
    write(tmp_path, "it", "name: IT\nrequest_types:\n" + types)
    catalogue, problems = load_catalogue(tmp_path, ["it"])
    assert len(catalogue.types) == MAX_REQUEST_TYPES
    assert f"t{MAX_REQUEST_TYPES - 1}" in catalogue.types
    assert f"t{MAX_REQUEST_TYPES}" not in catalogue.types
    [found] = problems
    assert (found.path, found.line) == ("it/_department.yml", 2)
    assert f"{MAX_REQUEST_TYPES + 2} request types" in str(found)
    assert f"at most {MAX_REQUEST_TYPES}" in str(found)


def test_a_form_of_too_many_fields_or_choices_is_left_out_with_the_line(tmp_path: Path) -> None:
    text = (
        "name: IT\nrequest_types:\n"
        + request_type("fine", fields=MAX_FIELDS, choices=MAX_CHOICES)
        + request_type("wide", fields=MAX_FIELDS + 1)
        + request_type("long", fields=1, choices=MAX_CHOICES + 1)
    )
    write(tmp_path, "it", text)
    catalogue, problems = load_catalogue(tmp_path, ["it"])
    assert sorted(catalogue.types) == ["fine"]
    wide, long = problems
    lines = text.splitlines()
    assert lines[wide.line - 1].strip() == "fields:" and "  - id: wide" in lines[wide.line - 3]
    assert f"request type 'wide' has {MAX_FIELDS + 1} fields" in str(wide)
    assert lines[long.line - 1].strip() == "choices:"
    assert f"field 'f0' has {MAX_CHOICES + 1} choices" in str(long)
    german = problem_text(long, "de")
    assert "Auswahlmöglichkeiten" in german and f"höchstens {MAX_CHOICES}" in german


def test_a_value_stream_file_past_the_cap_does_not_load(tmp_path: Path) -> None:
    write(tmp_path, "it", "name: IT\n")
    streams = "".join(
        f"  - name: s{i}\n    owner: it\n    title: {{en: S{i}}}\n"
        f"    tasks:\n      - {{key: t, department: it, title: {{en: T}}}}\n"
        for i in range(MAX_VALUE_STREAMS + 1)
    )
    (tmp_path / "_workflows.yml").write_text("# streams\nworkflows:\n" + streams, "utf-8")
    [found] = check_catalogue(tmp_path, ["it"])
    assert (found.path, found.line) == ("_workflows.yml", 2)
    assert f"{MAX_VALUE_STREAMS + 1} value streams" in str(found)
    assert "Wertströme" in problem_text(found, "de")


def test_a_value_stream_form_past_a_cap_does_not_load(tmp_path: Path) -> None:
    write(tmp_path, "it", "name: IT\n")
    form = request_type("x", fields=MAX_FIELDS + 1).split("    fields:\n", 1)[1]
    stream = (
        "workflows:\n  - name: wide\n    owner: it\n    title: {en: Wide}\n"
        "    tasks:\n      - {key: t, department: it, title: {en: T}}\n    fields:\n" + form
    )
    (tmp_path / "_workflows.yml").write_text(stream, "utf-8")
    [found] = check_catalogue(tmp_path, ["it"])
    assert (found.path, found.line) == ("_workflows.yml", 7)
    assert f"value stream 'wide' has {MAX_FIELDS + 1} fields" in str(found)
