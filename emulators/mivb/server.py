"""Run many controllers in one process: one accept thread for every listening socket,
one short-lived thread per connection, TLS context chosen at accept time (so a new
certificate or TLS setting applies from the next handshake).

    from emulators.mivb.server import ControllerSpec, start_controllers
    handle = start_controllers([ControllerSpec("mivb1", "127.0.3.1", "/tmp/m1", https_port=0)])
    c = handle["mivb1"]          # RunningController: .https_port, .base_url, .controller ...
    handle.stop()
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import socket
import ssl
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .controller import Controller
from .forms import check_suites_available
from .http_api import ApiHandler, ServerRef
from .maintenance import MaintenanceSsh
from .routes import ROUTER
from .spec import ControllerSpec, load_spec_file

__all__ = ["ControllerSpec", "EmulatorHandle", "RunningController", "load_spec_file", "start_controllers"]

log = logging.getLogger("emulators.mivb")
HANDSHAKE_TIMEOUT = 10.0
APP_IDLE_TIMEOUT = 10.0


@dataclass
class RunningController:
    spec: ControllerSpec
    controller: Controller
    https_port: int
    sip_tls_port: int | None
    ip_sets_tls_port: int | None
    maintenance_ssh_port: int | None = None
    ftp_port: int | None = None
    c2c_tls_port: int | None = None

    @property
    def address(self) -> str:
        return self.spec.address

    @property
    def base_url(self) -> str:
        host = f"[{self.spec.address}]" if ":" in self.spec.address else self.spec.address
        return f"https://{host}:{self.https_port}/api/v1"

    @property
    def state_dir(self) -> str:
        return self.spec.state_dir


class _Hub:
    """One selector thread accepting on every listening socket of the process."""

    def __init__(self) -> None:
        self.selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = os.pipe()
        self.selector.register(self._wake_r, selectors.EVENT_READ, None)
        self._stopping = threading.Event()
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        self._listeners: list[socket.socket] = []
        self._thread = threading.Thread(target=self._run, name="mivb-accept", daemon=True)

    def listen(self, address: str, port: int, on_conn: Callable[[socket.socket, Any], None]) -> int:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.create_server((address, port), family=family, backlog=128)
        sock.setblocking(False)
        self._listeners.append(sock)
        self.selector.register(sock, selectors.EVENT_READ, on_conn)
        return sock.getsockname()[1]

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.is_set():
            for key, _ in self.selector.select():
                if key.data is None:
                    return
                try:
                    conn, addr = key.fileobj.accept()  # type: ignore[union-attr]
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    if self._stopping.is_set():
                        return
                    continue
                conn.setblocking(True)
                # Headers and body go out as separate writes: without this, Nagle plus delayed ACK
                # stalls every response (docs/performance.md).
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                threading.Thread(target=self._serve, args=(key.data, conn, addr), daemon=True).start()

    def track(self, old: socket.socket, new: socket.socket) -> None:
        with self._conns_lock:
            self._conns.discard(old)
            self._conns.add(new)
            if self._stopping.is_set():
                with contextlib.suppress(OSError):
                    new.shutdown(socket.SHUT_RDWR)

    def _serve(self, on_conn: Callable[[socket.socket, Any], None], conn: socket.socket, addr: Any) -> None:
        with self._conns_lock:
            self._conns.add(conn)
        try:
            on_conn(conn, addr)
        except Exception:  # a misbehaving client must never kill the emulator
            log.debug("connection from %s ended with an error", addr, exc_info=True)
        finally:
            with self._conns_lock:
                self._conns.discard(conn)
                self._conns = {c for c in self._conns if c.fileno() != -1}
            with contextlib.suppress(OSError):
                conn.close()

    def stop(self) -> None:
        self._stopping.set()
        os.write(self._wake_w, b"x")
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        for sock in self._listeners:
            with contextlib.suppress(Exception):
                self.selector.unregister(sock)
            sock.close()
        with self._conns_lock:
            for conn in list(self._conns):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        self.selector.close()
        os.close(self._wake_r)
        os.close(self._wake_w)


def _handshake(ctrl: Controller, listener: str, conn: socket.socket, hub: _Hub) -> ssl.SSLSocket | None:
    ctx = ctrl.tls_context(listener)
    conn.settimeout(HANDSHAKE_TIMEOUT)
    tls = ctx.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
    hub.track(conn, tls)  # wrap_socket detached `conn`: stop() must shut the TLS socket down
    try:
        tls.do_handshake()
    except (OSError, ssl.SSLError):
        tls.close()
        return None
    ctrl.count_handshake(listener)
    return tls


def _https_handler(ctrl: Controller, hub: _Hub) -> Callable[[socket.socket, Any], None]:
    ref = ServerRef(ctrl, ROUTER)  # the wiring: this controller's requests go through the route table

    def handle(conn: socket.socket, addr: Any) -> None:
        tls = _handshake(ctrl, "https", conn, hub)
        if tls is not None:
            try:
                ApiHandler(tls, addr, ref)  # type: ignore[arg-type]
            finally:
                tls.close()

    return handle


def _app_handler(ctrl: Controller, listener: str, hub: _Hub) -> Callable[[socket.socket, Any], None]:
    """SIP / IP Sets / controller-to-controller TLS: complete the handshake, echo what arrives,
    close when idle."""

    def handle(conn: socket.socket, addr: Any) -> None:
        tls = _handshake(ctrl, listener, conn, hub)
        if tls is None:
            return
        tls.settimeout(APP_IDLE_TIMEOUT)
        try:
            while data := tls.recv(4096):
                tls.sendall(data)
        except (OSError, ssl.SSLError):
            pass
        finally:
            tls.close()

    return handle


class EmulatorHandle:
    """The running controllers; `stop()` (or leaving the `with` block) shuts them all down."""

    def __init__(self, hub: _Hub, controllers: dict[str, RunningController], ssh: MaintenanceSsh | None = None) -> None:
        self._hub = hub
        self._ssh = ssh
        self.controllers = controllers
        self._stopped = False
        self._warmup: list[threading.Thread] = []

    def __getitem__(self, name: str) -> RunningController:
        return self.controllers[name]

    def __iter__(self) -> Any:
        return iter(self.controllers.values())

    def start_warmup(self, threads: int = 2) -> None:
        """Generate missing factory certificates in the background (RSA keygen releases the GIL)."""
        pending = list(self.controllers.values())
        lock = threading.Lock()

        def work() -> None:
            while not self._stopped:
                with lock:
                    if not pending:
                        return
                    rc = pending.pop(0)
                try:
                    rc.controller.ensure_certificates()
                except Exception:
                    log.exception("%s: factory certificate generation failed", rc.spec.name)

        self._warmup = [threading.Thread(target=work, name="mivb-warmup", daemon=True) for _ in range(threads)]
        for thread in self._warmup:
            thread.start()

    def stop(self) -> None:
        if not self._stopped:
            self._stopped = True
            self._hub.stop()
            if self._ssh is not None:
                self._ssh.stop()

    def __enter__(self) -> EmulatorHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_controllers(specs: Iterable[ControllerSpec]) -> EmulatorHandle:
    """Load (or create at factory state) each controller, bind its ports, start serving."""
    check_suites_available()
    hub = _Hub()
    ssh: MaintenanceSsh | None = None
    running: dict[str, RunningController] = {}
    try:
        for spec in specs:
            if spec.name in running:
                raise ValueError(f"duplicate controller name {spec.name!r}")
            ctrl = Controller(spec)
            https = hub.listen(spec.address, spec.https_port, _https_handler(ctrl, hub))
            sip = (
                hub.listen(spec.address, spec.sip_tls_port, _app_handler(ctrl, "sip", hub))
                if spec.sip_tls_port is not None
                else None
            )
            ip_sets = (
                hub.listen(spec.address, spec.ip_sets_tls_port, _app_handler(ctrl, "ip_sets", hub))
                if spec.ip_sets_tls_port is not None
                else None
            )
            c2c = (
                hub.listen(spec.address, spec.c2c_tls_port, _app_handler(ctrl, "c2c", hub))
                if spec.c2c_tls_port is not None
                else None
            )
            ssh_port = ftp_port = None
            if spec.maintenance_ssh_port is not None:
                ssh = ssh or MaintenanceSsh()
                ssh_port = ssh.listen(ctrl, spec.address, spec.maintenance_ssh_port)
            if spec.ftp_port is not None:
                ssh = ssh or MaintenanceSsh()
                ftp_port = ssh.listen_ftp(ctrl, spec.address, spec.ftp_port)
            running[spec.name] = RunningController(spec, ctrl, https, sip, ip_sets, ssh_port, ftp_port, c2c)
    except BaseException:
        hub.stop()
        if ssh is not None:
            ssh.stop()
        raise
    hub.start()
    handle = EmulatorHandle(hub, running, ssh)
    handle.start_warmup()
    return handle
