"""JSON-over-HTTP test hooks: ACL evaluation, faults, stats, out-of-band drift.

Only switches whose spec sets test_hooks are reachable here. Minimal HTTP/1.1 on asyncio
streams (one request per connection) keeps the emulator free of web-framework deps.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import nac
from .acl import evaluate
from .device import Device, Faults
from .engine import apply_commands

if TYPE_CHECKING:
    from .spec import ControlSpec

_ROUTE = re.compile(r"^/switches/([^/]+)/(evaluate|faults|stats|drift|clients|reauthenticate)$")
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error"}


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def start_control(devices: Mapping[str, Device], spec: ControlSpec) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, body = await _handle(devices, reader)
        except HttpError as err:
            status, body = err.status, {"error": err.message}
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        except Exception as err:  # a test hook must answer, not hang the caller
            status, body = 500, {"error": f"{type(err).__name__}: {err}"}
        payload = json.dumps(body).encode()
        head = (f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n")
        writer.write(head.encode() + payload)
        try:
            await writer.drain()
        finally:
            writer.close()

    return await asyncio.start_server(handle, spec.address, spec.port, reuse_address=True)


async def _handle(devices: Mapping[str, Device], reader: asyncio.StreamReader) -> tuple[int, Any]:
    request_line = (await reader.readline()).decode("latin-1").strip()
    parts = request_line.split()
    if len(parts) < 2:
        raise HttpError(400, "bad request line")
    method, path = parts[0].upper(), parts[1].split("?")[0]
    length = 0
    while True:
        header = (await reader.readline()).decode("latin-1").strip()
        if not header:
            break
        name, _, value = header.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    raw = await reader.readexactly(length) if length else b""
    try:
        body = json.loads(raw) if raw else {}
    except ValueError as err:
        raise HttpError(400, "body is not JSON") from err
    if path == "/switches" and method == "GET":
        return 200, {"switches": sorted(n for n, d in devices.items() if d.spec.test_hooks)}
    m = _ROUTE.match(path)
    if not m:
        raise HttpError(404, "no such endpoint")
    device = devices.get(m.group(1))
    if device is None or not device.spec.test_hooks:
        raise HttpError(404, f"no switch {m.group(1)!r} with test hooks")
    route = (method, m.group(2))
    if route == ("POST", "evaluate"):
        return 200, _evaluate(device, body)
    if route == ("POST", "faults"):
        return 200, _set_faults(device, body)
    if route == ("GET", "faults"):
        return 200, device.faults.to_json()
    if route == ("DELETE", "faults"):
        device.faults = Faults()
        return 200, device.faults.to_json()
    if route == ("GET", "stats"):
        return 200, dict(device.stats)
    if route == ("POST", "drift"):
        commands = body.get("commands")
        if not isinstance(commands, list) or not all(isinstance(c, str) for c in commands):
            raise HttpError(400, "commands must be a list of strings")
        errors = apply_commands(device, commands)
        return 200, {"applied": len(commands) - len(errors), "errors": errors}
    if m.group(2) in ("clients", "reauthenticate"):
        return 200, await _clients(device, method, m.group(2), body)
    raise HttpError(405, "method not allowed")


def _interface(device: Device, body: dict[str, Any]) -> str:
    name = str(body.get("interface", ""))
    if device.spec.platform == "cisco_ios":
        from .ios import p_ifname

        name = p_ifname(name.replace(" ", "")) or name
    with device.lock:
        if device.running.find(f"interface {name}") is None:
            raise HttpError(404, f"no interface {name!r}")
    return name


async def _clients(device: Device, method: str, route: str, body: dict[str, Any]) -> dict[str, Any]:
    """Attach a client to a port and authenticate it now (POST clients), list (GET) or remove
    (DELETE) the clients, or re-authenticate them (POST reauthenticate, as the reauth timer or
    `clear authentication sessions` would): nac.py."""
    if route == "clients" and method == "GET":
        with device.lock:
            return {"clients": [c.as_dict() for cs in device.clients.values() for c in cs]}
    if route == "clients" and method == "DELETE":
        with device.lock:
            device.clients.clear()
        return {"clients": []}
    if method != "POST":
        raise HttpError(405, "method not allowed")
    if route == "clients":
        name = _interface(device, body)
        kind = str(body.get("device", "phone"))
        if kind not in nac.DEVICES:
            raise HttpError(400, f"device must be one of {', '.join(nac.DEVICES)}")
        try:
            client = nac.Client(interface=name, mac=nac.mac_text(str(body.get("mac", ""))), device=kind)
        except ValueError as err:
            raise HttpError(400, str(err)) from err
        with device.lock:  # one client per MAC per port
            others = [c for c in device.clients.get(name, []) if c.mac != client.mac]
            device.clients[name] = [*others, client]
        await nac.authenticate(device, client)
        return {"clients": [client.as_dict()]}
    wanted = _interface(device, body) if body.get("interface") else None
    with device.lock:
        targets = [c for n, cs in device.clients.items() if wanted in (None, n) for c in cs]
    for client in targets:
        await nac.authenticate(device, client)
    return {"clients": [c.as_dict() for c in targets]}


def _evaluate(device: Device, body: dict[str, Any]) -> dict[str, Any]:
    try:
        interface, direction = str(body["interface"]), str(body.get("direction", "in"))
        src, dst = str(body["src"]), str(body["dst"])
    except KeyError as err:
        raise HttpError(400, f"missing field {err}") from err
    proto = str(body.get("protocol", "ip")).lower()
    if direction not in ("in", "out") or proto not in ("tcp", "udp", "ip"):
        raise HttpError(400, "direction must be in|out, protocol tcp|udp|ip")
    dst_port = body.get("dst_port")
    src_port = body.get("src_port")
    with device.lock:
        found = device.dialect.applied_acl(device.running, interface, direction)
    if found is None:
        raise HttpError(404, f"no interface {interface!r}")
    name, entries = found
    if name is not None and entries is None:
        # an applied but undefined ACL filters nothing on both platforms
        return {"action": "permit", "acl": name, "matched": "access list not defined"}
    try:
        verdict = evaluate(name, entries or [], device.spec.platform, proto, src, dst,
                           int(dst_port) if dst_port is not None else None,
                           int(src_port) if src_port is not None else None)
    except ValueError as err:
        raise HttpError(400, str(err)) from err
    return {"action": verdict.action, "acl": verdict.acl, "matched": verdict.matched}


def _set_faults(device: Device, body: dict[str, Any]) -> dict[str, Any]:
    faults = device.faults
    if "slow_reply_seconds" in body:
        faults.slow_reply_seconds = float(body["slow_reply_seconds"] or 0)
    if "drop_after_config_lines" in body:
        value = body["drop_after_config_lines"]
        faults.drop_after_config_lines = int(value) if value is not None else None
    if "reject_command" in body:
        pattern = body["reject_command"]
        try:
            faults.reject_command = re.compile(pattern) if pattern else None
        except re.error as err:
            raise HttpError(400, f"bad regex: {err}") from err
    return faults.to_json()
