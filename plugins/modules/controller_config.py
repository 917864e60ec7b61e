#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""controller_config: documentation and a guard; the work is done by plugins/action/controller_config.py."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: controller_config
short_description: Apply or audit the whole MiVB controller baseline in one task
description:
  - Action plugin (runs on the control node, no module is shipped). The one task of the
    C(voicesec.mivb.mivb_hardening) role. It reads that role's variables (C(mivb_hardening_*),
    C(mivb_admin_password), C(mivb_phone_admin_passcode), C(mivb_set_registration_access_code),
    C(mivb_web_*_path)) from the host, validates them against the role's C(meta/argument_specs.yml)
    and the controller's limits, and only then contacts the controller.
  - "Order of the plan (docs/controller-plan.md): input validation of every selected control and the
    guards; login and AUTH-01; System Security Management (AUTH-02..06, TLS-01, TLS-02) in one PATCH;
    web server certificate (CERT-01); served certificate (CERT-02, audit only); System Options
    (EP-02..04, TOLL-02) in one PATCH; then the registered steps (plugins/module_utils/mivb_steps.py),
    e.g. Admin Policies and User Authorization Profiles (ACC-01..03), SMDR Options (LOG-02) and the
    audit-trail export into the report store (LOG-01, with the AUTH-07 lockout audit). A failing step
    makes its own controls C(error); later independent steps still run. Every write is verified by a
    fresh read."
  - "Selection per control: C(--tags ID), C(--skip-tags ID) and the toggles C(mivb_hardening_<id>: false).
    Controls left out are returned as C(not_evaluated) with the reason (the role task is tagged
    C(always) and C(controller) so that skipping one control does not skip the others)."
  - "Guards before any write: a web certificate the toolkit's own client would not trust at the address
    it connects to (SAN, Authority Key Identifier, chain to C(ansible_httpapi_ca_path)); a TLS-02 cipher
    list the toolkit cannot negotiate, or one beyond the guideline's eight without
    C(mivb_hardening_tls_02_cipher_exception); a banner with control characters; a new admin password
    equal to the factory one. After a TLS-02 change or a certificate install a fresh handshake with the
    toolkit's client must succeed."
  - "Lockout safety across runs (C(mivb_hardening_state_dir)): a rejected password is never sent again,
    no login is attempted once the controller said one attempt remains, and the factory password is used
    only when C(mivb_hardening_commission) is true and the toolkit has not commissioned this controller yet."
  - Connection from the standard variables C(ansible_host), C(ansible_httpapi_port), C(ansible_user) (or C(-u)),
    C(ansible_password) (or C(-k), an AWX machine credential), C(ansible_httpapi_ca_path),
    C(ansible_httpapi_validate_certs) (default true) and C(mivb_factory_password). One kept-alive HTTPS
    connection and one login per controller per run; the httpapi persistent connection is not started.
  - In check mode nothing is written; C(changed) says whether a write would happen.
  - "Maintenance SSH steps (LOG-05 PMS occupancy-log purge, MSL-01 antivirus agents, MSL-02 approved release,
    ACC-04 SFTP only): one SSH session per controller per run (netmiko, C(mivb_maintenance_ssh_port)), logged in
    only with the user and password the HTTPS login accepted (never a failed login), host key checked against
    C(mivb_known_hosts_file); ACC-04 reads the plain-FTP greeting on C(mivb_ftp_port) without sending a
    credential. MSL-01, MSL-02 and ACC-04 audit only."
version_added: 0.2.0
author: voicesec maintainers (@voicesec)
options: {}
attributes:
  check_mode:
    support: full
    description: Plans every control, writes nothing, reports C(drift) per control.
  diff_mode:
    support: full
    description: Returns before/after per form that differs; secrets masked.
  platform:
    platforms: MiVoice Business
    support: full
    description: Talks to the management API contract of docs/management-api.md.
notes:
  - For your own playbooks the per-form modules (C(voicesec.mivb.security_settings), C(system_options),
    C(web_certificate), C(admin_password), C(mivb_facts)) stay available over httpapi; they use the same
    backends and validation.
seealso:
  - module: voicesec.mivb.security_settings
  - module: voicesec.mivb.switch_config
"""

EXAMPLES = r"""
- name: AUTH-01 AUTH-02 TLS-01 | PATCH | Controller baseline (what the mivb_hardening role does)
  voicesec.mivb.controller_config:
  tags: [always, controller]
"""

RETURN = r"""
controls:
  description:
    - Per control ID of the role, the result of this run. C(status) is C(compliant), C(drift) (C(remediated)
      true when written and verified), C(error), or C(not_evaluated) with the reason in C(detail).
      C(diff) holds that control's before/after (secrets masked).
  returned: always
  type: dict
  sample:
    TLS-01: {status: drift, remediated: true, detail: "system_security_management: tls_security_levels changed"}
    CERT-02: {status: compliant, detail: "served certificate expires 2027-06-01T00:00:00Z (180 day(s) left, ...)"}
    EP-02: {status: not_evaluated, detail: "not evaluated in this run: --skip-tags EP-02"}
selected:
  description: The control IDs this run evaluated, in plan order.
  returned: always
  type: list
  elements: str
plan:
  description: The steps that ran, in order, with their outcome (ok, changed, would change, failed, unknown).
  returned: always
  type: list
  elements: dict
stats:
  description: Requests of this run (logins, failed_logins, reads, writes, cache_hits, connections).
  returned: always
  type: dict
timing:
  description:
    - Seconds spent (C(total)), wall seconds per plan step (C(steps), e.g. C(login), C(pms_logs)),
      and whether the plugin's imports were inherited from the parent process (C(preloaded)).
  returned: always
  type: dict
"""


def main() -> None:
    from ansible.module_utils.basic import AnsibleModule

    module = AnsibleModule(argument_spec={}, supports_check_mode=True)
    module.fail_json(
        msg="voicesec.mivb.controller_config runs as an action plugin on the control node "
        "(plugins/action/controller_config.py); it was invoked as a module, which means the "
        "action plugin was not found. Call it by its FQCN voicesec.mivb.controller_config."
    )


if __name__ == "__main__":
    main()
