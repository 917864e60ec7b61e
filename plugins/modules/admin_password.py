#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: admin_password
short_description: Change the MiVB factory administrator password (AUTH-01)
version_added: 0.1.0
author: voicesec maintainers (@voicesec)
description:
  - When the session's login requires a password change (factory state, or an expired password), sets
    O(new_password). When the session is normal and O(new_password) differs from the password this play
    logged in with, rotates to it.
  - O(new_password) must differ from the factory password (C(mivb_factory_password)), so that after the
    change the factory password no longer works (AUTH-01).
  - The connection keeps working after the change; a later re-login (session expiry) uses the new password.
  - To commission a controller from factory state set C(ansible_password) to the target password and
    C(mivb_factory_password) to the factory one; the httpapi plugin logs in with the factory password
    only when the target is rejected and at least 2 attempts remain.
# Generated from plugins/module_utils/mivb_specs.py by scripts/gen_module_docs.py: edit the rows there.
options:
  new_password:
    description:
      - AUTH-01 the managed administrator password (in the lab equal to C(ansible_password)).
    type: str
    required: true
  password_strength:
    description:
      - AUTH-02 password strength in force. When C(Strong), O(new_password) is checked locally against
        the Strong rule (15-20 characters, at least 2 each of upper-case, lower-case, digits, special
        characters) before anything is sent.
    type: str
    choices: [Weak, Medium, Strong]
extends_documentation_fragment:
  - voicesec.mivb.mivb
  - voicesec.mivb.mivb.attributes
"""

EXAMPLES = r"""
- name: AUTH-01 | PATCH | Factory default password is changed
  voicesec.mivb.admin_password:
    new_password: "{{ mivb_admin_password }}"
    password_strength: Strong
"""

RETURN = r"""
reason:
  description:
    - Why the password was (or would be) changed, C(password_change_required) or C(rotate).
    - Null when compliant.
  returned: always
  type: str
username:
  description: The account of the session.
  returned: always
  type: str
login_password_source:
  description: Which configured password the session logged in with, C(managed) or C(factory).
  returned: always
  type: str
password_change_required:
  description: Whether the session still requires a password change after this task.
  returned: always
  type: bool
controls:
  description: AUTH-01 C(status) (C(drift) when the password had to change, else C(compliant)) and C(detail).
  returned: always
  type: dict
  sample: {"AUTH-01": {"status": "drift", "detail": "factory/expired password changed"}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_specs
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_backends import AdminPasswordBackend
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_forms import run_backend


def main():
    module = AnsibleModule(supports_check_mode=True, **mivb_specs.ADMIN_PASSWORD)
    run_backend(module, AdminPasswordBackend)


if __name__ == "__main__":
    main()
