"""LOG-01 and AUTH-07 in the plan: the export file is the proof (ids contiguous from the first
entry to the newest, nothing lost across > 5000 entries between runs, archive included), and
the lockout audit never fails a login (the emulator's own trail shows none from the toolkit)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_plan
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_step_audit import lockout_violations
from conftest import MANAGED_PASSWORD, RawApi

IDS = ("AUTH-07", "LOG-01")


class Recorder:
    def __getattr__(self, name):
        raise AssertionError(f"the controller was contacted ({name}) before the input was validated")


def run(ctl, export_dir: Path, check=False, ids=IDS):
    t = ctl.transport(factory=None)
    vals = {"mivb_hardening_audit_trail_dir": str(export_dir), "inventory_hostname": "ctl-1"}
    try:
        return mivb_plan.ControllerPlan(t, mivb_plan.Target(ctl.address, ctl.port, ctl.ca_path, username="system"),
                                        vals, ids, check).run()
    finally:
        t.logout()


def exported(export_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (export_dir / "ctl-1.jsonl").read_text().splitlines()]


def test_more_than_5000_entries_between_runs_nothing_lost(commissioned, tmp_path):
    export = tmp_path / "reports" / "audit_trail"
    first = run(commissioned, export, check=True)  # an audit run exports too: it writes only the report store
    assert first.controls["LOG-01"]["status"] == "compliant", first.controls
    newest_first = first.controls["LOG-01"]["newest_id"]
    assert commissioned.raw.stats()["writes"] == 0
    # a busy controller: 12000 entries arrive before the next run; 7000 of them leave the live window
    status, data = commissioned.raw.call("POST", "/_emulator/audit_entries", {"count": 12000})
    assert status == 200, data
    commissioned.raw.reset_stats()
    second = run(commissioned, export)
    assert second.controls["LOG-01"]["status"] == "compliant", second.controls["LOG-01"]
    assert second.controls["LOG-01"]["newest_id"] > newest_first + 12000
    pages = next(s for s in second.steps if s["step"] == "audit_trail")["pages"]
    assert pages >= 3 and commissioned.raw.stats()["requests"]["GET /api/v1/audit_trail"] == pages
    ids = [e["id"] for e in exported(export)]
    assert ids == list(range(1, ids[-1] + 1))  # contiguous from the controller's first entry: nothing lost
    assert ids[-1] == second.controls["LOG-01"]["newest_id"]
    # independent path: what the file holds is what the controller holds (raw read, another session)
    raw = RawApi(commissioned.address, commissioned.port)
    assert raw.login(MANAGED_PASSWORD) == 200
    status, page = raw.call("GET", f"/api/v1/audit_trail?since_id={ids[-101]}&limit=100")
    assert page["entries"] == exported(export)[-100:]


def test_lost_entries_are_drift_naming_the_ids(commissioned, tmp_path):
    export = tmp_path / "export"
    run(commissioned, export)
    commissioned.raw.call("POST", "/_emulator/audit_entries", {"count": 7000})
    # the archive is lost on the controller (a restore without it): those ids cannot be exported
    archive = Path(commissioned.rc.state_dir) / "audit_archive"
    assert archive.is_dir()
    shutil.rmtree(archive)
    log01 = run(commissioned, export).controls["LOG-01"]
    assert log01["status"] == "drift" and "were no longer on the controller" in log01["detail"], log01
    assert log01["remediated"] is False


def test_auth07_audits_the_lockout_without_causing_one(commissioned, tmp_path):
    raw = commissioned.raw
    # someone else fails three times: the controller locks that name (never the toolkit's own account)
    for attempt in range(3):
        status, _body = raw.call("POST", "/api/v1/login", {"username": "operator", "password": "Wrong-Guess-123!"})
        assert status == (423 if attempt == 2 else 401)
    out = run(commissioned, tmp_path / "x")
    auth07 = out.controls["AUTH-07"]
    assert auth07["status"] == "compliant" and "1 lockout(s)" in auth07["detail"], auth07
    assert "no login attempt was made" in auth07["detail"]


def test_auth07_never_fails_a_login(commissioned, tmp_path):
    before = {e["id"] for e in commissioned.raw.audit(MANAGED_PASSWORD)}
    out = run(commissioned, tmp_path / "x", ids=("AUTH-07",))
    assert out.controls["AUTH-07"]["status"] == "compliant"
    new = [e for e in commissioned.raw.audit(MANAGED_PASSWORD) if e["id"] not in before]
    assert [e["action"] for e in new if e["category"].startswith("LogIn")].count("Login Failed") == 0
    assert not (tmp_path / "x" / "ctl-1.jsonl").exists()  # LOG-01 not selected: nothing exported


def test_lockout_violation_detected_in_entries():
    entries = [{"id": i, "user": "bob", "action": "Login Failed"} for i in range(1, 5)]
    assert lockout_violations(entries) == ["bob (entry 4: failed login 4 in a row without a lockout)"]
    entries.insert(3, {"id": 9, "user": "bob", "action": "Lockout"})
    assert lockout_violations(entries) == []


def test_export_dir_that_is_a_file_is_refused_before_any_request(tmp_path):
    bad = tmp_path / "file"
    bad.write_text("x")
    vals = {"mivb_hardening_audit_trail_dir": str(bad)}
    out = mivb_plan.ControllerPlan(Recorder(), mivb_plan.Target("127.0.0.1", 1, None), vals, IDS, False).run()
    assert out.controls["LOG-01"]["status"] == "error"
    assert out.controls["LOG-01"]["detail"].startswith("LOG-01 mivb_hardening_audit_trail_dir:")
