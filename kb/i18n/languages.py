"""The languages the product speaks: one folder of `.po` files each under
`kb/i18n/locales/` (the web pages' catalogues hold the same, a test keeps them
complete). Read from the folder names alone, without Babel, so the settings
table can offer them as the choices of `default_language`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locales"
# The language of the texts' keys and of any text a language lacks.
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=1)
def written_languages() -> tuple[str, ...]:
    """The codes of the languages the catalogues hold, `DEFAULT_LANGUAGE` first."""
    codes = (p.name for p in LOCALES.iterdir() if p.is_dir() and any(p.glob("*.po")))
    return tuple(sorted(codes, key=lambda code: (code != DEFAULT_LANGUAGE, code)))
