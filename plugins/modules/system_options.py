#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: system_options
short_description: Manage the MiVB System Options form (EP-02, EP-03, EP-04, TOLL-02, SYS-01)
version_added: 0.1.0
author: voicesec maintainers (@voicesec)
description:
  - Sets voice encryption (EP-03), SRTP encryption (EP-04), DISA failed attempts and lock-out timer
    (TOLL-02), the set registration access code and registration attempts (EP-02), Send Welcome Email
    and the Call History settings (SYS-01).
  - Only the options given are managed.
# Generated from plugins/module_utils/mivb_specs.py by scripts/gen_module_docs.py: edit the rows there.
options:
  voice_encryption_enabled:
    description:
      - EP-03 Voice Encryption Enabled.
    type: bool
  srtp_encryption_enabled:
    description:
      - EP-04 Voice/Video SRTP Encryption Enabled (inactive while voice encryption is off).
    type: bool
  disa_failed_attempts:
    description:
      - TOLL-02 DISA failed attempts before lock-out.
      - Range 1-10, checked before any request.
    type: int
  disa_lockout_minutes:
    description:
      - TOLL-02 DISA lock-out timer in minutes (0 = forever).
      - Range 0-60, checked before any request.
    type: int
  set_registration_access_code:
    description:
      - EP-02 set registration access code, digits only, 4-10, not trivial (no 1111, 1234, 4321 ...).
      - Write-only; compared with the verify-secret endpoint, never read back.
    type: str
  set_registration_attempts:
    description:
      - EP-02 registration attempts.
      - Range 1-10, checked before any request.
    type: int
  send_welcome_email:
    description:
      - SYS-01 Send Welcome Email (user credentials by email); the guideline's baseline is C(false).
    type: bool
  call_history_disable_record_generation:
    description:
      - 'SYS-01 Call History: disable the generation of call history records.'
    type: bool
  call_history_default_records:
    description:
      - 'SYS-01 Call History: default number of records kept per user.'
      - Range 0-100, checked before any request.
    type: int
extends_documentation_fragment:
  - voicesec.mivb.mivb
  - voicesec.mivb.mivb.attributes
"""

EXAMPLES = r"""
- name: TOLL-02 | PATCH | DISA locks out after 3 failed attempts for 30 minutes
  voicesec.mivb.system_options:
    disa_failed_attempts: 3
    disa_lockout_minutes: 30

- name: EP-02 | PATCH | Set registration access code and attempts
  voicesec.mivb.system_options:
    set_registration_access_code: "{{ mivb_set_registration_access_code }}"
    set_registration_attempts: 3
"""

RETURN = r"""
form:
  description: The controller form managed.
  returned: always
  type: str
  sample: system_options
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
  sample: {"TOLL-02": {"status": "drift", "detail": "system_options: disa_failed_attempts differs",
           "diff": {"before": {"disa_failed_attempts": 10}, "after": {"disa_failed_attempts": 3}}}}
before:
  description: Managed fields before; secrets shown as C(set)/C(unset).
  returned: always
  type: dict
after:
  description: Managed fields after (predicted in check mode).
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_specs
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_backends import SystemOptionsBackend
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_forms import run_backend


def main():
    module = AnsibleModule(supports_check_mode=True, **mivb_specs.SYSTEM_OPTIONS)
    run_backend(module, SystemOptionsBackend)


if __name__ == "__main__":
    main()
