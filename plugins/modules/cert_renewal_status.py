#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: cert_renewal_status
short_description: Judge a served MiVB web certificate for renewal and report CERT-02
version_added: 0.1.0
author: voicesec maintainers (@voicesec)
description:
  - Runs on the control node (action plugin); used by the C(voicesec.mivb.cert_renewal) role.
  - Takes the certificate a TLS handshake returned (C(community.crypto.get_certificate)) and whether a
    second handshake verified its chain against the inventory CA bundle, and says whether a renewal is
    due - fewer than O(renew_days) days left, self-signed, or not issued by the inventory's CA.
  - With O(new_certificate) it is the proof after an install - the served leaf has the new certificate's
    SHA-256 fingerprint and serial, its chain verifies to the CA bundle and more than O(renew_days) days
    are left - and fails with the reasons when it is not proven.
  - Returns a C(controls) entry for CERT-02 (status and a detail with the served certificate's expiry
    date and days left) that the C(voicesec.mivb.compliance_report) callback records.
  - Handles certificates only; no private key is ever passed to it.
options:
  served:
    description: The served leaf certificate, PEM (the C(cert) return value of C(community.crypto.get_certificate)).
    type: str
    required: true
  trusted:
    description: Whether the handshake with the inventory CA bundle as C(ca_cert) succeeded.
    type: bool
    required: true
  trust_error:
    description: Why the verifying handshake failed (its message), shown in the reasons.
    type: str
  renew_days:
    description: Renewal threshold in days (C(mivb_hardening_cert_renew_days)).
    type: int
    required: true
  new_certificate:
    description: The certificate just installed, PEM; turns the task into the proof of the renewal.
    type: str
  problem:
    description: A failure met earlier (install failed, hand-off pending); the task fails with it as CERT-02 detail.
    type: str
attributes:
  check_mode:
    support: full
    description: Read-only; in check mode a due renewal is reported as C(changed) (CERT-02 drift).
  diff_mode:
    support: none
    description: Nothing to diff.
  platform:
    support: full
    platforms: mivb
    description: Runs on the control node for MiVB controllers.
"""

EXAMPLES = r"""
- name: Read the served certificate
  community.crypto.get_certificate:
    host: "{{ ansible_host }}"
    port: "{{ ansible_httpapi_port }}"
  register: served
  delegate_to: localhost

- name: CERT-02 | PATCH | Served certificate is valid for more than 30 days
  voicesec.mivb.cert_renewal_status:
    served: "{{ served.cert }}"
    trusted: true
    renew_days: 30
"""

RETURN = r"""
served:
  description: The served leaf - sha256_fingerprint, serial_number, subject, issuer, not_after (ISO 8601 UTC),
    days_left, self_signed.
  returned: always
  type: dict
renewal_due:
  description: Whether the served certificate must be renewed.
  returned: always
  type: bool
reasons:
  description: Why a renewal is due (empty when it is not).
  returned: always
  type: list
  elements: str
issued_by_ca:
  description: The served chain verified to the inventory CA bundle.
  returned: always
  type: bool
proven:
  description: With O(new_certificate) - the served leaf is the new one, trusted, and not due.
  returned: when new_certificate is given
  type: bool
failures:
  description: With O(new_certificate) - what the proof found wrong.
  returned: when new_certificate is given
  type: list
  elements: str
controls:
  description: C({"CERT-02" - {"status", "detail"}}) for the compliance report.
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voicesec.mivb.plugins.module_utils.cert_renewal import SPEC, judge
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError


def main():
    # Normally the action plugin of the same name runs this on the control node.
    module = AnsibleModule(argument_spec=SPEC, supports_check_mode=True)
    try:
        result = judge(module.params, module.check_mode)
    except InputError as exc:
        module.fail_json(msg=exc.message)
    if result.pop("failed"):
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
