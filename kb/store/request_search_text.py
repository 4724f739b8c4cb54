"""A request's words folded for the queue's search, stored with the request.

The search (`kb.store.sql_request_search`) matches each typed word against
the question and description regardless of case and accents, for every
letter: "buro", "BÜRO" and "Büro" find "Büro", "cafe" finds "Café". Neither
database folds alike on its own (SQLite's `lower` changes A-Z only, and
PostgreSQL's `unaccent` is an extension that may not be installed and keeps
a list of its own), so Python folds both sides: the typed word when it
searches, the text when a request is written, into `requests.search_text`.

A German umlaut is often typed spelled out ("Buero"): the stored text holds
the words with umlauts in that spelling too, so "buero" finds "Büro" as it
finds attachments (`kb.catalogue.triggers.fold`); only those words are
repeated, so German text grows by a fraction, not twice over. Question and
description, and those words, are kept apart by line breaks, which no folded
word holds, so a word never spans two of them.

A stored `search_text` is never empty (it holds the line break at least):
an empty one is a row written before the column (migration
`0035_request_search_text`, a restored older backup), which
`fill_search_texts` folds.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import Connection, bindparam, select, update

from kb.store.schema import requests

_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_UMLAUTS = frozenset("äöü")
_PAGE = 1000


def _caseless(text: str) -> str:
    """`text` in lower case, decomposed, compatibility forms (ligatures,
    full-width letters) made plain. Decomposed before and after case folding:
    a plain form may be a capital ("ℌ" is "H")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFKD", decomposed.casefold())


def folded(text: str) -> str:
    """`text` without case or accents (the marks of decomposed letters
    dropped), its runs of white space single spaces."""
    plain = "".join(c for c in _caseless(text) if not unicodedata.combining(c))
    return " ".join(plain.split())


def _spellings(text: str) -> list[str]:
    """`text` folded, and its words with umlauts spelled out when it has any."""
    composed = unicodedata.normalize("NFC", _caseless(text)).split()
    spelled = [w.translate(_SPELLED_OUT) for w in composed if _UMLAUTS.intersection(w)]
    return [folded(text)] + ([folded(" ".join(spelled))] if spelled else [])


def search_text(query: str, description: str) -> str:
    """What `requests.search_text` holds for a request's question and description."""
    return "\n".join([*_spellings(query), *_spellings(description)])


def fill_search_texts(conn: Connection) -> int:
    """Fold the text of every request that has none yet, a page at a time;
    returns how many. For the migration that brought the column in and for a
    restored backup made before it."""
    pending = (
        select(requests.c.id, requests.c.query, requests.c.description)
        .where(requests.c.search_text == "")
        .order_by(requests.c.id)
        .limit(_PAGE)
    )
    write = (
        update(requests)
        .where(requests.c.id == bindparam("row_id"))
        .values(search_text=bindparam("text"))
    )
    done, after = 0, None
    while True:
        page = pending if after is None else pending.where(requests.c.id > after)
        rows = conn.execute(page).all()
        if not rows:
            return done
        conn.execute(
            write, [{"row_id": r.id, "text": search_text(r.query, r.description)} for r in rows]
        )
        done, after = done + len(rows), rows[-1].id
