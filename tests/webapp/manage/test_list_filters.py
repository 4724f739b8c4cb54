"""The content owner's list refuses a filter value it does not know: it says so,
in the reader's language, and lists no article rather than every one under a
filter the reader thinks applied."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of


def test_an_unknown_status_lists_nothing_and_says_why(client: FlaskClient) -> None:
    sign_in_as(client, "cora")
    answer = client.get("/manage/?department=it&status=bogus")
    page = text_of(answer)
    assert answer.status_code == 400
    assert 'data-article="it/vpn-setup.md"' not in page
    assert (
        "Status: “bogus” is not one of its values; please choose one of "
        "draft, review, published, retired." in page
    )
    assert "No article is listed: this list has no such filter value." in page
    assert '<select id="f-status" name="status" aria-invalid="true"' in page
    assert 'data-article="it/vpn-setup.md"' in text_of(client.get("/manage/?department=it"))


def test_the_refusal_is_in_german_too(client: FlaskClient) -> None:
    sign_in_as(client, "cora")
    page = text_of(client.get("/manage/?department=it&status=entwurf&hl=de"))
    assert "Status: „entwurf“ ist keiner der möglichen Werte; bitte eines von draft" in page
    assert "Es wird kein Artikel aufgeführt" in page
    assert 'data-article="it/vpn-setup.md"' not in page


def test_an_unknown_due_flag_is_refused_and_an_empty_filter_is_none(client: FlaskClient) -> None:
    sign_in_as(client, "cora")
    flagged = client.get("/manage/?department=it&due=yes")
    assert flagged.status_code == 400
    assert "due: “yes” is not one of its values; please choose one of 1." in text_of(flagged)
    assert 'data-article="it/vpn-setup.md"' not in text_of(flagged)
    # The form's "any" choice sends the empty value: no filter, every article.
    every = client.get("/manage/?department=it&status=&due=")
    assert every.status_code == 200 and 'data-article="it/vpn-setup.md"' in text_of(every)
