"""What of a resolved request's answer goes into a draft: sentences that only
say where the answer was given are not an answer."""

from __future__ import annotations

import pytest

from kb.authoring.draft_tags import question_verbs
from kb.authoring.from_request import (
    answer_body,
    draft_text,
    draft_title,
    names_in,
    says_only_where,
)
from kb.requests.drafting import draft_body


@pytest.mark.parametrize(
    "sentence",
    [
        "Answered by e-mail with the details.",
        "Beantwortet: die Informationen wurden per E-Mail geschickt.",
        "Telefonisch geklärt.",
        "Done.",
        "The issue has been resolved.",
        "See my e-mail.",
        "Fixed, see my reply above.",
    ],
)
def test_a_note_on_where_the_answer_went_is_not_an_answer(sentence: str) -> None:
    assert says_only_where(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Switch the VPN client to TCP port 443.",
        "The signed form goes by e-mail to the HR office, who answer within two days.",
        "Reset the password in the self-service portal, then restart the laptop.",
    ],
)
def test_an_answer_that_names_a_channel_is_kept(sentence: str) -> None:
    assert not says_only_where(sentence)


def test_the_agents_replies_are_the_body_where_the_resolution_says_nothing() -> None:
    """A request resolved with "Answered by e-mail" gave a draft that said just
    that; the answer is in the agents' public replies."""
    parts = draft_text(
        "How do I connect to the VPN from a hotel?",
        "Answered by e-mail with the details.",
        ["vpn"],
        ["emma", "ian"],
        replies=[
            "Which VPN client do you use?",
            "Hotel networks often block UDP. Switch the VPN client to TCP port 443.",
        ],
    )
    assert parts.title == "How to connect to the VPN from a hotel"
    assert parts.body == "Hotel networks often block UDP. Switch the VPN client to TCP port 443."
    assert parts.summary == "Hotel networks often block UDP."
    assert parts.tags == ["vpn", "hotel"]  # not the verb "connect"
    assert parts.context == "How do I connect to the VPN from a hotel?"


def test_a_reply_the_resolution_repeats_is_said_once() -> None:
    body = answer_body(
        "Switch the VPN client to TCP port 443.",
        ["Switch the VPN client to TCP port 443.", "Hotel networks often block UDP traffic."],
        [],
    )
    assert (
        body == "Switch the VPN client to TCP port 443.\n\nHotel networks often block UDP traffic."
    )


def test_a_reply_the_resolution_says_in_other_words_is_said_once() -> None:
    """The agent replied, then resolved with the reply copied in other line
    breaks and words: the draft said the answer twice."""
    parts = draft_text(
        "How do I connect to the VPN from a hotel?",
        "Switch the VPN client to TCP port 443.\nHotel networks block UDP.",
        [],
        ["emma", "ivan"],
        replies=[
            "Hi Emma,\n\nHotel networks often block UDP. Please switch your VPN client to "
            "TCP port 443.\n\nBest regards, Ivan",
            "Restart the client afterwards.",
        ],
    )
    assert parts.body == (
        "Switch the VPN client to TCP port 443. Hotel networks block UDP.\n\n"
        "Restart the client afterwards."
    )
    assert draft_body(parts.context, parts.body, "en") == (
        "**Question:** How do I connect to the VPN from a hotel?\n\n"
        "**Answer:** Switch the VPN client to TCP port 443. Hotel networks block UDP.\n\n"
        "Restart the client afterwards."
    )
    assert draft_body(parts.context, parts.body, "de").startswith("**Frage:** How do I")


def test_the_tags_are_the_topic_words_of_the_question() -> None:
    """Tags came from any vocabulary term the answer used ("home", "payroll"):
    now from the question's topic, without function words, names or dates."""
    parts = draft_text(
        "Can Jonas Weber park his e-bike in the garage on Monday, 3 March 2027?",
        "Yes, e-bikes park in the garage, level -1. Payroll is not involved; work from home.",
        ["home", "payroll", "E-Bike", "e-bike"],
        ["emma"],
    )
    assert parts.tags == ["E-Bike", "garage"]  # the vocabulary's spelling, once; no verb
    assert parts.context == ""  # the question names someone: the title says the topic
    german = draft_text(
        "Wie beantrage ich Urlaub für nächsten Freitag?", "Im Workday-Portal.", [], ["emma"]
    )
    assert german.tags == ["Urlaub"]  # the noun as written, no date
    assert german.context == "Wie beantrage ich Urlaub für nächsten Freitag?"


def test_german_tags_are_the_nouns_of_the_question() -> None:
    """German writes its nouns with a capital: the verbs and adjectives of a
    German question ("reservieren", "krank") are no topic a reader looks for."""
    answer = "Im Portal unter Mobilität."
    parking = draft_text("Kann ich einen Parkplatz reservieren?", answer, [], ["emma"])
    assert parking.tags == ["Parkplatz"]
    canteen = draft_text("Wann öffnet die Kantine im Neubau?", answer, [], ["emma"])
    assert canteen.tags == ["Kantine", "Neubau"]
    english = draft_text("How do I reserve a parking space?", "In the portal.", [], ["emma"])
    assert english.tags == ["parking", "space"]


def test_a_questions_verbs_are_no_tags() -> None:
    """ "Can I book a desk…" was tagged booking, desk: the word after the
    subject is the question's verb, in English ("book", its title's
    "Booking") as in German ("melde", its title's "melden")."""
    assert draft_text("Can I book a desk for tomorrow?", "Yes.", [], ["emma"]).tags == ["desk"]
    where = draft_text("Where can we find the expense form?", "In Workday.", [], ["emma"])
    assert where.tags == ["expense", "form"]
    german = draft_text("Wo finde ich das Formular?", "In Workday.", [], ["emma"])
    assert german.tags == ["Formular"]


def test_the_verb_of_a_named_subject_is_no_tag() -> None:
    """ "Can Jonas Weber park his e-bike …" was tagged park: only "I", "we",
    "you" were subjects. A person the question names, or "she", is one too;
    a name after a preposition is no subject, and its next word stays."""
    answer = "In the garage."
    named = draft_text("Can Jonas Weber book a desk in the annex?", answer, [], ["emma"])
    assert named.tags == ["desk", "annex"]
    first = draft_text("Jonas Weber requests parking at the lobby", answer, [], ["jonas.weber"])
    assert first.tags == ["parking", "lobby"]
    pronoun = draft_text("Where does she collect the badge?", answer, [], ["emma"])
    assert pronoun.tags == ["badge"]
    object_ = draft_text("Can I order a laptop for Anna Schmidt monitors too?", "Yes.", [], [])
    assert "monitors" in object_.tags  # after "for Anna Schmidt": no subject, no verb
    german = draft_text("Wie meldet Jonas Weber sich krank?", "Bis 9 Uhr.", [], ["emma"])
    assert german.tags == ["krank"]
    # A word written with a capital before a German name is a noun, no verb.
    assert (
        question_verbs("Ist der Parkplatz Jonas Weber zugeteilt?", True, {"jonas", "weber"})
        == set()
    )
    assert question_verbs("Bekommt Jonas einen Parkplatz?", True, {"jonas"}) == {"bekommt"}


def test_a_german_question_without_a_noun_keeps_its_other_words() -> None:
    """ "Wie melde ich mich krank?" writes no noun: it had no tags at all."""
    answer = "Bis 9 Uhr bei der Führungskraft."
    assert draft_text("Wie melde ich mich krank?", answer, [], ["emma"]).tags == ["krank"]


def test_a_vocabulary_term_holding_the_questions_words_is_its_topic() -> None:
    """A term of the department's vocabulary that holds the stems of two of the
    question's words (a German compound, an English phrase) comes first."""
    vocabulary = ["krank", "Krankmeldung", "AU", "Krankenversicherung"]
    sick = draft_text("Wie melde ich mich krank?", "Bis 9 Uhr.", vocabulary, ["emma"])
    assert sick.tags == ["Krankmeldung", "krank"]
    desks = ["desk", "desk booking", "room booking"]
    assert draft_text("Can I book a desk?", "Yes.", desks, ["emma"]).tags == [
        "desk booking",
        "desk",
    ]


def test_the_drafts_language_tells_a_short_questions_tags() -> None:
    """ "Urlaub beantragen?" shows no German small word: read as English, its
    tags were urlaub, beantragen; the draft's language (the request's) says German."""
    assert draft_text("Urlaub beantragen?", "Im Portal.", [], ["emma"], lang="de").tags == [
        "Urlaub"
    ]


def test_a_title_loses_the_preposition_a_removed_name_leaves_dangling() -> None:
    """The names of the request's people leave the title, and so does the
    preposition whose object they were: "Urlaub für im März" read wrong."""
    answer = "Im Workday-Portal unter Abwesenheiten."
    german = draft_text(
        "Wie beantrage ich Urlaub für Jonas Weber im März 2027?", answer, [], ["emma"]
    )
    assert german.title == "Urlaub im März 2027 beantragen"
    desk = draft_text(
        "Can I book a desk for Jonas Weber and Anna Schmidt on Monday?", "Yes.", [], ["emma"]
    )
    assert desk.title == "Booking a desk on Monday"
    laptop = draft_text("How do I order a laptop for Anna Schmidt?", "In the shop.", [], ["emma"])
    assert laptop.title == "How to order a laptop"
    kept = draft_text("How do I order a laptop for a new hire?", "In the shop.", [], ["emma"])
    assert kept.title == "How to order a laptop for a new hire"


def test_a_phrase_the_departments_articles_write_is_no_name() -> None:
    """Two capitalised words in a row were read as a person's name and left
    out: "Standort Nord" left the draft's title and tags. A phrase the
    department's articles write is the knowledge base's, of no one; a name
    they do not write stays unsaid."""
    question = "Wo parke ich am Standort Nord?"
    assert names_in(question) == ["Standort Nord"]
    published = "parken am standort nord: die tiefgarage hat 80 plätze."
    assert names_in(question, published) == []
    assert names_in("Darf Jonas Weber am Standort Nord parken?", published) == ["Jonas Weber"]
    assert names_in(question, "der standort nordost") == ["Standort Nord"]  # whole words only
    parts = draft_text(question, "In der Tiefgarage.", [], ["emma"], lang="de", published=published)
    assert parts.title == draft_title(question, ["emma"], published=published)
    assert "Standort Nord" in parts.title
    assert parts.tags == ["Standort", "Nord"]
