"""Soft hyphens where a German heading's long words may break: between
syllables of words of 16 letters or more, never a lone letter or two on a
line, and nothing else of the text or the HTML changed."""

from __future__ import annotations

from kb.i18n.hyphenation import SOFT_HYPHEN, hyphenated, hyphenated_headings


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
