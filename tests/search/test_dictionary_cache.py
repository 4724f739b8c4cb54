"""The parsed translation dictionary kept on disk (`search.dictionary_cache`):
written by the first process, read back by the next, rebuilt when the file,
the parser or the cache itself changed, and the same translations either
way (a tiny dictionary always, Debian's file in a slow test when installed)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.results import Query
from kb.settings import Settings
from search import dictionary, dictionary_cache
from search.dictionary import (
    DEBIAN_DICTIONARY,
    BilingualDictionary,
    configured_dictionary,
    load_dictionary,
    parse,
)
from search.dictionary_cache import cache_file, cache_folder
from search.engine import SearchEngine
from tests.search.test_dictionary import TINY
from tests.support import HashingEmbedder

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts like a new process: nothing parsed in memory yet."""
    monkeypatch.setattr(dictionary, "_loaded", {})
    yield


def _parsed(path: Path) -> BilingualDictionary:
    """The dictionary parsed straight from the file, no cache involved."""
    with open(path, encoding="utf-8", errors="replace") as lines:
        return parse(lines, str(path))


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> BilingualDictionary:
        raise AssertionError("parsed although the cache holds the table")

    monkeypatch.setattr(dictionary, "parse", refuse)


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dictionary, "_loaded", {})


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "de-en"
    # A CR and a form feed inside lines: the cached table must split lines as
    # reading the file in text mode does.
    path.write_bytes(TINY.encode() + b"Gehalt {n} :: pay\x0c; salary\r\nFeld {n} :: field\rx\n")
    return path


def test_the_first_load_writes_the_cache_and_the_next_reads_it(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = load_dictionary(tiny, cache)
    assert cache_file(cache, tiny).is_file()
    _new_process(monkeypatch)
    _no_parsing(monkeypatch)
    second = load_dictionary(tiny, cache)
    assert second.table == first.table == _parsed(tiny).table
    assert second.skipped == first.skipped == 4  # TINY's three and the "x" after a CR
    assert second.translations("feld") == ("field",)
    assert second.translations("urlaub")[:2] == ("vacation", "leave")
    assert second.source == str(tiny)
    assert [p.name for p in cache.iterdir()] == [cache_file(cache, tiny).name]  # no temp files


def test_the_english_words_are_read_back_not_made_again(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The words of the English terms (what tells a real word from a typo) come
    from the cache, equal to those made from the freshly parsed table."""
    cache = tmp_path / "cache"
    made = _parsed(tiny).english_words
    assert {"vacation", "leave", "salary", "field"} <= made
    load_dictionary(tiny, cache)
    _new_process(monkeypatch)
    _no_parsing(monkeypatch)
    _no_word_making(monkeypatch)
    found = load_dictionary(tiny, cache)
    assert found.english_words == made
    assert found.knows("salary") and found.knows("urlaub") and not found.knows("wifii")


def _no_word_making(monkeypatch: pytest.MonkeyPatch) -> None:
    class Refusing:
        def findall(self, text: str) -> list[str]:
            raise AssertionError("English words made although the cache holds them")

    monkeypatch.setattr(dictionary, "_LETTERS", Refusing())


def test_a_cache_of_the_previous_format_is_rebuilt(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A cache written before it kept the English words (format 1: the table
    and the count alone) is stale; the rebuilt one holds the words."""
    cache = tmp_path / "cache"
    load_dictionary(tiny, cache)
    file = cache_file(cache, tiny)
    head, _, payload = file.read_bytes().partition(b"\n")
    header, old = json.loads(head), json.loads(payload)
    del old["english_words"]
    older = json.dumps(old).encode()
    header.update(
        format=1, payload_bytes=len(older), payload_sha256=hashlib.sha256(older).hexdigest()
    )
    file.write_bytes(json.dumps(header).encode() + b"\n" + older)
    _new_process(monkeypatch)
    with caplog.at_level(logging.INFO, "search.dictionary_cache"):
        found = load_dictionary(tiny, cache)
    assert "stale (format changed)" in caplog.text
    assert found.english_words == _parsed(tiny).english_words
    _new_process(monkeypatch)
    _no_parsing(monkeypatch)
    _no_word_making(monkeypatch)
    assert load_dictionary(tiny, cache).english_words == found.english_words


def test_the_setting_names_the_folder(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured_dictionary(str(tiny), str(tmp_path / "cache"))
    assert cache_file(tmp_path / "cache", tiny).is_file()
    _new_process(monkeypatch)
    configured_dictionary(str(tiny), "")  # no cache: nothing written anywhere else
    assert len(list((tmp_path / "cache").iterdir())) == 1
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder("auto") == tmp_path / "xdg" / "spoc-kb"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # ignored, as XDG says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder("auto") == tmp_path / "home" / ".cache" / "spoc-kb"
    assert cache_folder("") is None
    assert cache_folder(str(tmp_path / "own")) == tmp_path / "own"


def test_a_changed_dictionary_is_parsed_again(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    load_dictionary(tiny, cache)
    # The same size and modification time, one word changed: the content hash tells.
    st = tiny.stat()
    tiny.write_bytes(tiny.read_bytes().replace(b"salary", b"salare"))
    os.utime(tiny, ns=(st.st_atime_ns, st.st_mtime_ns))
    _new_process(monkeypatch)
    with caplog.at_level(logging.INFO, "search.dictionary_cache"):
        found = load_dictionary(tiny, cache)
    assert "salare" in found.translations("gehalt") and "salary" not in found.translations("gehalt")
    assert "stale (sha256 changed)" in caplog.text
    _new_process(monkeypatch)
    _no_parsing(monkeypatch)  # the rebuilt cache is the new file's
    assert load_dictionary(tiny, cache).table == found.table


def test_a_changed_parser_parses_again(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    load_dictionary(tiny, cache)
    _new_process(monkeypatch)
    monkeypatch.setattr(dictionary, "parser_fingerprint", lambda: "another parser")
    calls: list[str] = []
    real_parse = dictionary.parse

    def counted(lines: object, source: str = "") -> BilingualDictionary:
        calls.append(source)
        return real_parse(lines, source)  # type: ignore[arg-type]

    monkeypatch.setattr(dictionary, "parse", counted)
    with caplog.at_level(logging.INFO, "search.dictionary_cache"):
        assert load_dictionary(tiny, cache).table == _parsed(tiny).table
    assert calls == [str(tiny)]
    assert "stale (parser changed)" in caplog.text


def _damage(file: Path, how: str) -> None:
    data = file.read_bytes()
    head, _, payload = data.partition(b"\n")
    header = json.loads(head)
    if how == "truncated":
        file.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        file.write_bytes(b"")
    elif how == "a changed translation":  # still valid JSON, same length
        file.write_bytes(head + b"\n" + payload.replace(b"vacation", b"vacatiom"))
    elif how == "binary garbage":
        file.write_bytes(b"\x80\x00\xff" * 1000)
    elif how == "no header":
        file.write_bytes(payload)
    elif how == "a header that is not an object":
        file.write_bytes(b"[1, 2]\n" + payload)
    elif how == "wrong types behind a matching header":
        _rewrite(file, header, {"table": {"urlaub": ["wrong"]}, "skipped": 0, "english_words": []})
    elif how == "English words that are not a list behind a matching header":
        _rewrite(file, header, {**json.loads(payload), "english_words": "vacation leave"})
    elif how == "an English word that is not a string behind a matching header":
        _rewrite(file, header, {**json.loads(payload), "english_words": ["vacation", 1]})
    elif how == "no English words behind a matching header":
        _rewrite(
            file, header, {k: v for k, v in json.loads(payload).items() if k != "english_words"}
        )
    elif how == "a folder in its place":
        file.unlink()
        file.mkdir()
    else:
        raise AssertionError(how)


def _rewrite(file: Path, header: dict[str, object], payload: object) -> None:
    """`payload` behind `header`, whose length and hash are made to match it."""
    data = json.dumps(payload).encode()
    header.update(payload_bytes=len(data), payload_sha256=hashlib.sha256(data).hexdigest())
    file.write_bytes(json.dumps(header).encode() + b"\n" + data)


DAMAGES = [
    "truncated",
    "empty",
    "a changed translation",
    "binary garbage",
    "no header",
    "a header that is not an object",
    "wrong types behind a matching header",
    "English words that are not a list behind a matching header",
    "an English word that is not a string behind a matching header",
    "no English words behind a matching header",
    "a folder in its place",
]


@pytest.mark.parametrize("how", DAMAGES)
def test_a_damaged_cache_is_rebuilt_never_trusted(
    how: str,
    tiny: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = tmp_path / "cache"
    load_dictionary(tiny, cache)
    _damage(cache_file(cache, tiny), how)
    _new_process(monkeypatch)
    with caplog.at_level(logging.INFO, "search.dictionary_cache"):
        found = load_dictionary(tiny, cache)
    assert found.table == _parsed(tiny).table
    assert found.english_words == _parsed(tiny).english_words
    assert found.translations("urlaub")[:2] == ("vacation", "leave")
    assert "translation dictionary cache" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    if how != "a folder in its place":  # rewritten whole: the next process reads it
        _new_process(monkeypatch)
        _no_parsing(monkeypatch)
        rebuilt = load_dictionary(tiny, cache)
        assert rebuilt.table == found.table
        assert rebuilt.english_words == found.english_words


def test_the_engine_keeps_the_dictionary_where_the_setting_says(
    fixture_index: Settings, tiny: Path, tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    settings = fixture_index.replace(
        translation_dictionary=str(tiny), translation_dictionary_cache=str(tmp_path / "cache")
    )
    engine = SearchEngine(settings, embedder=hashing_embedder)
    try:
        engine.retrieve(Query("Urlaub beantragen", lang="de"))
    finally:
        engine.close()
    assert cache_file(tmp_path / "cache", tiny).is_file()


@pytest.mark.parametrize("whose", ["another user's", "writable by others"])
def test_a_cache_file_others_could_have_written_is_not_read(
    whose: str,
    tiny: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """In a folder others may write to, another user could plant a cache file
    whose header matches (the dictionary and the parser are public) and put
    their words in its translations."""
    cache = tmp_path / "cache"
    load_dictionary(tiny, cache)
    file = cache_file(cache, tiny)
    planted = file.read_bytes().replace(b"vacation", b"vacatiom")
    head, _, payload = planted.partition(b"\n")
    header = json.loads(head)
    header.update(payload_bytes=len(payload), payload_sha256=hashlib.sha256(payload).hexdigest())
    file.write_bytes(json.dumps(header).encode() + b"\n" + payload)
    if whose == "another user's":
        monkeypatch.setattr(dictionary_cache.os, "geteuid", lambda: os.stat(file).st_uid + 1)
    else:
        file.chmod(0o666)
    _new_process(monkeypatch)
    with caplog.at_level(logging.WARNING, "search.dictionary_cache"):
        found = load_dictionary(tiny, cache)
    assert found.table == _parsed(tiny).table
    assert "vacatiom" not in found.translations("urlaub")
    assert "not this user's own file" in caplog.text


def test_the_caches_of_dictionaries_that_are_gone_are_removed(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    gone = tmp_path / "gone-de-en"
    gone.write_bytes(tiny.read_bytes())
    kept = tmp_path / "kept-de-en"
    kept.write_bytes(tiny.read_bytes())
    load_dictionary(gone, cache)
    load_dictionary(kept, cache)
    gone.unlink()
    leftover = cache / (cache_file(cache, tiny).name + ".x1y2z3")  # a killed writer's
    fresh = cache / (cache_file(cache, tiny).name + ".a1b2c3")  # a writer's, now
    leftover.write_text("{", encoding="utf-8")
    fresh.write_text("{", encoding="utf-8")
    old = os.stat(leftover).st_mtime - dictionary_cache.LEFTOVER_SECONDS - 1
    os.utime(leftover, (old, old))
    (cache / "unrelated.txt").write_text("kept", encoding="utf-8")
    _new_process(monkeypatch)
    load_dictionary(tiny, cache)  # a third dictionary's first start
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        [cache_file(cache, kept).name, cache_file(cache, tiny).name, fresh.name, "unrelated.txt"]
    )


def test_a_folder_that_cannot_be_written_still_translates(
    tiny: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    with caplog.at_level(logging.WARNING, "search.dictionary_cache"):
        found = load_dictionary(tiny, blocked / "cache")
    assert found.table == _parsed(tiny).table
    assert "cannot be written" in caplog.text
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_a_reader_never_sees_a_half_written_cache(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While one process writes the cache, another that starts reads the
    previous whole file or none, never the part written so far."""
    cache = tmp_path / "cache"
    file = cache_file(cache, tiny)
    seen: list[object] = []
    real_replace = os.replace

    def replace_after_a_read(src: str, dst: str) -> None:
        identity = dictionary_cache.SourceIdentity.of(
            tiny, tiny.read_bytes(), dictionary.parser_fingerprint()
        )
        assert Path(src).stat().st_size > 0  # the whole file is written, not yet named
        seen.append(dictionary_cache.read_cached(file, identity))
        real_replace(src, dst)

    monkeypatch.setattr(dictionary_cache.os, "replace", replace_after_a_read)
    load_dictionary(tiny, cache)
    assert seen == [None]  # the other process found no cache and parsed
    assert file.is_file()


def _letters(number: int) -> str:
    """A word of letters for a number (0 → "aaaa", 1 → "aaab", …)."""
    return "".join(chr(97 + number // 26**k % 26) for k in reversed(range(4)))


_START = """
import hashlib, json, sys
from pathlib import Path
from search.dictionary import load_dictionary
found = load_dictionary(Path(sys.argv[1]), Path(sys.argv[2]))
table = json.dumps(found.table, sort_keys=True).encode()
print(hashlib.sha256(table).hexdigest(), found.skipped)
"""


def test_processes_that_start_at_once_all_translate(tmp_path: Path) -> None:
    """Several processes start together with no cache yet: each parses or reads
    a whole cache, and all end with the same table."""
    path = tmp_path / "de-en"
    # Large enough that the parses overlap (a few tenths of a second each).
    words = [_letters(i) for i in range(20_000)]
    lines = [f"Wort{w} {{n}} | Wörter{w} {{pl}} :: word {w}; term | words {w}" for w in words]
    path.write_text(TINY + "\n".join(lines) + "\n", encoding="utf-8")
    cache = tmp_path / "cache"
    started = [
        subprocess.Popen(
            [sys.executable, "-c", _START, str(path), str(cache)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [process.communicate(timeout=300) for process in started]
    assert [p.returncode for p in started] == [0] * 4, [err for _, err in results]
    expected = _parsed(path)
    digest = hashlib.sha256(json.dumps(expected.table, sort_keys=True).encode()).hexdigest()
    assert {out.split()[0] for out, _ in results} == {digest}
    assert [p.name for p in cache.iterdir()] == [cache_file(cache, path).name]


@pytest.mark.slow
def test_debians_dictionary_translates_alike_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not DEBIAN_DICTIONARY.is_file():
        pytest.skip(f"{DEBIAN_DICTIONARY} is not installed (apt-get install trans-de-en)")
    parsed = load_dictionary(DEBIAN_DICTIONARY, tmp_path / "cache")
    _new_process(monkeypatch)
    _no_parsing(monkeypatch)
    cached = load_dictionary(DEBIAN_DICTIONARY, tmp_path / "cache")
    assert cached.table == parsed.table
    assert cached.skipped == parsed.skipped
    assert len(cached) > 200_000
    assert {"leave", "vacation"} <= set(cached.translations("urlaub"))
    assert cached.knows("reimbursement")
    assert cached.english_words == parsed.english_words  # read back, equal to the made ones
