"""What a controller serves, read with Python's own TLS stack (independent of the toolkit).

    python served.py --host H --port P --cafile ROOT [--pem FILE]

Prints JSON: the served leaf's SHA-256, serial, expiry and days left, whether its chain
verified to ROOT (and the verified chain's length), and with --pem the SHA-256 and days
left of the first certificate in FILE.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import socket
import ssl
import sys
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding


def _handshake(host: str, port: int, cafile: str | None) -> tuple[bytes, int]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False  # trust in the chain is what this checks; the SAN is the lab address
    if cafile:
        ctx.load_verify_locations(cafile)
        ctx.verify_mode = ssl.CERT_REQUIRED
    else:
        ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection((host, port), timeout=10) as sock, ctx.wrap_socket(sock) as tls:
        der = tls.getpeercert(binary_form=True) or b""
        return der, len(tls.get_verified_chain()) if cafile else 0


def _facts(cert: x509.Certificate, now: dt.datetime) -> dict[str, Any]:
    return {
        "sha256": hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest().upper(),
        "serial": cert.serial_number,
        "not_after": cert.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "days_left": (cert.not_valid_after_utc - now).days,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cafile", required=True)
    parser.add_argument("--pem")
    args = parser.parse_args()
    now = dt.datetime.now(dt.UTC)
    try:
        der, chain = _handshake(args.host, args.port, args.cafile)
        verified = True
    except ssl.SSLCertVerificationError:
        der, chain = _handshake(args.host, args.port, None)
        verified = False
    out: dict[str, Any] = {**_facts(x509.load_der_x509_certificate(der), now), "verified": verified,
                           "verified_chain_length": chain}
    if args.pem:
        pem = x509.load_pem_x509_certificates(Path(args.pem).read_bytes())[0]
        out["pem"] = _facts(pem, now)
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
