#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: web_certificate
short_description: Install the MiVB web server certificate and report its expiry (CERT-01, CERT-02)
version_added: 0.1.0
author: voicesec maintainers (@voicesec)
description:
  - Validates the certificate, key and intermediates locally with C(cryptography) before anything is
    uploaded - PEM, key matches the certificate, each intermediate issued the previous certificate (chain
    order), currently valid, not self-signed unless O(allow_self_signed) - and fails naming the field.
  - Idempotent on the SHA-256 fingerprint of the installed leaf (and of the chain when O(intermediate) is given).
  - Without O(certificate) it only reports (CERT-02) the installed and the served certificate and the days
    remaining.
  - The served certificate is read with a TLS handshake to the controller's HTTPS port.
# Generated from plugins/module_utils/mivb_specs.py by scripts/gen_module_docs.py: edit the rows there.
options:
  certificate:
    description:
      - CERT-01 Leaf certificate, PEM content.
    type: str
  private_key:
    description:
      - CERT-01 Private key of the leaf, unencrypted PEM content. Required with O(certificate).
    type: str
  intermediate:
    description:
      - CERT-01 Intermediate CA certificate(s), PEM content, issuer of the leaf first.
    type: str
  allow_self_signed:
    description:
      - CERT-01 Accept a self-signed leaf (not CERT-01 compliant; for labs only).
    type: bool
    default: false
  renew_within_days:
    description:
      - CERT-02 renewal window; RV(renewal_due) is true when fewer days remain on the served certificate.
      - Range 1-3650, checked before any request.
    type: int
    default: 30
extends_documentation_fragment:
  - voicesec.mivb.mivb
  - voicesec.mivb.mivb.attributes
"""

EXAMPLES = r"""
- name: CERT-01 | PATCH | Web server certificate from the enterprise CA is installed
  voicesec.mivb.web_certificate:
    certificate: "{{ lookup('ansible.builtin.file', mivb_web_certificate_path) }}"
    private_key: "{{ lookup('ansible.builtin.file', mivb_web_private_key_path) }}"
    intermediate: "{{ lookup('ansible.builtin.file', mivb_web_chain_path) }}"

- name: CERT-02 | AUDIT | Served certificate is not due for renewal
  voicesec.mivb.web_certificate:
    renew_within_days: 30
  register: cert
"""

RETURN = r"""
sha256_fingerprint:
  description: SHA-256 fingerprint of the installed leaf (upper-case hex, colon separated).
  returned: always
  type: str
not_after:
  description: Expiry of the installed leaf (ISO 8601, UTC).
  returned: always
  type: str
days_remaining:
  description: Whole days until the installed leaf expires.
  returned: always
  type: int
served:
  description: The certificate the controller serves on a TLS handshake (fingerprint, subject, issuer,
    not_after, days_remaining, self_signed), or C(error).
  returned: always
  type: dict
served_matches_installed:
  description: Whether the served leaf is the installed one.
  returned: always
  type: bool
renewal_due:
  description: Fewer than O(renew_within_days) days remain on the served certificate.
  returned: always
  type: bool
controls:
  description:
    - CERT-01 C(status) (C(drift) when the certificate had to be installed, else C(compliant)), C(detail), C(diff).
    - Empty without O(certificate); CERT-02 is judged by the caller from RV(renewal_due).
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_specs
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_certs import WebCertificateBackend
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_forms import run_backend


def main():
    module = AnsibleModule(supports_check_mode=True, **mivb_specs.WEB_CERTIFICATE)
    run_backend(module, WebCertificateBackend)


if __name__ == "__main__":
    main()
