"""Cisco IOS switch emulator driven by real netmiko sessions (the toolkit's transport)."""

from __future__ import annotations

import socket
import time

import paramiko
import pytest
from netmiko.exceptions import ConfigInvalidException, NetmikoAuthenticationException, ReadTimeout
from ntc_templates.parse import parse_output
from switch_fixtures import (
    ENABLE,
    PASSWORD,
    USERNAME,
    connect,
    restart_same_port,
    start,
    switch_spec,
    wait_dropped,
)

ERRORS = r"% Invalid|% Incomplete|% Ambiguous"

PHONE_PORT = [
    "vlan 10",
    " name VOICE",
    "vlan 20",
    " name DATA",
    "interface GigabitEthernet1/0/5",
    " description IP phone",
    " switchport mode access",
    " switchport access vlan 20",
    " switchport voice vlan 10",
    " switchport nonegotiate",
    " spanning-tree portfast",
    " mls qos trust dscp",
    " authentication host-mode multi-domain",
    " authentication port-control auto",
    " authentication periodic",
    " mab",
    " dot1x pae authenticator",
]


@pytest.fixture
def ios(tmp_path):
    specs = [switch_spec(tmp_path, "sw1")]
    handle = start(specs)
    yield handle, specs
    handle.stop()


def _host_key(address: str, port: int) -> str:
    with socket.create_connection((address, port), timeout=5) as sock:
        transport = paramiko.Transport(sock)
        try:
            transport.start_client(timeout=10)
            return transport.get_remote_server_key().get_fingerprint().hex()
        finally:
            transport.close()


def test_connect_enable_and_prompts(ios):
    handle, _ = ios
    conn = connect(handle, "sw1")
    assert conn.find_prompt() == "sw1>"
    conn.enable()
    assert conn.find_prompt() == "sw1#"
    out = conn.send_config_set(["interface Gi1/0/3", "vlan 30", "ip access-list extended X", "radius server R"])
    for prompt in ("sw1(config)#", "sw1(config-if)#", "sw1(config-vlan)#", "sw1(config-ext-nacl)#",
                   "sw1(config-radius-server)#"):
        assert prompt in out
    conn.disconnect()


def test_user_mode_cannot_read_running_config(ios):
    handle, _ = ios
    conn = connect(handle, "sw1")
    out = conn.send_command("show running-config")
    assert "% Invalid input detected at '^' marker." in out
    conn.disconnect()


def test_wrong_password_rejected(ios):
    handle, _ = ios
    with pytest.raises(NetmikoAuthenticationException):
        connect(handle, "sw1", password="not-the-password")
    audit = (handle.devices["sw1"].state_dir / "audit.log").read_text()
    assert '"result": "denied"' in audit
    assert "not-the-password" not in audit


def test_wrong_enable_secret_is_refused(ios):
    handle, _ = ios
    conn = connect(handle, "sw1", secret="wrong-secret", read_timeout_override=1)
    # netmiko gives up waiting for the prompt: the switch asks for the password again
    with pytest.raises((ValueError, ReadTimeout)):
        conn.enable()
    conn.disconnect()
    # the same exchange on a raw channel shows IOS's text after three bad tries
    device = handle.devices["sw1"]
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(device.spec.address, handle.ports["sw1"], USERNAME, PASSWORD, look_for_keys=False,
                   allow_agent=False)
    chan = client.invoke_shell()
    chan.send(b"enable\nbad1\nbad2\nbad3\n")
    text = b""
    deadline = time.monotonic() + 10
    while b"% Bad secrets" not in text or not text.rstrip().endswith(b"sw1>"):
        assert time.monotonic() < deadline, text
        if chan.recv_ready():
            text += chan.recv(4096)
        else:
            time.sleep(0.02)
    assert text.count(b"Password: ") == 3
    assert b"bad1" not in text  # secrets are never echoed
    client.close()


def test_config_push_save_and_fresh_session(ios):
    handle, _ = ios
    conn = connect(handle, "sw1")
    conn.enable()
    out = conn.send_config_set(PHONE_PORT, error_pattern=ERRORS)
    assert "% Invalid" not in out
    saved = conn.save_config()
    assert "Building configuration...\r\n[OK]" in saved or "Building configuration...\n[OK]" in saved
    conn.disconnect()

    fresh = connect(handle, "sw1")
    fresh.enable()
    run = fresh.send_command("show running-config interface GigabitEthernet1/0/5")
    for line in PHONE_PORT[5:]:
        assert f"\n{line}\n" in run, line
    full = fresh.send_command("show running-config")
    assert full.startswith("Building configuration...")
    assert "Current configuration : " in full and full.rstrip().endswith("end")
    assert "vlan 10\n name VOICE\n!" in full
    fresh.disconnect()
    assert (handle.devices["sw1"].state_dir / "startup-config.json").exists()


def test_no_forms_remove_lines(ios):
    handle, _ = ios
    conn = connect(handle, "sw1")
    conn.enable()
    acl = ["ip access-list extended SMDR", "permit tcp host 10.0.0.5 any eq 1752", "deny ip any any",
           "interface Gi1/0/5", "ip access-group SMDR in"]
    conn.send_config_set([*PHONE_PORT, *acl], error_pattern=ERRORS)
    conn.send_config_set(["interface GigabitEthernet1/0/5", "no switchport voice vlan", "no mab",
                          "no ip access-group SMDR in", "no description", "ip access-list extended SMDR", "no 20",
                          "no vlan 20"], error_pattern=ERRORS)
    run = conn.send_command("show running-config")
    assert "switchport voice vlan" not in run
    assert " mab" not in run
    assert "ip access-group" not in run
    assert "description" not in run
    assert "deny ip any any" not in run and "permit tcp host 10.0.0.5 any eq 1752" in run
    assert "\nvlan 20\n" not in run
    assert "switchport access vlan 20" in run  # the port keeps its (now inactive) VLAN like IOS
    conn.disconnect()


def test_invalid_and_incomplete_commands(ios):
    handle, _ = ios
    conn = connect(handle, "sw1")
    conn.enable()
    with pytest.raises(ConfigInvalidException):
        conn.send_config_set(["interface Gi1/0/2", "switchport mode acess"], error_pattern=ERRORS)
    conn.send_command_timing("end")
    out = conn.send_config_set(["interface Gi1/0/2", "switchport mode acess", "switchport access",
                                "interface GigabitEthernet1/0/99"])
    lines = out.splitlines()
    bad = next(i for i, ln in enumerate(lines) if ln.endswith("switchport mode acess"))
    caret = lines[bad + 1]
    assert caret.strip() == "^"
    assert caret.index("^") == lines[bad].index("acess")
    assert lines[bad + 2] == "% Invalid input detected at '^' marker."
    assert "% Incomplete command." in out
    iface = next(i for i, ln in enumerate(lines) if ln.endswith("interface GigabitEthernet1/0/99"))
    assert lines[iface + 1].index("^") == lines[iface].index("GigabitEthernet1/0/99")
    assert "switchport mode" not in conn.send_command("show running-config interface Gi1/0/2")
    assert "% Ambiguous command" in conn.send_command("show v")
    conn.disconnect()


def test_abbreviations_and_interface_range(ios):
    handle, _ = ios
    conn = connect(handle, "sw1")
    conn.enable()
    out = conn.send_config_set(["int range Gi1/0/1 - 4", "sw mode acc", "spanning-tree portf"], error_pattern=ERRORS)
    assert "sw1(config-if-range)#" in out
    run = conn.send_command("sh run")
    for n in range(1, 5):
        assert f"interface GigabitEthernet1/0/{n}\n switchport mode access\n spanning-tree portfast\n" in run
    assert "interface GigabitEthernet1/0/5\n!" in run
    conn.disconnect()


def test_show_output_parses_with_ntc_templates(ios):
    handle, _ = ios
    conn = connect(handle, "sw1")
    conn.enable()
    conn.send_config_set([*PHONE_PORT, "dot1x system-auth-control", "interface Gi1/0/7", "shutdown",
                          "ip access-list extended SMDR", "permit tcp host 10.0.0.5 host 10.0.0.1 eq 1752",
                          "permit tcp 10.0.1.0 0.0.0.255 any range 1752 1753", "deny ip any any log"],
                         error_pattern=ERRORS)

    def parsed(command: str) -> list[dict]:
        rows = parse_output(platform="cisco_ios", command=command, data=conn.send_command(command))
        assert rows, command
        return rows

    brief = {r["vlan_id"]: r for r in parsed("show vlan brief")}
    assert brief["10"]["vlan_name"] == "VOICE" and brief["20"]["interfaces"] == ["Gi1/0/5"]
    assert "Gi1/0/1" in brief["1"]["interfaces"] and "Gi1/0/5" not in brief["1"]["interfaces"]
    assert {r["vlan_id"] for r in parsed("show vlan")} >= {"1", "10", "20", "1002"}
    status = {r["port"]: r for r in parsed("show interfaces status")}
    assert len(status) == 28
    assert status["Gi1/0/5"]["vlan_id"] == "20" and status["Gi1/0/5"]["name"] == "IP phone"
    assert status["Gi1/0/7"]["status"] == "disabled"
    assert status["Gi1/0/26"]["status"] == "notconnect"
    aces = parsed("show access-lists")
    assert [a["sn"] for a in aces] == ["10", "20", "30"]
    assert aces[1]["source"] == "10.0.1.0 0.0.0.255" and aces[2]["action"] == "deny"
    aces = [a for a in parsed("show ip access-lists") if a["line_num"]]  # the header is a row too
    assert [a["line_num"] for a in aces] == ["10", "20", "30"]
    assert aces[0]["src_host"] == "10.0.0.5" and aces[0]["dst_port"] == "1752"
    assert aces[1]["src_wildcard"] == "0.0.0.255" and aces[1]["dst_port_range_end"] == "1753"
    assert aces[2]["action"] == "deny" and aces[2]["log"] == "log"
    version = parsed("show version")[0]
    assert version["hostname"] == "sw1" and version["version"] == "15.2(7)E8"
    assert version["hardware"] == ["WS-C2960X-24PS-L"]
    dot1x = parsed("show dot1x all")
    assert dot1x[0]["sysauthcontrol"] == "Enabled"
    assert dot1x[0]["interface"] == "GigabitEthernet1/0/5"
    assert dot1x[0]["hostmode"] == "MULTI_DOMAIN" and dot1x[0]["reauthentication"] == "Enabled"
    textfsm = conn.send_command("show interfaces status", use_textfsm=True)
    assert isinstance(textfsm, list) and textfsm[0]["port"] == "Gi1/0/1"
    conn.disconnect()


def test_copy_running_config_prompts_for_destination(ios):
    handle, _ = ios
    conn = connect(handle, "sw1")
    conn.enable()
    conn.send_config_set(["hostname sw1", "vlan 99", "name MGMT"])
    out = conn.send_command("copy running-config startup-config", expect_string=r"\[startup-config\]\?")
    assert "Destination filename [startup-config]?" in out
    out = conn.send_command("\n", expect_string=r"sw1#")
    assert "[OK]" in out
    start_cfg = conn.send_command("show startup-config")
    assert "vlan 99\n name MGMT" in start_cfg
    conn.disconnect()


def test_reload_restores_startup_config(ios):
    handle, _ = ios
    conn = connect(handle, "sw1")
    conn.enable()
    conn.send_config_set(["vlan 40", "name SAVED"])
    conn.save_config()
    conn.send_config_set(["vlan 41", "name UNSAVED"])
    out = conn.send_command_timing("reload")
    assert "System configuration has been modified. Save? [yes/no]:" in out
    out = conn.send_command_timing("no")
    assert "Proceed with reload? [confirm]" in out
    conn.write_channel("\n")
    wait_dropped(conn)

    fresh = connect(handle, "sw1")
    fresh.enable()
    run = fresh.send_command("show running-config")
    assert "name SAVED" in run and "vlan 41" not in run
    fresh.disconnect()


def test_restart_keeps_startup_config_and_host_key(tmp_path):
    specs = [switch_spec(tmp_path, "sw1")]
    handle = start(specs)
    device = handle.devices["sw1"]
    before = _host_key(device.spec.address, handle.ports["sw1"])
    conn = connect(handle, "sw1")
    conn.enable()
    conn.send_config_set(["vlan 50", "name PERSISTED"])
    conn.save_config()
    conn.send_config_set(["vlan 51", "name LOST"])
    conn.disconnect()
    handle = restart_same_port(handle, specs)
    try:
        assert _host_key(device.spec.address, handle.ports["sw1"]) == before
        fresh = connect(handle, "sw1")
        fresh.enable()
        run = fresh.send_command("show running-config")
        assert "name PERSISTED" in run and "vlan 51" not in run
        fresh.disconnect()
    finally:
        handle.stop()


def test_radius_key_is_obfuscated_and_never_logged(ios):
    handle, _ = ios
    conn = connect(handle, "sw1")
    conn.enable()
    secret = "Rad1us-Shared-K3y"
    conn.send_config_set(["aaa new-model", "aaa authentication dot1x default group radius",
                          "radius server ISE1", "address ipv4 10.0.0.20 auth-port 1812 acct-port 1813",
                          f"key {secret}", "dot1x system-auth-control"], error_pattern=ERRORS)
    run = conn.send_command("show running-config")
    assert secret not in run
    assert "radius server ISE1\n address ipv4 10.0.0.20 auth-port 1812 acct-port 1813\n key 7 " in run
    assert "aaa new-model" in run and "no aaa new-model" not in run
    assert ENABLE not in run and PASSWORD not in run
    key7 = next(ln for ln in run.splitlines() if ln.startswith(" key 7 ")).split()[-1]
    # the type-7 form is accepted back (what a restore of a saved config sends)
    conn.send_config_set(["radius server ISE1", f"key 7 {key7}"], error_pattern=ERRORS)
    assert f" key 7 {key7}" in conn.send_command("show running-config | section radius")
    conn.disconnect()
    audit = (handle.devices["sw1"].state_dir / "audit.log").read_text()
    assert secret not in audit and key7 not in audit and "key ********" in audit


def test_hier_config_remediation_round_trip(ios):
    from hier_config import Platform, WorkflowRemediation, get_hconfig

    handle, _ = ios
    conn = connect(handle, "sw1")
    conn.enable()
    conn.send_config_set(["vlan 10", "name OLD", "interface Gi1/0/6", "switchport access vlan 10",
                          "description old"])
    intended_text = "\n".join([
        "vlan 10", " name VOICE", "interface GigabitEthernet1/0/6", " description phone",
        " switchport access vlan 10", " switchport mode access", " switchport voice vlan 10",
        "ip access-list extended SMDR", " permit tcp host 10.0.0.5 host 10.0.0.1 eq 1752", " deny ip any any",
    ])
    running = get_hconfig(Platform.CISCO_IOS, conn.send_command("show running-config"))
    intended = get_hconfig(Platform.CISCO_IOS, intended_text)
    # scope the comparison to what the intent covers, as the toolkit does
    for child in tuple(running.children):
        if intended.get_child(equals=child.text) is None:
            child.delete()
    remediation = WorkflowRemediation(running, intended).remediation_config
    commands = [line.cisco_style_text() for line in remediation.all_children_sorted()]
    assert commands
    conn.send_config_set(commands, error_pattern=ERRORS)
    after = get_hconfig(Platform.CISCO_IOS, conn.send_command("show running-config"))
    for child in tuple(after.children):
        if intended.get_child(equals=child.text) is None:
            child.delete()
    assert not tuple(WorkflowRemediation(after, intended).remediation_config.all_children())
    conn.disconnect()
