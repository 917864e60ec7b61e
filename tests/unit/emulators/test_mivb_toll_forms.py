"""Class of Service Options, Class of Restriction, Interconnect Restriction, SIP accounts and the
SYS-01 System Options fields: factory values, limits (same error shape), per-row audit,
restart, a second account's view, and the SIP password check that never returns a password."""

from __future__ import annotations

import pytest
from mivb_fixtures import Api, add_user, admin, start

COS = "/forms/class_of_service_options"
COR = "/forms/class_of_restriction"
ICR = "/forms/interconnect_restriction"
USERS = "/forms/user_and_services_configuration"
OPTS = "/forms/system_options"


@pytest.fixture
def rc(tmp_path):
    with start(tmp_path / "m1") as handle:
        yield handle["m1"]


def test_factory_rows(rc):
    api = admin(rc)
    classes = api.ok("GET", COS)["fields"]["classes"]
    assert sorted(classes, key=int) == ["1", "2", "3", "4"]
    # the guideline: "The default condition is for all second Ethernet ports to be enabled"
    assert {row["pc_port_on_ip_device_disable"] for row in classes.values()} == {False}
    assert api.ok("GET", COR)["fields"] == {"classes": {}}
    assert api.ok("GET", ICR)["fields"] == {"restrictions": []}
    assert api.ok("GET", "/sip_accounts") == {"accounts": []}
    sets = api.ok("GET", USERS)["fields"]["sets"]
    assert sets["2000"] == {"description": "Lobby", "cos_day": 1, "cor_day": 1, "cor_night1": 1, "cor_night2": 1}


@pytest.mark.parametrize(
    ("path", "fields", "field", "allowed"),
    [
        (COS, {"classes": {"9": {"pc_port_on_ip_device_disable": True}}}, "classes.9", ["1", "2", "3", "4"]),
        (COS, {"classes": {"97": {"comment": "x"}}}, "classes", {"min": 1, "max": 96}),
        (COS, {"classes": {"1": {"pc_port_on_ip_device_disable": "Yes"}}},
         "classes.1.pc_port_on_ip_device_disable", [True, False]),
        (COR, {"classes": {"65": {"comment": "x", "barred_digits": []}}}, "classes", {"min": 1, "max": 64}),
        (COR, {"classes": {"3": {"comment": "x", "barred_digits": ["00a"]}}}, "classes.3.barred_digits",
         {"pattern": "^[0-9*#]{1,20}$"}),
        (ICR, {"restrictions": [[1, 65]]}, "restrictions", {"items": "[from, to]", "min": 1, "max": 64}),
        (USERS, {"sets": {"3999": {"cor_day": 2}}}, "sets.3999", ["2000", "2001", "2002", "2100"]),
        (USERS, {"sets": {"2000": {"cor_night1": 65}}}, "sets.2000.cor_night1", {"min": 1, "max": 64}),
        (USERS, {"sets": {"2000": {"description": "x"}}}, "sets.2000", ["cos_day", "cor_day", "cor_night1",
                                                                       "cor_night2"]),
        (OPTS, {"call_history_default_records": 101}, "call_history_default_records", {"min": 0, "max": 100}),
        (OPTS, {"send_welcome_email": "No"}, "send_welcome_email", [True, False]),
    ],
)
def test_limits_refused_atomically(rc, path, fields, field, allowed):
    api = admin(rc)
    before = api.ok("GET", path)["fields"]
    writes = api.call("GET", "/_emulator/stats")[1]["writes"]
    status, body = api.call("PATCH", path, {"fields": fields})
    assert status == 400 and body["error"] == "invalid_value"
    assert body["field"] == field and body["allowed"] == allowed
    assert api.ok("GET", path)["fields"] == before
    assert api.call("GET", "/_emulator/stats")[1]["writes"] == writes


def test_rows_audited_and_survive_restart(tmp_path):
    with start(tmp_path / "m1") as handle:
        api = admin(handle["m1"])
        api.ok("PATCH", COS, {"fields": {"classes": {"2": {"pc_port_on_ip_device_disable": True},
                                                     "10": {"comment": "Lobby"}}}})
        api.ok("PATCH", COR, {"fields": {"classes": {"10": {"comment": "Public", "barred_digits": ["011", "00"]},
                                                     "1": {"comment": "Staff", "barred_digits": []}}}})
        api.ok("PATCH", COR, {"fields": {"classes": {"1": None}}})
        api.ok("PATCH", ICR, {"fields": {"restrictions": [[3, 2], [2, 3], [2, 3]]}})
        api.ok("PATCH", OPTS, {"fields": {"send_welcome_email": False}})
        entries = api.ok("GET", "/audit_trail?limit=100")["entries"]
    changes = [c for e in entries if e["action"] == "Modify" for c in e["changes"]]
    assert {"field": "classes.2", "old": {"comment": "Attendant", "pc_port_on_ip_device_disable": False},
            "new": {"comment": "Attendant", "pc_port_on_ip_device_disable": True}} in changes
    assert {"field": "classes.1", "old": {"comment": "Staff", "barred_digits": []}, "new": None} in changes
    assert {"field": "send_welcome_email", "old": True, "new": False} in changes
    with start(tmp_path / "m1") as handle:
        # a second account with a read-only policy sees the same state after the restart
        api = Api(handle["m1"])
        assert api.login("system", "Adm1n-Pass-2026")[0] == 200
        api.ok("PUT", "/admin_policies/AUDITOR", {"default_access": "Read Only"})
        auditor = add_user(api, "auditor", "AUDITOR", "Aud1tor-Pass-2026")
        classes = auditor.ok("GET", COS)["fields"]["classes"]
        assert classes["2"]["pc_port_on_ip_device_disable"] is True and classes["10"]["comment"] == "Lobby"
        assert auditor.ok("GET", COR)["fields"]["classes"] == {
            "10": {"comment": "Public", "barred_digits": ["00", "011"]}}
        assert auditor.ok("GET", ICR)["fields"]["restrictions"] == [[2, 3], [3, 2]]
        assert auditor.call("PATCH", ICR, {"fields": {"restrictions": []}})[0] == 403


def test_older_state_file_gets_the_new_forms(tmp_path):
    import json

    with start(tmp_path / "m1") as handle:
        admin(handle["m1"])
    path = tmp_path / "m1" / "state.json"
    state = json.loads(path.read_text())
    for form in ("class_of_service_options", "class_of_restriction", "interconnect_restriction"):
        del state["forms"][form]
    del state["forms"]["system_options"]["send_welcome_email"]
    del state["sip_accounts"]
    path.write_text(json.dumps(state))
    with start(tmp_path / "m1") as handle:
        api = Api(handle["m1"])
        assert api.login("system", "Adm1n-Pass-2026")[0] == 200
        assert api.ok("GET", OPTS)["fields"]["send_welcome_email"] is True
        assert len(api.ok("GET", COS)["fields"]["classes"]) == 4
        assert api.ok("GET", "/sip_accounts") == {"accounts": []}


def test_sip_password_check_never_returns_the_password(rc):
    api = admin(rc)
    view = api.ok("PUT", "/sip_accounts/trunk1", {"kind": "sip_peer_profile", "user_name": "trunk1",
                                                   "password": "trunk1"})
    assert view == {"name": "trunk1", "kind": "sip_peer_profile", "user_name": "trunk1", "extension": None,
                    "password_set": True}
    api.ok("PUT", "/sip_accounts/set2001", {"kind": "sip_device", "user_name": "2001", "extension": "2001",
                                            "password": "q8#Vt2!mZr5@Lw"})
    listed = api.ok("GET", "/sip_accounts")
    assert "trunk1" not in str([a for a in listed["accounts"] if a["name"] != "trunk1"])
    assert all(set(a) == {"name", "kind", "user_name", "extension", "password_set"} for a in listed["accounts"])
    writes = api.call("GET", "/_emulator/stats")[1]["writes"]
    weak = api.ok("POST", "/sip_accounts/trunk1/verify-secret", {"candidates": ["1234", "trunk1"], "min_length": 12})
    assert weak == {"name": "trunk1", "match": True, "shorter_than_min_length": True}
    strong = api.ok("POST", "/sip_accounts/set2001/verify-secret", {"candidates": ["2001", "password"],
                                                                     "min_length": 12})
    assert strong == {"name": "set2001", "match": False, "shorter_than_min_length": False}
    assert api.call("GET", "/_emulator/stats")[1]["writes"] == writes  # a check is not a write
    status, body = api.call("POST", "/sip_accounts/trunk1/verify-secret", {"candidates": []})
    assert status == 400 and body["field"] == "candidates"
    assert api.call("POST", "/sip_accounts/nope/verify-secret", {"candidates": ["x"]})[0] == 404
    audit = api.ok("GET", "/audit_trail?limit=100")["entries"]
    text = str(audit)
    assert "q8#Vt2!mZr5@Lw" not in text and "'trunk1', 'password'" not in text
    assert any(e["action"] == "Verify Secret" and "match=true" in e["message"] for e in audit)
