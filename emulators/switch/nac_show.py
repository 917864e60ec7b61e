"""Show output of the access sessions (nac.py), shaped like the captures in
fixtures/real-device-output: IOS `show authentication sessions` (the table ntc-templates'
cisco_ios_show_authentication_sessions parses) and its per-interface detail (IOS 15.2
layout), AOS-CX `show aaa authentication port-access interface ... client-status`.

The critical-authorization line of the IOS detail and the AOS-CX VLAN lines are the
emulator's wording of what the configuration guides describe, not captured from a device.
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
