"""Helpers for the MiVB emulator tests: start controllers, talk HTTPS, do raw TLS handshakes."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import socket
import ssl
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa

from emulators import x509_builder
from emulators.mivb import certs
from emulators.mivb.server import ControllerSpec, EmulatorHandle, RunningController, start_controllers

# Tests stay off the lab's 127.0.1.x / 127.0.2.x; port 0 avoids collisions between workers.
ADDRESS = "127.0.3.1"
NEW_PASSWORD = "Adm1n-Pass-2026"
STRONG_PASSWORD = "Str0ng!!Passw0rd-X"


@cache
def _seed_web_certificate(name: str) -> tuple[str, str]:
    key = x509_builder.new_key()
    cert = certs.self_signed(key, name, [ADDRESS, name], dt.datetime.now(dt.UTC), days=3650)
    return x509_builder.cert_pem(cert), x509_builder.key_pem(key)


def seed_state_dir(state_dir: Path, name: str) -> None:
    if not (state_dir / "web_cert.pem").exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        cert_pem, key_pem = _seed_web_certificate(name)
        (state_dir / "web_cert.pem").write_text(cert_pem)
        (state_dir / "web_key.pem").write_text(key_pem)


def start(state_dir: Path, name: str = "m1", hooks: bool = True, seed: bool = True) -> EmulatorHandle:
    """Start one controller. `seed` pre-places a factory-like web certificate made once per test
    process (RSA key generation dominates test time on a busy 2-core machine); tests about
    the factory certificate itself pass `seed=False`."""
    if seed:
        seed_state_dir(state_dir, name)
    return start_controllers(
        [
            ControllerSpec(
                name,
                ADDRESS,
                str(state_dir),
                https_port=0,
                sip_tls_port=0,
                ip_sets_tls_port=0,
                test_hooks=hooks,
            )
        ]
    )


def _insecure_ctx() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


@dataclass
class Api:
    rc: RunningController
    token: str | None = None

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        conn = http.client.HTTPSConnection(self.rc.address, self.rc.https_port, context=_insecure_ctx(), timeout=10)
        headers = {"Content-Type": "application/json"}
        tok = token or self.token
        if tok:
            headers["Authorization"] = f"Bearer {tok}"
        url = path if path.startswith("/_emulator") else "/api/v1" + path
        try:
            conn.request(method, url, body=json.dumps(body) if body is not None else None, headers=headers)
            resp = conn.getresponse()
            return resp.status, json.loads(resp.read() or b"null")
        finally:
            conn.close()

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        status, data = self.call(method, path, body)
        assert status == 200, (status, data)
        return data

    def login(self, username: str, password: str) -> tuple[int, Any]:
        status, data = self.call("POST", "/login", {"username": username, "password": password})
        if status == 200:
            self.token = data["token"]
        return status, data


def admin(rc: RunningController) -> Api:
    """A ROOT session on a factory controller, past the forced password change."""
    api = Api(rc)
    status, _ = api.login("system", "password")
    assert status == 200
    api.ok("POST", "/password", {"current_password": "password", "new_password": NEW_PASSWORD})
    return api


def add_user(api: Api, username: str, policy: str, password: str = NEW_PASSWORD) -> Api:
    api.ok("PUT", f"/user_profiles/{username}", {"policy": policy, "password": password})
    other = Api(api.rc)
    status, data = other.login(username, password)
    assert status == 200, data
    return other


@dataclass
class Handshake:
    version: str
    cipher: str
    cert_der: bytes


def handshake(
    address: str,
    port: int,
    version: ssl.TLSVersion | None = None,
    ciphers: str = "ALL",
) -> Handshake:
    """Offer exactly `version` (or 1.0-1.2 when None) at SECLEVEL=0, so a refusal is the server's."""
    ctx = _insecure_ctx()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = version or ssl.TLSVersion.TLSv1
        ctx.maximum_version = version or ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers(ciphers + ":@SECLEVEL=0")
    with socket.create_connection((address, port), timeout=10) as raw, ctx.wrap_socket(raw) as tls:
        der = tls.getpeercert(binary_form=True)
        assert der is not None
        cipher = tls.cipher()
        assert cipher is not None
        return Handshake(str(tls.version()), cipher[0], der)


def fingerprint(der: bytes) -> str:
    return x509.load_der_x509_certificate(der).fingerprint(hashes.SHA256()).hex(":").upper()


# -- a small CA for certificate installs ------------------------------------------------
def cached_key(index: int) -> rsa.RSAPrivateKey:
    """Distinct keys, made once per test process."""
    return x509_builder.shared_key(("mivb-tests", index))


def _days(days: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=days)


@dataclass
class Pki:
    root_key: rsa.RSAPrivateKey
    root: x509.Certificate
    inter_key: rsa.RSAPrivateKey
    inter: x509.Certificate

    def issue(self, key: rsa.RSAPrivateKey, cn: str, days: int = 365, start_days: int = -1) -> x509.Certificate:
        issuer = x509_builder.Issuer.of(self.inter, self.inter_key)
        return x509_builder.certificate(x509_builder.name(cn), key.public_key(), issuer, _days(start_days), _days(days))


@cache
def make_pki() -> Pki:
    root_key, inter_key = cached_key(100), cached_key(101)
    root_name = x509_builder.name("Lab Root CA")
    root = x509_builder.certificate(
        root_name, root_key.public_key(), x509_builder.Issuer(root_name, root_key), _days(-1), _days(3650), ca=True
    )
    inter = x509_builder.certificate(
        x509_builder.name("Lab Intermediate CA"),
        inter_key.public_key(),
        x509_builder.Issuer.of(root, root_key),
        _days(-1),
        _days(1825),
        ca=True,
    )
    return Pki(root_key, root, inter_key, inter)
