"""Safety of the switch path through ansible-playbook, proven outside the plugin.

- RADIUS key: rotation succeeds (also when the switch already holds the key), a key
  changed on the switch is drift on IOS (type 7 is readable) and `manual` on AOS-CX
  (ciphertext is not), and after a rotation the emulator's model holds the inventory key.
- Two runs at once against one switch: exactly one pushes, the other stops on the lock.
- Credentials the Ansible way (-u, --connection-password-file, --become-password-file,
  as AWX passes a Machine credential) with no credentials in the inventory.
- A lockout policy on the switch (IOS login block-for, AOS-CX limit-login-attempts): a
  rejected password is tried once per run, never again by a later task of that run.

Addresses 127.0.15.x (IOS) / 127.0.16.x (AOS-CX), ports picked by the OS.
"""

from __future__ import annotations

import json
import subprocess
import time

import pytest
import yaml
from test_switch_playbook import ENABLE, PASSWORD, RADIUS_KEY, ROOT, Lab

from emulators.switch.engine import apply_commands
from emulators.switch.secrets import cx_decrypt, type7_decode

NETS = {"cisco_ios": "127.0.15", "aruba_aoscx": "127.0.16"}
NAMES = ("radius", "lock", "creds", "lockout")
CHECK_TWICE_PLAY = """
- hosts: lan_switches
  gather_facts: false
  vars: {ansible_connection: ansible.builtin.local}
  tasks:
    - name: LAN-01 | AUDIT | first switch task of the run
      voicesec.mivb.switch_facts:
      ignore_errors: true
    - name: LAN-01 | AUDIT | second switch task of the run
      voicesec.mivb.switch_config:
        intent_from_vars: true
      vars:
        lan_vlans:
          controllers: {id: 10, name: MIVB-CONTROLLERS}
          voice: {id: 20, name: VOICE}
          data: {id: 30, name: DATA}
          parking: {id: 999, name: PARKING-UNUSED}
"""


@pytest.fixture(scope="module", params=["cisco_ios", "aruba_aoscx"])
def lab(request, tmp_path_factory):
    lab = Lab(request.param, tmp_path_factory.mktemp(f"safety-{request.param}"), names=NAMES,
              net=NETS[request.param])
    (lab.tmp / "twice.yml").write_text(CHECK_TWICE_PLAY)
    yield lab
    lab.handle.stop()


def _model_key(lab: Lab, short: str) -> str | None:
    """The RADIUS key as the emulator's model holds it, decoded by the emulator's own code."""
    device = lab.device(short)
    with device.lock:
        text = device.dialect.render_running(device)
    for line in text.splitlines():
        words = line.split()
        if lab.platform == "cisco_ios" and words[:2] == ["key", "7"]:
            return type7_decode(words[2])
        if lab.platform == "aruba_aoscx" and "ciphertext" in words and line.startswith("radius-server host 10.10.0.21"):
            return cx_decrypt(words[words.index("ciphertext") + 1])
    return None


def test_radius_key_rotation_and_key_drift(lab):
    first = lab.play("radius")
    assert not first.get("failed"), first.get("msg")
    assert _model_key(lab, "radius") == RADIUS_KEY
    # Rotation when the switch already holds the intended key: it used to fail the verify.
    rotated = lab.play("radius", lan_update_secrets=True)
    assert not rotated.get("failed"), rotated.get("msg")
    assert _model_key(lab, "radius") == RADIUS_KEY
    # Someone changes the key on the switch.
    other = "Changed-Out-Of-Band-7"
    drift = (["radius server radius1", f"key {other}", "end"] if lab.platform == "cisco_ios"
             else [f"radius-server host 10.10.0.21 key plaintext {other}"])
    assert apply_commands(lab.device("radius"), drift) == []
    assert _model_key(lab, "radius") == other
    audit = lab.play("radius", "--check")
    lan04 = audit["controls"]["LAN-04"]
    assert other not in json.dumps(audit)
    if lab.platform == "cisco_ios":
        assert lan04["status"] == "drift" and lan04["commands"], lan04
    else:
        assert lan04["status"] == "manual" and "could not be verified" in lan04["detail"], lan04
    fixed = lab.play("radius", lan_update_secrets=True)
    assert not fixed.get("failed"), fixed.get("msg")
    assert _model_key(lab, "radius") == RADIUS_KEY


def test_two_runs_at_once_only_one_pushes(lab):
    device = lab.device("lock")
    device.faults.slow_reply_seconds = 0.08  # the first run's push lasts several seconds
    sessions = device.stats["sessions"]
    cmd, env = lab.command("lock")
    try:
        first = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while device.stats["sessions"] == sessions and time.monotonic() < deadline:
            time.sleep(0.05)  # the first run holds the lock from before its SSH login
        second = lab.play("lock")
        out, err = first.communicate(timeout=300)
    finally:
        device.faults.slow_reply_seconds = 0
    winner = Lab.result(out, err)
    assert not winner.get("failed") and winner["changed"] is True, winner.get("msg")
    assert second.get("failed") is True and second["error_kind"] == "busy", second
    assert "locked by another run" in second["msg"] and "nothing was read or changed" in second["msg"]
    assert device.stats["sessions"] == sessions + 1, "the second run never opened a session"
    assert {c["status"] for c in second["controls"].values()} == {"error"}


def test_credentials_from_the_command_line_as_awx_passes_them(lab):
    inv = yaml.safe_load(lab.inventory("creds").read_text())
    for name in ("ansible_user", "ansible_password", "ansible_become_password"):
        inv["all"]["vars"].pop(name)
    path = lab.tmp / "inventory-nocreds.yml"
    path.write_text(yaml.safe_dump(inv))
    (lab.tmp / "conn-pass").write_text(PASSWORD + "\n")
    (lab.tmp / "become-pass").write_text(ENABLE + "\n")
    result = lab.play("creds", "-u", "netops", "--connection-password-file", str(lab.tmp / "conn-pass"),
                      "--become-password-file", str(lab.tmp / "become-pass"), inventory=path)
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True and result["saved"] is True
    audit = [json.loads(line) for line in (lab.tmp / "state-creds" / "audit.log").read_text().splitlines()]
    assert [e["result"] for e in audit if e["event"] == "login"] == ["ok"]
    # and a wrong one from the command line is refused, not replaced by anything else
    (lab.tmp / "conn-pass").write_text("Wrong-cli-pass-1\n")
    refused = lab.play("creds", "--check", "-u", "netops", "--connection-password-file",
                       str(lab.tmp / "conn-pass"), inventory=path)
    assert refused.get("failed") is True and refused["error_kind"] == "auth", refused
    assert "Wrong-cli-pass-1" not in json.dumps(refused)


def _logins(lab: Lab, short: str) -> list[dict]:
    path = lab.tmp / f"state-{short}" / "audit.log"
    return [e for e in map(json.loads, path.read_text().splitlines()) if e["event"] == "login"]


def test_lockout_policy_is_never_triggered_by_a_run(lab):
    device = lab.device("lockout")
    policy = ("login block-for 60 attempts 2 within 60" if lab.platform == "cisco_ios"
              else "aaa authentication limit-login-attempts 2 lockout-time 60")
    assert apply_commands(device, [policy]) == []
    before = len(_logins(lab, "lockout"))
    # Two switch tasks in one run, the first failing (ignored): the second must not retry.
    result = lab.play("lockout", playbook="twice.yml", ansible_password="Wrong-pass-Lock-1")
    assert result.get("failed") is True and "already refused earlier in this run" in result["msg"], result
    new = _logins(lab, "lockout")[before:]
    assert [e["result"] for e in new] == ["denied"], new
    assert not any(e.get("triggered") for e in new)
    ok = lab.play("lockout", "--check")  # the right password still works: nothing is locked
    assert not ok.get("failed"), ok.get("msg")
    # The policy is real (raw SSH logins, not the toolkit). IOS counts failures in the window
    # (the run's one + this one = 2); AOS-CX counts consecutive ones, and the good login above
    # reset them, so two more. Then even the right password is refused.
    assert _raw_login(lab, "Wrong-pass-Lock-2") == "denied"
    if lab.platform == "aruba_aoscx":
        assert _raw_login(lab, "Wrong-pass-Lock-3") == "denied"
    assert _raw_login(lab, PASSWORD) in ("refused", "denied")
    last = _logins(lab, "lockout")[-1]
    assert last["result"] in ("blocked", "locked"), last


def _raw_login(lab: Lab, password: str) -> str:
    import paramiko

    name = f"{lab.platform}-lockout"
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    try:
        client.connect(lab.specs[name]["address"], lab.handle.ports[name], username="netops", password=password,
                       allow_agent=False, look_for_keys=False, timeout=5, banner_timeout=5, auth_timeout=5)
        return "ok"
    except paramiko.AuthenticationException:
        return "denied"
    except (paramiko.SSHException, OSError, EOFError):
        return "refused"  # IOS quiet mode: the connection is closed before authentication
    finally:
        client.close()
