"""Show output of the access sessions (nac.py), shaped like the captures in
fixtures/real-device-output: IOS `show authentication sessions` (the table ntc-templates'
cisco_ios_show_authentication_sessions parses) and its per-interface detail (IOS 15.2
layout), AOS-CX `show aaa authentication port-access interface ... client-status`,
ArubaOS-Switch `show port-access mac-based clients [<ports> [detailed]]` (the table after a
2930-class capture: Port, MAC Address, Session Status, Time, gist pwood/388671; the detail's
"Client Base Details" / "Untagged VLAN" / "Tagged VLANs" after the 16.x Access Security
Guide's `show port-access clients detailed` example).

The critical-authorization line of the IOS detail, the AOS-CX VLAN lines and the
ArubaOS-Switch "Authorized By" line are the emulator's wording of what the configuration
guides describe, not captured from a device.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .nac import Client

if TYPE_CHECKING:
    from .device import Device


def _dotted(mac: str) -> str:
    d = "".join(c for c in mac.lower() if c.isalnum())
    return f"{d[0:4]}.{d[4:8]}.{d[8:12]}"


def _colon(mac: str) -> str:
    d = "".join(c for c in mac.lower() if c.isalnum())
    return ":".join(d[i:i + 2] for i in range(0, 12, 2))


def _sessions(device: Device, interface: str | None) -> list[Client]:
    with device.lock:
        return [c for name, clients in device.clients.items() if interface in (None, name) for c in clients]


def ios_table(device: Device, short: Callable[[str], str]) -> str:
    clients = _sessions(device, None)
    if not clients:
        return "No sessions currently exist\r\n"
    lines = ["", "Interface  MAC Address     Method   Domain   Status         Session ID"]
    for c in clients:
        lines.append(f"{short(c.interface):<11}{_dotted(c.mac):<16}{c.method:<9}{c.domain:<9}{c.status:<15}"
                     f"{c.session_id}")
    return "\r\n".join(lines) + "\r\n"


def ios_detail(device: Device, interface: str, host_mode: str) -> str:
    clients = _sessions(device, interface)
    if not clients:
        return "No sessions match supplied criteria.\r\n"
    blocks = []
    for c in clients:
        rows = [("Interface", c.interface), ("MAC Address", _dotted(c.mac)), ("IP Address", "Unknown"),
                ("User-Name", "".join(ch for ch in c.mac.lower() if ch.isalnum())), ("Status", c.status),
                ("Domain", c.domain), ("Security Policy", "Should Secure"), ("Security Status", "Unsecure"),
                ("Oper host mode", host_mode), ("Oper control dir", "both"),
                ("Authorized By", "Critical Auth" if c.critical else
                 ("Authentication Server" if c.authorized else "N/A")),
                ("Vlan Policy", str(c.vlan) if c.critical and c.vlan and not c.tagged else "N/A"),
                ("Session timeout", "N/A"), ("Idle timeout", "N/A"), ("Common Session ID", c.session_id),
                ("Acct Session ID", "0x00000000"), ("Handle", "0x" + c.session_id[-8:])]
        text = [f"{name:>21}:  {value}" for name, value in rows]
        if c.critical:
            text.append(f"Critical Authorization is in effect for domain(s) {c.domain}")
        state = ("Authc Success" if c.server and c.authorized else
                 "Authc Failed" if c.method == "mab" else "Not run")
        text += ["", "Runnable methods list:", "       Method   State", "       dot1x    Failed over",
                 f"       mab      {state}"]
        blocks.append("\r\n".join(text))
    return "\r\n" + "\r\n\r\n".join(blocks) + "\r\n"


def cx_client_status(device: Device, interface: str | None) -> str:
    clients = _sessions(device, interface)
    out = ["", "Port Access Client Status Details", ""]
    for c in clients:
        precedence = "mac-auth - " + ("Authenticated" if c.authorized and not c.critical else "Unauthenticated")
        out += [f"Client {_colon(c.mac)}, {''.join(ch for ch in c.mac.lower() if ch.isalnum())}",
                "============================", "  Session Details", "  ---------------",
                f"    Port         : {c.interface}", "    Session Time : 0s", "    IPv4 Address : ",
                "    IPv6 Address : ", "", "  Authentication Details", "  ----------------------",
                f"    Status          : {c.status}",
                f"    Auth Precedence : {precedence}, dot1x - Not attempted", "",
                "  Authorization Details", "  ----------------------",
                f"    Role   : {c.role}{' (critical)' if c.critical else ''}",
                f"    Status : {'Applied' if c.authorized else 'Not Applied'}", "",
                "  VLAN Details", "  ------------",
                f"    VLANs  : {c.vlan if c.vlan is not None else ''}"
                f"{(' (tagged)' if c.tagged else ' (untagged)') if c.vlan is not None else ''}", ""]
    return "\r\n".join(out) + "\r\n"


def _aos_mac(mac: str) -> str:
    d = "".join(c for c in mac.lower() if c.isalnum())
    return f"{d[0:6]}-{d[6:12]}"


def procurve_clients(device: Device, ports: list[str] | None, detailed: bool) -> str:
    clients = [c for c in _sessions(device, None) if ports is None or c.interface in ports]
    if not detailed:
        out = ["", " Port Access MAC-Based Client Status", "",
               "  Port  MAC Address   Session Status        Time",
               "  ----- ------------- --------------------- --------"]
        out += [f"  {c.interface:<5} {_aos_mac(c.mac):<13} {c.status:<21} 0" for c in clients]
        return "\r\n".join(out) + "\r\n"
    out = ["", " Port Access MAC-Based Client Status Detail"]
    for c in clients:
        name = "".join(ch for ch in c.mac.lower() if ch.isalnum())
        untagged = c.vlan if c.vlan is not None and not c.tagged else ""
        out += ["", "  Client Base Details :",
                f"   Port            : {c.interface}",
                f"   Session Status  : {c.status:<21} Session Time(sec) : 0",
                f"   Client Name     : {name}", f"   MAC Address     : {_aos_mac(c.mac)}", "   IP              : n/a",
                "", "  Access Policy Details :",
                f"   Untagged VLAN   : {untagged}", f"   Tagged VLANs    : {c.vlan if c.tagged else ''}",
                "   Authorized By   : " + ("secondary method authorized (no RADIUS server answered)" if c.critical
                                           else "RADIUS server" if c.authorized else "")]
    return "\r\n".join(out) + "\r\n"
