"""The server side of an emulator's SSH login, shared by the switch CLI and the MiVB
maintenance shell: password authentication only (what both devices offer to a client that
has no key) and the set of live connections a stop() closes. Each emulator decides the
password itself (validate_password) and may refuse a connection before login (on_connect)."""

from __future__ import annotations

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
