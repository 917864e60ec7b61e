"""Certificates: factory generation, PEM validation for installs, CSRs, descriptions."""

from __future__ import annotations

import datetime as dt
import ipaddress
import threading
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .clock import iso
from .errors import invalid

_PEM_CERT = "-----BEGIN CERTIFICATE-----"


def new_rsa_key() -> rsa.RSAPrivateKey:
    # RSA because every suite of the guideline authenticates with RSA (ECDHE-RSA / RSA kx).
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def key_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def cert_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _san_entries(names: list[str]) -> list[x509.GeneralName]:
    out: list[x509.GeneralName] = []
    for name in names:
        try:
            out.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            out.append(x509.DNSName(name))
    return out


def self_signed(
    key: rsa.RSAPrivateKey,
    common_name: str,
    san: list[str],
    now: dt.datetime,
    days: int,
    organization: str | None = None,
) -> x509.Certificate:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attrs.insert(0, x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    name = x509.Name(attrs)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # SKI/AKI/EKU keep strict verifiers (Python 3.13's default context) happy when a
        # client pins this certificate as its trust anchor.
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
    )
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(_san_entries(san)), critical=False)
    return builder.sign(key, hashes.SHA256())


_legacy_lock = threading.Lock()
_legacy_key: rsa.RSAPrivateKey | None = None


def legacy_device_key() -> rsa.RSAPrivateKey:
    """The "Mitel legacy" device key: one per process, shared by every controller.

    Real controllers ship the same legacy device certificate everywhere, which is exactly
    why CERT-03 replaces it; sharing the key also keeps lab start-up fast.
    """
    global _legacy_key
    with _legacy_lock:
        if _legacy_key is None:
            _legacy_key = new_rsa_key()
        return _legacy_key


def load_certs(text: object, field: str) -> list[x509.Certificate]:
    if not isinstance(text, str) or _PEM_CERT not in text:
        raise invalid(field, f"{field} must be PEM text (-----BEGIN CERTIFICATE-----)", ["PEM"])
    try:
        certs = x509.load_pem_x509_certificates(text.encode())
    except ValueError as exc:
        raise invalid(field, f"{field} is not a valid PEM certificate: {exc}", ["PEM"]) from None
    if not certs:
        raise invalid(field, f"{field} holds no certificate", ["PEM"])
    return certs


def load_private_key(text: object, field: str) -> rsa.RSAPrivateKey:
    if not isinstance(text, str) or "-----BEGIN" not in text or "PRIVATE KEY-----" not in text:
        raise invalid(field, f"{field} must be an unencrypted PEM private key", ["PEM"])
    try:
        key = serialization.load_pem_private_key(text.encode(), password=None)
    except (ValueError, TypeError):
        raise invalid(field, f"{field} is not a valid unencrypted PEM private key", ["PEM"]) from None
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        raise invalid(field, f"{field} must be an RSA key of 2048 bits or more", ["RSA >= 2048"])
    return key


def same_public_key(cert: x509.Certificate, public_key: object) -> bool:
    fmt = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return cert.public_key().public_bytes(*fmt) == public_key.public_bytes(*fmt)  # type: ignore[attr-defined]


def issued_by(child: x509.Certificate, issuer: x509.Certificate) -> bool:
    if child.issuer != issuer.subject:
        return False
    pub = issuer.public_key()
    try:
        if isinstance(pub, rsa.RSAPublicKey):
            pub.verify(
                child.signature,
                child.tbs_certificate_bytes,
                padding.PKCS1v15(),
                child.signature_hash_algorithm,  # type: ignore[arg-type]
            )
        elif isinstance(pub, ec.EllipticCurvePublicKey):
            pub.verify(
                child.signature,
                child.tbs_certificate_bytes,
                ec.ECDSA(child.signature_hash_algorithm),  # type: ignore[arg-type]
            )
        else:
            return False
    except InvalidSignature:
        return False
    return True


def check_chain(leaf: x509.Certificate, intermediates: list[x509.Certificate], field: str) -> None:
    """Each intermediate must have issued the certificate before it, in order."""
    child = leaf
    for index, parent in enumerate(intermediates):
        if not issued_by(child, parent):
            raise invalid(
                field,
                f"{field} certificate #{index + 1} ({parent.subject.rfc4514_string()}) did not issue "
                f"{child.subject.rfc4514_string()}; intermediates must be in order, issuer of the leaf first",
            )
        child = parent


def check_validity(cert: x509.Certificate, now: dt.datetime, field: str) -> None:
    if now < cert.not_valid_before_utc:
        raise invalid(field, f"{field} is not valid before {iso(cert.not_valid_before_utc)}")
    if now > cert.not_valid_after_utc:
        raise invalid(field, f"{field} expired at {iso(cert.not_valid_after_utc)}")


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def fingerprint_der(der: bytes) -> str:
    return x509.load_der_x509_certificate(der).fingerprint(hashes.SHA256()).hex(":").upper()


def is_self_signed(cert: x509.Certificate) -> bool:
    return issued_by(cert, cert)


@dataclass
class CertInfo:
    subject: str
    issuer: str
    serial: str
    not_before: str
    not_after: str
    sha256_fingerprint: str
    self_signed: bool


def describe(cert: x509.Certificate) -> CertInfo:
    return CertInfo(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial=format(cert.serial_number, "X"),
        not_before=iso(cert.not_valid_before_utc),
        not_after=iso(cert.not_valid_after_utc),
        sha256_fingerprint=fingerprint(cert),
        self_signed=is_self_signed(cert),
    )


def make_csr(key: rsa.RSAPrivateKey, common_name: str, sans: list[str]) -> str:
    builder = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(_san_entries(sans)), critical=False)
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()
