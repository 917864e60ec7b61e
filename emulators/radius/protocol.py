"""RADIUS on the wire for the lab (RFC 2865 Access-Request / Access-Accept / Access-Reject).

Packets are built, signed and checked by pyrad (Response Authenticator, User-Password
hiding, Message-Authenticator against BlastRADIUS); the asyncio datagram glue is ours so
the RADIUS server and the switch emulator's authenticator share one event loop model.

The attributes a MAC-authentication-bypass (MAB) request carries are those Cisco IOS
sends for `mab` (Cisco "MAC Authentication Bypass" configuration guide, IOS 15.2(5)E:
User-Name and User-Password = the MAC, lowercase hex without separators, Service-Type
Call-Check, Calling-Station-Id the MAC with dashes) and AOS-CX sends for `mac-auth`
(AOS-CX 10.13 Security Guide, "MAC authentication": the same default no-delimiter
lowercase format).
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field
from functools import cache

from pyrad import packet
from pyrad.dictionary import Dictionary

# The attributes the lab uses (RFC 2865, RFC 2868 tunnel attributes, RFC 4675 Egress-VLANID,
# RFC 2869 Message-Authenticator, the Cisco and Aruba vendor attributes), FreeRADIUS format.
DICTIONARY = """
ATTRIBUTE User-Name 1 string
ATTRIBUTE User-Password 2 string encrypt=1
ATTRIBUTE NAS-IP-Address 4 ipaddr
ATTRIBUTE Service-Type 6 integer
ATTRIBUTE Reply-Message 18 string
ATTRIBUTE Session-Timeout 27 integer
ATTRIBUTE Calling-Station-Id 31 string
ATTRIBUTE NAS-Identifier 32 string
ATTRIBUTE Egress-VLANID 56 integer
ATTRIBUTE NAS-Port-Type 61 integer
ATTRIBUTE Tunnel-Type 64 integer has_tag
ATTRIBUTE Tunnel-Medium-Type 65 integer has_tag
ATTRIBUTE Message-Authenticator 80 octets
ATTRIBUTE Tunnel-Private-Group-Id 81 string has_tag
ATTRIBUTE NAS-Port-Id 87 string
VALUE Service-Type Framed-User 2
VALUE Service-Type Call-Check 10
VALUE NAS-Port-Type Ethernet 15
VENDOR Cisco 9
BEGIN-VENDOR Cisco
ATTRIBUTE Cisco-AVPair 1 string
END-VENDOR Cisco
VENDOR Aruba 14823
BEGIN-VENDOR Aruba
ATTRIBUTE Aruba-User-Role 1 string
END-VENDOR Aruba
"""

AUTH_PORT = 1812
VOICE_AV_PAIR = "device-traffic-class=voice"
EGRESS_TAGGED = 0x31  # RFC 4675: first octet 0x31 = tagged, 0x32 = untagged; low 12 bits = VLAN


@cache
def dictionary() -> Dictionary:
    return Dictionary(io.StringIO(DICTIONARY))


def mac_username(mac: str) -> str:
    """aa:bb:cc:dd:ee:ff / aabb.ccdd.eeff / AA-BB-... -> aabbccddeeff (the MAB User-Name)."""
    digits = "".join(c for c in mac.lower() if c in "0123456789abcdef")
    if len(digits) != 12:
        raise ValueError(f"not a MAC address: {mac!r}")
    return digits


def egress_vlan(tagged: bool, vlan: int) -> int:
    return ((EGRESS_TAGGED if tagged else 0x32) << 24) | (vlan & 0xFFF)


@dataclass
class Answer:
    """What a RADIUS exchange gave: accepted / rejected, or no server answered (`reachable` false)."""

    reachable: bool
    accepted: bool = False
    server: str = ""
    av_pairs: list[str] = field(default_factory=list)
    egress_vlans: list[int] = field(default_factory=list)
    user_role: str = ""

    @property
    def voice(self) -> bool:
        return VOICE_AV_PAIR in self.av_pairs


@dataclass(frozen=True)
class Server:
    """One RADIUS server as a switch's configuration names it."""

    address: str
    port: int
    key: str
    timeout: float = 5.0
    retransmit: int = 3


def mab_request(server: Server, mac: str, nas_ip: str, nas_port_id: str) -> packet.AuthPacket:
    user = mac_username(mac)
    req = packet.AuthPacket(code=packet.AccessRequest, secret=server.key.encode(), dict=dictionary(),
                            message_authenticator=True)
    req["User-Name"] = user
    req["User-Password"] = req.PwCrypt(user)
    req["Service-Type"] = "Call-Check"
    req["Calling-Station-Id"] = "-".join(user[i:i + 2] for i in range(0, 12, 2)).upper()
    req["NAS-IP-Address"] = nas_ip
    req["NAS-Port-Type"] = "Ethernet"
    req["NAS-Port-Id"] = nas_port_id
    return req


class _Exchange(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.replies: asyncio.Queue[bytes | None] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.replies.put_nowait(data)

    def error_received(self, exc: Exception) -> None:
        # ICMP port unreachable (nobody listens): this try is lost, as a timeout would be.
        self.replies.put_nowait(None)


async def _ask(server: Server, req: packet.AuthPacket, nas_ip: str, wait_cap: float) -> Answer | None:
    """One server, `retransmit` + 1 tries. None when it never answered validly."""
    loop = asyncio.get_running_loop()
    raw = req.RequestPacket()
    transport, proto = await loop.create_datagram_endpoint(
        _Exchange, local_addr=(nas_ip, 0), remote_addr=(server.address, server.port))
    try:
        for _ in range(server.retransmit + 1):
            transport.sendto(raw)
            try:
                data = await asyncio.wait_for(proto.replies.get(), min(server.timeout, wait_cap))
            except TimeoutError:
                continue
            if data is None:
                continue
            try:
                reply = req.CreateReply(packet=data)
            except packet.PacketError:
                continue  # not RADIUS: dropped, like a reply with a bad authenticator
            if not req.VerifyReply(reply, data):
                continue  # wrong shared secret: RFC 2865 says discard silently
            answer = Answer(reachable=True, accepted=reply.code == packet.AccessAccept,
                            server=f"{server.address}:{server.port}")
            if "Cisco-AVPair" in reply:
                answer.av_pairs = [str(v) for v in reply["Cisco-AVPair"]]
            if "Egress-VLANID" in reply:
                answer.egress_vlans = [int(v) for v in reply["Egress-VLANID"]]
            if "Aruba-User-Role" in reply:
                answer.user_role = str(reply["Aruba-User-Role"][0])
            return answer
        return None
    finally:
        transport.close()


async def authenticate_mab(servers: list[Server], mac: str, nas_ip: str, nas_port_id: str,
                           wait_cap: float = 0.5) -> tuple[Answer, list[str]]:
    """Ask the servers in order until one answers. Returns the answer and the servers that
    did not answer (the switch marks those dead). `wait_cap` bounds the wait per try: the
    lab does not wait a real switch's 5 s per try (docs: emulators/switch/README.md)."""
    silent: list[str] = []
    for server in servers:
        answer = await _ask(server, mab_request(server, mac, nas_ip, nas_port_id), nas_ip, wait_cap)
        if answer is not None:
            return answer, silent
        silent.append(f"{server.address}:{server.port}")
    return Answer(reachable=False), silent
