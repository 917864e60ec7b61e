"""AOS-CX show output, shaped like the captures in fixtures/real-device-output/aruba_aoscx.

ntc-templates (aruba_aoscx_show_*) parse every command here; tests prove it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from . import nac_show
from .dialect import Dialect
from .engine import HandlerError
from .grammar import Match, expand_vlan_list
from .model import Node
from .secrets import cx_encrypt

if TYPE_CHECKING:
    from .device import Device

VERSION = "FL.10.11.1021"

_SUB_MODE = {"interface": "if", "vlan": "vlan", "access-list": "acl", "aaa": "sg", "port-access": "role"}


def _child_mode(parent_mode: str, node: Node) -> str:
    text = node.text
    if text.startswith("aaa authentication port-access dot1x"):
        return "if-dot1x" if parent_mode == "if" else "dot1x"
    if text.startswith("aaa authentication port-access mac-auth"):
        return "if-macauth" if parent_mode == "if" else "macauth"
    return _SUB_MODE.get(text.split()[0], "if")


def _render(dialect: Dialect, node: Node, mode: str, depth: int, out: list[str]) -> None:
    pad = "    " * depth
    out.append(pad + node.text)
    sub = _child_mode(mode, node)
    children = dialect.ordered(sub, node.children)
    if node.text.startswith("interface 1/"):
        admin = "shutdown" if node.find("shutdown") else "no shutdown"
        desc = [c for c in children if c.text.startswith("description ")]
        rest = [c for c in children if c.text != "shutdown" and not c.text.startswith("description ")]
        out += [pad + "    " + c.text for c in desc]
        out.append(pad + "    " + admin)
        children = rest
    for child in children:
        if child.children or child.text.startswith("aaa authentication port-access"):
            _render(dialect, child, sub, depth + 1, out)
        else:
            out.append(pad + "    " + child.text)


def config_lines(dialect: Dialect, device: Device, root: Node) -> list[str]:
    spec = device.spec
    out = ["!", f"!Version ArubaOS-CX {VERSION}", "!export-password: default"]
    nodes = dialect.ordered("config", root.children)
    for node in nodes:
        if node.text.startswith("hostname "):
            out.append(node.text)
            out.append(f"user {spec.username} group administrators password ciphertext "
                       f"{cx_encrypt('pw:' + spec.username)}")
            continue
        if node.children or node.text.split()[0] in ("interface", "vlan", "access-list") or \
                node.text.startswith("aaa authentication port-access"):
            _render(dialect, node, "config", 0, out)
        else:
            out.append(node.text)
    out.append("!")
    return out


def running_config(dialect: Dialect, device: Device, root: Node | None = None) -> str:
    root = root if root is not None else device.running
    return "Current configuration:\r\n" + "\r\n".join(config_lines(dialect, device, root)) + "\r\n"


def _ports(root: Node) -> list[Node]:
    return [n for n in root.children if n.text.startswith("interface 1/")]


def _sub(node: Node, prefix: str) -> str | None:
    found = node.find_prefix(prefix)
    return found[0].text.split()[len(prefix.split())] if found else None


def _vlan_members(root: Node) -> dict[int, list[str]]:
    members: dict[int, list[str]] = {}
    for node in _ports(root):
        name = node.text.split()[1]
        access = _sub(node, "vlan access")
        if access is not None:
            members.setdefault(int(access), []).append(name)
            continue
        vids: set[int] = set()
        native = _sub(node, "vlan trunk native")
        vids.add(int(native) if native else 1)
        allowed = _sub(node, "vlan trunk allowed")
        if allowed == "all":
            vids.update(v for v in _vlans(root))
        elif allowed:
            vids.update(expand_vlan_list(allowed))
        for vid in vids:
            members.setdefault(vid, []).append(name)
    return members


def _vlans(root: Node) -> list[int]:
    return sorted(int(n.text.split()[1]) for n in root.children if n.text.startswith("vlan "))


def compress_ports(names: list[str]) -> list[str]:
    """1/1/1,1/1/2,1/1/3 -> 1/1/1-1/1/3 (AOS-CX range notation)."""
    out: list[str] = []
    nums = sorted(int(n.rsplit("/", 1)[1]) for n in names)
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(f"1/1/{nums[i]}" if i == j else f"1/1/{nums[i]}-1/1/{nums[j]}")
        i = j + 1
    return out


def show_vlan(device: Device) -> str:
    root = device.running
    members = _vlan_members(root)
    rule = "-" * 114
    lines = ["", rule,
             "VLAN  Name                              Status  Reason                  Type        Interfaces"
             "                    ", rule]
    for vid in _vlans(root):
        node = root.find(f"vlan {vid}")
        assert node is not None
        name = _sub(node, "name") or ("DEFAULT_VLAN_1" if vid == 1 else f"VLAN{vid}")
        status, reason = ("down", "admin_down") if node.find("shutdown") else ("up", "ok")
        kind = "default" if vid == 1 else "static"
        ranges = compress_ports(members.get(vid, []))
        chunks: list[str] = []
        current = ""
        for r in ranges:
            piece = r + ","
            if current and len(current) + len(piece) > 30:
                chunks.append(current)
                current = ""
            current += piece
        if current:
            chunks.append(current.rstrip(","))
        head = f"{vid:<5} {name:<33} {status:<7} {reason:<23} {kind:<11} "
        lines.append(head + (chunks[0] if chunks else ""))
        lines += [" " * len(head) + c for c in chunks[1:]]
    return "\r\n".join(lines) + "\r\n"


def _mac(device: Device, index: int) -> str:
    parts = device.base_mac.split(":")
    last = (int(parts[-1], 16) + index) % 256
    return ":".join([*parts[:-1], f"{last:02x}"])


def show_interface(device: Device, only: str | None) -> str:
    nodes = _ports(device.running)
    lines: list[str] = []
    uplink_from = len(nodes) - 4
    for idx, node in enumerate(nodes):
        name = node.text.split()[1]
        if only is not None and name != only:
            continue
        admin_up = node.find("shutdown") is None
        uplink = idx >= uplink_from
        link_up = admin_up and not uplink
        lines.append(f"Interface {name} is {'up' if link_up else 'down'} ")
        lines.append(f" Admin state is {'up' if admin_up else 'down'}")
        if uplink:
            lines.append(" State information: No XCVR installed")
        elif not admin_up:
            lines.append(" State information: Administratively down")
        desc = next((c.text.split(None, 1)[1] for c in node.children if c.text.startswith("description ")), "")
        trust = _sub(node, "qos trust") or "none"
        lines += [
            f" Link transitions: {1 if link_up else 0}",
            f" Description: {desc}",
            f" Hardware: Ethernet, MAC Address: {_mac(device, idx + 1)} ",
            " MTU 1500 ",
            f" Type {'--' if uplink else '1GbT'}",
            " Full-duplex ",
            f" qos trust {trust}",
            f" Speed {1000 if link_up else 0} Mb/s ",
            " Auto-negotiation is on",
            " Flow-control: off ",
            " Error-control: off ",
        ]
        access = _sub(node, "vlan access")
        if access is not None:
            lines += [" VLAN Mode: access", f" Access VLAN: {access}"]
        else:
            allowed = _sub(node, "vlan trunk allowed") or ""
            lines += [" VLAN Mode: native-untagged", f" Native VLAN: {_sub(node, 'vlan trunk native') or 1}",
                      f" Allowed VLAN List: {allowed if allowed != 'all' else '1-4094'}"]
        packets = 1000 + idx if link_up else 0
        lines += [
            " Rx",
            f"    {packets:>9} total packets            {packets * 64:>9} total bytes",
            "            0   unicast packets",
            f"    {packets:>9}   multicast packets",
            "            0   broadcast packets",
            "            0 errors                           0 dropped",
            "            0 CRC/FCS",
            " Tx",
            f"    {packets:>9} total packets            {packets * 64:>9} total bytes",
            "            0   unicast packets",
            f"    {packets:>9}   multicast packets",
            "            0   broadcast packets",
            "            0 errors                           0 dropped",
            "            0 collision",
            "",
        ]
    if only is not None and not lines:
        raise HandlerError(index=2)
    return "\r\n".join(lines) + "\r\n"


def _uptime(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes == 0:
        return "under a minute"
    days, rem = divmod(minutes, 1440)
    hours, mins = divmod(rem, 60)
    weeks, days = divmod(days, 7)
    parts = []
    for value, unit in ((weeks, "week"), (days, "day"), (hours, "hour")):
        if value:
            parts.append(f"{value} {unit}{'s' if value != 1 else ''},")
    parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts)


def show_system(dialect: Dialect, device: Device) -> str:
    mac = device.base_mac.replace(":", "")
    lines = [
        f"Hostname           : {dialect.hostname(device.running)}",
        f"System Description : {VERSION}",
        "System Contact     :",
        "System Location    :",
        "",
        "Vendor             : Aruba",
        f"Product Name       : {dialect.family.model}",
        f"Chassis Serial Nbr : {device.serial.replace('FOC', 'SG')}",
        f"Base MAC Address   : {mac[:6]}-{mac[6:]}",
        f"ArubaOS-CX Version : {VERSION}",
        "",
        "Time Zone          : UTC",
        "",
        f"Up Time            : {_uptime(time.time() - device.boot_time)}",
        "CPU Util (%)       : 3",
        "Memory Usage (%)   : 21",
    ]
    return "\r\n".join(lines) + "\r\n"


def show_version() -> str:
    rule = "-" * 77
    lines = [rule, "ArubaOS-CX", "(c) Copyright 2017-2023 Hewlett Packard Enterprise Development LP", rule,
             f"Version      : {VERSION}", "Build Date   : 2023-02-10 18:03:20 UTC",
             f"Build ID     : ArubaOS-CX:{VERSION}:0a1b2c3d4e5f:202302101803",
             "Build SHA    : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567", "Active Image : primary", "",
             "Service OS Version : FL.01.12.0002", "BIOS Version       : FL.01.0002"]
    return "\r\n".join(lines) + "\r\n"


def run(dialect: Dialect, device: Device, m: Match) -> str:
    action = m.rule.action
    if action == "show_version":
        return show_version()
    if action == "show_system":
        return show_system(dialect, device)
    if action == "show_run":
        return running_config(dialect, device)
    if action == "show_run_if":
        node = device.running.find(f"interface {m.words[-1]}")
        if node is None:
            raise HandlerError(index=3)
        out: list[str] = []
        _render(dialect, node, "config", 0, out)
        return "\r\n".join(out) + "\r\n"
    if action == "show_start":
        if device.startup is None:
            return "No saved configuration found.\r\n"
        return "Startup configuration:\r\n" + "\r\n".join(config_lines(dialect, device, device.startup)) + "\r\n"
    if action == "show_vlan":
        return show_vlan(device)
    if action == "show_interface":
        return show_interface(device, m.words[-1] if m.words[-1] != "interface" else None)
    if action == "show_pa_clients":
        name = m.words[5]
        if name != "all" and device.running.find(f"interface {name}") is None:
            raise HandlerError(index=5)
        return nac_show.cx_client_status(device, None if name == "all" else name)
    raise KeyError(action)
