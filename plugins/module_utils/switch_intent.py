"""Vendor-neutral switch intent: validation, port-range expansion and the managed scope.

The role hands the inventory variables (lan_vlans, lan_port_roles, lan_dot1x, ...) to
`normalize_intent`, which refuses bad intent with one clear message listing every
problem before anything connects, and returns the data the templates render from plus
the `managed` scope that switch_config needs to know which sections it owns.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils import switch_render
from ansible_collections.voicesec.mivb.plugins.module_utils.control_selection import Selection, select
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import (
    SwitchFamily,
    SwitchPlatform,
    family_for,
    platform_for,
)

CONTROL_IDS = ("LAN-01", "LAN-02", "LAN-03", "LAN-04", "LAN-05", "LAN-06", "LOG-03", "LOG-04")
PORT_ROLES = {"controller": "LAN-02", "phone": "LAN-03", "uplink": "LAN-01", "unused": "LAN-06"}
VLAN_PURPOSES = {"controllers": "LAN-02", "voice": "LAN-01", "data": "LAN-01", "parking": "LAN-06"}
SMDR_PORT = 1752
PMS_PORT = 1753
_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
CRITICAL_VOICE_ROLE = "MIVB-CRITICAL-VOICE"  # AOS-CX port-access role used while RADIUS is dead


class SwitchIntentError(ValueError):
    """The inventory intent cannot be rendered; the message lists every problem."""


def expand_interfaces(spec: str, platform: SwitchPlatform) -> list[str]:
    """`Gi1/0/1-8`, `GigabitEthernet1/0/3`, `1/1/1-1/1/8` -> full interface names."""
    text = str(spec).strip()
    full_range = re.match(r"^(?P<prefix>\D*(?:\d+/)*)(?P<start>\d+)-(?P=prefix)(?P<end>\d+)$", text)
    short_range = re.match(r"^(?P<prefix>\D*(?:\d+/)*)(?P<start>\d+)-(?P<end>\d+)$", text)
    match = full_range or short_range
    if match:
        start, end = int(match["start"]), int(match["end"])
        if end < start:
            raise SwitchIntentError(f"interface range {text!r} ends before it starts")
        names = [f"{match['prefix']}{n}" for n in range(start, end + 1)]
    else:
        names = [text]
    return [_canonical_interface(name, platform) for name in names]


def _canonical_interface(name: str, platform: SwitchPlatform) -> str:
    match = re.match(r"^([A-Za-z-]+)(.*)$", name)
    if match:
        letters, rest = match.groups()
        for short, full in platform.interface_abbreviations.items():
            if letters.lower() in (short.lower(), full.lower()):
                name = full + rest
                break
    if not re.match(platform.interface_pattern, name):
        raise SwitchIntentError(f"interface {name!r} is not a {platform.name} interface name")
    return name


def _vlan_id(value: Any, where: str, errors: list[str]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        errors.append(f"{where}: VLAN id {value!r} is not a number (allowed 1-4094)")
        return None
    vid = int(value)
    if not 1 <= vid <= 4094:
        errors.append(f"{where}: VLAN id {vid} is out of range (allowed 1-4094)")
        return None
    return vid


def _addresses(values: Any, where: str, errors: list[str], ipv4_only: bool = False) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, list):
        errors.append(f"{where} must be a list of IP addresses, got {values!r}")
        return []
    out = []
    for value in values:
        try:
            address = ipaddress.ip_address(str(value).strip())
        except ValueError:
            errors.append(f"{where}: {value!r} is not an IP address")
            continue
        if ipv4_only and address.version != 4:
            errors.append(f"{where}: {address} is IPv6; the SMDR/PMS ACL templates are IPv4 only")
            continue
        problem = _not_unicast(address)
        if problem:
            errors.append(f"{where}: {address} is {problem}; allowed: one host's unicast address")
            continue
        out.append(str(address))
    return out


def _not_unicast(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address cannot be one collector / RADIUS server, or None when it can."""
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.version == 4 and (address == ipaddress.IPv4Address("255.255.255.255") or address.is_reserved):
        return "the broadcast address" if str(address) == "255.255.255.255" else "a reserved (class E) address"
    return None


def select_controls(intent: dict[str, Any]) -> Selection:
    """Per control: --tags / --skip-tags (lan_run_tags / lan_skip_tags) and lan_harden_* toggles.

    The role's one task is tagged `always` + `switch`; control_selection decides here, so
    `--skip-tags LAN-04` leaves out LAN-04 only and reports it not_evaluated with the reason.
    """
    names = {cid: "lan_harden_" + cid.lower().replace("-", "_") for cid in CONTROL_IDS}
    toggles = {cid: intent.get(name, True) not in (False, "false", "no", 0) for cid, name in names.items()}
    tags = {"ansible_run_tags": intent.get("lan_run_tags") or ["all"],
            "ansible_skip_tags": intent.get("lan_skip_tags") or []}
    return select(CONTROL_IDS, "switch", tags, toggles, names)


def _vlans(intent: dict[str, Any], errors: list[str]) -> list[dict[str, Any]]:
    raw = intent.get("lan_vlans") or {}
    if not isinstance(raw, dict):
        errors.append("lan_vlans must be a mapping of controllers/voice/data/parking")
        return []
    vlans, seen = [], {}
    for purpose in VLAN_PURPOSES:
        entry = raw.get(purpose)
        if not isinstance(entry, dict):
            errors.append(f"lan_vlans.{purpose} is missing (needs id and name)")
            continue
        vid = _vlan_id(entry.get("id"), f"lan_vlans.{purpose}", errors)
        name = str(entry.get("name", ""))
        if not _NAME_RE.match(name):
            errors.append(f"lan_vlans.{purpose}: name {name!r} must be 1-32 of A-Z a-z 0-9 _ . -")
        if vid is None:
            continue
        if vid in seen:
            errors.append(f"lan_vlans.{purpose}: VLAN id {vid} is already used by lan_vlans.{seen[vid]}")
            continue
        seen[vid] = purpose
        vlans.append({"id": vid, "name": name, "purpose": purpose, "control": VLAN_PURPOSES[purpose]})
    for purpose in raw:
        if purpose not in VLAN_PURPOSES:
            errors.append(f"lan_vlans.{purpose}: unknown purpose (known: {', '.join(VLAN_PURPOSES)})")
    return vlans


def _ports(intent: dict[str, Any], platform: SwitchPlatform, errors: list[str]) -> list[dict[str, str]]:
    raw = intent.get("lan_port_roles") or []
    if not isinstance(raw, list):
        errors.append("lan_port_roles must be a list of {interfaces: [...], role: ...}")
        return []
    owner: dict[str, str] = {}
    ports = []
    for index, entry in enumerate(raw):
        role = entry.get("role") if isinstance(entry, dict) else None
        if role not in PORT_ROLES:
            errors.append(f"lan_port_roles[{index}]: role {role!r} is not one of {', '.join(PORT_ROLES)}")
            continue
        specs = entry.get("interfaces")
        if isinstance(specs, str):
            specs = [specs]
        if not specs:
            errors.append(f"lan_port_roles[{index}] ({role}): no interfaces listed")
            continue
        for spec in specs:
            try:
                names = expand_interfaces(spec, platform)
            except SwitchIntentError as exc:
                errors.append(f"lan_port_roles[{index}] ({role}): {exc}")
                continue
            for name in names:
                if name in owner:
                    errors.append(f"port {name} is listed twice: as {owner[name]} and as {role}")
                    continue
                owner[name] = role
                ports.append({"name": name, "role": role})
    return ports


def _uplink_guard(intent: dict[str, Any], ports: list[dict[str, str]], platform: SwitchPlatform,
                  errors: list[str]) -> list[str]:
    """The port(s) the switch is managed through must be named and keep the uplink role.

    A switch managed in-band is cut off when its uplink gets 802.1X (phone role), becomes an
    access port (controller / unused role) or, having no role, is parked and shut (LAN-06).
    """
    role_of = {p["name"]: p["role"] for p in ports}
    uplinks = [p["name"] for p in ports if p["role"] == "uplink"]
    named = intent.get("lan_uplink_interfaces") or []
    if isinstance(named, str):
        named = [named]
    management: list[str] = []
    for spec in named:
        try:
            management += expand_interfaces(spec, platform)
        except SwitchIntentError as exc:
            errors.append(f"lan_uplink_interfaces: {exc}")
    for name in management:
        role = role_of.get(name)
        if role is None:
            errors.append(f"lan_uplink_interfaces: {name} has no role in lan_port_roles; give it role "
                          "uplink (LAN-06 parks and shuts every port without a role)")
        elif role != "uplink":
            what = "802.1X" if role == "phone" else "an access-port role"
            errors.append(f"lan_uplink_interfaces: {name} is the uplink the switch is managed through, but "
                          f"lan_port_roles gives it role {role} ({what} would cut the switch off); "
                          "allowed role: uplink")
    if not uplinks and ports:
        errors.append("lan_port_roles names no uplink: give the port(s) the switch is managed through "
                      "role uplink (LAN-06 parks and shuts every port without a role)")
    return management or uplinks


def _dot1x(intent: dict[str, Any], errors: list[str]) -> dict[str, Any]:
    raw = intent.get("lan_dot1x") or {}
    servers = []
    for index, server in enumerate(raw.get("radius_servers") or []):
        name = str(server.get("name", ""))
        if not _NAME_RE.match(name):
            errors.append(f"lan_dot1x.radius_servers[{index}]: name {name!r} must be 1-32 of "
                          "A-Z a-z 0-9 _ . -")
        address = _addresses([server.get("address")], f"lan_dot1x.radius_servers[{index}].address", errors)
        key = server.get("key")
        if not key or re.search(r"\s", str(key)):
            # The key itself is never echoed: only that it is missing or malformed.
            errors.append(f"lan_dot1x.radius_servers[{index}] ({name}): key is empty or contains whitespace")
        servers.append({"name": name, "address": address[0] if address else "", "key": str(key or "")})
    enabled = bool(raw.get("enabled", True))
    if enabled and not servers:
        errors.append("lan_dot1x.enabled is true but lan_dot1x.radius_servers is empty")
    return {
        "enabled": enabled,
        "radius_servers": servers,
        "mab_for_phones": bool(raw.get("mab_for_phones", True)),
        "reauthentication": bool(raw.get("reauthentication", True)),
        "server_group": str(raw.get("server_group", "MIVB-RADIUS")),
    }


def normalize_intent(intent: dict[str, Any], network_os: str | None) -> dict[str, Any]:
    """Validate inventory intent and return what the templates and switch_config need."""
    platform = platform_for(network_os)
    family = family_for(platform, intent.get("lan_switch_family"))
    errors: list[str] = []
    selection = select_controls(intent)
    controls = list(selection.selected)
    vlans = _vlans(intent, errors)
    ports = _ports(intent, platform, errors)
    if not ports and any(c in controls for c in ("LAN-01", "LAN-02", "LAN-03", "LAN-04", "LAN-06")):
        errors.append("lan_port_roles is empty: name at least the uplink the switch is managed through "
                      "(role uplink)")
    uplinks = _uplink_guard(intent, ports, platform, errors)
    assigned = [p["name"] for p in ports]
    dot1x = _dot1x(intent, errors)
    smdr = _addresses(intent.get("lan_smdr_collectors"), "lan_smdr_collectors", errors, ipv4_only=True)
    pms = _addresses(intent.get("lan_pms_hosts"), "lan_pms_hosts", errors, ipv4_only=True)
    controllers = _addresses(intent.get("lan_controller_addresses"), "lan_controller_addresses", errors, ipv4_only=True)
    acl_name = str(intent.get("lan_controller_acl_name", "MIVB-SMDR-PMS"))
    if not _NAME_RE.match(acl_name):
        errors.append(f"lan_controller_acl_name {acl_name!r} must be 1-32 of A-Z a-z 0-9 _ . -")
    acl_controls = [c for c in ("LOG-03", "LOG-04") if c in controls]
    has_controller_ports = any(p["role"] == "controller" for p in ports)
    if acl_controls and has_controller_ports and not controllers:
        errors.append("lan_controller_addresses is empty: the SMDR/PMS ACL (LOG-03/LOG-04) "
                      "has nothing to protect")
    if errors:
        raise SwitchIntentError("switch intent is invalid:\n- " + "\n- ".join(errors))

    vlan_by_purpose = {v["purpose"]: v["id"] for v in vlans}
    # The intent a toggled-off control contributes nothing to: neither rendered nor owned.
    vlans = [v for v in vlans if v["control"] in controls]
    ports = [p for p in ports if PORT_ROLES[p["role"]] in controls]
    lan04 = "LAN-04" in controls and dot1x["enabled"]
    acl = None
    if acl_controls and has_controller_ports and "LAN-02" in controls:
        acl = {"name": acl_name, "controllers": controllers,
               "smdr": smdr if "LOG-03" in controls else None,
               "pms": pms if "LOG-04" in controls else None}
    qos = "LAN-05" in controls and bool(intent.get("lan_qos_trust_voice", True))
    result = {
        "platform": platform.name,
        "family": family.name,
        "caps": capabilities(family),
        "controls": controls,
        "not_evaluated": selection.not_evaluated(),
        "assigned": assigned,
        "uplinks": uplinks,
        "vlans": vlans,
        "vlan_ids": vlan_by_purpose,
        "ports": ports,
        "ports_by_role": {role: [p["name"] for p in ports if p["role"] == role] for role in PORT_ROLES},
        "dot1x": dict(dot1x, enabled=lan04, critical_voice_role=CRITICAL_VOICE_ROLE),
        "acl": acl,
        "qos": qos,
        "ports_smdr": SMDR_PORT,
        "ports_pms": PMS_PORT,
    }
    result["managed"] = managed_scope(result, platform)
    return result


def capabilities(family: SwitchFamily) -> dict[str, Any]:
    """What the templates branch on (never the model name)."""
    return {
        # The SMDR/PMS ACL filters the controller's replies entering the switch: every
        # family enforces inbound port ACLs (docs/switch-acl.md).
        "acl_direction": "in",
        "port_acl_directions": list(family.port_acl_directions),
        "qos_model": family.qos_model,
        "trunk_encapsulation": family.trunk_encapsulation,
        "dot1x_syntax": family.dot1x_syntax,
    }


def device_interfaces(running: str, platform: SwitchPlatform | None = None) -> list[str]:
    """Interface names of a running config, in the device's order."""
    names = re.findall(r"^interface (\S+)\s*$", running, flags=re.MULTILINE)
    if platform is not None and platform.ports_in_vlans:  # ArubaOS-Switch: ports from VLAN membership
        from hier_config.platforms.hp_procurve.functions import hp_procurve_expand_range

        listed = re.findall(r"^\s+(?:no )?(?:un)?tagged (\S+)\s*$", running, flags=re.MULTILINE)
        seen = set(names)
        for spec in listed:
            for name in hp_procurve_expand_range(spec):
                if name not in seen:
                    seen.add(name)
                    names.append(name)
        names.sort(key=lambda n: (n.rstrip("0123456789"), int(n[len(n.rstrip("0123456789")):] or 0)))
    return names


def complete_from_device(norm: dict[str, Any], interfaces: list[str], platform: SwitchPlatform) -> dict[str, Any]:
    """Check the port roles against the interfaces the switch has (from the running config
    already read) and park every physical port without a role (LAN-06), before any write.

    Returns a new norm (with its managed scope) or raises SwitchIntentError naming every
    interface the switch does not have.
    """
    have = set(interfaces)
    missing = [name for name in norm["assigned"] if name not in have]
    if missing:
        shown = ", ".join(missing[:8]) + (f" (+{len(missing) - 8} more)" if len(missing) > 8 else "")
        raise SwitchIntentError(
            f"lan_port_roles names interface(s) this switch does not have: {shown}; "
            f"it has {_span(interfaces, platform)}"
        )
    out = dict(norm)
    if "LAN-06" in norm["controls"]:
        parked = [{"name": name, "role": "unused", "implicit": True}
                  for name in interfaces
                  if re.match(platform.physical_port_pattern, name) and name not in set(norm["assigned"])]
        out["ports"] = norm["ports"] + parked
        out["ports_by_role"] = dict(norm["ports_by_role"], unused=norm["ports_by_role"]["unused"]
                                    + [p["name"] for p in parked])
        out["parked"] = [p["name"] for p in parked]
    out["managed"] = managed_scope(out, platform)
    return out


def _span(interfaces: list[str], platform: SwitchPlatform) -> str:
    ports = [i for i in interfaces if re.match(platform.physical_port_pattern, i)]
    if not ports:
        return "no physical ports"
    return f"{len(ports)} physical ports, {ports[0]} .. {ports[-1]}"


def managed_scope(norm: dict[str, Any], platform: SwitchPlatform) -> dict[str, Any]:
    """The sections switch_config owns, what to leave alone inside them, and control mapping."""
    controls = norm["controls"]
    sections: dict[str, str] = {}
    for vlan in norm["vlans"]:
        sections[f"vlan {vlan['id']}"] = vlan["control"]
    for port in norm["ports"]:
        sections[f"interface {port['name']}"] = PORT_ROLES[port["role"]]
    if norm["acl"]:
        sections[platform.acl_header.format(name=norm["acl"]["name"])] = "LOG-03 LOG-04"
    lines: dict[str, str] = {}
    for control, prefixes in platform.owned_lines.items():
        if control in controls and (control != "LAN-04" or norm["dot1x"]["enabled"]):
            lines.update(dict.fromkeys(prefixes, control))
        if control == "LAN-05" and not norm["qos"]:
            for prefix in prefixes:
                lines.pop(prefix, None)
    if norm.get("caps", {}).get("qos_model") != "mls":
        lines.pop("mls qos", None)  # not a command outside the mls QoS model: never negate it
    ignore = [r"^description "]
    if platform.ignore_children:
        fill = {"vlan_ids": "|".join(str(v) for v in sorted(norm["vlan_ids"].values())) or "0",
                "vlan_names": "|".join(re.escape(v["name"]) for v in norm["vlans"]) or "$^"}
        ignore += [pattern.format(**fill) for pattern in platform.ignore_children]
    for pattern, control in platform.child_controls:
        wanted = {
            "LAN-04": norm["dot1x"]["enabled"],
            "LAN-05": norm["qos"],
            "LOG-03 LOG-04": norm["acl"] is not None,
        }.get(control, True)
        if not wanted:
            ignore.append(pattern)
    scope = {
        "sections": sections,
        "lines": lines,
        "ignore_children": ignore,
        "controls": controls,
    }
    if "LAN-06" in controls and "parking" in norm.get("vlan_ids", {}):
        # For a pre-rendered `intended` (no device at render time): switch_config parks the
        # physical ports the device has and `assigned` does not name (park_unnamed).
        scope["park"] = {"vlan": norm["vlan_ids"]["parking"], "assigned": list(norm["assigned"])}
    return scope


def park_unnamed(intended: str, managed: dict[str, Any], interfaces: list[str],
                 platform: SwitchPlatform) -> tuple[str, dict[str, Any], list[str]]:
    """LAN-06 on the pre-rendered path: add a parked-and-shut section (park.j2, as ports.j2
    renders role unused) for every physical port of the device (`interfaces`, from the running
    config already read) that neither `managed.park.assigned` nor `intended` names, and own
    it. Returns (intended, managed, parked names); unchanged without `managed.park`."""
    park = managed.get("park")
    if not park or "LAN-06" not in (managed.get("controls") or []):
        return intended, managed, []
    vlan = park.get("vlan") if isinstance(park, dict) else None
    assigned = park.get("assigned") if isinstance(park, dict) else None
    if isinstance(vlan, bool) or not isinstance(vlan, int) or not 1 <= vlan <= 4094 or not isinstance(
            assigned, list):
        raise SwitchIntentError("managed.park must be {vlan: 1-4094, assigned: [interface names]} "
                                "(voicesec.mivb.switch_intent returns it)")
    named = {str(a) for a in assigned} | set(device_interfaces(intended)) | {
        s.split(" ", 1)[1] for s in (managed.get("sections") or {}) if s.startswith("interface ")}
    parked = [n for n in interfaces if re.match(platform.physical_port_pattern, n) and n not in named]
    if not parked:
        return intended, managed, []
    sections = dict(managed.get("sections") or {}, **dict.fromkeys((f"interface {n}" for n in parked), "LAN-06"))
    text = intended if intended.endswith("\n") or not intended else intended + "\n"
    return text + switch_render.render_parked(platform.name, parked, vlan), dict(managed, sections=sections), parked
