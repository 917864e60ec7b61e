#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""switch_config: documentation and a guard; the work is done by plugins/action/switch_config.py."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: switch_config
short_description: Make the managed sections of a LAN switch match the rendered intent, in one SSH session
description:
  - Action plugin (runs on the controller, no module is shipped to a host). In one netmiko SSH session it
    reads the running config, computes the hierarchical remediation with hier_config restricted to the
    sections it owns (O(managed)), pushes only the delta with error detection, re-reads to verify,
    saves (C(write memory)), and returns C(changed), C(commands), C(before), C(after), a unified C(diff),
    per-control results in C(controls) and the gathered C(facts).
  - It never removes a line it does not own. Inside an owned section it owns every line except
    C(description) and the child lines of toggled-off controls (O(managed.ignore_children)).
  - Check mode never enters config mode; it returns the commands it would push and C(changed=true) if any.
  - A failed push (a command the switch rejects, a dropped session, a verify mismatch) is rolled back.
    The device is read again (reconnecting if needed) and the owned sections are restored to the saved
    pre-run copy (an IOS ACL, shown without sequence numbers, is replaced whole), verified by a fresh
    read, and the task fails with a message saying what was rolled back and that the device is back as it
    was. Nothing is saved in that case. See docs/safety.md.
  - One run at a time per switch. The task holds a lock file per switch address (exclusive when it may
    push, shared in check mode) from the first read to the last verify; another run fails at once with
    C(error_kind=busy), or waits up to C(lan_lock_wait) seconds. Directory C($VOICESEC_LOCK_DIR), default
    C(<tmp>/voicesec-locks-<uid>).
  - Credentials come from the play context first (C(-u), C(--ask-pass), C(--ask-become-pass), password
    files, an AWX/AAP Machine credential), then from C(ansible_user), C(ansible_password),
    C(ansible_become_password) (enable secret). With C(ansible_host), C(ansible_port) and
    C(ansible_network_os) (C(cisco.ios.ios), C(arubanetworks.aoscx.aoscx) or
    C(arubanetworks.aos_switch.arubaoss) for ArubaOS-Switch / ProCurve) a cisco.ios inventory
    works unchanged. A password the switch refused is never tried again in the same run.
    Run the task with C(ansible_connection=ansible.builtin.local) (task vars) so no second SSH
    session is opened by network_cli.
  - SSH host keys are checked against C(lan_known_hosts_file) (default C(~/.ssh/known_hosts)); an unknown
    or changed key is refused unless C(lan_host_key_checking=false).
  - Secrets (RADIUS keys, enable secrets, any C(key)/C(password)/C(secret) value) are masked as C(********)
    in every returned field. IOS shows a RADIUS key as type 7 (reversible), so it is compared exactly; a
    changed key is drift. AOS-CX shows it only as C(ciphertext) and ArubaOS-Switch not at all (without
    C(include-credentials)), so the key line is kept as the device has it
    and LAN-04 reports C(manual) (the key could not be verified) instead of C(compliant); set
    O(update_secrets) to push the inventory's keys again (rotation).
version_added: 0.1.0
author: voicesec maintainers (@voicesec)
options:
  intent_from_vars:
    description:
      - "Input mode 1 (what the C(voicesec.mivb.switch_hardening) role uses): the vendor-neutral intent is this
        host's C(lan_*) variables - C(lan_vlans), C(lan_port_roles), C(lan_dot1x), C(lan_smdr_collectors),
        C(lan_pms_hosts), C(lan_controller_addresses), C(lan_qos_trust_voice), C(lan_controller_acl_name), the
        C(lan_harden_*) toggles - from inventory, play or task C(vars)."
      - They are validated against that role's C(meta/argument_specs.yml) (types, choices, required
        sub-options, defaults), then by value (every problem listed, nothing connects when invalid);
        C(templates/switch/<platform>/config.j2) is rendered in the controller process and O(managed) is
        derived. C(--tags)/C(--skip-tags) control IDs narrow the run; ports without a role are parked (LAN-06).
      - Each variable is templated on its own, so a fleet run pays no Jinja compilation for a
        large nested argument per switch, and playbooks may import the role with C(rolespec_validate=false)
        without losing validation.
      - O(save) and O(update_secrets), when not set on the task, then come from
        C(lan_save_config) and C(lan_update_secrets).
      - Exactly one of O(intent_from_vars=true) and O(intended) is given.
    type: bool
    default: false
  intended:
    description:
      - Input mode 2, for sections the C(lan_*) vocabulary does not describe - the intended configuration of
        the managed sections, as the platform shows it in C(show running-config) (for example rendered from
        C(templates/switch/<platform>/config.j2) with the C(voicesec.mivb.switch_intent) filter output as
        C(sw)). Requires O(managed).
    type: str
  managed:
    description:
      - What the task owns when O(intended) is given (C(voicesec.mivb.switch_intent) returns it as C(managed)).
    type: dict
    suboptions:
      sections:
        description: Top-level section lines owned (C(vlan 10), C(interface GigabitEthernet1/0/1),
          C(ip access-list extended MIVB-SMDR-PMS)) mapped to the control ID(s) they implement. Every
          top-level line of O(intended) is owned as well.
        type: dict
      lines:
        description: Top-level line prefixes owned (C(aaa authentication dot1x ), C(mls qos)) mapped to control IDs.
        type: dict
      ignore_children:
        description: Regexes of child lines inside owned sections that are left alone (not owned).
        type: list
        elements: str
      controls:
        description: Control IDs this task reports on in C(controls).
        type: list
        elements: str
      park:
        description:
          - LAN-06 on this path. C(vlan) is the parking VLAN, C(assigned) the interfaces that have a role.
            Every physical port of the switch (from the running config read at the start) that is neither
            in C(assigned) nor in O(intended) is parked in C(vlan) and shut, with the lines
            C(templates/switch/<platform>/park.j2) renders for role C(unused), and owned; the result's
            C(parked) lists them. C(voicesec.mivb.switch_intent) returns it when LAN-06 is selected.
        type: dict
  save:
    description:
      - Save the running config (C(write memory)) after a verified push.
      - When not set, C(lan_save_config) with O(intent_from_vars=true), else C(true).
    type: bool
  update_secrets:
    description:
      - Push secret lines (RADIUS keys) even when the device already has a key there (rotation;
        never idempotent while on).
      - When not set, C(lan_update_secrets) with O(intent_from_vars=true), else C(false).
    type: bool
  gather_facts:
    description: Return C(facts) parsed from the running config read in the same session.
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    description: Computes and returns the commands it would push without entering config mode.
  diff_mode:
    support: full
    description: Returns a unified diff of the owned sections, secrets masked.
notes:
  - Supported platforms are listed by the dispatcher in C(plugins/module_utils/switch_platforms.py).
"""

EXAMPLES = r"""
# Mode 1: the lan_* variables of inventory (or of the task's vars), as the switch_hardening role does.
- name: LAN-01 LAN-02 LAN-03 LAN-04 LAN-05 LAN-06 LOG-03 LOG-04 | PATCH | Switch matches the lan_* variables
  voicesec.mivb.switch_config:
    intent_from_vars: true
  vars:
    ansible_connection: ansible.builtin.local

# Mode 2: pre-rendered lines of the owned sections and the scope they own.
- name: LAN-01 | PATCH | Pre-rendered config and explicit scope
  vars:
    ansible_connection: ansible.builtin.local
    lan_switch_intent: "{{ my_intent | voicesec.mivb.switch_intent(ansible_network_os) }}"
  voicesec.mivb.switch_config:
    intended: "{{ lookup('ansible.builtin.template', 'templates/switch/cisco_ios/config.j2',
                 template_vars={'sw': lan_switch_intent}) }}"
    managed: "{{ lan_switch_intent.managed }}"
"""

RETURN = r"""
commands:
  description: Remediation lines (pushed, or that would be pushed in check mode), secrets masked.
  returned: always
  type: list
  elements: str
before:
  description: The owned sections of the running config before the run (masked).
  returned: success
  type: str
after:
  description: The owned sections after the run (re-read from the device), or predicted in check mode.
  returned: success
  type: str
diff:
  description: Unified diff of the owned sections (before -> after), masked, under C(prepared).
  returned: success
  type: dict
controls:
  description:
    - Per control ID the result of this run. C(status) is C(compliant) (no line differed) or C(drift)
      (lines differed; C(remediated) true when pushed and saved), C(error) when the run failed, or
      C(manual) when everything matched except a secret the switch shows only encrypted (listed in
      C(unverified), masked).
      C(commands) holds that control's remediation lines with their parent lines, masked.
  returned: always
  type: dict
  sample:
    LAN-04:
      status: drift
      remediated: false
      detail: "2 line(s) differ from intent; check mode: nothing pushed"
      commands: ["interface GigabitEthernet1/0/3", " authentication port-control auto", " mab"]
    LAN-05: {status: compliant, commands: [], detail: matches intent}
facts:
  description: Gathered state (vlans, ports, acls, dot1x, qos) from the same session.
  returned: when gather_facts
  type: dict
parked:
  description: Physical ports without a role that LAN-06 parks and shuts in this run (both input paths).
  returned: success
  type: list
  elements: str
saved:
  description: Whether C(write memory) ran.
  returned: success
  type: bool
rolled_back:
  description: On a failed push, whether the rollback restored the device (verified).
  returned: on failed push
  type: bool
error_kind:
  description:
    - On failure, what failed (switch_errors kinds) - C(auth), C(enable), C(hostkey), C(unreachable),
      C(rejected), C(session), C(verify), C(rollback), C(busy), C(intent), C(arguments).
  returned: on failure
  type: str
timing:
  description: Seconds spent (C(connect), C(total)) and C(preloaded) (netmiko was imported before the fork).
  returned: success
  type: dict
"""


def main() -> None:
    from ansible.module_utils.basic import AnsibleModule
    from ansible_collections.voicesec.mivb.plugins.module_utils.switch_args import (
        SWITCH_CONFIG_RULES,
        SWITCH_CONFIG_SPEC,
    )

    module = AnsibleModule(argument_spec=SWITCH_CONFIG_SPEC, **SWITCH_CONFIG_RULES, supports_check_mode=True)
    module.fail_json(
        msg="voicesec.mivb.switch_config runs as an action plugin on the controller "
        "(plugins/action/switch_config.py); it was invoked as a module, which means the "
        "action plugin was not found. Call it by its FQCN voicesec.mivb.switch_config."
    )


if __name__ == "__main__":
    main()
