"""Write the sample knowledge base's non-Markdown documents into content/.

Real departments keep PDFs, Word files, intranet pages and text files next
to (or instead of) Markdown; the sample organisation does too. The texts
below were written for the sample company; the files are produced with the
writing side of well-kept libraries (reportlab, python-docx, odfdo: the test
extras) through `tests.documents`, so what the indexer reads is what those
programs really write. The generated files are committed (a few kilobytes
each), so `make run` on a fresh clone needs none of these libraries; run this
again after changing a text:

    .venv/bin/python -m tools.sample_documents [--content content]
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from tests.documents import Outline, write_docx, write_html, write_odt, write_pdf, write_txt

HEALTH = Outline(
    title="Employee health programme",
    author="HR – People Services",
    lang="en",
    modified=datetime(2026, 9, 1, 10, 0),
    sections=[
        (
            1,
            "1 Who can take part",
            [
                "Every employee with a permanent or fixed-term contract of more than six months "
                "can take part in the health programme from their first day. Apprentices and "
                "working students are included; contractors and agency staff are not.",
            ],
        ),
        (
            1,
            "2 Gym and sports subsidy",
            [
                "Nordlicht pays 30 EUR a month towards a membership of the company sports network "
                "(about 8,000 gyms, pools and climbing halls across Germany) or of a local gym of "
                "your choice. In the United Kingdom the subsidy is 25 GBP a month.",
                (
                    "list",
                    [
                        "Sign up in the benefits portal under Health > Sports subsidy.",
                        "For a local gym, upload the membership contract and the monthly invoice.",
                        "The subsidy is paid with the next salary and is a taxable benefit in kind.",
                    ],
                ),
                "The subsidy stops at the end of the month in which you leave the company or start "
                "unpaid leave; it continues during parental leave if you keep the membership.",
            ],
        ),
        (
            1,
            "3 Flu vaccination",
            [
                "The company doctor offers free flu vaccinations every October and November in "
                "Hamburg and Munich. Book a slot on the intranet page of the company doctor; the "
                "vaccination takes ten minutes and counts as working time.",
                "Employees in London receive a voucher for a high-street pharmacy instead.",
                ("pagebreak",),
            ],
        ),
        (
            1,
            "4 Health check-up",
            [
                "Employees aged 35 and over can have a preventive health check-up every two years "
                "with the company doctor. It includes a blood test, an ECG and a talk about the "
                "results. Ask for an appointment by e-mail to the company doctor's practice.",
                (
                    "table",
                    [
                        ["Location", "Company doctor", "Consulting hours"],
                        ["Hamburg", "Dr. Meyer, 2nd floor", "Tue and Thu 9:00-12:00"],
                        ["Munich", "Dr. Aydin, ground floor", "Wed 13:00-16:00"],
                    ],
                ),
            ],
        ),
        (
            1,
            "5 Mental health support",
            [
                "The employee assistance programme offers up to six free, confidential sessions "
                "a year with a counsellor, by phone or video, in German or English. Nobody at "
                "Nordlicht learns who used it. Call the hotline on the intranet page at any time.",
            ],
        ),
    ],
)

SPENDEN = Outline(
    title="Richtlinie Spenden und Sponsoring",
    author="Finanzen – Controlling",
    lang="de",
    modified=datetime(2026, 6, 15, 8, 0),
    sections=[
        (
            1,
            "1 Geltungsbereich",
            [
                "Diese Richtlinie gilt für alle Geld- und Sachspenden sowie Sponsoringverträge der "
                "Nordlicht Werke GmbH an allen Standorten.",
            ],
        ),
        (
            1,
            "2 Spenden",
            [
                "Spenden sind freiwillige Zuwendungen ohne Gegenleistung an gemeinnützige "
                "Organisationen. Spenden an Parteien, politische Stiftungen und Einzelpersonen "
                "sind nicht erlaubt.",
            ],
        ),
        (
            2,
            "2.1 Genehmigung",
            [
                "Jede Spende wird vor der Zusage im Spendenformular beantragt. Die Abteilungsleitung "
                "genehmigt Spenden bis 500 EUR, darüber entscheidet die Geschäftsführung.",
                (
                    "olist",
                    [
                        "Spendenformular im Finanzportal ausfüllen",
                        "Freistellungsbescheid der Organisation anhängen",
                        "Nach der Zahlung die Zuwendungsbestätigung an die Buchhaltung senden",
                    ],
                ),
            ],
        ),
        (
            2,
            "2.2 Höchstbeträge",
            [
                "Je Organisation und Kalenderjahr gelten die folgenden Höchstbeträge. Mehrere "
                "Spenden an dieselbe Organisation werden zusammengerechnet; wer mehr spenden "
                "möchte, braucht die Zustimmung der Geschäftsführung und der Leitung Finanzen.",
                (
                    "table",
                    [
                        ["Art der Spende", "Höchstbetrag je Jahr"],
                        ["Geldspende", "2.000 EUR"],
                        ["Sachspende (Restwert)", "5.000 EUR"],
                    ],
                ),
            ],
        ),
        (
            1,
            "3 Sponsoring",
            [
                "Sponsoring ist eine Zuwendung mit Gegenleistung, zum Beispiel ein Logo auf einem "
                "Vereinstrikot. Sponsoringverträge prüft die Rechtsabteilung vor der Unterschrift; "
                "die Kosten trägt die Kostenstelle Marketing.",
            ],
        ),
    ],
)

FLOORS = Outline(
    title="Hamburg office floor guide",
    author="Facilities Hamburg",
    lang="en",
    modified=datetime(2026, 10, 2, 9, 0),
    sections=[
        (
            1,
            "Ground floor",
            [
                "Reception, the visitor lounge, the parcel room and the canteen are on the ground "
                "floor. The bicycle cellar is reached by the ramp on the left of the entrance.",
            ],
        ),
        (
            1,
            "First floor",
            [
                "Finance, Legal and the large conference room Elbe (24 seats) are on the first "
                "floor. The first-aid room is next to the lifts.",
            ],
        ),
        (
            1,
            "Second floor",
            [
                "HR, the company doctor and two quiet rooms for focused work or prayer are on the "
                "second floor. The parent-and-child room with a changing table, a fridge and a "
                "play corner is opposite the kitchen; the key is at reception.",
            ],
        ),
        (
            1,
            "Third floor",
            [
                "IT, the IT service desk counter (open 8:00 to 17:00) and the project rooms Alster "
                "and Fleet are on the third floor. Loan laptops are handed out at the counter.",
                (
                    "list",
                    [
                        "Printers: next to the lifts and by the kitchen",
                        "Lockers: along the window side, booked in the desk app",
                    ],
                ),
            ],
        ),
    ],
)

MAILBOX = Outline(
    title="Shared mailbox runbook",
    author="IT Service Desk",
    lang="en",
    sections=[
        (
            1,
            "Requesting a shared mailbox",
            [
                "Team mailboxes such as travel@ or invoices@ are requested by a team lead through "
                "the IT portal form Shared mailbox. Name at least two owners; a mailbox without an "
                "owner is removed after 90 days.",
            ],
        ),
        (
            1,
            "Adding or removing members",
            [
                "Owners add and remove members themselves in the self-service portal under My "
                "groups. Changes reach Outlook within an hour; restarting Outlook helps.",
            ],
        ),
        (
            1,
            "Mailbox does not appear in Outlook",
            [
                "If the mailbox is missing after an hour, check membership in My groups, then "
                "remove and add the account in Outlook. If it is still missing, open a ticket "
                "with the mailbox address and a screenshot.",
            ],
        ),
    ],
)

WARENANNAHME = Outline(
    title="Warenannahme im Lager Hamburg",
    author="Operations – Logistik",
    lang="de",
    modified=datetime(2026, 5, 4, 7, 30),
    sections=[
        (
            1,
            "Öffnungszeiten",
            [
                "Die Warenannahme am Tor 3 ist montags bis freitags von 7:00 bis 15:30 Uhr "
                "besetzt. Speditionen melden große Lieferungen einen Werktag vorher an.",
            ],
        ),
        (
            1,
            "Ablauf bei der Annahme",
            [
                (
                    "olist",
                    [
                        "Lieferschein mit der Bestellnummer abgleichen",
                        "Packstücke zählen und auf Schäden prüfen",
                        "Wareneingang im Warenwirtschaftssystem buchen",
                    ],
                ),
                "Beschädigte Ware wird nur unter Vorbehalt angenommen; der Schaden wird auf dem "
                "Lieferschein vermerkt und fotografiert.",
            ],
        ),
        (
            1,
            "Gefahrgut",
            [
                "Gefahrgut nimmt nur geschultes Personal an. Die Sicherheitsdatenblätter liegen "
                "im Ordner Gefahrstoffe am Tor 3.",
            ],
        ),
    ],
)

SAMPLES = [
    ("hr/health-programme.pdf", write_pdf, HEALTH),
    ("finance/spenden-und-sponsoring.docx", write_docx, SPENDEN),
    ("facilities/floor-guide-hamburg.html", write_html, FLOORS),
    ("it/shared-mailbox-runbook.txt", write_txt, MAILBOX),
    ("operations/warenannahme-lager.odt", write_odt, WARENANNAHME),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default="content", help="content root (default: content)")
    args = parser.parse_args()
    root = Path(args.content)
    for name, writer, outline in SAMPLES:
        target = root / name
        target.write_bytes(writer(outline))  # type: ignore[operator]
        print(f"wrote {target} ({target.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
