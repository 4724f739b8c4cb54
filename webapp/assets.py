"""The app's own CSS, JS and icon: URLs that carry their content's hash.

`asset_url('kb.css')` (in templates) is `/static/kb.css?v=<hash>`, the hash
of the file's bytes. A file fetched by the URL with its current hash never
changes under that URL, so browsers and proxies may keep it for a year without
asking again (`immutable`); the next release links a new URL. Fetched without
the hash, or with another one (an old page, a hand-typed link), it keeps
Flask's `no-cache`: the browser revalidates it on every use.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, request, url_for
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"


class Assets:
    """The content hash of each static file, read once per process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._versions: dict[str, str] = {}

    def version(self, filename: str) -> str | None:
        """The first ten hex digits of the file's SHA-256; None for no such file."""
        version = self._versions.get(filename)
        if version is None:
            path = safe_join(str(self.folder), filename)
            if path is None or not Path(path).is_file():
                return None
            data = Path(path).read_bytes()
            version = self._versions[filename] = hashlib.sha256(data).hexdigest()[:10]
        return version

    def url(self, filename: str) -> str:
        return url_for("static", filename=filename, v=self.version(filename))

    def cache_forever(self, response: Response) -> Response:
        """A static file asked for by its current hash may be kept for a year."""
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        filename = str((request.view_args or {}).get("filename", ""))
        sent = request.args.get("v")
        if sent and sent == self.version(filename):
            response.headers["Cache-Control"] = IMMUTABLE
        return response


def init_app(app: Flask) -> None:
    assets = Assets(Path(app.static_folder or ""))
    app.after_request(assets.cache_forever)
    app.jinja_env.globals["asset_url"] = assets.url
