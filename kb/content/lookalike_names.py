"""What two shown names have in common when they read alike on a page.

Employees choose a department by the name its file gives it, so a name that
looks like another's must be told apart from it by more than letter case and
spacing. `reading_key` reduces a name to what a reader sees:

- its compatibility form (full-width letters, ligatures and the like as plain
  letters: NFKC);
- without the characters that show nothing: format characters (zero-width
  spaces and joiners, soft hyphens, direction marks, the byte order mark) and
  the other default-ignorable ones (variation selectors, Hangul fillers, the
  combining grapheme joiner);
- Cyrillic and Greek letters that are drawn like Latin ones (`І`, `Т`, `о`,
  `Ρ`) as the Latin letters they look like, compared before case is folded,
  so that a capital `Ν` reads as N and a small `ν` as v;
- case folded, with `l` and `i` as one letter (a small `l` is drawn like a
  capital `I` in most sans-serif type), runs of white space as one space,
  none at either end.

Two names with one key read alike; names of other scripts written wholly in
their own letters keep keys of their own.
"""

from __future__ import annotations

import unicodedata

# Default-ignorable characters outside the format category (Cf), which
# `unicodedata` cannot name by a property of their own.
_IGNORABLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)
_IGNORABLE_RANGES = ((0xE0100, 0xE01F0),)

# Letters drawn like Latin letters: Cyrillic, then Greek, each in the case it is
# drawn like. Once case is folded, an l reads as an i (a capital I).
_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТУХЅІЈԚԜӀаеорсухѕіјԁԛԝһӏ" + "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοναρι",
    "ABEKMHOPCTYXSIJQWIaeopcyxsijdqwhI" + "ABEZHIKMNOPTYXovapi",
)


def _shows_nothing(char: str) -> bool:
    if unicodedata.category(char) == "Cf" or char in _IGNORABLE:
        return True
    point = ord(char)
    return any(low <= point < high for low, high in _IGNORABLE_RANGES)


def reading_key(name: str) -> str:
    """What `name` shares with every name that reads like it (see the module)."""
    shown = "".join(c for c in unicodedata.normalize("NFKC", name) if not _shows_nothing(c))
    folded = shown.translate(_LOOKALIKES).casefold().replace("l", "i")
    return " ".join(folded.split())
