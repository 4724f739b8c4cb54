"""The diff page counts the unchanged lines it folds in the page's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of

LONG = "---\ntitle: Printers\nstatus: published\nlang: en\n---\n" + "\n".join(
    f"Floor {n} has a printer." for n in range(1, 21)
)


@pytest.mark.parametrize(
    ("lang", "fold"), [("en", "… 21 unchanged lines"), ("de", "… 21 unveränderte Zeilen")]
)
def test_folded_lines_are_counted_in_the_page_s_language(
    client: FlaskClient, content: Path, lang: str, fold: str
) -> None:
    """German diffs said "… 21 unchanged lines"."""
    sign_in_as(client, "cora")
    article = content / "it" / "printers.md"
    article.write_text(LONG + "\n", encoding="utf-8")
    assert client.get("/manage/history/it/printers.md").status_code == 200  # version 1
    article.write_text(LONG.replace("Floor 20", "The roof") + "\n", encoding="utf-8")
    assert client.get("/manage/history/it/printers.md").status_code == 200  # version 2
    page = text_of(client.get(f"/manage/diff/it/printers.md?a=1&b=2&hl={lang}"))
    assert f'<tr class="diff-fold"><td colspan="3">{fold}</td></tr>' in page, page
