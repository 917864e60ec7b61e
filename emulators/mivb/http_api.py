"""HTTP/1.1 request handling on an already-handshaken TLS socket, and the dispatch of one
request: count it, apply an injected fault, route it, run the handler under the controller's
lock, count a write. The route table comes from the server (`ServerRef.router`)."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import ApiError
from .request import Request, Response

if TYPE_CHECKING:
    from .controller import Controller
    from .faults import Fault
    from .routes import Router

log = logging.getLogger("emulators.mivb.http")
MAX_BODY = 1 << 20


class ServerRef:
    """What BaseHTTPRequestHandler calls `server`: the controller and the route table."""

    def __init__(self, controller: Controller, router: Router) -> None:
        self.controller = controller
        self.router = router


def dispatch(
    ctrl: Controller, router: Router, method: str, target: str, raw_body: bytes, headers: dict[str, str], client_ip: str
) -> Response:
    parts = urlsplit(target)
    path = unquote(parts.path)
    is_hook = path.startswith("/_emulator/")
    fault = None
    if not is_hook:
        ctrl.count_request(method, parts.path)
        fault = ctrl.take_fault(method, parts.path)
        if fault is not None and fault.delay_seconds:
            time.sleep(fault.delay_seconds)
        if fault is not None and fault.when == "before" and fault.status is not None:
            return _fault_response(fault)
    auth = headers.get("authorization", "")
    token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    try:
        body = json.loads(raw_body) if raw_body.strip() else None
    except ValueError:
        return Response(400, ApiError(400, "invalid_value", "body is not valid JSON").body())
    req = Request(method, path, query, body, client_ip, token)
    try:
        handler, params = router.match(method, path, ctrl.spec.test_hooks)
        req.params = params
        with ctrl.lock:
            status, result = handler(ctrl, req)
            if method in ("PATCH", "PUT", "DELETE", "POST") and not is_hook and _is_write(path):
                ctrl.stats.writes += 1
        resp = Response(status, result)
    except ApiError as exc:
        resp = Response(exc.status, exc.body())
    except Exception as exc:  # an emulator bug must still answer in the contract's shape
        resp = Response(500, ApiError(500, "internal", f"emulator error: {type(exc).__name__}: {exc}").body())
    if fault is not None and fault.when == "after" and fault.status is not None:
        return _fault_response(fault)
    return resp


def _fault_response(fault: Fault) -> Response:
    if fault.status == 0:
        return Response(0, None, drop=True)
    error = "internal" if fault.status and fault.status >= 500 else "injected_fault"
    return Response(fault.status or 500, ApiError(fault.status or 500, error, "injected by test hook").body())


def _is_write(path: str) -> bool:
    """POSTs that change no configuration are not counted as writes."""
    return path not in ("/api/v1/login", "/api/v1/logout") and not path.endswith("/verify-secret")


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
        # side, the body waits for our ACK of the headers. Quick ACKs avoid the delayed-ACK stall
        # (docs/performance.md).
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
        ref = self.server
        resp = dispatch(ref.controller, ref.router, self.command, self.path, raw, headers, self.client_address[0])
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
