#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: mivb_facts
short_description: Read every MiVB form, admin policies, user profiles and the newest audit entry id
version_added: 0.1.0
author: voicesec maintainers (@voicesec)
description:
  - Returns C(ansible_facts.mivb) with C(forms) (each form's fields), C(admin_policies), C(user_profiles),
    C(audit_trail_newest_id), C(session),
    C(login_banner) (what the login page shows) and C(errors) (what the account's policy could not read).
  - Secrets are never present (the API does not return them; secret keys are also dropped defensively).
# Generated from plugins/module_utils/mivb_specs.py by scripts/gen_module_docs.py: edit the rows there.
options: {}
extends_documentation_fragment:
  - voicesec.mivb.mivb
attributes:
  check_mode:
    support: full
    description: Read-only; runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing to diff.
  facts:
    support: full
    description: Sets C(ansible_facts.mivb).
  platform:
    support: full
    platforms: mivb
    description: Mitel MiVoice Business controllers.
"""

EXAMPLES = r"""
- name: Read the controller
  voicesec.mivb.mivb_facts:

- name: Show the TLS levels
  ansible.builtin.debug:
    var: ansible_facts.mivb.forms.system_security_management.tls_security_levels
"""

RETURN = r"""
ansible_facts:
  description: Facts under C(mivb).
  returned: always
  type: dict
  contains:
    mivb:
      description: forms, admin_policies, user_profiles, audit_trail_newest_id, session, login_banner, errors.
      returned: always
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_specs
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_backends import run_facts
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_client import HttpApiTransport


def main():
    module = AnsibleModule(supports_check_mode=True, **mivb_specs.MIVB_FACTS)
    result = run_facts(HttpApiTransport(module), module.params)
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
