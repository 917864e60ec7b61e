"""ArubaOS-Switch (ProCurve 2930F) emulator driven by real netmiko hp_procurve sessions and by
its raw SSH channel (banner, pager, logout questions), checked against hier_config's
HP_PROCURVE driver and ntc-templates."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
from hier_config import Platform, get_hconfig
from netmiko.exceptions import ConfigInvalidException
from ntc_templates.parse import parse_output
from switch_fixtures import ENABLE, PASSWORD, USERNAME, connect, start, switch_spec

from emulators.switch.device import Device
from emulators.switch.dialects import new_device
from emulators.switch.engine import apply_commands
from emulators.switch.spec import SwitchSpec

ROOT = Path(__file__).resolve().parents[3]
_AnsibleCollectionFinder(paths=[str(ROOT / ".venv" / "collections")])._install()  # as test_switch_family_cli

from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import PLATFORMS  # noqa: E402

ERRORS = PLATFORMS["hp_procurve"].error_pattern  # the toolkit's netmiko error pattern for this platform


@pytest.fixture
def pc(tmp_path):
    specs = [switch_spec(tmp_path, "pc1", platform="hp_procurve")]
    handle = start(specs)
    yield handle
    handle.stop()


def _device(tmp_path) -> Device:
    return new_device(SwitchSpec.from_dict({"name": "sw1", "platform": "hp_procurve", "address": "127.0.0.1",
                                        "port": 0, "state_dir": str(tmp_path / "sw1"), "username": "u",
                                        "password": "p"}))


def test_factory_state_is_default_vlan_with_every_port_untagged(tmp_path):
    dev = _device(tmp_path)
    text = dev.dialect.render_running(dev)
    assert re.search(r'vlan 1\r\n   name "DEFAULT_VLAN"\r\n   untagged 1-28\r\n   ip address dhcp-bootp\r\n   exit',
                     text)
    assert "\r\ninterface " not in text, "a port block appears only once the port carries config"
    parsed = get_hconfig(Platform.HP_PROCURVE, text)
    assert parsed.get_child(equals="interface 28").get_child(equals="untagged vlan 1") is not None


@pytest.mark.parametrize(("commands", "error"), [
    (["vlann 10"], "invalid"),
    (["vlan"], "incomplete"),
    (["interface 29"], "Module not present for port or invalid port: 29"),
    (["interface 1", 'ip access-group "X" out'], "invalid"),  # port ACLs are inbound only
    (["interface 1", "untagged vlan 50"], "VLAN 50 not configured."),
    (["no vlan 1"], "The Default VLAN cannot be deleted."),
])
def test_refuses_what_the_real_switch_refuses(tmp_path, commands, error):
    assert apply_commands(_device(tmp_path), commands)[-1]["error"] == error


def test_netmiko_session_prompts_errors_and_save(pc):
    conn = connect(pc, "pc1")
    try:
        assert conn.find_prompt() == "pc1#"
        out = conn.send_config_set(["vlan 20", "name VOICE", "voice", "untagged 5", "interface 6",
                                    "tagged vlan 20", "exit", "ip access-list extended SMDR",
                                    "permit tcp host 10.0.0.5 eq 1752 any", "exit", "interface 1",
                                    "ip access-group SMDR in"], error_pattern=ERRORS)
        assert "(vlan-20)# " in out and "(eth-6)# " in out and "(config-ext-nacl)# " in out
        with pytest.raises(ConfigInvalidException, match="ip access-group SMDR out"):
            conn.send_config_set(["interface 2", "ip access-group SMDR out"], error_pattern=ERRORS)
        conn.exit_config_mode()
        assert "Incomplete input: show" in conn.send_command("show")
        assert "Module not present for port or invalid port: 29" in conn.send_command(
            "show port-access mac-based clients 29 detailed")
        assert "Port Access MAC-Based Client Status" in conn.send_command("show port-access mac-based clients 3-4")
        run = conn.send_command("show running-config")
        assert '   10 permit tcp 10.0.0.5 0.0.0.0 eq 1752 0.0.0.0 255.255.255.255\n' in run
        assert 'interface 1\n   ip access-group "SMDR" in\n   exit' in run
        assert re.search(r'vlan 20\n   name "VOICE"\n   untagged 5\n   tagged 6\n   no ip address\n   voice\n', run)
        assert "no untagged 5\n" in run
        vlans = parse_output(platform="hp_procurve", command="show vlans", data=conn.send_command("show vlans"))
        assert {(v["vlan_id"], v["vlan_name"], v["voice"]) for v in vlans} == {
            ("1", "DEFAULT_VLAN", "No"), ("20", "VOICE", "Yes")}
        conn.save_config()
        assert pc.devices["pc1"].startup is not None
    finally:
        conn.disconnect()


def test_banner_pager_and_logout_questions_on_the_raw_channel(pc):
    """Press any key, `-- MORE --` until `no page`, and the questions before logging out."""
    import paramiko

    device = pc.devices["pc1"]
    # enough configuration for more than one screen (24 lines)
    assert apply_commands(device, [c for n in range(1, 11) for c in (f"interface {n}", f'name "P{n}"', "exit")]) == []
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # test-local emulator on port 0
    client.connect(device.spec.address, port=pc.ports["pc1"], username=USERNAME, password=PASSWORD,
                   look_for_keys=False, allow_agent=False)
    chan = client.invoke_shell(width=200)

    def read_until(pattern: str) -> str:
        buf, deadline = "", time.monotonic() + 10
        while not re.search(pattern, buf) and time.monotonic() < deadline:
            if chan.recv_ready():
                buf += chan.recv(65535).decode()
            else:
                time.sleep(0.02)
        assert re.search(pattern, buf), buf
        return buf

    try:
        banner = read_until("Press any key to continue")
        assert "Copyright" in banner and "pc1#" not in banner
        chan.send("\n")
        read_until(r"pc1# $")
        chan.send("show running-config\n")
        first = read_until("-- MORE --, next page: Space")
        assert "interface 1" in first and "password manager" not in first
        chan.send("\n")
        read_until(r"password manager\r\npc1# $")
        chan.send("vlann 10\n")
        read_until(r"Invalid input: vlann\r\npc1# $")
        chan.send("configure\n")
        read_until(r"pc1\(config\)# $")
        chan.send("vlan\n")
        read_until(r"Incomplete input: vlan\r\npc1\(config\)# $")
        chan.send("interface 3\n")
        read_until(r"pc1\(eth-3\)# $")
        chan.send("end\n")
        read_until(r"pc1# $")
        chan.send("no page\n")
        read_until(r"pc1# $")
        chan.send("show running-config\n")
        assert "MORE" not in read_until(r"password manager\r\npc1# $")
        chan.send("logout\n")
        read_until(r"Do you want to log out \[y/n\]\? $")
        chan.send("y\n")
        deadline = time.monotonic() + 5
        while not chan.exit_status_ready() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert chan.exit_status_ready()
    finally:
        client.close()
    assert ENABLE  # the manager account lands privileged: no enable prompt on this platform


def test_radius_key_stored_but_shown_only_with_include_credentials(tmp_path):
    dev = _device(tmp_path)
    assert apply_commands(dev, ['radius-server host 10.0.0.9 key "Se-cret1"']) == []
    assert "radius-server host 10.0.0.9\r\n" in dev.dialect.render_running(dev)
    assert apply_commands(dev, ["include-credentials radius-tacacs-only"]) == []
    assert 'radius-server host 10.0.0.9 key "Se-cret1"\r\n' in dev.dialect.render_running(dev)
    assert apply_commands(dev, ["encrypt-credentials"]) == []
    shown = dev.dialect.render_running(dev)
    assert "Se-cret1" not in shown and re.search(r'radius-server host 10.0.0.9 encrypted-key "[A-Za-z0-9+/=]+"', shown)
    assert "Se-cret1" not in (tmp_path / "sw1" / "audit.log").read_text()


@pytest.mark.parametrize("reply", [
    "Invalid input: acess-group", "Incomplete input: show", "Incomplete command.", "Ambiguous command: sh",
    "Ambiguous input: s", "Module not present for port or invalid port: 99",
])
def test_the_toolkits_error_pattern_takes_every_spelling_the_vendor_collection_treats_as_an_error(reply):
    """HPE Aruba's Ansible collection for ArubaOS-Switch (plugins/terminal/arubaoss.py) treats
    "invalid input" and "incomplete|ambiguous command" as errors; so does the toolkit's pattern,
    besides the emulator's own texts, so a refused line is never taken for accepted."""
    assert re.search(ERRORS, f"{reply}\n", flags=re.MULTILINE)
    assert not re.search(ERRORS, "   10 permit tcp 10.0.0.5 0.0.0.0 eq 1752 any\nname \"VOICE\"\n", flags=re.MULTILINE)
