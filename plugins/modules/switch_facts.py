#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""switch_facts: documentation and a guard; the work is done by plugins/action/switch_facts.py."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: switch_facts
short_description: Gather a LAN switch's VLANs, ports, ACLs and 802.1X state as data (one SSH session)
description:
  - Action plugin (runs on the controller). Reads C(show running-config) over one netmiko session
    and returns it parsed. Secrets are masked and never returned.
  - Same connection variables and host-key checking as M(voicesec.mivb.switch_config).
  - M(voicesec.mivb.switch_config) returns the same C(facts) from its own session, so an audit needs no
    second session; use this module when you only want to read.
version_added: 0.1.0
author: voicesec maintainers (@voicesec)
options:
  include_running:
    description: Also return the (masked) running config text as C(facts.running_config).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Computes and returns the commands it would push without entering config mode.
"""

EXAMPLES = r"""
- name: LAN-01 | AUDIT | Gather switch state
  voicesec.mivb.switch_facts:
  vars:
    ansible_connection: ansible.builtin.local
  register: sw
"""

RETURN = r"""
facts:
  description: Parsed state.
  returned: success
  type: dict
  contains:
    vlans:
      description: VLAN id (string) -> name and voice flag.
      type: dict
    ports:
      description: Interface -> mode, access_vlan, voice_vlan, native_vlan, allowed_vlans, shutdown,
        portfast, nonegotiate, dot1x, mab, qos_trust, acl_in, acl_out.
      type: dict
    acls:
      description: ACL name -> entries.
      type: dict
    dot1x:
      description: system_auth_control and radius_servers (name, address; never keys).
      type: dict
ansible_facts:
  description: The same facts as C(lan_switch).
  returned: success
  type: dict
"""


def main() -> None:
    from ansible.module_utils.basic import AnsibleModule
    from ansible_collections.voicesec.mivb.plugins.module_utils.switch_args import (
        SWITCH_FACTS_SPEC,
    )

    module = AnsibleModule(argument_spec=SWITCH_FACTS_SPEC, supports_check_mode=True)
    module.fail_json(
        msg="voicesec.mivb.switch_facts runs as an action plugin on the controller "
        "(plugins/action/switch_facts.py); it was invoked as a module, which means the "
        "action plugin was not found. Call it by its FQCN voicesec.mivb.switch_facts."
    )


if __name__ == "__main__":
    main()
