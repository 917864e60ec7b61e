"""LOG-05, MSL-01, MSL-02, ACC-04 through the plan against an in-process emulator (port 0), and
AUTH-01 on every login path. Proof goes through paths the toolkit does not use: a fresh asyncssh
session (own client, host key checked), ftplib, raw API reads, the emulator's counters."""

from __future__ import annotations

import asyncio
import ftplib
import re

import asyncssh
import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_plan
from conftest import FACTORY_PASSWORD, MANAGED_PASSWORD
from test_mivb_plan import Recorder

OURS = ("LOG-05", "MSL-01", "MSL-02", "ACC-04")
POLICY = {"mivb_hardening_pms_log_retention": {"max_entries": 10, "days": 30},
          "mivb_hardening_approved_release": {"mivb": "9.4.1.24", "msl": "11.0.98.0"}}


def values(ctl, **extra):
    return {**POLICY, **ctl.maintenance_vars(), "mivb_admin_password": MANAGED_PASSWORD, **extra}


def run_plan(ctl, vals, selected=OURS, check=False, transport=None):
    t = transport or ctl.transport(factory=None)
    target = mivb_plan.Target(ctl.address, ctl.port, ctl.ca_path)
    try:
        return mivb_plan.ControllerPlan(t, target, vals, selected, check).run()
    finally:
        t.logout()


def ssh(ctl, *commands, password=MANAGED_PASSWORD, mtce=True):
    """An independent session: asyncssh, host key checked against the same known_hosts file."""

    async def go():
        async with asyncssh.connect(ctl.address, ctl.rc.maintenance_ssh_port, username="system", password=password,
                                    known_hosts=ctl.known_hosts, client_keys=None) as conn:
            if mtce:
                res = await conn.run("/sysro/bin/mtce-term", input="".join(c + "\n" for c in commands), timeout=10)
            else:
                res = await conn.run(commands[0], timeout=10)
            return str(res.stdout)

    return asyncio.run(go())


def hotel_count(ctl) -> int:
    return int(re.findall(r"(\d+) HOTEL log\(s\) displayed", ssh(ctl, "LOGS READ HOTEL ALL"))[-1])


def statuses(out):
    return {cid: out.controls[cid]["status"] for cid in OURS}


def test_bad_input_refused_before_any_request(tmp_path):
    known = tmp_path / "known_hosts"
    known.write_text("")
    base = {**POLICY, "mivb_known_hosts_file": str(known)}
    cases = [
        ({"mivb_hardening_pms_log_retention": {"days": -1}}, "LOG-05",
         "LOG-05 mivb_hardening_pms_log_retention: days: -1 is outside 0-3650"),
        ({"mivb_hardening_pms_log_retention": {}}, "LOG-05", "LOG-05 mivb_hardening_pms_log_retention: set days"),
        ({"mivb_hardening_approved_release": None}, "MSL-02",
         "MSL-02 mivb_hardening_approved_release: required when MSL-02 runs"),
        ({"mivb_hardening_approved_release": {"mivb": "9.4 SP1"}}, "MSL-02",
         "MSL-02 mivb_hardening_approved_release: mivb: '9.4 SP1' is not a dotted release"),
        ({"mivb_ftp_port": 70000}, "ACC-04", "ACC-04 mivb_ftp_port: 70000 is not a TCP port (1-65535)"),
        ({"mivb_maintenance_ssh_port": 0}, "MSL-01", "MSL-01 mivb_maintenance_ssh_port: 0 is not a TCP port"),
        ({"mivb_known_hosts_file": str(tmp_path / "missing")}, "LOG-05",
         f"LOG-05 mivb_known_hosts_file: {tmp_path / 'missing'} does not exist"),
    ]
    for change, cid, message in cases:
        plan = mivb_plan.ControllerPlan(Recorder(), mivb_plan.Target("127.0.0.1", 1, None), {**base, **change},
                                        OURS, False)
        out = plan.run()  # Recorder fails the test if anything reaches the transport
        assert out.controls[cid]["status"] == "error" and out.controls[cid]["detail"].startswith(message), (
            cid, out.controls[cid])
        assert all(r["status"] in ("error", "not_evaluated") for r in out.controls.values())


def test_from_factory_audit_then_apply_then_idempotent_one_ssh_session_per_run(controller):
    ctl = controller
    t = ctl.transport(factory=FACTORY_PASSWORD)
    t.login_mode = "factory"  # commissioning: AUTH-01 changes the factory password first
    # check mode on a factory controller cannot run past AUTH-01: commission in apply mode
    out = run_plan(ctl, values(ctl), ("AUTH-01", *OURS), transport=t)
    assert out.controls["AUTH-01"]["status"] == "drift" and out.controls["AUTH-01"]["remediated"]
    assert statuses(out) == {"LOG-05": "drift", "MSL-01": "compliant", "MSL-02": "compliant",
                             "ACC-04": "compliant"}, out.controls
    log05 = out.controls["LOG-05"]
    assert log05["remediated"] and "LOGS PURGE HOTEL OLD 14" in log05["detail"]
    assert log05["diff"] == {"before": {"hotel_logs": 24}, "after": {"hotel_logs": 10}}
    assert "GUEST" not in str(out.controls)  # guests' names never reach the report
    assert hotel_count(ctl) == 10  # independent session
    stats = ctl.raw.stats()
    assert stats["ssh_logins"] == 2  # the run's one session + the proof session above
    assert "SFTP login accepted" in out.controls["ACC-04"]["detail"]
    assert "refused ('421" in out.controls["ACC-04"]["detail"]

    # new occupancy logs arrive; an audit (check mode) finds them and writes nothing
    ctl.raw.call("POST", "/_emulator/hotel_logs", {"count": 3})
    ctl.raw.reset_stats()
    out = run_plan(ctl, values(ctl), check=True)
    assert out.controls["LOG-05"]["status"] == "drift" and not out.controls["LOG-05"]["remediated"]
    assert "would purge 3 (LOGS PURGE HOTEL OLD 3)" in out.controls["LOG-05"]["detail"]
    assert ctl.raw.stats()["ssh_logins"] == 1  # LOG-05, MSL-01, MSL-02 and ACC-04 shared one session
    assert hotel_count(ctl) == 13

    out = run_plan(ctl, values(ctl))
    assert out.controls["LOG-05"]["remediated"] and hotel_count(ctl) == 10
    out = run_plan(ctl, values(ctl))
    assert statuses(out) == dict.fromkeys(OURS, "compliant") and not out.changed
    purges = [e for e in ctl.raw.audit(MANAGED_PASSWORD) if e["action"] == "Purge"]
    assert [p["message"].split(":")[0] for p in purges] == ["LOGS PURGE HOTEL OLD 14", "LOGS PURGE HOTEL OLD 3"]


def test_factory_password_fails_on_every_login_path_after_hardening(controller):
    """AUTH-01: after the toolkit changed the password (SAT path), a real login attempt with the
    factory password fails on HTTPS (SAT), MiXML, the maintenance shell, SFTP and FTP. A good login follows
    each failure, so the account's consecutive-failure counter never gets near the lockout."""
    ctl = controller
    assert ssh(ctl, "LOGS READ HOTEL NEW 1", password=FACTORY_PASSWORD)  # factory state: the shell opens
    t = ctl.transport(factory=FACTORY_PASSWORD)
    t.login_mode = "factory"
    out = run_plan(ctl, values(ctl), ("AUTH-01",), transport=t)
    assert out.controls["AUTH-01"]["remediated"]

    def reset():
        assert ctl.raw.login(MANAGED_PASSWORD) == 200

    assert ctl.raw.login(FACTORY_PASSWORD) == 401
    reset()
    # MiXML: its own web service login on the same HTTPS port
    assert ctl.raw.call("POST", "/mixml/login", {"username": "system", "password": FACTORY_PASSWORD})[0] == 401
    assert ctl.raw.call("POST", "/mixml/login", {"username": "system", "password": MANAGED_PASSWORD})[0] == 200
    with pytest.raises(asyncssh.PermissionDenied):
        ssh(ctl, "LOGS READ HOTEL", password=FACTORY_PASSWORD)
    reset()

    async def sftp(password):
        async with asyncssh.connect(ctl.address, ctl.rc.maintenance_ssh_port, username="system", password=password,
                                    known_hosts=ctl.known_hosts, client_keys=None) as conn, \
                conn.start_sftp_client() as client:
            return await client.listdir(".")

    with pytest.raises(asyncssh.PermissionDenied):
        asyncio.run(sftp(FACTORY_PASSWORD))
    reset()
    assert "db" in asyncio.run(sftp(MANAGED_PASSWORD))
    # FTP: plain FTP is refused before a credential is read (ACC-04) ...
    with pytest.raises(ftplib.error_temp, match=r"^421"):
        ftplib.FTP().connect(ctl.address, ctl.rc.ftp_port, timeout=10)
    # ... and where a legacy plain-FTP server is on, it checks the same profile
    ctl.raw.call("POST", "/_emulator/platform", {"plain_ftp": True})
    ftp = ftplib.FTP()
    ftp.connect(ctl.address, ctl.rc.ftp_port, timeout=10)
    with pytest.raises(ftplib.error_perm, match=r"^530"):
        ftp.login("system", FACTORY_PASSWORD)
    ftp.close()
    reset()
    entries = ctl.raw.audit(MANAGED_PASSWORD)
    failed = {e["interface"] for e in entries if e["action"] == "Login Failed"}
    assert failed == {"Management API (HTTPS)", "MiXML", "Maintenance SSH (MSL shell, SFTP)", "FTP"}
    assert not [e for e in entries if e["action"] == "Lockout"]


def test_planted_antivirus_old_release_and_plain_ftp_are_drift_without_a_credential_sent(commissioned):
    ctl = commissioned
    ctl.raw.call("POST", "/_emulator/platform", {
        "add_packages": ["ds_agent-20.0.1-9400.el7.x86_64"], "add_processes": ["wdavdaemon"],
        "mivb_version": "9.4.0.11", "plain_ftp": True})
    out = run_plan(ctl, values(ctl), ("MSL-01", "MSL-02", "ACC-04"), check=True)
    msl01, msl02, acc04 = (out.controls[c] for c in ("MSL-01", "MSL-02", "ACC-04"))
    assert msl01["status"] == "drift" and msl01["found"] == ["package ds_agent-20.0.1", "process wdavdaemon"]
    assert msl02["status"] == "drift" and "mivb 9.4.0.11 older than the approved 9.4.1.24" in msl02["detail"]
    assert "msl 11.0.98.0 (approved)" in msl02["detail"]
    assert acc04["status"] == "drift" and "offers logins" in acc04["detail"]
    assert not any(r.get("remediated") for r in (msl01, msl02, acc04))
    # the probe read the greeting and said QUIT: no USER/PASS reached the FTP login check
    assert not [e for e in ctl.raw.audit(MANAGED_PASSWORD) if e["interface"] == "FTP"]


def test_wrong_host_key_is_an_error_of_the_ssh_controls_only_and_never_retried(commissioned, tmp_path):
    ctl = commissioned
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode().strip()
    bad = tmp_path / "bad_known_hosts"
    bad.write_text(f"[{ctl.address}]:{ctl.rc.maintenance_ssh_port} {other}\n")
    vals = values(ctl, mivb_known_hosts_file=str(bad), mivb_hardening_voice_encryption_enabled=True)
    out = run_plan(ctl, vals, ("EP-03", *OURS))
    for cid in OURS:
        assert out.controls[cid]["status"] == "error"
        assert "host key does NOT match" in out.controls[cid]["detail"], out.controls[cid]
    assert out.controls["EP-03"]["status"] == "compliant"  # the HTTPS steps are not affected
    assert ctl.raw.stats()["ssh_logins"] == 0
    assert not [e for e in ctl.raw.audit(MANAGED_PASSWORD) if e["action"] == "Login Failed"]


def test_retention_by_age_and_count_and_release_comparison():
    """The pure decisions: OLD k from days and/or max_entries; newer-than-approved is drift too."""
    import datetime as dt

    from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_step_msl_platform as msl
    from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_step_pms_logs as pms

    now = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
    lines = [f"{i:6d}  {(now - dt.timedelta(days=40 - i * 10)):%Y-%m-%dT%H:%M:%SZ}  ROOM 101    CHECK IN  GUEST {i}"
             for i in range(5)]  # 40, 30, 20, 10 and 0 days old
    entries = pms.parse_logs("\n".join([*lines, "5 HOTEL log(s) displayed"]))
    with pytest.raises(pms.MaintenanceError, match="matching"):
        pms.parse_logs("\n".join([*lines, "4 HOTEL log(s) displayed"]))  # a lost line is never guessed

    def keep(days=None, max_entries=None):
        return pms.to_purge(entries, pms.PmsLogs(None, days, max_entries), now)

    assert keep(days=25) == 2 and keep(days=0) == 5 and keep(days=3650) == 0
    assert keep(max_entries=4) == 1 and keep(days=25, max_entries=1) == 4
    approved = {"mivb": "9.4.1.24"}
    assert msl._release({"mitel-mivb": "9.4.1.24"}, approved)["status"] == "compliant"
    newer = msl._release({"mitel-mivb": "9.4.2.3"}, approved)
    assert newer["status"] == "drift" and "differs from the approved 9.4.1.24" in newer["detail"]
    assert msl._release({}, approved)["status"] == "error"
