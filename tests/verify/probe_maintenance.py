"""Independent checks of the controller's non-HTTPS login paths for Molecule verify steps.

Shares no code with the collection (which uses netmiko/paramiko): asyncssh for the maintenance
SSH and SFTP, ftplib for plain FTP. Host keys are checked against the lab's known_hosts file.
Passwords come from environment variables, never the command line. Every sub-command prints
one JSON object; occupancy logs are reported as a count only (they hold guests' names).

    probe_maintenance.py mtce  --host H --port P --user U --password-env VAR --known-hosts F --command "LOGS ..."
    probe_maintenance.py shell --host H --port P --user U --password-env VAR --known-hosts F --command "rpm -qa"
    probe_maintenance.py ssh-login  --host H --port P --user U --password-env VAR --known-hosts F [--reset-env VAR]
    probe_maintenance.py sftp-login --host H --port P --user U --password-env VAR --known-hosts F [--reset-env VAR]
    probe_maintenance.py ftp-login  --host H --port P --user U --password-env VAR

A refused login attempt counts towards the account's lockout (3 consecutive failures, every
path): `--reset-env` names the right password, used for one good login right after a refused
attempt, so a verify run never leaves the counter above zero.
"""

from __future__ import annotations

import argparse
import asyncio
import ftplib
import json
import os
import re
import sys
from typing import Any

import asyncssh


async def _connect(a: argparse.Namespace, password: str) -> asyncssh.SSHClientConnection:
    return await asyncssh.connect(a.host, a.port, username=a.user, password=password, known_hosts=a.known_hosts,
                                  client_keys=None, agent_path=None)


async def _run(a: argparse.Namespace, mtce: bool) -> dict[str, Any]:
    async with await _connect(a, os.environ[a.password_env]) as conn:
        if mtce:
            res = await conn.run("/sysro/bin/mtce-term", input=a.command + "\n", timeout=20)
            counts = re.findall(r"(\d+) HOTEL log\(s\) (displayed|purged)", str(res.stdout))
            return {"hotel_logs": int(counts[-1][0]) if counts else None}
        res = await conn.run(a.command, timeout=20)
        return {"lines": str(res.stdout).split(), "exit_status": res.exit_status}


async def _login(a: argparse.Namespace, sftp: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"path": "sftp" if sftp else "ssh"}
    try:
        async with await _connect(a, os.environ[a.password_env]) as conn:
            if sftp:
                async with conn.start_sftp_client() as client:
                    out["entries"] = sorted(n for n in await client.listdir(".") if n not in (".", ".."))
            out["accepted"] = True
    except asyncssh.PermissionDenied:
        out["accepted"] = False
        if a.reset_env:
            async with await _connect(a, os.environ[a.reset_env]):
                out["counter_reset"] = True
    return out


def _ftp_login(a: argparse.Namespace) -> dict[str, Any]:
    """A real plain-FTP login attempt (USER/PASS are sent if the server greets with 220)."""
    ftp = ftplib.FTP(timeout=15)
    try:
        ftp.connect(a.host, a.port)
        reply = ftp.login(a.user, os.environ[a.password_env])
        ftp.quit()
        return {"refused": False, "reply": reply}
    except ConnectionRefusedError:
        return {"refused": True, "reply": "connection refused"}
    except (ftplib.error_temp, ftplib.error_perm) as exc:
        return {"refused": True, "reply": str(exc)}
    finally:
        ftp.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name in ("mtce", "shell", "ssh-login", "sftp-login", "ftp-login"):
        p = sub.add_parser(name)
        p.add_argument("--host", required=True)
        p.add_argument("--port", type=int, required=True)
        p.add_argument("--user", required=True)
        p.add_argument("--password-env", required=True, help="environment variable holding the password")
        if name != "ftp-login":
            p.add_argument("--known-hosts", required=True)
        if name in ("mtce", "shell"):
            p.add_argument("--command", required=True)
        if name in ("ssh-login", "sftp-login"):
            p.add_argument("--reset-env", help="the right password, for one good login after a refusal")
    a = parser.parse_args()
    if a.cmd in ("mtce", "shell"):
        out = asyncio.run(_run(a, a.cmd == "mtce"))
    elif a.cmd in ("ssh-login", "sftp-login"):
        out = asyncio.run(_login(a, a.cmd == "sftp-login"))
    else:
        out = _ftp_login(a)
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
