"""One setting: how it is declared, typed, checked and documented.

`setting(default, help, choices=, minimum=, maximum=, shape=)` declares a
field of `kb.settings.Settings` (`shape`: what a text must look like, such as
one e-mail address, `TextShape`); `rows_of` reads the fields back as `Setting` rows,
which check values and describe themselves for `kb settings` and
`docs/settings.md`. `read_toml` reads a settings file.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from kb.errors import ConfigError

_SCALARS: tuple[type, ...] = (str, int, float, bool)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class TextShape:
    """What a text setting's value must look like: `rule` says it (in `kb
    settings` and the docs), `problem` says what is wrong with a value ("" when
    nothing is), as the setting's error gives it after the value."""

    rule: str
    problem: Callable[[str], str]


class ShapeProblem(str):
    """What is wrong with a text setting's value, said of it in English as
    `TextShape.problem` gives it, with the key and values of its text
    (`error_setting_shape_<key>` in errors.po), for a page in another language."""

    key: str
    values: dict[str, str]

    def __new__(cls, text: str, key: str, **values: str) -> ShapeProblem:
        said = super().__new__(cls, text)
        said.key, said.values = key, values
        return said


def setting(
    default: Any,
    help: str,
    *,
    choices: tuple[str, ...] = (),
    minimum: float | None = None,
    maximum: float | None = None,
    shape: TextShape | None = None,
) -> Any:
    """Declare one setting (a dataclass field with its documentation)."""
    meta = {
        "help": help,
        "choices": choices,
        "minimum": minimum,
        "maximum": maximum,
        "shape": shape,
    }
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Setting:
    """One row of the settings table, read from a field of `Settings`."""

    name: str
    type: type
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    shape: TextShape | None = None

    @property
    def env_var(self) -> str:
        return "KB_" + self.name.upper()

    def check(self, value: Any, where: str = "") -> Any:
        """`value` as this setting's type; a `ConfigError` naming what is allowed
        (and `where` the value was set: a file, a variable, an option)."""
        try:
            return self._checked(value)
        except ConfigError as exc:
            if not where:
                raise
            raise ConfigError(f"{where}: {exc.message}", key=exc.key, values=exc.values) from None

    def _checked(self, value: Any) -> Any:
        typed = self._typed(value)
        if self.choices:
            typed = typed.strip().lower()
            if typed not in self.choices:
                allowed = ", ".join(repr(c) for c in self.choices)
                raise ConfigError(
                    f"setting {self.name} must be one of {allowed}; got {value!r}",
                    key="setting_choice",
                    values=self._said(value, allowed=allowed),
                )
        if self.minimum is not None and typed < self.minimum:
            raise ConfigError(
                f"setting {self.name} must be at least {self.minimum}, got {value!r}",
                key="setting_minimum",
                values=self._said(value, limit=self.minimum),
            )
        if self.maximum is not None and typed > self.maximum:
            raise ConfigError(
                f"setting {self.name} must be at most {self.maximum}, got {value!r}",
                key="setting_maximum",
                values=self._said(value, limit=self.maximum),
            )
        wrong = self.shape.problem(typed) if self.shape is not None else ""
        if wrong:
            key = getattr(wrong, "key", "")
            raise ConfigError(
                f"setting {self.name}: {typed!r} {wrong}",
                key=f"setting_shape_{key}" if key else "",
                values=self._said(typed, **getattr(wrong, "values", {})),
            )
        return typed

    def _typed(self, value: Any) -> Any:
        kind = self.type
        if isinstance(value, kind) and not (kind is not bool and isinstance(value, bool)):
            return value
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        text = str(value).strip()
        if kind is bool and text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        if kind in (int, float) and not isinstance(value, bool):
            try:
                return kind(text)
            except ValueError:
                pass
        elif kind is str and isinstance(value, str | int | float | Path):
            return str(value)
        article, name = "an" if kind is int else "a", kind.__name__
        raise ConfigError(
            f"setting {self.name} must be {article} {name}, got {value!r}",
            key=f"setting_type_{name}",
            values=self._said(value),
        )

    def _said(self, value: Any, **more: Any) -> dict[str, str]:
        """The values a check's error text names (`error_setting_*` in errors.po):
        the setting, the value as the English message quotes it, and `more`."""
        return {"setting": self.name, "value": repr(value), **{k: str(v) for k, v in more.items()}}

    def describe(self) -> str:
        """The help text with the allowed values, as `kb settings` prints it."""
        rules = []
        if self.choices:
            rules.append("One of: " + ", ".join(f"`{c}`" for c in self.choices) + ".")
        if self.minimum is not None:
            rules.append(f"At least {self.minimum:g}.")
        if self.maximum is not None:
            rules.append(f"At most {self.maximum:g}.")
        if self.shape is not None:
            rules.append(self.shape.rule)
        return " ".join([self.help, *rules])


def rows_of(table: type) -> tuple[Setting, ...]:
    """The settings declared as the fields of the dataclass `table`."""
    hints = get_type_hints(table)
    rows = []
    for f in dataclasses.fields(table):
        kind = hints[f.name]
        if kind not in _SCALARS:
            raise TypeError(f"setting {f.name}: type {kind!r} is not one of str, int, float, bool")
        if f.metadata.get("shape") is not None and kind is not str:
            raise TypeError(f"setting {f.name}: only a text setting has a shape")
        rows.append(Setting(f.name, kind, f.default, **f.metadata))
    return tuple(rows)


def markdown_table(rows: tuple[Setting, ...]) -> list[str]:
    """The Markdown table of `rows` (`kb settings`, `docs/settings.md`)."""
    lines = [
        "| setting | environment | type | default | meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for s in rows:
        lines.append(
            f"| `{s.name}` | `{s.env_var}` | {s.type.__name__} | `{s.default!s}` | {s.describe()} |"
        )
    return lines


def read_toml(path: Path) -> dict[str, Any]:
    """The settings of a TOML file (keys under `[kb]`, or at the top)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"settings file {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"settings file {path} is not valid TOML: {exc}",
            key="settings_not_toml",
            values={"problem": str(exc)},
        ) from None
    except OSError as exc:  # unreadable: permissions, a folder, an I/O error
        raise ConfigError(
            f"settings file {path} cannot be read: {exc.strerror or exc}; check KB_SETTINGS "
            "or --settings and the file's permissions",
            key="settings_unreadable",
            values={"reason": str(exc.strerror or exc)},
        ) from None
    table = data.get("kb", data)
    if not isinstance(table, dict):
        raise ConfigError(
            f"settings file {path}: [kb] must be a table of settings", key="settings_not_table"
        )
    return dict(table)
