#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: security_settings
short_description: Manage the MiVB System Security Management form (AUTH-02..06, TLS-01, TLS-02)
version_added: 0.1.0
author: voicesec maintainers (@voicesec)
description:
  - Sets password strength (AUTH-02), session inactivity period (AUTH-03), password expiry (AUTH-04),
    login banner (AUTH-05), Phone Administrator Passcode (AUTH-06), per-application TLS security levels
    (TLS-01) and admin HTTPS TLS 1.2 only with a limited cipher list (TLS-02).
  - Only the options given are managed; the others are left as they are on the controller.
# Generated from plugins/module_utils/mivb_specs.py by scripts/gen_module_docs.py: edit the rows there.
options:
  password_strength:
    description:
      - AUTH-02 strength of System Administration Tool passwords.
    type: str
    choices: [Weak, Medium, Strong]
  session_inactivity_minutes:
    description:
      - AUTH-03 idle minutes before a session is logged out (baseline 15 or less).
      - Range 1-1440, checked before any request.
    type: int
  password_expiry_days:
    description:
      - AUTH-04 password expiry interval in days (0 = never).
      - Range 0-365, checked before any request.
    type: int
  login_banner_enabled:
    description:
      - AUTH-05 show the login banner before login.
    type: bool
  login_banner_text:
    description:
      - AUTH-05 banner text from the company security policy; printable text and newlines only, and not
        empty while O(login_banner_enabled) is true.
      - At most 4000 characters, checked before any request.
    type: str
  phone_admin_passcode:
    description:
      - AUTH-06 Phone Administrator Passcode for 69xx advanced settings. Digits only, 4-10 and at least
        O(passcode_min_length); trivial codes are refused (repeats like 1111, runs like 1234 or 4321 anywhere,
        fewer than 3 distinct digits, a repeated block).
      - Write-only on the controller; compared with the verify-secret endpoint, never read back.
    type: str
  passcode_min_length:
    description:
      - AUTH-06 minimum length accepted for O(phone_admin_passcode) (the guideline recommends the full
        10).
      - Range 4-10, checked before any request.
    type: int
    default: 10
  tls_security_levels:
    description:
      - TLS-01 level per application, High, Low or Legacy.
      - Applications not listed keep their current level.
    type: dict
    suboptions:
      sip:
        description:
          - Level of sip.
        type: str
        choices: [High, Low, Legacy]
      ip_sets:
        description:
          - Level of ip_sets.
        type: str
        choices: [High, Low, Legacy]
      ip_trunks:
        description:
          - Level of ip_trunks.
        type: str
        choices: [High, Low, Legacy]
      trusted_applications:
        description:
          - Level of trusted_applications.
        type: str
        choices: [High, Low, Legacy]
      system_data_synchronization:
        description:
          - Level of system_data_synchronization.
        type: str
        choices: [High, Low, Legacy]
      mitai:
        description:
          - Level of mitai.
        type: str
        choices: [High, Low, Legacy]
      data_services:
        description:
          - Level of data_services.
        type: str
        choices: [High, Low, Legacy]
  tls_exceptions:
    description:
      - TLS-01 documented exceptions, application -> C({level, justification}). An exception overrides
        O(tls_security_levels) for its application. A level other than High requires a non-empty justification.
    type: dict
    suboptions:
      sip:
        description:
          - Exception for sip.
        type: dict
        suboptions:
          level:
            description:
              - Level in force.
            type: str
            required: true
            choices: [High, Low, Legacy]
          justification:
            description:
              - Written justification (change ticket).
            type: str
      ip_sets:
        description:
          - Exception for ip_sets.
        type: dict
        suboptions:
          level:
            description:
              - Level in force.
            type: str
            required: true
            choices: [High, Low, Legacy]
          justification:
            description:
              - Written justification (change ticket).
            type: str
      ip_trunks:
        description:
          - Exception for ip_trunks.
        type: dict
        suboptions:
          level:
            description:
              - Level in force.
            type: str
            required: true
            choices: [High, Low, Legacy]
          justification:
            description:
              - Written justification (change ticket).
            type: str
      trusted_applications:
        description:
          - Exception for trusted_applications.
        type: dict
        suboptions:
          level:
            description:
              - Level in force.
            type: str
            required: true
            choices: [High, Low, Legacy]
          justification:
            description:
              - Written justification (change ticket).
            type: str
      system_data_synchronization:
        description:
          - Exception for system_data_synchronization.
        type: dict
        suboptions:
          level:
            description:
              - Level in force.
            type: str
            required: true
            choices: [High, Low, Legacy]
          justification:
            description:
              - Written justification (change ticket).
            type: str
      mitai:
        description:
          - Exception for mitai.
        type: dict
        suboptions:
          level:
            description:
              - Level in force.
            type: str
            required: true
            choices: [High, Low, Legacy]
          justification:
            description:
              - Written justification (change ticket).
            type: str
      data_services:
        description:
          - Exception for data_services.
        type: dict
        suboptions:
          level:
            description:
              - Level in force.
            type: str
            required: true
            choices: [High, Low, Legacy]
          justification:
            description:
              - Written justification (change ticket).
            type: str
  https_tls_1_2_only:
    description:
      - TLS-02 admin HTTPS (TCP 443) accepts TLS 1.2 only (KB SO4819).
    type: bool
  https_cipher_suites:
    description:
      - TLS-02 OpenSSL cipher suite names admin HTTPS may negotiate, from the controller's supported set.
        Compared as a set; must not be empty.
      - The role default is the guideline's eight suites; the module has no default.
    type: list
    choices: [ECDHE-RSA-AES256-GCM-SHA384, ECDHE-RSA-AES256-SHA384, AES256-GCM-SHA384, AES256-SHA256,
      ECDHE-RSA-AES128-GCM-SHA256, ECDHE-RSA-AES128-SHA256, AES128-GCM-SHA256, AES128-SHA256, AES128-SHA,
      AES256-SHA, ECDHE-RSA-AES128-SHA, ECDHE-RSA-AES256-SHA, ECDHE-RSA-CHACHA20-POLY1305]
    elements: str
extends_documentation_fragment:
  - voicesec.mivb.mivb
  - voicesec.mivb.mivb.attributes
"""

EXAMPLES = r"""
- name: AUTH-02 | PATCH | Password strength is Strong
  voicesec.mivb.security_settings:
    password_strength: Strong

- name: TLS-01 | PATCH | Application TLS level is High, MiTAI excepted
  voicesec.mivb.security_settings:
    tls_security_levels: {sip: High, ip_sets: High, ip_trunks: High, trusted_applications: High,
                          system_data_synchronization: High, mitai: High, data_services: High}
    tls_exceptions:
      mitai: {level: Low, justification: "CHG-1234: legacy CTI server until 2027-03"}

- name: AUTH-06 | PATCH | Phone administrator passcode is set
  voicesec.mivb.security_settings:
    phone_admin_passcode: "{{ mivb_phone_admin_passcode }}"
"""

RETURN = r"""
form:
  description: The controller form managed.
  returned: always
  type: str
  sample: system_security_management
changed_fields:
  description: Names of the fields written (or that would be written in check mode).
  returned: always
  type: list
  elements: str
controls:
  description:
    - Per control ID of the managed fields, C(status) (C(drift) when a change was needed - remediated
      unless check mode - else C(compliant)), C(detail) and on drift C(diff) (before/after of its fields).
    - Read by the C(voicesec.mivb.compliance_report) callback.
  returned: always
  type: dict
  sample: {"AUTH-02": {"status": "drift", "detail": "system_security_management: password_strength differs",
           "diff": {"before": {"password_strength": "Weak"}, "after": {"password_strength": "Strong"}}}}
before:
  description: Managed fields before; secrets shown as C(set)/C(unset).
  returned: always
  type: dict
after:
  description: Managed fields after (predicted in check mode); a changed secret shows C(set (new value)).
  returned: always
  type: dict
tls_exceptions:
  description: The TLS-01 exceptions in force with their justification (for the report).
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_specs
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_backends import SecuritySettingsBackend
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_forms import run_backend


def main():
    module = AnsibleModule(supports_check_mode=True, **mivb_specs.SECURITY_SETTINGS)
    run_backend(module, SecuritySettingsBackend)


if __name__ == "__main__":
    main()
