"""Every error people read has a key, and every key has an English and a German text.

An error raised with `key=` is worded by the domain's catalogue
(`error_<key>` in kb/i18n/locales/<lang>/errors.po); one without a key keeps
its English message whatever the reader's language. This reads the source of
the product: every error a caller can cause (a 4xx) must carry a key, even
those only the command line raises (a key costs two lines of text and keeps
the rule simple); every key written anywhere must have a text in each
language, with the same `{values}` in each; and a key the scan cannot read
(built at run time) must be listed with the values it takes.
"""

from __future__ import annotations

import ast
import re
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
# Keys built at run time (f-strings), which the scan cannot read: each family
# with every value it takes. A new f-string key must be listed here.
FORMATTED_KEYS = {
    "review_{step}": ("create", "submit", "second"),  # kb.authoring.errors.review_required
    "setting_type_{name}": ("int", "float", "bool", "str"),  # kb.setting.Setting._typed
}
# Where an error takes its key from its caller (whose calls the scan reads).
PASSED_ON = {
    "webapp/inputs.py", "kb/setting.py", "kb/requests/workflow_texts.py",
    "kb/catalogue/form_texts.py",
}  # fmt: skip


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


def test_every_caller_error_has_a_key() -> None:
    missing = [f"{rel}:{line}" for rel, line in _keyless()]
    assert not missing, (
        "these errors would reach people in English only; give each a key=... and "
        f"error_<key> texts in kb/i18n/locales/*/errors.po: {missing}"
    )


def test_every_key_the_scan_cannot_read_is_accounted_for() -> None:
    unread = []
    for rel, line, call in _calls():
        node = _key(call)
        if node is None or _literals(node) or not _name(call).endswith(("Error", "Denied")):
            continue
        if isinstance(node, ast.JoinedStr):
            family = ast.unparse(node)[2:-1]  # f'review_{step}' -> review_{step}
            if family not in FORMATTED_KEYS:
                unread.append(f"{family} at {rel}:{line}: list its values in FORMATTED_KEYS")
        elif rel not in PASSED_ON:
            unread.append(f"{ast.unparse(node)} at {rel}:{line}: write the key out")
    assert not unread, unread


def test_the_formatted_keys_reach_people_in_their_language() -> None:
    from kb.authoring.errors import review_required
    from kb.records import Department

    department = Department(slug="facilities", name="Facilities")
    for step in FORMATTED_KEYS["review_{step}"]:
        error = review_required(step, department)
        german = error.message_in("de")
        assert german != error.message_in("en") and "{" not in german, (step, german)
        assert "facilities" in german  # the department is named


def test_every_key_has_a_text_in_every_language_with_the_same_values() -> None:
    catalog = domain_catalog()
    keys = {
        (key, f"{rel}:{line}")
        for rel, line, call in _calls()
        if (node := _key(call)) is not None
        for key in _literals(node)
        if key
    } | {
        (family.format_map({name: value}), "FORMATTED_KEYS")
        for family, values in FORMATTED_KEYS.items()
        for name in re.findall(r"\{(\w+)\}", family)
        for value in values
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


def _names(node: ast.expr | None) -> set[str] | None:
    """The names a dict literal spells out (None where the source does not)."""
    if node is None:
        return set()
    if not isinstance(node, ast.Dict):
        return None
    keys = [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    return set(keys) if len(keys) == len(node.keys) else None


def test_every_raise_site_gives_the_values_its_texts_name() -> None:
    """A text naming a value the error does not carry falls back to English."""
    english = domain_catalog().messages["en"]
    checked, short = 0, []
    for rel, line, call in _calls():
        node = _key(call)
        given = {k.arg: k.value for k in call.keywords}
        values, details = _names(given.get("values")), _names(given.get("details"))
        if node is None or values is None or details is None:
            continue
        if "field" in details or _name(call) == "invalid":  # `invalid` names its field
            values.add("field")
        for key in _literals(node):
            lacking = _values(english.get(f"error_{key}", "")) - values
            checked += 1
            if lacking:
                short.append(f"{rel}:{line} error_{key} needs {sorted(lacking)}")
    assert checked > 100  # the scan sees the raise sites
    assert not short, short
