"""The shape of the code, checked: no import cycles, layers that only import
inwards, modules of at most 400 lines and functions of at most 60 in the
product packages (see docs/architecture.md).

The checks read the source with `ast`; nothing is imported, so they run in
well under a second.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT

PRODUCT_PACKAGES = ("kb", "indexer", "search", "webapp")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# Alembic migrations are schema scripts run once, not code anyone extends.
EXEMPT_FROM_SIZES = ("kb/store/migrations/versions/",)
# The `kb` command's root registers every area's commands: the outermost layer.
OUTERMOST = ("kb.cli.main",)
OUTER_LAYERS = {
    "kb": ("indexer", "search", "webapp"),
    "indexer": ("search", "webapp"),
    "search": ("webapp",),
}


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    imports: set[str] = field(default_factory=set)  # every import, also inside functions
    eager_imports: set[str] = field(default_factory=set)  # run when the module is imported


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif node.module and not node.level:
        # `from a import b` names module a.b when b is a module, else a.
        yield from (f"{node.module}.{alias.name}" for alias in node.names)


class _ImportCollector(ast.NodeVisitor):
    """Imports of one module; `if TYPE_CHECKING:` blocks are not imports."""

    def __init__(self) -> None:
        self.all: set[str] = set()
        self.eager: set[str] = set()
        self._depth = 0

    def visit_If(self, node: ast.If) -> None:
        if "TYPE_CHECKING" not in ast.unparse(node.test):
            self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        names = set(_imported(node))
        self.all |= names
        if not self._depth:
            self.eager |= names

    visit_ImportFrom = visit_Import


def _modules() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for package in PRODUCT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found[_module_name(path)] = Module(_module_name(path), path, tree)
    for module in found.values():
        collector = _ImportCollector()
        collector.visit(module.tree)
        module.imports = {m for name in collector.all if (m := _resolve(name, found))}
        module.eager_imports = {m for name in collector.eager if (m := _resolve(name, found))}
        module.imports.discard(module.name)
        module.eager_imports.discard(module.name)
    return found


def _resolve(name: str, modules: dict[str, Module]) -> str | None:
    """The product module an imported name belongs to (None for libraries)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


MODULES = _modules()


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back_through_others() -> None:
    cycles = _cycles({name: module.imports for name, module in MODULES.items()})
    assert not cycles, (
        "import cycles (also through imports inside functions): "
        + "; ".join(" -> ".join(c) for c in cycles)
        + ". Move what both sides need into a third module."
    )


def test_layers_import_only_inwards_when_imported() -> None:
    """The domain core (kb) works without the indexer, search and web app; the
    indexer and search work without the web app. A factory may still load an
    outer layer's implementation lazily, inside the function that needs it."""
    wrong = [
        f"{name} imports {dep}"
        for name, module in MODULES.items()
        if name not in OUTERMOST
        for dep in sorted(module.eager_imports)
        if dep.split(".")[0] in OUTER_LAYERS.get(name.split(".")[0], ())
    ]
    assert not wrong, "outer layers imported at import time: " + "; ".join(wrong)


def _sized() -> Iterator[Module]:
    for module in MODULES.values():
        relative = module.path.relative_to(ROOT).as_posix()
        if not relative.startswith(EXEMPT_FROM_SIZES):
            yield module


def test_modules_stay_small(limit: int = MAX_MODULE_LINES) -> None:
    large = {
        m.name: lines
        for m in _sized()
        if (lines := m.path.read_text(encoding="utf-8").count("\n")) > limit
    }
    assert not large, f"modules over {limit} lines (split them by what they hold): {large}"


def test_functions_stay_short(limit: int = MAX_FUNCTION_LINES) -> None:
    long = {
        f"{m.name}.{node.name}": length
        for m in _sized()
        for node in ast.walk(m.tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (length := (node.end_lineno or node.lineno) - node.lineno + 1) > limit
    }
    assert not long, f"functions over {limit} lines (name their steps as functions): {long}"


def test_the_checks_see_every_product_package() -> None:
    assert {name.split(".")[0] for name in MODULES} == set(PRODUCT_PACKAGES)
    assert "kb.cli.main" in MODULES and "webapp.search.routes" in MODULES
    # The cycle finder finds a cycle when there is one.
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
