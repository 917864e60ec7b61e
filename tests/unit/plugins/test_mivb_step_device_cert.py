"""CERT-03 through the plan: a CSR generated on the controller, signed by the inventory's CA,
installed; proven by a verifying TLS handshake on the controller-to-controller port and a
read with a second account. Bad input is refused before any request."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path

import pytest
from conftest import MANAGED_PASSWORD, commission, reader, refused, run_plan, start_controller
from cryptography import x509

from emulators.lab_ca import LabCA

CN = "t1.c2c.example"
IDS = ("CERT-03",)


@pytest.fixture
def c2c(tmp_path):
    ctl = start_controller(tmp_path, c2c_tls_port=0)
    commission(ctl)
    try:
        yield ctl
    finally:
        ctl.handle.stop()


@pytest.fixture(scope="module")
def ca(tmp_path_factory) -> LabCA:
    authority = LabCA(tmp_path_factory.mktemp("c2c-ca"))
    authority.ensure()
    return authority


def _values(ctl, ca: LabCA, **extra):
    values = {
        "mivb_admin_password": MANAGED_PASSWORD, "mivb_hardening_device_cert_source": "ca_signed",
        "mivb_device_cert_common_name": CN, "mivb_device_cert_subject_alt_names": [ctl.address, CN],
        "mivb_device_ca_certificate_path": str(ca.int_cert_path),
        "mivb_device_ca_private_key_path": str(ca.int_key_path),
        "mivb_hardening_device_cert_validity_days": 825, "mivb_hardening_cert_renew_days": 30,
    }
    values.update(extra)
    return values


def _c2c_leaf(ctl, root_pem: str | None) -> x509.Certificate:
    """A peer controller's handshake: verifying against the CA when given, by name."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if root_pem:
        ctx.load_verify_locations(cadata=root_pem)
    else:
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    with socket.create_connection((ctl.address, ctl.rc.c2c_tls_port), timeout=10) as sock, \
            ctx.wrap_socket(sock, server_hostname=CN) as tls:
        return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))


def test_csr_on_the_controller_signed_by_the_ca_installed_then_idempotent(c2c, ca):
    root = ca.root_cert_path.read_text()
    values = _values(c2c, ca)
    # factory: the legacy certificate, which a peer that trusts the CA refuses
    with pytest.raises(ssl.SSLCertVerificationError):
        _c2c_leaf(c2c, root)
    # check mode reports the drift and writes nothing (not even a CSR)
    c2c.raw.reset_stats()
    out = run_plan(c2c, values, IDS, check=True)
    entry = out.controls["CERT-03"]
    assert entry["status"] == "drift" and not entry["remediated"] and "mitel_legacy, not CA-signed" in entry["detail"]
    assert c2c.raw.stats()["writes"] == 0
    # apply: CSR generated on the controller, signed here, installed, verified by a fresh read
    out = run_plan(c2c, values, IDS)
    entry = out.controls["CERT-03"]
    assert entry["status"] == "drift" and entry["remediated"] and out.changed
    # independent proofs: a peer's verifying handshake on the c2c port, and a second account's read
    leaf = _c2c_leaf(c2c, root)
    assert leaf.subject.rfc4514_string() == f"CN={CN}"
    assert leaf.issuer == x509.load_pem_x509_certificate(ca.int_cert_path.read_bytes()).subject
    fields = reader(c2c).call("GET", "/api/v1/forms/device_certificate")[1]["fields"]
    assert fields["type"] == "ca_signed" and fields["csr_pending"] is False
    assert x509.load_pem_x509_certificate(fields["certificate_pem"].encode()) == leaf
    # the CA's private key never appears in the outcome
    key_line = ca.int_key_path.read_text().splitlines()[3]
    assert key_line not in repr(out.controls) + repr(out.diffs) + repr(out.steps)
    # second run: compliant, one read of the form, no write
    c2c.raw.reset_stats()
    out = run_plan(c2c, values, IDS)
    assert out.controls["CERT-03"]["status"] == "compliant" and not out.changed
    assert CN in out.controls["CERT-03"]["detail"] and "SHA-256" in out.controls["CERT-03"]["detail"]
    stats = c2c.raw.stats()
    assert stats["writes"] == 0 and stats["requests"]["GET /api/v1/forms/device_certificate"] == 1


def test_renewal_window_subject_change_and_web_certificate_reuse(c2c, ca):
    values = _values(c2c, ca, mivb_hardening_device_cert_validity_days=100)
    assert run_plan(c2c, values, IDS).controls["CERT-03"]["remediated"]
    first = _c2c_leaf(c2c, None)
    # 99 days left is inside a 120-day window: replaced by a new CA-signed certificate
    values.update(mivb_hardening_cert_renew_days=120, mivb_hardening_device_cert_validity_days=400)
    out = run_plan(c2c, values, IDS)
    assert "renewal window 120" in out.controls["CERT-03"]["detail"] and out.controls["CERT-03"]["remediated"]
    assert _c2c_leaf(c2c, None).serial_number != first.serial_number
    assert run_plan(c2c, values, IDS).controls["CERT-03"]["status"] == "compliant"
    # a changed SAN list in the inventory: drift in check mode names both lists
    out = run_plan(c2c, dict(values, mivb_device_cert_subject_alt_names=[CN]), IDS, check=True)
    assert "subjectAltNames are" in out.controls["CERT-03"]["detail"]
    # reuse the web certificate: the c2c port then serves the web server's leaf
    out = run_plan(c2c, dict(values, mivb_hardening_device_cert_source="web_certificate"), IDS)
    assert out.controls["CERT-03"]["remediated"]
    web = reader(c2c).call("GET", "/api/v1/forms/web_server_certificate")[1]["fields"]["certificate_pem"]
    assert _c2c_leaf(c2c, None) == x509.load_pem_x509_certificate(web.encode())
    assert run_plan(c2c, dict(values, mivb_hardening_device_cert_source="web_certificate"), IDS).controls[
        "CERT-03"]["status"] == "compliant"


def _refused(values) -> str:
    return refused(values, IDS, "CERT-03")


def test_bad_input_is_refused_before_any_request(tmp_path, ca):
    class Ctl:
        address = "127.0.5.200"

    good = _values(Ctl, ca)
    assert _refused(dict(good, mivb_device_cert_common_name=None)).startswith(
        "CERT-03 mivb_device_cert_common_name: device_cert_common_name: required")
    detail = _refused(dict(good, mivb_device_ca_private_key_path=str(tmp_path / "missing.key")))
    assert detail.startswith("CERT-03 mivb_device_ca_private_key_path: device_ca_private_key: cannot read")
    # the root's certificate with the issuing CA's key: the key does not belong to it
    detail = _refused(dict(good, mivb_device_ca_certificate_path=str(ca.root_cert_path)))
    assert detail.startswith("CERT-03 mivb_device_ca_private_key_path: device_ca_private_key: does "
                             "not belong to the CA certificate")
    # a leaf (not a CA) as the signing certificate
    issued = ca.issue(tmp_path / "leaf", "leaf.example", ["leaf.example"])
    detail = _refused(dict(good, mivb_device_ca_certificate_path=str(issued.cert_path),
                           mivb_device_ca_private_key_path=str(issued.key_path)))
    assert detail.startswith("CERT-03 mivb_device_ca_certificate_path: device_ca_certificate: the "
                             "first certificate is not a CA")
    assert _refused(dict(good, mivb_hardening_device_cert_source="self_signed")).startswith(
        "CERT-03 mivb_hardening_device_cert_source: device_cert_source: 'self_signed' is not allowed "
        "(allowed: ca_signed, "
        "web_certificate)")
    assert _refused(dict(good, mivb_device_cert_common_name="x" * 65)).startswith(
        "CERT-03 mivb_device_cert_common_name: device_cert_common_name: must be 1-64 characters")
    assert _refused(dict(good, mivb_hardening_device_cert_validity_days=60, mivb_hardening_cert_renew_days=90)
                    ).startswith("CERT-03 mivb_hardening_device_cert_validity_days: device_cert_validity_days: 60 is "
                                 "not longer than the renewal window (90 days)")
    key_text = Path(ca.int_key_path).read_text()
    assert all(line not in detail for line in key_text.splitlines()[1:-1])
