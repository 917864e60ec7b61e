"""TOLL-05: simple SIP passwords found by the controller against its stored digests; offenders
reported by account name only, nothing written, no password or candidate anywhere in the result
or the audit trail (read by a second account)."""

from __future__ import annotations

import json

from mivb_second_account import auditor, refused_offline, run_plan

MANAGED = "Qz7#Lm2!Vx9@Rt4%Kp"
STRONG = "q8#Vt2!mZr5@Lw-Kx"
ACCOUNTS = {
    "trunk-user": ("sip_peer_profile", "trunk1", None, "trunk1"),  # equals the user name
    "set2001": ("sip_device", "2001", "2001", "20012001"),  # extension twice
    "carrier": ("sip_peer_profile", "carrier", None, "P@ssw0rd"),  # common password
    "set2002": ("sip_device", "2002", "2002", "Xk#9m"),  # too short
    "set2003": ("sip_device", "2003", "2003", STRONG),
}


def _seed(ctl, accounts):
    assert ctl.raw.login(MANAGED) == 200
    for name, (kind, user, ext, password) in accounts.items():
        body = {"kind": kind, "user_name": user, "extension": ext, "password": password}
        assert ctl.raw.call("PUT", f"/api/v1/sip_accounts/{name}", body)[0] == 200
    ctl.raw.reset_stats()


def test_offenders_by_name_only_and_nothing_written(commissioned):
    ctl = commissioned
    _seed(ctl, ACCOUNTS)
    out = run_plan(ctl, {"mivb_hardening_sip_password_min_length": 10}, ("TOLL-05",))
    entry = out.controls["TOLL-05"]
    assert entry["status"] == "drift" and entry["remediated"] is False
    assert entry["offenders"] == ["carrier", "set2001", "set2002", "trunk-user"]
    assert "4 of 5 SIP account(s)" in entry["detail"] and "remediation is manual" in entry["detail"]
    assert ctl.raw.stats()["writes"] == 0
    text = json.dumps(out.controls) + json.dumps(out.steps)
    for _kind, _user, _ext, password in ACCOUNTS.values():
        if password not in ("trunk1", "20012001"):  # these are also names/user names, shown as such
            assert password not in text
    assert "20012001" not in text
    # the audit trail (second account) shows the checks, masked, and no password or candidate
    status, data = auditor(ctl).call("GET", "/api/v1/audit_trail?limit=500")
    assert status == 200
    checks = [e for e in data["entries"] if e["action"] == "Verify Secret"]
    assert len(checks) == 5
    trail = json.dumps(data)
    assert STRONG not in trail and "P@ssw0rd" not in trail and "Xk#9m" not in trail and "20012001" not in trail


def test_strong_accounts_are_compliant(commissioned):
    _seed(commissioned, {"set2003": ACCOUNTS["set2003"]})
    out = run_plan(commissioned, {"mivb_hardening_sip_common_passwords": ["acme2026"]}, ("TOLL-05",), check=True)
    assert out.controls["TOLL-05"]["status"] == "compliant"
    assert "none of 1 SIP account(s)" in out.controls["TOLL-05"]["detail"]
    # an inventory word that is the password makes it an offender
    _seed(commissioned, {"set2004": ("sip_device", "2004", "2004", "Acme-Site-2026!")})
    out = run_plan(commissioned, {"mivb_hardening_sip_common_passwords": ["Acme-Site-2026!"],
                                  "mivb_hardening_sip_password_min_length": 8}, ("TOLL-05",))
    assert out.controls["TOLL-05"]["offenders"] == ["set2004"]
    assert "Acme-Site-2026!" not in json.dumps(out.controls)


def test_bad_minimum_refused_before_any_request():
    out = refused_offline({"mivb_hardening_sip_password_min_length": 0}, ("TOLL-05",))
    assert out.controls["TOLL-05"]["status"] == "error"
    assert out.controls["TOLL-05"]["detail"].startswith(
        "TOLL-05 mivb_hardening_sip_password_min_length: 0 is outside 1-64")
