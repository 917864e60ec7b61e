"""inventory/example (where users start for real devices) sets only variables something
reads: a role's defaults or argument spec, a plugin's documented variables, an Ansible
connection variable, or a vault_* secret another variable of the inventory refers to."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from ops_lab import BIN, ROOT, clean_env, run

EXAMPLE = ROOT / "inventory" / "example"


def _role_variables() -> set[str]:
    names: set[str] = set()
    for role in (ROOT / "roles").iterdir():
        defaults = role / "defaults" / "main.yml"
        if defaults.exists():
            names.update(yaml.safe_load(defaults.read_text()) or {})
        specs = role / "meta" / "argument_specs.yml"
        if specs.exists():
            for entry in yaml.safe_load(specs.read_text())["argument_specs"].values():
                names.update(entry.get("options", {}))
    return names


def _plugin_variables() -> set[str]:
    """`vars:` names in the DOCUMENTATION of the collection's plugins (httpapi, callback, ...)."""
    names: set[str] = set()
    for path in (ROOT / "plugins").rglob("*.py"):
        match = re.search(r'^DOCUMENTATION = r?"""(.*?)"""', path.read_text(), re.S | re.M)
        if not match:
            continue
        doc = yaml.safe_load(match.group(1)) or {}
        for option in (doc.get("options") or {}).values():
            names.update(v["name"] for v in (option or {}).get("vars", []) or [])
    return names


def _example_variables(tmp_path: Path) -> tuple[dict[str, dict], dict[str, str]]:
    """Every host's variables as Ansible loads them, and the vault example files' keys."""
    proc = run([str(BIN / "ansible-inventory"), "-i", str(EXAMPLE), "--list"], ROOT, clean_env(tmp_path))
    hostvars = json.loads(proc.stdout)["_meta"]["hostvars"]
    vault_examples: dict[str, str] = {}
    for example in EXAMPLE.rglob("vault.yml.example"):
        vault_examples.update(yaml.safe_load(example.read_text()))
    return hostvars, vault_examples


def test_every_variable_the_example_inventory_sets_is_consumed(tmp_path):
    hostvars, vault_examples = _example_variables(tmp_path)
    assert set(hostvars) == {"mivb-hq-1", "mivb-hq-2", "sw-hq-access-1", "sw-hq-access-2", "sw-branch-access-1"}
    consumed = _role_variables() | _plugin_variables()
    referenced = json.dumps(hostvars)
    unused = set()
    for host, variables in hostvars.items():
        for name in variables:
            if name in consumed or name.startswith("ansible_"):
                continue
            unused.add((host, name))
    assert not unused, f"set by inventory/example but read by nothing: {sorted(unused)}"
    # every secret of the vault examples is referenced by the inventory, and every vault_*
    # reference of the inventory has a vault example (so a copy of the examples is complete)
    for name in vault_examples:
        assert name.startswith("vault_") and "{{ " + name + " }}" in referenced, name
    for name in set(re.findall(r"\{\{ (vault_[a-z0-9_]+) \}\}", referenced)):
        assert name in vault_examples, f"{name} is used but no vault.yml.example defines it"


def test_each_group_with_secrets_has_a_vault_example():
    for group in ("mivb_controllers", "lan_switches"):
        example = EXAMPLE / "group_vars" / group / "vault.yml.example"
        main = "\n".join(line.split("#", 1)[0] for line in (EXAMPLE / "group_vars" / group / "main.yml").open())
        secrets = set(re.findall(r"\{\{ (vault_[a-z0-9_]+) \}\}", main))
        assert secrets, group
        assert secrets <= set(yaml.safe_load(example.read_text())), group
