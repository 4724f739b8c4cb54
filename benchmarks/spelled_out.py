"""German questions as typed on a keyboard without umlauts, for `kb eval`.

Writes the questions of a labelled query file that hold an umlaut or "ß"
with them spelled out ("Bankverbindung ändern" → "Bankverbindung aendern",
"Straße" → "Strasse"), ids kept, so that `kb eval` with the set's own
judgements measures how well such questions are answered
(docs/search.md, "German spelling without umlauts").
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

_SPELLED = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)


def spelled_out(lines: list[str]) -> list[dict[str, object]]:
    """The queries (JSON lines) whose text holds an umlaut or "ß", spelled out."""
    found = []
    for line in lines:
        if not line.strip():
            continue
        query = json.loads(line)
        text = str(query["text"])
        if text.translate(_SPELLED) != text:
            found.append({**query, "text": text.translate(_SPELLED)})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, required=True, help="labelled queries (JSON lines)")
    parser.add_argument(
        "--out", type=Path, required=True, help="where to write the spelled-out ones"
    )
    args = parser.parse_args()
    queries = spelled_out(args.queries.read_text(encoding="utf-8").splitlines())
    args.out.write_text(
        "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in queries), encoding="utf-8"
    )
    print(f"{len(queries)} questions spelled out to {args.out}")


if __name__ == "__main__":
    main()
