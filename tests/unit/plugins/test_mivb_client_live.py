"""Client, login policy, form cache and backends against a live in-process emulator."""

from __future__ import annotations

import socket
import ssl

import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_backends import (
    AdminPasswordBackend,
    FactsBackend,
    SecuritySettingsBackend,
    SystemOptionsBackend,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_certs import WebCertificateBackend, fingerprint
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import (
    AuthenticationFailed,
    ConnectionFailed,
    InputError,
    InvalidValue,
    PasswordChangeRequired,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_forms import execute
from conftest import FACTORY_PASSWORD, MANAGED_PASSWORD
from mivb_certgen import issue

PASSCODE = "8302719465"
ACCESS_CODE = "49275813"
BASELINE = dict(
    password_strength="Strong", session_inactivity_minutes=15, password_expiry_days=90,
    login_banner_enabled=True, login_banner_text="Authorized use only.", phone_admin_passcode=PASSCODE,
    tls_security_levels={a: "High" for a in ("sip", "ip_sets", "ip_trunks", "trusted_applications",
                                             "system_data_synchronization", "mitai", "data_services")},
    https_tls_1_2_only=True,
    https_cipher_suites=["ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-SHA384", "AES256-GCM-SHA384",
                         "AES256-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-SHA256",
                         "AES128-GCM-SHA256", "AES128-SHA256"],
)


def failed_logins(entries):
    return [e for e in entries if e["action"] == "Login Failed"]


def four_facts(ctl, factory, params, writes_expected=1):
    """community.crypto's four facts, each run on a new session (a new play)."""
    ctl.raw.reset_stats()
    changed, check_result = execute(factory(ctl.transport(), params), check_mode=True)
    assert changed, check_result
    assert ctl.raw.stats()["writes"] == 0
    changed, result = execute(factory(ctl.transport(), params), check_mode=False)
    assert changed
    assert ctl.raw.stats()["writes"] == writes_expected
    assert result["after"] == check_result["after"]
    assert execute(factory(ctl.transport(), params), check_mode=False)[0] is False
    assert execute(factory(ctl.transport(), params), check_mode=True)[0] is False
    assert ctl.raw.stats()["writes"] == writes_expected
    return result


def test_commissioning_from_factory_four_facts(controller):
    params = {"new_password": MANAGED_PASSWORD, "password_strength": "Strong"}
    changed, result = execute(AdminPasswordBackend(controller.transport(), params), check_mode=True)
    assert changed and result["controls"]["AUTH-01"]["status"] == "drift"
    assert result["login_password_source"] == "factory"
    assert controller.raw.stats()["writes"] == 0
    changed, result = execute(AdminPasswordBackend(controller.transport(), params), check_mode=False)
    assert changed and result["reason"] == "password_change_required"
    assert MANAGED_PASSWORD not in repr(result)
    assert execute(AdminPasswordBackend(controller.transport(), params), check_mode=False)[0] is False
    assert execute(AdminPasswordBackend(controller.transport(), params), check_mode=True)[0] is False
    # Independent proof (AUTH-01): the factory password no longer logs in, the managed one does.
    assert controller.raw.login(FACTORY_PASSWORD) == 401
    assert controller.raw.login(MANAGED_PASSWORD) == 200


def test_factory_session_blocks_forms_with_auth01_hint(controller):
    with pytest.raises(PasswordChangeRequired, match=r"run AUTH-01 \(voicesec.mivb.admin_password\) first"):
        execute(SecuritySettingsBackend(controller.transport(), {"password_strength": "Strong"}), True)


def test_new_password_equal_to_factory_refused(controller):
    with pytest.raises(InputError) as err:
        execute(AdminPasswordBackend(controller.transport(FACTORY_PASSWORD), {"new_password": FACTORY_PASSWORD}), False)
    assert err.value.field == "new_password"
    assert controller.raw.stats()["writes"] == 0


def test_wrong_password_costs_exactly_one_attempt(commissioned):
    t = commissioned.transport("Wrong#Pass1!Wrong2", factory=None)
    with pytest.raises(AuthenticationFailed) as err:
        t.get_form("system_options")
    assert "2 attempt(s) remaining" in err.value.message
    with pytest.raises(AuthenticationFailed):  # never re-sent within the session
        t.get_form("system_security_management")
    assert t.stats["failed_logins"] == 1
    assert commissioned.raw.stats()["writes"] == 0
    entries = commissioned.raw.audit(MANAGED_PASSWORD)  # not locked: the managed password logs in
    assert len(failed_logins(entries)) == 1
    assert not [e for e in entries if e["action"] == "Lockout"]


def test_wrong_password_then_factory_once_never_locks(commissioned):
    t = commissioned.transport("Wrong#Pass1!Wrong2", factory=FACTORY_PASSWORD)
    with pytest.raises(AuthenticationFailed, match="both the managed password"):
        t.session_state()
    assert t.stats["failed_logins"] == 2
    assert len(failed_logins(commissioned.raw.audit(MANAGED_PASSWORD))) == 2


def test_factory_not_tried_when_fewer_than_two_attempts_remain(commissioned):
    assert commissioned.raw.login("Another!Wrong#One22") == 401
    t = commissioned.transport("Wrong#Pass1!Wrong2", factory=FACTORY_PASSWORD)
    with pytest.raises(AuthenticationFailed, match="factory password was not tried"):
        t.session_state()
    assert t.stats["failed_logins"] == 1
    entries = commissioned.raw.audit(MANAGED_PASSWORD)
    assert len(failed_logins(entries)) == 2 and not [e for e in entries if e["action"] == "Lockout"]


def test_relogin_after_expiry_uses_the_changed_password(controller):
    t = controller.transport()
    execute(AdminPasswordBackend(t, {"new_password": MANAGED_PASSWORD}), check_mode=False)
    t.get_form("system_options")
    controller.raw.call("POST", "/_emulator/clock", {"advance_seconds": 20 * 60})
    fields = t.get_form("system_security_management")  # expired token -> one re-login
    assert fields["password_strength"] == "Weak"
    assert t.stats["logins"] == 2 and t.stats["failed_logins"] == 1  # the one failure: managed before commissioning
    assert len(failed_logins(controller.raw.audit(MANAGED_PASSWORD))) == 1


def test_one_read_per_form_zero_writes_when_compliant(commissioned):
    t = commissioned.transport()
    for key in BASELINE:  # one task per control, like the role
        execute(SecuritySettingsBackend(t, {key: BASELINE[key]}), check_mode=False)
    commissioned.raw.reset_stats()
    t2 = commissioned.transport()
    for key in BASELINE:
        assert execute(SecuritySettingsBackend(t2, {key: BASELINE[key]}), check_mode=False)[0] is False
    stats = commissioned.raw.stats()
    assert stats["writes"] == 0 and stats["logins"] == 1
    assert stats["requests"]["GET /api/v1/forms/system_security_management"] == 1


def test_four_facts_security_settings(commissioned):
    result = four_facts(commissioned, SecuritySettingsBackend, BASELINE)
    assert result["after"]["phone_admin_passcode"] == "set (new value)"
    assert PASSCODE not in repr(result)
    # Independent path: the controller's own view, read by a separate session.
    assert commissioned.raw.login(MANAGED_PASSWORD) == 200
    fields = commissioned.raw.call("GET", "/api/v1/forms/system_security_management")[1]["fields"]
    assert fields["password_strength"] == "Strong" and fields["phone_admin_passcode_set"] is True
    match = commissioned.raw.call("POST", "/api/v1/forms/system_security_management/verify-secret",
                                  {"field": "phone_admin_passcode", "value": PASSCODE})[1]
    assert match["match"] is True


def test_four_facts_system_options(commissioned):
    params = dict(voice_encryption_enabled=True, srtp_encryption_enabled=True, disa_failed_attempts=3,
                  disa_lockout_minutes=30, set_registration_access_code=ACCESS_CODE, set_registration_attempts=3)
    result = four_facts(commissioned, SystemOptionsBackend, params)
    assert {k: v["status"] for k, v in result["controls"].items()} == {
        "EP-03": "compliant", "EP-04": "compliant", "TOLL-02": "drift", "EP-02": "drift"}
    assert result["controls"]["EP-02"]["diff"]["after"]["set_registration_access_code"] == "set (new value)"


def test_four_facts_web_certificate_and_served_leaf(commissioned, tmp_path):
    b = issue(san=commissioned.address)
    ca = tmp_path / "ca-both.pem"
    ca.write_text(open(commissioned.ca_path).read() + b.root)
    commissioned.ca_path = str(ca)
    params = {"certificate": b.leaf, "private_key": b.key, "intermediate": b.intermediate, "renew_within_days": 30}
    result = four_facts(commissioned, WebCertificateBackend, params)
    assert result["sha256_fingerprint"] == fingerprint(b.leaf_obj)
    assert result["served_matches_installed"] and not result["renewal_due"]
    assert 198 <= result["days_remaining"] <= 200
    assert "PRIVATE KEY" not in repr(result)
    # Independent path: a TLS handshake that must validate through the new chain to the test root.
    ctx = ssl.create_default_context(cadata=b.root)
    with socket.create_connection((commissioned.address, commissioned.port), timeout=10) as sock:
        with ctx.wrap_socket(sock, server_hostname=commissioned.address) as tls:
            served = tls.getpeercert(binary_form=True)
    from cryptography import x509

    assert fingerprint(x509.load_der_x509_certificate(served)) == fingerprint(b.leaf_obj)


def test_renewal_window_reported(commissioned):
    # The factory certificate is valid for 3650 days: the widest window the toolkit accepts covers it.
    changed, result = execute(WebCertificateBackend(commissioned.transport(), {"renew_within_days": 3650}), True)
    assert not changed and result["renewal_due"] is True and "renewal due" in result["msg"]
    assert result["served"]["self_signed"] is True


@pytest.mark.parametrize("kind", ["mismatch", "expired", "future", "not_pem", "self_signed"])
def test_bad_certificates_push_nothing(commissioned, kind):
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    b = issue(san=commissioned.address)
    params = {"certificate": b.leaf, "private_key": b.key, "intermediate": b.intermediate}
    if kind == "mismatch":
        params["private_key"] = issue().key
    elif kind == "expired":
        e = issue(start=now - dt.timedelta(days=9), end=now - dt.timedelta(days=2))
        params = {"certificate": e.leaf, "private_key": e.key, "intermediate": e.intermediate}
    elif kind == "future":
        f = issue(start=now + dt.timedelta(days=3), end=now + dt.timedelta(days=90))
        params = {"certificate": f.leaf, "private_key": f.key, "intermediate": f.intermediate}
    elif kind == "not_pem":
        params["certificate"] = "0\x82\x01\x0a binary DER"
    else:
        s = issue(self_signed=True)
        params = {"certificate": s.leaf, "private_key": s.key}
    with pytest.raises(InputError) as err:
        execute(WebCertificateBackend(commissioned.transport(), params), check_mode=False)
    assert err.value.field in ("certificate", "private_key")
    assert "nothing was pushed" in err.value.message
    stats = commissioned.raw.stats()
    assert stats["writes"] == 0 and stats["logins"] == 0


@pytest.mark.parametrize(("params", "field"), [
    ({"phone_admin_passcode": "12ab56789"}, "phone_admin_passcode"),
    ({"phone_admin_passcode": "1234"}, "phone_admin_passcode"),
    ({"phone_admin_passcode": "1111"}, "phone_admin_passcode"),
    ({"password_expiry_days": 400}, "password_expiry_days"),
    ({"tls_security_levels": {"sip": "Ultra"}}, "tls_security_levels.sip"),
    ({"tls_exceptions": {"mitai": {"level": "Low", "justification": ""}}}, "tls_exceptions.mitai.justification"),
])
def test_bad_inputs_push_nothing(commissioned, params, field):
    with pytest.raises(InputError) as err:
        execute(SecuritySettingsBackend(commissioned.transport(), params), check_mode=False)
    assert err.value.field == field
    stats = commissioned.raw.stats()
    assert stats["writes"] == 0 and stats["requests"] == {}


def test_controller_refusal_names_field_and_changes_nothing(commissioned):
    # Suite names outside the supported set are refused by the toolkit (declared choices); a
    # duplicate passes its checks and is refused by the controller.
    params = {"password_strength": "Strong", "https_cipher_suites": ["AES128-SHA256", "AES128-SHA256"]}
    with pytest.raises(InvalidValue) as err:
        execute(SecuritySettingsBackend(commissioned.transport(), params), check_mode=False)
    assert err.value.field == "https_cipher_suites" and "https_cipher_suites" in err.value.message
    assert commissioned.raw.stats()["writes"] == 0
    assert commissioned.transport().get_form("system_security_management")["password_strength"] == "Weak"


def test_unreachable_and_untrusted_controller(commissioned, tmp_path):
    from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_client import DirectTransport

    with socket.socket() as s:  # a port nobody listens on
        s.bind((commissioned.address, 0))
        free = s.getsockname()[1]
    t = DirectTransport(commissioned.address, free, "system", MANAGED_PASSWORD, ca_path=commissioned.ca_path)
    with pytest.raises(ConnectionFailed, match="cannot reach the controller"):
        t.get_form("system_options")
    other = tmp_path / "other-ca.pem"
    other.write_text(issue().root)
    t = DirectTransport(commissioned.address, commissioned.port, "system", MANAGED_PASSWORD, ca_path=str(other))
    with pytest.raises(ConnectionFailed, match=r"certificate verification failed \(self-signed certificate\)"):
        t.get_form("system_options")
    assert commissioned.raw.stats()["requests"] == {}  # the password never left the client


def test_facts_have_every_form_and_no_secret(commissioned):
    execute(SecuritySettingsBackend(commissioned.transport(), {"phone_admin_passcode": PASSCODE}), False)
    facts = FactsBackend(commissioned.transport(), {}).dump()["ansible_facts"]["mivb"]
    assert set(facts["forms"]) >= {"system_security_management", "system_options", "web_server_certificate"}
    assert facts["forms"]["system_security_management"]["phone_admin_passcode_set"] is True
    assert isinstance(facts["audit_trail_newest_id"], int) and facts["admin_policies"]
    assert facts["login_banner"] == {"enabled": False, "text": ""} and facts["errors"] == {}
    text = repr(facts)
    assert PASSCODE not in text and MANAGED_PASSWORD not in text


@pytest.mark.parametrize(("status", "error", "text"), [(500, "ControllerFault", "controller fault HTTP 500"),
                                                       (0, "ConnectionFailed", "cannot reach the controller")])
def test_controller_faults_are_reported_not_retried(commissioned, status, error, text):
    from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_errors

    commissioned.raw.call("POST", "/_emulator/faults", {"status": status, "method": "PATCH",
                                                        "path_prefix": "/api/v1/forms/system_options", "count": 5})
    with pytest.raises(getattr(mivb_errors, error), match=text):
        execute(SystemOptionsBackend(commissioned.transport(), {"disa_failed_attempts": 3}), check_mode=False)
    stats = commissioned.raw.stats()
    assert stats["requests"]["PATCH /api/v1/forms/system_options"] == 1  # a failed write is never repeated
    assert stats["writes"] == 0


def test_expired_password_needs_a_new_value(commissioned):
    assert commissioned.raw.login(MANAGED_PASSWORD) == 200
    commissioned.raw.call("PATCH", "/api/v1/forms/system_security_management", {"fields": {"password_expiry_days": 1}})
    commissioned.raw.call("POST", "/_emulator/clock", {"advance_seconds": 3 * 86400})
    commissioned.raw.reset_stats()
    with pytest.raises(InputError, match="requires a new password"):
        execute(AdminPasswordBackend(commissioned.transport(), {"new_password": MANAGED_PASSWORD}), False)
    assert commissioned.raw.stats()["writes"] == 0
    rotated = "Nw8#Kd3!Pq6@Zs1%Lm"
    changed, result = execute(AdminPasswordBackend(commissioned.transport(), {"new_password": rotated}), False)
    assert changed and result["reason"] == "password_change_required"
    assert commissioned.raw.login(rotated) == 200


def test_rotation_when_session_is_normal(commissioned):
    rotated = "Nw8#Kd3!Pq6@Zs1%Lm"
    changed, result = execute(AdminPasswordBackend(commissioned.transport(), {"new_password": rotated}), True)
    assert changed and result["reason"] == "rotate" and commissioned.raw.stats()["writes"] == 0
    changed, result = execute(AdminPasswordBackend(commissioned.transport(), {"new_password": rotated}), False)
    assert changed and commissioned.raw.login(rotated) == 200 and commissioned.raw.login(MANAGED_PASSWORD) == 401
