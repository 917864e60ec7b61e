"""ArubaOS-Switch show output: running config, `show system`, `show version`, `show vlans`.

Shaped so ntc-templates' hp_procurve_show_system / hp_procurve_show_vlans parse them (tests
prove it) and so hier_config's HP_PROCURVE driver reads the running config as it reads a
real 2930F's (VLAN membership as port lists under `vlan N`, `no untagged` in DEFAULT_VLAN).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .grammar import Match, unquote
from .model import Node
from .secrets import aos_decrypt

if TYPE_CHECKING:
    from .device import Device
    from .dialect import Dialect

VERSION = "WC.16.10.0012"
ROM = "WC.17.02.0006"
INDENT = "   "


def banner(dialect: Dialect) -> str:
    model = dialect.family.model
    return ("\r\nHP " + model.split()[0] + " " + " ".join(model.split()[1:]) + " Switch\r\n"
            f"Software revision {VERSION}\r\n\r\n"
            "(C) Copyright 2020 Hewlett Packard Enterprise Development LP\r\n\r\n"
            "                   RESTRICTED RIGHTS LEGEND\r\n"
            " Confidential computer software. Valid license from Hewlett Packard Enterprise\r\n"
            " Development LP required for possession, use or copying.\r\n\r\n"
            "Press any key to continue\r\n")


def _port_key(name: str) -> tuple[object, ...]:
    head = name.rstrip("0123456789")
    return (head, int(name[len(head):] or 0))


def compress_ports(names: list[str]) -> str:
    """3,4,5,7 -> 3-5,7 (per letter prefix: A1-A4)."""
    ordered = sorted(set(names), key=_port_key)
    out: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        head, num = _port_key(ordered[i])
        while j + 1 < len(ordered) and _port_key(ordered[j + 1]) == (head, int(str(num)) + (j + 1 - i)):
            j += 1
        out.append(ordered[i] if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(out)


def _ports(root: Node) -> list[str]:
    return [n.text.split()[1] for n in root.children if n.text.startswith("interface ")]


def _vlan_block(node: Node, all_ports: list[str]) -> list[str]:
    out = [node.text]
    name = next((c.text for c in node.children if c.text.startswith("name ")), None)
    if name:
        out.append(INDENT + name)
    untagged = [c.text.split()[1] for c in node.children if c.text.startswith("untagged ")]
    tagged = [c.text.split()[1] for c in node.children if c.text.startswith("tagged ")]
    if node.text == "vlan 1":
        missing = [p for p in all_ports if p not in untagged]
        if missing:
            out.append(INDENT + "no untagged " + compress_ports(missing))
    if untagged:
        out.append(INDENT + "untagged " + compress_ports(untagged))
    if tagged:
        out.append(INDENT + "tagged " + compress_ports(tagged))
    address = [c.text for c in node.children if c.text.startswith("ip address ")]
    out += [INDENT + a for a in address] or [INDENT + "no ip address"]
    out += [INDENT + c.text for c in node.children if c.text.startswith("ip access-group ")]
    if node.find("voice") is not None:
        out.append(INDENT + "voice")
    out.append(INDENT + "exit")
    return out


_IF_ORDER = ("name ", "disable", "ip access-group ", "qos ")


def _interface_block(node: Node) -> list[str]:
    children = sorted(node.children, key=lambda c: next(
        (i for i, p in enumerate(_IF_ORDER) if c.text.startswith(p)), len(_IF_ORDER)))
    return [node.text, *(INDENT + c.text for c in children), INDENT + "exit"]


def _port_access(root: Node, kind: str) -> list[str]:
    prefix = f"aaa port-access {kind} "
    lines = [c.text for c in root.children if c.text.startswith(prefix) and c.text != f"{prefix}active"]
    enabled = [line.split()[3] for line in lines if len(line.split()) == 4]
    out = [prefix + compress_ports(enabled)] if enabled else []
    options = [line for line in lines if len(line.split()) > 4]
    out += sorted(options, key=lambda t: (t.split()[4], _port_key(t.split()[3])))
    return out


def config_lines(dialect: Dialect, device: Device, root: Node) -> list[str]:
    encrypt = root.find("encrypt-credentials") is not None
    include = bool(root.find_prefix("include-credentials"))
    out = [f"; {dialect.family.model.split()[0]} Configuration Editor; Created on release #{VERSION}",
           "; Ver #14:41.44.00.04.19.02.13.98.82.34.61.18.28.f3.84.9c.63.ff.37.27:05"]
    ports = _ports(root)
    for node in dialect.ordered("config", root.children):
        text = node.text
        if text.startswith("aaa port-access "):
            continue
        if text.startswith("interface "):
            if node.children:
                out += _interface_block(node)
        elif text.startswith("vlan "):
            out += _vlan_block(node, ports)
        elif text.startswith("ip access-list "):
            out += [text, *(INDENT + c.text for c in node.children), INDENT + "exit"]
        elif text.startswith("radius-server host ") and " encrypted-key " in text and not (include and encrypt):
            head, _, secret = text.partition(" encrypted-key ")
            if include:

                out.append(f'{head} key "{aos_decrypt(secret.strip(chr(34)))}"')
            else:  # stored, not displayed (no include-credentials)
                out.append(head)
        else:
            out.append(text)
    for kind in ("authenticator", "mac-based"):
        out += _port_access(root, kind)
        if kind == "authenticator" and root.find("aaa port-access authenticator active") is not None:
            out.append("aaa port-access authenticator active")
    out.append("password manager")  # include-credentials is off: no credential in the config
    return out


def running_config(dialect: Dialect, device: Device, root: Node | None = None) -> str:
    root = root if root is not None else device.running
    return "\r\nRunning configuration:\r\n\r\n" + "\r\n".join(config_lines(dialect, device, root)) + "\r\n"


def _uptime(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} mins"
    if minutes < 1440:
        return f"{minutes // 60} hours"
    return f"{minutes // 1440} days"


def show_system(dialect: Dialect, device: Device) -> str:
    mac = device.base_mac.replace(":", "")
    serial = "SG" + device.serial[3:]
    lines = [
        "",
        " Status and Counters - General System Information",
        "",
        f"  System Name        : {dialect.hostname(device.running)}",
        "  System Contact     : ",
        "  System Location    : ",
        "  MAC Age Time (sec) : 300",
        "  Time Zone          : 0",
        "  Daylight Time Rule : None",
        "",
        f"  Software revision  : {VERSION:<22}Base MAC Addr      : {mac[:6]}-{mac[6:]}",
        f"  ROM Version        : {ROM:<22}Serial Number      : {serial}",
        "",
        f"  Up Time            : {_uptime(time.time() - device.boot_time):<22}Memory   - Total   : 339,329,536",
        "  CPU Util (%)       : 0                               Free    : 205,870,416",
        "",
        "  IP Mgmt  - Pkts Rx : 1,013                  Packet   - Total   : 6600",
        "             Pkts Tx : 994                    Buffers    Free    : 4335",
        "                                                         Lowest  : 4291",
        "                                                         Missed  : 0",
        "",
    ]
    return "\r\n".join(lines) + "\r\n"


def show_version() -> str:
    lines = ["Image stamp:    /ws/swbuildm/rel_venice_qaoff/code/build/bom(swbuildm_rel_venice_qaoff_rel_venice)",
             "                Mon Feb 10 04:30:48 2020", f"                {VERSION}", "                1223",
             "Boot Image:     Primary", "", f"Boot ROM Version:    {ROM}", "Active Boot ROM:     Primary", ""]
    return "\r\n".join(lines) + "\r\n"


def show_vlans(device: Device) -> str:
    root = device.running
    vlans = sorted((n for n in root.children if n.text.startswith("vlan ")), key=lambda n: int(n.text.split()[1]))
    lines = ["", " Status and Counters - VLAN Information", "",
             "  Maximum VLANs to support : 256", "  Primary VLAN : DEFAULT_VLAN", "  Management VLAN :", "",
             "  VLAN ID Name                             | Status     Voice Jumbo",
             "  ------- -------------------------------- + ---------- ----- -----"]
    for node in vlans:

        name = next((unquote(c.text.split(None, 1)[1]) for c in node.children if c.text.startswith("name ")), "")
        voice = "Yes" if node.find("voice") is not None else "No"
        lines.append(f"  {node.text.split()[1]:<7} {name:<32} | Port-based {voice:<5} No")
    return "\r\n".join([*lines, ""]) + "\r\n"


def run(dialect: Dialect, device: Device, m: Match) -> str:
    action = m.rule.action
    if action == "show_version":
        return show_version()
    if action == "show_system":
        return show_system(dialect, device)
    if action == "show_run":
        return running_config(dialect, device)
    if action == "show_start":
        if device.startup is None:
            return running_config(dialect, device, dialect.factory(device.spec.name, device.spec.ports)).replace(
                "Running configuration:", "Startup configuration:")
        return running_config(dialect, device, device.startup).replace("Running configuration:",
                                                                       "Startup configuration:")
    if action == "show_vlans":
        return show_vlans(device)
    raise KeyError(action)
