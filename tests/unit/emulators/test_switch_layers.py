"""The switch emulator's modules depend one way: device model < dialects < sessions < server.

The device model (device.py and what it is made of) imports nothing of the dialects; a
dialect's show output imports no dialect; only dialects.py knows every dialect; the control
server takes the devices, not the server. The checker (import_layers.py) reads every import
with `ast`, late and TYPE_CHECKING ones included. A new module must be given a layer here.

Outside their package the emulators import from the toolkit only plugins/module_utils modules
that need no collection loader: secrets.py (the one masking code, for the audit trails) and
mivb_contract.py (the API contract's names); never ansible_collections.* and never behaviour
the tests check the toolkit against (docs/lab.md, "Layers").
"""

from __future__ import annotations

import ast
from pathlib import Path

from import_layers import layer_problems, package_imports

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = "emulators.switch"
PACKAGE_DIR = ROOT / "emulators" / "switch"

# Lowest first. Same-layer imports are allowed (the cycle check still covers them).
LAYERS: list[tuple[str, set[str]]] = [
    ("base", {"model", "grammar", "families", "secrets", "spec", "acl", "lockout", "nac"}),
    ("device model", {"device"}),
    ("dialect contract", {"dialect", "engine"}),
    ("shared handlers", {"acl_handlers"}),
    ("show output", {"ios_show", "aoscx_show", "procurve_show", "nac_show"}),
    ("dialects", {"ios", "aoscx", "procurve"}),
    ("dialect registry", {"dialects"}),
    ("interfaces", {"cli", "control"}),
    ("server", {"server"}),
    ("entry points", {"__main__", "__init__"}),
]
# What the emulators may import from the toolkit (pure helpers, no collection loader needed).
TOOLKIT_IMPORTS = {"plugins.module_utils.secrets", "plugins.module_utils.mivb_contract"}


def test_every_module_has_a_layer_imports_only_downwards_and_no_cycle():
    assert layer_problems(PACKAGE_DIR, PACKAGE, LAYERS) == []


def test_device_model_knows_no_dialect_and_dialects_do_not_know_each_other():
    graph = package_imports(PACKAGE_DIR, PACKAGE)
    assert graph["device"] <= {"model", "lockout", "spec", "nac"}
    assert "ios" not in graph["aoscx"] | graph["aoscx_show"]
    assert "aoscx" not in graph["ios"] | graph["ios_show"]
    assert {"ios", "aoscx"} & (graph["ios_show"] | graph["aoscx_show"]) == set()
    assert "server" not in graph["control"] | graph["cli"]
    # only the registry names both dialects
    both = {m for m, targets in graph.items() if {"ios", "aoscx"} <= targets}
    assert both == {"dialects"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    found |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module}
    return found


def test_emulators_import_from_the_toolkit_only_pure_helpers():
    used: dict[str, set[str]] = {}
    for path in sorted((ROOT / "emulators").rglob("*.py")):
        toolkit = {m for m in _imports(path) if m.split(".")[0] in ("plugins", "ansible_collections")}
        if toolkit:
            used[str(path.relative_to(ROOT))] = toolkit
    assert set().union(*used.values()) <= TOOLKIT_IMPORTS, used
    assert used, "the emulators' audit trails mask through plugins/module_utils/secrets.py"
    for module in TOOLKIT_IMPORTS:
        source = ROOT / (module.replace(".", "/") + ".py")
        assert not {m for m in _imports(source) if m.startswith(("ansible_collections", "plugins"))}, module
