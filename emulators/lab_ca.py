"""A small certificate authority for the emulated lab.

The lab plays the part of an enterprise CA: it issues the web server certificates the
demo installs on the emulated controllers (CERT-01), and its issuing CA (intermediate.pem
and intermediate.key, exposed to the inventory as lab_ca_issuing_certificate/_key) signs
the CSRs of the renewal job (playbooks/cert_renew.yml, ownca back-end). Keys are RSA 2048
because every cipher suite the guideline allows authenticates with RSA.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from emulators import x509_builder as xb

_ORG = "voicesec lab"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _write_private(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(data)


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
        root_key, int_key = xb.new_key(), xb.new_key()
        start = _now() - dt.timedelta(days=1)
        root_name = xb.name("voicesec lab root CA", _ORG)
        root = xb.certificate(
            root_name,
            root_key.public_key(),
            xb.Issuer(root_name, root_key),
            start,
            _now() + dt.timedelta(days=3650),
            ca=True,
            path_length=1,
        )
        inter = xb.certificate(
            xb.name("voicesec lab issuing CA", _ORG),
            int_key.public_key(),
            xb.Issuer.of(root, root_key),
            start,
            _now() + dt.timedelta(days=1825),
            ca=True,
            path_length=0,
        )
        _write_private(self.root_key_path, xb.key_pem(root_key))
        _write_private(self.int_key_path, xb.key_pem(int_key))
        self.root_cert_path.write_text(xb.cert_pem(root))
        self.int_cert_path.write_text(xb.cert_pem(inter))

    def _issuer(self) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        cert = x509.load_pem_x509_certificate(self.int_cert_path.read_bytes())
        key = serialization.load_pem_private_key(self.int_key_path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return cert, key

    def sign(self, public_key: rsa.RSAPublicKey, common_name: str, sans: list[str], days: int = 90) -> x509.Certificate:
        """Issue a TLS server certificate for the given names (IP addresses or DNS names)."""
        issuer_cert, issuer_key = self._issuer()
        return xb.certificate(
            xb.name(common_name, _ORG),
            public_key,
            xb.Issuer.of(issuer_cert, issuer_key),
            _now() - dt.timedelta(minutes=5),
            _now() + dt.timedelta(days=days),
            sans=sans,
        )

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
        key = xb.new_key()
        cert = self.sign(key.public_key(), common_name, sans, days)
        directory.mkdir(parents=True, exist_ok=True)
        _write_private(out.key_path, xb.key_pem(key))
        out.cert_path.write_text(xb.cert_pem(cert))
        out.chain_path.write_bytes(self.int_cert_path.read_bytes())
        return out

    def bundle_pem(self) -> bytes:
        return self.root_cert_path.read_bytes()
