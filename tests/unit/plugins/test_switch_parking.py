"""LAN-06, every port has an owner, on both input paths of switch_config: `intent` (the
plugin renders after reading the device) and a pre-rendered `intended` + `managed` (rendered
before any device was read, e.g. Ansible's template lookup with the switch_intent filter).
Both park and shut every physical port without a role; the emulator (its own model and its own
`show running-config`) is the independent path.
"""

from __future__ import annotations

import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_diff as sd
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_render
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_intent import (
    SwitchIntentError,
    complete_from_device,
    device_interfaces,
    normalize_intent,
    park_unnamed,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import FAMILIES, platform_for
from test_switch_families import NETWORK_OS, apply_commands, device, intent, running

UNNAMED = {"cisco_ios": ["GigabitEthernet1/0/27", "GigabitEthernet1/0/28"], "aruba_aoscx": ["1/1/27", "1/1/28"]}


def _inputs(mode, family, before):
    platform = platform_for(NETWORK_OS[FAMILIES[family].platform])
    norm = normalize_intent(intent(family), platform.name)
    if mode == "intent":  # what switch_config does with intent / intent_from_vars
        full = complete_from_device(norm, device_interfaces(before), platform)
        return platform, switch_render.render_config(full), full["managed"], full["parked"]
    # pre-rendered: the filter's output rendered without the device, then switch_config's step
    intended, managed, parked = park_unnamed(switch_render.render_config(norm), norm["managed"],
                                             device_interfaces(before), platform)
    return platform, intended, managed, parked


@pytest.mark.parametrize("family", ["catalyst_2960x", "aoscx_6100_6300"])
@pytest.mark.parametrize("mode", ["intent", "intended"])
def test_ports_without_a_role_are_parked_and_shut(tmp_path, mode, family):
    dev = device(tmp_path, family)
    before = running(dev)
    platform, intended, managed, parked = _inputs(mode, family, before)
    assert parked == UNNAMED[dev.spec.platform]
    scope = sd.Scope.from_dict(managed)
    plan = sd.plan(platform, before, intended, scope)
    assert apply_commands(dev, plan.push_lines()) == []
    after = running(dev)
    for name in parked:
        section = after.split(f"interface {name}", 1)[1].split("\ninterface ", 1)[0]
        assert "shutdown" in section and ("vlan 999" in section or "vlan access 999" in section), section
    assert sd.plan(platform, after, intended, scope).commands == [], "idempotent"


@pytest.mark.parametrize("family", ["catalyst_2960x", "aoscx_6100_6300"])
def test_both_input_paths_plan_the_same_commands(tmp_path, family):
    before = running(device(tmp_path, family))
    plans = []
    for mode in ("intent", "intended"):
        platform, intended, managed, _norm = _inputs(mode, family, before)
        plans.append(sorted(sd.plan(platform, before, intended, sd.Scope.from_dict(managed)).commands))
    assert plans[0] == plans[1]


def test_pre_rendered_path_without_lan06_or_with_a_bad_park_entry(tmp_path):
    family = "catalyst_2960x"
    platform = platform_for("cisco.ios.ios")
    before = running(device(tmp_path, family))
    norm = normalize_intent(intent(family, lan_harden_lan_06=False), platform.name)
    assert "park" not in norm["managed"]
    text = switch_render.render_config(norm)
    assert park_unnamed(text, norm["managed"], device_interfaces(before), platform) == (text, norm["managed"], [])
    full = normalize_intent(intent(family), platform.name)["managed"]
    with pytest.raises(SwitchIntentError, match=r"managed\.park must be"):
        park_unnamed(text, dict(full, park={"vlan": 0, "assigned": []}), device_interfaces(before), platform)
