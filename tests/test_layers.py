"""The package keeps the shape docs/architecture.md draws: layers that import only downward, no circles.

Imports are read from the source with `ast`, wherever they stand (top of the module, inside a
function, under TYPE_CHECKING): a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "analyzer"

#: Each layer may import its own modules and the layers below it (lower rank), never above.
#: audit and feedback share a rank but are separate: neither imports the other.
LAYERS: dict[str, int] = {
    "base": 0,  # errors, labels, settings, files, lexicons: no analyzer imports beyond the base
    "text": 1,
    "model": 2,
    "analysis": 3,
    "audit": 4,
    "feedback": 4,
    "service": 5,
    "cli": 6,
}
BASE = {"errors", "labels", "settings", "files", "lexicons"}
MAX_LINES = 600


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> str:
    """The layer of an analyzer module ("analyzer" itself is the public API, above them all)."""
    parts = module.split(".")
    if len(parts) == 1:
        return "api"
    return "base" if parts[1] in BASE else parts[1]


def imports(path: Path, known: dict[str, Path]) -> Iterator[tuple[str, set[str], int]]:
    """(imported analyzer module, names imported from it, line) for every import in the file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "analyzer":
                    yield alias.name, set(), node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "analyzer":
            assert node.level == 0, f"{path}:{node.lineno}: use absolute imports"
            plain = set()
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if submodule in known:  # `from analyzer.model import registry`: the module itself
                    yield submodule, set(), node.lineno
                else:
                    plain.add(alias.name)
            if plain:
                yield node.module, plain, node.lineno


def graph() -> dict[str, set[str]]:
    """Module -> the analyzer modules it imports. `from analyzer import __version__` is left out:
    the public API module defines the version and imports everything else only on first use."""
    known = modules()
    return {
        name: {target for target, names, _ in imports(path, known) if (target, names) != ("analyzer", {"__version__"})}
        - {name}
        for name, path in known.items()
    }


def test_every_layer_imports_only_downward() -> None:
    known = modules()
    wrong = []
    for name, path in known.items():
        source = layer(name)
        if source == "api":
            continue  # the public API re-exports from any layer
        for target, names, line in imports(path, known):
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}"
            if target == "analyzer":
                if names != {"__version__"}:
                    wrong.append(f"{where}: only __version__ may come from the public API module")
                continue
            destination = layer(target)
            if destination != source and LAYERS[destination] >= LAYERS[source]:
                wrong.append(f"{where}: {source} may not import {destination}")
    assert not wrong, "\n".join(wrong)


def test_no_import_circles() -> None:
    """No module reaches itself through imports (Tarjan's strongly connected components)."""
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert not circles, circles


def test_loading_a_model_never_asks_the_registry() -> None:
    assert "analyzer.model.registry" not in graph()["analyzer.model.artifacts"]


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_runs_past_600_lines(name: str) -> None:
    lines = len(modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines: split it by the ideas it holds"


def test_every_folder_says_what_it_owns() -> None:
    for init in PACKAGE.rglob("__init__.py"):
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring and len(docstring) > 40, f"{init.relative_to(PACKAGE.parent)} needs a docstring"
