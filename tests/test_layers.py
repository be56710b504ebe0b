"""The house rules of generator/, read from the source with an AST walk (no import is executed):

- each package is a layer and imports only from the layers below it (or from itself);
- the modules import each other without a cycle;
- no module imports part of generator/ inside a function (the way one hides a cycle).

The layers, lowest first, are ARCHITECTURE.md's picture; a new package is placed in LAYERS.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "generator"

LAYERS = [
    {"generator.package", "generator.paths"},
    {"generator.errors", "generator.settings", "generator.source"},
    {"generator.text"},
    {"generator.model"},
    {"generator.catalog"},
    {"generator.control"},
    {"generator.training"},
    {"generator.manual"},
    {"generator.check"},
    {"generator.render"},
    {"generator.cli", "generator.__main__"},
]
"""generator's packages from the bottom up: reading files and their problems (source), text helpers that know
nothing of the manual (text), the typed models (model), the catalog and its views (catalog), versions from git
(control), the trainer's kit (training), the Manual that holds them (manual), the rules (check), the site, PDFs,
calendars and Word copies (render), and the commands (cli)."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, ast.Module]:
    return {module_name(p): ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int:
    if module == "generator":
        return 0
    for rank, roots in enumerate(LAYERS):
        if any(module == root or module.startswith(root + ".") for root in roots):
            return rank
    raise AssertionError(f"{module} is in no layer: add its package to LAYERS")


def imported(node: ast.ImportFrom | ast.Import, known: set[str]) -> list[str]:
    """The generator modules an import statement loads (``from generator.x import y``: generator.x.y when
    that is a module, else generator.x)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.startswith("generator")]
    assert node.level == 0, "imports in generator/ are absolute"
    base = node.module or ""
    if not base.startswith("generator"):
        return []
    out = []
    for alias in node.names:
        full = f"{base}.{alias.name}"
        out.append(full if full in known else base)
    return out


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    edges: dict[str, set[str]] = {}
    for name, tree in found.items():
        targets: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                targets.update(t for t in imported(node, known) if t != name)
        edges[name] = targets
    return edges


def test_every_module_is_in_a_layer() -> None:
    for name in modules():
        layer(name)


def test_imports_go_downward_only() -> None:
    wrong = [(a, b) for a, targets in graph().items() for b in targets if layer(b) > layer(a)]
    assert wrong == []


def test_no_import_cycle() -> None:
    edges = graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                pytest.fail("import cycle: " + " → ".join([*stack[stack.index(target) :], target]))
            if target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)


LAZY = "# lazy: "
"""The mark of an import inside a function that is not hiding a cycle: it defers a heavy library
(WeasyPrint) to the process that needs it, and says which on its line."""


def test_no_import_of_generator_inside_a_function() -> None:
    hidden = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for fn in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(fn):
                    if isinstance(node, (ast.Import, ast.ImportFrom)) and imported(node, set()):
                        if LAZY not in lines[node.lineno - 1]:
                            hidden.append(f"{module_name(path)}.{fn.name}: {lines[node.lineno - 1].strip()}")
    assert hidden == []


def test_the_layers_are_packages_that_exist() -> None:
    every = set(modules())
    for roots in LAYERS:
        for root in roots:
            assert root in every, root
