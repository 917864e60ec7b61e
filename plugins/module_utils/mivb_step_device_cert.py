# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CERT-03: the Device Certificate (SAT form "Device Certificate", controller-to-controller).

Security Guidelines 9.4, "Controller to Controller Authentication": "By default, the MiVoice
Business uses the Mitel legacy certificate. You can replace [it with] a certificate signed by
an enterprise or public Certificate Authority (CA) obtained through a Certificate Signing
Request (CSR). Alternatively, you can also use the Web Server certificate ... as a device
certificate."

source ca_signed: the controller generates the key and the CSR (the key never leaves it); the
toolkit signs the CSR's public key with the inventory's CA (mivb_certs.sign_csr) under the
inventory's subject and subjectAltNames and installs it with the CA chain. Compliant when the
installed certificate is ca_signed, verifies against the inventory's CA, carries the wanted
subject/SANs and is not within the renewal window. source web_certificate: the controller
reuses its web server certificate. The CA's private key is read from the control node only
to sign; it is never sent, logged or reported.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_certs import (
    common_name,
    days_remaining,
    fingerprint,
    is_self_signed,
    iso,
    issued_by,
    load_certs,
    load_key,
    not_after,
    read_pem_file,
    sign_csr,
    subject_alt_names,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError, MivbError
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import (
    ControlDef,
    PlanContext,
    StepDef,
    result,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_validation import check_choice, check_int_range

FORM = "device_certificate"
SOURCES = ("ca_signed", "web_certificate")
VIEW = ("type", "subject", "issuer", "sha256_fingerprint", "not_after")


def _pem(cert: Any) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding

    return cert.public_bytes(Encoding.PEM).decode()


class DeviceCertificateBackend:
    def __init__(self, transport: Any, params: dict[str, Any], check: bool = False) -> None:
        self.transport = transport
        self.check = check
        self.source = check_choice("device_cert_source", params.get("device_cert_source") or "ca_signed", SOURCES)
        self.renew_within_days = check_int_range("renew_within_days", params.get("renew_within_days") or 30, 1, 3650)
        self.have: dict[str, Any] = {}
        self.after: dict[str, Any] | None = None
        self.reasons: list[str] = []
        self.applied = False
        self.ca: Any = None
        if self.source == "ca_signed":
            self._load_ca(params)

    def _load_ca(self, params: dict[str, Any]) -> None:
        for field in ("device_cert_common_name", "device_ca_certificate", "device_ca_private_key"):
            if not params.get(field):
                raise InputError(f"{field}: required when CERT-03 signs the device certificate with the inventory's "
                                 "CA (or set the source to web_certificate); nothing was changed", field=field)
        cn = str(params["device_cert_common_name"])
        if not 1 <= len(cn) <= 64:
            raise InputError("device_cert_common_name: must be 1-64 characters; nothing was changed",
                             field="device_cert_common_name", allowed="1-64 characters")
        sans = params.get("device_cert_subject_alt_names") or []
        if not isinstance(sans, list) or not all(isinstance(s, str) and s for s in sans):
            raise InputError("device_cert_subject_alt_names: must be a list of DNS names / IP addresses; nothing "
                             "was changed", field="device_cert_subject_alt_names")
        self.cn, self.sans = cn, list(sans)
        self.validity_days = check_int_range("device_cert_validity_days",
                                             params.get("device_cert_validity_days") or 825, 30, 3650)
        if self.validity_days <= self.renew_within_days:
            raise InputError(f"device_cert_validity_days: {self.validity_days} is not longer than the renewal window "
                             f"({self.renew_within_days} days): every new device certificate would be due at once; "
                             "nothing was changed", field="device_cert_validity_days",
                             allowed=f"{self.renew_within_days + 1}-3650")
        ca_path, key_path = str(params["device_ca_certificate"]), str(params["device_ca_private_key"])
        chain = load_certs("device_ca_certificate", read_pem_file("device_ca_certificate", ca_path))
        self.ca = chain[0]
        # The chain the controller serves after the leaf: the issuing CA and its intermediates, not the root.
        self.chain = [c for c in chain if not is_self_signed(c)]
        # OpenSSL's RSA consistency check (about 60 ms per load) only when this run may sign
        # (not in check mode); in check mode the public-key match below is all the key is used for.
        key = load_key("device_ca_private_key", read_pem_file("device_ca_private_key", key_path),
                       consistency=not self.check)
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        def spki(pub: Any) -> bytes:
            return pub.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)

        if spki(key.public_key()) != spki(self.ca.public_key()):
            raise InputError("device_ca_private_key: does not belong to the CA certificate in device_ca_certificate; "
                             "nothing was changed", field="device_ca_private_key")
        try:
            is_ca = self.ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            is_ca = False
        if not is_ca:
            raise InputError("device_ca_certificate: the first certificate is not a CA (basicConstraints CA:TRUE); "
                             "nothing was changed", field="device_ca_certificate")
        if days_remaining(self.ca) < 1:
            raise InputError(f"device_ca_certificate: the CA expired on {iso(not_after(self.ca))}; nothing was "
                             "changed", field="device_ca_certificate")
        self._ca_key = key

    # -- decide ------------------------------------------------------------------------------
    def problems(self, fields: dict[str, Any]) -> list[str]:
        """Why the installed device certificate is not the intended one (empty: it is)."""
        kind = fields.get("type")
        if self.source == "web_certificate":
            return [] if kind == "web_certificate" else [f"the device certificate is {kind}, not the web certificate"]
        out = [] if kind == "ca_signed" else [f"the device certificate is {kind}, not CA-signed"]
        pem = fields.get("certificate_pem")
        if not pem:
            return [*out, "the controller shows no device certificate"]
        leaf = load_certs("device certificate", pem)[0]
        if not issued_by(leaf, self.ca):
            out.append(f"issued by {leaf.issuer.rfc4514_string()}, not by the inventory's CA "
                       f"({self.ca.subject.rfc4514_string()})")
        if common_name(leaf) != self.cn:
            out.append(f"CN is {common_name(leaf)}, not {self.cn}")
        if sorted(subject_alt_names(leaf)) != sorted(self.sans):
            out.append(f"subjectAltNames are {', '.join(subject_alt_names(leaf)) or 'none'}, not "
                       f"{', '.join(self.sans) or 'none'}")
        days = days_remaining(leaf)
        if days < self.renew_within_days:
            out.append(f"expires {iso(not_after(leaf))} ({days} day(s) left, renewal window {self.renew_within_days})")
        return out

    def needs_change(self) -> bool:
        self.have = self.transport.get_form(FORM)
        self.reasons = self.problems(self.have)
        return bool(self.reasons)

    def apply(self) -> None:
        if self.source == "web_certificate":
            self.transport.put_form(FORM, {"reuse_web_certificate": True})
        else:
            answer = self.transport.send_request("POST", f"/forms/{FORM}/csr",
                                                 {"common_name": self.cn, "subject_alt_names": self.sans})
            csr_pem = answer.get("csr_pem") if isinstance(answer, dict) else None
            leaf = sign_csr(str(csr_pem or ""), self.ca, self._ca_key, self.cn, self.sans, self.validity_days,
                            dt.datetime.now(dt.UTC))
            body = {"certificate_pem": _pem(leaf)}
            if self.chain:
                body["intermediate_pem"] = "".join(_pem(c) for c in self.chain)
            self.transport.put_form(FORM, body)
        self.applied = True

    # -- report ------------------------------------------------------------------------------
    def describe(self, fields: dict[str, Any]) -> str:
        pem = fields.get("certificate_pem")
        if not pem:
            return f"device certificate {fields.get('type')}"
        leaf = load_certs("device certificate", pem)[0]
        return (f"device certificate {fields.get('type')}: subject {leaf.subject.rfc4514_string()}, issuer "
                f"{leaf.issuer.rfc4514_string()}, SAN {', '.join(subject_alt_names(leaf)) or 'none'}, expires "
                f"{iso(not_after(leaf))} ({days_remaining(leaf)} day(s)), SHA-256 {fingerprint(leaf)}")


def _view(fields: dict[str, Any] | None) -> dict[str, Any]:
    return {k: (fields or {}).get(k) for k in VIEW}


def run(plan: PlanContext, backend: DeviceCertificateBackend, ids: list[str]) -> None:
    """Read once; when it differs (not in check mode): CSR on the controller, sign, install,
    then a fresh read must show the intended certificate."""
    change = backend.needs_change()
    if change and not plan.check:
        backend.apply()
        fresh = plan.transport.reread_form(FORM)
        left = backend.problems(fresh)
        if left:
            raise MivbError(f"installed, but a fresh read still shows: {'; '.join(left)}")
        backend.after = fresh
    shown = backend.after or backend.have
    if not change:
        plan.out.controls["CERT-03"] = result("compliant", backend.describe(shown))
        plan.out.steps.append({"step": FORM, "outcome": "ok"})
        return
    before, after = _view(backend.have), _view(backend.after) if backend.after else {"type": backend.source}
    verb = "replaced; now " + backend.describe(shown) if backend.applied else "would be replaced"
    plan.out.controls["CERT-03"] = result("drift", f"{'; '.join(backend.reasons)}: {verb}",
                                          remediated=backend.applied, diff={"before": before, "after": after})
    plan.out.changed = True
    plan.out.diffs.append({"before_header": FORM, "after_header": FORM, "before": before, "after": after})
    plan.out.steps.append({"step": FORM, "outcome": "changed" if backend.applied else "would change"})


STEP = StepDef(
    name=FORM,
    controls=(
        ControlDef("CERT-03", FORM, {
            "device_cert_source": "mivb_hardening_device_cert_source",
            "device_cert_common_name": "mivb_device_cert_common_name",
            "device_cert_subject_alt_names": "mivb_device_cert_subject_alt_names",
            "device_ca_certificate": "mivb_device_ca_certificate_path",
            "device_ca_private_key": "mivb_device_ca_private_key_path",
            "device_cert_validity_days": "mivb_hardening_device_cert_validity_days",
            "renew_within_days": "mivb_hardening_cert_renew_days",
        }),
    ),
    build=lambda plan, params: DeviceCertificateBackend(plan.transport, params, bool(plan.check)),
    run=run,
)
