"""Text folded for searches by words: a queue's requests
(`kb.store.sql_request_search`) and its attachments (`kb.store.sql_attachments`)
in the store, and the content owner's article list (`holds_every_word`).

Each typed word is matched against the stored text regardless of case and
accents, for every letter: "buro", "BÜRO" and "Büro" find "Büro", "cafe"
finds "Café". Neither database folds alike on its own (SQLite's `lower`
changes A-Z only, and PostgreSQL's `unaccent` is an extension that may not be
installed and keeps a list of its own), so Python folds both sides: the typed
word when it searches, the text when it is written (`searchable`).

A German umlaut is also often typed spelled out ("Buero"): the stored text
holds the words with umlauts in that spelling too, and a typed word with an
umlaut is looked for in both spellings, so "überweisung", "uberweisung" and
"ueberweisung" all find "Überweisung", and "Büro" finds "Buero". Only the
words with umlauts are repeated, so German text grows by a fraction, not
twice over. The parts of a text (a question and its description, a file's
name and its text), and those words, are kept apart by line breaks, which no
folded word holds, so a word never spans two of them; a stored text thus
always holds a line break.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Table,
    and_,
    bindparam,
    or_,
    select,
    update,
)

_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_UMLAUTS = frozenset("äöü")


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


def _spelled_out(text: str) -> str:
    """The words of `text` that hold an umlaut, folded with their umlauts spelled out."""
    composed = unicodedata.normalize("NFC", _caseless(text)).split()
    return folded(" ".join(w.translate(_SPELLED_OUT) for w in composed if _UMLAUTS & set(w)))


def searchable(*parts: str) -> str:
    """What the store keeps to search `parts` by: each folded, and its words
    with umlauts spelled out where it has any, one to a line."""
    lines = []
    for part in parts:
        spelled = _spelled_out(part)
        lines += [folded(part), spelled] if spelled else [folded(part)]
    return "\n".join(lines)


def spellings(word: str) -> set[str]:
    """How `word` may be stored: folded, and with its umlauts spelled out."""
    return {folded(word), _spelled_out(word) or folded(word)} - {""}


def every_word(column: ColumnElement[str], words: Sequence[str]) -> ColumnElement[bool] | None:
    """The condition that `column` (a `searchable` text) holds every word, in
    one of its spellings; None when no word has any letter to look for."""
    wanted = [s for s in (spellings(w) for w in words) if s]
    if not wanted:
        return None
    return and_(*(or_(*(column.contains(s, autoescape=True) for s in sorted(w))) for w in wanted))


def holds_every_word(text: str, words: Sequence[str]) -> bool:
    """Whether `text` (a `searchable` text) holds every word, in one of its
    spellings: `every_word` for a text at hand rather than a column."""
    wanted = [s for s in (spellings(w) for w in words) if s]
    return all(any(s in text for s in spelled) for spelled in wanted)


def fold_rows(
    conn: Connection,
    table: Table,
    parts: Sequence[Column[str]],
    pending: ColumnElement[bool],
    page: int,
) -> int:
    """Write `searchable` of `parts` into `table.search_text` for every row that
    is `pending`, `page` rows at a time; returns how many. For a migration that
    brings a folding in and for a restored backup made before it."""
    rows_of = select(table.c.id, *parts).where(pending).order_by(table.c.id).limit(page)
    write = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(search_text=bindparam("folded_text"))
    )
    done, after = 0, None
    while True:
        rows = conn.execute(rows_of if after is None else rows_of.where(table.c.id > after)).all()
        if not rows:
            return done
        conn.execute(write, [{"row_id": r[0], "folded_text": searchable(*r[1:])} for r in rows])
        done, after = done + len(rows), rows[-1][0]
