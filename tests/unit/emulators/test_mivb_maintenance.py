"""Maintenance SSH: MTCE `LOGS READ HOTEL` / `LOGS PURGE HOTEL` (LOG-05)."""

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
    failed = [e for e in api.ok("GET", "/audit_trail")["entries"] if e["action"] == "Login Failed"]
    assert len(failed) >= 2 and all("Maintenance SSH" in e["message"] for e in failed)
    assert Api(rc).login("system", NEW_PASSWORD)[0] == 200  # SSH failures do not lock the SAT account
