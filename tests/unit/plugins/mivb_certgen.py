"""Certificate bundles for the web_certificate tests (CA -> intermediate -> leaf), built by
the project's one X.509 builder (emulators/x509_builder.py). Each bundle has its own CA."""

from __future__ import annotations

import datetime as dt
import ssl
from dataclasses import dataclass

from cryptography import x509

from emulators import x509_builder as xb

NOW = dt.datetime.now(dt.UTC)


def pem(cert: x509.Certificate) -> str:
    return xb.cert_pem(cert)


@dataclass
class Bundle:
    root: str
    intermediate: str
    leaf: str
    key: str
    leaf_obj: x509.Certificate


def issue(san: str | None = "127.0.5.1", start: dt.datetime | None = None, end: dt.datetime | None = None,
          self_signed: bool = False) -> Bundle:
    """A fresh root, issuing CA and leaf (CN=leaf, SAN=san as IP address when given)."""
    start = start or NOW - dt.timedelta(days=1)
    end = end or NOW + dt.timedelta(days=200)
    root_key, inter_key, leaf_key = xb.new_key(), xb.new_key(), xb.new_key()
    root_name, inter_name, leaf_name = xb.name("Test Root"), xb.name("Test Issuing"), xb.name("leaf")
    ca_start = NOW - dt.timedelta(days=10)
    root = xb.certificate(root_name, root_key.public_key(), xb.Issuer(root_name, root_key), ca_start,
                          NOW + dt.timedelta(days=3650), ca=True)
    inter = xb.certificate(inter_name, inter_key.public_key(), xb.Issuer.of(root, root_key), ca_start,
                           NOW + dt.timedelta(days=1000), ca=True)
    signer = xb.Issuer(leaf_name, leaf_key) if self_signed else xb.Issuer.of(inter, inter_key)
    leaf = xb.certificate(leaf_name, leaf_key.public_key(), signer, start, end, sans=[san] if san else ())
    return Bundle(pem(root), pem(inter), pem(leaf), xb.key_pem(leaf_key), leaf)


def handshake(client_ctx: ssl.SSLContext, server_ctx: ssl.SSLContext, server_hostname: str) -> None:
    """A real TLS handshake in memory (no sockets). Raises the ssl.SSLError of the side that
    refused it (certificate not trusted, host name, protocol)."""
    c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    sides = {"client": client_ctx.wrap_bio(c_in, c_out, server_hostname=server_hostname),
             "server": server_ctx.wrap_bio(s_in, s_out, server_side=True)}
    done = {"client": False, "server": False}
    for _round in range(20):
        for side, obj in sides.items():
            if not done[side]:
                try:
                    obj.do_handshake()
                    done[side] = True
                except ssl.SSLWantReadError:
                    pass
        s_in.write(c_out.read())
        c_in.write(s_out.read())
        if all(done.values()):
            return
    raise AssertionError("the handshake did not finish")
