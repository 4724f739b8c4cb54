"""A request's words folded for the queue's search, stored with the request.

`requests.search_text` holds the question and description as the store's
searches by words keep text (`kb.store.word_folding.searchable`): without
case or accents, umlauts also spelled out, kept apart by a line break.

A stored `search_text` is never empty (it holds the line break at least):
an empty one is a row written before the column (migration
`0035_request_search_text`, a restored older backup), which
`fill_search_texts` folds.
"""

from __future__ import annotations

from sqlalchemy import Connection

from kb.store.schema import requests
from kb.store.word_folding import fold_rows, searchable

_PAGE = 1000


def search_text(query: str, description: str) -> str:
    """What `requests.search_text` holds for a request's question and description."""
    return searchable(query, description)


def fill_search_texts(conn: Connection) -> int:
    """Fold the text of every request that has none yet, a page at a time;
    returns how many. For the migration that brought the column in and for a
    restored backup made before it."""
    parts = [requests.c.query, requests.c.description]
    return fold_rows(conn, requests, parts, requests.c.search_text == "", _PAGE)
