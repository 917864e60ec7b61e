"""mivb_plan without Ansible: input validated before any request, guards, step order, restore."""

from __future__ import annotations

import datetime as dt

import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_plan
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError
from conftest import MANAGED_PASSWORD
from cryptography import x509
from mivb_certgen import NOW, issue, pem

from emulators import x509_builder as xb

BASE = {
    "mivb_admin_password": MANAGED_PASSWORD, "mivb_hardening_password_strength": "Strong",
    "mivb_hardening_session_inactivity_minutes": 15, "mivb_hardening_password_expiry_days": 90,
    "mivb_hardening_login_banner_enabled": True, "mivb_hardening_login_banner_text": "Authorized use only.",
    "mivb_phone_admin_passcode": "8302719465", "mivb_hardening_passcode_min_length": 10,
    "mivb_hardening_tls_security_levels": dict.fromkeys(
        ("sip", "ip_sets", "ip_trunks", "trusted_applications", "system_data_synchronization", "mitai",
         "data_services"), "High"),
    "mivb_hardening_tls_exceptions": {}, "mivb_hardening_https_tls_1_2_only": True,
    "mivb_hardening_https_cipher_suites": ["ECDHE-RSA-AES256-GCM-SHA384", "AES128-SHA256"],
    "mivb_hardening_cert_renew_days": 30, "mivb_set_registration_access_code": "49275813",
    "mivb_hardening_set_registration_attempts": 3, "mivb_hardening_voice_encryption_enabled": True,
    "mivb_hardening_srtp_encryption_enabled": True, "mivb_hardening_disa_failed_attempts": 3,
    "mivb_hardening_disa_lockout_minutes": 30, "mivb_hardening_cor_table": [],
}
# The core steps' controls (the step modules of mivb_steps have their own tests).
CORE = tuple(c for c in mivb_plan.CONTROL_IDS if mivb_plan.BY_ID[c].step not in mivb_plan.STEP_DEFS)
NO_CERT = tuple(c for c in CORE if c != "CERT-01")


class Recorder:
    """A transport that fails the test on any request: proves validation happens first."""

    def __getattr__(self, name):
        raise AssertionError(f"the controller was contacted ({name}) before the input was validated")


def test_invalid_input_contacts_nothing_and_names_the_variable():
    values = dict(BASE, mivb_hardening_disa_lockout_minutes=61)
    plan = mivb_plan.ControllerPlan(Recorder(), mivb_plan.Target("127.0.0.1", 1, None), values, NO_CERT, False)
    out = plan.run()
    assert out.controls["TOLL-02"]["status"] == "error"
    assert out.controls["TOLL-02"]["detail"].startswith(
        "TOLL-02 mivb_hardening_disa_lockout_minutes: disa_lockout_minutes: 61 is outside the allowed range 0-60")
    assert {c for c, r in out.controls.items() if r["status"] == "not_evaluated"} == set(NO_CERT) - {"TOLL-02"}


def _leaf_without_aki(san: str) -> tuple[str, x509.Certificate]:
    root_key, leaf_key = xb.new_key(), xb.new_key()
    root_name = xb.name("R")
    root = xb.certificate(root_name, root_key.public_key(), xb.Issuer(root_name, root_key),
                          NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=100), ca=True)
    leaf = xb.certificate(xb.name("leaf"), leaf_key.public_key(), xb.Issuer.of(root, root_key),
                          NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=50), sans=[san],
                          authority_key_id=False)
    return pem(root), leaf


def test_certificate_guard(tmp_path):
    good = issue(san="127.0.5.9")
    bundle = tmp_path / "ca.pem"
    bundle.write_text(good.root)
    chain = x509.load_pem_x509_certificates(good.intermediate.encode())
    mivb_plan.check_certificate_for_target(good.leaf_obj, chain, mivb_plan.Target("127.0.5.9", 443, str(bundle)))
    # a valid certificate of another controller
    with pytest.raises(InputError, match="no matching subjectAltName"):
        mivb_plan.check_certificate_for_target(good.leaf_obj, chain,
                                               mivb_plan.Target("127.0.5.10", 443, str(bundle)))
    # chains to a CA the toolkit does not trust
    other = issue(san="127.0.5.9")
    with pytest.raises(InputError, match="would lock this toolkit"):
        mivb_plan.check_certificate_for_target(other.leaf_obj, x509.load_pem_x509_certificates(
            other.intermediate.encode()), mivb_plan.Target("127.0.5.9", 443, str(bundle)))
    # CA-signed but without an Authority Key Identifier (Python 3.13's client refuses it)
    root, leaf = _leaf_without_aki("127.0.5.9")
    bundle.write_text(root)
    with pytest.raises(InputError, match=r"Authority Key Identifier|2\.5\.29\.35"):
        mivb_plan.check_certificate_for_target(leaf, [], mivb_plan.Target("127.0.5.9", 443, str(bundle)))


def test_cipher_guard():
    mivb_plan.check_cipher_plan(["ECDHE-RSA-AES128-GCM-SHA256"], None)
    with pytest.raises(InputError, match="not among the guideline's eight"):
        mivb_plan.check_cipher_plan(["AES128-SHA", "ECDHE-RSA-AES128-GCM-SHA256"], None)
    mivb_plan.check_cipher_plan(["AES128-SHA", "ECDHE-RSA-AES128-GCM-SHA256"], "CHG-42")
    # guideline suites, but only RSA key exchange: Python's default client offers none of them
    with pytest.raises(InputError, match="cannot negotiate any suite"):
        mivb_plan.check_cipher_plan(["AES256-GCM-SHA384", "AES128-SHA256"], None)


def test_steps_run_in_order_and_a_failed_tls_proof_restores(commissioned):
    t = commissioned.transport(factory=None)
    target = mivb_plan.Target(commissioned.address, commissioned.port, commissioned.ca_path)
    calls = []

    def broken_handshake():
        calls.append("handshake")
        raise OSError("handshake refused (simulated)")

    plan = mivb_plan.ControllerPlan(t, target, BASE, NO_CERT, False, handshake=broken_handshake)
    out = plan.run()
    t.logout()
    steps = ["login", "system_security_management", "served_certificate", "system_options"]  # core steps only
    assert [s["step"] for s in out.steps] == steps
    assert calls == ["handshake"]
    tls02 = out.controls["TLS-02"]
    assert tls02["status"] == "error" and "restored the previous TLS-02 values" in tls02["detail"]
    # the restore reached the controller: an independent read shows the factory TLS-02 values
    assert commissioned.raw.login(MANAGED_PASSWORD) == 200
    fields = commissioned.raw.call("GET", "/api/v1/forms/system_security_management")[1]["fields"]
    assert fields["https_tls_1_2_only"] is False and len(fields["https_cipher_suites"]) == 8  # the 9.4 factory
    # the independent System Options step still ran and wrote
    assert out.controls["TOLL-02"]["status"] == "drift" and out.controls["TOLL-02"]["remediated"]
