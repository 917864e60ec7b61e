"""IOS show output, shaped like the captures in fixtures/real-device-output/cisco_ios.

ntc-templates (cisco_ios_show_*) parse every command here; tests prove it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from . import nac_show
from .acl import ace_from_line
from .dialect import Dialect
from .engine import HandlerError
from .grammar import Match
from .model import Node
from .secrets import type9_hash

if TYPE_CHECKING:
    from .device import Device

DEFAULT_VLANS = [(1002, "fddi-default"), (1003, "token-ring-default"), (1004, "fddinet-default"),
                 (1005, "trnet-default")]



def short_ifname(name: str) -> str:
    """`GigabitEthernet1/0/5` -> `Gi1/0/5`, as IOS tables print interface names."""
    return name.replace("GigabitEthernet", "Gi")

def _sub_mode(text: str) -> str:
    word = text.split()[0]
    return {"interface": "if", "vlan": "vlan", "ip": "acl", "radius": "radius", "line": "line"}.get(word, "if")


def config_lines(dialect: Dialect, device: Device, root: Node) -> list[str]:
    spec = device.spec
    out = ["!", "version 15.2", "no service pad", "service timestamps debug datetime msec",
           "service timestamps log datetime msec"]
    sections: list[Node] = []
    flat: list[str] = []
    for node in dialect.ordered("config", root.children):
        if node.children or node.text.split()[0] in ("interface", "vlan", "line") or node.text.startswith(
            ("ip access-list", "radius server")
        ):
            sections.append(node)
        elif node.text.startswith("hostname "):
            flat += [node.text, "!", "boot-start-marker", "boot-end-marker", "!",
                     f"enable secret 9 {type9_hash(spec.enable_secret, spec.name + 'enable')}", "!",
                     f"username {spec.username} secret 9 "
                     f"{type9_hash(spec.password, spec.name + spec.username)}"]
            if root.find("aaa new-model") is None:
                flat.append("no aaa new-model")
        elif node.text == "service password-encryption":
            out.append(node.text)
            out.append("!")
        else:
            flat.append(node.text)
    if root.find("service password-encryption") is None:
        out += ["no service password-encryption", "!"]
    out += flat
    out.append("!")
    for node in sections:
        out.append(node.text)
        children = node.children
        if node.text.startswith("ip access-list"):
            out += [" " + c.text.split(None, 1)[1] for c in children]
        else:
            out += [" " + c.text for c in dialect.ordered(_sub_mode(node.text), children)]
            if node.text.startswith("interface Vlan") and node.find_prefix("ip address") == []:
                out.append(" no ip address")
        if not node.text.startswith("line "):
            out.append("!")
    out += ["!", "end"]
    return out


def running_config(dialect: Dialect, device: Device, root: Node | None = None) -> str:
    root = root if root is not None else device.running
    stamp = time.strftime("%H:%M:%S UTC %a %b %d %Y", time.gmtime(device.last_change))
    body_lines = [f"! Last configuration change at {stamp} by {device.spec.username}",
                  *config_lines(dialect, device, root)]
    body = "\r\n".join(["!", *body_lines]) + "\r\n"
    return f"Building configuration...\r\n\r\nCurrent configuration : {len(body)} bytes\r\n{body}"


def startup_config(dialect: Dialect, device: Device) -> str:
    if device.startup is None:
        return "startup-config is not present\r\n"
    body = "\r\n".join(config_lines(dialect, device, device.startup)) + "\r\n"
    return f"Using {len(body)} out of 524288 bytes\r\n{body}"


def running_interface(dialect: Dialect, device: Device, name: str) -> str:
    node = device.running.find(f"interface {name}")
    if node is None:
        return None  # type: ignore[return-value]
    lines = [node.text, *(" " + c.text for c in dialect.ordered("if", node.children))]
    body = "!\r\n" + "\r\n".join(lines) + "\r\nend\r\n"
    return f"Building configuration...\r\n\r\nCurrent configuration : {len(body)} bytes\r\n{body}"


def _uptime(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, rem = divmod(minutes, 1440)
    hours, mins = divmod(rem, 60)
    weeks, days = divmod(days, 7)
    parts = []
    if weeks:
        parts.append(f"{weeks} week{'s' if weeks != 1 else ''}")
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return ", ".join(parts)


def show_version(dialect: Dialect, device: Device) -> str:
    host = dialect.hostname(device.running)
    serial = device.serial
    restarted = time.strftime("%H:%M:%S UTC %a %b %d %Y", time.gmtime(device.boot_time))
    ports = len(physical(device.running))
    family = dialect.family
    model = family.model
    lines = [
        *family.software,
        "Technical Support: http://www.cisco.com/techsupport",
        "Copyright (c) 1986-2023 by Cisco Systems, Inc.",
        "Compiled Fri 10-Mar-23 04:18 by mcpre",
        "",
        f"ROM: Bootstrap program is {model} boot loader",
        "",
        f"{host} uptime is {_uptime(time.time() - device.boot_time)}",
        "System returned to ROM by power-on",
        f"System restarted at {restarted}",
        f'System image file is "{family.image}"',
        "Last reload reason: power-on",
        "",
        "",
        "This product contains cryptographic features and is subject to United",
        "States and local country laws governing import, export, transfer and",
        "use. Delivery of Cisco cryptographic products does not imply",
        "third-party authority to import, export, distribute or use encryption.",
        "",
        f"cisco {model} ({family.processor}) processor (revision D0) with 524288K bytes of memory.",
        f"Processor board ID {serial}",
        "Last reset from power-on",
        "1 Virtual Ethernet interface",
        "1 FastEthernet interface",
        f"{ports} Gigabit Ethernet interfaces",
        "The password-recovery mechanism is enabled.",
        "",
        "512K bytes of flash-simulated non-volatile configuration memory.",
        f"Base ethernet MAC Address       : {device.base_mac}",
        f"Model number                    : {model}",
        f"System serial number            : {serial}",
        "",
        "Configuration register is 0xF",
    ]
    return "\r\n".join(lines) + "\r\n"


def physical(root: Node) -> list[Node]:
    return [n for n in root.children if n.text.startswith("interface GigabitEthernet")]


def _sub(node: Node, prefix: str) -> str | None:
    found = node.find_prefix(prefix)
    return found[0].text.split()[len(prefix.split())] if found else None


def access_vlan(node: Node) -> int:
    value = _sub(node, "switchport access vlan")
    return int(value) if value else 1


def is_trunk(node: Node) -> bool:
    return node.find("switchport mode trunk") is not None


def vlan_names(root: Node) -> dict[int, str]:
    names = {1: "default"}
    for node in root.children:
        if node.text.startswith("vlan "):
            vid = int(node.text.split()[1])
            names[vid] = _sub(node, "name") or f"VLAN{vid:04d}"
    return dict(sorted(names.items()))


def _port_rows(first: str, ports: list[str]) -> list[str]:
    rows = []
    chunks = [ports[i : i + 4] for i in range(0, len(ports), 4)] or [[]]
    for i, chunk in enumerate(chunks):
        text = ", ".join(chunk) + ("," if i < len(chunks) - 1 else "")
        rows.append((first if i == 0 else " " * 48) + text)
    return rows


def show_vlan(device: Device, brief: bool) -> str:
    root = device.running
    members: dict[int, list[str]] = {}
    for node in physical(root):
        if not is_trunk(node):
            members.setdefault(access_vlan(node), []).append(node.text.split()[1].replace("GigabitEthernet", "Gi"))
    lines = ["", "VLAN Name                             Status    Ports",
             "---- -------------------------------- --------- -------------------------------"]
    names = vlan_names(root)
    for vid, name in names.items():
        lines += _port_rows(f"{vid:<4} {name:<32} {'active':<9} ", members.get(vid, []))
    for vid, name in DEFAULT_VLANS:
        lines.append(f"{vid:<4} {name:<32} act/unsup ")
    if not brief:
        lines += ["", "VLAN Type  SAID       MTU   Parent RingNo BridgeNo Stp  BrdgMode Trans1 Trans2",
                  "---- ----- ---------- ----- ------ ------ -------- ---- -------- ------ ------"]
        for vid in names:
            lines.append(f"{vid:<4} enet  {100000 + vid:<10} 1500  -      -      -        -    -        0      0   ")
        for vid, kind, stp, mode in ((1002, "fddi ", "-   ", "-       "), (1003, "tr   ", "-   ", "srb     "),
                                     (1004, "fdnet", "ieee", "-       "), (1005, "trnet", "ibm ", "-       ")):
            lines.append(f"{vid:<4} {kind} {100000 + vid:<10} 1500  -      -      -        {stp} {mode} 0      0   ")
        lines += ["", "Remote SPAN VLANs",
                  "------------------------------------------------------------------------------", "", "",
                  "Primary Secondary Type              Ports",
                  "------- --------- ----------------- ------------------------------------------"]
    return "\r\n".join(lines) + "\r\n"


def show_interfaces_status(device: Device) -> str:
    lines = ["", "Port      Name               Status       Vlan       Duplex  Speed Type"]
    nodes = physical(device.running)
    for idx, node in enumerate(nodes):
        name = node.text.split()[1].replace("GigabitEthernet", "Gi")
        desc = (_sub_line(node, "description") or "")[:18]
        uplink = idx >= len(nodes) - 4
        if node.find("shutdown") is not None:
            status = "disabled"
        elif uplink:
            status = "notconnect"
        else:
            status = "connected"
        vlan = "trunk" if is_trunk(node) else str(access_vlan(node))
        if status == "connected":
            duplex, speed = "a-full", "a-1000"
        else:
            duplex, speed = "auto", "auto"
        kind = "Not Present" if uplink else "10/100/1000BaseTX"
        lines.append(f"{name:<9} {desc:<18} {status:<12} {vlan:<10} {duplex:>6} {speed:>6} {kind}")
    return "\r\n".join(lines) + "\r\n"


def _sub_line(node: Node, prefix: str) -> str | None:
    found = node.find_prefix(prefix)
    return found[0].text.split(None, 1)[1] if found else None


def show_access_lists(device: Device, name: str | None) -> str:
    lines = []
    for node in device.running.children:
        if not node.text.startswith("ip access-list extended "):
            continue
        acl = node.text.split()[3]
        if name is not None and acl != name:
            continue
        lines.append(f"Extended IP access list {acl}")
        for child in node.children:
            if ace_from_line(child.text, "cisco_ios").action == "remark":
                continue
            lines.append(f"    {child.text}")
    return "".join(line + "\r\n" for line in lines)


def show_dot1x(device: Device) -> str:
    root = device.running
    enabled = root.find("dot1x system-auth-control") is not None
    lines = [f"Sysauthcontrol             {'Enabled' if enabled else 'Disabled'}",
             "Dot1x Protocol Version            3", "Critical Recovery Delay         100",
             "Critical EAPOL             Disabled", ""]
    for node in physical(root):
        if node.find("dot1x pae authenticator") is None:
            continue
        control = (_sub(node, "authentication port-control") or "force-authorized").upper().replace("-", "_")
        host = (_sub(node, "authentication host-mode") or "single-host").upper().replace("-", "_")
        reauth = "Enabled" if node.find("authentication periodic") is not None else "Disabled"
        tx = _sub(node, "dot1x timeout tx-period") or "30"
        lines += [f"Dot1x Info for {node.text.split()[1]}", "-----------------------------------",
                  "PAE                       = AUTHENTICATOR", f"PortControl               = {control}",
                  "ControlDirection          = Both", f"HostMode                  = {host}",
                  f"ReAuthentication          = {reauth}", "QuietPeriod               = 60",
                  "ServerTimeout             = 0", "SuppTimeout               = 30",
                  "ReAuthPeriod              = 3600 (Locally configured)", "ReAuthMax                 = 2",
                  "MaxReq                    = 2", f"TxPeriod                  = {tx}",
                  "RateLimitPeriod           = 0", ""]
    return "\r\n".join(lines) + "\r\n"


def run(dialect: Dialect, device: Device, m: Match) -> str:
    action = m.rule.action
    if action == "show_version":
        return show_version(dialect, device)
    if action == "show_run":
        return running_config(dialect, device)
    if action == "show_run_if":
        out = running_interface(dialect, device, m.words[-1])
        if out is None:
            raise HandlerError(index=2)
        return out
    if action == "show_start":
        return startup_config(dialect, device)
    if action in ("show_vlan", "show_vlan_brief"):
        return show_vlan(device, brief=action == "show_vlan_brief")
    if action == "show_int_status":
        return show_interfaces_status(device)
    if action == "show_acl":
        name = m.words[-1] if m.words[-1] not in ("access-lists",) else None
        return show_access_lists(device, name)
    if action == "show_dot1x":
        return show_dot1x(device)
    if action == "show_auth_sessions":

        return nac_show.ios_table(device, short_ifname)
    if action == "show_auth_session_if":
        name = m.words[4] if len(m.words) > 4 else ""
        node = device.running.find(f"interface {name}")
        if node is None:
            raise HandlerError(index=4)
        return nac_show.ios_detail(device, name, _sub(node, "authentication host-mode") or "single-host")
    if action == "show_clock":
        return time.strftime("*%H:%M:%S.000 UTC %a %b %d %Y", time.gmtime()) + "\r\n"
    raise KeyError(action)
