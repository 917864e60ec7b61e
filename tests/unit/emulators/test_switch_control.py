"""Test hooks of the switch emulator: ACL evaluation, faults, stats, drift."""

from __future__ import annotations

import pytest
from netmiko.exceptions import ConfigInvalidException, ReadTimeout
from switch_fixtures import connect, hook, start, switch_spec

IOS_ERRORS = r"% Invalid|% Incomplete"

SMDR_ACL = [
    "ip access-list extended SMDR-PMS",
    " permit tcp host 10.0.0.5 host 10.0.0.1 eq 1752",
    " permit tcp 10.0.8.0 0.0.0.255 host 10.0.0.1 range 1752 1753",
    " deny tcp any host 10.0.0.1 eq 1753",
    " permit udp any any eq 514",
    "interface GigabitEthernet1/0/1",
    " ip access-group SMDR-PMS in",
]


@pytest.fixture
def fleet(tmp_path):
    specs = [switch_spec(tmp_path, "sw1"), switch_spec(tmp_path, "cx1", platform="aruba_aoscx"),
             switch_spec(tmp_path, "quiet", test_hooks=False)]
    handle = start(specs)
    yield handle
    handle.stop()


def _eval(handle, name, **packet):
    status, body = hook(handle, "POST", f"/switches/{name}/evaluate", {"direction": "in", **packet})
    assert status == 200, body
    return body


def test_ios_acl_first_match_and_implicit_deny(fleet):
    conn = connect(fleet, "sw1")
    conn.enable()
    conn.send_config_set(SMDR_ACL, error_pattern=IOS_ERRORS)
    conn.disconnect()
    pkt = {"interface": "GigabitEthernet1/0/1", "dst": "10.0.0.1", "protocol": "tcp"}
    collector = _eval(fleet, "sw1", src="10.0.0.5", dst_port=1752, **pkt)
    assert collector == {"action": "permit", "acl": "SMDR-PMS",
                         "matched": "10 permit tcp host 10.0.0.5 host 10.0.0.1 eq 1752"}
    other = _eval(fleet, "sw1", src="10.0.0.6", dst_port=1752, **pkt)
    assert other == {"action": "deny", "acl": "SMDR-PMS", "matched": "implicit deny"}
    wildcard = _eval(fleet, "sw1", src="10.0.8.77", dst_port=1753, **pkt)
    assert wildcard["action"] == "permit" and wildcard["matched"].startswith("20 ")
    outside_wildcard = _eval(fleet, "sw1", src="10.0.9.77", dst_port=1753, **pkt)
    assert outside_wildcard["matched"] == "30 deny tcp any host 10.0.0.1 eq 1753"
    syslog = _eval(fleet, "sw1", interface="Gi1/0/1", src="10.1.1.1", dst="10.2.2.2", protocol="udp", dst_port=514)
    assert syslog["action"] == "permit"
    assert _eval(fleet, "sw1", interface="Gi1/0/1", src="10.1.1.1", dst="10.2.2.2", protocol="ip")["action"] == "deny"
    no_acl = _eval(fleet, "sw1", interface="Gi1/0/2", src="10.0.0.6", dst="10.0.0.1", protocol="tcp", dst_port=1752)
    assert no_acl == {"action": "permit", "acl": None, "matched": "no access list applied"}
    out_dir = _eval(fleet, "sw1", interface="Gi1/0/1", direction="out", src="10.0.0.6", dst="10.0.0.1",
                    protocol="tcp", dst_port=1752)
    assert out_dir["acl"] is None


def test_aoscx_acl_prefixes(fleet):
    conn = connect(fleet, "cx1")
    conn.send_config_set(["access-list ip SMDR", "10 permit tcp 10.0.0.5 10.0.0.1 eq 1752",
                          "20 permit tcp 10.0.8.0/24 10.0.0.1 range 1752 1753", "interface 1/1/1",
                          "apply access-list ip SMDR in"], error_pattern="Invalid input")
    run = conn.send_command("show running-config")
    assert "20 permit tcp 10.0.8.0/255.255.255.0 10.0.0.1 range 1752 1753" in run
    conn.disconnect()
    pkt = {"interface": "1/1/1", "dst": "10.0.0.1", "protocol": "tcp"}
    assert _eval(fleet, "cx1", src="10.0.0.5", dst_port=1752, **pkt)["matched"].startswith("10 permit")
    assert _eval(fleet, "cx1", src="10.0.8.200", dst_port=1753, **pkt)["action"] == "permit"
    assert _eval(fleet, "cx1", src="10.0.9.1", dst_port=1753, **pkt)["matched"] == "implicit deny"


def test_hooks_only_for_switches_that_enable_them(fleet):
    status, _ = hook(fleet, "GET", "/switches/quiet/stats")
    assert status == 404
    status, body = hook(fleet, "GET", "/switches")
    assert status == 200 and body["switches"] == ["cx1", "sw1"]
    status, _ = hook(fleet, "POST", "/switches/sw1/evaluate", {"interface": "Gi1/0/99", "src": "1.1.1.1",
                                                                "dst": "2.2.2.2"})
    assert status == 404


def test_drop_mid_config_keeps_earlier_lines(fleet):
    status, faults = hook(fleet, "POST", "/switches/sw1/faults", {"drop_after_config_lines": 2})
    assert status == 200 and faults["drop_after_config_lines"] == 2
    conn = connect(fleet, "sw1", read_timeout_override=2)
    conn.enable()
    with pytest.raises((OSError, EOFError, ReadTimeout)):
        conn.send_config_set(["vlan 60", "name FIRST", "vlan 61", "name NEVER"])
    assert conn.remote_conn.closed or not conn.remote_conn.get_transport().is_active()
    fresh = connect(fleet, "sw1")
    fresh.enable()
    run = fresh.send_command("show running-config")
    assert "vlan 60\n name FIRST" in run and "vlan 61" not in run
    # the fault fires once, so a restore session goes through
    fresh.send_config_set(["no vlan 60"], error_pattern=IOS_ERRORS)
    assert "vlan 60" not in fresh.send_command("show running-config")
    fresh.disconnect()


def test_reject_command_and_clear(fleet):
    hook(fleet, "POST", "/switches/sw1/faults", {"reject_command": r"^\s*switchport voice"})
    conn = connect(fleet, "sw1")
    conn.enable()
    with pytest.raises(ConfigInvalidException):
        conn.send_config_set(["interface Gi1/0/4", "switchport voice vlan 10"], error_pattern=IOS_ERRORS)
    conn.send_command_timing("end")
    status, cleared = hook(fleet, "DELETE", "/switches/sw1/faults")
    assert status == 200 and cleared["reject_command"] is None
    conn.send_config_set(["interface Gi1/0/4", "switchport voice vlan 10"], error_pattern=IOS_ERRORS)
    assert "switchport voice vlan 10" in conn.send_command("show running-config interface Gi1/0/4")
    conn.disconnect()


def test_slow_reply_outlasts_a_short_read_timeout(fleet):
    conn = connect(fleet, "sw1")
    conn.enable()
    hook(fleet, "POST", "/switches/sw1/faults", {"slow_reply_seconds": 1.5})
    with pytest.raises(ReadTimeout):
        conn.send_command("show version", expect_string=r"sw1#", read_timeout=0.3)
    hook(fleet, "DELETE", "/switches/sw1/faults")
    conn.remote_conn_pre.close()


def test_stats_and_drift(fleet):
    status, before = hook(fleet, "GET", "/switches/sw1/stats")
    assert status == 200 and before == {"sessions": 0, "commands": 0, "config_lines": 0}
    conn = connect(fleet, "sw1")
    conn.enable()
    conn.send_config_set(["vlan 70", "name STATS"], error_pattern=IOS_ERRORS)
    status, body = hook(fleet, "POST", "/switches/sw1/drift",
                        {"commands": ["interface Gi1/0/9", "description rogue change", "bogus command"]})
    assert status == 200 and body["applied"] == 2 and body["errors"][0]["command"] == "bogus command"
    assert " description rogue change" in conn.send_command("show running-config interface Gi1/0/9")
    conn.disconnect()
    _, after = hook(fleet, "GET", "/switches/sw1/stats")
    assert after["sessions"] == 1
    assert after["config_lines"] >= 2 and after["commands"] > after["config_lines"]
