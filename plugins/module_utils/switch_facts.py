"""Gathered switch state as data (vlans, ports, ACLs, 802.1X), parsed from show running-config."""

from __future__ import annotations

import re
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.secrets import mask_config_line
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_diff import parse
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import SwitchPlatform

try:
    from hier_config import HConfig
except ImportError:  # reported by the action plugins (requirements_error)
    HConfig = None  # type: ignore[assignment,misc]


def _vlan_list(spec: str) -> list[int]:
    out: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        if re.fullmatch(r"\d+-\d+", part):
            a, b = (int(x) for x in part.split("-"))
            out.extend(range(a, b + 1))
        elif part.isdigit():
            out.append(int(part))
    return out


def _port_ios(lines: list[str]) -> dict[str, Any]:
    port: dict[str, Any] = {"mode": None, "access_vlan": None, "voice_vlan": None, "native_vlan": None,
                            "allowed_vlans": [], "shutdown": False, "portfast": False,
                            "nonegotiate": False, "dot1x": False, "mab": False, "qos_trust": None,
                            "acl_in": None, "acl_out": None}
    for line in lines:
        words = line.split()
        if line.startswith("switchport mode "):
            port["mode"] = " ".join(words[2:])
        elif line.startswith("switchport access vlan "):
            port["access_vlan"] = int(words[3])
        elif line.startswith("switchport voice vlan "):
            port["voice_vlan"] = int(words[3]) if words[3].isdigit() else words[3]
        elif line.startswith("switchport trunk native vlan "):
            port["native_vlan"] = int(words[4])
        elif line.startswith("switchport trunk allowed vlan "):
            spec = words[-1]
            port["allowed_vlans"] += _vlan_list(spec)
        elif line == "shutdown":
            port["shutdown"] = True
        elif line.startswith("spanning-tree portfast"):
            port["portfast"] = True
        elif line == "switchport nonegotiate":
            port["nonegotiate"] = True
        elif line.startswith(("authentication port-control auto", "access-session port-control auto")):
            port["dot1x"] = True
        elif line == "mab":
            port["mab"] = True
        elif line.startswith(("mls qos trust device ", "trust device ")):
            port["qos_trust_device"] = words[-1]
        elif line.startswith("mls qos trust "):
            port["qos_trust"] = words[3]
        elif line.startswith("ip access-group ") and len(words) == 4:
            port["acl_" + words[3]] = words[2]
    if port["mode"] is None and port["access_vlan"] is not None:
        port["mode"] = "access"
    return port


def _port_aoscx(node: Any) -> dict[str, Any]:
    port: dict[str, Any] = {"mode": None, "access_vlan": None, "voice_vlan": None, "native_vlan": None,
                            "allowed_vlans": [], "shutdown": False, "portfast": False,
                            "nonegotiate": True, "dot1x": False, "mab": False, "qos_trust": None,
                            "acl_in": None, "acl_out": None}
    for child in node.children:
        line, words = child.text, child.text.split()
        if line.startswith("vlan access "):
            port["mode"], port["access_vlan"] = "access", int(words[2])
        elif line.startswith("vlan trunk native "):
            port["mode"], port["native_vlan"] = "trunk", int(words[3])
        elif line.startswith("vlan trunk allowed "):
            port["mode"] = "trunk"
            port["allowed_vlans"] += _vlan_list(words[3])
        elif line == "shutdown":
            port["shutdown"] = True
        elif line.startswith("spanning-tree port-type admin-edge"):
            port["portfast"] = True
        elif line.startswith("aaa authentication port-access dot1x authenticator"):
            port["dot1x"] = any(c.text == "enable" for c in child.children)
        elif line.startswith("aaa authentication port-access mac-auth"):
            port["mab"] = any(c.text == "enable" for c in child.children)
        elif line.startswith("qos trust "):
            port["qos_trust"] = words[2]
        elif line.startswith("apply access-list ip ") and len(words) == 5:
            port["acl_" + words[4]] = words[3]
    return port


def _port_procurve(node: Any, name: str, top: list[str]) -> dict[str, Any]:
    """An ArubaOS-Switch port (VLAN membership already moved under it by hier_config); its
    802.1X / MAC authentication are global `aaa port-access ... <port>` lines."""
    port: dict[str, Any] = {"mode": "access", "access_vlan": None, "voice_vlan": None, "native_vlan": None,
                            "allowed_vlans": [], "shutdown": False, "portfast": False,
                            "nonegotiate": True, "dot1x": f"aaa port-access authenticator {name}" in top,
                            "mab": f"aaa port-access mac-based {name}" in top, "qos_trust": None,
                            "acl_in": None, "acl_out": None}
    for child in node.children:
        line, words = child.text, child.text.split()
        if line.startswith("untagged vlan "):
            port["access_vlan"] = port["native_vlan"] = int(words[2])
        elif line.startswith("tagged vlan "):
            port["allowed_vlans"] += _vlan_list(words[2])
        elif line == "disable":
            port["shutdown"] = True
        elif line.startswith("qos trust "):
            port["qos_trust"] = words[2]
        elif line.startswith("ip access-group ") and len(words) == 4:
            port["acl_" + words[3]] = words[2].strip('"')
    if port["allowed_vlans"]:
        port["mode"] = "trunk"
    return port


def gather(platform: SwitchPlatform, running: str | HConfig, identity: dict[str, Any] | None = None,
           family: str | None = None) -> dict[str, Any]:
    """Facts from a running config (text, or already parsed); secrets are masked, never returned.

    identity (switch_identity: hostname, model, serial, software) and the checked family
    are added when the caller read them.
    """
    config: HConfig = parse(platform, running) if isinstance(running, str) else running
    aoscx = platform.name == "aruba_aoscx"
    facts: dict[str, Any] = {"platform": platform.name, "vlans": {}, "ports": {}, "acls": {},
                             "dot1x": {"system_auth_control": False, "radius_servers": []}, "qos": {}}
    if identity is not None:
        facts.update(family=family, model=identity.get("model"), identity=dict(identity))
    acl_prefix = platform.acl_header.format(name="")
    for node in config.children:
        text = node.text
        if re.fullmatch(r"vlan \d+", text):
            name = next((c.text.split(None, 1)[1].strip('"') for c in node.children if c.text.startswith("name ")),
                        None)
            facts["vlans"][text.split()[1]] = {
                "name": name, "voice": any(c.text == "voice" for c in node.children)}
        elif text.startswith("interface "):
            name = text.split(None, 1)[1]
            if platform.name == "hp_procurve":
                facts["ports"][name] = _port_procurve(node, name, [c.text for c in config.children])
                continue
            facts["ports"][name] = (_port_aoscx(node) if aoscx
                                    else _port_ios([c.text for c in node.children]))
            if facts["ports"][name]["mode"] is None and not aoscx and re.match(platform.physical_port_pattern, name):
                # IOS shows no mode line for the factory default `switchport mode dynamic auto`.
                facts["ports"][name]["mode"] = "dynamic auto"
        elif text.startswith(acl_prefix):
            facts["acls"][text[len(acl_prefix):]] = [mask_config_line(c.text) for c in node.children]
        elif platform.name == "hp_procurve" and text.startswith("ip access-list extended "):
            facts["acls"][text.split(None, 3)[3].strip('"')] = [mask_config_line(c.text) for c in node.children]
        elif text in ("dot1x system-auth-control", "aaa port-access authenticator active") or (
                aoscx and text == "aaa authentication port-access dot1x authenticator"
                and any(c.text == "enable" for c in node.children)):
            facts["dot1x"]["system_auth_control"] = True
        elif text.startswith("radius server "):
            address = next((c.text.split()[2] for c in node.children if c.text.startswith("address ipv4 ")), None)
            facts["dot1x"]["radius_servers"].append({"name": text.split()[2], "address": address})
        elif text.startswith("radius-server host "):
            facts["dot1x"]["radius_servers"].append({"name": text.split()[2], "address": text.split()[2]})
        elif text == "mls qos":
            facts["qos"]["enabled"] = True
    return facts
