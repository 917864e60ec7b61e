# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The part of a CA bundle that can matter for connections to ONE host.

A bundle that pins each controller's factory self-signed certificate (what an installer does
before the CA-signed certificates are in place; the lab does it for 100 controllers) costs
OpenSSL ~19 ms of CPU per load, once per controller and run. With host-name checking on, a
certificate that is not a CA (basicConstraints CA:FALSE) can only ever be the trust anchor of a
connection whose host it names: it cannot sign another certificate, and a leaf that does not
name the host fails the host-name check. `anchors_for_host` therefore drops exactly the
non-CA certificates whose subjectAltName cannot name the host, and keeps everything else:
every CA, every certificate without basicConstraints (OpenSSL may treat a v1 self-signed one
as a CA), every non-CA certificate without a subjectAltName or with a wildcard name. Anything
it cannot read with certainty (another PEM type such as TRUSTED CERTIFICATE with OpenSSL trust
settings, a certificate cryptography cannot parse) gives None: load the whole bundle then.
tests/unit/plugins/test_tls_trust.py proves the handshake outcome is the same with both.
"""

from __future__ import annotations

import ipaddress
import re

_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----")


def _may_name_host(cert: object, host: str) -> bool:
    from cryptography import x509

    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value  # type: ignore[attr-defined]
    except (x509.ExtensionNotFound, ValueError):
        return True  # no (readable) subjectAltName: keep (a common name could be consulted)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        return any(ip == address for ip in san.get_values_for_type(x509.IPAddress))
    names = [n.lower() for n in san.get_values_for_type(x509.DNSName)]
    return host.lower() in names or any("*" in n for n in names)


def anchors_for_host(bundle: bytes, host: str) -> bytes | None:
    """DER of the bundle's certificates that can matter for `host` (None: use the whole bundle)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    if any(kind != b"CERTIFICATE" for kind in _PEM.findall(bundle)):
        return None
    try:
        certs = x509.load_pem_x509_certificates(bundle)
    except ValueError:
        return None
    keep = []
    for cert in certs:
        try:
            is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            is_ca = True  # no basicConstraints: keep
        except ValueError:  # an extension cryptography cannot parse
            return None
        if is_ca or _may_name_host(cert, host):
            keep.append(cert.public_bytes(Encoding.DER))
    return b"".join(keep) or None
