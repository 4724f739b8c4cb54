"""Documents the last index run could not read, for the content owner's list.

A document's problems (password-protected, damaged, empty, too large, not a
regular file…) are found only by the indexer, which reads documents in the
extraction sandbox; the web pages never extract one. Each run writes the
problems of the documents it could not index to `unreadable.json` in the
index folder (replaced atomically), and the content owner's article list
(`/manage/`) shows each beside its document, as it shows a Markdown article's
problem. A node without the file (one that does not index) shows none.

Each entry holds the problem's English line (`text`, as `kb validate` words
it), its fields with the key and values of its text (`problem`), so that the
list can say it in its reader's language (`kb.content.problem_texts`), and
whether the previously indexed version stays searchable (`kept`). A file an
older version wrote holds the English line alone; it is shown as written.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.records import Problem, Severity

logger = logging.getLogger(__name__)

FILE = "unreadable.json"
KEPT = "; the previously indexed version stays"


@dataclass(frozen=True)
class UnreadableDocument:
    """Why a document was not indexed: its problem (the English line alone, as an
    older run recorded it), and whether the version indexed before stays."""

    problem: Problem | str
    kept: bool = False

    def __str__(self) -> str:
        return f"{self.problem}{KEPT if self.kept else ''}"

    def as_dict(self) -> dict[str, Any]:
        if isinstance(self.problem, str):
            return {"text": str(self)}
        found = self.problem.as_dict()
        found |= {"key": self.problem.text_key, "values": dict(self.problem.text_values)}
        return {"text": str(self), "problem": found, "kept": self.kept}

    @classmethod
    def of(cls, data: object) -> UnreadableDocument:
        """The entry `as_dict` wrote, or the English line of an older file."""
        if not isinstance(data, dict):
            return cls(str(data))
        try:
            found, values = data["problem"], data["problem"].get("values") or {}
            problem = Problem(
                str(found["path"]),
                str(found["message"]),
                str(found.get("hint") or ""),
                int(found["line"]) if found.get("line") is not None else None,
                Severity(found.get("severity", "warning")),
                str(found.get("kind") or "invalid"),
                str(found.get("key") or ""),
                {str(k): str(v) for k, v in values.items()},
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return cls(str(data.get("text", "")))
        return cls(problem, bool(data.get("kept")))


def write_unreadable(
    index_dir: Path, problems: Mapping[str, UnreadableDocument | Problem | str]
) -> None:
    """Record `problems` (document id → why it was not indexed) as what the newest
    run found."""
    entries = {
        aid: (found if isinstance(found, UnreadableDocument) else UnreadableDocument(found))
        for aid, found in problems.items()
    }
    index_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{FILE}.", suffix=".tmp", dir=index_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            shown = {aid: entries[aid].as_dict() for aid in sorted(entries)}
            json.dump(shown, handle, ensure_ascii=False, indent=1)
        os.replace(tmp, index_dir / FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_unreadable(index_dir: Path) -> dict[str, UnreadableDocument]:
    """What the newest run recorded ({} when nothing was, or the file is unusable)."""
    try:
        data = json.loads((index_dir / FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        logger.warning("unreadable documents not available: %s", exc)
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): UnreadableDocument.of(v) for k, v in data.items()}
