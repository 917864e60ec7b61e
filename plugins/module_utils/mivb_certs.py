# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate checks (before any upload), the web server certificate backend (CERT-01/02) and
the toolkit's one certificate builder: signing a CSR generated on the controller (CERT-03)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_options, mivb_specs
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError, MivbError

FORM = "web_server_certificate"


def _x509() -> Any:
    try:
        from cryptography import x509
    except ImportError as exc:  # pragma: no cover - cryptography is a collection requirement
        raise InputError("the Python library 'cryptography' is required on the control node") from exc
    return x509


def read_pem_file(field: str, path: str) -> str:
    """A PEM file on the control node; the error names the variable, never the content."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError(f"{field}: cannot read {path} ({exc.strerror}); nothing was pushed", field=field) from None
    except UnicodeDecodeError:
        raise InputError(f"{field}: {path} is not a text (PEM) file; nothing was pushed", field=field,
                         allowed="PEM") from None


def load_certs(field: str, pem: str) -> list[Any]:
    x509 = _x509()
    text = (pem or "").strip()
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise InputError(f"{field}: not a PEM certificate (no '-----BEGIN CERTIFICATE-----' block); "
                         "convert DER/PKCS#12 to PEM first; nothing was pushed", field=field, allowed="PEM")
    try:
        return list(x509.load_pem_x509_certificates(text.encode()))
    except ValueError as exc:
        raise InputError(f"{field}: PEM certificate could not be parsed ({exc}); nothing was pushed",
                         field=field, allowed="PEM") from exc


def load_key(field: str, pem: str, consistency: bool = True) -> Any:
    """consistency=False skips OpenSSL's RSA private-key consistency check (the largest
    single cost of an audit, docs/performance.md):
    enough to compare the public key with the certificate's; the full check runs before a key is
    uploaded (WebCertificateBackend.apply)."""
    from cryptography.hazmat.primitives import serialization

    text = (pem or "").strip()
    if "PRIVATE KEY-----" not in text:
        raise InputError(f"{field}: not a PEM private key; nothing was pushed", field=field, allowed="PEM")
    try:
        return serialization.load_pem_private_key(text.encode(), password=None,
                                                  unsafe_skip_rsa_key_validation=not consistency)
    except (ValueError, TypeError) as exc:
        # The exception text never contains key material; keep it short anyway.
        raise InputError(f"{field}: PEM private key could not be loaded (encrypted or corrupt); "
                         "nothing was pushed", field=field) from exc


def fingerprint(cert: Any) -> str:
    from cryptography.hazmat.primitives import hashes

    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def normalise_fp(value: Any) -> str:
    return str(value or "").replace(":", "").upper()


def _public_der(pub: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def issued_by(child: Any, parent: Any) -> bool:
    if child.issuer != parent.subject:
        return False
    try:
        child.verify_directly_issued_by(parent)
    except (ValueError, TypeError, Exception):  # InvalidSignature is not a ValueError
        return False
    return True


def is_self_signed(cert: Any) -> bool:
    return issued_by(cert, cert)


def not_after(cert: Any) -> dt.datetime:
    return cert.not_valid_after_utc


def iso(when: dt.datetime) -> str:
    """The contract's timestamp format (ISO 8601 UTC with Z)."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def days_remaining(cert: Any, now: dt.datetime | None = None) -> int:
    now = now or dt.datetime.now(dt.UTC)
    return int((not_after(cert) - now).total_seconds() // 86400)


def check_bundle(cert_pem: str, key_pem: str, chain_pem: str | None, allow_self_signed: bool,
                 now: dt.datetime | None = None, *, key_consistency: bool = True) -> tuple[Any, list[Any]]:
    """Everything the controller would refuse, refused here first with the field named."""
    now = now or dt.datetime.now(dt.UTC)
    leaves = load_certs("certificate", cert_pem)
    if len(leaves) != 1:
        raise InputError("certificate: must hold exactly one certificate (the leaf); put intermediates "
                         "in intermediate; nothing was pushed", field="certificate")
    leaf = leaves[0]
    chain = load_certs("intermediate", chain_pem) if chain_pem and chain_pem.strip() else []
    key = load_key("private_key", key_pem, key_consistency)
    from cryptography.hazmat.primitives.asymmetric import rsa

    # The controller's web server accepts RSA keys of 2048 bits or more only.
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        raise InputError("private_key: must be an RSA key of 2048 bits or more; nothing was pushed",
                         field="private_key", allowed="RSA >= 2048")
    if _public_der(key.public_key()) != _public_der(leaf.public_key()):
        raise InputError("private_key: does not match the certificate's public key; nothing was pushed",
                         field="private_key")
    if leaf.not_valid_before_utc > now:
        raise InputError(f"certificate: not yet valid (valid from {iso(leaf.not_valid_before_utc)}); "
                         "nothing was pushed", field="certificate")
    if leaf.not_valid_after_utc < now:
        raise InputError(f"certificate: expired on {iso(leaf.not_valid_after_utc)}; nothing was pushed",
                         field="certificate")
    prev = leaf
    for i, inter in enumerate(chain):
        if not issued_by(prev, inter):
            raise InputError(f"intermediate: certificate #{i + 1} ({inter.subject.rfc4514_string()}) did not "
                             f"issue {prev.subject.rfc4514_string()}; order the chain leaf-issuer first; "
                             "nothing was pushed", field="intermediate")
        prev = inter
    if is_self_signed(leaf) and not allow_self_signed:
        raise InputError("certificate: self-signed; CERT-01 requires a certificate from an enterprise or "
                         "public CA (set allow_self_signed to override); nothing was pushed", field="certificate")
    return leaf, chain


def subject_alt_names(cert: Any) -> list[str]:
    """A certificate's subjectAltNames as text: IP addresses, then DNS names."""
    x509 = _x509()
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [str(ip) for ip in ext.get_values_for_type(x509.IPAddress)] + list(ext.get_values_for_type(x509.DNSName))


def common_name(cert: Any) -> str | None:
    x509 = _x509()
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else None


def general_name(value: str) -> Any:
    """An IP address or a DNS name, as a subjectAltName / verification name."""
    import ipaddress

    x509 = _x509()
    try:
        return x509.IPAddress(ipaddress.ip_address(value))
    except ValueError:
        return x509.DNSName(value)


def sign_csr(csr_pem: str, ca_cert: Any, ca_key: Any, cn: str, sans: list[str], days: int,
             now: dt.datetime | None = None) -> Any:
    """A leaf for a CSR generated on the controller: the CSR's public key (the private key never
    leaves the controller), the inventory's subject and subjectAltNames (not the CSR's), signed
    by the inventory's CA; serverAuth + clientAuth, as controllers authenticate each other.
    The CSR's own signature proves the controller holds the key."""
    x509 = _x509()
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    try:
        request = x509.load_pem_x509_csr(str(csr_pem or "").encode())
    except ValueError as exc:
        raise MivbError(f"the controller's CSR could not be parsed ({exc})") from None
    if not request.is_signature_valid:
        raise MivbError("the controller's CSR signature is not valid: nothing was signed")
    public_key = request.public_key()
    if not ((isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size >= 2048)
            or isinstance(public_key, ec.EllipticCurvePublicKey)):
        raise MivbError("the controller's CSR key is not RSA >= 2048 or EC: nothing was signed")
    now = now or dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, cn)]))
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(min(now + dt.timedelta(days=days), ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.ExtendedKeyUsageOID.SERVER_AUTH,
                                              x509.ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([general_name(s) for s in sans]), critical=False)
    return builder.sign(ca_key, hashes.SHA256())


def describe_pem(pem: str, now: dt.datetime | None = None) -> dict[str, Any]:
    cert = load_certs("served certificate", pem)[0]
    return {
        "sha256_fingerprint": fingerprint(cert),
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "not_after": iso(not_after(cert)),
        "days_remaining": days_remaining(cert, now),
        "self_signed": is_self_signed(cert),
    }


class WebCertificateBackend:
    """Install a CA-signed web certificate (idempotent on the leaf's SHA-256) and report expiry."""

    def __init__(self, transport: Any, params: dict[str, Any], key_consistency: bool = True) -> None:
        """key_consistency=False defers the private key's full check to apply() (an audit of a
        fleet does not pay it for keys it will not upload)."""
        self.transport = transport
        self.key_consistency = key_consistency
        params = mivb_options.check(mivb_specs.WEB_CERTIFICATE_OPTIONS, params)
        self.cert_pem = params["certificate"]
        self.key_pem = params["private_key"]
        self.chain_pem = params["intermediate"]
        self.renew_within_days = int(params["renew_within_days"] or 30)
        self.leaf: Any = None
        self.chain: list[Any] = []
        if self.cert_pem or self.key_pem:
            if not (self.cert_pem and self.key_pem):
                field = "private_key" if self.cert_pem else "certificate"
                raise InputError(f"{field}: certificate and private_key are required together", field=field)
            self.leaf, self.chain = check_bundle(self.cert_pem, self.key_pem, self.chain_pem,
                                                 bool(params.get("allow_self_signed")),
                                                 key_consistency=key_consistency)
        self.have: dict[str, Any] = {}
        self.applied = False
        self.change = False

    def needs_change(self) -> bool:
        self.have = self.transport.get_form(FORM)
        if self.leaf is None:
            return False
        same_leaf = normalise_fp(self.have.get("sha256_fingerprint")) == normalise_fp(fingerprint(self.leaf))
        want_chain = [normalise_fp(fingerprint(c)) for c in self.chain]
        have_chain = [normalise_fp(c) for c in self.have.get("chain_sha256") or []]
        self.change = not same_leaf or (self.chain_pem is not None and want_chain != have_chain)
        return self.change

    def apply(self) -> None:
        if not self.change:
            return
        if not self.key_consistency:  # the check deferred from validation, before the key leaves
            load_key("private_key", self.key_pem)
        body = {"certificate_pem": self.cert_pem, "private_key_pem": self.key_pem}
        if self.chain_pem and self.chain_pem.strip():
            body["intermediate_pem"] = self.chain_pem
        self.have_before = dict(self.have)
        self.have = self.transport.put_form(FORM, body)
        self.applied = True

    def _view(self, fields: dict[str, Any]) -> dict[str, Any]:
        return {k: fields.get(k) for k in ("subject", "issuer", "sha256_fingerprint", "not_after", "self_signed",
                                           "chain_sha256")}

    def dump(self) -> dict[str, Any]:
        before = self._view(getattr(self, "have_before", self.have))
        if self.leaf is not None and self.change and not self.applied:
            after = {
                "subject": self.leaf.subject.rfc4514_string(),
                "issuer": self.leaf.issuer.rfc4514_string(),
                "sha256_fingerprint": fingerprint(self.leaf),
                "not_after": iso(not_after(self.leaf)),
                "self_signed": is_self_signed(self.leaf),
                "chain_sha256": [fingerprint(c) for c in self.chain],
            }
        else:
            after = self._view(self.have)
        result: dict[str, Any] = {"before": before, "after": after}
        try:
            served = describe_pem(self.transport.served_certificate()["certificate_pem"])
        except MivbError as exc:
            served = {"error": exc.message}
        installed_pem = self.have.get("certificate_pem")
        installed = describe_pem(installed_pem) if installed_pem else {}
        days = served.get("days_remaining", installed.get("days_remaining"))
        if self.leaf is not None and self.change:
            cert_control = {"status": "drift", "detail": "web certificate " + (
                "installed" if self.applied else "differs") + f": {fingerprint(self.leaf)}",
                "diff": {"before": before, "after": after}}
        else:
            cert_control = {"status": "compliant", "detail": f"installed leaf {installed.get('sha256_fingerprint')}"}
        renewal_due = days is None or days < self.renew_within_days
        result.update({
            "sha256_fingerprint": installed.get("sha256_fingerprint"),
            "not_after": installed.get("not_after"),
            "days_remaining": installed.get("days_remaining"),
            "served": served,
            "served_matches_installed": served.get("sha256_fingerprint") == installed.get("sha256_fingerprint"),
            "renew_within_days": self.renew_within_days,
            "renewal_due": renewal_due,
            # CERT-02 is judged by the role's AUDIT task (renewal is the cert_renewal job's work).
            "controls": {"CERT-01": cert_control} if self.leaf is not None else {},
            "msg": f"served certificate: {days} day(s) remaining, renewal window {self.renew_within_days} day(s)"
            + ("; renewal due" if renewal_due else ""),
        })
        return result
