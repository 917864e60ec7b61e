"""switch_config / switch_facts for real: ansible-playbook runs the switch_hardening role
against emulated switches (emulators.switch), and every claim is checked through a path
that is not the plugin: the emulator's own model and statistics, or a fresh SSH session.

Addresses 127.0.5.x (IOS) / 127.0.6.x (AOS-CX), ports picked by the OS: no collision
with a running lab or a parallel test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from emulators.lab import _host_key_line  # noqa: E402
from emulators.switch.server import start_switches  # noqa: E402

PASSWORD, ENABLE, RADIUS_KEY = "Sw-pass-Test-1", "En-secret-Test-1", "Rad1us-Key-Test-9"
PORTS = {
    "cisco_ios": ["GigabitEthernet1/0/1-2", "Gi1/0/3-16", "GigabitEthernet1/0/17-24", "GigabitEthernet1/0/25-26"],
    "aruba_aoscx": ["1/1/1-1/1/2", "1/1/3-1/1/16", "1/1/17-1/1/24", "1/1/25-1/1/26"],
    "hp_procurve": ["1-2", "3-16", "17-24", "25-26"],
}
NETWORK_OS = {"cisco_ios": "cisco.ios.ios", "aruba_aoscx": "arubanetworks.aoscx.aoscx",
              "hp_procurve": "arubanetworks.aos_switch.arubaoss"}
NETS = {"cisco_ios": "127.0.5", "aruba_aoscx": "127.0.6", "hp_procurve": "127.0.10"}
NAMES = ("converge", "check", "reject", "drop", "facts", "direct", "guard")
PLAY = """
- hosts: lan_switches
  gather_facts: false
  roles: [voicesec.mivb.switch_hardening]
"""
# As the shipped playbooks import the role: no implicit validation task; switch_config
# enforces the role's argument_specs itself.
IMPORT_PLAY = """
- hosts: lan_switches
  gather_facts: false
  tasks:
    - ansible.builtin.import_role:
        name: voicesec.mivb.switch_hardening
        rolespec_validate: false
"""
# switch_config on its own (no role, so no role defaults): reads the same lan_* variables,
# here from the task's vars (what replaced the removed explicit `intent` argument).
DIRECT_PLAY = """
- hosts: lan_switches
  gather_facts: false
  tasks:
    - name: LAN-01 | PATCH | switch_config reads the role variables
      voicesec.mivb.switch_config:
        intent_from_vars: true
      vars:
        ansible_connection: ansible.builtin.local
        lan_vlans:
          controllers: {id: 10, name: MIVB-CONTROLLERS}
          voice: {id: 20, name: VOICE}
          data: {id: 30, name: DATA}
          parking: {id: 999, name: PARKING-UNUSED}
"""
BOTH_PLAY = """
- hosts: lan_switches
  gather_facts: false
  tasks:
    - name: LAN-01 | PATCH | two input modes at once
      voicesec.mivb.switch_config:
        intent_from_vars: true
        intended: "vlan 10\n name VOICE"
        managed: {sections: {"vlan 10": [LAN-01]}, controls: [LAN-01]}
      vars: {ansible_connection: ansible.builtin.local}
"""
FACTS_PLAY = """
- hosts: lan_switches
  gather_facts: false
  tasks:
    - voicesec.mivb.switch_facts:
      vars: {ansible_connection: ansible.builtin.local}
"""


class Lab:
    def __init__(self, platform: str, tmp: Path, names: tuple[str, ...] = NAMES, net: str | None = None) -> None:
        self.platform, self.tmp = platform, tmp
        specs = [{"name": f"{platform}-{n}", "platform": platform, "address": f"{net or NETS[platform]}.{i + 1}",
                  "port": 0, "state_dir": str(tmp / f"state-{n}"), "username": "netops", "password": PASSWORD,
                  "enable_secret": ENABLE, "test_hooks": True} for i, n in enumerate(names)]
        self.handle = start_switches(specs, control=None)
        self.specs = {s["name"]: s for s in specs}
        self.known_hosts = tmp / "known_hosts"
        self.known_hosts.write_text("".join(
            _host_key_line(s["address"], self.handle.ports[s["name"]]) + "\n" for s in specs))
        (tmp / "play.yml").write_text(PLAY)
        (tmp / "facts.yml").write_text(FACTS_PLAY)
        (tmp / "import.yml").write_text(IMPORT_PLAY)
        (tmp / "direct.yml").write_text(DIRECT_PLAY)
        (tmp / "both.yml").write_text(BOTH_PLAY)

    def device(self, short: str):
        return self.handle.devices[f"{self.platform}-{short}"]

    def running(self, short: str) -> str:
        """The emulator's own rendering, minus the change timestamp / size header lines."""
        device = self.device(short)
        with device.lock:
            text = device.dialect.render_running(device)
        return "\n".join(line for line in text.splitlines()
                         if not re.match(r"^(! Last configuration change|! NVRAM|Current configuration)", line))

    def inventory(self, short: str, **host_vars) -> Path:
        name = f"{self.platform}-{short}"
        ports = PORTS[self.platform]
        host = {"ansible_host": self.specs[name]["address"], "ansible_port": self.handle.ports[name], **host_vars}
        inv = {"all": {
            "vars": {
                "ansible_network_os": NETWORK_OS[self.platform],
                "ansible_connection": "ansible.netcommon.network_cli",  # as a cisco.ios inventory has it
                "ansible_user": "netops", "ansible_password": PASSWORD, "ansible_become_password": ENABLE,
                "lan_known_hosts_file": str(self.known_hosts),
                "lan_ssh_timeout": 8,  # a dropped session is noticed within this
                "lan_controller_addresses": ["10.0.1.1"],
                "lan_smdr_collectors": ["10.30.0.50"], "lan_pms_hosts": ["10.30.0.60"],
                "lan_port_roles": [{"interfaces": [ports[0]], "role": "controller"},
                                   {"interfaces": [ports[1]], "role": "phone"},
                                   {"interfaces": [ports[2]], "role": "unused"},
                                   {"interfaces": [ports[3]], "role": "uplink"}],
                "lan_dot1x": {"enabled": True, "mab_for_phones": True, "reauthentication": True,
                              "radius_servers": [{"name": "radius1", "address": "10.10.0.21",
                                                  "key": RADIUS_KEY}]},
            },
            "children": {"lan_switches": {"hosts": {name: host}}},
        }}
        path = self.tmp / f"inventory-{short}.yml"
        path.write_text(yaml.safe_dump(inv))
        return path

    def command(self, short: str, *args: str, playbook: str = "play.yml", inventory: Path | None = None,
                **host_vars) -> tuple[list[str], dict[str, str]]:
        """The ansible-playbook command line and environment of one run."""
        env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
                   VOICESEC_REPORT_DIR=str(self.tmp / "reports"), ANSIBLE_NOCOLOR="1",
                   VOICESEC_LOCK_DIR=str(self.tmp / "locks"))
        return ([str(ROOT / ".venv" / "bin" / "ansible-playbook"), "-i",
                 str(inventory or self.inventory(short, **host_vars)), str(self.tmp / playbook), *args], env)

    def play(self, short: str, *args: str, playbook: str = "play.yml", inventory: Path | None = None,
             **host_vars) -> dict:
        cmd, env = self.command(short, *args, playbook=playbook, inventory=inventory, **host_vars)
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
        return self.result(proc.stdout, proc.stderr)

    @staticmethod
    def result(stdout: str, stderr: str) -> dict:
        """The switch task's result from a JSON-callback run; no secret anywhere in the output."""
        proc = subprocess.CompletedProcess([], 0, stdout, stderr)
        assert RADIUS_KEY not in proc.stdout + proc.stderr, "RADIUS key leaked into ansible output"
        assert PASSWORD not in proc.stdout + proc.stderr and ENABLE not in proc.stdout + proc.stderr
        out = json.loads(proc.stdout[proc.stdout.index("{"):])
        tasks = [t for p in out["plays"] for t in p["tasks"]]
        result = next(t for t in reversed(tasks) if "switch_" in json.dumps(t["task"]["name"]) or
                      (t["hosts"] and "controls" in next(iter(t["hosts"].values())))
                      or "facts" in next(iter(t["hosts"].values())))
        return next(iter(result["hosts"].values()))


@pytest.fixture(scope="module", params=["cisco_ios", "aruba_aoscx"])
def lab(request, tmp_path_factory):
    lab = Lab(request.param, tmp_path_factory.mktemp(request.param))
    yield lab
    lab.handle.stop()


def fresh_show_run(lab: Lab, short: str) -> str:
    """An independent SSH session (not the plugin's) reads the running config."""
    from netmiko import ConnectHandler

    name = f"{lab.platform}-{short}"
    conn = ConnectHandler(device_type=lab.platform, host=lab.specs[name]["address"], port=lab.handle.ports[name],
                          username="netops", password=PASSWORD, secret=ENABLE, ssh_strict=True,
                          alt_host_keys=True, alt_key_file=str(lab.known_hosts))
    try:
        conn.enable()
        return conn.send_command("show running-config")
    finally:
        conn.disconnect()


def test_converge_then_idempotent_and_saved(lab):
    first = lab.play("converge")
    assert first["changed"] is True and not first.get("failed"), first.get("msg")
    assert first["saved"] is True and first["timing"]["preloaded"] is True
    assert set(first["controls"]) == {"LAN-01", "LAN-02", "LAN-03", "LAN-04", "LAN-05", "LAN-06", "LOG-03", "LOG-04"}
    assert all(c["status"] == "drift" and c["remediated"] for c in first["controls"].values())
    assert "facts" not in first, "the role leaves facts to switch_facts (smaller result per switch)"
    sessions = lab.device("converge").stats["sessions"]
    second = lab.play("converge")
    assert second["changed"] is False, second["commands"]
    assert {c["status"] for k, c in second["controls"].items() if k != "LAN-04"} == {"compliant"}
    # IOS shows the RADIUS key as type 7 (readable, so compared); AOS-CX only as ciphertext:
    # the key part of LAN-04 cannot be verified there, and the status says so.
    expected = "compliant" if lab.platform == "cisco_ios" else "manual"
    assert second["controls"]["LAN-04"]["status"] == expected, second["controls"]["LAN-04"]
    assert lab.device("converge").stats["sessions"] == sessions + 1, "exactly one SSH session per run"
    shown = fresh_show_run(lab, "converge")
    if lab.platform == "cisco_ios":
        assert re.search(r"interface GigabitEthernet1/0/3\n(?: .*\n)*? switchport voice vlan 20", shown)
        assert re.search(r"interface GigabitEthernet1/0/1\n(?: .*\n)*? ip access-group MIVB-SMDR-PMS in", shown)
        assert re.search(r"interface GigabitEthernet1/0/17\n(?: .*\n)*? shutdown", shown)
    else:
        assert re.search(r"interface 1/1/1\n(?: .*\n)*?\s+apply access-list ip MIVB-SMDR-PMS in", shown)
        assert re.search(r"interface 1/1/17\n(?: .*\n)*?\s+shutdown", shown)
    assert RADIUS_KEY not in shown
    device = lab.device("converge")
    with device.lock:
        startup = device.dialect.render_running(device, device.startup)
    assert "switchport voice vlan 20" in startup or "vlan trunk native 30" in startup


def test_check_mode_never_enters_config_mode(lab):
    before = lab.running("check")
    lines = lab.device("check").stats["config_lines"]
    result = lab.play("check", "--check", "--diff")
    assert result["changed"] is True and result["commands"]
    assert all(c["status"] == "drift" and not c["remediated"] for c in result["controls"].values())
    assert lab.device("check").stats["config_lines"] == lines
    assert lab.running("check") == before
    assert "+" in result["diff"]["prepared"] and RADIUS_KEY not in result["diff"]["prepared"]
    audit = lab.tmp / "state-check" / "audit.log"
    events = [json.loads(line)["event"] for line in audit.read_text().splitlines()] if audit.exists() else []
    assert "config" not in events and "save" not in events


def test_rejected_command_is_rolled_back(lab):
    device = lab.device("reject")
    before = lab.running("reject")
    device.faults.reject_command = re.compile(r"qos trust dscp")
    try:
        result = lab.play("reject")
    finally:
        device.faults.reject_command = None
    assert result.get("failed") is True
    assert "rejected" in result["msg"] and "back as it was" in result["msg"], result["msg"]
    assert result["rolled_back"] is True
    assert lab.running("reject") == before
    assert {c["status"] for c in result["controls"].values()} == {"error"}


def test_dropped_session_mid_push_is_restored(lab):
    device = lab.device("drop")
    before = lab.running("drop")
    device.faults.drop_after_config_lines = 12
    result = lab.play("drop")
    assert result.get("failed") is True
    assert "dropped" in result["msg"] and "back as it was" in result["msg"], result["msg"]
    assert lab.running("drop") == before
    again = lab.play("drop")  # and a normal run afterwards converges
    assert again["changed"] is True and not again.get("failed")


def test_switch_facts_reads_gathered_state(lab):
    lab.play("facts")
    result = lab.play("facts", playbook="facts.yml")
    facts = result["facts"]
    assert facts["vlans"]["20"]["name"] == "VOICE"
    controller = "GigabitEthernet1/0/1" if lab.platform == "cisco_ios" else "1/1/1"
    phone = "GigabitEthernet1/0/3" if lab.platform == "cisco_ios" else "1/1/3"
    assert facts["ports"][controller]["access_vlan"] == 10
    assert facts["ports"][controller]["acl_in"] == "MIVB-SMDR-PMS"
    assert facts["ports"][phone]["dot1x"] is True and facts["ports"][phone]["qos_trust"] == "cos"
    assert "MIVB-SMDR-PMS" in facts["acls"]
    assert facts["family"] == ("catalyst_2960x" if lab.platform == "cisco_ios" else "aoscx_6100_6300")
    assert facts["model"] and facts["identity"]["hostname"] == f"{lab.platform}-facts"


def test_wrong_enable_secret_fails_clearly(lab):
    result = lab.play("facts", "--check", ansible_become_password="Wrong-enable-1")
    assert "Wrong-enable-1" not in json.dumps(result)
    if lab.platform == "cisco_ios":
        assert result.get("failed") is True
        assert "enable (privileged mode) refused" in result["msg"]
    else:
        # AOS-CX logs an administrator straight into the privileged (#) context: there is
        # no enable step for a wrong secret to fail.
        assert not result.get("failed"), result.get("msg")


def test_wrong_password_fails_once_without_retry(lab):
    logins = lab.device("facts").stats["sessions"]
    result = lab.play("facts", "--check", ansible_password="Wrong-pass-1")
    assert result.get("failed") is True
    assert "authentication failed for user 'netops'" in result["msg"] and "not retried" in result["msg"]
    assert "Wrong-pass-1" not in json.dumps(result)
    audit = (lab.tmp / "state-facts" / "audit.log").read_text().splitlines()
    denied = [line for line in audit if '"login"' in line and '"denied"' in line]
    assert len(denied) == 1
    assert lab.device("facts").stats["sessions"] == logins


def test_unreachable_switch_fails_clearly(lab):
    result = lab.play("facts", ansible_host=f"{NETS[lab.platform]}.250")
    assert result.get("failed") is True and "unreachable" in result["msg"]
    assert {c["status"] for c in result["controls"].values()} == {"error"}


def test_unknown_host_key_is_refused(lab, tmp_path):
    other = tmp_path / "known_hosts"
    key = "AAAAC3NzaC1lZDI1NTE5AAAAIOOmz0PjywenX/vsd0w/wE7L7jce9cQLkcW531BUMm9V"
    other.write_text(f"[127.0.9.9]:22 ssh-ed25519 {key}\n")
    sessions = lab.device("facts").stats["config_lines"]
    result = lab.play("facts", lan_known_hosts_file=str(other))
    assert result.get("failed") is True and "unknown SSH host key" in result["msg"], result["msg"]
    assert lab.device("facts").stats["config_lines"] == sessions
    accepted = lab.play("facts", "--check", lan_known_hosts_file=str(other), lan_host_key_checking=False)
    assert not accepted.get("failed"), accepted.get("msg")


def test_invalid_intent_fails_before_connecting(lab):
    sessions = lab.device("facts").stats["sessions"]
    result = lab.play("facts", lan_smdr_collectors=["10.30.0.50", "not-an-ip"],
                      lan_vlans={"controllers": {"id": 4095, "name": "C"}, "voice": {"id": 20, "name": "V"},
                                 "data": {"id": 30, "name": "D"}, "parking": {"id": 999, "name": "P"}})
    assert result.get("failed") is True
    assert "'not-an-ip' is not an IP address" in result["msg"] and "VLAN id 4095 is out of range" in result["msg"]
    assert lab.device("facts").stats["sessions"] == sessions


def test_role_argument_specs_enforced_when_the_implicit_task_is_off(lab):
    """The shipped playbooks import the role with rolespec_validate: false; the spec still holds."""
    sessions = lab.device("facts").stats["sessions"]
    result = lab.play("facts", playbook="import.yml", lan_harden_lan_04="perhaps",
                      lan_port_roles=[{"interfaces": ["x"], "role": "printer"}])
    assert result.get("failed") is True
    assert "argument_specs of voicesec.mivb.switch_hardening" in result["msg"]
    assert "lan_harden_lan_04" in result["msg"] and "printer" in result["msg"]
    assert "controller, phone, uplink, unused" in result["msg"]
    assert lab.device("facts").stats["sessions"] == sessions, "refused before connecting"


def test_direct_task_reads_role_vars_and_facts_describe_the_device_after_the_push(lab):
    first = lab.play("direct", playbook="direct.yml", lan_save_config=False)
    assert first["changed"] is True and not first.get("failed"), first.get("msg")
    assert first["saved"] is False, "save comes from lan_save_config when the task does not set it"
    # Facts of a run that pushed describe the device after the push (factory had VLAN 1 only).
    assert first["facts"]["vlans"]["20"]["name"] == "VOICE"
    assert lab.play("direct", playbook="direct.yml")["changed"] is False


def test_two_input_modes_are_refused_before_connecting(lab):
    sessions = lab.device("facts").stats["sessions"]
    result = lab.play("facts", playbook="both.yml")
    assert result.get("failed") is True
    assert ("exactly one of intent_from_vars=true or intended with managed (got: intent_from_vars=true and "
            "intended)") in result["msg"]
    assert lab.device("facts").stats["sessions"] == sessions


RENDER_PLAY = """
- hosts: lan_switches
  gather_facts: false
  vars:
    ansible_connection: ansible.builtin.local
    role_defaults: "{{ lookup('ansible.builtin.file', '%s') | from_yaml }}"
    sw: "{{ {'lan_vlans': role_defaults.lan_vlans, 'lan_port_roles': lan_port_roles, 'lan_dot1x': lan_dot1x,
            'lan_smdr_collectors': lan_smdr_collectors, 'lan_pms_hosts': lan_pms_hosts,
            'lan_controller_addresses': lan_controller_addresses}
           | voicesec.mivb.switch_intent(ansible_network_os) }}"
  tasks:
    - name: LAN-01 | PATCH | pre-rendered path (template lookup + filter), check mode
      voicesec.mivb.switch_config:
        intended: "{{ lookup('ansible.builtin.template', '%s/' ~ sw.platform ~ '/config.j2',
                      template_vars={'sw': sw}) }}"
        managed: "{{ sw.managed }}"
"""


def test_prerendered_path_plans_the_same_commands_as_the_intent_path(lab):
    """intended+managed (Ansible's template lookup) and intent (the plugin's renderer) agree."""
    defaults = ROOT / "roles" / "switch_hardening" / "defaults" / "main.yml"
    (lab.tmp / "render.yml").write_text(RENDER_PLAY % (defaults, ROOT / "templates" / "switch"))
    via_lookup = lab.play("check", "--check", playbook="render.yml")
    via_intent = lab.play("check", "--check")
    assert not via_lookup.get("failed"), via_lookup.get("msg")
    # Both paths park and shut the ports without a role (LAN-06): the pre-rendered one learns
    # them from the running config it reads, as the intent path does.
    assert via_intent["parked"], "the lab switch has ports without a role"
    assert via_lookup["parked"] == via_intent["parked"]
    assert via_lookup["commands"] and via_lookup["commands"] == via_intent["commands"]


def test_guards_refuse_before_any_write_and_tags_select_single_controls(lab):
    """Wrong family, wrong hostname, a role on a port the switch lacks: refused after reading,
    before any config line (the emulator's own counter). --tags / --skip-tags per control."""
    device = lab.device("guard")
    other = "catalyst_9000" if lab.platform == "cisco_ios" else None
    missing = "GigabitEthernet1/0/40" if lab.platform == "cisco_ios" else "1/1/40"
    roles = [{"interfaces": [PORTS[lab.platform][3]], "role": "uplink"}, {"interfaces": [missing], "role": "phone"}]
    cases = [({"lan_switch_hostname": "another-switch"}, "the inventory names 'another-switch' but the device's "
              f"hostname is '{lab.platform}-guard'"),
             ({"lan_port_roles": roles}, f"lan_port_roles names interface(s) this switch does not have: {missing}")]
    if other:
        cases.append(({"lan_switch_family": other}, f"lan_switch_family={other} (Cisco Catalyst 9200/9300"))
    for host_vars, message in cases:
        result = lab.play("guard", **host_vars)
        assert result.get("failed") and message in result["msg"], result.get("msg")
        assert "nothing was written" in result["msg"] or "does not have" in result["msg"]
        assert device.stats["config_lines"] == 0, "a guard let a line through"

    sessions = device.stats["sessions"]
    none = lab.play("guard", "--tags", "TLS-01")
    assert not none.get("failed") and none["changed"] is False
    assert {c["status"] for c in none["controls"].values()} == {"not_evaluated"}
    assert device.stats["sessions"] == sessions, "no switch control selected: no SSH session"

    skipped = lab.play("guard", "--skip-tags", "LAN-04")
    assert not skipped.get("failed"), skipped.get("msg")
    assert skipped["controls"]["LAN-04"] == {"status": "not_evaluated",
                                             "detail": "not evaluated in this run: --skip-tags LAN-04"}
    assert all(c["status"] == "drift" and c["remediated"] for cid, c in skipped["controls"].items() if cid != "LAN-04")
    assert skipped["family"] == ("catalyst_2960x" if lab.platform == "cisco_ios" else "aoscx_6100_6300")
    assert skipped["model"].startswith("WS-C2960X" if lab.platform == "cisco_ios" else "JL666A")
    assert skipped["controls"]["LAN-01"]["detail"].endswith(f"[{skipped['family']} {skipped['model']}]")
    shown = fresh_show_run(lab, "guard")
    assert "port-control" not in shown and "port-access dot1x" not in shown and "MIVB-SMDR-PMS" in shown
    only = lab.play("guard", "--tags", "LAN-04")
    assert set(only["controls"]) == set(skipped["controls"])
    assert only["controls"]["LAN-04"]["status"] == "drift" and only["controls"]["LAN-04"]["remediated"]
    assert {c["status"] for cid, c in only["controls"].items() if cid != "LAN-04"} == {"not_evaluated"}
