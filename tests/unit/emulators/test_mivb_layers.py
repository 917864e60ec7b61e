"""The MiVB emulator's modules depend one way: model < handlers < routes < HTTP/SSH < server.

The checker (import_layers.py) reads every import with `ast`, late and TYPE_CHECKING ones
included. A new module must be given a layer here.
"""

from __future__ import annotations

from pathlib import Path

from import_layers import find_cycle, layer_problems, layer_violations, package_imports

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


def test_every_module_has_a_layer_imports_only_downwards_and_no_cycle():
    assert layer_problems(PACKAGE_DIR, PACKAGE, LAYERS) == []


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
