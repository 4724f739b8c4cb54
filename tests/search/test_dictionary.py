"""Reading a Ding-format German–English dictionary: tiny files written here,
and Debian's trans-de-en file in a slow test when it is installed."""

from __future__ import annotations

import logging
import random
import re
from pathlib import Path

import pytest

from search import dictionary
from search.dictionary import (
    DEBIAN_DICTIONARY,
    configured_dictionary,
    english_term,
    german_key,
    load_dictionary,
    parse,
)
from tests.support import within

TINY = """\
# Version :: test
# License :: GPL Version 2 or later
Urlaub {m}; Beurlaubung {f} | Langzeiturlaub {m} | in Urlaub sein :: leave; vacation [Am.] | sabbatical leave | to be on leave
Urlaub {m} [Br.] :: holiday; vacation
etw. beantragen {vt} (bei jdm.) | beantragend | beantragt :: to apply for sth. (to sb.) | applying for | applied for
Stunde {f} /Std./ | Stunden {pl} :: hour /h/ | hours
Kaputte Zeile ohne Trenner
Zwei {num} | Drei {num} :: two
Doppelt :: double :: twice
Bescheinigung {f} | Das ist eine sehr lange Beispielantwort mit vielen Wörtern. :: certificate | That is a long example answer with far too many words.
"""


def test_keys_are_single_german_words_without_annotations() -> None:
    assert german_key("etw. beantragen {vt} (bei jdm.)") == "beantragen"
    assert german_key("Stunde {f} /Std./") == "stunde"
    assert german_key("in Urlaub sein") is None
    assert german_key("E-Mail {f}") is None  # a query splits it into two words


def test_english_terms_drop_placeholders_and_the_verbs_to() -> None:
    assert english_term(" to apply for sth. (to sb.)") == "apply for"
    assert english_term("vacation [Am.]") == "vacation"
    assert english_term("hour /h/") == "hour"
    assert english_term("That is a long example answer") is None  # too many words
    assert english_term(" ") is None


def test_annotations_that_never_close_are_read_in_linear_time() -> None:
    """The dictionary file is the operator's to name (`translation_dictionary`),
    and every variant of every line is cleaned of its annotations: the earlier
    expression looked for the closing mark again from each opening one (a
    line of 20,000 "{" took 0.15 s, quadratic). Checked by what comes back
    from 200,000 marks of each kind, which took it more than a minute (speed
    is for `benchmarks/`, not a clock)."""
    for mark in ("{", "[", "(", "<", "{a[b(c<d / "):
        text = "Urlaub " + mark * (200_000 // len(mark))
        assert within(60, lambda text=text: dictionary.clean(text)) == " ".join(text.split())
    many = "{a} " * 200_000 + "(" * 200_000 + "Urlaub"
    assert within(60, lambda: german_key(many)) is None
    assert within(60, lambda: dictionary.clean(many)) == "(" * 200_000 + "Urlaub"


# The expression annotations were cut with until a line of opening marks took it
# quadratic time: what it cut is cut.
_EARLIER_NOTES = re.compile(r"\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|<[^>]*>|/[^/\s][^/]*/")


def test_annotations_are_cut_as_the_earlier_expression_cut_them() -> None:
    rng = random.Random(558)
    pieces = [*"{}[]()<>/ a1\t…", "{m}", "[Am.]", "/Std./", "(bei jdm.)", "etw.", "//", "/ "]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        expected = " ".join(_EARLIER_NOTES.sub(" ", text).replace("…", " ").split())
        assert dictionary.clean(text) == expected, repr(text)


def test_parse_aligns_sub_entries_and_skips_bad_lines() -> None:
    found = parse(TINY.splitlines(), "tiny")
    assert found.translations("urlaub")[:2] == ("vacation", "leave")  # in two entries
    assert found.translations("langzeiturlaub") == ("sabbatical leave",)
    assert found.translations("beantragt") == ("applied for",)
    assert found.translations("stunden") == ("hours",)
    assert found.translations("bescheinigung") == ("certificate",)
    assert found.translations("nichts") == ()
    # No " :: ", unaligned sub-entries, and two separators are skipped, counted.
    assert found.skipped == 3
    assert "zwei" not in found and "doppelt" not in found


def test_a_term_early_in_its_entry_ranks_first() -> None:
    found = parse(["Gehalt {n} :: pay; salary; stipend"])
    assert found.translations("gehalt") == ("pay", "salary", "stipend")


def test_knows_german_words_and_the_words_of_english_terms() -> None:
    found = parse(["Gehalt {n} :: pay; salary", "Urlaub {m} :: annual leave"])
    assert found.knows("gehalt") and found.knows("salary") and found.knows("annual")
    assert not found.knows("wifii")


def test_load_reads_once_per_file_version(tmp_path: Path) -> None:
    path = tmp_path / "de-en"
    path.write_text(TINY, encoding="utf-8")
    first = load_dictionary(path)
    assert load_dictionary(path) is first
    path.write_text(TINY + "Gehalt {n} :: salary\n", encoding="utf-8")
    assert load_dictionary(path).translations("gehalt") == ("salary",)


def test_bad_utf8_is_replaced_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "de-en"
    path.write_bytes(TINY.encode() + b"Gr\xfc\xdfe {pl} :: greetings\n")
    assert load_dictionary(path).translations("urlaub")


def test_a_missing_file_is_no_dictionary_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, "search.dictionary"):
        found = load_dictionary(tmp_path / "absent")
    assert len(found) == 0
    assert "absent" in caplog.text and "no query translation" in caplog.text


def test_the_setting_auto_empty_or_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "de-en"
    path.write_text(TINY, encoding="utf-8")
    assert configured_dictionary(str(path)).translations("urlaub")
    assert len(configured_dictionary("")) == 0
    monkeypatch.setattr(dictionary, "DEBIAN_DICTIONARY", tmp_path / "not-installed")
    monkeypatch.setattr(dictionary, "_reported", set())
    with caplog.at_level(logging.WARNING, "search.dictionary"):
        assert len(configured_dictionary("auto")) == 0
        configured_dictionary("auto")
    assert caplog.text.count("apt-get install trans-de-en") == 1  # once per process
    monkeypatch.setattr(dictionary, "DEBIAN_DICTIONARY", path)
    assert configured_dictionary("auto").translations("urlaub")


@pytest.mark.slow
def test_debians_dictionary_parses() -> None:
    if not DEBIAN_DICTIONARY.is_file():
        pytest.skip(f"{DEBIAN_DICTIONARY} is not installed (apt-get install trans-de-en)")
    found = load_dictionary(DEBIAN_DICTIONARY)
    assert len(found) > 200_000
    assert found.skipped < len(found) // 100
    assert {"leave", "vacation"} <= set(found.translations("urlaub"))
    assert "apply for" in found.translations("beantragen")
    assert "reimbursement" in found.translations("erstattung")
