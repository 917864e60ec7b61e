"""Platform families: every family's rendered intent is accepted line by line by that
family's emulator and then plans nothing (idempotent); the guards refuse before any write
(uplink, addresses, interfaces the switch lacks, wrong device); --tags / --skip-tags select
single controls. The emulator is the independent path: its grammar per family (cited in
emulators/switch/families.py), its own model and its own `show version` text.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
_AnsibleCollectionFinder(paths=[str(ROOT / ".venv" / "collections")])._install()

from ansible_collections.voicesec.mivb.plugins.module_utils import switch_diff as sd  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_identity as sid  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_render  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_intent import (  # noqa: E402
    SwitchIntentError,
    complete_from_device,
    device_interfaces,
    normalize_intent,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import (  # noqa: E402
    FAMILIES,
    platform_for,
)

from emulators.switch.control import _evaluate  # noqa: E402
from emulators.switch.device import Device  # noqa: E402
from emulators.switch.dialects import new_device  # noqa: E402
from emulators.switch.engine import apply_commands  # noqa: E402
from emulators.switch.spec import SwitchSpec  # noqa: E402

NETWORK_OS = {"cisco_ios": "cisco.ios.ios", "aruba_aoscx": "arubanetworks.aoscx.aoscx",
              "hp_procurve": "arubanetworks.aos_switch.arubaoss"}
ROLES = {
    "cisco_ios": ["GigabitEthernet1/0/1-2", "Gi1/0/3-16", "Gi1/0/17-24", "Gi1/0/25-26"],
    "aruba_aoscx": ["1/1/1-1/1/2", "1/1/3-1/1/16", "1/1/17-1/1/24", "1/1/25-1/1/26"],
    "hp_procurve": ["1-2", "3-16", "17-24", "25-26"],
}


def intent(family: str, **over):
    platform = FAMILIES[family].platform
    ports = ROLES[platform]
    base = {
        "lan_switch_family": family,
        "lan_vlans": {"controllers": {"id": 10, "name": "MIVB-CONTROLLERS"}, "voice": {"id": 20, "name": "VOICE"},
                      "data": {"id": 30, "name": "DATA"}, "parking": {"id": 999, "name": "PARKING-UNUSED"}},
        "lan_port_roles": [{"interfaces": [ports[0]], "role": "controller"},
                           {"interfaces": [ports[1]], "role": "phone"},
                           {"interfaces": [ports[2]], "role": "unused"},
                           {"interfaces": [ports[3]], "role": "uplink"}],
        "lan_dot1x": {"enabled": True, "mab_for_phones": True, "reauthentication": True,
                      "radius_servers": [{"name": "radius1", "address": "10.10.0.21", "key": "Rad1us-K3y"}]},
        "lan_smdr_collectors": ["10.30.0.50"], "lan_pms_hosts": ["10.30.0.60"],
        "lan_controller_addresses": ["10.0.1.1"],
    }
    base.update(over)
    return base


def device(tmp_path: Path, family: str) -> Device:
    return new_device(SwitchSpec.from_dict({
        "name": "sw1", "platform": FAMILIES[family].platform, "family": family, "address": "127.0.0.1",
        "port": 0, "state_dir": str(tmp_path / family), "username": "u", "password": "p"}))


def running(dev: Device) -> str:
    with dev.lock:
        return dev.dialect.render_running(dev)


# ---- every family's template, fed to that family's emulator line by line ---------------------

@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_family_accepts_its_rendered_config_line_by_line_and_then_plans_nothing(tmp_path, family):
    dev = device(tmp_path, family)
    platform = platform_for(NETWORK_OS[dev.spec.platform])
    norm = complete_from_device(normalize_intent(intent(family), platform.name),
                                device_interfaces(running(dev), platform), platform)
    assert norm["parked"], "the emulator has 28 ports, the roles cover 26"
    intended = switch_render.render_config(norm)
    lines = [line for line in intended.splitlines() if line.strip()]
    assert apply_commands(dev, lines) == [], "rejected lines"
    plan = sd.plan(platform, running(dev), intended, sd.Scope.from_dict(norm["managed"]))
    assert plan.commands == [], f"not idempotent on {family}: {plan.commands[:5]}"
    # hier_config's remediation (what switch_config pushes, in its order) from factory state
    # is accepted by the same family too, and converges.
    pushed = device(tmp_path / "push", family)
    plan = sd.plan(platform, running(pushed), intended, sd.Scope.from_dict(norm["managed"]))
    assert apply_commands(pushed, plan.push_lines()) == [], "remediation rejected"
    assert sd.plan(platform, running(pushed), intended, sd.Scope.from_dict(norm["managed"])).commands == []
    # LOG-03/LOG-04 enforced inbound: the controller's replies from 1752/1753 reach only the
    # listed collectors (the emulator's own first-match evaluation of the bound ACL).
    port = norm["ports_by_role"]["controller"][0]
    for sport, peer, expect in ((1752, "10.30.0.50", "permit"), (1752, "10.99.0.7", "deny"),
                                (1753, "10.30.0.60", "permit"), (1753, "10.30.0.50", "deny"),
                                (443, "10.99.0.7", "permit")):
        verdict = _evaluate(dev, {"interface": port, "direction": "in", "src": "10.0.1.1", "src_port": sport,
                                  "dst": peer, "protocol": "tcp", "dst_port": 49152})
        assert verdict["action"] == expect, (sport, peer, verdict)
    assert _evaluate(dev, {"interface": port, "direction": "out", "src": "10.99.0.7", "dst": "10.0.1.1",
                           "protocol": "tcp", "dst_port": 1752})["matched"] == "no access list applied"
    text = running(dev)
    for parked in norm["parked"]:  # LAN-06: every port without a role is parked and shut
        if dev.spec.platform == "hp_procurve":  # membership lives under the VLAN; `disable` shuts
            assert dev.running.find("vlan 999").find(f"untagged {parked}") is not None, parked
            assert dev.running.find(f"interface {parked}").find("disable") is not None, parked
            continue
        section = text.split(f"interface {parked}", 1)[1].split("\ninterface ", 1)[0]
        assert "shutdown" in section and "999" in section


@pytest.mark.parametrize(("family", "present", "absent"), [
    ("catalyst_2960x", ["mls qos\n", "mls qos trust device cisco-phone", "mls qos trust cos",
                        "access-group MIVB-SMDR-PMS in", "authentication event server dead action authorize voice",
                        "lldp run"],
     ["switchport trunk encapsulation", "\n trust device cisco-phone"]),
    ("catalyst_3560_3750", ["switchport trunk encapsulation dot1q", "mls qos\n"], []),
    ("catalyst_9000", [" trust device cisco-phone", "authentication event server dead action authorize voice"],
     ["mls qos", "switchport trunk encapsulation"]),
    ("aoscx_6100_6300", ["critical-voice-role MIVB-CRITICAL-VOICE", "auth-mode multi-domain", "qos trust cos",
                         "apply access-list ip MIVB-SMDR-PMS in", "port-access role MIVB-CRITICAL-VOICE"],
     ["apply access-list ip MIVB-SMDR-PMS out"]),
])
def test_templates_branch_on_the_family_capabilities(family, present, absent):
    text = switch_render.render_config(normalize_intent(intent(family), FAMILIES[family].platform))
    for line in present:
        assert line in text, line
    for line in absent:
        assert line not in text, line


@pytest.mark.parametrize(("family", "commands"), [
    ("catalyst_2960x", ["interface GigabitEthernet1/0/1", "ip access-group MIVB-SMDR-PMS out"]),
    ("catalyst_2960x", ["interface GigabitEthernet1/0/25", "switchport trunk encapsulation dot1q"]),
    ("catalyst_3560_3750", ["interface GigabitEthernet1/0/1", "ip access-group MIVB-SMDR-PMS out"]),
    ("catalyst_3560_3750", ["interface GigabitEthernet1/0/25", "switchport mode trunk"]),
    ("catalyst_9000", ["mls qos"]),
    ("catalyst_9000", ["interface GigabitEthernet1/0/3", "mls qos trust cos"]),
    ("catalyst_2960x", ["interface GigabitEthernet1/0/3", "authentication port-control auto"]),  # dynamic auto
    ("aoscx_6100_6300", ["interface 1/1/1", "apply access-list ip MIVB-SMDR-PMS out"]),
])
def test_each_family_refuses_what_the_real_family_refuses(tmp_path, family, commands):
    errors = apply_commands(device(tmp_path, family), commands)
    assert [e["command"] for e in errors] == commands[-1:]


# ---- guards before any write ---------------------------------------------------------------

@pytest.mark.parametrize(("over", "message"), [
    ({"lan_port_roles": [{"interfaces": ["Gi1/0/1-2"], "role": "controller"}]},
     "lan_port_roles names no uplink"),
    ({"lan_port_roles": []}, "lan_port_roles is empty"),
    ({"lan_uplink_interfaces": ["Gi1/0/3"]},
     "GigabitEthernet1/0/3 is the uplink the switch is managed through, but lan_port_roles gives it role phone "
     "(802.1X would cut the switch off); allowed role: uplink"),
    ({"lan_uplink_interfaces": ["Gi1/0/1"]}, "gives it role controller (an access-port role would cut"),
    ({"lan_uplink_interfaces": ["Gi1/0/28"]}, "GigabitEthernet1/0/28 has no role in lan_port_roles"),
    ({"lan_smdr_collectors": ["0.0.0.0"]}, "lan_smdr_collectors: 0.0.0.0 is the unspecified address"),
    ({"lan_pms_hosts": ["255.255.255.255"]}, "lan_pms_hosts: 255.255.255.255 is the broadcast address"),
    ({"lan_smdr_collectors": ["224.0.0.5"]}, "224.0.0.5 is a multicast address"),
    ({"lan_dot1x": {"radius_servers": [{"name": "r", "address": "239.1.1.1", "key": "k"}]}},
     "lan_dot1x.radius_servers[0].address: 239.1.1.1 is a multicast address; allowed: one host's unicast address"),
    ({"lan_switch_family": "aoscx_6100_6300"}, "lan_switch_family='aoscx_6100_6300' is not a cisco_ios family"),
])
def test_unsafe_plans_are_refused_before_connecting(over, message):
    with pytest.raises(ValueError) as caught:  # SwitchIntentError / SwitchPlatformError
        normalize_intent(intent("catalyst_2960x", **over), "cisco.ios.ios")
    assert message in str(caught.value)


def test_role_on_an_interface_the_switch_lacks_is_refused_from_the_config_read(tmp_path):
    dev = device(tmp_path, "catalyst_2960x")
    roles = intent("catalyst_2960x")["lan_port_roles"] + [{"interfaces": ["Gi1/0/40-41"], "role": "phone"}]
    norm = normalize_intent(intent("catalyst_2960x", lan_port_roles=roles), "cisco.ios.ios")
    with pytest.raises(SwitchIntentError, match=r"does not have: GigabitEthernet1/0/40, GigabitEthernet1/0/41; "
                                                r"it has 28 physical ports, GigabitEthernet1/0/1 \.\. "):
        complete_from_device(norm, device_interfaces(running(dev)), platform_for("cisco.ios.ios"))


def _identity_text(dev: Device) -> str:
    from emulators.switch.grammar import Match

    rule = next(r for r in dev.dialect.modes["enable"] if r.action in ("show_version", "show_system")
                and " ".join(t.text for t in r.tokens) == platform_for(dev.spec.platform).identity_command)
    return dev.dialect.run_exec(dev, Match(rule, [t.text for t in rule.tokens]))


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_identity_matches_the_emulated_family_and_refuses_the_others(tmp_path, family):
    dev = device(tmp_path, family)
    platform = platform_for(dev.spec.platform)
    text = _identity_text(dev)
    found = sid.check(platform, FAMILIES[family], text, "sw1.lab.example", dev.serial
                      if platform.name == "cisco_ios" else None)
    assert found.hostname == "sw1" and found.model
    for other in FAMILIES.values():
        if other.platform == platform.name and other.name != family:
            with pytest.raises(sid.SwitchGuardError, match=f"lan_switch_family={other.name}.*which is family {family}"):
                sid.check(platform, other, text, "sw1")
    with pytest.raises(sid.SwitchGuardError, match="the inventory names 'sw2' but the device's hostname is 'sw1'"):
        sid.check(platform, FAMILIES[family], text, "sw2")
    if platform.name == "cisco_ios":
        with pytest.raises(sid.SwitchGuardError, match="lan_switch_serial=FOC0000 but"):
            sid.check(platform, FAMILIES[family], text, "sw1", "FOC0000")


# ---- tags: one control at a time -----------------------------------------------------------------

def test_skip_tags_lan_04_skips_only_lan_04_and_reports_it_not_evaluated():
    norm = normalize_intent(intent("catalyst_2960x", lan_skip_tags=["LAN-04"]), "cisco.ios.ios")
    assert norm["controls"] == ["LAN-01", "LAN-02", "LAN-03", "LAN-05", "LAN-06", "LOG-03", "LOG-04"]
    assert norm["not_evaluated"] == {"LAN-04": {"status": "not_evaluated",
                                                "detail": "not evaluated in this run: --skip-tags LAN-04"}}
    text = switch_render.render_config(norm)
    assert "authentication" not in text and "switchport voice vlan 20" in text and "eq 1752" in text


def test_tags_lan_04_runs_one_control_and_a_foreign_tag_runs_none():
    only = normalize_intent(intent("catalyst_2960x", lan_run_tags=["LAN-04"]), "cisco.ios.ios")
    assert only["controls"] == ["LAN-04"] and len(only["not_evaluated"]) == 7
    device_tag = normalize_intent(intent("catalyst_2960x", lan_run_tags=["switch"]), "cisco.ios.ios")
    assert len(device_tag["controls"]) == 8
    none = normalize_intent(intent("catalyst_2960x", lan_run_tags=["TLS-01"]), "cisco.ios.ios")
    assert none["controls"] == [] and "--tags TLS-01 does not select it" in none["not_evaluated"]["LAN-01"]["detail"]
