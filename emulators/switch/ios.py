"""Cisco IOS dialect (Catalyst 2960-X / 3560-X/3750-X on IOS 15.2, Catalyst 9300 on IOS-XE 17):
grammar tables, factory config, handlers.

The grammar tables below are the complete list of commands the emulated switch accepts;
anything else gets IOS's `% Invalid input detected at '^' marker.` at the first word that
does not fit. An entry with `families` exists only on those families (families.py cites
the command references followed). Show output lives in ios_show.py.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from . import ios_show
from .acl import parse_ace
from .acl_handlers import acl_entry, h_acl_seq_only
from .dialect import COMMON_CONFIG, COMMON_PARAMS, Dialect
from .engine import ApplyContext, HandlerError
from .families import family_of, for_family
from .grammar import (
    Match,
    NoMatch,
    ParamError,
    Token,
    Words,
    compile_rules,
    compress_vlan_list,
    expand_vlan_list,
    p_int,
    split_words,
)
from .model import Node
from .secrets import type7_decode, type7_encode

if TYPE_CHECKING:
    from .device import Device

UPLINKS = 4
MLS = ("catalyst_2960x", "catalyst_3560_3750")  # the mls QoS model; IOS-XE 9000 has no `mls`
IOS15 = MLS
ENCAPSULATION = ("catalyst_3560_3750",)  # ISL-capable ASICs: trunk encapsulation must be set
_IFNAME = re.compile(r"^(g|gi|gig|giga|gigab|gigabi|gigabit|gigabite|gigabitet|gigabiteth|gigabitethe|"
                     r"gigabitether|gigabitethern|gigabitetherne|gigabitethernet)(\d+/\d+/\d+)$", re.I)
_VLANIF = re.compile(r"^(v|vl|vla|vlan)(\d+)$", re.I)


def p_ifname(word: str) -> str | None:
    m = _IFNAME.match(word)
    if m:
        return f"GigabitEthernet{m.group(2)}"
    m = _VLANIF.match(word)
    if m and 1 <= int(m.group(2)) <= 4094:
        return f"Vlan{int(m.group(2))}"
    return None


_RANGE_PART = re.compile(r"^\s*([A-Za-z]+)\s*(\d+/\d+/)(\d+)\s*(?:-\s*(\d+))?\s*$")


def rest_ifrange(words: Words) -> str:
    """`Gi1/0/1 - 4 , Gi1/0/6-8` -> comma-joined full names."""
    if not words:
        raise ParamError(0, incomplete=True)
    names: list[str] = []
    for part in " ".join(words).split(","):
        m = _RANGE_PART.match(part)
        if not m or p_ifname(m.group(1) + m.group(2) + m.group(3)) is None:
            raise ParamError(0)
        lo, hi = int(m.group(3)), int(m.group(4) or m.group(3))
        if hi < lo:
            raise ParamError(0)
        prefix = p_ifname(m.group(1) + m.group(2) + "1")
        assert prefix is not None
        names += [f"{prefix[:-1]}{n}" for n in range(lo, hi + 1)]
    return ",".join(names)


def rest_ace(words: Words) -> str:
    ace = parse_ace(words, "cisco_ios")
    return f"{ace.seq} {ace.text}" if ace.seq is not None else ace.text


PARAMS: dict[str, Token] = {
    **COMMON_PARAMS,
    "ifname": Token("param", "interface", check=p_ifname),
    "ifrange": Token("rest", "interface-range", rest=rest_ifrange),
    "ace": Token("rest", "ace", rest=rest_ace),
    "seq": Token("param", "sequence", check=p_int(1, 2147483647)),
    "port": Token("param", "port", check=p_int(0, 65535)),
    "len": Token("param", "0-512", check=p_int(0, 512)),
    "vty": Token("param", "0-15", check=p_int(0, 15)),
    "secs": Token("param", "1-65535", check=p_int(1, 65535)),
    "minutes": Token("param", "0-35791", check=p_int(0, 35791)),
    "count": Token("param", "0-100", check=p_int(0, 100)),
}

# ---- handlers ------------------------------------------------------------------------------


def _vlan_exists(root: Node, vid: int) -> bool:
    return vid == 1 or root.find(f"vlan {vid}") is not None


def h_access_vlan(ctx: ApplyContext) -> None:
    words = ctx.match.words
    for target in ctx.targets:
        if ctx.negate or words[-1] == "1":  # vlan 1 is the default and never shown
            target.remove_prefix("switchport access vlan")
            continue
        target.set_line(ctx.match.text, 3)
    if not ctx.negate and not _vlan_exists(ctx.root, int(words[-1])):
        ctx.root.ensure(f"vlan {words[-1]}")
        ctx.messages.append(f"% Access VLAN does not exist. Creating vlan {words[-1]}\r\n")


def h_trunk_allowed(ctx: ApplyContext) -> None:
    words = ctx.match.words
    for target in ctx.targets:
        current = target.find_prefix("switchport trunk allowed vlan")
        have = expand_vlan_list(current[0].text.split()[-1]) if current else list(range(1, 4095))
        if ctx.negate:
            target.remove_prefix("switchport trunk allowed vlan")
            continue
        if len(words) < 5:
            raise ParamError(4, incomplete=True)
        op, arg = (words[4], words[5]) if len(words) > 5 else ("set", words[4])
        if arg == "all":
            new: list[int] = list(range(1, 4095))
        elif arg == "none":
            new = []
        else:
            ids = expand_vlan_list(arg)
            new = {"add": sorted(set(have) | set(ids)), "remove": sorted(set(have) - set(ids)),
                   "except": sorted(set(range(1, 4095)) - set(ids))}.get(op, ids)
        target.remove_prefix("switchport trunk allowed vlan")
        if new != list(range(1, 4095)):
            target.children.append(Node(f"switchport trunk allowed vlan {compress_vlan_list(new) or 'none'}"))


def h_access_group(ctx: ApplyContext) -> None:
    words = ctx.match.words
    for target in ctx.targets:
        if ctx.negate:
            if len(words) < 3:
                raise ParamError(len(words), incomplete=True)
            target.remove_prefix(ctx.match.text)
            continue
        direction = words[-1]
        target.children = [c for c in target.children
                           if not (c.text.startswith("ip access-group ") and c.text.endswith(f" {direction}"))]
        target.children.append(Node(ctx.match.text))


def _mode(node: Node) -> str:
    found = node.find_prefix("switchport mode")
    return " ".join(found[0].text.split()[2:]) if found else "dynamic auto"  # the factory default


def h_switchport_mode(ctx: ApplyContext) -> None:
    """`dynamic auto` is the default (not shown); a trunk on an ISL-capable ASIC needs dot1q first."""
    words = ctx.match.words
    for target in ctx.targets:
        if ctx.negate or words[2:] == ["dynamic", "auto"]:
            target.remove_prefix("switchport mode")
            continue
        if (words[2] == "trunk" and ctx.dialect.family.name in ENCAPSULATION  # type: ignore[attr-defined]
                and not target.find("switchport trunk encapsulation dot1q")
                and not target.find("switchport trunk encapsulation isl")):
            raise HandlerError('Command rejected: An interface whose trunk encapsulation is "Auto" can not '
                               'be configured to "trunk" mode.\r\n')
        target.set_line(ctx.match.text, 2)


def h_trunk_encapsulation(ctx: ApplyContext) -> None:
    for target in ctx.targets:
        target.remove_prefix("switchport trunk encapsulation")
        if not ctx.negate and ctx.match.words[-1] != "negotiate":  # negotiate is the default
            target.children.append(Node(ctx.match.text))


def h_port_control(ctx: ApplyContext) -> None:
    """802.1X runs on static access ports only (3750-X command reference, dot1x port-control)."""
    for target in ctx.targets:
        if ctx.negate:
            target.remove_prefix("authentication port-control")
            continue
        if ctx.match.words[-1] == "auto" and _mode(target) != "access":
            raise HandlerError("% Error: 802.1X can not be enabled on a trunk or dynamic port "
                               f"({_mode(target)}); configure switchport mode access first.\r\n")
        target.set_line(ctx.match.text, 2)


def h_mls_trust(ctx: ApplyContext) -> None:
    """`mls qos trust dscp|cos` and `mls qos trust device cisco-phone` are separate settings."""
    for target in ctx.targets:
        target.children = [c for c in target.children if not (
            c.text.startswith("mls qos trust ") and not c.text.startswith("mls qos trust device"))]
        if not ctx.negate:
            target.children.append(Node(ctx.match.text))


def h_radius_key(ctx: ApplyContext) -> None:
    words = ctx.match.words
    for target in ctx.targets:
        target.remove_prefix("key")
        if ctx.negate:
            continue
        rest = words[1].split(" ", 1)
        if rest[0] == "7" and len(rest) == 2:
            if type7_decode(rest[1]) is None:
                raise HandlerError("% Invalid encrypted password\r\n")
            plain = type7_decode(rest[1]) or ""
        elif rest[0] == "0" and len(rest) == 2:
            plain = rest[1]
        else:
            plain = words[1]
        target.children.append(Node(f"key 7 {type7_encode(plain)}"))


def h_acl_entry(ctx: ApplyContext) -> None:
    acl_entry(ctx, "cisco_ios")


def resolve_interface(ctx: ApplyContext) -> list[Node]:
    name = ctx.match.words[-1]
    if name.startswith("Vlan"):
        return [ctx.root.ensure(f"interface {name}")]
    node = ctx.root.find(f"interface {name}")
    if node is None:
        raise HandlerError(index=1)
    return [node]


def resolve_range(ctx: ApplyContext) -> list[Node]:
    nodes = []
    for name in ctx.match.words[-1].split(","):
        node = ctx.root.find(f"interface {name}")
        if node is None:
            raise HandlerError(index=2)
        nodes.append(node)
    return nodes


def remove_interface(ctx: ApplyContext) -> None:
    name = ctx.match.words[-1]
    if not name.startswith("Vlan"):
        raise HandlerError("% Physical interface can not be deleted\r\n")
    ctx.root.remove_prefix(f"interface {name}")


def remove_vlan(ctx: ApplyContext) -> None:
    vid = ctx.match.words[-1]
    if vid == "1":
        raise HandlerError("%Default VLAN 1 may not be deleted.\r\n")
    ctx.root.remove_prefix(f"vlan {vid}")


def h_default_interface(ctx: ApplyContext) -> None:
    name = ctx.match.words[-1]
    node = ctx.root.find(f"interface {name}")
    if node is None:
        raise HandlerError(index=2)
    node.children.clear()
    ctx.messages.append(f"Interface {name} set to default configuration\r\n")


def h_vlan_name(ctx: ApplyContext) -> None:
    if not ctx.negate and len(ctx.match.words[-1]) > 32:
        raise HandlerError(index=1)
    for target in ctx.targets:
        if target.text == "vlan 1":
            raise HandlerError("%Default VLAN 1 may not have its name changed.\r\n")
        target.remove_prefix("name")
        if not ctx.negate:
            target.children.append(Node(ctx.match.text))


def section_vlan(ctx: ApplyContext) -> list[Node]:
    vid = ctx.match.words[-1]
    if vid == "1":
        return [Node("vlan 1")]  # VLAN 1 is implicit: editable in place, never rendered
    return [ctx.root.ensure(f"vlan {vid}")]


# ---- grammar tables ------------------------------------------------------------------------
# Order = rendering order in `show running-config` (and in sub-sections).

GLOBAL: list[tuple[str, dict[str, Any]]] = [
    ("service password-encryption", {}),
    ("hostname <word>", {"key": 1}),
    ("aaa new-model", {}),
    ("login block-for <secs> attempts <secs> within <secs>", {"key": 2}),  # see lockout.py
    ("aaa authentication login default local", {"key": 4}),
    ("aaa authentication login default group <word>", {"key": 4}),
    ("aaa authentication login default group <word> local", {"key": 4}),
    ("aaa authentication dot1x default group <word>", {"key": 4}),
    ("aaa authorization network default group <word>", {"key": 4}),
    ("aaa accounting dot1x default start-stop group <word>", {"key": 4}),
    ("dot1x system-auth-control", {}),
    ("mls qos", {"families": MLS}),
    ("lldp run", {}),
    ("radius-server dead-criteria time <secs> tries <count>", {"key": 2}),
    ("radius-server deadtime <minutes>", {"key": 2}),
    ("vtp mode {transparent|server|client|off}", {"key": 2}),
    ("spanning-tree mode {pvst|rapid-pvst|mst}", {"key": 2}),
    ("spanning-tree portfast bpduguard default", {}),
    ("spanning-tree extend system-id", {}),
    ("vlan <vlan>", {"enters": "vlan", "label": "config-vlan", "section": section_vlan, "remove": remove_vlan}),
    ("interface <ifname>", {"enters": "if", "label": "config-if", "section": resolve_interface,
                            "remove": remove_interface}),
    ("interface range <ifrange>", {"enters": "if", "label": "config-if-range", "section": resolve_range,
                                   "no_negate": True}),
    ("default interface <ifname>", {"handler": h_default_interface, "no_negate": True}),
    ("ip access-list extended <word>", {"enters": "acl", "label": "config-ext-nacl"}),
    ("ip ssh version {1|2}", {"key": 3}),
    ("logging host <ip>", {}),
    ("ntp server <ip>", {}),
    ("radius server <word>", {"enters": "radius", "label": "config-radius-server"}),
    ("line console 0", {"enters": "line", "label": "config-line"}),
    ("line vty <vty> <vty>", {"enters": "line", "label": "config-line"}),
    *COMMON_CONFIG,
]

INTERFACE: list[tuple[str, dict[str, Any]]] = [
    ("description <line>", {"key": 1}),
    ("switchport access vlan <vlan>", {"key": 3, "handler": h_access_vlan}),
    ("switchport trunk native vlan <vlan>", {"key": 4}),
    ("switchport trunk allowed vlan <vlans>", {"key": 4, "handler": h_trunk_allowed}),
    ("switchport trunk allowed vlan {add|remove|except} <vlans>", {"handler": h_trunk_allowed}),
    ("switchport trunk allowed vlan {all|none}", {"handler": h_trunk_allowed}),
    ("switchport trunk encapsulation {dot1q|isl|negotiate}", {"key": 3, "handler": h_trunk_encapsulation,
                                                             "families": ENCAPSULATION}),
    ("switchport mode {access|trunk}", {"key": 2, "handler": h_switchport_mode}),
    ("switchport mode dynamic {auto|desirable}", {"key": 2, "handler": h_switchport_mode}),
    ("switchport nonegotiate", {}),
    ("switchport voice vlan <vlan>", {"key": 3}),
    ("switchport", {"action": "noop"}),
    ("ip address <ip> <ip>", {"key": 2}),
    # Port ACLs: inbound only on the IOS 15 access families (no `out` keyword on a switchport).
    ("ip access-group <word> in", {"handler": h_access_group, "families": IOS15}),
    ("ip access-group <word> {in|out}", {"handler": h_access_group, "families": ("catalyst_9000",)}),
    ("shutdown", {}),
    ("authentication host-mode {multi-domain|multi-auth|multi-host|single-host}", {"key": 2}),
    ("authentication order dot1x mab", {"key": 2}),
    ("authentication order mab dot1x", {"key": 2}),
    ("authentication priority dot1x mab", {"key": 2}),
    ("authentication priority mab dot1x", {"key": 2}),
    ("authentication event server dead action authorize vlan <vlan>", {"key": 7}),
    ("authentication event server dead action authorize voice", {}),
    ("authentication event server alive action reinitialize", {}),
    ("authentication port-control {auto|force-authorized|force-unauthorized}", {"key": 2,
                                                                               "handler": h_port_control}),
    ("authentication periodic", {}),
    ("authentication timer reauthenticate server", {"key": 3}),
    ("authentication timer reauthenticate <secs>", {"key": 3}),
    ("authentication violation {restrict|protect|shutdown|replace}", {"key": 2}),
    ("mab", {}),
    ("mls qos trust device cisco-phone", {"key": 4, "families": MLS}),
    ("mls qos trust {dscp|cos}", {"handler": h_mls_trust, "families": MLS}),
    ("trust device cisco-phone", {"key": 2, "families": ("catalyst_9000",)}),
    ("dot1x pae authenticator", {"key": 2}),
    ("dot1x timeout tx-period <secs>", {"key": 3}),
    ("power inline {auto|never}", {"key": 2}),
    ("spanning-tree portfast", {}),
    ("spanning-tree portfast edge", {}),
    ("spanning-tree bpduguard {enable|disable}", {"key": 2}),
    *COMMON_CONFIG,
]

VLAN: list[tuple[str, dict[str, Any]]] = [
    ("name <word>", {"key": 1, "handler": h_vlan_name}),
    *COMMON_CONFIG,
]

ACL: list[tuple[str, dict[str, Any]]] = [
    ("<ace>", {"handler": h_acl_entry}),
    ("<seq>", {"handler": h_acl_seq_only, "no_only": True}),
    *COMMON_CONFIG,
]

RADIUS: list[tuple[str, dict[str, Any]]] = [
    ("address ipv4 <ip>", {"key": 2}),
    ("address ipv4 <ip> auth-port <port>", {"key": 2}),
    ("address ipv4 <ip> auth-port <port> acct-port <port>", {"key": 2}),
    ("address ipv4 <ip> acct-port <port>", {"key": 2}),
    ("timeout <secs>", {"key": 1}),
    ("retransmit <count>", {"key": 1}),
    ("key <line>", {"key": 1, "handler": h_radius_key}),
    *COMMON_CONFIG,
]

LINE: list[tuple[str, dict[str, Any]]] = [
    ("exec-timeout <minutes>", {"key": 1}),
    ("exec-timeout <minutes> <minutes>", {"key": 1}),
    ("login local", {"key": 1}),
    ("transport input {ssh|telnet|all|none}", {"key": 2}),
    ("access-class <word> in", {"key": 1}),
    *COMMON_CONFIG,
]

SHOW: list[tuple[str, dict[str, Any]]] = [
    ("show version", {"action": "show_version"}),
    ("show running-config", {"action": "show_run", "privileged": True}),
    ("show running-config interface <ifname>", {"action": "show_run_if", "privileged": True}),
    ("show startup-config", {"action": "show_start", "privileged": True}),
    ("show vlan", {"action": "show_vlan"}),
    ("show vlan brief", {"action": "show_vlan_brief"}),
    ("show interfaces status", {"action": "show_int_status"}),
    ("show access-lists", {"action": "show_acl"}),
    ("show access-lists <word>", {"action": "show_acl"}),
    ("show ip access-lists", {"action": "show_acl"}),
    ("show ip access-lists <word>", {"action": "show_acl"}),
    ("show dot1x all", {"action": "show_dot1x"}),
    ("show authentication sessions", {"action": "show_auth_sessions"}),
    ("show authentication sessions interface <ifname>", {"action": "show_auth_session_if"}),
    ("show authentication sessions interface <ifname> details", {"action": "show_auth_session_if"}),
    ("show clock", {"action": "show_clock"}),
    # cisco.ios (network_cli) asks this to learn whether it must run `enable`.
    ("show privilege", {"action": "privilege"}),
]

USER: list[tuple[str, dict[str, Any]]] = [
    ("enable", {"action": "enable"}),
    ("exit", {"action": "logout"}),
    ("logout", {"action": "logout"}),
    ("quit", {"action": "logout"}),
    ("terminal length <len>", {"action": "noop"}),
    ("terminal width <len>", {"action": "noop"}),
    ("terminal no monitor", {"action": "noop"}),
    *SHOW,
]

ENABLE: list[tuple[str, dict[str, Any]]] = [
    *USER,
    ("disable", {"action": "disable"}),
    ("configure terminal", {"action": "configure"}),
    ("write memory", {"action": "save"}),
    ("write", {"action": "save"}),
    ("copy running-config startup-config", {"action": "copy_run_start"}),
    ("reload", {"action": "reload"}),
]


class CiscoIOS(Dialect):
    platform = "cisco_ios"
    user_mode_after_login = "user"
    configure_banner = "Enter configuration commands, one per line.  End with CNTL/Z.\r\n"
    save_output = "Building configuration...\r\n[OK]\r\n"
    copy_question = "Destination filename [startup-config]? "
    reload_questions: ClassVar[dict[str, str]] = {
        "save": "System configuration has been modified. Save? [yes/no]: ",
        "confirm": "Proceed with reload? [confirm]",
    }

    def __init__(self, family: str | None = None) -> None:
        self.family = family_of(self.platform, family)
        name = self.family.name
        self.modes = {
            "user": compile_rules(USER, PARAMS),
            "enable": compile_rules(ENABLE, PARAMS),
            "config": compile_rules(for_family(GLOBAL, name), PARAMS),
            "if": compile_rules(for_family(INTERFACE, name), PARAMS),
            "vlan": compile_rules(VLAN, PARAMS),
            "acl": compile_rules(ACL, PARAMS),
            "radius": compile_rules(RADIUS, PARAMS),
            "line": compile_rules(LINE, PARAMS),
        }

    def format_error(self, err: NoMatch, prompt: str, line: str) -> str:
        if err.kind == "incomplete":
            return "% Incomplete command.\r\n\r\n"
        if err.kind == "ambiguous":
            return f'% Ambiguous command:  "{line.strip()}"\r\n'
        stripped = line.lstrip()
        _, cols = split_words(stripped)
        col = cols[err.index] if err.index < len(cols) else len(stripped.rstrip()) + 1
        return " " * (len(prompt) + col) + "^\r\n% Invalid input detected at '^' marker.\r\n\r\n"

    def factory(self, hostname: str, ports: int) -> Node:
        root = Node("")
        for text in ("service password-encryption", f"hostname {hostname}", "vtp mode transparent",
                     "spanning-tree mode rapid-pvst", "spanning-tree extend system-id", "ip ssh version 2"):
            root.children.append(Node(text))
        for n in range(1, ports + UPLINKS + 1):
            root.children.append(Node(f"interface GigabitEthernet1/0/{n}"))
        root.children.append(Node("interface Vlan1"))
        root.children.append(Node("line console 0"))
        root.children.append(Node("line vty 0 4", [Node("login local"), Node("transport input ssh")]))
        root.children.append(Node("line vty 5 15", [Node("login local"), Node("transport input ssh")]))
        return root

    def login_banner(self, device: Device) -> str:
        return "\r\n"

    def hostname(self, root: Node) -> str:
        found = root.find_prefix("hostname")
        return found[0].text.split(None, 1)[1] if found else "Switch"

    def render_running(self, device: Device, root: Node | None = None) -> str:
        return ios_show.running_config(self, device, root)

    def run_exec(self, device: Device, m: Match) -> str:
        return ios_show.run(self, device, m)

    def applied_acl(self, root: Node, interface: str, direction: str) -> tuple[str | None, list[str] | None] | None:
        name = p_ifname(interface.replace(" ", ""))
        node = root.find(f"interface {name}") if name else None
        if node is None:
            return None
        acl = next((c.text.split()[2] for c in node.children
                    if c.text.startswith("ip access-group ") and c.text.endswith(f" {direction}")), None)
        if acl is None:
            return None, []
        acl_node = root.find(f"ip access-list extended {acl}")
        if acl_node is None:
            return acl, None
        return acl, [c.text for c in acl_node.children]
