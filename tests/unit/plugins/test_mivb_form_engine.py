"""Form engine with a recording fake transport: minimal diff, secrets, masking, check mode."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_backends import (
    SecuritySettingsBackend,
    SystemOptionsBackend,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_forms import execute

PASSCODE = "8302719465"


class FakeTransport:
    def __init__(self, fields):
        self.fields = copy.deepcopy(fields)
        self.secrets = {}
        self.calls = []

    def get_form(self, name):
        self.calls.append(("GET", name))
        return copy.deepcopy(self.fields)

    def patch_form(self, name, fields):
        self.calls.append(("PATCH", name, dict(fields)))
        for k, val in fields.items():
            if k in ("phone_admin_passcode", "set_registration_access_code"):
                self.secrets[k] = val
                self.fields[f"{k}_set"] = True
            else:
                self.fields[k] = val
        return copy.deepcopy(self.fields)

    def verify_secret(self, form, field, value):
        self.calls.append(("VERIFY", form, field))
        return self.secrets.get(field) == value

    @property
    def writes(self):
        return [c for c in self.calls if c[0] == "PATCH"]


SSM = {
    "password_strength": "Weak",
    "session_inactivity_minutes": 15,
    "password_expiry_days": 0,
    "login_banner_enabled": False,
    "login_banner_text": "",
    "phone_admin_passcode_set": False,
    "tls_security_levels": {"sip": "Legacy", "ip_sets": "Legacy", "mitai": "Legacy"},
    "https_tls_1_2_only": False,
    "https_cipher_suites": ["AES128-SHA256", "AES256-SHA256", "AES128-GCM-SHA256"],
}


def _ssm(t, **params):
    return SecuritySettingsBackend(t, params)


def test_only_given_fields_are_sent_and_four_facts():
    t = FakeTransport(SSM)
    params = dict(password_strength="Strong", session_inactivity_minutes=15)
    changed, result = execute(_ssm(t, **params), check_mode=True)
    assert changed and t.writes == []
    assert result["before"] == {"password_strength": "Weak", "session_inactivity_minutes": 15}
    assert result["after"] == {"password_strength": "Strong", "session_inactivity_minutes": 15}
    assert {k: v["status"] for k, v in result["controls"].items()} == {"AUTH-02": "drift", "AUTH-03": "compliant"}
    assert result["controls"]["AUTH-02"]["diff"] == {"before": {"password_strength": "Weak"},
                                                     "after": {"password_strength": "Strong"}}
    assert result["controls"]["AUTH-02"]["detail"] == "system_security_management: password_strength differs"
    changed = execute(_ssm(t, **params), check_mode=False)[0]
    assert changed and t.writes == [("PATCH", "system_security_management", {"password_strength": "Strong"})]
    assert execute(_ssm(t, **params), check_mode=False)[0] is False
    assert execute(_ssm(t, **params), check_mode=True)[0] is False
    assert len(t.writes) == 1


def test_secret_verified_never_read_and_masked():
    t = FakeTransport(SSM)
    changed, result = execute(_ssm(t, phone_admin_passcode=PASSCODE), check_mode=False)
    assert changed
    assert result["before"] == {"phone_admin_passcode": "unset"}
    assert result["after"] == {"phone_admin_passcode": "set (new value)"}
    assert PASSCODE not in repr(result)
    t.calls.clear()
    changed, result = execute(_ssm(t, phone_admin_passcode=PASSCODE), check_mode=False)
    assert not changed and ("VERIFY", "system_security_management", "phone_admin_passcode") in t.calls
    assert result["before"] == result["after"] == {"phone_admin_passcode": "set"}
    changed, result = execute(_ssm(t, phone_admin_passcode="9517538264"), check_mode=True)
    assert changed and result["after"]["phone_admin_passcode"] == "set (new value)"


def test_tls_levels_partial_merge_and_exception_override():
    t = FakeTransport(SSM)
    backend = _ssm(t, tls_security_levels={"sip": "High", "ip_sets": "High", "mitai": "High"},
                   tls_exceptions={"mitai": {"level": "Low", "justification": "CHG-7 CTI server"}})
    changed, result = execute(backend, check_mode=False)
    assert changed
    assert t.fields["tls_security_levels"] == {"sip": "High", "ip_sets": "High", "mitai": "Low"}
    assert result["tls_exceptions"]["mitai"]["justification"] == "CHG-7 CTI server"
    assert not execute(_ssm(t, tls_security_levels={"sip": "High"}), check_mode=False)[0]


def test_cipher_list_compared_as_set():
    t = FakeTransport(SSM)
    assert not execute(_ssm(t, https_cipher_suites=["AES128-GCM-SHA256", "AES128-SHA256", "AES256-SHA256"]),
                       check_mode=False)[0]
    assert execute(_ssm(t, https_cipher_suites=["AES128-SHA256", "AES256-SHA256"]), check_mode=False)[0]


@pytest.mark.parametrize(("params", "field"), [
    (dict(password_expiry_days=400), "password_expiry_days"),
    (dict(session_inactivity_minutes=0), "session_inactivity_minutes"),
    (dict(phone_admin_passcode="12ab567890"), "phone_admin_passcode"),
    (dict(phone_admin_passcode="1234"), "phone_admin_passcode"),
    (dict(phone_admin_passcode="1111111111"), "phone_admin_passcode"),
    (dict(tls_security_levels={"sip": "Maximum"}), "tls_security_levels.sip"),
    (dict(tls_exceptions={"mitai": {"level": "Legacy"}}), "tls_exceptions.mitai.justification"),
    (dict(login_banner_enabled=True, login_banner_text=" "), "login_banner_text"),
    (dict(passcode_min_length=3), "passcode_min_length"),
])
def test_bad_input_refused_before_any_request(params, field):
    t = FakeTransport(SSM)
    with pytest.raises(InputError) as err:
        _ssm(t, **params)
    assert err.value.field == field
    assert t.calls == []


def test_system_options_limits():
    t = FakeTransport({"disa_failed_attempts": 10, "disa_lockout_minutes": 0, "set_registration_attempts": 10,
                       "set_registration_access_code_set": False, "voice_encryption_enabled": True,
                       "srtp_encryption_enabled": True})
    for params, field in [(dict(disa_failed_attempts=11), "disa_failed_attempts"),
                          (dict(disa_lockout_minutes=61), "disa_lockout_minutes"),
                          (dict(set_registration_access_code="1234"), "set_registration_access_code")]:
        with pytest.raises(InputError) as err:
            SystemOptionsBackend(t, params)
        assert err.value.field == field
    assert t.calls == []
    changed, result = execute(SystemOptionsBackend(t, dict(disa_failed_attempts=3, disa_lockout_minutes=30)), False)
    assert changed and result["controls"]["TOLL-02"]["status"] == "drift"
