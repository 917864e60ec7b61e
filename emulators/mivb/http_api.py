"""HTTP/1.1 request handling on an already-handshaken TLS socket."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .controller import Controller

log = logging.getLogger("emulators.mivb.http")
MAX_BODY = 1 << 20


class ServerRef:
    """What BaseHTTPRequestHandler calls `server`: here just the controller."""

    def __init__(self, controller: Controller) -> None:
        self.controller = controller


class ApiHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "MiVB-Emulator/1"
    sys_version = ""
    timeout = 30  # idle keep-alive connections are closed after this
    server: ServerRef  # type: ignore[assignment]

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.server.controller.name, format % args)

    def handle_one_request(self) -> None:
        # Clients (http.client, urllib) send headers and body as two writes; with Nagle on their
        # side, the body waits for our ACK of the headers. Quick ACKs avoid a 40 ms stall.
        with contextlib.suppress(OSError, AttributeError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        super().handle_one_request()

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_error(413)
            return
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        resp = self.server.controller.dispatch(self.command, self.path, raw, headers, self.client_address[0])
        if resp.drop:
            self.close_connection = True
            return
        data = json.dumps(resp.body).encode()
        self.send_response(resp.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch
