"""No import circles between packages: a change in one feature never needs another to load first.

Every module under community/ is read with `ast`; imports at the top of a module and inside
functions both count (a function-level import only hides a circle until the function runs).
Imports under `if TYPE_CHECKING:` do not run and are left out. `from community.x import y`
is an edge to the module `community.x.y` when that is a module, else to `community.x`.
A module's package is its feature package (`community.network` for everything below
community/network/), or `community` for the top-level modules. Circles inside one package
are allowed; a circle through two packages fails the test and is printed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent / "community"


def module_name(path: Path) -> str:
    parts = ["community", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def package_of(module: str, known: dict[str, Path]) -> str:
    parts = module.split(".")
    if len(parts) >= 2 and known.get(".".join(parts[:2]), Path()).name == "__init__.py":
        return ".".join(parts[:2])
    return "community"


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                skipped.update(id(inner) for stmt in node.body for inner in ast.walk(stmt))
    return skipped


def imports_of(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in known else base)
    return {name for name in found if name in known and name != module}


def import_graph() -> tuple[nx.DiGraph, dict[str, Path]]:
    known = modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(known)
    for module, path in known.items():
        graph.add_edges_from((module, target) for target in imports_of(module, path, known))
    return graph, known


def cross_package_cycles() -> list[list[str]]:
    graph, known = import_graph()
    cycles = []
    for component in nx.strongly_connected_components(graph):
        if len({package_of(module, known) for module in component}) < 2:
            continue
        sub = graph.subgraph(component)
        # One circle through two packages, as an example to start untangling from.
        for cycle in nx.simple_cycles(sub):
            if len({package_of(module, known) for module in cycle}) > 1:
                cycles.append([*cycle, cycle[0]])
                break
    return cycles


def test_the_walk_sees_function_level_and_relative_imports(tmp_path):
    known = {"community.a.x": tmp_path / "x.py", "community.a.y": tmp_path / "y.py",
             "community.b": tmp_path / "b" / "__init__.py", "community.b.z": tmp_path / "b" / "z.py"}
    source = tmp_path / "x.py"
    source.write_text(
        "from typing import TYPE_CHECKING\nfrom . import y\n"
        "if TYPE_CHECKING:\n    from community.b import z\n"
        "def f():\n    from community.b.z import thing\n"
    )
    assert imports_of("community.a.x", source, known) == {"community.a.y", "community.b.z"}


def test_no_import_circle_crosses_packages():
    cycles = cross_package_cycles()
    assert not cycles, "import circles between packages:\n" + "\n".join(" -> ".join(c) for c in cycles)
