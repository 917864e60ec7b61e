"""Emulator: the SMDR Options form (limits, audit entry per write, restart), the audit archive
across a restart, and a profile's password checked without a login."""

from __future__ import annotations

import json

import pytest
from mivb_fixtures import NEW_PASSWORD, Api, admin, start

SMDR = "/forms/smdr_options"


@pytest.fixture
def rc(tmp_path):
    with start(tmp_path / "m1") as handle:
        yield handle["m1"]


def test_smdr_factory_values_limits_and_audit(rc):
    api = admin(rc)
    fields = api.ok("GET", SMDR)["fields"]
    assert set(fields.values()) == {"No"} and "program_external_smdr" in fields  # guideline: empty Yes/No is "No"
    for field, value in (("program_external_smdr", "yes"), ("program_external_smdr", True), ("nope", "Yes"),
                         ("extended_reporting_level_2", "Yes")):
        status, data = api.call("PATCH", SMDR, {"fields": {field: value}})
        assert (status, data["field"]) == (400, field)
    assert api.ok("GET", SMDR)["fields"] == fields  # refused PATCHes changed nothing
    api.ok("PATCH", SMDR, {"fields": {"extended_reporting_level_1": "Yes", "extended_reporting_level_2": "Yes"}})
    entry = api.ok("GET", "/audit_trail?limit=5000")["entries"][-1]
    assert entry["form"] == "smdr_options" and {c["field"] for c in entry["changes"]} == {
        "extended_reporting_level_1", "extended_reporting_level_2"}


def test_smdr_and_archive_survive_a_restart(tmp_path):
    state = tmp_path / "m1"
    with start(state) as handle:
        api = admin(handle["m1"])
        api.ok("PATCH", SMDR, {"fields": {"program_external_smdr": "Yes"}})
        assert api.ok("POST", "/_emulator/audit_entries", {"count": 9000})["newest_id"] > 9000
        newest = api.ok("GET", "/audit_trail?limit=1")["newest_id"]
    assert list((state / "audit_archive").glob("audit-*.jsonl"))
    with start(state) as handle:
        api = Api(handle["m1"])
        assert api.login("system", NEW_PASSWORD)[0] == 200
        assert api.ok("GET", SMDR)["fields"]["program_external_smdr"] == "Yes"
        ids, since = [], 0
        while True:
            page = api.ok("GET", f"/audit_trail?since_id={since}&limit=5000")
            ids += [e["id"] for e in page["entries"]]
            since = ids[-1]
            if not page["more"]:
                break
    assert ids == list(range(1, newest + 2))  # every entry, the restart's login included, none twice


def test_profile_password_checked_without_a_login(rc):
    api = admin(rc)
    api.ok("PUT", "/user_profiles/ops", {"policy": "SYSTEM", "password": "Ops-Pass-2026"})
    for _ in range(4):  # more than the lockout limit: verify-secret is not a login
        assert api.ok("POST", "/user_profiles/ops/verify-secret", {"field": "password", "value": "wrong"}) == {
            "field": "password", "match": False}
    assert api.ok("POST", "/user_profiles/ops/verify-secret", {"field": "password", "value": "Ops-Pass-2026"})["match"]
    assert Api(rc).login("ops", "Ops-Pass-2026")[0] == 200  # not locked
    entries = api.ok("GET", "/audit_trail?limit=5000")["entries"]
    assert "Ops-Pass-2026" not in str(entries) and "wrong" not in str(entries)
    status, data = api.call("POST", "/user_profiles/ops/verify-secret", {"field": "policy", "value": "x"})
    assert (status, data["field"]) == (400, "field")


def test_an_older_state_file_gets_the_new_form_and_profile_key(tmp_path):
    state = tmp_path / "m1"
    with start(state) as handle:
        admin(handle["m1"])
    data = json.loads((state / "state.json").read_text())
    del data["forms"]["smdr_options"]  # written before the SMDR Options form existed
    for user in data["users"].values():
        del user["mixml_certificate_sha256"]
    (state / "state.json").write_text(json.dumps(data))
    with start(state) as handle:
        api = Api(handle["m1"])
        assert api.login("system", NEW_PASSWORD)[0] == 200  # kept: the commissioned password
        assert set(api.ok("GET", SMDR)["fields"].values()) == {"No"}
        assert api.ok("GET", "/user_profiles")["profiles"][0]["mixml_certificate_sha256"] is None
