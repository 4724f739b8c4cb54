"""Soft hyphens where a German heading's long words may break: between
syllables of words of 16 letters or more, never a lone letter or two on a
line, and nothing else of the text or the HTML changed."""

from __future__ import annotations

from pytest import MonkeyPatch

from kb.i18n import hyphenation
from kb.i18n.hyphenation import MAX_LETTERS, SOFT_HYPHEN, hyphenated, hyphenated_headings


def shown(text: str) -> str:
    return text.replace(SOFT_HYPHEN, "-")


def test_long_german_words_may_break_between_syllables() -> None:
    title = "Arbeitsunfähigkeitsbescheinigung und Entgeltfortzahlungsanspruch"
    marked = hyphenated(title, "de")
    assert marked.replace(SOFT_HYPHEN, "") == title
    assert "Arbeits-" in shown(marked) and "-anspruch" in shown(marked)
    for word in shown(marked).replace(" ", "-").split("-"):
        assert len(word) >= 3, shown(marked)
    # "zusammenarbeits" is cut by the patterns before a lone "n", "a" and "r".
    assert shown(hyphenated("Forschungszusammenarbeitsgesellschaft", "de-DE")) == (
        "For-schungs-zusam-men-arbeits-gesell-schaft"
    )


def test_short_words_english_and_marked_text_stay_as_written() -> None:
    for text, lang in (
        ("Krankmeldung beim Arbeitgeber", "de"),  # every word fits a phone's column
        ("Internationalisation considerations", "en"),
        ("Arbeits\u00adunfähigkeitsbescheinigung", "de"),  # the author's own breaks
        ("Abc123456789012345678", "de"),
    ):
        assert hyphenated(text, lang) == text


def test_only_the_text_of_a_body_s_headings_is_hyphenated() -> None:
    body = (
        '<h2 id="entgeltfortzahlungsanspruch">Entgeltfortzahlungsanspruch &amp; '
        "<em>Arbeitsunfähigkeitsbescheinigung</em></h2>\n"
        "<p>Entgeltfortzahlungsanspruch</p>"
    )
    marked = hyphenated_headings(body, "de")
    assert marked.replace(SOFT_HYPHEN, "") == body
    assert shown(marked).startswith('<h2 id="entgeltfortzahlungsanspruch">Ent-gelt-')
    assert "<em>Arbeits-" in shown(marked)
    assert marked.endswith("<p>Entgeltfortzahlungsanspruch</p>")
    assert hyphenated_headings(body, "en") == body


def test_a_long_title_or_body_looks_up_only_its_first_letters(monkeypatch: MonkeyPatch) -> None:
    """The patterns take about 6 µs a letter, and a title is as long as its content
    owner makes it: a German title of 600,000 letters took 4 s on every page and
    search that showed it. At most `MAX_LETTERS` letters of one title, or of all
    the headings of one body, are looked up; the rest stays as written."""
    looked: list[str] = []
    original = hyphenation._marked
    monkeypatch.setattr(
        hyphenation, "_marked", lambda word, d: looked.append(word) or original(word, d)
    )
    word = "Arbeitsunfähigkeitsbescheinigung"
    title = " ".join([word] * 20_000)
    marked = hyphenated(title, "de")
    assert marked.replace(SOFT_HYPHEN, "") == title
    assert SOFT_HYPHEN in marked.split(" ")[0] and SOFT_HYPHEN not in marked.split(" ")[-1]
    assert 0 < sum(map(len, looked)) <= MAX_LETTERS
    looked.clear()
    body = f"<h2>{word}</h2><p>{word}</p>" * 20_000
    assert hyphenated_headings(body, "de").replace(SOFT_HYPHEN, "") == body
    assert 0 < sum(map(len, looked)) <= MAX_LETTERS
    looked.clear()
    assert hyphenated("Abc" * 400_000, "de") == "Abc" * 400_000
    assert looked == []
