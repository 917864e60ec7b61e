"""asyncssh transport, the fleet runner, and the Python API used by tests.

    handle = start_switches([{"name": "sw1", "platform": "cisco_ios", "address": "127.0.3.1",
                              "port": 0, "state_dir": "/tmp/sw1", "username": "u",
                              "password": "p", "enable_secret": "e", "test_hooks": True}],
                            control={"address": "127.0.0.1", "port": 0})
    handle.ports["sw1"], handle.control_url, handle.devices["sw1"]
    handle.stop()
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import asyncssh

from emulators.ssh_login import PasswordLogin, edit_line, split_lines

from .cli import CliSession
from .control import start_control
from .device import Device
from .dialects import new_device
from .spec import ControlSpec, LabSpec, SwitchSpec

log = logging.getLogger("emulators.switch")


class _SshServer(PasswordLogin):
    def __init__(self, device: Device, live: set[asyncssh.SSHServerConnection]) -> None:
        super().__init__(live)
        self.device = device

    @property
    def peer(self) -> str:
        return f"{self.peer_address}:{self.peer_port}" if self.peer_address else ""

    def on_connect(self, conn: asyncssh.SSHServerConnection) -> None:
        device = self.device
        with device.lock:
            quiet = device.logins.connection_blocked(device.spec.platform, device.running)
        if quiet:
            # IOS quiet mode: the default quiet-mode ACL refuses SSH before any login.
            device.audit("login", peer=self.peer, result="blocked", quiet_seconds_left=quiet)
            conn.abort()

    def validate_password(self, username: str, password: str) -> bool:
        spec = self.device.spec
        ok = hmac.compare_digest(username.encode(), spec.username.encode()) and hmac.compare_digest(
            password.encode(), spec.password.encode()
        )
        device = self.device
        with device.lock:
            platform, root = spec.platform, device.running
            locked = device.logins.user_locked(platform, root, username)
            if locked:
                # AOS-CX lockout: even the right password is refused until it expires.
                device.audit("login", user=username, peer=self.peer, result="locked", lockout_seconds_left=locked)
                return False
            triggered = device.logins.record(platform, root, username, ok)
        device.audit("login", user=username, peer=self.peer, result="ok" if ok else "denied",
                     **({"triggered": triggered} if triggered else {}))
        return ok


async def _session(process: asyncssh.SSHServerProcess[str], device: Device) -> None:
    conn = process.get_extra_info("connection")
    peer = process.get_extra_info("peername")
    session = CliSession(device, f"{peer[0]}:{peer[1]}" if peer else "")
    device.stats["sessions"] += 1
    write = process.stdout.write
    if process.command:  # `ssh switch show version`: one command, no prompt, then close
        reply = session.handle_line(process.command)
        write(reply.text)
        process.exit(0)
        return
    write(session.greeting())
    state: dict[str, Any] = {}
    while True:
        try:
            data = await process.stdin.read(4096)
        except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged, asyncssh.SignalReceived):
            continue  # window resizes and breaks do not end a CLI session
        except (asyncssh.DisconnectError, ConnectionError):
            return
        if not data:
            break
        for raw in split_lines(data, state):
            line = edit_line(raw)
            if session.echo_input:
                write(line.replace("\x1a", "^Z") + "\r\n")
            if device.faults.slow_reply_seconds > 0:
                await asyncio.sleep(device.faults.slow_reply_seconds)
            reply = session.handle_line(line)
            if reply.drop:
                conn.abort()
                return
            if reply.close:
                write(reply.text)
                process.exit(0)
                return
            write(reply.text + ("" if session.pending is not None else session.prompt))
    try:
        process.exit(0)
    except OSError:
        pass


class Fleet:
    """All switches of one spec, served from one asyncio loop."""

    def __init__(self, lab: LabSpec) -> None:
        self.lab = lab
        self.devices = {s.name: new_device(s) for s in lab.switches}
        self.ports: dict[str, int] = {}
        self.control_port: int | None = None
        self._servers: list[Any] = []
        self._live: set[asyncssh.SSHServerConnection] = set()

    async def start(self) -> None:
        for name, device in self.devices.items():
            spec = device.spec
            server = await asyncssh.create_server(
                lambda d=device: _SshServer(d, self._live),
                spec.address,
                spec.port,
                server_host_keys=[device.host_key],
                process_factory=lambda p, d=device: _session(p, d),
                line_editor=False,
                encoding="utf-8",
                errors="replace",  # a stray byte must not kill the session
                allow_scp=False,
                x11_forwarding=False,
                agent_forwarding=False,
                reuse_address=True,
            )
            self._servers.append(server)
            self.ports[name] = server.sockets[0].getsockname()[1]
        if self.lab.control is not None and any(s.test_hooks for s in self.lab.switches):
            server = await start_control(self.devices, self.lab.control)
            self._servers.append(server)
            self.control_port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for server in self._servers:
            server.close()
        for conn in list(self._live):
            conn.close()
        for conn in list(self._live):
            try:
                await asyncio.wait_for(conn.wait_closed(), 5)
            except TimeoutError:
                pass
        for server in self._servers:
            try:
                await asyncio.wait_for(server.wait_closed(), 5)
            except (TimeoutError, AttributeError):
                pass
        self._servers.clear()
        # sessions parked in a slow-reply sleep or a read would otherwise die with the loop
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class FleetHandle:
    """A fleet running on its own event loop in a background thread."""

    def __init__(self, fleet: Fleet, loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
        self.fleet = fleet
        self._loop = loop
        self._thread = thread

    @property
    def devices(self) -> dict[str, Device]:
        return self.fleet.devices

    @property
    def ports(self) -> dict[str, int]:
        return self.fleet.ports

    @property
    def control_url(self) -> str | None:
        control = self.fleet.lab.control
        if control is None or self.fleet.control_port is None:
            return None
        return f"http://{control.address}:{self.fleet.control_port}"

    def stop(self) -> None:
        if not self._loop.is_running():
            return
        asyncio.run_coroutine_threadsafe(self.fleet.stop(), self._loop).result(15)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(15)

    def __enter__(self) -> FleetHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_switches(
    specs: Iterable[Mapping[str, Any] | SwitchSpec], control: Mapping[str, Any] | None = None
) -> FleetHandle:
    switches = tuple(s if isinstance(s, SwitchSpec) else SwitchSpec.from_dict(dict(s)) for s in specs)
    lab = LabSpec(switches, ControlSpec(**control) if control else None)
    fleet = Fleet(lab)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="switch-emulator", daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(fleet.start(), loop).result(60)
    except BaseException:
        loop.call_soon_threadsafe(loop.stop)
        raise
    return FleetHandle(fleet, loop, thread)


async def serve(lab: LabSpec, stop: asyncio.Event) -> None:
    fleet = Fleet(lab)
    await fleet.start()
    log.info("serving %d switch(es)", len(fleet.devices))
    try:
        await stop.wait()
    finally:
        await fleet.stop()
