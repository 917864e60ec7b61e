"""The import-layer checker both emulator layer tests use (test_mivb_layers, test_switch_layers).

Every import is read with `ast`, including the ones inside functions and under
`if TYPE_CHECKING:` (a late or type-only import is still a dependency). A module may import
modules of its own layer or of lower layers, never of a higher one, and the whole graph has
no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path


def package_imports(package_dir: Path, package: str) -> dict[str, set[str]]:
    """module -> the package's modules it imports (anywhere in the file)."""
    modules = {p.stem for p in package_dir.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for name in modules:
        tree = ast.parse((package_dir / f"{name}.py").read_text(encoding="utf-8"))
        found: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(_own(alias.name, package, modules) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level > 1:
                    raise AssertionError(f"{name}: relative import beyond the package (level {node.level})")
                base = package if node.level == 1 else (node.module or "")
                if node.level == 1 and node.module:
                    base = f"{package}.{node.module}"
                if base == package:  # `from . import a, b`: each name is a module
                    found.update(alias.name for alias in node.names if alias.name in modules)
                else:
                    found.add(_own(base, package, modules))
        found.discard("")
        found.discard(name)
        graph[name] = found
    return graph


def _own(dotted: str, package: str, modules: set[str]) -> str:
    """The package module `dotted` names, or "" for anything outside the package."""
    if not dotted.startswith(package + "."):
        return ""
    head = dotted[len(package) + 1 :].split(".")[0]
    return head if head in modules else ""


def layer_violations(graph: dict[str, set[str]], layers: list[tuple[str, set[str]]]) -> list[str]:
    rank = {module: i for i, (_, members) in enumerate(layers) for module in members}
    problems = [f"{m}: no layer declared" for m in sorted(graph) if m not in rank]
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            if module in rank and target in rank and rank[target] > rank[module]:
                problems.append(
                    f"{module} ({layers[rank[module]][0]}) imports {target} ({layers[rank[target]][0]}): upward"
                )
    return problems


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path [a, b, ..., a], or [] when the graph is acyclic."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return []


def layer_problems(package_dir: Path, package: str, layers: list[tuple[str, set[str]]]) -> list[str]:
    """Everything wrong with a package against its declared layers: modules declared but gone,
    modules without a layer, upward imports, one import cycle."""
    graph = package_imports(package_dir, package)
    declared = set().union(*(members for _, members in layers))
    problems = [f"{m}: declared but not in the package" for m in sorted(declared - set(graph))]
    problems += layer_violations(graph, layers)
    cycle = find_cycle(graph)
    if cycle:
        problems.append("import cycle: " + " -> ".join(cycle))
    return problems
