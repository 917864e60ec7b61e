"""A small RADIUS authentication server for the lab (RFC 2865), with a phone policy.

    handle = start_radius({"address": "127.0.2.250", "port": 1812, "secret": "...",
                           "voice_vlan": 20, "state_dir": "/tmp/radius"})
    handle.stop(); handle.start()     # stop and start on demand (same address and port)

Policy, as a NAC server (Cisco ISE, Aruba ClearPass) is usually set up for phones that
authenticate by MAC (MAB / mac-auth):
- a MAC whose OUI is in `phone_ouis` (default Mitel's 08:00:0F) is a phone: Access-Accept
  with `Cisco-AVPair = "device-traffic-class=voice"` (Cisco: the voice domain of a
  multi-domain port) and `Egress-VLANID` = the voice VLAN tagged (RFC 4675; AOS-CX applies it
  to the client);
- any other MAC: Access-Accept without attributes (data domain / the port's native VLAN);
- a request whose User-Password is not the MAC, or from a NAS outside `clients`:
  Access-Reject / dropped (RFC 2865: an unknown client is silently discarded);
- a request signed with another shared secret fails the Message-Authenticator check
  and is dropped, so the switch sees no answer.
Every request is appended to `<state_dir>/radius.log` (JSON lines; no password, no secret).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyrad import packet

from .protocol import VOICE_AV_PAIR, dictionary, egress_vlan, mac_username

log = logging.getLogger("emulators.radius")
MITEL_OUI = "08000f"


@dataclass(frozen=True)
class RadiusSpec:
    address: str
    secret: str
    port: int = 1812
    voice_vlan: int = 20
    phone_ouis: tuple[str, ...] = (MITEL_OUI,)
    clients: tuple[str, ...] = ("127.0.0.0/8",)
    state_dir: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RadiusSpec:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        for key in ("phone_ouis", "clients"):
            if key in known:
                known[key] = tuple(known[key])
        spec = cls(**known)
        if not spec.secret:
            raise ValueError("radius: secret is required")
        for net in spec.clients:
            ipaddress.ip_network(net)  # ValueError names the bad one
        return spec

    def __repr__(self) -> str:  # the shared secret never reaches logs
        return f"RadiusSpec(address={self.address!r}, port={self.port})"


@dataclass
class Stats:
    requests: int = 0
    accepts: int = 0
    rejects: int = 0
    dropped: int = 0
    by_nas: dict[str, int] = field(default_factory=dict)


class RadiusProtocol(asyncio.DatagramProtocol):
    def __init__(self, spec: RadiusSpec, stats: Stats) -> None:
        self.spec = spec
        self.stats = stats
        self.transport: asyncio.DatagramTransport | None = None
        self.clients = [ipaddress.ip_network(n) for n in spec.clients]

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.stats.requests += 1
        reply, record = self.answer(data, addr[0])
        record.update(nas=addr[0])
        self._audit(record)
        if reply is None:
            self.stats.dropped += 1
            return
        assert self.transport is not None
        self.transport.sendto(reply, addr)

    def answer(self, data: bytes, nas: str) -> tuple[bytes | None, dict[str, Any]]:
        if not any(ipaddress.ip_address(nas) in net for net in self.clients):
            return None, {"result": "dropped", "reason": "unknown client"}
        try:
            req = packet.AuthPacket(packet=data, secret=self.spec.secret.encode(), dict=dictionary())
        except packet.PacketError as err:
            return None, {"result": "dropped", "reason": f"malformed: {err}"}
        if req.code != packet.AccessRequest:
            return None, {"result": "dropped", "reason": f"code {req.code} not served"}
        if "Message-Authenticator" in req and not req.verify_message_authenticator():
            return None, {"result": "dropped", "reason": "bad Message-Authenticator (shared secret differs)"}
        user = str(req.get("User-Name", [""])[0])
        self.stats.by_nas[nas] = self.stats.by_nas.get(nas, 0) + 1
        try:
            password = req.PwDecrypt(req["User-Password"][0]) if "User-Password" in req else ""
            mac = mac_username(user)
        except (ValueError, UnicodeDecodeError, KeyError):
            password, mac = "", ""
        reply = req.CreateReply()
        if not mac or password != mac:
            reply.code = packet.AccessReject
            self.stats.rejects += 1
            return reply.ReplyPacket(), {"result": "reject", "user": user}
        phone = mac[:6] in {o.lower().replace(":", "").replace("-", "") for o in self.spec.phone_ouis}
        if phone:
            reply["Cisco-AVPair"] = VOICE_AV_PAIR
            reply["Egress-VLANID"] = egress_vlan(True, self.spec.voice_vlan)
        self.stats.accepts += 1
        return reply.ReplyPacket(), {"result": "accept", "user": user, "device": "phone" if phone else "data"}

    def _audit(self, record: dict[str, Any]) -> None:
        if not self.spec.state_dir:
            return
        path = Path(self.spec.state_dir) / "radius.log"
        with open(path, "a") as fh:
            fh.write(json.dumps({"ts": round(time.time(), 3), **record}) + "\n")


async def open_server(spec: RadiusSpec, stats: Stats) -> asyncio.DatagramTransport:
    if spec.state_dir:
        Path(spec.state_dir).mkdir(parents=True, exist_ok=True)
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(lambda: RadiusProtocol(spec, stats),
                                                       local_addr=(spec.address, spec.port))
    return transport


async def serve(spec: RadiusSpec, stop: asyncio.Event) -> None:
    transport = await open_server(spec, Stats())
    log.info("radius: serving %s:%d", spec.address, spec.port)
    try:
        await stop.wait()
    finally:
        transport.close()


class RadiusHandle:
    """A RADIUS server on its own event loop thread (tests): stop() / start() on demand."""

    def __init__(self, spec: RadiusSpec) -> None:
        self.spec = spec
        self.stats = Stats()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="radius", daemon=True)
        self._thread.start()
        self._transport: asyncio.DatagramTransport | None = None
        self.start()

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    @property
    def running(self) -> bool:
        return self._transport is not None

    def start(self) -> None:
        if self._transport is None:
            self._transport = self._call(open_server(self.spec, self.stats))

    def stop(self) -> None:
        transport, self._transport = self._transport, None
        if transport is not None:
            async def close() -> None:
                transport.close()
                await asyncio.sleep(0)

            self._call(close())

    def close(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def __enter__(self) -> RadiusHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_radius(spec: dict[str, Any]) -> RadiusHandle:
    return RadiusHandle(RadiusSpec.from_dict(spec))
