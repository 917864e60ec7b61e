"""What AWX does around ansible-runner, reproduced for tests: the project copy, the inventory
script of a job (slice), and the private data directory of a job.

AWX references (awx/main/models/inventory.py Inventory.get_script_data and
awx/main/tasks/jobs.py RunJob.build_inventory / build_env in the ansible/awx repository):
- a job's inventory is a script `inventory/hosts` in the private data directory that prints
  the inventory as JSON (ansible-inventory --list format: groups with hosts/children/vars,
  `_meta.hostvars`);
- job slicing: the enabled hosts are ordered by name and slice k of N (1-based) gets
  hosts[k-1::N], so host i goes to slice i % N; groups and their variables are kept, each
  group listing only the slice's hosts;
- the project (a checkout of the repository) is the job's working directory, so its
  ansible.cfg applies.
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

from ops_lab import BIN, ROOT, run

# What a repository checkout used as an AWX project contains that a job needs (the rest -
# emulators, tests, docs - is there too in AWX, but copying it would only slow the tests).
PROJECT_PARTS = ("ansible.cfg", "galaxy.yml", "collections", "meta", "playbooks", "plugins", "roles", "templates")


def tracked_files(parts: tuple[str, ...] = PROJECT_PARTS) -> list[str]:
    """Files of the working tree as a checkout has them (tracked or new, not ignored)."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", *parts],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [f for f in out.splitlines() if (ROOT / f).exists() or (ROOT / f).is_symlink()]


def copy_project(target: Path) -> Path:
    """The repository as AWX's project sync leaves it: files copied, links kept as links."""
    for rel in tracked_files():
        src, dst = ROOT / rel, target / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dst.symlink_to(src.readlink())
        else:
            shutil.copy2(src, dst)
    return target


def inventory_json(hosts_file: Path, env: dict[str, str]) -> dict[str, Any]:
    """The inventory as AWX stores it after an inventory sync (group structure and vars kept)."""
    proc = run([str(BIN / "ansible-inventory"), "-i", str(hosts_file), "--list", "--export"], ROOT, env)
    return json.loads(proc.stdout)


def all_hosts(inventory: dict[str, Any]) -> list[str]:
    return sorted(inventory.get("_meta", {}).get("hostvars", {}))


def slice_inventory(inventory: dict[str, Any], number: int, count: int) -> dict[str, Any]:
    """Slice `number` (1-based) of `count`, as AWX job slicing builds it."""
    keep = set(all_hosts(inventory)[number - 1::count]) if count > 1 else set(all_hosts(inventory))
    sliced: dict[str, Any] = {}
    for name, group in inventory.items():
        if name == "_meta":
            sliced[name] = {"hostvars": {h: v for h, v in group.get("hostvars", {}).items() if h in keep}}
            continue
        group = dict(group)
        if "hosts" in group:
            group["hosts"] = [h for h in group["hosts"] if h in keep]
        sliced[name] = group
    return sliced


def private_data_dir(target: Path, inventory: dict[str, Any], envvars: dict[str, str]) -> Path:
    """A job's private data directory: project/ (a copy of the checkout), inventory/hosts (a
    script printing the job's inventory), env/envvars."""
    copy_project(target / "project")
    (target / "inventory").mkdir(parents=True)
    script = target / "inventory" / "hosts"
    script.write_text(f"#!/usr/bin/env python3\nprint({json.dumps(json.dumps(inventory))})\n")
    script.chmod(stat.S_IRUSR | stat.S_IWUSR | stat.S_IXUSR)
    (target / "env").mkdir()
    (target / "env" / "envvars").write_text(json.dumps(envvars))
    return target
