"""switch_errors (typed, error_kind kept, old call form still works) and switch_target
(play context credentials before inventory variables)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

ROOT = Path(__file__).resolve().parents[3]
_AnsibleCollectionFinder(paths=[str(ROOT / ".venv" / "collections")])._install()

from ansible_collections.voicesec.mivb.plugins.module_utils import switch_errors as se  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_session as ss  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_target import target_from_vars  # noqa: E402

VARS = {"ansible_network_os": "cisco.ios.ios", "ansible_host": "10.0.0.5", "ansible_user": "inv-user",
        "ansible_password": "inv-pass", "ansible_become_password": "inv-enable"}


def test_every_error_has_its_own_kind_and_the_old_form_still_works():
    classes = [se.AuthenticationFailed, se.EnableRefused, se.HostKeyMismatch, se.Unreachable,
               se.CommandRejected, se.SessionLost, se.VerifyFailed, se.RollbackFailed]
    kinds = [c.kind for c in classes]
    assert len(set(kinds)) == len(kinds)
    assert all(issubclass(c, ss.SwitchSessionError) for c in classes)
    assert issubclass(se.EnableRefused, se.AuthenticationFailed)
    legacy = ss.SwitchSessionError("guard", "uplink carries 802.1X")
    assert legacy.kind == "guard" and str(legacy) == "uplink carries 802.1X"
    assert se.VerifyFailed("x").kind == "verify" and se.SwitchError.kind == "error"


def test_play_context_credentials_win_over_inventory_variables():
    ctx = SimpleNamespace(connection_user=None, remote_user="cli-user", password="cli-pass", become_pass="cli-en")
    _platform, target = target_from_vars(VARS, lambda v: v, ctx)
    assert (target.username, target.password, target.enable_secret) == ("cli-user", "cli-pass", "cli-en")
    # connection local: Ansible puts the local login in remote_user and the given one in connection_user
    ctx = SimpleNamespace(connection_user="cli-user", remote_user="root", password=None, become_pass=None)
    _platform, target = target_from_vars(VARS, lambda v: v, ctx)
    assert (target.username, target.password, target.enable_secret) == ("cli-user", "inv-pass", "inv-enable")
    assert "inv-pass" not in repr(target) and "inv-enable" not in repr(target)


def test_inventory_variables_without_a_play_context():
    _platform, target = target_from_vars(dict(VARS, lan_lock_wait=5), lambda v: v)
    assert (target.username, target.password, target.enable_secret) == ("inv-user", "inv-pass", "inv-enable")
    assert target.lock_wait == 5.0 and target.where == "10.0.0.5:22"
