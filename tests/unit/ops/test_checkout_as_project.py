"""A plain checkout of the repository (what AWX's project sync, a cron host or a systemd host
has: no `make setup`, no .venv) resolves its own collection voicesec.mivb through ansible.cfg's
collections_path and the committed collections/ansible_collections/voicesec/mivb link."""

from __future__ import annotations

import json
import shutil
import subprocess

from ops_lab import BIN, ROOT, clean_env, run


def test_clean_clone_resolves_its_own_collection(tmp_path):
    clone = tmp_path / "project"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, capture_output=True)
    assert not (clone / ".venv").exists()
    env = clean_env(tmp_path)  # no ANSIBLE_CONFIG: the checkout's ansible.cfg (cwd) applies, as in AWX

    listed = run([str(BIN / "ansible-galaxy"), "collection", "list", "voicesec.mivb", "--format", "json"], clone, env)
    assert list(json.loads(listed.stdout)) == [str(clone / "collections" / "ansible_collections")]
    doc = run([str(BIN / "ansible-doc"), "voicesec.mivb.switch_config"], clone, env)
    assert "switch_config" in doc.stdout
    for playbook in ("audit.yml", "harden.yml", "site.yml"):
        run([str(BIN / "ansible-playbook"), "--syntax-check", f"playbooks/{playbook}"], clone, env)

    # Without the committed layout the same checkout does not find its collection.
    shutil.rmtree(clone / "collections")
    missing = subprocess.run([str(BIN / "ansible-doc"), "voicesec.mivb.switch_config"], cwd=clone, env=env,
                             capture_output=True, text=True, check=False)
    assert missing.returncode != 0 or "was not found" in missing.stdout + missing.stderr
