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


# --- thin commands ------------------------------------------------------------------------
# Each command parses its arguments, calls the library, picks a renderer and sets the exit
# status: what it computes, a notebook can compute with the same call. A command body that
# grows past MAX_COMMAND_STATEMENTS, imports anything but protograph's own modules (json,
# rdflib, re: parsing and serialising belong to the library), or builds rows itself (a dict
# made in a loop or comprehension) holds logic the library lacks.
MAX_COMMAND_STATEMENTS = 10
# Commands that other work in progress moves into the library (named, not skipped quietly);
# once one is thin, the test below fails until it is taken off this list.
NOT_YET_THIN = {
    "validate_command": "the validate loop moves into checking/ and reports/",
}


def _is_command(function: ast.FunctionDef) -> bool:
    """Decorated with ``click.command(...)``."""
    return any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "command"
        for d in function.decorator_list
    )


def _thickness(function: ast.FunctionDef) -> list[str]:
    """What in a command body is logic the library should hold (empty: the command is thin)."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    faults = []
    statements = sum(1 for top in body for node in ast.walk(top) if isinstance(node, ast.stmt))
    if statements > MAX_COMMAND_STATEMENTS:
        faults.append(f"{statements} statements (at most {MAX_COMMAND_STATEMENTS})")
    for node in ast.walk(function):
        if isinstance(node, ast.Import):
            faults.append(f"line {node.lineno}: imports {', '.join(a.name for a in node.names)}")
        elif isinstance(node, ast.ImportFrom) and not node.level:
            faults.append(f"line {node.lineno}: imports {node.module}")
        elif isinstance(node, (ast.For, ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)) and any(
            isinstance(inner, (ast.Dict, ast.DictComp)) for inner in ast.walk(node)
        ):
            faults.append(f"line {node.lineno}: builds rows")
    return faults


def _commands(source: str, filename: str) -> dict[str, list[str]]:
    """Each command function of a module and what makes it thick."""
    tree = ast.parse(source, filename)
    return {f.name: _thickness(f) for f in tree.body if isinstance(f, ast.FunctionDef) and _is_command(f)}


CLI_COMMANDS = {
    name: (path.name, faults)
    for path in sorted((SRC / "cli").glob("*.py"))
    for name, faults in _commands(path.read_text(encoding="utf-8"), str(path)).items()
}


def test_every_command_is_a_thin_layer_over_the_library():
    thick = [
        f"{module} {name}: {'; '.join(faults)}"
        for name, (module, faults) in sorted(CLI_COMMANDS.items())
        if faults and name not in NOT_YET_THIN
    ]
    assert not thick, "move this logic into a library function a notebook can call:\n" + "\n".join(thick)


def test_the_list_of_commands_not_yet_thin_names_only_thick_commands():
    done = sorted(name for name in NOT_YET_THIN if name in CLI_COMMANDS and not CLI_COMMANDS[name][1])
    gone = sorted(name for name in NOT_YET_THIN if name not in CLI_COMMANDS)
    assert not done and not gone, f"take these off NOT_YET_THIN: {done + gone}"


def test_the_thin_command_rule_sees_a_command_that_builds_its_own_report():
    """The coverage command as it was before its records and JSON moved into the library."""
    source = '''
@click.command("coverage")
def coverage_command(protocol_id, show_all, corpus, fmt):
    """Show coverage."""
    from ..corpus.coverage import coverage, summary
    from ..reports.formats import render

    rows = coverage(corpus.graph(protocol_id), corpus.text(protocol_id))
    counts = summary(rows)
    records = [{"line": r.line, "status": r.status} for r in rows if show_all or r.status == "unexplained"]
    if fmt == "json":
        import json

        click.echo(json.dumps({"protocol": protocol_id, "summary": counts, "sentences": records}))
    else:
        click.echo(render(records, ["line", "status"], fmt))
    return 0
'''
    faults = _commands(source, "probe.py")["coverage_command"]
    assert faults == ["line 10: builds rows", "line 12: imports json"]
    assert not _commands(source.replace('@click.command("coverage")\n', ""), "probe.py")
