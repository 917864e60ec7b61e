"""Input rules and certificate checks: no device, every refusal names the field."""

from __future__ import annotations

import datetime as dt

import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_options, mivb_specs
from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_validation as v
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_certs import check_bundle, fingerprint
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import (
    AccountLocked,
    AuthenticationFailed,
    InputError,
    InvalidValue,
    PasswordChangeRequired,
    from_dict,
    from_response,
)
from mivb_certgen import NOW, issue


@pytest.mark.parametrize("code", ["1111", "1234", "4321", "1234567890", "0987654321", "5550123498",
                                  "8391111572", "121212", "1212", "7890", "123123123"])
def test_trivial_passcodes_refused(code):
    with pytest.raises(InputError) as err:
        v.check_passcode("phone_admin_passcode", code, 4)
    assert err.value.field == "phone_admin_passcode"
    assert "trivial" in err.value.message
    assert code not in err.value.message.replace("1111", "").replace("1234", "").replace("4321", "")


@pytest.mark.parametrize("code", ["8302719465", "2749", "9517538264"])
def test_good_passcodes_accepted(code):
    assert v.check_passcode("phone_admin_passcode", code, 4) == code


@pytest.mark.parametrize("code", ["12a4", "83027194x5", "", " 8302719465", "\uff18\uff13\uff10\uff12"])
def test_passcode_with_letters_refused(code):
    with pytest.raises(InputError) as err:
        v.check_passcode("phone_admin_passcode", code)
    assert err.value.field == "phone_admin_passcode"
    assert "digits 0-9 only" in err.value.message


def test_passcode_length_bounds():
    with pytest.raises(InputError, match="outside 10-10"):
        v.check_passcode("phone_admin_passcode", "2749", 10)
    with pytest.raises(InputError, match="outside 4-10"):
        v.check_passcode("phone_admin_passcode", "83027194652")


def test_ranges_and_choices():
    with pytest.raises(InputError) as err:
        v.check_int_range("password_expiry_days", 400, 0, 365)
    assert err.value.field == "password_expiry_days" and err.value.allowed == "0-365"
    assert "400" in err.value.message
    with pytest.raises(InputError):
        v.check_int_range("session_inactivity_minutes", 0, 1, 1440)
    assert v.check_int_range("password_expiry_days", 0, 0, 365) == 0
    # The TLS-01 applications and levels are declared by the option rows (mivb_specs).
    rows = mivb_specs.SECURITY_SETTINGS_OPTIONS
    with pytest.raises(InputError) as err:
        mivb_options.check(rows, {"tls_security_levels": {"sip": "Medium"}})
    assert err.value.field == "tls_security_levels.sip"
    assert err.value.allowed == ["High", "Low", "Legacy"]
    with pytest.raises(InputError, match="key 'skype' is not allowed") as err:
        mivb_options.check(rows, {"tls_security_levels": {"skype": "High"}})
    assert "system_data_synchronization" in err.value.allowed
    with pytest.raises(InputError) as err:
        mivb_options.check(rows, {"tls_exceptions": {"mitai": {"justification": "CHG-1"}}})
    assert err.value.field == "tls_exceptions.mitai.level"


def test_tls_exception_needs_justification():
    with pytest.raises(InputError) as err:
        v.check_tls_justifications("tls_exceptions", {"mitai": {"level": "Low", "justification": "  "}})
    assert err.value.field == "tls_exceptions.mitai.justification"
    ok = v.check_tls_justifications("tls_exceptions", {"mitai": {"level": "Low", "justification": "CHG-1"},
                                                       "sip": {"level": "High"}})
    assert ok["mitai"] == {"level": "Low", "justification": "CHG-1"}


def test_strong_password_rule():
    assert v.strong_password_problem("Qz7#Lm2!Vx9@Rt4%Kp") is None
    assert "length" in v.strong_password_problem("Ab1!Ab1!")
    assert "special" in v.strong_password_problem("Abcdefghijk12345")


def test_error_mapping_and_roundtrip():
    err = from_response(401, {"error": "invalid_credentials", "message": "x", "attempts_remaining": 2})
    assert isinstance(err, AuthenticationFailed) and "2 attempt(s) remaining" in err.message
    assert err.details["attempts_remaining"] == 2
    err = from_response(423, {"error": "account_locked", "locked_until": "2026-01-01T00:00:00Z"})
    assert isinstance(err, AccountLocked) and "2026-01-01T00:00:00Z" in err.message
    err = from_response(403, {"error": "password_change_required"}, "GET /forms/x")
    assert isinstance(err, PasswordChangeRequired) and "voicesec.mivb.admin_password" in err.message
    err = from_response(400, {"error": "invalid_value", "field": "https_cipher_suites", "message": "unknown suite",
                              "allowed": ["A", "B"]})
    assert isinstance(err, InvalidValue) and "'https_cipher_suites'" in err.message and "A, B" in err.message
    back = from_dict(err.to_dict())
    assert back.__class__ is InvalidValue and back.field == "https_cipher_suites"


def test_certificate_bundle_checks():
    b = issue()
    leaf, chain = check_bundle(b.leaf, b.key, b.intermediate, False)
    assert fingerprint(leaf) == fingerprint(b.leaf_obj) and len(chain) == 1
    other = issue()
    cases = [
        (dict(cert_pem=b.leaf, key_pem=other.key, chain_pem=b.intermediate), "private_key", "does not match"),
        (dict(cert_pem="MIIB...not pem", key_pem=b.key, chain_pem=None), "certificate", "not a PEM"),
        (dict(cert_pem=b.leaf, key_pem="garbage", chain_pem=None), "private_key", "not a PEM"),
        (dict(cert_pem=b.leaf, key_pem=b.key, chain_pem=other.intermediate), "intermediate", "did not issue"),
        (dict(cert_pem=b.leaf, key_pem=b.key, chain_pem=b.root + b.intermediate), "intermediate", "did not issue"),
    ]
    for kwargs, field, text in cases:
        with pytest.raises(InputError) as err:
            check_bundle(allow_self_signed=False, **kwargs)
        assert err.value.field == field, kwargs
        assert text in err.value.message
    expired = issue(start=NOW - dt.timedelta(days=30), end=NOW - dt.timedelta(days=1))
    with pytest.raises(InputError, match="expired"):
        check_bundle(expired.leaf, expired.key, expired.intermediate, False)
    future = issue(start=NOW + dt.timedelta(days=2), end=NOW + dt.timedelta(days=30))
    with pytest.raises(InputError, match="not yet valid"):
        check_bundle(future.leaf, future.key, future.intermediate, False)
    selfs = issue(self_signed=True)
    with pytest.raises(InputError, match="self-signed"):
        check_bundle(selfs.leaf, selfs.key, None, False)
    assert check_bundle(selfs.leaf, selfs.key, None, True)[0] is not None
