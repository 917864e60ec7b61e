"""Forms: limits, atomic PATCH, write-only secrets, persistence across restart."""

from __future__ import annotations

import json

import pytest
from mivb_fixtures import NEW_PASSWORD, Api, admin, start

SSM = "/forms/system_security_management"
OPTS = "/forms/system_options"


@pytest.fixture
def rc(tmp_path):
    with start(tmp_path / "m1") as handle:
        yield handle["m1"]


def test_factory_values(rc):
    api = admin(rc)
    ssm = api.ok("GET", SSM)["fields"]
    assert ssm["password_strength"] == "Weak" and ssm["session_inactivity_minutes"] == 15
    assert ssm["password_expiry_days"] == 0 and ssm["login_banner_enabled"] is False
    assert ssm["phone_admin_passcode_set"] is False and "phone_admin_passcode" not in ssm
    # Security Guidelines 9.4: every application High by default; the eight suites are the 9.0+
    # default; TLS 1.2 only for the admin port is the SO4819 procedure, not the factory state
    assert set(ssm["tls_security_levels"].values()) == {"High"} and len(ssm["tls_security_levels"]) == 7
    assert ssm["https_tls_1_2_only"] is False
    assert len(ssm["https_cipher_suites"]) == 8 and "ECDHE-RSA-AES256-SHA" not in ssm["https_cipher_suites"]
    opts = api.ok("GET", OPTS)["fields"]
    assert opts == {
        "voice_encryption_enabled": True,
        "srtp_encryption_enabled": True,
        "disa_failed_attempts": 10,
        "disa_lockout_minutes": 0,
        "set_registration_attempts": 10,
        "set_registration_access_code_set": False,
        "srtp_encryption_effective": True,
        "call_history_disable_record_generation": False,
        "call_history_default_records": 100,
        "send_welcome_email": True,
    }
    assert api.ok("GET", "/forms")["forms"] == [
        "system_security_management",
        "system_options",
        "web_server_certificate",
        "device_certificate",
        "class_of_service_options",
        "class_of_restriction",
        "user_and_services_configuration",
        "interconnect_restriction",
        "smdr_options",
        "vm_options",
    ]


@pytest.mark.parametrize(
    ("path", "field", "value"),
    [
        (SSM, "session_inactivity_minutes", 0),
        (SSM, "session_inactivity_minutes", 1441),
        (SSM, "password_expiry_days", 366),
        (SSM, "password_strength", "Ultra"),
        (SSM, "phone_admin_passcode", "12a4"),
        (SSM, "phone_admin_passcode", "123"),
        (SSM, "login_banner_text", "x" * 4001),
        (SSM, "https_tls_1_2_only", "yes"),
        (OPTS, "disa_failed_attempts", 11),
        (OPTS, "disa_lockout_minutes", 61),
        (OPTS, "set_registration_access_code", "12345678901"),
        (OPTS, "voice_encryption_enabled", 1),
    ],
)
def test_out_of_limits_refused_naming_field_and_allowed(rc, path, field, value):
    status, data = admin(rc).call("PATCH", path, {"fields": {field: value}})
    assert status == 400
    assert data["error"] == "invalid_value" and data["field"] == field and data["allowed"]


def test_patch_is_atomic_and_unknown_fields_refused(rc):
    api = admin(rc)
    before = api.ok("GET", SSM)["fields"]
    status, data = api.call(
        "PATCH", SSM, {"fields": {"password_strength": "Strong", "session_inactivity_minutes": 99999}}
    )
    assert (status, data["field"]) == (400, "session_inactivity_minutes")
    status, data = api.call("PATCH", SSM, {"fields": {"password_strength": "Strong", "colour": "blue"}})
    assert (status, data["field"]) == (400, "colour")
    status, data = api.call("PATCH", SSM, {"fields": {"phone_admin_passcode_set": True}})
    assert (status, data["field"]) == (400, "phone_admin_passcode_set")
    # Read back through a second session: nothing changed.
    other = Api(rc)
    other.login("system", NEW_PASSWORD)
    assert other.ok("GET", SSM)["fields"] == before
    assert not [e for e in other.ok("GET", "/audit_trail")["entries"] if e["action"] == "Modify"]


def test_partial_update_and_srtp_effective(rc):
    api = admin(rc)
    fields = api.ok("PATCH", OPTS, {"fields": {"voice_encryption_enabled": False, "disa_failed_attempts": 3}})
    assert fields["fields"]["srtp_encryption_enabled"] is True
    assert fields["fields"]["srtp_encryption_effective"] is False
    assert fields["fields"]["disa_lockout_minutes"] == 0


def test_secrets_are_write_only_and_masked(rc):
    api = admin(rc)
    api.ok("PATCH", SSM, {"fields": {"phone_admin_passcode": "8675309421"}})
    api.ok("PATCH", OPTS, {"fields": {"set_registration_access_code": "24681357"}})
    ssm = api.ok("GET", SSM)["fields"]
    assert ssm["phone_admin_passcode_set"] is True
    assert api.ok("POST", SSM + "/verify-secret", {"field": "phone_admin_passcode", "value": "8675309421"}) == {
        "field": "phone_admin_passcode",
        "match": True,
    }
    assert not api.ok("POST", SSM + "/verify-secret", {"field": "phone_admin_passcode", "value": "1234"})["match"]
    assert api.ok("POST", OPTS + "/verify-secret", {"field": "set_registration_access_code", "value": "24681357"})[
        "match"
    ]
    # Setting the same value again is not a change.
    api.ok("PATCH", SSM, {"fields": {"phone_admin_passcode": "8675309421"}})
    entries = api.ok("GET", "/audit_trail")["entries"]
    text = json.dumps(entries) + json.dumps(ssm)
    for secret in ("8675309421", "24681357", NEW_PASSWORD):
        assert secret not in text
    passcode_changes = [c for e in entries for c in e["changes"] if c["field"] == "phone_admin_passcode"]
    assert passcode_changes == [{"field": "phone_admin_passcode", "old": None, "new": "********"}]
    assert any(e["action"] == "Verify Secret" and "********" in e["message"] for e in entries)
    # Nor are they in the state files on disk.
    state_dir = rc.controller.store.dir
    disk = "".join(p.read_text() for p in state_dir.iterdir() if p.suffix in (".json", ".jsonl"))
    assert "8675309421" not in disk and NEW_PASSWORD not in disk


def test_audit_entry_records_old_and_new(rc):
    api = admin(rc)
    api.ok("PATCH", SSM, {"fields": {"password_expiry_days": 90}})
    entry = api.ok("GET", "/audit_trail")["entries"][-1]
    assert entry["action"] == "Modify" and entry["form"] == "system_security_management"
    assert entry["user"] == "system" and entry["source_ip"].startswith("127.")
    assert entry["changes"] == [{"field": "password_expiry_days", "old": 0, "new": 90}]
    newest = api.ok("GET", "/audit_trail")["newest_id"]
    assert api.ok("GET", f"/audit_trail?since_id={newest}")["entries"] == []
    assert len(api.ok("GET", "/audit_trail?since_id=0&limit=2")["entries"]) == 2


def test_audit_trail_keeps_5000_live_entries_and_archives_the_older(tmp_path):
    state_dir = tmp_path / "m1"
    with start(state_dir) as handle:
        admin(handle["m1"])
    # Pre-fill the trail on disk close to the live window; the live controller goes past it.
    with (state_dir / "audit.jsonl").open("a") as fh:
        for i in range(100, 5090):
            fh.write(json.dumps({"id": i, "action": "Filler", "changes": [], "message": ""}) + "\n")
    with start(state_dir) as handle:
        api = Api(handle["m1"])
        for _ in range(12):
            assert api.login("system", NEW_PASSWORD)[0] == 200
        newest = api.ok("GET", "/audit_trail?limit=1")["newest_id"]
        data = api.ok("GET", f"/audit_trail?since_id={newest - 5000}&limit=5000")
        oldest = api.ok("GET", "/audit_trail?limit=3")
    assert newest == 5090 + 11
    assert len(data["entries"]) == 5000 and data["more"] is False
    assert data["entries"][-1]["id"] == newest and data["entries"][-1]["action"] == "Login"
    # older entries left the live window but were not dropped (guideline: archived)
    assert oldest["entries"][0]["id"] == 1 and oldest["oldest_id"] == 1 and oldest["more"]


def test_restart_keeps_state(tmp_path):
    state_dir = tmp_path / "m1"
    with start(state_dir) as handle:
        api = admin(handle["m1"])
        api.ok("PATCH", SSM, {"fields": {"password_strength": "Strong", "phone_admin_passcode": "5550123987"}})
        api.ok("PUT", "/admin_policies/Auditors", {"default_access": "Read Only"})
        fp = api.ok("GET", "/forms/web_server_certificate")["fields"]["sha256_fingerprint"]
        newest = api.ok("GET", "/audit_trail")["newest_id"]
    with start(state_dir) as handle:
        api = Api(handle["m1"])
        assert api.login("system", "password")[0] == 401
        assert api.login("system", NEW_PASSWORD)[1]["password_change_required"] is False
        ssm = api.ok("GET", SSM)["fields"]
        assert ssm["password_strength"] == "Strong" and ssm["phone_admin_passcode_set"] is True
        assert "Auditors" in [p["name"] for p in api.ok("GET", "/admin_policies")["policies"]]
        assert api.ok("GET", "/forms/web_server_certificate")["fields"]["sha256_fingerprint"] == fp
        assert api.ok("GET", "/audit_trail")["newest_id"] == newest + 2  # + failed and good login


def test_empty_state_dir_is_factory(tmp_path):
    with start(tmp_path / "a") as handle:
        admin(handle["m1"])
    with start(tmp_path / "b", seed=False) as handle:
        assert Api(handle["m1"]).login("system", "password")[1]["password_change_required"] is True
