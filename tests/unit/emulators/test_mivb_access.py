"""Admin policies and user authorization profiles."""

from __future__ import annotations

import pytest
from mivb_fixtures import Api, add_user, admin, start


@pytest.fixture
def rc(tmp_path):
    with start(tmp_path / "m1") as handle:
        yield handle["m1"]


def test_factory_policies_and_protection(rc):
    api = admin(rc)
    policies = {p["name"]: p for p in api.ok("GET", "/admin_policies")["policies"]}
    assert list(policies) == ["ROOT", "SYSTEM", "REMOTE", "NO ACCESS"]
    assert all(p["default_policy"] for p in policies.values())
    status, data = api.call("PUT", "/admin_policies/ROOT", {"default_access": "Read Only"})
    assert (status, data["error"]) == (409, "immutable")
    for name in ("ROOT", "SYSTEM", "REMOTE", "NO%20ACCESS"):
        status, data = api.call("DELETE", f"/admin_policies/{name}")
        assert (status, data["error"]) == (409, "immutable"), name
    # Others may be changed (not deleted); custom ones created and deleted.
    api.ok("PUT", "/admin_policies/SYSTEM", {"default_access": "Read/Write", "forms": {"audit_trail": "Read Only"}})
    created = api.ok("PUT", "/admin_policies/Helpdesk", {"default_access": "Read Only"})
    assert created == {"name": "Helpdesk", "default_access": "Read Only", "default_policy": False, "forms": {}}
    status, data = api.call("PUT", "/admin_policies/Bad", {"default_access": "Everything"})
    assert (status, data["field"]) == (400, "default_access")
    status, data = api.call(
        "PUT", "/admin_policies/Bad", {"default_access": "Read Only", "forms": {"nope": "Read Only"}}
    )
    assert (status, data["field"]) == (400, "forms.nope")
    api.ok("DELETE", "/admin_policies/Helpdesk")
    assert api.call("DELETE", "/admin_policies/Helpdesk")[0] == 404


def test_only_root_sessions_manage_policies(rc):
    api = admin(rc)
    system_user = add_user(api, "ops", "SYSTEM")
    assert system_user.call("GET", "/admin_policies")[0] == 403
    status, data = system_user.call("PUT", "/admin_policies/X", {"default_access": "Read Only"})
    assert (status, data["error"]) == (403, "forbidden")


def test_read_only_profile_reads_but_cannot_patch(rc):
    api = admin(rc)
    api.ok("PUT", "/admin_policies/Auditors", {"default_access": "Read Only"})
    auditor = add_user(api, "auditor", "Auditors")
    assert auditor.ok("GET", "/forms/system_options")["fields"]["disa_failed_attempts"] == 10
    status, data = auditor.call("PATCH", "/forms/system_options", {"fields": {"disa_failed_attempts": 3}})
    assert (status, data["error"]) == (403, "forbidden")
    assert auditor.call("PUT", "/user_profiles/x", {"policy": "SYSTEM", "password": "whatever1"})[0] == 403
    # Proven through the admin session: the value did not change.
    assert api.ok("GET", "/forms/system_options")["fields"]["disa_failed_attempts"] == 10


def test_per_form_access_overrides_default(rc):
    api = admin(rc)
    api.ok(
        "PUT",
        "/admin_policies/CertOps",
        {
            "default_access": "No Access",
            "forms": {"web_server_certificate": "Read/Write", "system_options": "Read Only"},
        },
    )
    ops = add_user(api, "certops", "CertOps")
    assert ops.call("GET", "/forms/system_security_management")[0] == 403
    assert ops.call("GET", "/forms/system_options")[0] == 200
    assert ops.call("PATCH", "/forms/system_options", {"fields": {"disa_failed_attempts": 3}})[0] == 403
    assert ops.call("GET", "/forms/web_server_certificate")[0] == 200
    assert ops.call("GET", "/audit_trail")[0] == 403


def test_profiles_lifecycle(rc):
    api = admin(rc)
    profile = api.ok(
        "PUT",
        "/user_profiles/mixml",
        {
            "policy": "SYSTEM",
            "password": "App-Pass-1",
            "application_access_only": True,
            "expires": "2030-01-31",
        },
    )
    assert profile == {
        "username": "mixml",
        "policy": "SYSTEM",
        "application_access_only": True,
        "expires": "2030-01-31T00:00:00Z",
        "mixml_certificate_sha256": None,
    }
    # ACC-03: an Application-only profile cannot log in before it has a MiXML certificate
    status, data = Api(rc).login("mixml", "App-Pass-1")
    assert (status, data["error"]) == (403, "forbidden") and "certificate" in data["message"]
    api.ok("PUT", "/user_profiles/mixml", {"policy": "SYSTEM", "mixml_certificate_sha256": ":".join(["AB"] * 32)})
    profiles = {p["username"]: p for p in api.ok("GET", "/user_profiles")["profiles"]}
    assert set(profiles) == {"system", "mixml"} and "password" not in str(profiles)
    status, data = api.call("PUT", "/user_profiles/nopass", {"policy": "SYSTEM"})
    assert (status, data["field"]) == (400, "password")
    status, data = api.call("PUT", "/user_profiles/x", {"policy": "GHOST", "password": "Whatever1"})
    assert (status, data["field"]) == (400, "policy")
    # Update without password keeps it; changing another user's password works.
    api.ok("PUT", "/user_profiles/mixml", {"policy": "REMOTE"})
    assert Api(rc).login("mixml", "App-Pass-1")[0] == 200
    api.ok("PUT", "/user_profiles/mixml", {"policy": "REMOTE", "password": "New-App-Pass-2"})
    assert Api(rc).login("mixml", "New-App-Pass-2")[0] == 200
    status, data = api.call("DELETE", "/user_profiles/system")
    assert (status, data["error"]) == (409, "immutable")
    other = add_user(api, "gone", "SYSTEM")
    api.ok("DELETE", "/user_profiles/gone")
    assert other.call("GET", "/forms")[0] == 401
    assert Api(rc).login("gone", "x")[0] == 401
    assert api.call("DELETE", "/user_profiles/gone")[0] == 404
    # A policy in use cannot be deleted.
    api.ok("PUT", "/admin_policies/Temp", {"default_access": "Read Only"})
    api.ok("PUT", "/user_profiles/tmp", {"policy": "Temp", "password": "Temp-Pass-1"})
    assert api.call("DELETE", "/admin_policies/Temp")[0] == 409


def test_non_root_cannot_grant_root(rc):
    api = admin(rc)
    ops = add_user(api, "ops", "SYSTEM")
    status, data = ops.call("PUT", "/user_profiles/evil", {"policy": "ROOT", "password": "Evil-Pass-1"})
    assert (status, data["error"]) == (403, "forbidden")
