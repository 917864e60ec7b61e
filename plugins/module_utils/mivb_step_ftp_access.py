# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ACC-04: FTP access to the controller is SFTP only (guideline, "Application - Login Security":
"Access to the FTP Server is accomplished with secure FTP (SFTP)"). Audit only.

Plain FTP is probed without credentials: connect to the FTP control port and read the
greeting (RFC 959, 4.2). A refused connection, or a 421 / 5xx greeting, is "refused"; a 220
greeting means a plain-FTP server offers logins in clear text (drift) and gets `QUIT`. USER
and PASS are never sent, so the probe can neither leak the password nor count towards the
account's lockout. SFTP is proven by opening an SFTP channel on the run's maintenance SSH
session (the admin account, already logged in: no second login).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_maintenance import (
    SSH_PARAMS,
    MaintenanceError,
    SshAccess,
    check_port,
    prefetch_step,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import (
    ControlDef,
    PlanContext,
    StepDef,
    result,
)

FTP_PORT_VAR = "mivb_ftp_port"


@dataclass
class FtpAccess:
    access: SshAccess
    ftp_port: int


def build(plan: PlanContext, params: dict[str, Any]) -> FtpAccess:
    return FtpAccess(SshAccess.of(params), check_port(FTP_PORT_VAR, params.get("ftp_port"), 21))


def probe_plain_ftp(host: str, port: int, timeout: float = 10.0) -> tuple[bool, str]:
    """(offered, what was seen): reads the greeting only, never sends a credential."""
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except ConnectionRefusedError:
        return False, f"plain FTP {host}:{port}: connection refused"
    except OSError as exc:
        raise MaintenanceError(f"plain FTP {host}:{port}: no answer ({exc.strerror or type(exc).__name__})") from None
    with sock:
        try:
            reply = _greeting(sock.makefile("rb"))
        except OSError as exc:
            raise MaintenanceError(f"plain FTP {host}:{port}: no greeting ({type(exc).__name__})") from None
        code = reply[:3]
        if code == "220":
            try:
                sock.sendall(b"QUIT\r\n")
            except OSError:
                pass
            return True, f"plain FTP {host}:{port} offers logins ({reply[:60]!r})"
        if code == "421" or code.startswith("5"):
            return False, f"plain FTP {host}:{port}: refused ({reply[:60]!r})"
        raise MaintenanceError(f"plain FTP {host}:{port}: unexpected greeting {reply[:60]!r}")


def _greeting(stream: Any) -> str:
    """The last line of a (possibly multi-line, `220-` ... `220 `) reply."""
    for _attempt in range(50):
        line = stream.readline(1024).decode("utf-8", "replace").rstrip("\r\n")
        if not line:
            return "(closed without a greeting)"
        if len(line) >= 4 and line[:3].isdigit() and line[3] == " ":
            return line
    return "(greeting too long)"


def run(plan: PlanContext, backend: FtpAccess, ids: list[str]) -> None:
    offered, seen = probe_plain_ftp(plan.target.host, backend.ftp_port)
    shell = backend.access.shell(plan)  # no SSH session (host key, login): an error, not a finding
    try:
        listing = shell.sftp().listdir(".")
        sftp_ok, sftp_seen = True, f"SFTP login accepted (home directory listed: {len(listing)} entries)"
    except MaintenanceError as exc:
        sftp_ok, sftp_seen = False, f"SFTP not available: {exc.message}"
    detail = f"{seen}; {sftp_seen}"
    if not offered and sftp_ok:
        plan.out.controls["ACC-04"] = result("compliant", detail)
    else:
        plan.out.controls["ACC-04"] = result(
            "drift", detail + ". The guideline wants FTP access over SFTP only: turn the plain-FTP server off "
            "(the toolkit does not change it)", remediated=False)
    plan.out.steps.append({"step": "ftp_access", "outcome": "ok"})


STEP = StepDef(
    name="ftp_access",
    controls=(ControlDef("ACC-04", "ftp_access", {"ftp_port": FTP_PORT_VAR, **SSH_PARAMS}),),
    build=build,
    run=run,
    prefetch=prefetch_step,
)
