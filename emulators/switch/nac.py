"""Network access control on phone ports: MAB against the configured RADIUS servers, and
the critical (server dead) behaviour when none answers.

A client (a phone, or a PC) is attached to a port through the test hooks
(`POST /switches/<name>/clients`); the switch then authenticates it by MAC (IOS `mab`,
AOS-CX `mac-auth`, ArubaOS-Switch `mac-based`) against the RADIUS servers its running config names, with the keys
that config holds, from the switch's own address. A phone has no 802.1X supplicant, so
the dot1x method is not run for it (a real switch first waits for dot1x to time out).
`show authentication sessions` (IOS) / `show aaa authentication port-access interface
... client-status` (AOS-CX) / `show port-access mac-based clients [<ports> detailed]`
(ArubaOS-Switch) read the result.

What the references say and the model does:
- IOS 15.2(x)E / IOS-XE 17 (Catalyst 2960-X / 3750-X / 9300 Security Configuration
  Guides, "Configuring IEEE 802.1x Port-Based Authentication": multidomain
  authentication, "802.1x Critical Voice VLAN", `authentication event server dead
  action authorize voice`, `radius-server deadtime`, `radius-server dead-criteria`):
  a phone lands in the VOICE domain only with the Cisco AV pair
  `device-traffic-class=voice` in the Access-Accept (multi-domain or multi-auth host
  mode); a server that does not answer `retransmit`+1 tries is marked dead for
  `radius-server deadtime` minutes (deadtime 0, the default, never marks it dead, so
  no server-dead action ever fires); while every server is dead, a new or
  re-authenticating phone gets the VOICE domain when the port has `authorize voice`,
  else the critical data VLAN (`authorize vlan N`, its voice traffic not forwarded),
  else it stays unauthorized.
- AOS-CX 10.x (Security Guide, "Port access": multi-domain auth-mode, critical-role,
  critical-voice-role): a client's VLAN comes from the Access-Accept (Egress-VLANID,
  RFC 4675) or a local role (Aruba-User-Role); when no server of the group answers, a
  voice device (known from its LLDP-MED) gets the critical-voice-role, others the
  critical-role, each only when that role exists locally; else the client stays
  unauthenticated.
- ArubaOS-Switch 16.x (Access Security Guide 16.06, "MAC authentication": the assigned
  VLAN is the RADIUS-assigned one, else the port's auth-vid, else the port's static
  untagged VLAN; a client failing authentication goes to the unauth-vid when one is set;
  "Allowing reauthentication when RADIUS server is unavailable": `aaa authentication
  mac-based chap-radius authorized` lets clients in without authentication while no server
  answers, on the port's static VLAN memberships): an accepted phone uses a tagged VLAN
  from the Access-Accept (Egress-VLANID) or the port's static tagged voice VLAN (the phone
  learns it by LLDP-MED); with every server silent a phone is let in on that tagged voice
  VLAN only when the secondary method is `authorized`, else it stays unauthenticated. The
  switch has no dead-server memory in this model: every authentication asks the servers.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

from emulators.radius.protocol import AUTH_PORT, Answer, Server, authenticate_mab, mac_username

from .grammar import unquote
from .model import Node
from .secrets import aos_decrypt, cx_decrypt, type7_decode

# The device model (device.Device) imports this module: typed loosely here, no import upward.
Device = Any

DEVICES = ("phone", "pc")


@dataclass
class Client:
    interface: str
    mac: str
    device: str  # phone | pc
    method: str = "mab"
    domain: str = "UNKNOWN"  # IOS: VOICE | DATA | UNKNOWN
    status: str = "Running"
    authorized: bool = False
    critical: bool = False
    vlan: int | None = None
    tagged: bool = False
    role: str = ""
    server: str = ""
    session_id: str = ""
    since: float = field(default_factory=time.time)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("interface", "mac", "device", "method", "domain", "status",
                                              "authorized", "critical", "vlan", "tagged", "role", "server")}


@dataclass
class PortAuth:
    """What a port's configuration says about access control."""

    enabled: bool  # the port authenticates clients by MAC at all
    servers: list[Server]
    multi_domain: bool = False
    data_vlan: int = 1
    voice_vlan: int | None = None
    dead_voice: bool = False  # IOS authorize voice
    dead_data_vlan: int | None = None  # IOS authorize vlan N
    deadtime: float = 0.0  # IOS radius-server deadtime, seconds
    critical_voice: tuple[str, list[int]] | None = None  # AOS-CX role, its VLANs
    critical_data: tuple[str, list[int]] | None = None
    dead_authorized: bool = False  # ArubaOS-Switch secondary method `authorized`
    unauth_vlan: int | None = None  # ArubaOS-Switch mac-based unauth-vid
    reason: str = ""


def mac_text(mac: str) -> str:
    """The MAC as aa:bb:cc:dd:ee:ff (ValueError when it is not one)."""
    digits = mac_username(mac)
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


def _words_after(node: Node, prefix: str) -> list[str] | None:
    for child in node.children:
        if child.text.startswith(prefix + " ") or child.text == prefix:
            return child.text[len(prefix):].split()
    return None


def _vlan_list(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        if lo.isdigit():
            out += list(range(int(lo), int(hi or lo) + 1))
    return out


def ios_port(root: Node, interface: str) -> PortAuth:
    node = root.find(f"interface {interface}")
    if node is None:
        raise KeyError(interface)
    servers: list[Server] = []
    for section in root.find_prefix("radius server"):
        address = _words_after(section, "address ipv4")
        key = _words_after(section, "key")
        if not address or not key:
            continue  # IOS skips a server without address or key
        port = int(address[address.index("auth-port") + 1]) if "auth-port" in address else AUTH_PORT
        plain = type7_decode(key[1]) if key[0] == "7" and len(key) == 2 else " ".join(key)
        timeout = _words_after(section, "timeout")
        retransmit = _words_after(section, "retransmit")
        servers.append(Server(address[0], port, plain or "", float(timeout[0]) if timeout else 5.0,
                              int(retransmit[0]) if retransmit else 3))
    deadtime = next((float(n.text.split()[2]) * 60 for n in root.find_prefix("radius-server deadtime")), 0.0)
    access = _words_after(node, "switchport access vlan")
    voice = _words_after(node, "switchport voice vlan")
    dead_vlan = _words_after(node, "authentication event server dead action authorize vlan")
    host_mode = _words_after(node, "authentication host-mode") or ["single-host"]
    auth = PortAuth(
        enabled=node.find("authentication port-control auto") is not None and node.find("mab") is not None,
        servers=servers, multi_domain=host_mode[0] in ("multi-domain", "multi-auth"),
        data_vlan=int(access[0]) if access else 1, voice_vlan=int(voice[0]) if voice else None,
        dead_voice=node.find("authentication event server dead action authorize voice") is not None,
        dead_data_vlan=int(dead_vlan[0]) if dead_vlan else None, deadtime=deadtime)
    if root.find("aaa new-model") is None or root.find("aaa authentication dot1x default group radius") is None:
        auth.enabled, auth.reason = False, "no aaa new-model / aaa authentication dot1x default group radius"
    elif not auth.enabled:
        auth.reason = "port without authentication port-control auto and mab"
    return auth


def _cx_role(root: Node, name: str | None) -> tuple[str, list[int]] | None:
    if not name:
        return None
    role = root.find(f"port-access role {name}")
    if role is None:
        return None  # a role the switch does not have is never applied
    allowed = _words_after(role, "vlan trunk allowed")
    access = _words_after(role, "vlan access")
    return name, _vlan_list(allowed[0]) if allowed else ([int(access[0])] if access else [])


def cx_port(root: Node, interface: str) -> PortAuth:
    node = root.find(f"interface {interface}")
    if node is None:
        raise KeyError(interface)
    keys: dict[str, str] = {}
    for line in root.find_prefix("radius-server host"):
        words = line.text.split()
        if "key" in words:
            kind, value = words[words.index("key") + 1], words[words.index("key") + 2]
            keys[words[2]] = (cx_decrypt(value) if kind == "ciphertext" else value) or ""
    macauth = root.find("aaa authentication port-access mac-auth")
    group = _words_after(macauth, "radius server-group") if macauth is not None else None
    members = []
    if group:
        sg = root.find(f"aaa group server radius {group[0]}")
        members = [c.text.split()[1] for c in sg.children if c.text.startswith("server ")] if sg else []
    else:
        members = list(keys)  # the default group "radius" holds every radius-server host
    servers = [Server(a, AUTH_PORT, keys[a]) for a in members if a in keys]
    port_macauth = node.find("aaa authentication port-access mac-auth")
    native = _words_after(node, "vlan trunk native") or _words_after(node, "vlan access")
    mode = _words_after(node, "aaa authentication port-access auth-mode") or ["client-mode"]
    auth = PortAuth(
        enabled=bool(macauth is not None and macauth.find("enable") is not None
                     and port_macauth is not None and port_macauth.find("enable") is not None),
        servers=servers, multi_domain=mode[0] == "multi-domain",
        data_vlan=int(native[0]) if native else 1,
        critical_voice=_cx_role(root, (_words_after(node, "aaa authentication port-access critical-voice-role")
                                       or [None])[0]),
        critical_data=_cx_role(root, (_words_after(node, "aaa authentication port-access critical-role")
                                      or [None])[0]))
    if not auth.enabled:
        auth.reason = "mac-auth not enabled globally and on the port"
    return auth


def procurve_port(root: Node, interface: str) -> PortAuth:
    if root.find(f"interface {interface}") is None:
        raise KeyError(interface)
    servers: list[Server] = []
    for line in root.find_prefix("radius-server host"):
        words = line.text.split()  # the model keeps every key as `encrypted-key "..."` (procurve.py)
        if len(words) > 4 and words[3] == "encrypted-key":  # a host without a key is never asked
            servers.append(Server(words[2], AUTH_PORT, aos_decrypt(unquote(words[4]))))
    vlans = [n for n in root.children if n.text.startswith("vlan ")]
    untagged = [int(n.text.split()[1]) for n in vlans if n.find(f"untagged {interface}") is not None]
    voice = [int(n.text.split()[1]) for n in vlans
             if n.find(f"tagged {interface}") is not None and n.find("voice") is not None]
    auth_vid = _words_after(root, f"aaa port-access mac-based {interface} auth-vid")
    unauth_vid = _words_after(root, f"aaa port-access mac-based {interface} unauth-vid")
    secondary = _words_after(root, "aaa authentication mac-based chap-radius") or ["none"]
    auth = PortAuth(
        enabled=root.find(f"aaa port-access mac-based {interface}") is not None, servers=servers,
        data_vlan=int(auth_vid[0]) if auth_vid and auth_vid[0] != "0" else (untagged[0] if untagged else 1),
        voice_vlan=voice[0] if voice else None, dead_authorized=secondary[0] == "authorized",
        unauth_vlan=int(unauth_vid[0]) if unauth_vid and unauth_vid[0] != "0" else None)
    if not auth.enabled:
        auth.reason = "port without aaa port-access mac-based"
    return auth


def port_auth(device: Device, interface: str) -> PortAuth:
    with device.lock:
        if device.spec.platform == "cisco_ios":
            return ios_port(device.running, interface)
        if device.spec.platform == "hp_procurve":
            return procurve_port(device.running, interface)
        return cx_port(device.running, interface)


def _session_id(device: Device, client: Client) -> str:
    digest = hashlib.sha256(f"{device.spec.name}{client.interface}{client.mac}{client.since}".encode()).hexdigest()
    return digest[:24].upper()


def _ios_result(client: Client, auth: PortAuth, answer: Answer, all_dead: bool) -> None:
    client.critical = False
    if answer.reachable:
        client.server = answer.server
        if not answer.accepted:
            client.domain, client.status, client.authorized = "UNKNOWN", "Authz Failed", False
        elif answer.voice:
            ok = auth.multi_domain and auth.voice_vlan is not None
            client.domain = "VOICE" if ok else "UNKNOWN"
            client.status, client.authorized = ("Authz Success", True) if ok else ("Authz Failed", False)
            client.vlan, client.tagged = (auth.voice_vlan, True) if ok else (None, False)
        else:
            client.domain, client.status, client.authorized = "DATA", "Authz Success", True
            client.vlan, client.tagged = auth.data_vlan, False
        return
    client.server = ""
    if all_dead and client.device == "phone" and auth.dead_voice and auth.voice_vlan is not None:
        client.domain, client.status, client.authorized, client.critical = "VOICE", "Authz Success", True, True
        client.vlan, client.tagged = auth.voice_vlan, True
    elif all_dead and auth.dead_data_vlan is not None:
        client.domain, client.status, client.authorized, client.critical = "DATA", "Authz Success", True, True
        client.vlan, client.tagged = auth.dead_data_vlan, False
    else:
        client.domain, client.status, client.authorized, client.vlan = "UNKNOWN", "Authz Failed", False, None


def _cx_result(client: Client, auth: PortAuth, answer: Answer) -> None:
    client.critical, client.role = False, ""
    if answer.reachable:
        client.server = answer.server
        if not answer.accepted:
            client.status, client.authorized, client.vlan = "mac-auth Failed", False, None
            return
        client.status, client.authorized = "mac-auth Authenticated", True
        tagged = [v & 0xFFF for v in answer.egress_vlans if v >> 24 == 0x31]
        client.role = answer.user_role
        client.vlan, client.tagged = (tagged[0], True) if tagged else (auth.data_vlan, False)
        client.domain = "VOICE" if tagged and auth.multi_domain else "DATA"
        return
    client.server = ""
    role = auth.critical_voice if client.device == "phone" else auth.critical_data
    if role is not None and role[1]:
        client.status, client.authorized, client.critical = "mac-auth Failed (RADIUS server unreachable)", True, True
        client.role = role[0]
        client.vlan, client.tagged = role[1][0], client.device == "phone"
        client.domain = "VOICE" if client.device == "phone" else "DATA"
    else:
        client.status, client.authorized, client.vlan, client.domain = "mac-auth Failed", False, None, "UNKNOWN"


def _procurve_result(client: Client, auth: PortAuth, answer: Answer) -> None:
    client.critical, client.role = False, ""
    if answer.reachable:
        client.server = answer.server
        if not answer.accepted:
            client.status, client.authorized, client.domain = "unauthenticated", False, "UNKNOWN"
            client.vlan, client.tagged = auth.unauth_vlan, False
            return
        client.status, client.authorized = "authenticated", True
        assigned = [v & 0xFFF for v in answer.egress_vlans if v >> 24 == 0x31]
        tagged = assigned[0] if assigned else (auth.voice_vlan if client.device == "phone" else None)
        client.vlan, client.tagged = (tagged, True) if tagged is not None else (auth.data_vlan, False)
        client.domain = "VOICE" if tagged is not None else "DATA"
        return
    client.server = ""
    if auth.dead_authorized:  # let in without authentication, on the port's static VLANs
        client.status, client.authorized, client.critical = "authenticated", True, True
        phone = client.device == "phone" and auth.voice_vlan is not None
        client.vlan, client.tagged = (auth.voice_vlan, True) if phone else (auth.data_vlan, False)
        client.domain = "VOICE" if phone else "DATA"
    else:
        client.status, client.authorized, client.domain = "unauthenticated", False, "UNKNOWN"
        client.vlan, client.tagged = None, False


async def authenticate(device: Device, client: Client) -> Client:
    """Run MAB for one client now (attach, re-authentication) and record the result."""
    auth = port_auth(device, client.interface)
    if not auth.enabled:
        client.status, client.authorized, client.domain = "Unauthorized", False, "UNKNOWN"
        client.method = "none"
        return client
    now = time.monotonic()
    ios = device.spec.platform == "cisco_ios"
    # IOS sends nothing to a server it has marked dead until its deadtime is over.
    alive = [s for s in auth.servers if device.radius_dead.get(f"{s.address}:{s.port}", 0.0) <= now]
    answer, silent = (await authenticate_mab(alive, client.mac, device.spec.address, client.interface)
                      if alive else (Answer(reachable=False), []))
    if ios and auth.deadtime > 0:
        for where in silent:
            device.radius_dead[where] = now + auth.deadtime
    all_dead = bool(auth.servers) and ios and auth.deadtime > 0 and all(
        device.radius_dead.get(f"{s.address}:{s.port}", 0.0) > now for s in auth.servers)
    client.method = "mab"
    if ios:
        _ios_result(client, auth, answer, all_dead)
    elif device.spec.platform == "hp_procurve":
        _procurve_result(client, auth, answer)
    else:
        _cx_result(client, auth, answer)
    client.since = time.time()
    client.session_id = _session_id(device, client)
    device.audit("nac", interface=client.interface, mac=client.mac, status=client.status, domain=client.domain,
                 critical=client.critical, server=client.server or None)
    return client
