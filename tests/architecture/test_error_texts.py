"""Every error people read has a key, and every key has an English and a German text.

An error raised with `key=` is worded by the domain's catalogue
(`error_<key>` in kb/i18n/locales/<lang>/errors.po); one without a key keeps
its English message whatever the reader's language. This reads the source of
the product: in the modules under `KEYED`, every error a caller can cause (a
4xx) must carry a key; elsewhere the English-only ones may only become fewer;
and every key written anywhere must have a text in each language, with the
same `{values}` in each.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

from kb.i18n.catalog import domain_catalog

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kb", "webapp", "search", "indexer")
# The errors a caller can cause (4xx), and `webapp.inputs.invalid`, which makes one.
CALLER_ERRORS = frozenset(
    {
        "ValidationError", "NotFoundError", "ConflictError", "PermissionDenied",
        "AuthenticationRequired", "PreconditionRequired", "ReviewRequiredError", "invalid",
    }
)  # fmt: skip
# Where every caller error is in the reader's language.
KEYED = (
    "webapp/",
    "kb/catalogue/",
    "kb/authoring/",
    "kb/requests/submission.py",
    "kb/requests/permissions.py",
    "kb/requests/task_work.py",
    "kb/requests/watchers.py",
    "kb/requests/working.py",
    "kb/requests/departments.py",
    "kb/requests/workflows.py",
    "kb/requests/articles.py",
    "kb/requests/drafting.py",
    "kb/requests/reading.py",
    "kb/requests/attaching.py",
    "kb/insights/",
    "kb/store/sql_requests.py",
    "kb/store/sql_attachments.py",
)
# Still English only (raised from the CLI, the store or request work the forms
# rarely reach): the number per module may only go down.
ENGLISH_ONLY = {
    "kb/accounts/service.py": 9,
    "kb/requests/commands.py": 1,
    "kb/requests/serialize.py": 1,
    "kb/store/sql_accounts.py": 3,
    "kb/store/sql_base.py": 1,
    "kb/store/sql_events.py": 1,
    "kb/store/sql_gaps.py": 2,
    "kb/store/sql_outbox.py": 2,
    "kb/store/sql_tasks.py": 2,
    "kb/store/sql_versions.py": 2,
    "kb/backup/database.py": 1,
    "search/engine.py": 3,
}


def _calls() -> list[tuple[str, int, ast.Call]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    found.append((rel, node.lineno, node))
    return found


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _key(call: ast.Call) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == "key"), None)


def _literals(node: ast.expr) -> list[str]:
    """The key's possible values where the source spells them out."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def _keyless() -> list[tuple[str, int]]:
    """Where a caller error is raised without a key (or with an empty one)."""
    return [
        (rel, line)
        for rel, line, call in _calls()
        if _name(call) in CALLER_ERRORS and _literals(_key(call) or ast.Constant("")) == [""]
    ]


def test_every_caller_error_of_the_translated_modules_has_a_key() -> None:
    missing = [f"{rel}:{line}" for rel, line in _keyless() if rel.startswith(KEYED)]
    assert not missing, (
        "these errors would reach people in English only; give each a key=... and "
        f"error_<key> texts in kb/i18n/locales/*/errors.po: {missing}"
    )


def test_english_only_errors_only_become_fewer() -> None:
    counts = Counter(rel for rel, _ in _keyless() if not rel.startswith(KEYED))
    grown = {rel: n for rel, n in counts.items() if n > ENGLISH_ONLY.get(rel, 0)}
    assert not grown, (
        f"new errors without a key in {grown}: give each a key=... and error_<key> texts "
        "in kb/i18n/locales/*/errors.po (or lower ENGLISH_ONLY when you translate some)"
    )


def test_every_key_has_a_text_in_every_language_with_the_same_values() -> None:
    catalog = domain_catalog()
    keys = {
        (key, f"{rel}:{line}")
        for rel, line, call in _calls()
        if (node := _key(call)) is not None
        for key in _literals(node)
        if key
    }
    assert len(keys) > 100  # the scan sees the keys
    missing = [
        f"error_{key} in {lang} (used at {where})"
        for key, where in sorted(keys)
        for lang in ("en", "de")
        if not catalog.has(lang, f"error_{key}")
    ]
    assert not missing, f"add to kb/i18n/locales/<lang>/errors.po: {missing}"
    differing = [
        name
        for name in catalog.messages["en"]
        if name.startswith("error_")
        and _values(catalog.messages["en"][name]) != _values(catalog.messages["de"].get(name, ""))
    ]
    assert not differing, f"en and de name different {{values}} in {differing}"


def _values(text: str) -> set[str]:
    return set(re.findall(r"(?<!\{)\{(\w+)\}", text))
