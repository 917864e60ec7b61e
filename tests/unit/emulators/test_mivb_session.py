"""Login, forced password change, lockout, session expiry, password strength."""

from __future__ import annotations

import pytest
from mivb_fixtures import NEW_PASSWORD, STRONG_PASSWORD, Api, add_user, admin, start


@pytest.fixture
def rc(tmp_path):
    with start(tmp_path / "m1") as handle:
        yield handle["m1"]


def test_factory_login_forces_password_change(rc):
    api = Api(rc)
    status, data = api.login("system", "password")
    assert status == 200
    assert data["policy"] == "ROOT" and data["password_change_required"] is True
    for method, path in (("GET", "/forms"), ("GET", "/forms/system_options"), ("GET", "/audit_trail")):
        status, data = api.call(method, path)
        assert (status, data["error"]) == (403, "password_change_required")
    assert api.ok("GET", "/session")["password_change_required"] is True
    # Logout is allowed before the change too.
    other = Api(rc)
    other.login("system", "password")
    other.ok("POST", "/logout")
    assert other.call("GET", "/session")[1]["error"] == "not_authenticated"
    status, data = api.call("POST", "/password", {"current_password": "password", "new_password": "password"})
    assert (status, data["field"]) == (400, "new_password")
    api.ok("POST", "/password", {"current_password": "password", "new_password": NEW_PASSWORD})
    # The same session is now allowed in; a fresh login proves the new password took.
    assert "system_options" in api.ok("GET", "/forms")["forms"]
    fresh = Api(rc)
    assert fresh.login("system", NEW_PASSWORD)[1]["password_change_required"] is False
    assert fresh.login("system", "password")[0] == 401


def test_three_failures_lock_the_account_and_are_audited(rc):
    api = admin(rc)
    probe = Api(rc)
    status, data = probe.login("system", "wrong-1")
    assert (status, data["error"], data["attempts_remaining"]) == (401, "invalid_credentials", 2)
    status, data = probe.login("system", "wrong-2")
    assert data["attempts_remaining"] == 1
    status, data = probe.login("system", "wrong-3")
    assert (status, data["error"]) == (423, "account_locked")
    assert data["locked_until"].endswith("Z")
    # Locked even with the right password.
    assert probe.login("system", NEW_PASSWORD)[0] == 423
    entries = api.ok("GET", "/audit_trail")["entries"]
    lockouts = [e for e in entries if e["action"] == "Lockout"]
    assert len(lockouts) == 1
    assert lockouts[0]["user"] == "system" and lockouts[0]["category"] == "LogIn/LogOut/Security Audit"
    assert lockouts[0]["source_ip"].startswith("127.")
    assert sum(e["action"] == "Login Failed" for e in entries) == 3
    # 30 minutes later (virtual clock) the account opens again.
    api.ok("POST", "/_emulator/clock", {"advance_seconds": 29 * 60})
    assert probe.login("system", NEW_PASSWORD)[0] == 423
    api.ok("POST", "/_emulator/clock", {"advance_seconds": 61})
    assert probe.login("system", NEW_PASSWORD)[0] == 200


def test_success_resets_failure_count(rc):
    admin(rc)
    probe = Api(rc)
    probe.login("system", "bad")
    probe.login("system", "bad")
    assert probe.login("system", NEW_PASSWORD)[0] == 200
    assert probe.login("system", "bad")[1]["attempts_remaining"] == 2


def test_session_expires_after_inactivity(rc):
    api = admin(rc)
    api.ok("PATCH", "/forms/system_security_management", {"fields": {"session_inactivity_minutes": 5}})
    api.ok("POST", "/_emulator/clock", {"advance_seconds": 4 * 60})
    assert api.ok("GET", "/session")["idle_seconds"] >= 240
    api.ok("POST", "/_emulator/clock", {"advance_seconds": 5 * 60 + 1})
    status, data = api.call("GET", "/forms/system_options")
    assert (status, data["error"]) == (401, "session_expired")
    assert api.call("GET", "/forms")[1]["error"] == "not_authenticated"
    assert Api(rc).call("GET", "/forms")[1]["error"] == "not_authenticated"


def test_logout_ends_session(rc):
    api = admin(rc)
    api.ok("POST", "/logout")
    assert api.call("GET", "/session")[0] == 401
    actions = [e["action"] for e in admin_again(rc).ok("GET", "/audit_trail")["entries"]]
    assert "Logout" in actions


def admin_again(rc) -> Api:
    api = Api(rc)
    assert api.login("system", NEW_PASSWORD)[0] == 200
    return api


def test_password_strength_enforced(rc):
    api = admin(rc)
    api.ok("PATCH", "/forms/system_security_management", {"fields": {"password_strength": "Strong"}})
    for weak in ("Short1!", "longbutonlylowercase", "Abcdefgh12345678!"):  # last: only one special
        status, data = api.call("POST", "/password", {"current_password": NEW_PASSWORD, "new_password": weak})
        assert (status, data["field"]) == (400, "new_password"), weak
        assert "15-20" in data["message"]
    status, data = api.call("PUT", "/user_profiles/ops", {"policy": "SYSTEM", "password": "weakpass1"})
    assert (status, data["field"]) == (400, "password")
    api.ok("POST", "/password", {"current_password": NEW_PASSWORD, "new_password": STRONG_PASSWORD})
    assert Api(rc).login("system", STRONG_PASSWORD)[0] == 200


def test_medium_and_weak_rules(rc):
    api = admin(rc)
    api.ok("PATCH", "/forms/system_security_management", {"fields": {"password_strength": "Medium"}})
    assert api.call("PUT", "/user_profiles/a", {"policy": "SYSTEM", "password": "alllower1"})[0] == 400
    api.ok("PUT", "/user_profiles/a", {"policy": "SYSTEM", "password": "Mixed1case"})
    api.ok("PATCH", "/forms/system_security_management", {"fields": {"password_strength": "Weak"}})
    assert api.call("PUT", "/user_profiles/b", {"policy": "SYSTEM", "password": "abc"})[0] == 400
    assert api.call("PUT", "/user_profiles/b", {"policy": "SYSTEM", "password": "has space1"})[0] == 400
    api.ok("PUT", "/user_profiles/b", {"policy": "SYSTEM", "password": "simple"})


def test_password_expiry_forces_change(rc):
    api = admin(rc)
    api.ok("PATCH", "/forms/system_security_management", {"fields": {"password_expiry_days": 1}})
    api.ok("POST", "/_emulator/clock", {"advance_seconds": 86400 + 60})
    status, data = Api(rc).login("system", NEW_PASSWORD)
    assert status == 200 and data["password_change_required"] is True


def test_banner_shown_before_login(rc):
    assert Api(rc).ok("GET", "/banner") == {"enabled": False, "text": ""}
    api = admin(rc)
    text = "NOTICE TO USERS: authorized use only."
    api.ok(
        "PATCH",
        "/forms/system_security_management",
        {"fields": {"login_banner_enabled": True, "login_banner_text": text}},
    )
    assert Api(rc).ok("GET", "/banner") == {"enabled": True, "text": text}


def test_expired_profile_cannot_log_in(rc):
    api = admin(rc)
    api.ok(
        "PUT", "/user_profiles/temp", {"policy": "SYSTEM", "password": NEW_PASSWORD, "expires": "2000-01-01T00:00:00Z"}
    )
    status, data = Api(rc).login("temp", NEW_PASSWORD)
    assert (status, data["error"]) == (401, "invalid_credentials")
    add_user(api, "current", "SYSTEM")
