"""Maintenance SSH (optional spec key `maintenance_ssh_port`): the MSL Linux shell, the MTCE
maintenance shell (`/sysro/bin/mtce-term`) and the SFTP file access of the controller.

MTCE commands (guideline, "Occupancy Logs"; LOG-05):

    LOGS READ HOTEL [ALL | NEW <n> | OLD <n>] [MATCH <string>]
    LOGS PURGE HOTEL [ALL | NEW <n> | OLD <n>]

NEW n = the n most recent entries, OLD n = the n oldest. Linux shell commands (MSL-01, MSL-02):
`rpm -qa` and `ps -e -o comm=` (procps: one command name per line, no header), answered from
`platform.py`; anything else is `command not found`. SFTP (ACC-04: "Access to the FTP Server
is accomplished with secure FTP") is the `sftp` subsystem of the same SSH service, as with
OpenSSH on MSL, rooted in the controller's `sftp/` directory.

Every login goes through `logins.authenticate` (the same user profiles and the same per-account
lockout counter as the management API); only ROOT-policy user profiles may log in (the
maintenance shell is root-equivalent); logins and purges are audited.
One asyncio loop thread serves the maintenance and FTP ports of every controller in the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from typing import TYPE_CHECKING, Any

import asyncssh

from emulators.ssh_login import PasswordLogin, edit_line, split_lines

from .ftp import serve_ftp
from .hotel_logs import hotel_logs
from .logins import authenticate
from .platform import ps_comm, rpm_qa

if TYPE_CHECKING:
    from .controller import Controller

MTCE_TERM = "/sysro/bin/mtce-term"
SSH_INTERFACE = "Maintenance SSH (MSL shell, SFTP)"
# The Linux shell commands the emulator answers (exact text, after collapsing blanks).
LINUX_COMMANDS = {"rpm -qa": rpm_qa, "ps -e -o comm=": ps_comm, "ps -eo comm=": ps_comm}
_SELECT = re.compile(r"^(?:(ALL)|(NEW|OLD)\s+(\d+))?\s*(?:MATCH\s+(.+))?$", re.IGNORECASE)


def _select(logs: list[dict[str, Any]], args: str) -> tuple[list[dict[str, Any]], str | None] | None:
    found = _SELECT.match(args.strip())
    if not found:
        return None
    _, which, number, match = found.groups()
    chosen = logs
    if which:
        n = int(number)
        chosen = logs[-n:] if which.upper() == "NEW" and n else logs[:n] if which.upper() == "OLD" else []
    return chosen, match


def mtce_command(ctrl: Controller, line: str, user: str, peer: str) -> str:
    """Run one MTCE command; return its output (a PTY session turns LF into CR LF)."""
    words = line.strip().split(None, 3)
    if not words:
        return ""
    if len(words) >= 3 and [w.upper() for w in words[:3]] in (["LOGS", "READ", "HOTEL"], ["LOGS", "PURGE", "HOTEL"]):
        args = words[3] if len(words) > 3 else ""
        with ctrl.lock:
            logs = hotel_logs(ctrl)
            picked = _select(logs, args)
            if picked is None or (words[1].upper() == "PURGE" and picked[1]):
                return (
                    "Invalid parameter. Usage: "
                    + (
                        "LOGS READ HOTEL [ALL | NEW <number> | OLD <number>] [MATCH <string>]"
                        if words[1].upper() == "READ"
                        else "LOGS PURGE HOTEL [ALL | NEW <number> | OLD <number>]"
                    )
                    + "\n"
                )
            chosen, match = picked
            if words[1].upper() == "READ":
                if match:
                    chosen = [e for e in chosen if match.lower() in " ".join(map(str, e.values())).lower()]
                out = [f"{e['id']:6d}  {e['time']}  ROOM {e['room']:<6} {e['event']:<16} {e['guest']}" for e in chosen]
                out.append(f"{len(chosen)} HOTEL log(s) displayed")
                return "\n".join(out) + "\n"
            ids = {e["id"] for e in chosen}
            ctrl.state["hotel_logs"] = [e for e in logs if e["id"] not in ids]
            ctrl.audit(
                "Purge",
                user,
                peer,
                form="hotel_logs",
                category="Maintenance",
                message=f"{line.strip()}: {len(ids)} HOTEL log(s) purged",
            )
            return f"{len(ids)} HOTEL log(s) purged\n"
    return f"Invalid command: {words[0]}\n"


class _Server(PasswordLogin):
    def __init__(self, ctrl: Controller, live: set[asyncssh.SSHServerConnection]) -> None:
        super().__init__(live)
        self.ctrl = ctrl

    def validate_password(self, username: str, password: str) -> bool:
        ok = authenticate(self.ctrl, username, password, self.peer_address, SSH_INTERFACE, allowed="ROOT").ok
        if ok:
            with self.ctrl.lock:
                self.ctrl.stats.ssh_logins += 1
        return ok


def linux_command(ctrl: Controller, line: str) -> str:
    """One Linux shell command (not the MTCE shell); `command not found` for what MSL-01/02 do not need."""
    answer = LINUX_COMMANDS.get(" ".join(line.split()))
    if answer is None:
        return f"bash: {line.split()[0]}: command not found\n"
    with ctrl.lock:
        return answer(ctrl)


async def _session(ctrl: Controller, process: asyncssh.SSHServerProcess) -> None:
    user = process.get_extra_info("username")
    peer = (process.get_extra_info("peername") or ("",))[0]
    linux_prompt = f"[{user}@{ctrl.name} ~]# "
    mtce_prompt = f"{ctrl.name} MTCE> "
    in_mtce = False
    interactive = process.command is None
    if not interactive:
        if process.command.strip() != MTCE_TERM:
            output = linux_command(ctrl, process.command)
            process.stdout.write(output)
            process.exit(127 if output.startswith("bash: ") else 0)
            return
        in_mtce = True
    # A terminal (pty) echoes what is typed and ends output lines with CR LF, as the MSL shell's
    # tty does; without a pty (ssh host cmd, piped input) neither happens. Done here rather than
    # by asyncssh's line editor, which builds a table of every printable character per session
    # (most of the lab's SSH CPU, docs/performance.md).
    tty = process.get_terminal_type() is not None

    def write(text: str) -> None:
        process.stdout.write(text.replace("\n", "\r\n") if tty else text)

    write(mtce_prompt if in_mtce else linux_prompt)
    state: dict[str, Any] = {}
    try:
        while True:
            data = await process.stdin.read(4096)
            # at the end of input, a last line without a newline still counts
            lines = split_lines(data, state) if data else [state["carry"]] if state.get("carry") else []
            for raw in lines:
                line = edit_line(raw)
                if tty:
                    write(line + "\n")
                text = line.strip()
                if in_mtce:
                    if text.upper() in ("EXIT", "QUIT"):
                        if not interactive:
                            return process.exit(0)
                        in_mtce = False
                    else:
                        output = await asyncio.get_running_loop().run_in_executor(
                            None, mtce_command, ctrl, text, user, peer
                        )
                        write(output)
                elif text == MTCE_TERM:
                    in_mtce = True
                elif text in ("exit", "logout"):
                    return process.exit(0)
                elif text:
                    write(linux_command(ctrl, text))
                write(mtce_prompt if in_mtce else linux_prompt)
            if not data:
                break
    except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged, asyncssh.SignalReceived):
        pass
    process.exit(0)


def _host_key(ctrl: Controller) -> asyncssh.SSHKey:
    text = ctrl.store.read_pem("ssh_host_key")
    if text:
        return asyncssh.import_private_key(text)
    key = asyncssh.generate_private_key("ssh-ed25519")
    ctrl.store.write_pem("ssh_host_key", key.export_private_key().decode())
    return key


def _sftp_root(ctrl: Controller) -> str:
    root = ctrl.store.path("sftp")
    (root / "db").mkdir(parents=True, exist_ok=True)
    return str(root)


class MaintenanceSsh:
    """One asyncio loop thread for every controller's maintenance SSH and FTP ports."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._servers: list[asyncssh.SSHAcceptor] = []
        self._ftp: list[asyncio.Server] = []
        self._live: set[asyncssh.SSHServerConnection] = set()
        self._thread = threading.Thread(target=self.loop.run_forever, name="mivb-ssh", daemon=True)
        self._thread.start()

    def listen(self, ctrl: Controller, address: str, port: int) -> int:
        key = _host_key(ctrl)
        root = _sftp_root(ctrl)

        async def start() -> asyncssh.SSHAcceptor:
            return await asyncssh.create_server(
                lambda: _Server(ctrl, self._live),
                address,
                port,
                server_host_keys=[key],
                process_factory=lambda p: _session(ctrl, p),
                sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=root),
                line_editor=False,
                encoding="utf-8",
            )

        server = asyncio.run_coroutine_threadsafe(start(), self.loop).result(timeout=30)
        self._servers.append(server)
        return server.sockets[0].getsockname()[1]

    def listen_ftp(self, ctrl: Controller, address: str, port: int) -> int:
        """The FTP control port (ACC-04): see ftp.py."""

        async def start() -> asyncio.Server:
            return await asyncio.start_server(
                lambda r, w: serve_ftp(ctrl, r, w), address, port, limit=4096
            )

        server = asyncio.run_coroutine_threadsafe(start(), self.loop).result(timeout=30)
        self._ftp.append(server)
        return server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        async def close() -> None:
            for ftp in self._ftp:
                ftp.close()
            for conn in list(self._live):
                conn.close()
            for server in self._servers:
                server.close()
                with contextlib.suppress(Exception):
                    await server.wait_closed()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self.loop.close()
