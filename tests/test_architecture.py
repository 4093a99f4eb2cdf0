"""The package layout is the architecture: data moves up through the layers, never down.

Every import in ``src/protograph`` (module level and inside functions; only imports under
``if TYPE_CHECKING:`` are left out, as they never run) is read with ``ast``. A layer may
import its own modules and any lower layer; two layers of the same rank may not import each
other; and no two modules may import each other, directly or round a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "protograph"

# The one table of layers, lowest first. A module's layer is its subpackage, or its own name
# for a top-level module. Layers on one row are siblings: neither may import the other.
LAYERS: list[set[str]] = [
    {"errors", "paths", "progress"},
    {"guard"},
    {"corpus"},
    {"cases", "store"},
    {"checking", "comparing"},
    {"reports", "graphs"},
    {"frames"},
    {"cli"},
    {"__main__"},
]
RANK = {layer: rank for rank, row in enumerate(LAYERS) for layer in row}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["protograph", *parts])


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, module: str | None = None) -> set[str]:
    """The protograph modules a file imports when it runs (every function body included)."""
    module = module or _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.split(".")[0] == "protograph")
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - child.level + 1]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                if target.split(".")[0] == "protograph":
                    for alias in child.names:  # `from . import x` may name a module
                        candidate = f"{target}.{alias.name}"
                        found.add(candidate if candidate in MODULES else target)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


MODULES = {_module_name(p): p for p in SRC.rglob("*.py")}
EDGES = {m: {i for i in _imports(p) if i in MODULES and i != m} for m, p in MODULES.items()}


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path (first node repeated at the end), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := walk(nxt)):
                return found
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(edges):
        if node not in state and (found := walk(node)):
            return found
    return None


def test_every_module_belongs_to_a_layer_of_the_table():
    unknown = sorted({_layer(m) for m in MODULES} - set(RANK) - {"__init__"})
    assert not unknown, f"add these to LAYERS in tests/test_architecture.py: {unknown}"


def _wrong_imports(edges: dict[str, set[str]]) -> list[str]:
    """Every import of a higher layer or of a sibling layer, as "module imports target"."""
    return [
        f"{module} imports {target}"
        for module, targets in sorted(edges.items())
        for target in sorted(targets)
        if _layer(module) != _layer(target)
        and _layer(target) != "__init__"
        and RANK.get(_layer(module), len(LAYERS)) <= RANK[_layer(target)]
    ]


def test_no_layer_imports_a_higher_layer_or_a_sibling():
    wrong = _wrong_imports(EDGES)
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def test_no_cycle_between_subpackages():
    layers: dict[str, set[str]] = {}
    for module, targets in EDGES.items():
        layers.setdefault(_layer(module), set()).update(_layer(t) for t in targets if _layer(t) != _layer(module))
    assert _cycle(layers) is None, " -> ".join(_cycle(layers) or [])


def test_no_cycle_between_modules():
    assert _cycle(EDGES) is None, " -> ".join(_cycle(EDGES) or [])


@pytest.mark.parametrize(
    "source",
    [
        "from ..reports.formats import render\n",
        "def rows():\n    from ..reports import formats\n",
        "import protograph.reports.formats\n",
    ],
)
def test_an_upward_import_anywhere_in_a_module_is_caught(tmp_path, source):
    """The walk must see an import at module level or inside a function; placed in the
    corpus (layer 2), an import of a report renderer is refused."""
    probe = tmp_path / "probe.py"
    probe.write_text(source, encoding="utf-8")
    edges = {**EDGES, "protograph.corpus.probe": _imports(probe, "protograph.corpus.probe")}
    assert _wrong_imports(edges) == ["protograph.corpus.probe imports protograph.reports.formats"]


def test_an_import_only_for_type_checking_is_not_a_dependency(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..checking.validation import Finding\n"
    )
    assert _imports(probe, "protograph.cases.probe") == set()


def test_a_cycle_is_found():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
