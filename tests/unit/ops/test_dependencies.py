"""Declared dependencies are the used ones: Python packages (requirements.txt for the
collection, pyproject.toml for the controller, its extras for the emulators) against the
imports, and collections (galaxy.yml, requirements.yml, collections/requirements.yml)
against the FQCNs the playbooks, roles, plugins and example inventory use."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import sys
import tomllib
from pathlib import Path

import yaml
from ops_lab import BIN, ROOT, clean_env, run
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# A collection declared for a job whose playbook lands with the certificate renewal work:
# until that playbook is in the tree nothing else uses it; once it is, it must use it.


def _imports(folder: Path, local: set[str]) -> set[str]:
    """Distributions providing the third-party top-level imports of every module under folder."""
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    third_party = names - set(sys.stdlib_module_names) - {"__future__", "ansible", "ansible_collections"} - local
    providers = importlib.metadata.packages_distributions()
    missing = sorted(n for n in third_party if n not in providers)
    assert not missing, f"imported but not installed: {missing}"
    return {canonicalize_name(providers[n][0]) for n in third_party}


def _requirement_names(lines: list[str]) -> dict[str, Requirement]:
    reqs = [Requirement(line.split("#")[0].strip()) for line in lines if line.split("#")[0].strip()]
    return {canonicalize_name(r.name): r for r in reqs}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_collection_requirements_are_exactly_the_plugins_imports():
    declared = _requirement_names((ROOT / "requirements.txt").read_text().splitlines())
    assert set(declared) == _imports(ROOT / "plugins", local=set())
    # the controller installs the same packages with the same ranges
    controller = _requirement_names(_pyproject()["dependencies"])
    for name, req in declared.items():
        assert name in controller, f"{name} in requirements.txt but not in pyproject.toml dependencies"
        assert controller[name].specifier == req.specifier, name


def test_emulator_and_controller_requirements_cover_their_imports_and_nothing_unused():
    project = _pyproject()
    controller = set(_requirement_names(project["dependencies"]))
    emulators_extra = set(_requirement_names(project["optional-dependencies"]["emulators"]))
    # `plugins`: the checkout's own module_utils (secrets, mivb_contract; docs/lab.md, Layers),
    # whose third-party imports are counted with the plugins below
    used_by_emulators = _imports(ROOT / "emulators", local={"emulators", "plugins"})
    used_by_plugins = _imports(ROOT / "plugins", local=set())
    assert used_by_emulators <= controller | emulators_extra
    # the extra holds only what the emulators need beyond the controller's packages
    assert emulators_extra == used_by_emulators - controller
    # every controller dependency is the collection's, or the Ansible distribution itself
    assert controller - used_by_plugins == {"ansible-core", "ansible"}
    # pyOpenSSL: nothing imports OpenSSL, so nothing declares it
    assert "pyopenssl" not in controller | emulators_extra | used_by_plugins | used_by_emulators


FQCN = re.compile(r"\b([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\.[a-z][a-z0-9_]*\b")


def _installed_collections(env: dict[str, str]) -> set[str]:
    proc = run([str(BIN / "ansible-galaxy"), "collection", "list", "--format", "json"], ROOT, env)
    return {name for per_path in json.loads(proc.stdout).values() for name in per_path}


def _used_collections(collections: set[str]) -> set[str]:
    """Collections whose plugins run: FQCNs in tasks and connection/become settings (YAML), and
    `ansible_collections.<ns>.<name>` imports in plugin code. ansible_network_os only names the
    switch platform: the switch role runs on the controller (connection local) and speaks SSH
    itself, so it loads no cisco.ios or arubanetworks.aoscx plugin."""
    used: set[str] = set()
    for folder in ("playbooks", "roles", "templates", "inventory/example"):
        for path in (ROOT / folder).rglob("*"):
            if not (path.is_file() and path.suffix in {".yml", ".yaml", ".j2"}):
                continue
            for line in path.read_text().splitlines():
                code = line.split("#", 1)[0]
                if "ansible_network_os" not in code:
                    used.update(f"{m.group(1)}.{m.group(2)}" for m in FQCN.finditer(code))
    for path in (ROOT / "plugins").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            for module in modules:
                parts = module.split(".")
                if parts[0] == "ansible_collections" and len(parts) > 2:
                    used.add(f"{parts[1]}.{parts[2]}")
    return (used & collections) - {"ansible.builtin", "voicesec.mivb"}


def test_declared_collections_are_the_used_ones(tmp_path):
    galaxy = set(yaml.safe_load((ROOT / "galaxy.yml").read_text())["dependencies"])
    root_reqs, awx_reqs = ({c["name"] for c in yaml.safe_load(path.read_text())["collections"]}
                           for path in (ROOT / "requirements.yml", ROOT / "collections" / "requirements.yml"))
    assert galaxy == root_reqs == awx_reqs
    used = _used_collections(_installed_collections(clean_env(tmp_path)))
    assert "ansible.netcommon" in used  # the httpapi connection of every controller
    assert "community.crypto" in used  # the certificate renewal job (playbooks/cert_renew.yml)
    assert used == galaxy, f"declared but unused: {sorted(galaxy - used)}; used but undeclared: {sorted(used - galaxy)}"
