"""The server side of an emulator's SSH login, shared by the switch CLI and the MiVB
maintenance shell: password authentication only (what both devices offer to a client that
has no key), the set of live connections a stop() closes, and the terminal line discipline
(line endings, backspace) both sessions read their input with. Each emulator decides the
password itself (validate_password) and may refuse a connection before login (on_connect)."""

from __future__ import annotations

from typing import Any

import asyncssh


class PasswordLogin(asyncssh.SSHServer):
    def __init__(self, live: set[asyncssh.SSHServerConnection]) -> None:
        self.live = live
        self.conn: asyncssh.SSHServerConnection | None = None
        self.peer_address = ""
        self.peer_port = 0

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        peer = conn.get_extra_info("peername")
        if peer:
            self.peer_address, self.peer_port = str(peer[0]), int(peer[1])
        self.conn = conn
        self.live.add(conn)
        self.on_connect(conn)

    def on_connect(self, conn: asyncssh.SSHServerConnection) -> None:
        """Called once the connection is tracked; abort it here to refuse before any login."""

    def connection_lost(self, exc: Exception | None) -> None:
        if self.conn is not None:
            self.live.discard(self.conn)

    def begin_auth(self, username: str) -> bool:
        return True  # every user authenticates

    def password_auth_supported(self) -> bool:
        return True


def split_lines(data: str, state: dict[str, Any]) -> list[str]:
    """A terminal line's input: CR, LF and CR LF all end a line (netmiko sends \\n for IOS and
    Linux, \\r for AOS-CX). NUL bytes are
    dropped, as a terminal line does (netmiko's is_alive() sends one as a keepalive)."""
    data = data.replace("\x00", "")
    if state.get("skip_lf") and data.startswith("\n"):
        data = data[1:]
    state["skip_lf"] = data.endswith("\r")
    text = state.get("carry", "") + data.replace("\r\n", "\n").replace("\r", "\n")
    *lines, state["carry"] = text.split("\n")
    return lines


def edit_line(line: str) -> str:
    """Apply backspace/delete the way a terminal line would."""
    if "\x08" not in line and "\x7f" not in line:
        return line
    out: list[str] = []
    for ch in line:
        if ch in "\x08\x7f":
            if out:
                out.pop()
        else:
            out.append(ch)
    return "".join(out)
