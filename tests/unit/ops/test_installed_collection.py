"""The collection as users install it: what `ansible-galaxy collection build` ships, its
license, and the installed collection's playbooks run from an unrelated directory (no
repository, no ansible.cfg) against an emulated lab (127.0.63.x / 127.0.64.x, control port
18163)."""

from __future__ import annotations

import json
import ssl
import tarfile
import tomllib
import urllib.request
from pathlib import Path

import pytest
import yaml
from ops_lab import BIN, ROOT, Lab, build_collection, clean_env, latest_report, run

# Development and lab files that must never reach users (galaxy.yml build_ignore).
NOT_SHIPPED = (".venv", ".lab", ".ci", ".git", "reports", "build", "tests", "emulators", "molecule", "scripts",
               "collections", "inventory/lab", "Makefile", "pyproject.toml", "ansible.cfg", ".ansible-lint")


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("galaxy-build")
    return build_collection(tmp / "dist", clean_env(tmp))


def test_built_collection_ships_the_collection_and_no_development_files(tarball):
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
        license_text = tar.extractfile("LICENSE").read().decode()
        manifest = json.loads(tar.extractfile("MANIFEST.json").read())
    for excluded in NOT_SHIPPED:
        assert not [n for n in names if n == excluded or n.startswith(excluded + "/")], excluded
    assert not [n for n in names if ".egg-info" in n or "__pycache__" in n or n.endswith(".pyc")]
    # what an installed collection needs: plugins, roles, playbooks, catalog, EE metadata
    for needed in ("playbooks/audit.yml", "playbooks/harden.yml", "playbooks/site.yml", "meta/controls.yml",
                   "meta/runtime.yml", "meta/execution-environment.yml", "requirements.txt", "bindep.txt",
                   "plugins/callback/compliance_report.py", "roles/mivb_hardening/tasks/main.yml",
                   "templates/switch/cisco_ios/config.j2", "inventory/example/hosts.yml", "LICENSE"):
        assert needed in names, needed
    # one license everywhere: LICENSE is the GPL v3 text, galaxy.yml and pyproject.toml say GPL-3.0-or-later
    assert license_text == (ROOT / "LICENSE").read_text()
    assert "GNU GENERAL PUBLIC LICENSE" in license_text and "Version 3, 29 June 2007" in license_text
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    assert manifest["collection_info"]["license"] == galaxy["license"] == ["GPL-3.0-or-later"]
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"] == "GPL-3.0-or-later"
    assert manifest["collection_info"]["dependencies"] == galaxy["dependencies"]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("installed-lab")
    lab = Lab(tmp, controllers=1, ios=1, aoscx=0, controller_net="127.0.63", switch_net="127.0.64",
              control_port=18163).up()
    try:
        yield lab
    finally:
        lab.down()


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if "__pycache__" not in p.parts}


def test_installed_collection_runs_its_playbooks_from_elsewhere(tarball, lab, tmp_path):
    installed = tmp_path / "installed"
    env = clean_env(tmp_path)
    # the way users install it; its dependencies are already there (PyPI `ansible` bundle)
    run([str(BIN / "ansible-galaxy"), "collection", "install", str(tarball), "-p", str(installed)], tmp_path, env)
    collection = installed / "ansible_collections" / "voicesec" / "mivb"
    before = _tree(collection)

    elsewhere = tmp_path / "ops-host"  # no ansible.cfg, no repository: a user's own directory
    elsewhere.mkdir()
    empty_cfg = tmp_path / "empty.cfg"
    empty_cfg.write_text("")
    reports = elsewhere / "compliance"
    env.update(ANSIBLE_CONFIG=str(empty_cfg), ANSIBLE_COLLECTIONS_PATH=str(installed),
               ANSIBLE_CALLBACKS_ENABLED="voicesec.mivb.compliance_report", VOICESEC_REPORT_DIR=str(reports))
    galaxy_list = run([str(BIN / "ansible-galaxy"), "collection", "list", "voicesec.mivb", "--format", "json"],
                      elsewhere, env)
    assert list(json.loads(galaxy_list.stdout)) == [str(installed / "ansible_collections")]

    for playbook in ("voicesec.mivb.harden", "voicesec.mivb.audit"):
        run([str(BIN / "ansible-playbook"), "-i", str(lab.hosts), playbook], elsewhere, env)
    report = latest_report(reports)
    assert report["mode"] == "audit"
    hosts = {e["host"] for e in report["results"]}
    assert hosts == {"mivb1", "sw-ios-1"}
    assert not [e for e in report["results"] if e["status"] in ("error", "drift", "not_evaluated")], \
        [(e["host"], e["control"], e["status"], e.get("detail")) for e in report["results"]
         if e["status"] in ("error", "drift", "not_evaluated")]
    assert {e["status"] for e in report["results"]} >= {"compliant"}

    # Independent proof the harden run reached the controller: its login page banner, read
    # without the toolkit and without logging in.
    host = lab.inventory_data()["all"]["children"]["mivb_controllers"]["hosts"]["mivb1"]
    ctx = ssl.create_default_context(cafile=str(lab.inventory / "ca.pem"))
    ctx.check_hostname = False
    url = f"https://{host['ansible_host']}:{host['ansible_httpapi_port']}/api/v1/banner"
    with urllib.request.urlopen(url, context=ctx, timeout=15) as resp:
        assert json.loads(resp.read())["enabled"] is True
    # the run wrote nothing into the installed collection
    assert _tree(collection) == before
