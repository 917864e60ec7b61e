"""Offline tests of the switch half: intent validation, templates (golden files), scoped
hier_config remediation (circular: remediation gives intended, rollback gives running back),
secret masking, per-control classification and the platform dispatcher."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

ROOT = Path(__file__).resolve().parents[3]
_AnsibleCollectionFinder(paths=[str(ROOT / ".venv" / "collections")])._install()

from ansible_collections.voicesec.mivb.plugins.module_utils import switch_diff as sd  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_facts as sf  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_render  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils.secrets import mask_config_line  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_intent import (  # noqa: E402
    SwitchIntentError,
    expand_interfaces,
    normalize_intent,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import (  # noqa: E402
    FAMILIES,
    SwitchPlatformError,
    platform_for,
)

FIXTURES = Path(__file__).parent / "switch_fixtures"
RADIUS_KEY = "Rad1usKeyNeverShown"
NETWORK_OS = {"cisco_ios": "cisco.ios.ios", "aruba_aoscx": "arubanetworks.aoscx.aoscx",
              "hp_procurve": "arubanetworks.aos_switch.arubaoss"}
PORTS = {
    "cisco_ios": ["Gi1/0/1-2", "GigabitEthernet1/0/3-4", "Gi1/0/5", "GigabitEthernet1/0/6"],
    "aruba_aoscx": ["1/1/1-1/1/2", "1/1/3-4", "1/1/5", "1/1/6"],
    "hp_procurve": ["1-2", "3-4", "5", "6"],
}


def intent(platform: str, **over):
    base = {
        "lan_vlans": {"controllers": {"id": 10, "name": "MIVB-CONTROLLERS"}, "voice": {"id": 20, "name": "VOICE"},
                      "data": {"id": 30, "name": "DATA"}, "parking": {"id": 999, "name": "PARKING-UNUSED"}},
        "lan_port_roles": [{"interfaces": [PORTS[platform][0]], "role": "controller"},
                           {"interfaces": [PORTS[platform][1]], "role": "phone"},
                           {"interfaces": [PORTS[platform][2]], "role": "uplink"},
                           {"interfaces": [PORTS[platform][3]], "role": "unused"}],
        "lan_dot1x": {"enabled": True, "mab_for_phones": True, "reauthentication": True,
                      "radius_servers": [{"name": "radius1", "address": "10.10.0.21", "key": RADIUS_KEY}]},
        "lan_smdr_collectors": ["10.30.0.50"],
        "lan_pms_hosts": ["10.30.0.60"],
        "lan_controller_addresses": ["10.0.1.1"],
        "lan_qos_trust_voice": True,
    }
    base.update(over)
    return base


def render(norm: dict) -> str:
    # The production renderer (switch_config's intent path); test_switch_playbook proves it
    # plans the same as Ansible's template lookup.
    return switch_render.render_config(norm)


def full_text(config) -> str:
    return "\n".join(sd.render(config))


def apply(running, remediation):
    """Remediation applied the way the device does it.

    hier_config's future() treats `shutdown` as the negation of AOS-CX's `no shutdown`
    and drops both, where the switch ends up shut down; every positive line pushed is
    present afterwards (and AOS-CX shows `no shutdown` as a line), so put back what
    future() lost.
    """
    after = running.future(remediation)
    aoscx = "AOSCX" in type(running.driver).__name__
    for leaf in remediation.all_children():
        if leaf.children or (leaf.text.startswith("no ") and not (aoscx and leaf.text == "no shutdown")):
            continue
        node = after
        for part in [c.text for c in leaf.lineage()]:
            node = node.get_child(equals=part) or node.add_child(part)
    return after


# ---- validation -----------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "message"), [
    ({"lan_vlans": {"controllers": {"id": 0, "name": "A"}, "voice": {"id": 20, "name": "V"},
                    "data": {"id": 30, "name": "D"}, "parking": {"id": 999, "name": "P"}}},
     "VLAN id 0 is out of range (allowed 1-4094)"),
    ({"lan_vlans": {"controllers": {"id": 10, "name": "A"}, "voice": {"id": 4095, "name": "V"},
                    "data": {"id": 30, "name": "D"}, "parking": {"id": 999, "name": "P"}}},
     "VLAN id 4095 is out of range (allowed 1-4094)"),
    ({"lan_vlans": {"controllers": {"id": 10, "name": "A"}, "voice": {"id": 10, "name": "V"},
                    "data": {"id": 30, "name": "D"}, "parking": {"id": 999, "name": "P"}}},
     "lan_vlans.voice: VLAN id 10 is already used by lan_vlans.controllers"),
    ({"lan_port_roles": [{"interfaces": ["Gi1/0/1-4"], "role": "phone"},
                         {"interfaces": ["GigabitEthernet1/0/3"], "role": "unused"}]},
     "port GigabitEthernet1/0/3 is listed twice: as phone and as unused"),
    ({"lan_smdr_collectors": ["10.30.0.50", "smdr.example.com"]},
     "lan_smdr_collectors: 'smdr.example.com' is not an IP address"),
    ({"lan_pms_hosts": ["10.1.1.300"]}, "lan_pms_hosts: '10.1.1.300' is not an IP address"),
    ({"lan_port_roles": [{"interfaces": ["Gi1/0/1"], "role": "printer"}]},
     "role 'printer' is not one of controller, phone, uplink, unused"),
    ({"lan_dot1x": {"enabled": True, "radius_servers": []}},
     "lan_dot1x.enabled is true but lan_dot1x.radius_servers is empty"),
])
def test_invalid_intent_is_refused_with_a_clear_message(change, message):
    with pytest.raises(SwitchIntentError) as err:
        normalize_intent(intent("cisco_ios", **change), "cisco.ios.ios")
    assert message in str(err.value)
    assert RADIUS_KEY not in str(err.value)


def test_every_problem_is_listed_at_once():
    bad = intent("cisco_ios", lan_smdr_collectors=["x"], lan_pms_hosts=["y"])
    with pytest.raises(SwitchIntentError) as err:
        normalize_intent(bad, "cisco.ios.ios")
    assert "'x' is not an IP address" in str(err.value)
    assert "'y' is not an IP address" in str(err.value)


def test_bad_radius_key_is_reported_without_echoing_it():
    bad = intent("cisco_ios", lan_dot1x={"radius_servers": [{"name": "r", "address": "10.0.0.1",
                                                             "key": "has space"}]})
    with pytest.raises(SwitchIntentError) as err:
        normalize_intent(bad, "cisco.ios.ios")
    assert "key is empty or contains whitespace" in str(err.value)
    assert "has space" not in str(err.value)


def test_platform_dispatcher_maps_network_os_and_refuses_others():
    assert platform_for("cisco.ios.ios").netmiko_device_type == "cisco_ios"
    assert platform_for("arubanetworks.aoscx.aoscx").netmiko_device_type == "aruba_aoscx"
    with pytest.raises(SwitchPlatformError) as err:
        platform_for("junipernetworks.junos.junos")
    assert "unsupported switch platform ansible_network_os=junipernetworks.junos.junos" in str(err.value)
    assert "arubanetworks.aoscx.aoscx, cisco.ios.ios" in str(err.value)
    with pytest.raises(SwitchPlatformError, match=r"\(unset\)"):
        normalize_intent(intent("cisco_ios"), None)


def test_interface_ranges_expand_to_canonical_names():
    ios, cx = platform_for("cisco.ios.ios"), platform_for("arubanetworks.aoscx.aoscx")
    assert expand_interfaces("Gi1/0/1-3", ios) == [f"GigabitEthernet1/0/{n}" for n in (1, 2, 3)]
    assert expand_interfaces("te1/1/2", ios) == ["TenGigabitEthernet1/1/2"]
    assert expand_interfaces("1/1/7-1/1/9", cx) == ["1/1/7", "1/1/8", "1/1/9"]
    with pytest.raises(SwitchIntentError, match="ends before it starts"):
        expand_interfaces("Gi1/0/8-1", ios)
    with pytest.raises(SwitchIntentError, match="is not a aruba_aoscx interface name"):
        expand_interfaces("Gi1/0/1", cx)


def test_toggle_lan_04_off_removes_dot1x_from_intent_and_ownership():
    norm = normalize_intent(intent("cisco_ios", lan_harden_lan_04=False), "cisco.ios.ios")
    text = render(norm)
    assert "dot1x" not in text and "radius" not in text and "authentication" not in text
    assert "LAN-04" not in norm["managed"]["controls"]
    # The switch's own 802.1X lines on managed ports are left alone, not removed.
    own_dot1x = "interface GigabitEthernet1/0/3\n authentication port-control auto\n mab\n!"
    running = (FIXTURES / "cisco_ios_running_factory.cfg").read_text().replace(
        "interface GigabitEthernet1/0/3\n!", own_dot1x)
    plan = sd.plan(platform_for("cisco.ios.ios"), running, text, sd.Scope.from_dict(norm["managed"]))
    assert not [c for c in plan.commands if "authentication" in c or c.strip() == "no mab"]
    assert "aaa new-model" not in norm["managed"]["lines"]


def test_tag_run_limits_rendering_and_ownership_to_the_tagged_controls():
    norm = normalize_intent(intent("cisco_ios", lan_run_tags=["LAN-06"]), "cisco.ios.ios")
    assert norm["managed"]["controls"] == ["LAN-06"]
    assert set(norm["managed"]["sections"]) == {"vlan 999", "interface GigabitEthernet1/0/6"}
    skipped = normalize_intent(intent("cisco_ios", lan_skip_tags=["LAN-04", "LOG-03"]), "cisco.ios.ios")
    assert "LAN-04" not in skipped["managed"]["controls"] and "LOG-03" not in skipped["managed"]["controls"]
    assert "dot1x" not in render(skipped) and "eq 1752" not in render(skipped) and "eq 1753" in render(skipped)


# ---- templates: golden files ----------------------------------------------------------------

@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("variant", ["full", "no_dot1x"])
def test_rendered_config_matches_golden_file(family, variant):
    platform = FAMILIES[family].platform
    over = {} if variant == "full" else {"lan_harden_lan_04": False}
    norm = normalize_intent(intent(platform, lan_switch_family=family, **over), NETWORK_OS[platform])
    text = render(norm).replace(RADIUS_KEY, "RADIUS-KEY-PLACEHOLDER")
    golden = FIXTURES / f"{family}_{variant}.golden"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text(), f"template output changed: review, then UPDATE_GOLDEN=1 ({golden.name})"


# ---- circular: remediation gives intended, rollback gives running back ------------------------

@pytest.mark.parametrize("platform", ["cisco_ios", "aruba_aoscx"])
@pytest.mark.parametrize("fixture", ["factory", "drifted"])
def test_circular_remediation_and_rollback(platform, fixture):
    p = platform_for(NETWORK_OS[platform])
    norm = normalize_intent(intent(platform), NETWORK_OS[platform])
    scope = sd.Scope.from_dict(norm["managed"])
    intended = render(norm)
    running_text = (FIXTURES / f"{platform}_running_{fixture}.cfg").read_text()
    running = sd.parse(p, running_text)

    plan = sd.plan(p, running_text, intended, scope)
    assert plan.commands
    after = apply(running, plan.remediation)
    after_text = full_text(after)

    # Remediation applied to running gives intended (within the managed sections) ...
    assert sd.plan(p, after_text, intended, scope).commands == []
    # ... and nothing it does not own was touched.
    tops = {c.text for c in plan.intended.children}
    for child in running.children:
        if not sd._owns(scope, child.text, tops):
            twin = after.get_child(equals=child.text)
            assert twin is not None, f"unowned {child.text!r} removed"
            assert sd.render(twin) == sd.render(child) if hasattr(twin, "all_children_sorted") else True
    for unowned in ("vlan 77", "interface GigabitEthernet1/0/7", "interface 1/1/7", "ip access-list extended MGMT",
                    "access-list ip MGMT", "radius server legacy", "radius-server host 10.10.0.99"):
        if unowned.split()[-1] in running_text:
            assert all(not c.strip().endswith(unowned) for c in plan.commands), unowned

    # Rollback applied to the result gives the running config back.
    rollback = sd.rollback_plan(p, after_text, plan.before, plan.intended, scope)
    restored = apply(after, rollback.remediation)
    assert sorted(sd.render(sd.scoped(restored, scope, tops))) == sorted(sd.render(plan.before))


def _ios_running_with_key(key: str) -> str:
    # The emulator's own type 7 encoder (emulators/switch/secrets.py), not the toolkit's decoder.
    sys.path.insert(0, str(ROOT))
    from emulators.switch.secrets import type7_encode

    text = (FIXTURES / "cisco_ios_running_drifted.cfg").read_text()
    return text.replace(" key 7 0822455D0A16544541", f" key 7 {type7_encode(key, seed=8)}")


def test_ios_type7_key_equal_to_intent_is_not_pushed_even_when_rotating():
    p = platform_for("cisco.ios.ios")
    norm = normalize_intent(intent("cisco_ios"), "cisco.ios.ios")
    scope = sd.Scope.from_dict(norm["managed"])
    for update_secrets in (False, True):
        plan = sd.plan(p, _ios_running_with_key(RADIUS_KEY), render(norm), scope, update_secrets=update_secrets)
        assert not [c for c in plan.commands if "key" in c], "the same key re-pushed"
        assert plan.unverified == []
        assert sd.control_results(plan, scope, True, False)["LAN-04"]["status"] != "manual"


def test_ios_type7_key_that_differs_is_drift_and_masked():
    p = platform_for("cisco.ios.ios")
    norm = normalize_intent(intent("cisco_ios"), "cisco.ios.ios")
    scope = sd.Scope.from_dict(norm["managed"])
    plan = sd.plan(p, _ios_running_with_key("Changed-Out-Of-Band-1"), render(norm), scope)
    assert [c for c in plan.commands if RADIUS_KEY in c], "a key changed on the switch is drift"
    results = sd.control_results(plan, scope, True, False)
    assert results["LAN-04"]["status"] == "drift"
    assert RADIUS_KEY not in str(results) and "Changed-Out-Of-Band-1" not in str(results)


def test_aoscx_ciphertext_key_is_not_pushed_and_reported_manual_not_compliant():
    p = platform_for("arubanetworks.aoscx.aoscx")
    norm = normalize_intent(intent("aruba_aoscx"), "arubanetworks.aoscx.aoscx")
    scope = sd.Scope.from_dict(norm["managed"])
    running = (FIXTURES / "aruba_aoscx_running_drifted.cfg").read_text()
    plan = sd.plan(p, running, render(norm), scope)
    assert not [c for c in plan.commands if "key" in c], "existing key re-pushed"
    assert plan.unverified == [["radius-server host 10.10.0.21 key ********"]]
    rotate = sd.plan(p, running, render(norm), scope, update_secrets=True)
    assert [c for c in rotate.commands if RADIUS_KEY in c]
    assert rotate.unverified == []
    # Converged except the key: LAN-04 is `manual` (a person must check), never compliant.
    converged = sd.plan(p, render(norm).replace(f"key plaintext {RADIUS_KEY}", "key ciphertext AQBapZZZZ"),
                        render(norm), scope)
    assert converged.commands == []
    results = sd.control_results(converged, scope, True, False)
    assert results["LAN-04"]["status"] == "manual" and "could not be verified" in results["LAN-04"]["detail"]
    assert {r["status"] for c, r in results.items() if c != "LAN-04"} == {"compliant"}


def test_acl_applied_in_on_controller_ports_and_wrong_direction_removed():
    # A Catalyst 9300 accepts `out` on a switchport (left by an earlier design): it is removed
    # and the inbound binding, which every family enforces, is added.
    p = platform_for("cisco.ios.ios")
    norm = normalize_intent(intent("cisco_ios", lan_switch_family="catalyst_9000"), "cisco.ios.ios")
    plan = sd.plan(p, (FIXTURES / "cisco_ios_running_drifted.cfg").read_text(), render(norm),
                   sd.Scope.from_dict(norm["managed"]))
    text = "\n".join(c.strip() for c in plan.commands)
    assert "no ip access-group MIVB-SMDR-PMS out" in text
    assert "ip access-group MIVB-SMDR-PMS in" in text
    assert "no description MiVB controller 1" not in text  # descriptions are the operator's


# ---- masking and per-control results ---------------------------------------------------------

@pytest.mark.parametrize("platform", ["cisco_ios", "aruba_aoscx"])
def test_controls_key_classifies_every_line_and_hides_secrets(platform):
    p = platform_for(NETWORK_OS[platform])
    norm = normalize_intent(intent(platform), NETWORK_OS[platform])
    scope = sd.Scope.from_dict(norm["managed"])
    plan = sd.plan(p, (FIXTURES / f"{platform}_running_factory.cfg").read_text(), render(norm), scope)
    controls = sd.control_results(plan, scope, check_mode=True, pushed=False)
    assert set(controls) == {"LAN-01", "LAN-02", "LAN-03", "LAN-04", "LAN-05", "LAN-06", "LOG-03", "LOG-04"}
    assert all(v["status"] == "drift" for v in controls.values())
    masked_commands = [mask_config_line(c) for c in plan.commands]
    blob = repr(controls) + sd.unified_diff(plan.before, plan.predicted_after()) + repr(masked_commands)
    assert RADIUS_KEY not in blob
    assert any("1752" in c for c in controls["LOG-03"]["commands"])
    assert not any("1753" in c for c in controls["LOG-03"]["commands"])
    assert any("1753" in c for c in controls["LOG-04"]["commands"])
    lan04 = "\n".join(controls["LAN-04"]["commands"])
    assert ("authentication port-control auto" in lan04) or ("port-access dot1x" in lan04)
    # Each leaf command is classified under some control.
    leaves = {c.text for c in plan.remediation.all_children() if not c.children}
    classified = {line.strip() for v in controls.values() for line in v["commands"]}
    assert {mask_config_line(x) for x in leaves} <= classified


def test_compliant_switch_reports_compliant_per_control():
    p = platform_for("cisco.ios.ios")
    norm = normalize_intent(intent("cisco_ios"), "cisco.ios.ios")
    scope = sd.Scope.from_dict(norm["managed"])
    running = sd.parse(p, (FIXTURES / "cisco_ios_running_factory.cfg").read_text())
    first = sd.plan(p, full_text(running), render(norm), scope)
    converged = full_text(apply(running, first.remediation))
    again = sd.plan(p, converged, render(norm), scope)
    assert again.commands == []
    result = sd.control_results(again, scope, check_mode=True, pushed=False)
    assert {v["status"] for v in result.values()} == {"compliant"}


# ---- facts ------------------------------------------------------------------------------------

def test_facts_from_real_ios_running_config_fixture():
    raw = Path("/work/shared/fixtures/real-device-output/cisco_ios/cisco_ios_show_running-config_interface.raw")
    text = raw.read_text() if raw.exists() else (FIXTURES / "cisco_ios_running_drifted.cfg").read_text()
    facts = sf.gather(platform_for("cisco.ios.ios"), text)
    assert facts["ports"]
    if raw.exists():
        port = facts["ports"]["GigabitEthernet2/0/4.223436"]
        assert port["acl_in"] == "iACL" and port["acl_out"] == "oACL"


@pytest.mark.parametrize("platform", ["cisco_ios", "aruba_aoscx"])
def test_facts_describe_the_hardened_state(platform):
    p = platform_for(NETWORK_OS[platform])
    norm = normalize_intent(intent(platform), NETWORK_OS[platform])
    running = sd.parse(p, (FIXTURES / f"{platform}_running_factory.cfg").read_text())
    plan = sd.plan(p, full_text(running), render(norm), sd.Scope.from_dict(norm["managed"]))
    facts = sf.gather(p, full_text(apply(running, plan.remediation)))
    names = [x["name"] for x in norm["ports"]]
    ctrl, phone, uplink, unused = names[0], names[2], names[4], names[5]
    assert facts["vlans"]["20"]["name"] == "VOICE"
    assert facts["ports"][ctrl]["access_vlan"] == 10 and facts["ports"][ctrl]["acl_in"] == "MIVB-SMDR-PMS"
    assert facts["ports"][ctrl]["acl_out"] is None
    assert facts["ports"][phone]["dot1x"] and facts["ports"][phone]["mab"]
    # 802.1p from the phone only (IOS: trust device cisco-phone + trust cos; AOS-CX: trust cos)
    assert facts["ports"][phone]["qos_trust"] == "cos"
    assert sorted(facts["ports"][uplink]["allowed_vlans"]) == [10, 20, 30]
    assert facts["ports"][unused]["shutdown"] and facts["ports"][unused]["access_vlan"] == 999
    assert facts["dot1x"]["radius_servers"][0]["address"] == "10.10.0.21"
    assert RADIUS_KEY not in repr(facts)


@pytest.mark.parametrize(("args", "message"), [
    # The explicit `intent` dict was removed: the lan_* variables (inventory or the task's vars)
    # with intent_from_vars=true carry the same intent, validated by the role's argument_specs.
    ({"intent": {"lan_qos_trust_voice": True}}, "module: intent. Supported parameters include: gather_facts, intended"),
    ({"intended": "vlan 10"}, "parameters are required together: intended, managed"),
])
def test_switch_config_accepts_two_input_modes_only(args, message):
    """Refused by the action plugin's argument spec, before any variable is read or SSH opened."""
    from types import SimpleNamespace

    from ansible.errors import AnsibleActionFail
    from ansible_collections.voicesec.mivb.plugins.action.switch_config import ActionModule

    task = SimpleNamespace(args=args, action="voicesec.mivb.switch_config", async_val=0, check_mode=False, diff=False)
    connection = SimpleNamespace(_shell=SimpleNamespace(tmpdir="/nonexistent"))
    action = ActionModule(task, connection, SimpleNamespace(check_mode=False), None, None)
    with pytest.raises(AnsibleActionFail) as err:
        action.run(task_vars={})
    assert message in str(err.value)
