"""The history pages say the notes the product writes into a version in the
page's language; a content owner's own note stays as written."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of


def test_an_article_s_history_words_the_product_s_notes_in_german(
    client: FlaskClient, content: Path
) -> None:
    """German history read "as found in the content folder", "changed on disk"
    and "restored version 1"."""
    token = sign_in_as(client, "cora")
    history = text_of(client.get("/manage/history/it/vpn-setup.md?hl=de"))
    assert "<td>so im Inhaltsordner vorgefunden</td>" in history, history
    article = content / "it" / "vpn-setup.md"
    article.write_text(article.read_text().replace("sign in.", "sign in, then connect."))
    history = text_of(client.get("/manage/history/it/vpn-setup.md?hl=de"))
    assert "<td>auf der Festplatte geändert</td>" in history, history
    restored = client.post(
        "/manage/restore/it/vpn-setup.md", data={"csrf_token": token, "number": "1", "version": "2"}
    )
    assert restored.status_code == 303
    history = text_of(client.get("/manage/history/it/vpn-setup.md?hl=de"))
    assert "<td>Version 1 wiederhergestellt</td>" in history
    assert "as found in" not in history and "restored version" not in history
    english = text_of(client.get("/manage/history/it/vpn-setup.md?hl=en"))
    assert "<td>as found in the content folder</td>" in english
    assert "<td>restored version 1</td>" in english


def test_a_document_s_history_words_them_too(client: FlaskClient, content: Path) -> None:
    (content / "it" / "printers.txt").write_text("Printers on every floor.\n", encoding="utf-8")
    sign_in_as(client, "cora")
    page = client.get("/manage/document/it/printers.txt?hl=de")
    assert page.status_code == 200, text_of(page)
    assert "<td>so im Inhaltsordner vorgefunden</td>" in text_of(page)


def test_a_first_version_from_the_folder_reads_as_found_there(
    client: FlaskClient, content: Path
) -> None:
    """Version 1 of an article first found in the folder said "im Ordner
    geändert" (changed in the folder); a later change there still says so."""
    sign_in_as(client, "cora")
    article = content / "it" / "vpn-setup.md"
    text_of(client.get("/manage/history/it/vpn-setup.md"))  # version 1, as found
    article.write_text(article.read_text().replace("sign in.", "sign in, then connect."))
    german = text_of(client.get("/manage/history/it/vpn-setup.md?hl=de"))
    assert "<td>im Ordner vorgefunden · Veröffentlicht</td>" in german, german
    assert "<td>im Ordner geändert · Veröffentlicht</td>" in german
    assert german.index("vorgefunden ·") > german.index("geändert ·")  # newest first
    english = text_of(client.get("/manage/history/it/vpn-setup.md?hl=en"))
    assert "<td>found in the folder · Published</td>" in english
    assert "<td>changed on disk · Published</td>" in english
    (content / "it" / "printers.txt").write_text("Printers on every floor.\n", encoding="utf-8")
    document = text_of(client.get("/manage/document/it/printers.txt?hl=de"))
    assert "<td>im Ordner vorgefunden · Veröffentlicht</td>" in document
