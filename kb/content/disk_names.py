"""A name as a folder on disk holds it, whatever its Unicode form.

Ids and the names written in articles are compared in composed form (NFC,
`kb.validators.normal_name`), but a folder written on macOS holds decomposed
letters (NFD), and a name typed on one system and saved on another may be in
either: "Büro.png" in the Markdown and "Bu\u0308ro.png" on disk name one file.
The authoring side opens an article's file and the scanner a picture of an
article through `name_on_disk`, so neither reports a file missing that is
there in the other form. An exact name always wins; only when it is absent is
the folder listed.
"""

from __future__ import annotations

import os

from kb.validators import normal_name


def name_on_disk(folder: int | str, name: str) -> str:
    """`name` as `folder` (an open folder, or a path) holds it: itself, else the
    first entry (sorted) whose name differs from it only in Unicode form;
    `name` itself when there is neither, or the folder cannot be read."""
    try:
        if isinstance(folder, int):
            os.stat(name, dir_fd=folder, follow_symlinks=False)
        else:
            os.lstat(os.path.join(folder, name))
        return name
    except FileNotFoundError:
        pass
    except OSError:
        return name
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return name
    wanted = normal_name(name)
    return next((n for n in names if n != name and normal_name(n) == wanted), name)


def path_on_disk(folder: str, relative: str) -> str:
    """The path on disk of `relative` ('/' between its names) below `folder`,
    each name in the form its folder holds it (`name_on_disk`)."""
    path = folder
    for part in relative.split("/"):
        path = os.path.join(path, name_on_disk(path, part))
    return path
