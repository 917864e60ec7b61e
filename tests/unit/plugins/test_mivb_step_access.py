"""ACC-01/02/03 in the plan: input and guards refused before any request or write, the
profiles and policies made exactly the inventory's, proven by raw reads and real logins of
the accounts the toolkit created (a second account), never by the toolkit's own answer."""

from __future__ import annotations

import datetime as dt

import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_plan
from conftest import MANAGED_PASSWORD, RawApi

ACC = ("ACC-01", "ACC-02", "ACC-03")
AUDITOR_PW = "Aud1t!!Reader-2026x"
MICC_PW = "M1cc!!Sync-2026-xy"
FP = ":".join(["AB"] * 32)


def values(**over):
    base = {
        "mivb_hardening_password_strength": "Strong",
        "mivb_hardening_admin_policies": [
            {"name": "Auditors", "default_access": "No Access",
             "forms": {"user_profiles": "Read Only", "audit_trail": "Read Only", "smdr_options": "Read Only"}},
            {"name": "MiXML-Sync", "default_access": "No Access", "forms": {"system_options": "Read/Write"}},
        ],
        "mivb_hardening_admin_policies_purge": True,
        "mivb_hardening_user_profiles": [
            {"username": "system", "policy": "ROOT"},
            {"username": "auditor", "policy": "Auditors", "password": AUDITOR_PW},
            {"username": "micc", "policy": "MiXML-Sync", "password": MICC_PW, "application_access_only": True,
             "mixml_certificate_sha256": FP.lower()},
        ],
        "mivb_hardening_user_profiles_purge": True,
    }
    base.update(over)
    return base


class Recorder:
    """A transport that fails the test on any request: proves validation happens first."""

    def __getattr__(self, name):
        raise AssertionError(f"the controller was contacted ({name}) before the input was validated")


def run(ctl, vals, check=False, ids=ACC):
    t = ctl.transport(factory=None)
    target = mivb_plan.Target(ctl.address, ctl.port, ctl.ca_path, username="system")
    try:
        return mivb_plan.ControllerPlan(t, target, vals, ids, check).run()
    finally:
        t.logout()


def profiles(raw: RawApi) -> dict:
    status, data = raw.call("GET", "/api/v1/user_profiles")
    assert status == 200, data
    return {p["username"]: p for p in data["profiles"]}


def with_profiles(*extra, drop=()):
    listed = [p for p in values()["mivb_hardening_user_profiles"] if p["username"] not in drop]
    return values(mivb_hardening_user_profiles=[*listed, *extra])


@pytest.mark.parametrize(("vals", "words"), [
    (values(mivb_hardening_admin_policies=[{"name": "ROOT", "default_access": "Read Only"}]),
     ["ACC-01 mivb_hardening_admin_policies", "ROOT policy cannot be changed"]),
    (values(mivb_hardening_admin_policies=[{"name": "X", "default_access": "Everything"}]),
     ["default_access", "allowed: Read/Write, Read Only, No Access"]),
    (values(mivb_hardening_admin_policies=[
        {"name": "X", "default_access": "No Access", "forms": {"nope": "Read Only"}}]),
     ["unknown form 'nope'", "allowed: system_security_management"]),
    (with_profiles(drop=("system",)), ["toolkit's own account 'system' is not listed"]),
    (with_profiles({"username": "system", "policy": "SYSTEM"}, drop=("system",)),
     ["own account 'system' must keep policy ROOT"]),
    (with_profiles({"username": "system", "policy": "ROOT", "password": "Zz9!!Another-Pass1"}, drop=("system",)),
     ["AUTH-01 manages it"]),
    (with_profiles({"username": "system", "policy": "ROOT", "expires": "2030-01-01"}, drop=("system",)),
     ["must keep no expiry"]),
    (with_profiles({"username": "maint", "policy": "SYSTEM", "password": "Ma1nt!!Temp-2026xy", "temporary": True}),
     ["temporary (maintenance) profile must carry an expiry"]),
    (with_profiles({"username": "app", "policy": "SYSTEM", "password": "Ma1nt!!Temp-2026xy",
                    "application_access_only": True}), ["ACC-03", "needs the application's certificate"]),
    (with_profiles({"username": "adm", "policy": "SYSTEM", "password": "Ma1nt!!Temp-2026xy",
                    "mixml_certificate_sha256": FP}), ["belongs to a profile with application_access_only: true"]),
    (with_profiles({"username": "weak", "policy": "SYSTEM", "password": "short"}),
     ["does not meet the Strong rule"]),
    (with_profiles({"username": "x", "policy": "Ghost", "password": "Ma1nt!!Temp-2026xy"}),
     ["uses policy Ghost", "neither in mivb_hardening_admin_policies nor a default policy"]),
    (values(mivb_hardening_user_profiles=[]), ["empty", "mivb_hardening_acc_02: false"]),
])
def test_bad_input_and_guards_refused_before_any_request(vals, words):
    plan = mivb_plan.ControllerPlan(Recorder(), mivb_plan.Target("127.0.0.1", 1, None, username="system"), vals, ACC,
                                    False)
    out = plan.run()
    errors = [r["detail"] for r in out.controls.values() if r["status"] == "error"]
    assert errors and all(w in " ".join(errors) for w in words), errors
    assert "nothing was changed" in " ".join(errors)
    assert set(out.controls) == set(ACC)
    assert AUDITOR_PW not in str(out.controls)


def test_inventory_is_truth_check_mode_writes_nothing_apply_is_proven_by_a_second_account(commissioned):
    raw = commissioned.raw
    assert raw.login(MANAGED_PASSWORD) == 200
    # out of band: a leaver and an expired maintenance profile (and a policy nobody lists)
    raw.call("PUT", "/api/v1/admin_policies/Old-Vendor", {"default_access": "Read Only"})
    raw.call("PUT", "/api/v1/user_profiles/leaver", {"policy": "Old-Vendor", "password": "Le4ver!!Gone-2026"})
    maint = {"policy": "SYSTEM", "password": "Ma1nt!!Temp-2026xy", "expires": "2020-01-01T00:00:00Z"}
    raw.call("PUT", "/api/v1/user_profiles/maint", maint)
    raw.reset_stats()

    audit = run(commissioned, values(), check=True)
    assert {c: r["status"] for c, r in audit.controls.items()} == dict.fromkeys(ACC, "drift")
    assert raw.stats()["writes"] == 0
    assert "to be removed leaver (not in the inventory)" in audit.controls["ACC-02"]["detail"]
    assert "to be removed maint (expired)" in audit.controls["ACC-02"]["detail"]

    out = run(commissioned, values())
    assert all(r["status"] == "drift" and r["remediated"] for r in out.controls.values()), out.controls
    assert AUDITOR_PW not in str(out.__dict__) and MICC_PW not in str(out.__dict__)
    assert out.controls["ACC-02"]["diff"]["after"]["auditor"]["password"] == "set (new value)"
    assert "removed Old-Vendor" in out.controls["ACC-01"]["detail"]

    # independent path: the auditor account the toolkit created logs in and reads the profiles
    auditor = RawApi(commissioned.address, commissioned.port)
    status, data = auditor.call("POST", "/api/v1/login", {"username": "auditor", "password": AUDITOR_PW})
    assert status == 200 and data["policy"] == "Auditors"
    auditor.token = data["token"]
    seen = profiles(auditor)
    assert set(seen) == {"system", "auditor", "micc"}
    assert seen["micc"]["application_access_only"] and seen["micc"]["mixml_certificate_sha256"] == FP
    assert auditor.call("GET", "/api/v1/forms/system_security_management")[0] == 403  # least privilege
    # the MiXML application logs in with its certificate registered
    assert RawApi(commissioned.address, commissioned.port).call(
        "POST", "/api/v1/login", {"username": "micc", "password": MICC_PW})[0] == 200

    raw.reset_stats()
    again = run(commissioned, values())
    assert {c: r["status"] for c, r in again.controls.items()} == dict.fromkeys(ACC, "compliant")
    stats = raw.stats()
    assert stats["writes"] == 0
    assert stats["requests"].get("GET /api/v1/user_profiles") == 1
    assert stats["requests"].get("GET /api/v1/admin_policies") == 1


def test_password_drift_is_reset_without_a_login_and_never_shown(commissioned):
    run(commissioned, values())
    raw = commissioned.raw
    assert raw.login(MANAGED_PASSWORD) == 200
    raw.call("PUT", "/api/v1/user_profiles/auditor", {"policy": "Auditors", "password": "Chang3d!!OutOfBand"})
    before = {e["id"] for e in raw.audit(MANAGED_PASSWORD)}
    out = run(commissioned, values())
    assert out.controls["ACC-02"]["status"] == "drift"
    assert "updated (password) auditor" in out.controls["ACC-02"]["detail"]
    assert AUDITOR_PW not in str(out.__dict__) and "Chang3d" not in str(out.__dict__)
    new = [e for e in raw.audit(MANAGED_PASSWORD) if e["id"] not in before]
    # compared by verify-secret: no failed login, no lockout
    assert not [e for e in new if e["action"] in ("Login Failed", "Lockout")]
    assert [e for e in new if e["action"] == "Verify Secret" and "auditor" in e["message"]]
    login = RawApi(commissioned.address, commissioned.port).call(
        "POST", "/api/v1/login", {"username": "auditor", "password": AUDITOR_PW})
    assert login[0] == 200


def test_temporary_profile_removed_after_its_expiry(commissioned):
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    maint = {"username": "maint", "policy": "SYSTEM", "password": "Ma1nt!!Temp-2026xy", "temporary": True,
             "expires": soon}
    out = run(commissioned, with_profiles(maint))
    assert "created maint" in out.controls["ACC-02"]["detail"]
    assert profiles_of(commissioned)["maint"]["expires"] == soon
    past = dict(maint, expires="2021-06-30T12:00:00Z")
    out = run(commissioned, with_profiles(past))
    assert "removed maint (expired)" in out.controls["ACC-02"]["detail"] and out.controls["ACC-02"]["remediated"]
    assert "maint" not in profiles_of(commissioned)


def profiles_of(ctl):
    raw = RawApi(ctl.address, ctl.port)
    assert raw.login(MANAGED_PASSWORD) == 200
    return profiles(raw)


def test_guard_after_the_read_refuses_before_the_first_write(commissioned):
    raw = commissioned.raw
    assert raw.login(MANAGED_PASSWORD) == 200
    raw.call("PUT", "/api/v1/admin_policies/Vendor", {"default_access": "Read Only"})
    raw.call("PUT", "/api/v1/user_profiles/vendor", {"policy": "Vendor", "password": "Vend0r!!Keeps-2026"})
    raw.reset_stats()
    # profiles are not purged, so vendor stays, but its policy is unlisted and would be purged
    out = run(commissioned, values(mivb_hardening_user_profiles_purge=False))
    assert {r["status"] for r in out.controls.values()} == {"error"}
    assert "policy Vendor is not listed but profile(s) vendor keep using it" in out.controls["ACC-01"]["detail"]
    assert raw.stats()["writes"] == 0
    assert profiles_of(commissioned)["vendor"]["policy"] == "Vendor"


def test_acc03_reports_an_application_profile_without_certificate(commissioned):
    raw = commissioned.raw
    assert raw.login(MANAGED_PASSWORD) == 200
    raw.call("PUT", "/api/v1/user_profiles/rogue-app", {"policy": "SYSTEM", "password": "R0gue!!Applic-2026",
                                                        "application_access_only": True})
    out = run(commissioned, values(), check=True, ids=("ACC-03",))
    assert out.controls["ACC-03"]["status"] == "drift"
    assert "without a MiXML certificate: rogue-app" in out.controls["ACC-03"]["detail"]
    out = run(commissioned, values())
    assert out.controls["ACC-02"]["status"] == "drift" and "removed rogue-app" in out.controls["ACC-02"]["detail"]
    assert "rogue-app" not in profiles_of(commissioned)


def test_policy_areas_are_the_contracts_areas():
    """ACC-01 refuses a form an admin policy cannot name: the toolkit's list is the emulator's (the contract)."""
    from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_step_access import POLICY_AREAS

    from emulators.mivb.access import AREAS

    assert sorted(POLICY_AREAS) == sorted(AREAS)
