"""Aruba AOS-CX switch emulator driven by real netmiko sessions."""

from __future__ import annotations

import pytest
from netmiko.exceptions import ConfigInvalidException
from ntc_templates.parse import parse_output
from switch_fixtures import connect, restart_same_port, start, switch_spec, wait_dropped

ERRORS = r"Invalid input|Command incomplete|Ambiguous command"

PHONE_PORT = [
    "vlan 10",
    "name VOICE",
    "voice",
    "vlan 20",
    "name DATA",
    "interface 1/1/5",
    "description IP phone",
    "vlan access 20",
    "qos trust dscp",
    "aaa authentication port-access dot1x authenticator",
    "enable",
]


@pytest.fixture
def cx(tmp_path):
    specs = [switch_spec(tmp_path, "cx1", platform="aruba_aoscx")]
    handle = start(specs)
    yield handle, specs
    handle.stop()


def test_connect_prompts_and_push(cx):
    handle, _ = cx
    conn = connect(handle, "cx1")
    assert conn.find_prompt() == "cx1#"
    out = conn.send_config_set([*PHONE_PORT, "access-list ip SMDR", "10 permit tcp 10.0.0.5 10.0.0.1 eq 1752",
                                "interface 1/1/1-1/1/3", "shutdown"], error_pattern=ERRORS)
    for prompt in ("cx1(config)#", "cx1(config-vlan-10)#", "cx1(config-if)#", "cx1(config-if-dot1x-auth)#",
                   "cx1(config-acl-ip)#", "cx1(config-if-<1/1/1-1/1/3>)#"):
        assert prompt in out, prompt
    assert "Copying configuration: [Success]" in conn.save_config()
    conn.disconnect()

    fresh = connect(handle, "cx1")
    run = fresh.send_command("show running-config")
    assert run.startswith("Current configuration:")
    assert "vlan 10\n    name VOICE\n    voice\n" in run
    assert ("interface 1/1/5\n    description IP phone\n    no shutdown\n    vlan access 20\n    qos trust dscp\n"
            "    aaa authentication port-access dot1x authenticator\n        enable\n") in run
    assert "access-list ip SMDR\n    10 permit tcp 10.0.0.5 10.0.0.1 eq 1752\n" in run
    assert "interface 1/1/2\n    shutdown\n" in run
    startup = fresh.send_command("show startup-config")
    assert "vlan access 20" in startup
    fresh.disconnect()


def test_no_forms_and_additive_trunks(cx):
    handle, _ = cx
    conn = connect(handle, "cx1")
    conn.send_config_set(["vlan 10", "vlan 20", "vlan 30", "interface 1/1/24", "vlan trunk native 1",
                          "vlan trunk allowed 10", "vlan trunk allowed 20,30", "no vlan trunk allowed 20"],
                         error_pattern=ERRORS)
    run = conn.send_command("show running-config interface 1/1/24")
    assert "vlan trunk allowed 10,30" in run and "vlan access" not in run
    conn.send_config_set(["interface 1/1/24", "no vlan trunk allowed", "no vlan trunk native", "vlan access 30",
                          "no vlan 20"], error_pattern=ERRORS)
    run = conn.send_command("show running-config")
    assert "interface 1/1/24\n    no shutdown\n    vlan access 30\n" in run
    assert "vlan 20" not in run and "vlan 30" in run
    conn.disconnect()


def test_invalid_input_errors(cx):
    handle, _ = cx
    conn = connect(handle, "cx1")
    with pytest.raises(ConfigInvalidException):
        conn.send_config_set(["interface 1/1/2", "vlan acess 10"], error_pattern=ERRORS)
    conn.send_command_timing("end")
    out = conn.send_config_set(["interface 1/1/2", "switchport mode access", "vlan access", "vlan access 99",
                                "interface 1/1/99"])
    assert "Invalid input: switchport" in out
    assert "Command incomplete." in out
    assert "VLAN 99 does not exist." in out
    assert "Invalid input: 1/1/99" in out
    conn.disconnect()


def test_show_output_parses_with_ntc_templates(cx):
    handle, _ = cx
    conn = connect(handle, "cx1")
    conn.send_config_set([*PHONE_PORT, "interface 1/1/7", "shutdown"], error_pattern=ERRORS)
    conn.send_command_timing("end")

    def parsed(command: str) -> list[dict]:
        rows = parse_output(platform="aruba_aoscx", command=command, data=conn.send_command(command))
        assert rows, command
        return rows

    vlans = {r["vlan_id"]: r for r in parsed("show vlan")}
    assert vlans["1"]["vlan_name"] == "DEFAULT_VLAN_1" and vlans["1"]["type"] == "default"
    assert vlans["20"]["interfaces"] == ["1/1/5"] and vlans["10"]["vlan_name"] == "VOICE"
    assert "1/1/1-1/1/4" in vlans["1"]["interfaces"]
    interfaces = {r["interface"]: r for r in parsed("show interface")}
    assert len(interfaces) == 28
    assert interfaces["1/1/5"]["vlan_access"] == "20" and interfaces["1/1/5"]["qos_trust"] == "dscp"
    assert interfaces["1/1/5"]["interface_desc"] == "IP phone"
    assert interfaces["1/1/7"]["link_admin"] == "down"
    assert interfaces["1/1/26"]["link_status"] == "down"
    system = parsed("show system")[0]
    assert system["hostname"] == "cx1" and system["vendor"] == "Aruba" and system["version"] == "FL.10.11.1021"
    conn.disconnect()


def test_radius_key_shown_as_ciphertext(cx):
    handle, _ = cx
    conn = connect(handle, "cx1")
    secret = "Rad1us-Shared-K3y"
    conn.send_config_set([f"radius-server host 10.0.0.20 key plaintext {secret}", "aaa group server radius ISE",
                          "server 10.0.0.20", "aaa authentication port-access dot1x authenticator", "enable",
                          "radius server-group ISE"], error_pattern=ERRORS)
    run = conn.send_command("show running-config")
    assert secret not in run
    line = next(ln for ln in run.splitlines() if ln.startswith("radius-server host 10.0.0.20"))
    assert line.startswith("radius-server host 10.0.0.20 key ciphertext AQBapa")
    assert "aaa authentication port-access dot1x authenticator\n    enable\n    radius server-group ISE\n" in run
    conn.disconnect()
    assert secret not in (handle.devices["cx1"].state_dir / "audit.log").read_text()


def test_boot_system_restores_startup_and_restart_keeps_it(tmp_path):
    specs = [switch_spec(tmp_path, "cx1", platform="aruba_aoscx")]
    handle = start(specs)
    try:
        conn = connect(handle, "cx1")
        conn.send_config_set(["vlan 40", "name SAVED"], error_pattern=ERRORS)
        conn.save_config()
        conn.send_config_set(["vlan 41", "name UNSAVED"], error_pattern=ERRORS)
        conn.send_command_timing("end")
        out = conn.send_command_timing("boot system")
        assert "Do you want to save the current configuration (y/n)?" in out
        out = conn.send_command_timing("n")
        assert "Continue (y/n)?" in out
        conn.write_channel("y\r")
        wait_dropped(conn)
        fresh = connect(handle, "cx1")
        run = fresh.send_command("show running-config")
        assert "name SAVED" in run and "vlan 41" not in run
        fresh.disconnect()
        handle = restart_same_port(handle, specs)
        again = connect(handle, "cx1")
        assert "name SAVED" in again.send_command("show running-config")
        again.disconnect()
    finally:
        handle.stop()


def test_hier_config_remediation_round_trip(cx):
    from hier_config import Platform, WorkflowRemediation, get_hconfig

    handle, _ = cx
    conn = connect(handle, "cx1")
    conn.send_config_set(["vlan 10", "name OLD", "vlan 30", "interface 1/1/6", "vlan trunk allowed 30"],
                         error_pattern=ERRORS)
    intended_text = "\n".join([
        "vlan 10", "    name VOICE", "vlan 20", "    name DATA", "interface 1/1/6", "    description phone",
        "    no shutdown", "    vlan access 20", "    qos trust dscp", "    apply access-list ip SMDR in",
        "access-list ip SMDR", "    10 permit tcp 10.0.0.5 10.0.0.1 eq 1752", "    20 deny any any any",
    ])
    intended = get_hconfig(Platform.ARUBA_AOSCX, intended_text)

    def scoped(text: str):
        config = get_hconfig(Platform.ARUBA_AOSCX, text)
        for child in tuple(config.children):
            if intended.get_child(equals=child.text) is None:
                child.delete()
        return config

    remediation = WorkflowRemediation(scoped(conn.send_command("show running-config")), intended)
    commands = [line.cisco_style_text() for line in remediation.remediation_config.all_children_sorted()]
    assert commands
    conn.send_config_set(commands, error_pattern=ERRORS)
    after = scoped(conn.send_command("show running-config"))
    assert not tuple(WorkflowRemediation(after, intended).remediation_config.all_children())
    conn.disconnect()


def test_exec_channel_and_window_resize(cx):
    import time

    import paramiko
    from switch_fixtures import PASSWORD, USERNAME

    handle, _ = cx
    device = handle.devices["cx1"]
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(device.spec.address, handle.ports["cx1"], USERNAME, PASSWORD, look_for_keys=False,
                   allow_agent=False)
    _, stdout, _ = client.exec_command("show system")
    rows = parse_output(platform="aruba_aoscx", command="show system", data=stdout.read().decode())
    assert rows[0]["hostname"] == "cx1"
    chan = client.invoke_shell()
    chan.resize_pty(132, 50)
    chan.send(b"\xffshow vlan\rshow system\r")
    text = b""
    deadline = time.monotonic() + 10
    while b"Product Name" not in text:
        assert time.monotonic() < deadline, text
        text += chan.recv(65536) if chan.recv_ready() else b""
        time.sleep(0.01)
    assert "Invalid input: \ufffdshow" in text.decode()
    client.close()
