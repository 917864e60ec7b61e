"""The MiVB emulator's modules depend one way: model < handlers < routes < HTTP/SSH < server.

Every import is read with `ast`, including the ones inside functions and under
`if TYPE_CHECKING:` (a late or type-only import is still a dependency). A module may import
modules of its own layer or of lower layers, never of a higher one, and the whole graph has
no cycle. A new module must be given a layer here.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "emulators.mivb"
PACKAGE_DIR = Path(__file__).resolve().parents[3] / "emulators" / "mivb"

# Lowest first. Same-layer imports are allowed (the cycle check still covers them).
LAYERS: list[tuple[str, set[str]]] = [
    ("base", {"errors", "clock", "passwords", "spec", "store"}),
    ("model parts", {"forms", "toll_forms", "sip_accounts", "certs", "tls", "sessions", "faults", "factory"}),
    ("model", {"controller"}),
    ("model services", {"access", "hotel_logs", "logins", "platform"}),
    ("handler contract", {"request"}),
    ("handlers", {"api_session", "api_forms", "api_access", "api_hooks", "api_sip"}),
    ("routes", {"routes"}),
    ("interfaces", {"http_api", "ftp", "maintenance"}),
    ("server", {"server"}),
    ("entry points", {"__main__", "__init__", "openapi_build"}),
]


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


def test_every_module_has_a_layer_and_imports_only_downwards():
    graph = package_imports(PACKAGE_DIR, PACKAGE)
    declared = set().union(*(members for _, members in LAYERS))
    assert declared == set(graph), f"declared but missing: {declared - set(graph)}"
    assert layer_violations(graph, LAYERS) == []


def test_emulator_has_no_import_cycle():
    assert find_cycle(package_imports(PACKAGE_DIR, PACKAGE)) == []


def test_model_modules_do_not_reach_http():
    graph = package_imports(PACKAGE_DIR, PACKAGE)
    http_side = {"request", "routes", "http_api", "server", "api_session", "api_forms", "api_access", "api_hooks"}
    model = set().union(*(members for _, members in LAYERS[:4]))
    reached = {m: graph[m] & http_side for m in model if graph[m] & http_side}
    assert reached == {}
    # The model's own imports are real: the controller depends on the model parts it is made of.
    assert {"sessions", "faults", "factory", "tls", "certs", "store"} <= graph["controller"]


def test_checker_sees_late_and_type_checking_imports(tmp_path):
    """The checker itself: a function-level and a TYPE_CHECKING import each count (the old shape)."""
    pkg = tmp_path / "fake"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "model.py").write_text("def dispatch():\n    from .routes import ROUTER\n    return ROUTER\n")
    (pkg / "handlers.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .model import Model\n"
    )
    (pkg / "routes.py").write_text("from . import handlers\nimport fake.model\nimport json\n")
    graph = package_imports(pkg, "fake")
    assert graph == {"__init__": set(), "model": {"routes"}, "handlers": {"model"}, "routes": {"handlers", "model"}}
    layers = [("model", {"model"}), ("handlers", {"handlers"}), ("routes", {"routes"}), ("pkg", {"__init__"})]
    assert layer_violations(graph, layers) == ["model (model) imports routes (routes): upward"]
    assert find_cycle(graph) == ["handlers", "model", "routes", "handlers"]
