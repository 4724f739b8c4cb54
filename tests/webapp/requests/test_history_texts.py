"""Every kind of history entry says on the request's page what happened, in the
page's language: a merge, a watcher added or removed, a rating."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import sign_in_as, text_of
from tests.webapp.requests.test_page_forms import file
from webapp.services import services

pytestmark = pytest.mark.usefixtures("people")


def events(page: str) -> list[str]:
    """The event lines of a request page's conversation, tags stripped."""
    found = re.findall(r'<p class="entry-event">(.*?)</p>', page, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", text).split()) for text in found]


def test_merges_watchers_and_ratings_say_what_happened(client: FlaskClient, store: Store) -> None:
    """A merge, a watcher added and a rating showed in the history as the actor's
    name and the time alone: nobody could tell what had happened, and a rating's
    comment read as a reply."""
    target, duplicate = file(client), file(client, "olga")
    service = services(client.application).requests
    ivan, emma = store.get_user("ivan"), store.get_user("emma")
    assert ivan is not None and emma is not None
    service.merge(ivan, duplicate, target)
    service.watch(ivan, target, "hanna")
    service.unwatch(ivan, target, "hanna")
    service.resolve(ivan, target, "Use the new VPN profile.")
    service.rate(emma, target, 4, "Quick, thanks")
    sign_in_as(client, "ivan")
    shown = events(text_of(client.get(f"/requests/{target}?hl=en")))
    assert f"Internal note merged request #{duplicate} into this one" in shown
    assert "added hanna to the watchers" in shown and "removed hanna from the watchers" in shown
    assert "rated the answer 4 of 5" in shown
    assert f"merged it into request #{target}" in events(
        text_of(client.get(f"/requests/{duplicate}?hl=en"))
    )
    german = events(text_of(client.get(f"/requests/{target}?hl=de")))
    assert f"Interne Notiz hat Anfrage #{duplicate} mit dieser zusammengeführt" in german
    assert "hat hanna zu den Beobachtenden hinzugefügt" in german
    assert "hat hanna aus den Beobachtenden entfernt" in german
    assert "hat die Antwort mit 4 von 5 bewertet" in german
    assert f"hat sie mit Anfrage #{target} zusammengeführt" in events(
        text_of(client.get(f"/requests/{duplicate}?hl=de"))
    )


def test_a_watch_of_ones_own_says_so(client: FlaskClient, store: Store) -> None:
    request_id = file(client)
    ivan = store.get_user("ivan")
    assert ivan is not None
    services(client.application).requests.watch(ivan, request_id)
    services(client.application).requests.unwatch(ivan, request_id)
    sign_in_as(client, "ivan")
    shown = events(text_of(client.get(f"/requests/{request_id}?hl=en")))
    assert "started watching the request" in shown and "stopped watching the request" in shown
    german = events(text_of(client.get(f"/requests/{request_id}?hl=de")))
    assert "beobachtet die Anfrage" in german and "beobachtet die Anfrage nicht mehr" in german


def test_a_rating_shown_with_its_comment_is_quoted_as_the_page_quotes(
    client: FlaskClient, store: Store
) -> None:
    """German pages quoted a rating's comment with English marks: “Quick, thanks”."""
    request_id = file(client)
    service = services(client.application).requests
    ivan, emma = store.get_user("ivan"), store.get_user("emma")
    assert ivan is not None and emma is not None
    service.resolve(ivan, request_id, "Use the new VPN profile.")
    service.rate(emma, request_id, 5, "Quick, thanks")
    sign_in_as(client, "emma")
    assert "Rated 5 of 5: “Quick, thanks”" in text_of(client.get(f"/requests/{request_id}?hl=en"))
    assert "Bewertet mit 5 von 5: „Quick, thanks“" in text_of(
        client.get(f"/requests/{request_id}?hl=de")
    )


def test_a_status_change_is_worded_for_who_reads_it(client: FlaskClient, store: Store) -> None:
    """An agent read "changed the status from New to Waiting for you" in the history
    of a request that waited for its requester, and so did a watcher, in the
    badge too: only the requester is who it waits for."""
    request_id = file(client)
    service = services(client.application).requests
    ivan = store.get_user("ivan")
    assert ivan is not None
    service.transition(ivan, request_id, "waiting_for_requester", note="Which model?")
    service.watch(ivan, request_id, "olga")
    sign_in_as(client, "emma")
    mine = text_of(client.get(f"/requests/{request_id}?hl=en"))
    assert "changed the status from New to Waiting for you" in events(mine)
    for reader in ("ivan", "olga"):
        sign_in_as(client, reader)
        page = text_of(client.get(f"/requests/{request_id}?hl=en"))
        assert "changed the status from New to Waiting for the requester" in events(page)
        assert "Waiting for you" not in page
        german = text_of(client.get(f"/requests/{request_id}?hl=de"))
        assert "hat den Status von Neu auf Wartet auf die anfragende Person geändert" in events(
            german
        )
