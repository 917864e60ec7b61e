"""Switch emulator internals without SSH: grammar, config model, ACL maths, secrets, spec."""

from __future__ import annotations

import pytest

from emulators.switch.acl import evaluate, parse_ace
from emulators.switch.dialects import shared_dialect
from emulators.switch.engine import Frame, apply_line
from emulators.switch.grammar import Match, NoMatch, match
from emulators.switch.secrets import cx_decrypt, cx_encrypt, type7_decode, type7_encode
from emulators.switch.spec import LabSpec, SwitchSpec


def _apply(platform: str, lines: list[str]):
    dialect = shared_dialect(platform)
    root = dialect.factory("sw1", 24)
    frames = [Frame("config", [root], "config")]
    results = [apply_line(dialect, root, frames, line) for line in lines]
    return root, frames, results


def test_abbreviation_ambiguity_and_caret_index():
    ios = shared_dialect("cisco_ios")
    found = match(ios.modes["enable"], ["sh", "ip", "access"])
    assert isinstance(found, Match) and found.text == "show ip access-lists"
    assert match(ios.modes["enable"], ["sh", "v"]) == NoMatch("ambiguous", 1)
    assert match(ios.modes["enable"], ["show", "runing-config"]) == NoMatch("invalid", 1)
    assert match(ios.modes["if"], ["switchport", "access"]) == NoMatch("incomplete", 2)


def test_sub_mode_falls_back_to_global_and_keys_replace():
    root, frames, results = _apply("cisco_ios", [
        "interface Gi1/0/3", "switchport access vlan 10", "switchport access vlan 20", "hostname core1",
        "description not-an-interface-anymore",
    ])
    assert results[1].message.startswith("% Access VLAN does not exist. Creating vlan 10")
    iface = root.find("interface GigabitEthernet1/0/3")
    assert iface is not None and [c.text for c in iface.children] == ["switchport access vlan 20"]
    assert root.find("hostname core1") is not None and len(frames) == 1
    assert results[4].error == NoMatch("invalid", 0)  # description is not a global command


def test_refused_line_keeps_the_sub_mode():
    _, frames, results = _apply("cisco_ios", ["interface Gi1/0/3", "interface Gi1/0/99"])
    assert results[1].error == NoMatch("invalid", 1)
    assert frames[-1].label == "config-if"


def test_ios_trunk_allowed_add_remove():
    root, _, _ = _apply("cisco_ios", ["interface Gi1/0/25", "switchport mode trunk",
                                      "switchport trunk allowed vlan 10,20", "switchport trunk allowed vlan add 30-32",
                                      "switchport trunk allowed vlan remove 31"])
    iface = root.find("interface GigabitEthernet1/0/25")
    assert iface is not None and iface.find("switchport trunk allowed vlan 10,20,30,32") is not None


def test_acl_canonical_forms():
    assert parse_ace("permit tcp 10.1.1.7 0.0.0.255 host 10.0.0.1 eq 80".split(), "cisco_ios").text == \
        "permit tcp 10.1.1.0 0.0.0.255 host 10.0.0.1 eq www"
    assert parse_ace("deny ip 10.0.0.9 0.0.0.0 0.0.0.0 255.255.255.255".split(), "cisco_ios").text == \
        "deny ip host 10.0.0.9 any"
    assert parse_ace("10 permit udp 10.2.0.0/16 any eq 514".split(), "aruba_aoscx").text == \
        "permit udp 10.2.0.0/255.255.0.0 any eq 514"
    with pytest.raises(Exception) as err:
        parse_ace("permit tcp host 10.0.0.300 any".split(), "cisco_ios")
    assert getattr(err.value, "index", None) == 3


def test_evaluate_ranges_and_discontiguous_wildcards():
    entries = ["10 permit tcp 10.0.0.0 0.0.255.0 any range 1752 1753", "20 deny ip any any"]
    hit = evaluate("A", entries, "cisco_ios", "tcp", "10.0.77.0", "1.2.3.4", 1753)
    assert hit.action == "permit" and hit.matched.startswith("10 ")
    miss = evaluate("A", entries, "cisco_ios", "tcp", "10.0.77.1", "1.2.3.4", 1753)
    assert miss.matched == "20 deny ip any any"
    assert evaluate("A", entries[:1], "cisco_ios", "udp", "10.0.0.0", "1.2.3.4", 1752).matched == "implicit deny"


def test_secrets_round_trip():
    """How the platforms store secrets (the audit trail's masking: test_switch_ios/aoscx, test_secrets)."""
    assert type7_decode(type7_encode("s3cr3t")) == "s3cr3t"
    assert cx_decrypt(cx_encrypt("s3cr3t")) == "s3cr3t"


def test_spec_validation_and_repr_hides_secrets():
    with pytest.raises(ValueError, match="unknown platform"):
        SwitchSpec.from_dict({"name": "x", "platform": "junos", "address": "127.0.0.1", "port": 1,
                              "state_dir": "/tmp/x", "username": "u", "password": "p"})
    lab = LabSpec.from_dict({"switches": [{"name": "x", "platform": "cisco_ios", "address": "127.0.0.1", "port": 1,
                                           "state_dir": "/tmp/x", "username": "u", "password": "hunter2",
                                           "enable_secret": "en"}]})
    assert "hunter2" not in repr(lab) and lab.control is None


def test_aoscx_access_and_trunk_exclude_each_other():
    root, _, results = _apply("aruba_aoscx", ["vlan 30", "interface 1/1/3", "vlan trunk native 30",
                                              "no vlan access", "vlan trunk allowed 40"])
    iface = root.find("interface 1/1/3")
    assert iface is not None and [c.text for c in iface.children] == ["vlan trunk native 30"]
    assert results[4].refused and results[4].message == "VLAN 40 does not exist.\r\n"
    _apply_more = _apply("aruba_aoscx", ["interface 1/1/4", "no vlan access"])[0]
    iface4 = _apply_more.find("interface 1/1/4")
    assert iface4 is not None and [c.text for c in iface4.children] == ["vlan access 1"]


def test_ios_default_interface_and_no_hostname():
    root, frames, results = _apply("cisco_ios", ["interface Gi1/0/8", "description x", "shutdown",
                                                 "default interface GigabitEthernet1/0/8", "no hostname"])
    assert results[3].message == "Interface GigabitEthernet1/0/8 set to default configuration\r\n"
    iface = root.find("interface GigabitEthernet1/0/8")
    assert iface is not None and iface.children == [] and len(frames) == 1
    assert shared_dialect("cisco_ios").hostname(root) == "Switch"
