"""The one X.509 builder: keys, names, certificates and CSRs on `cryptography`.

Used by the lab CA (emulators/lab_ca.py), the MiVB emulator's factory certificates and CSRs
(emulators/mivb/certs.py) and the unit tests' certificate bundles; a unit test fails when a
second builder appears. The collection (plugins/) only parses and validates certificates and
never imports this module; Ansible tasks that build certificates use community.crypto.

Profiles follow RFC 5280 as the strict verifiers read it (OpenSSL 3 with
VERIFY_X509_STRICT, Python 3.13's default context): every certificate carries
BasicConstraints (critical), KeyUsage (critical), SubjectKeyIdentifier and
AuthorityKeyIdentifier; a CA may sign certificates and CRLs; a leaf signs and enciphers keys
and carries the extended key usages it serves (serverAuth by default) and its
subjectAltNames (IP address or DNS name).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import threading
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SERVER_AUTH = ExtendedKeyUsageOID.SERVER_AUTH
CLIENT_AUTH = ExtendedKeyUsageOID.CLIENT_AUTH

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey


# -- keys -----------------------------------------------------------------------------------
def new_key() -> rsa.RSAPrivateKey:
    """An RSA 2048 key: every cipher suite the guideline allows authenticates with RSA."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def new_ec_key() -> ec.EllipticCurvePrivateKey:
    """A P-256 key (tests use it to prove that non-RSA keys are refused)."""
    return ec.generate_private_key(ec.SECP256R1())


_shared_lock = threading.Lock()
_shared_keys: dict[Hashable, rsa.RSAPrivateKey] = {}


def shared_key(label: Hashable) -> rsa.RSAPrivateKey:
    """One RSA key per label and process, made on first use (thread-safe).

    For keys that are the same everywhere on purpose (the emulator's legacy device key) and
    for tests, where RSA key generation would otherwise dominate the run time.
    """
    with _shared_lock:
        if label not in _shared_keys:
            _shared_keys[label] = new_key()
        return _shared_keys[label]


# -- names ----------------------------------------------------------------------------------
def name(common_name: str, organization: str | None = None) -> x509.Name:
    """O=organization (when given), CN=common_name."""
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attrs.insert(0, x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    return x509.Name(attrs)


def general_names(names: Sequence[str]) -> list[x509.GeneralName]:
    """subjectAltName entries: an IP address where the text is one, else a DNS name."""
    out: list[x509.GeneralName] = []
    for entry in names:
        try:
            out.append(x509.IPAddress(ipaddress.ip_address(entry)))
        except ValueError:
            out.append(x509.DNSName(entry))
    return out


# -- certificates ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Issuer:
    """Who signs: the issuer's subject name and private key."""

    name: x509.Name
    key: PrivateKey

    @classmethod
    def of(cls, cert: x509.Certificate, key: PrivateKey) -> Issuer:
        return cls(cert.subject, key)


def _key_usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=not ca,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def certificate(
    subject: x509.Name,
    public_key: PublicKey,
    issuer: Issuer,
    not_before: dt.datetime,
    not_after: dt.datetime,
    *,
    ca: bool = False,
    path_length: int | None = None,
    sans: Sequence[str] = (),
    usages: Sequence[x509.ObjectIdentifier] | None = None,
    authority_key_id: bool = True,
) -> x509.Certificate:
    """Build and sign one certificate.

    `ca` makes a CA (BasicConstraints ca=True with `path_length`, keyCertSign + cRLSign);
    otherwise a leaf with digitalSignature + keyEncipherment and the extended key usages in
    `usages` (serverAuth when None). `authority_key_id=False` leaves the AKI out: tests use
    it to prove that such certificates are refused. Self-signed: Issuer(subject, own key).
    """
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), critical=True)
        .add_extension(_key_usage(ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if authority_key_id:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    if not ca:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(usages or [SERVER_AUTH])), critical=False)
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(general_names(sans)), critical=False)
    return builder.sign(issuer.key, hashes.SHA256())


# -- CSRs -----------------------------------------------------------------------------------
def csr(key: PrivateKey, common_name: str, sans: Sequence[str] = ()) -> x509.CertificateSigningRequest:
    """A PKCS#10 request: CN=common_name, plus subjectAltNames when given."""
    builder = x509.CertificateSigningRequestBuilder().subject_name(name(common_name))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(general_names(sans)), critical=False)
    return builder.sign(key, hashes.SHA256())


def _csr_sans(request: x509.CertificateSigningRequest) -> list[str]:
    """The request's subjectAltNames as text (IP addresses first, then DNS names)."""
    try:
        ext = request.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [str(ip) for ip in ext.get_values_for_type(x509.IPAddress)] + ext.get_values_for_type(x509.DNSName)


def sign_csr(
    request: x509.CertificateSigningRequest, issuer: Issuer, not_before: dt.datetime, not_after: dt.datetime
) -> x509.Certificate:
    """A serverAuth leaf for a request: its subject, key and subjectAltNames, signed by issuer."""
    if not request.is_signature_valid:
        raise ValueError("CSR signature is not valid")
    public_key = request.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        raise ValueError("only RSA and EC keys are signed")
    return certificate(request.subject, public_key, issuer, not_before, not_after, sans=_csr_sans(request))


# -- PEM ------------------------------------------------------------------------------------
def cert_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def csr_pem(request: x509.CertificateSigningRequest) -> str:
    return request.public_bytes(serialization.Encoding.PEM).decode()


def key_pem(key: PrivateKey) -> str:
    """Unencrypted PKCS#8: callers write it 0600 (lab CA) or into the emulator's state."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
