"""`kb validate` names each trigger phrase that carries no weight (file, line,
request type, phrase) and the request types past the cap on phrases."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kb.catalogue.limits import MAX_TRIGGERS
from kb.catalogue.loading import check_catalogue, load_catalogue
from kb.cli.main import main
from kb.i18n.problems import problem_words

BROAD = """\
name: Facilities
request_types:
  - id: chair
    title: {en: Office chair}
    triggers:
      en: [office chair, how, how do I, hr]
      de: [bürostuhl, wie kann ich]
"""


def _content(tmp_path: Path, department_file: str) -> Path:
    root = tmp_path / "content"
    (root / "facilities").mkdir(parents=True)
    (root / "facilities" / "_department.yml").write_text(department_file, encoding="utf-8")
    (root / "facilities" / "chairs.md").write_text(
        "---\ntitle: Chairs\n---\nAsk for a chair.\n", encoding="utf-8"
    )
    return root


def test_kb_validate_names_each_weightless_phrase_with_file_line_and_request_type(
    tmp_path: Path,
) -> None:
    root = _content(tmp_path, BROAD)
    done = CliRunner().invoke(
        main, ["validate", "--content", str(root)], env={"KB_SETTINGS": "/dev/null"}
    )
    assert done.exit_code == 0, done.output
    lines = done.stderr.splitlines()
    assert len(lines) == 4, lines
    common = "is made only of words any question may hold"
    assert lines[0].startswith(
        f"warning: facilities/_department.yml:6: request type 'chair': trigger phrase 'how' {common}"
    )
    assert "trigger phrase 'how do I' " + common in lines[1]
    assert "trigger phrase 'hr' has fewer than 3 letters" in lines[2]
    assert lines[3].startswith("warning: facilities/_department.yml:7: request type 'chair': ")
    assert "'wie kann ich'" in lines[3] and "carries no weight" in lines[3]
    assert all("write a phrase that names the service" in line for line in lines)
    # The type itself stays, with its phrases of weight.
    catalogue, problems = load_catalogue(root, ["facilities"])
    assert catalogue.match("my office chair is broken").id == "chair"  # type: ignore[union-attr]
    assert catalogue.match("how do I reset my password") is None
    message, hint = problem_words(problems[0], "de")
    assert "Auslösephrase 'how'" in message and "zählt daher nicht" in message
    assert hint.startswith("schreiben Sie eine Phrase")


def test_a_request_type_keeps_its_first_phrases_up_to_the_cap(tmp_path: Path) -> None:
    english = ", ".join(f"chair model {n}" for n in range(MAX_TRIGGERS - 5))
    german = ", ".join(f"stuhlmodell {n}" for n in range(10))
    root = _content(
        tmp_path,
        "name: Facilities\nrequest_types:\n  - id: chair\n    title: {en: Office chair}\n"
        f"    triggers:\n      en: [{english}]\n      de: [{german}]\n",
    )
    catalogue, problems = load_catalogue(root, ["facilities"])
    (problem,) = problems
    assert problem.line == 5 and problem.path == "facilities/_department.yml"
    assert f"request type 'chair' lists {MAX_TRIGGERS + 5} trigger phrases" in problem.message
    assert f"at most {MAX_TRIGGERS}" in problem.message
    kept = catalogue.get("chair").triggers
    assert len(kept["en"]) == MAX_TRIGGERS - 5 and kept["de"] == tuple(
        f"stuhlmodell {n}" for n in range(5)
    )
    assert catalogue.match("stuhlmodell 4 bitte").id == "chair"  # type: ignore[union-attr]
    assert catalogue.match("stuhlmodell 7 bitte") is None


def test_a_value_stream_s_weightless_phrases_are_named_at_its_line(tmp_path: Path) -> None:
    root = _content(tmp_path, "name: Facilities\n")
    (root / "_workflows.yml").write_text(
        "workflows:\n"
        "  - name: move\n"
        "    owner: facilities\n"
        "    title: {en: Office move}\n"
        "    triggers: {en: [office move, how do I], de: [wie kann ich]}\n"
        "    tasks:\n"
        "      - {key: plan, department: facilities, title: {en: Plan}}\n",
        encoding="utf-8",
    )
    problems = check_catalogue(root, ["facilities"])
    assert [(p.path, p.line, p.severity.value) for p in problems] == [
        ("_workflows.yml", 2, "warning"),
        ("_workflows.yml", 2, "warning"),
    ]
    assert problems[0].message.startswith("value stream 'move': trigger phrase 'how do I' is ")
    assert "'wie kann ich'" in problems[1].message
    message, _ = problem_words(problems[1], "de")
    assert message.startswith("Wertstrom 'move': Die Auslösephrase 'wie kann ich'")


def test_kb_validate_names_a_phrase_of_everyday_words(tmp_path: Path) -> None:
    root = _content(
        tmp_path, BROAD.replace("[office chair, how, how do I, hr]", "[office chair, need]")
    )
    done = CliRunner().invoke(
        main, ["validate", "--content", str(root)], env={"KB_SETTINGS": "/dev/null"}
    )
    assert done.exit_code == 0, done.output
    line = done.stderr.splitlines()[0]
    assert line.startswith("warning: facilities/_department.yml:6: request type 'chair': ")
    assert "trigger phrase 'need' is made only of everyday words" in line
    problems = load_catalogue(root, ["facilities"])[1]
    message, hint = problem_words(problems[0], "de")
    assert "Auslösephrase 'need'" in message and "Alltagswörtern" in message
    assert hint.startswith("schreiben Sie eine Phrase")
