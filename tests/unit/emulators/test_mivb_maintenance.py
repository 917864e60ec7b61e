"""Maintenance SSH: MTCE `LOGS READ HOTEL` / `LOGS PURGE HOTEL` (LOG-05), the Linux shell's
`rpm -qa` / `ps` (MSL-01/02), SFTP and the refused plain-FTP port (ACC-04), and one lockout
counter per account over every login path (AUTH-01)."""

from __future__ import annotations

import asyncio
import re

import asyncssh
import pytest
from mivb_fixtures import ADDRESS, NEW_PASSWORD, Api, add_user, admin, seed_state_dir

from emulators.mivb.server import ControllerSpec, start_controllers


@pytest.fixture
def rc(tmp_path):
    seed_state_dir(tmp_path / "m1", "m1")
    spec = ControllerSpec(
        "m1",
        ADDRESS,
        str(tmp_path / "m1"),
        https_port=0,
        sip_tls_port=None,
        ip_sets_tls_port=None,
        test_hooks=True,
        maintenance_ssh_port=0,
        ftp_port=0,
    )
    with start_controllers([spec]) as handle:
        yield handle["m1"]


def mtce(rc, *commands: str, username: str = "system", password: str = NEW_PASSWORD) -> str:
    async def run() -> str:
        async with asyncssh.connect(
            ADDRESS, rc.maintenance_ssh_port, username=username, password=password, known_hosts=None
        ) as conn:
            result = await conn.run("/sysro/bin/mtce-term", input="".join(c + "\n" for c in commands), timeout=10)
            return str(result.stdout)

    return asyncio.run(run())


def displayed(output: str) -> int:
    found = re.findall(r"(\d+) HOTEL log\(s\) displayed", output)
    assert found, output
    return int(found[-1])


def test_read_and_purge_hotel_logs(rc):
    api = admin(rc)
    assert displayed(mtce(rc, "LOGS READ HOTEL ALL")) == 24
    out = mtce(rc, "LOGS READ HOTEL NEW 3", "logs read hotel old 2", "LOGS READ HOTEL MATCH GUEST 07")
    counts = [int(n) for n in re.findall(r"(\d+) HOTEL log\(s\) displayed", out)]
    assert counts == [3, 2, 1]
    assert "purged" in mtce(rc, "LOGS PURGE HOTEL OLD 20")
    # A fresh session sees the purge (state, not session memory).
    out = mtce(rc, "LOGS READ HOTEL")
    assert displayed(out) == 4 and "GUEST 24" in out and "GUEST 01" not in out
    api.ok("POST", "/_emulator/hotel_logs", {"count": 5})
    assert displayed(mtce(rc, "LOGS READ HOTEL ALL")) == 9
    assert "9 HOTEL log(s) purged" in mtce(rc, "LOGS PURGE HOTEL ALL")
    assert displayed(mtce(rc, "LOGS READ HOTEL ALL")) == 0
    assert "Invalid parameter" in mtce(rc, "LOGS PURGE HOTEL SOME")
    assert "Invalid command" in mtce(rc, "FORMAT DISK")
    purges = [e for e in api.ok("GET", "/audit_trail")["entries"] if e["action"] == "Purge"]
    assert [p["message"].split(":")[0] for p in purges] == ["LOGS PURGE HOTEL OLD 20", "LOGS PURGE HOTEL ALL"]


def test_only_root_profiles_may_log_in(rc):
    api = admin(rc)
    add_user(api, "ops", "SYSTEM")
    with pytest.raises(asyncssh.PermissionDenied):
        mtce(rc, "LOGS READ HOTEL", username="ops")
    with pytest.raises(asyncssh.PermissionDenied):
        mtce(rc, "LOGS READ HOTEL", password="wrong")
    entries = api.ok("GET", "/audit_trail")["entries"]
    refused = [e for e in entries if e["action"] == "Login Refused" and e["user"] == "ops"]
    failed = [e for e in entries if e["action"] == "Login Failed" and e["user"] == "system"]
    assert refused and "ROOT-policy" in refused[-1]["message"]
    assert len(failed) == 1 and failed[0]["interface"].startswith("Maintenance SSH")
    # One failure, then a good login on another path: the per-account counter restarts.
    assert Api(rc).login("system", NEW_PASSWORD)[0] == 200


def shell(rc, command: str, password: str = NEW_PASSWORD) -> str:
    async def run() -> str:
        async with asyncssh.connect(
            ADDRESS, rc.maintenance_ssh_port, username="system", password=password, known_hosts=None
        ) as conn:
            return str((await conn.run(command, timeout=10)).stdout)

    return asyncio.run(run())


def sftp_listdir(rc, username: str, password: str) -> list[str]:
    async def run() -> list[str]:
        async with asyncssh.connect(
            ADDRESS, rc.maintenance_ssh_port, username=username, password=password, known_hosts=None
        ) as conn, conn.start_sftp_client() as sftp:
            return sorted(n for n in await sftp.listdir("/") if n not in (".", ".."))

    return asyncio.run(run())


def test_linux_shell_packages_processes_and_the_platform_hook(rc):
    api = admin(rc)
    packages = shell(rc, "rpm -qa").split()
    assert any(p.startswith("mitel-mivb-9.4.1.24-") for p in packages)
    assert "sshd" in shell(rc, "ps -e -o comm=").split()
    assert "command not found" in shell(rc, "yum remove ds_agent")
    status, data = api.call("POST", "/_emulator/platform", {"add_packages": ["not a package"]})
    assert status == 400 and data["field"] == "add_packages"
    api.ok("POST", "/_emulator/platform", {"add_packages": ["ds_agent-20.0.1-9400.el7.x86_64"],
                                           "add_processes": ["ds_agent"], "mivb_version": "9.4.0.11"})
    packages = shell(rc, "rpm -qa").split()
    assert "ds_agent-20.0.1-9400.el7.x86_64" in packages
    assert any(p.startswith("mitel-mivb-9.4.0.11-") for p in packages)
    assert "ds_agent" in shell(rc, "ps -eo comm=").split()


def test_plain_ftp_refused_before_any_credential_sftp_accepted(rc):
    import ftplib

    api = admin(rc)
    ftp = ftplib.FTP(timeout=10)
    # A real plain-FTP login attempt: the server answers 421 before USER/PASS can be sent.
    with pytest.raises(ftplib.error_temp, match=r"^421"):
        ftp.connect(ADDRESS, rc.ftp_port)
        ftp.login("system", NEW_PASSWORD)
    assert sftp_listdir(rc, "system", NEW_PASSWORD) == ["db"]
    entries = api.ok("GET", "/audit_trail")["entries"]
    assert not [e for e in entries if e["interface"] == "FTP"]  # nothing reached a login check


def test_one_lockout_counter_for_every_login_path(rc):
    """Three consecutive failures over three paths lock the account (the guideline's hard-coded three)."""
    import ftplib

    api = admin(rc)
    add_user(api, "spare", "ROOT")  # a second account: the test never locks `system`
    api.ok("POST", "/_emulator/platform", {"plain_ftp": True})
    with pytest.raises(asyncssh.PermissionDenied):
        sftp_listdir(rc, "spare", "wrong-1")
    ftp = ftplib.FTP(timeout=10)
    ftp.connect(ADDRESS, rc.ftp_port)
    with pytest.raises(ftplib.error_perm, match=r"^530"):
        ftp.login("spare", "wrong-2")
    ftp.close()
    status, data = Api(rc).login("spare", "wrong-3")
    assert status == 423 and data["error"] == "account_locked"
    with pytest.raises(asyncssh.PermissionDenied):  # locked: even the right password is refused
        sftp_listdir(rc, "spare", NEW_PASSWORD)
    assert Api(rc).login("system", NEW_PASSWORD)[0] == 200


def test_factory_password_opens_every_path_until_changed_then_none(tmp_path):
    """Guideline: MiXML, FTP and RTC-shell logins are not forced to change the factory password;
    it works there until changed from the SAT. After the change it fails on every path."""
    import ftplib

    spec = ControllerSpec("m2", ADDRESS, str(tmp_path / "m2"), https_port=0, sip_tls_port=None,
                          ip_sets_tls_port=None, test_hooks=True, maintenance_ssh_port=0, ftp_port=0)
    seed_state_dir(tmp_path / "m2", "m2")
    with start_controllers([spec]) as handle:
        rc = handle["m2"]
        Api(rc).ok("POST", "/_emulator/platform", {"plain_ftp": True})
        assert displayed(mtce(rc, "LOGS READ HOTEL NEW 1", password="password")) == 1
        api = admin(rc)  # the SAT login page forces the change
        good = Api(rc)

        def refused_then_reset(attempt) -> None:
            attempt()
            assert good.login("system", NEW_PASSWORD)[0] == 200  # keeps the account below the limit

        def ssh_factory() -> None:
            with pytest.raises(asyncssh.PermissionDenied):
                mtce(rc, "LOGS READ HOTEL", password="password")

        def sftp_factory() -> None:
            with pytest.raises(asyncssh.PermissionDenied):
                sftp_listdir(rc, "system", "password")

        refused_then_reset(ssh_factory)
        refused_then_reset(sftp_factory)

        def ftp_factory() -> None:
            ftp = ftplib.FTP(timeout=10)
            ftp.connect(ADDRESS, rc.ftp_port)
            with pytest.raises(ftplib.error_perm, match=r"^530"):
                ftp.login("system", "password")
            ftp.close()

        refused_then_reset(ftp_factory)
        status, _ = Api(rc).login("system", "password")
        assert status == 401
        failures = [e for e in api.ok("GET", "/audit_trail")["entries"] if e["action"] == "Login Failed"]
        assert {e["interface"] for e in failures} == {"Maintenance SSH (MSL shell, SFTP)", "FTP",
                                                      "Management API (HTTPS)"}
        assert not [e for e in api.ok("GET", "/audit_trail")["entries"] if e["action"] == "Lockout"]
