"""Live TLS: protocol versions, cipher list, certificate installs served on the next handshake."""

from __future__ import annotations

import datetime as dt
import socket
import ssl

import pytest
from cryptography import x509
from mivb_fixtures import ADDRESS, NEW_PASSWORD, admin, cached_key, fingerprint, handshake, make_pki, start

from emulators import x509_builder
from emulators.mivb import certs
from emulators.mivb.forms import GUIDELINE_SUITES

TLS10, TLS11, TLS12 = ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1_2
SSM = "/forms/system_security_management"


@pytest.fixture
def rc(tmp_path):
    with start(tmp_path / "m1") as handle:
        yield handle["m1"]


def refused(port: int, version: ssl.TLSVersion | None = None, ciphers: str = "ALL") -> bool:
    try:
        handshake(ADDRESS, port, version, ciphers)
    except (ssl.SSLError, ConnectionError):
        return True
    return False


def pem(cert) -> str:
    return x509_builder.cert_pem(cert)


def test_factory_admin_https_offers_tls_1_2_suites_only_and_1_2_only_refuses_older_versions(rc):
    # Factory 9.4 (Security Guidelines): TLS 1.x allowed, but the eight default suites are all TLS 1.2
    # suites, so a TLS 1.0/1.1 client finds none; never 1.3.
    assert refused(rc.https_port, TLS10) and refused(rc.https_port, TLS11)
    assert handshake(ADDRESS, rc.https_port).version == "TLSv1.2"
    api = admin(rc)
    # a suite beyond the eight (a Mitel support change): TLS 1.0/1.1 clients negotiate it...
    api.ok("PATCH", SSM, {"fields": {"https_cipher_suites": [*GUIDELINE_SUITES, "AES128-SHA"]}})
    assert handshake(ADDRESS, rc.https_port, TLS10).version == "TLSv1"
    assert handshake(ADDRESS, rc.https_port, TLS11).version == "TLSv1.1"
    # ...until TLS 1.2 only (the SO4819 setting) refuses the protocol versions themselves
    api.ok("PATCH", SSM, {"fields": {"https_tls_1_2_only": True}})
    assert refused(rc.https_port, TLS10)
    assert refused(rc.https_port, TLS11)
    assert handshake(ADDRESS, rc.https_port, TLS12).version == "TLSv1.2"


def test_only_configured_ciphers_negotiate(rc):
    assert refused(rc.https_port, TLS12, "AES128-SHA")  # not among the factory eight
    api = admin(rc)
    api.ok("PATCH", SSM, {"fields": {"https_cipher_suites": [*GUIDELINE_SUITES, "AES128-SHA"]}})
    assert handshake(ADDRESS, rc.https_port, TLS12, "AES128-SHA").cipher == "AES128-SHA"
    api.ok("PATCH", SSM, {"fields": {"https_cipher_suites": GUIDELINE_SUITES[:2]}})
    assert refused(rc.https_port, TLS12, "AES128-SHA")
    assert refused(rc.https_port, TLS12, "ECDHE-RSA-AES256-SHA")
    assert refused(rc.https_port, TLS12, "AES128-GCM-SHA256")  # removed from the list
    assert handshake(ADDRESS, rc.https_port, TLS12, "ECDHE-RSA-AES256-SHA384").cipher == "ECDHE-RSA-AES256-SHA384"
    assert refused(rc.https_port, TLS10)


def test_unsupported_cipher_refused_with_allowed_list(rc):
    status, data = admin(rc).call("PATCH", SSM, {"fields": {"https_cipher_suites": ["RC4-MD5"]}})
    assert (status, data["field"]) == (400, "https_cipher_suites")
    assert "AES128-GCM-SHA256" in data["allowed"]


def test_factory_certificate_is_self_signed_with_address_and_name(tmp_path):
    with start(tmp_path / "m1", seed=False) as handle:
        check_factory_certificate(handle["m1"])


def check_factory_certificate(rc):
    api = admin(rc)
    fields = api.ok("GET", "/forms/web_server_certificate")["fields"]
    served = handshake(ADDRESS, rc.https_port)
    assert fields["sha256_fingerprint"] == fingerprint(served.cert_der)
    assert fields["self_signed"] is True and fields["chain_sha256"] == []
    san = x509.load_der_x509_certificate(served.cert_der).extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    )
    assert "m1" in san.value.get_values_for_type(x509.DNSName)
    assert [str(ip) for ip in san.value.get_values_for_type(x509.IPAddress)] == [ADDRESS]
    # Pinning the factory certificate (as lab-up does) verifies with hostname checks on.
    ctx = ssl.create_default_context(cadata=fields["certificate_pem"])
    with socket.create_connection((ADDRESS, rc.https_port)) as raw, ctx.wrap_socket(raw, server_hostname=ADDRESS):
        pass


def test_installed_certificate_served_on_next_handshake(rc):
    pki = make_pki()
    key = cached_key(1)
    leaf = pki.issue(key, "mivb1.example.net")
    api = admin(rc)
    before = handshake(ADDRESS, rc.https_port)
    result = api.ok(
        "PUT",
        "/forms/web_server_certificate",
        {
            "certificate_pem": pem(leaf),
            "private_key_pem": x509_builder.key_pem(key),
            "intermediate_pem": pem(pki.inter),
        },
    )
    assert result["fields"]["sha256_fingerprint"] == certs.fingerprint(leaf)
    assert result["fields"]["self_signed"] is False
    assert result["fields"]["chain_sha256"] == [certs.fingerprint(pki.inter)]
    after = handshake(ADDRESS, rc.https_port)
    assert fingerprint(after.cert_der) == certs.fingerprint(leaf) != fingerprint(before.cert_der)
    # The chain is served too: a client trusting only the root verifies the handshake.
    ctx = ssl.create_default_context(cadata=pem(pki.root))
    ctx.check_hostname = False
    with socket.create_connection((ADDRESS, rc.https_port)) as raw, ctx.wrap_socket(raw) as tls:
        assert tls.version() == "TLSv1.2"
    # Private keys never come back and are masked in the audit trail.
    trail = str(api.ok("GET", "/audit_trail"))
    assert "PRIVATE KEY" not in trail and "PRIVATE KEY" not in str(result)


def test_certificate_install_validation(rc):
    pki = make_pki()
    key, other = cached_key(1), cached_key(2)
    leaf = pki.issue(key, "mivb1.example.net")
    api = admin(rc)
    url = "/forms/web_server_certificate"
    good = {"certificate_pem": pem(leaf), "private_key_pem": x509_builder.key_pem(key)}

    def field_of(body):
        status, data = api.call("PUT", url, body)
        assert status == 400, data
        return data["field"]

    der_b64 = pem(leaf).replace("-----BEGIN CERTIFICATE-----", "").replace("-----END CERTIFICATE-----", "")
    assert field_of({**good, "certificate_pem": der_b64}) == "certificate_pem"
    assert field_of({**good, "private_key_pem": x509_builder.key_pem(other)}) == "private_key_pem"
    assert field_of({**good, "private_key_pem": "not a key"}) == "private_key_pem"
    # Chain in the wrong order: root first.
    assert field_of({**good, "intermediate_pem": pem(pki.root) + pem(pki.inter)}) == "intermediate_pem"
    expired = pki.issue(key, "old", days=-1, start_days=-30)
    assert field_of({**good, "certificate_pem": pem(expired)}) == "certificate_pem"
    future = pki.issue(key, "future", days=60, start_days=10)
    assert field_of({**good, "certificate_pem": pem(future)}) == "certificate_pem"
    ec_pem = x509_builder.key_pem(x509_builder.new_ec_key())
    assert field_of({**good, "private_key_pem": ec_pem}) == "private_key_pem"
    assert field_of({**good, "bogus": 1}) == "bogus"
    # Nothing of that changed the served certificate.
    factory = api.ok("GET", url)["fields"]["sha256_fingerprint"]
    assert fingerprint(handshake(ADDRESS, rc.https_port).cert_der) == factory
    # The virtual clock also decides validity: a year on, the same leaf has expired.
    api.ok("POST", "/_emulator/clock", {"advance_seconds": 400 * 86400})
    assert api.login("system", NEW_PASSWORD)[0] == 200
    assert field_of(good) == "certificate_pem"


def test_sip_and_ip_sets_follow_their_levels(rc):
    # factory High ("the default settings for all applications is High, which enables TLS 1.2")
    for port in (rc.sip_tls_port, rc.ip_sets_tls_port):
        assert refused(port, TLS10) and refused(port, TLS11)
        assert handshake(ADDRESS, port, TLS12).version == "TLSv1.2"
    api = admin(rc)
    api.ok("PATCH", SSM, {"fields": {"tls_security_levels": {"sip": "Legacy", "ip_sets": "Low"}}})
    assert handshake(ADDRESS, rc.sip_tls_port, TLS10).version == "TLSv1"
    assert refused(rc.ip_sets_tls_port, TLS10)
    assert handshake(ADDRESS, rc.ip_sets_tls_port, TLS11).version == "TLSv1.1"
    levels = api.ok("GET", SSM)["fields"]["tls_security_levels"]
    assert levels["sip"] == "Legacy" and levels["ip_sets"] == "Low" and levels["mitai"] == "High"
    status, data = api.call("PATCH", SSM, {"fields": {"tls_security_levels": {"sip": "Maximum"}}})
    assert (status, data["field"], data["allowed"]) == (400, "tls_security_levels.sip", ["High", "Low", "Legacy"])


def test_device_certificate_csr_install_and_reuse(rc):
    api = admin(rc)
    legacy = api.ok("GET", "/forms/device_certificate")["fields"]
    assert legacy["type"] == "mitel_legacy"
    assert fingerprint(handshake(ADDRESS, rc.sip_tls_port).cert_der) == legacy["sha256_fingerprint"]
    csr_pem = api.ok(
        "POST",
        "/forms/device_certificate/csr",
        {"common_name": "mivb1.example.net", "subject_alt_names": ["mivb1.example.net", "10.0.0.5"]},
    )
    csr = x509.load_pem_x509_csr(csr_pem["csr_pem"].encode())
    assert csr.is_signature_valid
    pki = make_pki()
    # A certificate for some other key is refused.
    wrong = pki.issue(cached_key(3), "mivb1.example.net")
    status, data = api.call("PUT", "/forms/device_certificate", {"certificate_pem": pem(wrong)})
    assert (status, data["field"]) == (400, "certificate_pem")
    now = dt.datetime.now(dt.UTC)
    issuer = x509_builder.Issuer.of(pki.inter, pki.inter_key)
    signed = x509_builder.sign_csr(csr, issuer, now - dt.timedelta(days=1), now + dt.timedelta(days=90))
    fields = api.ok(
        "PUT", "/forms/device_certificate", {"certificate_pem": pem(signed), "intermediate_pem": pem(pki.inter)}
    )["fields"]
    assert fields["type"] == "ca_signed" and "Lab Intermediate CA" in fields["issuer"]
    assert fingerprint(handshake(ADDRESS, rc.sip_tls_port).cert_der) == certs.fingerprint(signed)
    web = api.ok("GET", "/forms/web_server_certificate")["fields"]["sha256_fingerprint"]
    fields = api.ok("PUT", "/forms/device_certificate", {"reuse_web_certificate": True})["fields"]
    assert fields["type"] == "web_certificate" and fields["sha256_fingerprint"] == web
    assert fingerprint(handshake(ADDRESS, rc.ip_sets_tls_port).cert_der) == web
