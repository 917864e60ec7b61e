"""switch_intent filter: validate vendor-neutral switch intent and prepare it for the templates."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_intent import (
    SwitchIntentError,
    normalize_intent,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import SwitchPlatformError

DOCUMENTATION = r"""
name: switch_intent
short_description: Validate switch intent (lan_vlans, lan_port_roles, ...) and compute the managed scope
description:
  - Input is a dict with the role variables C(lan_vlans), C(lan_port_roles), C(lan_dot1x),
    C(lan_smdr_collectors), C(lan_pms_hosts), C(lan_controller_addresses), C(lan_qos_trust_voice),
    C(lan_controller_acl_name) and the toggles C(lan_harden_lan_01) ... C(lan_harden_log_04).
  - Fails with every problem listed (VLAN 0/4095, duplicate VLAN ids, a port in two roles, a collector
    that is not an IP address, an unsupported platform, ...).
  - Returns the data C(templates/switch/<platform>/config.j2) renders from (as C(sw)) plus C(managed)
    for M(voicesec.mivb.switch_config). With LAN-06 selected, C(managed.park) lets switch_config park
    and shut the ports this intent gives no role, which it learns from the switch's running config.
positional: network_os
options:
  _input:
    description: The intent variables.
    type: dict
    required: true
  network_os:
    description: C(ansible_network_os) (C(cisco.ios.ios) or C(arubanetworks.aoscx.aoscx)).
    type: str
    required: true
"""


def switch_intent(intent: dict, network_os: str) -> dict:
    try:
        return normalize_intent(dict(intent or {}), network_os)
    except (SwitchIntentError, SwitchPlatformError) as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    def filters(self) -> dict:
        return {"switch_intent": switch_intent}
