"""Emulated switch families over real netmiko sessions: each family refuses what the real
family refuses, with the platform's error text (caret under the offending word), and the
toolkit's netmiko error patterns (switch_platforms) recognise every one of those texts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
from netmiko.exceptions import ConfigInvalidException
from switch_fixtures import connect, start, switch_spec

ROOT = Path(__file__).resolve().parents[3]
# Ansible's own collection loader, as tests/unit/plugins/conftest.py installs it: a plain
# sys.path entry would import ansible_collections as a namespace package and break every
# later test module that loads the collection through the finder.
_AnsibleCollectionFinder(paths=[str(ROOT / ".venv" / "collections")])._install()

from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import PLATFORMS  # noqa: E402

FAMILY_SWITCHES = {"c2960x": "catalyst_2960x", "c3750x": "catalyst_3560_3750", "c9300": "catalyst_9000",
                   "cx6300": "aoscx_6100_6300"}


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("families")
    specs = [switch_spec(tmp, name, "aruba_aoscx" if family.startswith("aoscx") else "cisco_ios", family=family)
             for name, family in FAMILY_SWITCHES.items()]
    handle = start(specs, control=False)
    yield handle
    handle.stop()


def _caret_under(out: str, command: str, word: str) -> None:
    lines = out.splitlines()
    bad = next(i for i, line in enumerate(lines) if line.endswith(command))
    assert lines[bad + 1].strip() == "^", out
    assert lines[bad + 1].index("^") == lines[bad].rindex(word), out
    assert lines[bad + 2] == "% Invalid input detected at '^' marker."


@pytest.mark.parametrize(("name", "config", "word"), [
    ("c2960x", ["interface GigabitEthernet1/0/1", "ip access-group MIVB-SMDR-PMS out"], "out"),
    ("c3750x", ["interface GigabitEthernet1/0/1", "ip access-group MIVB-SMDR-PMS out"], "out"),
    ("c2960x", ["interface GigabitEthernet1/0/25", "switchport trunk encapsulation dot1q"], "encapsulation"),
    ("c9300", ["mls qos"], "mls"),
    ("c9300", ["interface GigabitEthernet1/0/3", "mls qos trust device cisco-phone"], "mls"),
])
def test_ios_families_refuse_with_the_caret_at_the_offending_word(fleet, name, config, word):
    conn = connect(fleet, name)
    try:
        conn.enable()
        with pytest.raises(ConfigInvalidException):
            conn.send_config_set(config, error_pattern=PLATFORMS["cisco_ios"].error_pattern)
        conn.send_command_timing("end")
        _caret_under(conn.send_config_set(config), config[-1], word)
        conn.send_command_timing("end")
    finally:
        conn.disconnect()


def test_ios_semantic_refusals_and_incomplete_match_the_error_pattern(fleet):
    conn = connect(fleet, "c3750x")
    try:
        conn.enable()
        for config, text in (
            (["interface GigabitEthernet1/0/25", "switchport mode trunk"],
             'Command rejected: An interface whose trunk encapsulation is "Auto" can not be configured to '
             '"trunk" mode.'),
            (["interface GigabitEthernet1/0/3", "authentication port-control auto"],
             "% Error: 802.1X can not be enabled on a trunk or dynamic port (dynamic auto)"),
            (["interface GigabitEthernet1/0/3", "switchport access"], "% Incomplete command."),
        ):
            out = conn.send_config_set(config)
            assert text in out
            assert re.search(PLATFORMS["cisco_ios"].error_pattern, out, flags=re.MULTILINE), out
            conn.send_command_timing("end")
        # accepted in the family's order: encapsulation first, then trunk; access port, then 802.1X
        out = conn.send_config_set(["interface GigabitEthernet1/0/25", "switchport trunk encapsulation dot1q",
                                    "switchport mode trunk", "interface GigabitEthernet1/0/3",
                                    "switchport mode access", "authentication port-control auto"],
                                   error_pattern=PLATFORMS["cisco_ios"].error_pattern)
        conn.send_command_timing("end")
        shown = conn.send_command("show running-config interface GigabitEthernet1/0/25")
        assert "switchport trunk encapsulation dot1q" in shown and "switchport mode trunk" in shown
    finally:
        conn.disconnect()


def test_ios_factory_ports_are_dynamic_auto_in_vlan_1_and_show_version_names_the_family(fleet):
    for name, family in FAMILY_SWITCHES.items():
        if family.startswith("aoscx"):
            continue
        conn = connect(fleet, name)
        try:
            conn.enable()
            port = conn.send_command("show running-config interface GigabitEthernet1/0/20")
            assert "switchport mode" not in port and "switchport access vlan" not in port  # defaults, not shown
            version = conn.send_command("show version")
        finally:
            conn.disconnect()
        model = {"catalyst_2960x": "WS-C2960X", "catalyst_3560_3750": "WS-C3750X", "catalyst_9000": "C9300"}[family]
        assert re.search(rf"^Model number\s+: {model}", version, flags=re.MULTILINE)


def test_aoscx_refuses_an_egress_port_acl_and_accepts_the_phone_safe_port(fleet):
    conn = connect(fleet, "cx6300")
    try:
        out = conn.send_config_set(["interface 1/1/1", "apply access-list ip MIVB-SMDR-PMS out"])
        assert "Invalid input: out" in out
        assert re.search(PLATFORMS["aruba_aoscx"].error_pattern, out, flags=re.MULTILINE)
        conn.send_config_set(["port-access role MIVB-CRITICAL-VOICE", "vlan trunk allowed 20", "interface 1/1/3",
                              "aaa authentication port-access auth-mode multi-domain",
                              "aaa authentication port-access critical-voice-role MIVB-CRITICAL-VOICE"],
                             error_pattern=PLATFORMS["aruba_aoscx"].error_pattern)
        shown = conn.send_command("show running-config")
        assert "port-access role MIVB-CRITICAL-VOICE\n    vlan trunk allowed 20" in shown
        assert "critical-voice-role MIVB-CRITICAL-VOICE" in shown
        assert "JL666A 6300F" in conn.send_command("show system")
    finally:
        conn.disconnect()
