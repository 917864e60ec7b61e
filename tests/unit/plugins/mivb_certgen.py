"""Small certificate factory for the web_certificate tests (CA -> intermediate -> leaf)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

NOW = dt.datetime.now(dt.UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _cert(subject: str, key: Any, issuer: str, issuer_key: Any, ca: bool, start: dt.datetime,
          end: dt.datetime, san: str | None = None) -> x509.Certificate:
    b = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(start).not_valid_after(end)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
         .add_extension(x509.KeyUsage(digital_signature=not ca, key_encipherment=not ca, key_cert_sign=ca,
                                      crl_sign=ca, content_commitment=False, data_encipherment=False,
                                      key_agreement=False, encipher_only=False, decipher_only=False),
                        critical=True))
    if san:
        import ipaddress

        b = b.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(san))]), False)
    return b.sign(issuer_key, hashes.SHA256())


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def key_pem(key: Any) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@dataclass
class Bundle:
    root: str
    intermediate: str
    leaf: str
    key: str
    leaf_obj: x509.Certificate


def issue(san: str | None = "127.0.5.1", start: dt.datetime | None = None, end: dt.datetime | None = None,
          self_signed: bool = False) -> Bundle:
    start = start or NOW - dt.timedelta(days=1)
    end = end or NOW + dt.timedelta(days=200)
    root_key, inter_key, leaf_key = _key(), _key(), _key()
    root = _cert("Test Root", root_key, "Test Root", root_key, True, NOW - dt.timedelta(days=10),
                 NOW + dt.timedelta(days=3650))
    inter = _cert("Test Issuing", inter_key, "Test Root", root_key, True, NOW - dt.timedelta(days=10),
                  NOW + dt.timedelta(days=1000))
    if self_signed:
        leaf = _cert("leaf", leaf_key, "leaf", leaf_key, False, start, end, san)
    else:
        leaf = _cert("leaf", leaf_key, "Test Issuing", inter_key, False, start, end, san)
    return Bundle(pem(root), pem(inter), pem(leaf), key_pem(leaf_key), leaf)
