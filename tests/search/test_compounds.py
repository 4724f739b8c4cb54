"""Splitting compounds the index does not know."""

from __future__ import annotations

from search.compounds import split_compound

KNOWN = {"weiterbildung", "budget", "bank", "verbindung", "password"}.__contains__


def test_splits_compounds_into_known_parts() -> None:
    assert split_compound("weiterbildungsbudget", KNOWN) == ("weiterbildung", "budget")
    assert split_compound("bankverbindung", KNOWN) == ("bank", "verbindung")
    assert split_compound("password", KNOWN) is None  # known already
    assert split_compound("bankzzzzzz", KNOWN) is None  # a part is unknown
    assert split_compound("bankbudg", KNOWN) is None
