"""SSL contexts built from a controller's current state.

TLS 1.3 is never offered on any listener: OpenSSL's TLS 1.3 suites are not governed by the
cipher list, so capping at TLS 1.2 is what makes `https_cipher_suites` (and the guideline's
eight-suite list) the whole truth about what can be negotiated.

TLS 1.0/1.1 only work with OpenSSL 3 at `@SECLEVEL=0`, so every listener that allows them
sets it; a listener limited to TLS 1.2 keeps the default security level.
"""

from __future__ import annotations

import ssl
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import StateStore

# Legacy protocol versions are the point of the Legacy/Low levels; silence the warning.
warnings.filterwarnings("ignore", message=r"ssl\.TLSVersion\.TLSv1", category=DeprecationWarning)

MIN_VERSION = {
    "High": ssl.TLSVersion.TLSv1_2,
    "Low": ssl.TLSVersion.TLSv1_1,
    "Legacy": ssl.TLSVersion.TLSv1,
}
# Which `tls_security_levels` entry governs each application listener.
# The controller-to-controller port (c2c) is governed by the IP trunks level (MiVB IP networking).
APP_LISTENERS = {"sip": "sip", "ip_sets": "ip_sets", "c2c": "ip_trunks"}


def _context(minimum: ssl.TLSVersion, ciphers: str) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = minimum
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if minimum < ssl.TLSVersion.TLSv1_2:
        ciphers += ":@SECLEVEL=0"
    ctx.set_ciphers(ciphers)
    return ctx


def _bundle(store: StateStore, cert: str, chain: str, name: str) -> str:
    """ssl loads certificates only from files: write leaf + chain for it."""
    text = store.read_pem(cert) + store.read_pem(chain)
    store.write_pem(name, text)
    return str(store.path(name))


def build_context(state: dict[str, Any], store: StateStore, listener: str) -> ssl.SSLContext:
    """The server context for `listener` ("https", "sip", "ip_sets", "c2c") from a controller's state.
    Every application listener serves the Device Certificate (the guideline's "Controller to
    Controller Authentication"): the installed one, or the web certificate when it is reused."""
    form = state["forms"]["system_security_management"]
    if listener == "https":
        minimum = ssl.TLSVersion.TLSv1_2 if form["https_tls_1_2_only"] else ssl.TLSVersion.TLSv1
        ctx = _context(minimum, ":".join(form["https_cipher_suites"]))
        ctx.load_cert_chain(
            _bundle(store, "web_cert.pem", "web_chain.pem", "served_web.pem"),
            str(store.path("web_key.pem")),
        )
        return ctx
    level = form["tls_security_levels"][APP_LISTENERS[listener]]
    ctx = _context(MIN_VERSION[level], "DEFAULT")
    if state["device_certificate"]["type"] == "web_certificate":
        cert, chain, key = "web_cert.pem", "web_chain.pem", "web_key.pem"
    else:
        cert, chain, key = "device_cert.pem", "device_chain.pem", "device_key.pem"
    ctx.load_cert_chain(_bundle(store, cert, chain, "served_device.pem"), str(store.path(key)))
    return ctx
