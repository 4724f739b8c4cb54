"""A draft's title is the question's topic, whatever the answer said."""

from __future__ import annotations

import pytest

from kb.authoring.from_request import draft_text, topic_title


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # A yes/no question about doing something: what is done, not an instruction.
        ("Can I bring my dog to the office?", "Bringing your dog to the office"),
        ("Should I use my private phone for work?", "Using your private phone for work"),
        ("Can I get a second monitor?", "Getting a second monitor"),
        ("Do we get a Christmas bonus this year?", "Getting a Christmas bonus this year"),
        ("Do I have to wear a helmet on site?", "Wearing a helmet on site"),
        ("Am I allowed to expense a taxi to the airport?", "Expensing a taxi to the airport"),
        ("Is it possible to work from abroad?", "Working from abroad"),
        ("Can I submit my timesheet late?", "Submitting your timesheet late"),
        ("Can I visit the plant?", "Visiting the plant"),
        # How, where and when of doing something.
        ("How do I connect to the VPN from a hotel?", "How to connect to the VPN from a hotel"),
        ("Where can I park my bike?", "Where to park your bike"),
        ("What do I need for a visa?", "What you need for a visa"),
        ("Who approves my overtime?", "Who approves your overtime"),
        ("Which form do I use for a business trip?", "Which form to use for a business trip"),
        ("Why can't I log in to Workday?", "Why you cannot log in to Workday"),
        ("Why can I not see my payslip?", "Why you cannot see your payslip"),
        ("Why was my expense claim rejected?", "Why your expense claim was rejected"),
        # A question about a thing: the thing.
        ("Is there a shuttle bus to the Hamburg site?", "Shuttle bus to the Hamburg site"),
        ("Where is the first aid kit?", "First aid kit"),
        ("I need a parking card", "Parking card"),
        # Someone else's doing: the embedded question.
        ("When does the canteen open?", "When the canteen opens"),
        ("How does the VPN work?", "How the VPN works"),
        ("Where does the shuttle stop?", "Where the shuttle stops"),
        ("How long does the approval take?", "How long the approval takes"),
        ("Does HR need my bank details?", "Whether HR needs your bank details"),
        ("Does the office close at Christmas?", "Whether the office closes at Christmas"),
        ("When do the shops close?", "When the shops close"),
        ("Why doesn't the printer work?", "Why the printer does not work"),
        ("Can the company pay for my ticket?", "Whether the company can pay for your ticket"),
        ("Does anyone watch the queue?", "Whether anyone watches the queue"),
        # Where the words do not show the verb, the question's own words.
        ("Does the canteen offer vegan food?", "Does the canteen offer vegan food"),
        ("When will the new building open?", "When will the new building open"),
        ("Does the shuttle bus to Hamburg run daily?",
         "Does the shuttle bus to Hamburg run daily"),
        ("Why did my payment fail?", "Why did your payment fail"),
        # German: the verb last, as an infinitive, or the embedded question.
        ("Kann ich meinen Hund mit ins Büro bringen?", "Ihren Hund mit ins Büro bringen"),
        ("Wie beantrage ich Urlaub?", "Urlaub beantragen"),
        ("Wo finde ich die Reisekostenabrechnung?", "Die Reisekostenabrechnung finden"),
        ("Wie melde ich mich ab?", "Sich abmelden"),
        ("Bekomme ich Weihnachtsgeld?", "Weihnachtsgeld bekommen"),
        ("Wie beantragt man Elternzeit?", "Elternzeit beantragen"),
        ("Was brauche ich für ein Visum?", "Was man für ein Visum braucht"),
        ("Gibt es ein Jobticket?", "Jobticket"),
        ("Wann öffnet die Kantine?", "Wann die Kantine öffnet"),
        ("Warum wurde meine Reisekosten-Abrechnung abgelehnt?",
         "Warum Ihre Reisekosten-Abrechnung abgelehnt wurde"),
        ("Wer genehmigt meine Überstunden?", "Wer Ihre Überstunden genehmigt"),
        # "Was" is English too; the question's other small words tell.
        ("Was my claim approved?", "Whether your claim was approved"),
        ("Is the office closed on Fridays?", "Whether the office is closed on Fridays"),
        # No shape the words show: the question's own words, not a fragment of them.
        ("When is the canteen open?", "When is the canteen open"),
        ("How many days do I get?", "How many days do you get"),
        ("Can I park in München?", "Parking in München"),
        # Nothing but question words: the question as it was.
        ("Kann ich?", "Kann ich?"),
        # Not a question: kept, the asker's pronouns made general.
        ("Printer on floor 2 jams all the time", "Printer on floor 2 jams all the time"),
        ("My laptop does not start", "Your laptop does not start"),
    ],
)  # fmt: skip
def test_a_question_becomes_its_topic(question: str, title: str) -> None:
    assert topic_title(question) == title


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # English: "parking permit for visitors" may be the subject, or "the
        # parking" and its verb "permit"; a verb after the phrase ("expire")
        # shows the first, a noun ("ticket") the second, and only the words'
        # meaning tells them apart: the question keeps its own words.
        ("Does the parking permit for visitors expire?",
         "Does the parking permit for visitors expire"),
        ("When does the parking permit for visitors expire?",
         "When does the parking permit for visitors expire"),
        ("How long does the parking permit for visitors last?",
         "How long does the parking permit for visitors last"),
        ("What does the parking permit for visitors cost?",
         "What does the parking permit for visitors cost"),
        ("Does the coffee machine on floor 3 work?", "Does the coffee machine on floor 3 work"),
        ("Where does the shuttle bus for the airport stop?",
         "Where does the shuttle bus for the airport stop"),
        ("Does the visitor pass for contractors work at the gate?",
         "Does the visitor pass for contractors work at the gate"),
        ("Do travel expenses for trainees need approval?",
         "Do travel expenses for trainees need approval"),
        ("Can the parking permit for visitors be extended?",
         "Can the parking permit for visitors be extended"),
        ("Does the company pay for my train ticket?", "Does the company pay for your train ticket"),
        ("Does the shuttle stop at the main gate?", "Does the shuttle stop at the main gate"),
        # Nothing after the phrase that could be a verb: the verb is where it was.
        ("Does the company pay for my ticket?", "Whether the company pays for your ticket"),
        ("Does HR pay for visitors?", "Whether HR pays for visitors"),
        ("Does the canteen open on Sundays?", "Whether the canteen opens on Sundays"),
        ("Does the shuttle stop at the gate?", "Whether the shuttle stops at the gate"),
        # The subject is whole where the question's shape sets it apart.
        ("Is there a parking permit for visitors?", "Parking permit for visitors"),
        ("Can I get a parking permit for visitors?", "Getting a parking permit for visitors"),
        ("Is the parking permit for visitors free?", "Is the parking permit for visitors free"),
        # German: the verb goes last, after the whole subject and its phrase.
        ("Wann läuft der Parkausweis für Besucher ab?", "Wann der Parkausweis für Besucher abläuft"),
        ("Was kostet der Parkausweis für Besucher?", "Was der Parkausweis für Besucher kostet"),
        ("Wann schließt das Parkhaus für Besucher?", "Wann das Parkhaus für Besucher schließt"),
        ("Wo hält der Shuttlebus zum Flughafen?", "Wo der Shuttlebus zum Flughafen hält"),
        ("Wann öffnet die neue Kantine im Erdgeschoss?",
         "Wann die neue Kantine im Erdgeschoss öffnet"),
        ("Wie lange gilt der Parkausweis für Besucher?",
         "Wie lange der Parkausweis für Besucher gilt"),
        ("Wie viel kostet die Monatskarte für Azubis?", "Wie viel die Monatskarte für Azubis kostet"),
        ("Wann kann der Parkausweis für Besucher abgeholt werden?",
         "Wann der Parkausweis für Besucher abgeholt werden kann"),
        ("Wie schließe ich den Spind im Keller ab?", "Den Spind im Keller abschließen"),
        ("Gibt es einen Parkausweis für Besucher?", "Parkausweis für Besucher"),
        # A German question word with the nouns it asks about and their phrase.
        ("Welcher Parkplatz für Besucher ist frei?", "Welcher Parkplatz für Besucher frei ist"),
        ("Welcher Ausweis für den Parkplatz gilt am Wochenende?",
         "Welcher Ausweis für den Parkplatz am Wochenende gilt"),
        ("Welches Formular brauche ich für eine Dienstreise?",
         "Welches Formular man für eine Dienstreise braucht"),
        ("Wie viele Tage Urlaub habe ich?", "Wie viele Tage Urlaub man hat"),
        ("Wie lange brauche ich für den Antrag?", "Wie lange man für den Antrag braucht"),
        ("Welche Formulare muss ich ausfüllen?", "Welche Formulare muss ich ausfüllen"),
    ],
)  # fmt: skip
def test_a_subject_of_two_words_before_a_preposition(question: str, title: str) -> None:
    assert topic_title(question) == title


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Can I bring my dog to the office?", "No, only guide dogs may come into the buildings."),
        ("Can I bring my dog to the office?", "Yes, on Fridays, if your team agrees."),
    ],
)
def test_the_title_is_the_same_whatever_the_answer(question: str, answer: str) -> None:
    """ "Bring your dog to the office" over an answer that says no read as the
    opposite of the article; the title names the topic, not the answer."""
    draft = draft_text(question, answer, [], ["emma", "hanna"])
    assert draft.title == "Bringing your dog to the office"


def test_someone_asked_about_is_neither_named_nor_the_subject() -> None:
    title = topic_title(
        "Can my friend Jonas Weber get me a referral bonus?", ["Jonas Weber", "emma"]
    )
    assert title == "Getting a referral bonus"
    german = topic_title("Darf meine Tochter mit in die Kantine kommen?")
    assert german == "Mit in die Kantine kommen"
