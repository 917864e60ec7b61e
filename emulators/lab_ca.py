"""A small certificate authority for the emulated lab.

The lab plays the part of an enterprise CA: it issues the web server certificates the
demo installs on the emulated controllers (CERT-01), and its issuing CA (intermediate.pem
and intermediate.key, exposed to the inventory as lab_ca_issuing_certificate/_key) signs
the CSRs of the renewal job (playbooks/cert_renew.yml, ownca back-end). Keys are RSA 2048
because every cipher suite the guideline allows authenticates with RSA.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _ca_certificate(
    common_name: str,
    key: rsa.RSAPrivateKey,
    signing_key: rsa.RSAPrivateKey,
    issuer: x509.Name | None,
    path_length: int,
    days: int,
) -> x509.Certificate:
    """A CA certificate: self-signed when issuer is None, else signed by signing_key."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "voicesec lab"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer or name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - dt.timedelta(days=1))
        .not_valid_after(_now() + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()), critical=False
        )
    return builder.sign(signing_key, hashes.SHA256())


@dataclass
class IssuedCertificate:
    cert_path: Path
    key_path: Path
    chain_path: Path


class LabCA:
    """Root CA plus one intermediate, kept in a directory (survives lab restarts)."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.root_cert_path = directory / "root.pem"
        self.root_key_path = directory / "root.key"
        self.int_cert_path = directory / "intermediate.pem"
        self.int_key_path = directory / "intermediate.key"

    def ensure(self) -> None:
        if self.root_cert_path.exists() and self.int_cert_path.exists():
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        root_key, int_key = _new_key(), _new_key()
        root = _ca_certificate("voicesec lab root CA", root_key, root_key, None, path_length=1, days=3650)
        inter = _ca_certificate("voicesec lab issuing CA", int_key, root_key, root.subject, path_length=0, days=1825)
        _write_private(self.root_key_path, _key_pem(root_key))
        _write_private(self.int_key_path, _key_pem(int_key))
        self.root_cert_path.write_bytes(root.public_bytes(serialization.Encoding.PEM))
        self.int_cert_path.write_bytes(inter.public_bytes(serialization.Encoding.PEM))

    def _issuer(self) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        cert = x509.load_pem_x509_certificate(self.int_cert_path.read_bytes())
        key = serialization.load_pem_private_key(self.int_key_path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return cert, key

    def sign(self, public_key: rsa.RSAPublicKey, common_name: str, sans: list[str], days: int = 90) -> x509.Certificate:
        """Issue a TLS server certificate for the given names (IP addresses or DNS names)."""
        issuer_cert, issuer_key = self._issuer()
        alt: list[x509.GeneralName] = []
        for name in sans:
            try:
                alt.append(x509.IPAddress(ipaddress.ip_address(name)))
            except ValueError:
                alt.append(x509.DNSName(name))
        return (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "voicesec lab"),
                        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                    ]
                )
            )
            .issuer_name(issuer_cert.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(_now() - dt.timedelta(minutes=5))
            .not_valid_after(_now() + dt.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
            .sign(issuer_key, hashes.SHA256())
        )

    def sign_csr(self, csr_pem: bytes, days: int = 90) -> bytes:
        """Sign a CSR (subject CN and SAN taken from the request) and return the PEM leaf."""
        csr = x509.load_pem_x509_csr(csr_pem)
        if not csr.is_signature_valid:
            raise ValueError("CSR signature is not valid")
        pub = csr.public_key()
        if not isinstance(pub, rsa.RSAPublicKey):
            raise ValueError("lab CA signs RSA keys only")
        cns = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        cn = str(cns[0].value) if cns else "mivb"
        sans: list[str] = []
        try:
            ext = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            sans = [str(v) for v in ext.get_values_for_type(x509.IPAddress)]
            sans += ext.get_values_for_type(x509.DNSName)
        except x509.ExtensionNotFound:
            sans = [cn]
        return self.sign(pub, cn, sans, days).public_bytes(serialization.Encoding.PEM)

    def issue(self, directory: Path, common_name: str, sans: list[str], days: int = 90) -> IssuedCertificate:
        """Issue (or keep, while it has more than 30 days left) a certificate + key in directory."""
        out = IssuedCertificate(directory / "cert.pem", directory / "key.pem", directory / "chain.pem")
        if out.cert_path.exists() and out.key_path.exists():
            current = x509.load_pem_x509_certificate(out.cert_path.read_bytes())
            issuer_cert, _ = self._issuer()
            try:
                # A lab rebuilt with --fresh has a new CA: its old certificates must go.
                current.verify_directly_issued_by(issuer_cert)
                still_ours = True
            except (ValueError, TypeError, InvalidSignature):
                still_ours = False
            if still_ours and current.not_valid_after_utc - _now() > dt.timedelta(days=30):
                return out
        key = _new_key()
        cert = self.sign(key.public_key(), common_name, sans, days)
        directory.mkdir(parents=True, exist_ok=True)
        _write_private(out.key_path, _key_pem(key))
        out.cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        out.chain_path.write_bytes(self.int_cert_path.read_bytes())
        return out

    def bundle_pem(self) -> bytes:
        return self.root_cert_path.read_bytes()
