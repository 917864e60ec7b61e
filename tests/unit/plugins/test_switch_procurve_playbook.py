"""ArubaOS-Switch (ProCurve 2930F), the third switch platform, for real: ansible-playbook runs
the switch_hardening role through netmiko's `hp_procurve` driver against the emulated
2930F. Every claim is checked through a path that is not the plugin: a fresh netmiko
session parsed by ntc-templates, the emulator's own model, its ACL evaluation and its
session counter.

Addresses 127.0.10.x, ports picked by the OS: no collision with a running lab or another test.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from test_switch_playbook import ENABLE, PASSWORD, RADIUS_KEY, Lab  # noqa: E402

from emulators.switch.control import _evaluate  # noqa: E402
from emulators.switch.engine import apply_commands  # noqa: E402

NAMES = ("converge", "audit", "drift")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    lab = Lab("hp_procurve", tmp_path_factory.mktemp("hp_procurve"), names=NAMES)
    yield lab
    lab.handle.stop()


def fresh_session(lab: Lab, short: str, *commands: str) -> dict[str, object]:
    """An independent netmiko hp_procurve session (host key checked), parsed by ntc-templates."""
    from netmiko import ConnectHandler

    name = f"{lab.platform}-{short}"
    conn = ConnectHandler(device_type="hp_procurve", host=lab.specs[name]["address"], port=lab.handle.ports[name],
                          username="netops", password=PASSWORD, secret=ENABLE, ssh_strict=True,
                          alt_host_keys=True, alt_key_file=str(lab.known_hosts))
    try:
        # ntc-templates parse `show vlans`; their show_system template needs a System Contact set
        return {c: conn.send_command(c, use_textfsm=c == "show vlans") for c in commands}
    finally:
        conn.disconnect()


def test_harden_from_factory_then_idempotent_in_one_session_each(lab):
    device = lab.device("converge")
    first = lab.play("converge")
    assert first["changed"] is True and not first.get("failed"), first.get("msg")
    assert first["family"] == "aos_switch_2930f" and first["model"] == "Aruba 2930F (WC.16.10.0012)"
    assert first["saved"] is True
    assert all(c["status"] == "drift" and c["remediated"] for c in first["controls"].values())
    assert first["parked"] == ["27", "28"]  # no role in the inventory: parked and shut (LAN-06)
    sessions = device.stats["sessions"]
    second = lab.play("converge")
    assert second["changed"] is False, second["commands"]
    assert {c["status"] for k, c in second["controls"].items() if k != "LAN-04"} == {"compliant"}
    # without include-credentials the switch does not show the RADIUS key: it cannot be compared
    assert second["controls"]["LAN-04"]["status"] == "manual", second["controls"]["LAN-04"]
    assert "not at all" in second["controls"]["LAN-04"]["detail"]
    assert device.stats["sessions"] == sessions + 1, "exactly one SSH session per run"

    shown = fresh_session(lab, "converge", "show vlans", "show system", "show running-config")
    vlans = {v["vlan_id"]: v for v in shown["show vlans"]}
    assert vlans["20"]["vlan_name"] == "VOICE" and vlans["20"]["voice"] == "Yes"
    assert vlans["10"]["vlan_name"] == "MIVB-CONTROLLERS" and vlans["999"]["vlan_name"] == "PARKING-UNUSED"
    assert re.search(r"System Name\s+: hp_procurve-converge\r?\n", shown["show system"])
    run = shown["show running-config"]
    assert RADIUS_KEY not in run and "radius-server host 10.10.0.21\n" in run
    assert re.search(r'^interface 1\n   ip access-group "MIVB-SMDR-PMS" in\n', run, re.M)
    assert re.search(r'^vlan 20\n(?:   .*\n)*?   tagged 3-16,25-26\n(?:   .*\n)*?   voice\n', run, re.M)
    assert re.search(r"^vlan 999\n(?:   .*\n)*?   untagged 17-24,27-28\n", run, re.M)
    assert re.search(r"^interface 17\n   disable\n", run, re.M)
    assert "aaa port-access authenticator 3-16\n" in run and "aaa port-access mac-based 3-16\n" in run
    assert "aaa authentication port-access eap-radius authorized" in run  # RADIUS dead: phones stay in
    # the saved startup config holds the same
    with device.lock:
        assert device.startup is not None and device.startup.to_json() == device.running.to_json()


def test_acl_enforced_inbound_on_the_controller_port(lab):
    device = lab.device("converge")
    if not device.running.find("interface 1").children:
        lab.play("converge")
    for sport, peer, expect in ((1752, "10.30.0.50", "permit"), (1752, "10.99.0.7", "deny"),
                                (1753, "10.30.0.60", "permit"), (1753, "10.30.0.50", "deny"),
                                (443, "10.99.0.7", "permit")):
        verdict = _evaluate(device, {"interface": "1", "direction": "in", "src": "10.0.1.1", "src_port": sport,
                                     "dst": peer, "protocol": "tcp", "dst_port": 49152})
        assert verdict["action"] == expect, (sport, peer, verdict)
    assert _evaluate(device, {"interface": "1", "direction": "out", "src": "10.99.0.7", "dst": "10.0.1.1",
                              "protocol": "tcp", "dst_port": 1752})["matched"] == "no access list applied"
    # and the switch refuses an outbound port ACL with its own error text
    errors = apply_commands(device, ["interface 1", 'ip access-group "MIVB-SMDR-PMS" out'])
    assert errors == [{"command": 'ip access-group "MIVB-SMDR-PMS" out', "error": "invalid"}]


def test_audit_check_mode_reports_drift_without_entering_config(lab):
    device = lab.device("audit")
    lines = device.stats["config_lines"]
    result = lab.play("audit", "--check", "--diff")
    assert result["changed"] is True and result["commands"]
    assert all(c["status"] == "drift" and not c["remediated"] for c in result["controls"].values())
    assert device.stats["config_lines"] == lines and device.startup is None
    assert RADIUS_KEY not in result["diff"]["prepared"]
    lab.play("audit")
    audit = lab.play("audit", "--check")
    assert audit["changed"] is False
    assert {c["status"] for k, c in audit["controls"].items() if k != "LAN-04"} == {"compliant"}


def test_out_of_band_drift_is_found_and_remediated(lab):
    device = lab.device("drift")
    assert not lab.play("drift").get("failed")
    # someone moves a phone port to the data VLAN untagged only, opens a parked port, re-names
    # the voice VLAN, drops an ACL entry and turns 802.1X off on a phone port
    errors = apply_commands(device, ["vlan 20", "no tagged 5", 'name "TEMP"', "exit", "interface 18", "enable",
                                     "exit", 'ip access-list extended "MIVB-SMDR-PMS"', "no 20", "exit",
                                     "no aaa port-access authenticator 7"])
    assert errors == []
    audit = lab.play("drift", "--check")
    drifted = {k for k, c in audit["controls"].items() if c["status"] == "drift"}
    assert {"LAN-01", "LAN-03", "LAN-04", "LAN-06", "LOG-03"} <= drifted, audit["controls"]
    fixed = lab.play("drift")
    assert fixed["changed"] is True and not fixed.get("failed"), fixed.get("msg")
    again = lab.play("drift", "--check")
    assert again["changed"] is False, again["commands"]
    run = fresh_session(lab, "drift", "show running-config")["show running-config"]
    assert re.search(r"^interface 18\n   disable\n", run, re.M)
    assert "aaa port-access authenticator 3-16\n" in run
    assert re.search(r'^vlan 20\n   name "VOICE"\n', run, re.M)


def test_facts_read_the_hardened_switch(lab):
    if not lab.device("converge").running.find("interface 1").children:
        lab.play("converge")
    facts = lab.play("converge", playbook="facts.yml")["facts"]
    assert facts["platform"] == "hp_procurve" and facts["vlans"]["20"] == {"name": "VOICE", "voice": True}
    phone, controller, parked = facts["ports"]["3"], facts["ports"]["1"], facts["ports"]["28"]
    assert (phone["access_vlan"], phone["allowed_vlans"], phone["dot1x"], phone["mab"]) == (30, [20], True, True)
    assert phone["qos_trust"] == "dot1p" and controller["acl_in"] == "MIVB-SMDR-PMS"
    assert parked["shutdown"] is True and parked["access_vlan"] == 999
    assert facts["dot1x"]["system_auth_control"] is True
    assert facts["dot1x"]["radius_servers"] == [{"name": "10.10.0.21", "address": "10.10.0.21"}]
    assert "MIVB-SMDR-PMS" in facts["acls"] and facts["acls"]["MIVB-SMDR-PMS"][0].startswith("10 permit tcp 10.0.1.1")


def test_the_toolkits_error_pattern_catches_every_refusal_the_cli_prints(tmp_path):
    """What the emulated CLI prints for each refused line (its own session object, not the
    toolkit) is caught by the netmiko error pattern switch_config pushes with."""
    from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import platform_for

    from emulators.switch.cli import CliSession
    from emulators.switch.dialects import new_device
    from emulators.switch.spec import SwitchSpec

    device = new_device(SwitchSpec.from_dict({"name": "sw1", "platform": "hp_procurve", "address": "127.0.0.1",
                                             "port": 0, "state_dir": str(tmp_path / "sw1"), "username": "u",
                                              "password": "p"}))
    session = CliSession(device)
    session.handle_line("")  # "Press any key to continue"
    session.handle_line("configure")
    pattern = platform_for("arubaoss").error_pattern
    refused = {"vlann 10": "Invalid input: vlann", "vlan": "Incomplete input: vlan",
               "interface 29": "Module not present for port or invalid port: 29",
               'ip access-list extended "A"': None, "10 permit tcp any any": None,
               "10 deny ip any any": "Duplicate sequence number.",
               "interface 1": None, "untagged vlan 77": "VLAN 77 not configured.",
               "ip access-group A out": "Invalid input: out"}
    for line, expected in refused.items():
        text = session.handle_line(line).text
        if expected is None:
            assert text == "", (line, text)
            continue
        assert text.strip() == expected
        assert re.search(pattern, text, re.MULTILINE), (pattern, text)


def test_update_secrets_pushes_the_hidden_key_again(lab):
    device = lab.device("converge")
    if not device.running.find("interface 1").children:
        lab.play("converge")
    rotated = lab.play("converge", "-e", "lan_update_secrets=true")
    assert rotated["changed"] is True and rotated["controls"]["LAN-04"]["status"] == "drift"
    assert rotated["commands"] == ['radius-server host 10.10.0.21 key ********']
    # the emulator's model holds the key the inventory names (its own encryption, not shown)
    from emulators.switch.secrets import aos_decrypt

    line = next(c.text for c in device.running.children if c.text.startswith("radius-server host 10.10.0.21"))
    assert aos_decrypt(line.split('encrypted-key "')[1].rstrip('"')) == RADIUS_KEY
