"""Certificates: the factory profile, PEM validation for installs, descriptions (built by emulators.x509_builder)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from emulators import x509_builder as xb

from .clock import iso
from .errors import invalid

_PEM_CERT = "-----BEGIN CERTIFICATE-----"


def self_signed(
    key: rsa.RSAPrivateKey,
    common_name: str,
    san: list[str],
    now: dt.datetime,
    days: int,
    organization: str | None = None,
) -> x509.Certificate:
    """A factory certificate: self-signed, with SKI/AKI/EKU so that strict verifiers (Python
    3.13's default context) accept it when a client pins it as its trust anchor."""
    subject = xb.name(common_name, organization)
    return xb.certificate(
        subject,
        key.public_key(),
        xb.Issuer(subject, key),
        now - dt.timedelta(minutes=5),
        now + dt.timedelta(days=days),
        sans=san,
        usages=[xb.SERVER_AUTH, xb.CLIENT_AUTH],
    )


def legacy_device_key() -> rsa.RSAPrivateKey:
    """The "Mitel legacy" device key: one per process, shared by every controller.

    Real controllers ship the same legacy device certificate everywhere, which is exactly
    why CERT-03 replaces it; sharing the key also keeps lab start-up fast.
    """
    return xb.shared_key("mitel-legacy-device")


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
