"""German questions spelled without umlauts for `kb eval` (`benchmarks.spelled_out`)."""

from __future__ import annotations

import json

from benchmarks.spelled_out import spelled_out


def test_only_questions_with_umlauts_are_kept_spelled_out_with_their_ids() -> None:
    lines = [
        json.dumps({"_id": "q1", "text": "Bankverbindung ändern", "lang": "de"}),
        json.dumps({"_id": "q2", "text": "VPN einrichten"}),
        "",
        json.dumps({"_id": "q3", "text": "Straße und Büro"}),
    ]
    assert spelled_out(lines) == [
        {"_id": "q1", "text": "Bankverbindung aendern", "lang": "de"},
        {"_id": "q3", "text": "Strasse und Buero"},
    ]
