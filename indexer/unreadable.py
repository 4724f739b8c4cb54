"""Documents the last index run could not read, for the content owner's list.

A document's problems (password-protected, damaged, empty, too large, not a
regular file…) are found only by the indexer, which reads documents in the
extraction sandbox; the web pages never extract one. Each run writes the
problems of the documents it could not index to `unreadable.json` in the
index folder (replaced atomically), and the content owner's article list
(`/manage/`) shows each beside its document, as it shows a Markdown article's
problem. A node without the file (one that does not index) shows none.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

logger = logging.getLogger(__name__)

FILE = "unreadable.json"


def write_unreadable(index_dir: Path, problems: Mapping[str, str]) -> None:
    """Record `problems` (document id → the problem as `kb validate` words it) as
    what the newest run found."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{FILE}.", suffix=".tmp", dir=index_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(dict(sorted(problems.items())), handle, ensure_ascii=False, indent=1)
        os.replace(tmp, index_dir / FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_unreadable(index_dir: Path) -> dict[str, str]:
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
    return {str(k): str(v) for k, v in data.items()}
