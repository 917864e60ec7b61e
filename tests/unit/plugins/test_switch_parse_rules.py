"""switch_platforms.hier_platform() folds hier_config's per-line filter rules into one regex
(a speed-up, docs/performance.md): every config this collection parses must give the same
tree as hier_config's stock driver. Inputs: each family's factory and hardened running config
as the emulator shows it, the rendered intent, and the header/comment lines the rules exist for.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_render
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_intent import (
    complete_from_device,
    device_interfaces,
    normalize_intent,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import (
    FAMILIES,
    hier_platform,
    platform_for,
)
from hier_config import Platform, get_hconfig, get_hconfig_driver
from test_switch_families import NETWORK_OS, apply_commands, device, intent, running

NOISE = ("Building configuration...\n\nCurrent configuration : 9999 bytes\n!\n! Last configuration change at x\n"
         "! NVRAM config last updated at y\nversion 15.2\nntp clock-period 1234\n"
         "interface Vlan1\n no ip address\n logging event link-status\n!\nhostname sw1\nend\n")


def _tree(driver, text):
    return [(child.depth(), child.text) for child in get_hconfig(driver, text).all_children()]


@pytest.mark.parametrize("family", sorted(f for f in FAMILIES if FAMILIES[f].platform in NETWORK_OS))
def test_folded_rules_parse_exactly_like_the_stock_driver(tmp_path: Path, family):
    dev = device(tmp_path, family)
    platform = platform_for(NETWORK_OS[dev.spec.platform])
    ours = hier_platform(platform)
    stock = get_hconfig_driver(getattr(Platform, platform.hier_platform))
    if platform.name == "cisco_ios":
        assert len(stock.rules.per_line_sub) > 1 and len(ours.rules.per_line_sub) == 1, "rules folded"
    factory = running(dev)
    norm = complete_from_device(normalize_intent(intent(family), platform.name), device_interfaces(factory, platform),
                                platform)
    intended = switch_render.render_config(norm)
    assert apply_commands(dev, [line for line in intended.splitlines() if line.strip()]) == []
    for text in (factory, intended, running(dev), NOISE):
        assert _tree(ours, text) == _tree(stock, text)
