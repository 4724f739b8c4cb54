"""Content problems: English as `kb validate` and the JSON API print them, and
in the reader's language on pages, from the same key and values."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli.main import main
from kb.content.article_images import FolderImages
from kb.content.markdown_article import parse_article
from kb.content.problem_texts import TEXTS
from kb.content.readers import check_file_name, read_article
from kb.content.regular_files import read_regular_file
from kb.content.scanner import read_text_of
from kb.errors import ContentError
from kb.i18n.catalog import domain_catalog
from kb.i18n.problems import content_error_text, problem_text
from kb.records import Problem, Severity

# What `kb validate` printed before problems had keys: scripts read these lines.
ENGLISH = {
    "---\ntitle: T\nstatus: bogus\n---\nText.\n": "error: it/bad.md: status 'bogus' is not one "
    "of draft, review, published, retired (set status to one of the allowed values)",
    "---\ntitle: [a\n---\nText.\n": "error: it/bad.md:2: front matter is not valid YAML: "
    "the list opened on this line is not closed with ']' (fix the YAML between the '---' lines "
    "(quote values containing ':'))",
    "Just text.\n": "warning: it/bad.md: no title in front matter or heading; using the file "
    "name (add title: … to the front matter or start the article with a # heading)",
    "---\ntitle: T\ntilte: U\n---\nText.\n": "warning: it/bad.md: unknown field 'tilte'; did "
    "you mean 'title'? It is ignored (rename it to title)",
    "---\ntitle: T\nupdated: soon\n---\nText.\n": "warning: it/bad.md: field 'updated' is not a "
    "date (YYYY-MM-DD): 'soon'; ignored",
    "---\ntitle: T\naudience: []\n---\nText.\n": "error: it/bad.md: audience is empty; the "
    "article is restricted to its department's content owners and admins until this is fixed "
    "(write audience: [everyone] for everyone, or audience: [hr, managers])",
}


def _problems(text: str) -> list[Problem]:
    _, problems = read_text_of(text, "it/bad.md", 1_000_000, None)
    return problems


@pytest.mark.parametrize(("text", "line"), list(ENGLISH.items()))
def test_the_english_text_is_as_kb_validate_printed_it(text: str, line: str) -> None:
    said = [str(p) for p in _problems(text)]
    assert line in said, said
    [problem] = [p for p in _problems(text) if str(p) == line]
    assert problem.text_key  # and a page can say it in its language
    assert problem_text(problem, "en") == line


def test_a_german_reader_reads_the_problem_in_german() -> None:
    [status] = _problems("---\ntitle: T\nstatus: bogus\n---\nText.\n")
    assert problem_text(status, "de") == (
        "Fehler: it/bad.md: Status 'bogus' ist keiner der Werte draft, review, published, "
        "retired (setzen Sie status auf einen der erlaubten Werte)"
    )
    [unknown] = _problems("---\ntitle: T\ntilte: U\n---\nText.\n")
    assert problem_text(unknown, "de") == (
        "Warnung: it/bad.md: Unbekanntes Feld 'tilte'; meinten Sie 'title'? Es wird ignoriert "
        "(benennen Sie es in title um)"
    )


@pytest.mark.parametrize(
    ("raw", "english", "german"),
    [
        (
            b"---\ntitle: T\n---\nab\xffcd\n",
            "it/bad.md:4: invalid UTF-8 at byte 19 (b'\\xff') (save the file as UTF-8)",
            "it/bad.md:4: Ungültiges UTF-8 an Byte 19 (b'\\xff') (speichern Sie die Datei als UTF-8)",
        ),
        (
            b"ab\x00cd",
            "it/bad.md: file is binary, not Markdown text "
            "(only Markdown (.md) text files are articles)",
            "it/bad.md: Die Datei ist binär, kein Markdown-Text "
            "(nur Markdown-Textdateien (.md) sind Artikel)",
        ),
        (
            b"> " * 200 + b"deep\n",
            "it/bad.md:1: the Markdown cannot be rendered: lists, quotes or HTML elements are "
            "nested too deeply: more than 100 levels; the article is not published (write the "
            "lists and quotes at fewer levels, or split the article)",
            "it/bad.md:1: Das Markdown kann nicht dargestellt werden: lists, quotes or HTML "
            "elements are nested too deeply: more than 100 levels; der Artikel wird nicht "
            "veröffentlicht (schreiben Sie die Listen und Zitate mit weniger Ebenen oder teilen "
            "Sie den Artikel)",
        ),
    ],
)
def test_a_file_that_cannot_be_used_is_named_in_the_readers_language(
    raw: bytes, english: str, german: str
) -> None:
    with pytest.raises(ContentError) as caught:
        parse_article(raw, "it/bad.md", render_seconds=None)
    assert f"{caught.value.message} ({caught.value.hint})" == english  # as before
    assert content_error_text(caught.value, "en") == english
    assert content_error_text(caught.value, "de") == german


def test_a_picture_that_is_not_shown_is_named_in_the_readers_language(tmp_path: Path) -> None:
    (tmp_path / "it").mkdir()
    (tmp_path / "it" / "empty.png").write_bytes(b"")
    body = "---\ntitle: T\n---\nText\n\n![a](gone.png)\n![b](https://x/y.png)\n![c](empty.png)\n"
    images = FolderImages(str(tmp_path / "it"))
    _, problems = parse_article(body.encode(), "it/a.md", images=images, render_seconds=None)
    assert [str(p) for p in problems] == [
        "warning: it/a.md:6: image 'gone.png' is not shown: there is no such file (check the "
        "file name and its folder (letter case counts); the page shows the picture's alt text "
        "instead)",
        "warning: it/a.md:7: image 'https://x/y.png' is not shown: pictures on other hosts are "
        "never loaded (no tracking of readers); the page links to it (put the picture into the "
        "article's folder and name it by its file name; the page shows the picture's alt text "
        "instead)",
        "warning: it/a.md:8: image 'empty.png' is not shown: the file is empty (save the "
        "picture as PNG or JPEG under this name; the page shows the picture's alt text instead)",
    ]
    german = [problem_text(p, "de") for p in problems]
    assert german[0] == (
        "Warnung: it/a.md:6: Bild 'gone.png' wird nicht angezeigt: es gibt keine solche Datei "
        "(prüfen Sie den Dateinamen und seinen Ordner (Groß- und Kleinschreibung zählt); die "
        "Seite zeigt stattdessen den Alternativtext des Bildes)"
    )
    assert german[2].startswith("Warnung: it/a.md:8: Bild 'empty.png' wird nicht angezeigt: ")
    assert all("is not shown" not in text for text in german), german


def test_a_file_name_that_cannot_be_an_article_is_named_in_the_readers_language() -> None:
    with pytest.raises(ContentError) as caught:
        read_article("/nowhere/a.md", "a.md", 1_000)
    assert content_error_text(caught.value, "en") == (
        "a.md: article is not inside a department folder "
        "(move it into a department folder such as hr/ or it/)"
    )
    assert content_error_text(caught.value, "de") == (
        "a.md: Der Artikel liegt in keinem Abteilungsordner "
        "(verschieben Sie ihn in einen Abteilungsordner wie hr/ oder it/)"
    )
    with pytest.raises(ContentError) as caught:
        check_file_name("it/a\\b.md")
    assert "Backslash (\\), den eine Artikel-ID" in content_error_text(caught.value, "de")


def _refused(path: Path, max_bytes: int = 1_000_000, **keys: str) -> ContentError:
    with pytest.raises(ContentError) as caught:
        read_regular_file(path, max_bytes, "it/a.md", **keys)
    return caught.value


def test_a_file_that_is_not_read_is_named_as_before_and_in_the_readers_language(
    tmp_path: Path,
) -> None:
    def english(exc: ContentError) -> str:
        said = f"{exc.message} ({exc.hint})" if exc.hint else exc.message
        assert content_error_text(exc, "en") == said
        return said

    (tmp_path / "a.md").write_bytes(b"x" * 5_000)
    (tmp_path / "link.md").symlink_to(tmp_path / "a.md")
    os.link(tmp_path / "a.md", tmp_path / "twice.md")
    (tmp_path / "one.md").write_bytes(b"x" * 5_000)
    assert english(_refused(tmp_path / "gone.md")) == "it/a.md: file does not exist"
    assert english(_refused(tmp_path / "link.md")) == (
        "it/a.md: not a regular file (a symbolic link, named pipe, device or socket); skipped "
        "(put the file itself in the folder, not a link to it)"
    )
    document = _refused(tmp_path / "link.md", not_a_file="not_a_file_document")
    assert english(document).endswith("skipped (put the document itself in the folder)")
    hard_link = _refused(tmp_path / "twice.md")
    assert english(hard_link) == (
        "it/a.md: a hard link: the file has 2 names on disk, and only a file with one name is "
        "read; skipped (put a copy of the file in the folder (cp, not ln), or remove its other "
        "names; a content file is read only when this is its one name)"
    )
    assert content_error_text(hard_link, "de") == (
        "it/a.md: Ein Hardlink: Die Datei hat 2 Namen auf der Festplatte, und gelesen wird nur "
        "eine Datei mit einem einzigen Namen; übersprungen (legen Sie eine Kopie der Datei in "
        "den Ordner (cp, nicht ln) oder entfernen Sie ihre anderen Namen; eine Inhaltsdatei "
        "wird nur gelesen, wenn dies ihr einziger Name ist)"
    )
    hints = {
        "too_large_file": "split it into smaller files",
        "too_large": "split the article into smaller ones or raise max_file_bytes",
        "too_large_on_disk": "split the article into smaller ones on disk, or raise max_file_bytes",
    }
    for key, hint in hints.items():
        big = _refused(tmp_path / "one.md", 4_999, too_large=key)
        assert english(big) == f"it/a.md: file is 5,000 bytes, over the 4,999-byte limit ({hint})"
        assert content_error_text(big, "de").startswith(
            "it/a.md: Die Datei hat 5.000 Bytes, mehr als die Grenze von 4.999 Bytes ("
        )
    german = content_error_text(_refused(tmp_path / "link.md"), "de")
    assert german.startswith("it/a.md: Keine reguläre Datei") and "not a link" not in german


def test_a_problem_without_a_text_key_stays_english_whole() -> None:
    problem = Problem("it/x.pdf", "PDF is password-protected", hint="save a copy")
    assert problem_text(problem, "de") == str(problem)
    odd = Problem("it/x.md", "status 'x' …", severity=Severity.WARNING, text_key="no_such_key")
    assert problem_text(odd, "de") == str(odd)


def test_every_problem_text_has_its_words_in_every_language() -> None:
    """The English catalogue says what `kb validate` says; every language has a
    text (and a hint where the English has one) naming the same values."""
    catalog = domain_catalog()

    def names(text: str) -> set[str]:
        return set(re.findall(r"\{(\w+)\}", text))

    for key, (message, hint) in TEXTS.items():
        assert catalog.messages["en"][f"problem_{key}"] == message, key
        assert catalog.messages["en"].get(f"problem_{key}_hint", "") == hint, key
        for lang in catalog.languages:
            assert names(catalog.messages[lang][f"problem_{key}"]) == names(message), (lang, key)
            if hint:
                said = catalog.messages[lang][f"problem_{key}_hint"]
                assert names(said) == names(hint), (lang, key)
    keys = {k for k in catalog.messages["en"] if k.startswith("problem_")}
    made = {f"problem_{k}" for k in TEXTS} | {f"problem_{k}_hint" for k, t in TEXTS.items() if t[1]}
    assert keys - made == {"problem_severity_error", "problem_severity_warning"}


def test_kb_validate_prints_english_whatever_the_language(tmp_path: Path) -> None:
    (tmp_path / "content" / "it").mkdir(parents=True)
    bad = "---\ntitle: T\nstatus: bogus\n---\nText.\n"
    (tmp_path / "content" / "it" / "bad.md").write_text(bad, encoding="utf-8")
    env = {
        "KB_SETTINGS": "/dev/null",
        "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.db'}",
        "KB_CONTENT_DIR": str(tmp_path / "content"),
        "KB_INDEX_DIR": str(tmp_path / "index"),
        "LANG": "de_DE.UTF-8",
    }
    runner = CliRunner()
    done = runner.invoke(main, ["validate"], env=env)
    assert ENGLISH[bad] in done.stderr
    found = json.loads(runner.invoke(main, ["validate", "--json"], env=env).stdout)
    [problem] = [p for p in found["problems"] if p["path"] == "it/bad.md"]
    assert problem == {
        "path": "it/bad.md",
        "line": None,
        "severity": "error",
        "kind": "field",
        "message": "status 'bogus' is not one of draft, review, published, retired",
        "hint": "set status to one of the allowed values",
    }


def test_the_content_root_s_own_problems_are_named_in_the_readers_language(
    tmp_path: Path,
) -> None:
    """Department files, display names, duplicate ids and folder links: English as
    `kb validate` printed them, and German on pages."""
    from kb.content.scanner import scan_content

    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    (root / "hr").mkdir()
    (root / "it" / "_department.yml").write_bytes(b"name: IT \xff\n")
    (root / "hr" / "_department.yml").write_text("display_names: {xx: Personal}\n", "utf-8")
    for name in ("vpn.md", "VPN.md"):
        (root / "hr" / name).write_text("---\ntitle: VPN\n---\nText.\n", "utf-8")
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", root / "hr" / "linked")
    found = {p.path: p for p in scan_content(root).problems}
    expected = {
        "it/_department.yml": (
            "warning: it/_department.yml: department file is not UTF-8 (save it as UTF-8)",
            "Warnung: it/_department.yml: Die Abteilungsdatei ist nicht in UTF-8 gespeichert "
            "(speichern Sie sie als UTF-8)",
        ),
        "hr/_department.yml": (
            "warning: hr/_department.yml: display_names: 'xx' is not one of de, en; that name "
            "is left out and the department's name is shown (write display_names: "
            "{de: Personal}, one name per language code)",
            "Warnung: hr/_department.yml: display_names: 'xx' ist keine der Sprachen de, en; "
            "dieser Name bleibt außen vor, gezeigt wird der Name der Abteilung (schreiben Sie "
            "display_names: {de: Personal}, ein Name je Sprachcode)",
        ),
        "hr/VPN.md": (
            "error: hr/VPN.md: duplicate id: same article id as hr/vpn.md (ids differ only in "
            "letter case or accents) (rename one of the files)",
            "Fehler: hr/VPN.md: Doppelte Kennung: dieselbe Artikelkennung wie hr/vpn.md (die "
            "Kennungen unterscheiden sich nur in Groß- und Kleinschreibung oder Akzenten) "
            "(benennen Sie eine der Dateien um)",
        ),
        "hr/linked": (
            "warning: hr/linked: symbolic link to a folder; skipped (put the folder itself in "
            "the content root, not a link to it)",
            "Warnung: hr/linked: Symbolischer Link auf einen Ordner; übersprungen (legen Sie "
            "den Ordner selbst in den Inhaltsordner, keinen Link darauf)",
        ),
    }
    for path, (english, german) in expected.items():
        assert str(found[path]) == english
        assert problem_text(found[path], "en") == english
        assert problem_text(found[path], "de") == german


def test_a_department_file_that_is_not_utf8_is_refused_in_the_readers_language(
    tmp_path: Path,
) -> None:
    """Answered as an error (a page, the API), the reason is in the reader's
    language; its English message is as before."""
    from kb.content.departments import read_department

    (tmp_path / "hr").mkdir()
    (tmp_path / "hr" / "_department.yml").write_bytes(b"name: H\xffR\n")
    with pytest.raises(ContentError) as caught:
        read_department(tmp_path / "hr", "hr")
    assert caught.value.message == "hr/_department.yml: department file is not UTF-8"
    assert content_error_text(caught.value, "en", with_hint=False) == caught.value.message
    assert content_error_text(caught.value, "de", with_hint=False) == (
        "hr/_department.yml: Die Abteilungsdatei ist nicht in UTF-8 gespeichert"
    )
    assert content_error_text(caught.value, "de").endswith("(speichern Sie sie als UTF-8)")
