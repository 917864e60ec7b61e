"""HPE ArubaOS-Switch (ProCurve; Aruba 2530 / 2930F on 16.x) dialect: grammar, factory, handlers.

References followed (HPE support "eginfolib" ArubaOS-Switch 16.x library):
- Management and Configuration Guide 16.10 (2930F): contexts and prompts (`sw1(config)# `,
  `sw1(eth-1)# `, `sw1(vlan-10)# `), `no page` / `terminal length`, `write memory`, the
  running-config format (`; <product> Configuration Editor` header, quoted names, one
  `exit` per context block, VLAN membership listed under `vlan N` as `untagged` /
  `tagged` / `no untagged` port lists, interface blocks only for ports that carry config).
- Advanced Traffic Management Guide 16.10: VLANs (`untagged` / `tagged` per VLAN or per
  interface, a port is untagged in exactly one VLAN; DEFAULT_VLAN 1 holds every port from
  the factory), the `voice` VLAN flag that LLDP-MED advertises to phones, `qos trust`.
- Access Security Guide 16.06/16.10 (5200-4825): `aaa port-access authenticator <ports>`,
  `client-limit`, `reauth-period`, `unauth-vid`, `aaa port-access authenticator active`,
  `aaa port-access mac-based <ports>` / `addr-limit`, `aaa authentication port-access
  eap-radius authorized` / `mac-based chap-radius authorized` ("Allowing reauthentication
  when RADIUS server is unavailable": the secondary method `authorized` grants access while
  no RADIUS server answers); include-credentials / encrypt-credentials: RADIUS keys are
  stored but not displayed unless `include-credentials [radius-tacacs-only]` is set, then
  shown `key "<key>"`, or `encrypted-key "<base64>"` with `encrypt-credentials`.
- ACL Guide 16.10: `ip access-list extended <name>` entries shown with sequence numbers and
  wildcard masks (`host A` shown `A 0.0.0.0`, `any` shown `0.0.0.0 255.255.255.255`),
  port ACLs applied `ip access-group <name> in` on an interface (inbound), VLAN ACLs
  `ip access-group <name> {in|out|vlan}` in the VLAN context.

Error texts: `Invalid input: <word>` at the first word that does not fit, `Incomplete
input: <command>` and `Module not present for port or invalid port: <port>`, as ArubaOS-Switch
prints them. No vendor page quoting them verbatim was found; the closest vendor source is HPE
Aruba's own Ansible collection for these switches (aruba/aos-switch-ansible-collection,
plugins/terminal/arubaoss.py), whose error patterns match "invalid input" (any case) and
"incomplete|ambiguous command": consistent with `Invalid input:`; `Incomplete input:` stays
unconfirmed (netmiko's error pattern for the toolkit matches both spellings).
Show output lives in procurve_show.py.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from . import nac_show, procurve_show
from .acl import parse_ace
from .acl_handlers import bind_acl, clear_radius_host
from .dialect import Dialect
from .engine import ApplyContext, HandlerError
from .families import family_of
from .grammar import (
    Match,
    NoMatch,
    ParamError,
    Token,
    Words,
    compile_rules,
    expand_vlan_list,
    p_int,
    p_ipv4,
    p_vlan_list,
    split_words,
    unquote,
)
from .model import Node
from .secrets import aos_decrypt, aos_encrypt

if TYPE_CHECKING:
    from .device import Device

UPLINKS = 4  # 2930F-24G-4SFP+: ports 25-28 are the SFP+ uplinks
_PORT = r"(?:\d+|[A-Z]\d+|\d+/[A-Z]?\d+|Trk\d+)"
_PORT_LIST = re.compile(rf"^{_PORT}(?:-{_PORT})?(?:,{_PORT}(?:-{_PORT})?)*$", re.I)


def p_qword(word: str) -> str | None:
    """A name, typed with or without quotes; the running config shows it quoted."""
    inner = word[1:-1] if len(word) >= 2 and word[0] == word[-1] == '"' else word
    if not inner or '"' in inner:
        return None
    return f'"{inner}"'


def p_ports(word: str) -> str | None:
    return word if _PORT_LIST.match(word) else None


def expand_ports(text: str) -> list[str]:
    """`1-3,25` -> 1 2 3 25 (fixed-port switches number their ports; A1-A4 on chassis)."""
    names: list[str] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        if not hi:
            names.append(lo.upper() if lo[:1].isalpha() and not lo.startswith("Trk") else lo)
            continue
        m_lo = re.match(r"^(.*?)(\d+)$", lo)
        m_hi = re.match(r"^(.*?)(\d+)$", hi)
        if not m_lo or not m_hi or m_lo.group(1).upper() != m_hi.group(1).upper():
            raise ParamError(0)
        start, end = int(m_lo.group(2)), int(m_hi.group(2))
        if end < start:
            raise ParamError(0)
        names += [f"{m_lo.group(1).upper()}{n}" for n in range(start, end + 1)]
    return names


def rest_ace(words: Words) -> str:
    """An extended ACE in IOS syntax, stored as ArubaOS-Switch shows it."""
    ace = parse_ace(words, "cisco_ios")
    if ace.action == "remark":
        return ace.text if ace.seq is None else f"{ace.seq} {ace.text}"
    parts = [ace.action, ace.proto, _address(ace.src)]
    if ace.sport is not None:
        parts.append(_ports_text(ace.sport.op, ace.sport.ports))
    parts.append(_address(ace.dst))
    if ace.dport is not None:
        parts.append(_ports_text(ace.dport.op, ace.dport.ports))
    if ace.text.endswith(" log"):
        parts.append("log")
    text = " ".join(parts)
    return f"{ace.seq} {text}" if ace.seq is not None else text


def _address(addr: Any) -> str:
    import ipaddress

    return f"{ipaddress.IPv4Address(addr.net)} {ipaddress.IPv4Address(addr.wildcard)}"


def _ports_text(op: str, ports: tuple[int, ...]) -> str:
    return f"{op} {' '.join(str(p) for p in ports)}"


PARAMS: dict[str, Token] = {
    "vlan": Token("param", "vlan-id", check=p_int(1, 4094)),
    "vlans": Token("param", "vlan-list", check=p_vlan_list),
    "qword": Token("param", "ASCII-STR", check=p_qword),
    "ports": Token("param", "PORT-LIST", check=p_ports),
    "ip": Token("param", "IP-ADDR", check=p_ipv4),
    "ace": Token("rest", "ace", rest=rest_ace),
    "seq": Token("param", "sequence", check=p_int(1, 2147483647)),
    "num": Token("param", "INTEGER", check=p_int(0, 9999999)),
    "limit": Token("param", "1-32", check=p_int(1, 32)),
    "addrs": Token("param", "1-256", check=p_int(1, 256)),
    "lines": Token("param", "1-1000", check=p_int(1, 1000)),
}


# ---- handlers ------------------------------------------------------------------------------


def _ports_exist(ctx: ApplyContext, text: str) -> list[str]:
    try:
        names = expand_ports(text)
    except ParamError:
        raise HandlerError(index=len(ctx.match.words) - 1) from None
    for name in names:
        if ctx.root.find(f"interface {name}") is None:
            raise HandlerError(f"Module not present for port or invalid port: {name}\r\n")
    return names


def _vlan(root: Node, vid: int | str) -> Node:
    node = root.find(f"vlan {vid}")
    if node is None:
        raise HandlerError(f"VLAN {vid} not configured.\r\n")
    return node


def set_membership(root: Node, vid: str, port: str, kind: str, negate: bool) -> None:
    """A port is untagged in exactly one VLAN; tagged in any number (not where untagged)."""
    vlan = _vlan(root, vid)
    if negate:
        vlan.remove_prefix(f"{kind} {port}")
        return
    if kind == "untagged":
        for other in root.children:
            if other.text.startswith("vlan "):
                other.remove_prefix(f"untagged {port}")
    vlan.remove_prefix(f"tagged {port}")
    vlan.remove_prefix(f"untagged {port}")
    vlan.children.append(Node(f"{kind} {port}"))


def h_vlan_members(ctx: ApplyContext) -> None:
    kind, spec = ctx.match.words[0], ctx.match.words[1]
    ports = _ports_exist(ctx, spec)
    for target in ctx.targets:
        vid = target.text.split()[1]
        for port in ports:
            set_membership(ctx.root, vid, port, kind, ctx.negate)


def h_if_members(ctx: ApplyContext) -> None:
    kind, spec = ctx.match.words[0], ctx.match.words[2]
    vids = expand_vlan_list(spec)
    if kind == "untagged" and len(vids) != 1:
        raise HandlerError(index=2)
    for vid in vids:
        _vlan(ctx.root, vid)
    for target in ctx.targets:
        port = target.text.split()[1]
        for vid in vids:
            set_membership(ctx.root, str(vid), port, kind, ctx.negate)


def h_enable(ctx: ApplyContext) -> None:
    for target in ctx.targets:
        target.remove_prefix("disable")


def h_access_group(ctx: ApplyContext) -> None:
    bind_acl(ctx, "ip access-group")


def h_radius_host(ctx: ApplyContext) -> None:
    words = ctx.match.words
    host = clear_radius_host(ctx)
    if host is None:
        return
    if len(words) > 3:  # the model keeps the key encrypted; procurve_show decides how to show it
        value = unquote(words[4])
        if words[3] == "encrypted-key":
            try:
                aos_decrypt(value)
            except ValueError:
                raise HandlerError("Invalid encrypted key.\r\n") from None
        else:
            value = aos_encrypt(value)
        ctx.root.children.append(Node(f'radius-server host {host} encrypted-key "{value}"'))
    else:
        ctx.root.children.append(Node(f"radius-server host {host}"))


def h_port_access(ctx: ApplyContext) -> None:
    """`aaa port-access {authenticator|mac-based} <ports> [option value]`: one line per port."""
    words = ctx.match.words
    kind, ports, option = words[2], _ports_exist(ctx, words[3]), words[4:]
    for port in ports:
        head = f"aaa port-access {kind} {port}"
        if option:
            ctx.root.remove_prefix(f"{head} {option[0]}")
            if not ctx.negate:
                ctx.root.children.append(Node(f"{head} {' '.join(option)}"))
            continue
        if ctx.negate:  # disabling the method on a port drops its per-port settings too
            ctx.root.remove_prefix(head)
        elif ctx.root.find(head) is None:
            ctx.root.children.append(Node(head))


def h_acl_entry(ctx: ApplyContext) -> None:
    text = ctx.match.words[0]
    words = text.split()
    for target in ctx.targets:
        if ctx.negate:
            if words[0].isdigit():
                target.children = [c for c in target.children if c.text.split()[0] != words[0]]
            else:
                target.children = [c for c in target.children if c.text.split(None, 1)[1] != text]
            continue
        seqs = [int(c.text.split()[0]) for c in target.children]
        if words[0].isdigit():
            seq, body = int(words[0]), text.split(None, 1)[1]
            if seq in seqs:
                raise HandlerError("Duplicate sequence number.\r\n")
        else:
            body = text
            if any(c.text.split(None, 1)[1] == body for c in target.children):
                continue
            seq = (max(seqs) // 10 * 10 + 10) if seqs else 10
        target.children.append(Node(f"{seq} {body}"))
        target.children.sort(key=lambda n: int(n.text.split()[0]))


def h_acl_seq_only(ctx: ApplyContext) -> None:
    seq = ctx.match.words[0]
    for target in ctx.targets:
        target.children = [c for c in target.children if c.text.split()[0] != seq]


def resolve_interface(ctx: ApplyContext) -> list[Node]:
    names = _ports_exist(ctx, ctx.match.words[-1])
    return [ctx.root.find(f"interface {name}") for name in names]  # type: ignore[misc]


def remove_interface(ctx: ApplyContext) -> None:
    raise HandlerError(index=0)


def enter_vlan(ctx: ApplyContext) -> list[Node]:
    text = ctx.match.text
    node = ctx.root.find(text)
    if node is None:
        node = Node(text, [Node(f'name "VLAN{ctx.match.words[-1]}"')])
        ctx.root.children.append(node)
    return [node]


def remove_vlan(ctx: ApplyContext) -> None:
    vid = ctx.match.words[-1]
    if vid == "1":
        raise HandlerError("The Default VLAN cannot be deleted.\r\n")
    node = ctx.root.find(f"vlan {vid}")
    if node is None:
        return
    default = _vlan(ctx.root, 1)
    for child in node.children:  # ports untagged only here go back to the default VLAN
        if child.text.startswith("untagged "):
            default.children.append(Node(child.text))
    ctx.root.children.remove(node)


def h_hostname(ctx: ApplyContext) -> None:
    ctx.root.set_line(ctx.match.text, 1)


# ---- grammar tables ------------------------------------------------------------------------

COMMON_CONFIG: list[tuple[str, dict[str, Any]]] = [
    ("exit", {"action": "exit", "no_negate": True}),
    ("end", {"action": "end", "no_negate": True}),
]

# Top-level order here is the order `show running-config` lists the lines in.
GLOBAL: list[tuple[str, dict[str, Any]]] = [
    ("hostname <qword>", {"key": 1, "handler": h_hostname, "no_negate": True}),
    ("module <lines> type <qword>", {"key": 2}),
    ("encrypt-credentials", {}),
    ("include-credentials", {"key": 1}),
    ("include-credentials radius-tacacs-only", {"key": 1}),
    ("radius-server host <ip>", {"key": 3, "handler": h_radius_host}),
    ("radius-server host <ip> key <qword>", {"key": 3, "handler": h_radius_host}),
    ("radius-server host <ip> encrypted-key <qword>", {"key": 3, "handler": h_radius_host}),
    ("aaa authentication port-access {eap-radius|chap-radius|local}", {"key": 3}),
    ("aaa authentication port-access {eap-radius|chap-radius|local} {authorized|cached-reauth|none}",
     {"key": 3}),
    ("aaa authentication mac-based chap-radius", {"key": 3}),
    ("aaa authentication mac-based chap-radius {authorized|cached-reauth|none}", {"key": 3}),
    ("ip access-list extended <qword>", {"enters": "acl", "label": "config-ext-nacl"}),
    ("interface <ports>", {"enters": "if", "label": lambda m: f"eth-{m.words[-1]}",
                           "section": resolve_interface, "remove": remove_interface}),
    ("snmp-server community <qword> {unrestricted|restricted|operator|manager}", {"key": 3}),
    ("vlan <vlan>", {"enters": "vlan", "label": lambda m: f"vlan-{m.words[-1]}", "section": enter_vlan,
                     "remove": remove_vlan}),
    ("aaa port-access authenticator <ports>", {"handler": h_port_access}),
    ("aaa port-access authenticator <ports> client-limit <limit>", {"handler": h_port_access}),
    ("aaa port-access authenticator <ports> reauth-period <num>", {"handler": h_port_access}),
    ("aaa port-access authenticator <ports> unauth-vid <vlan>", {"handler": h_port_access}),
    ("aaa port-access authenticator active", {}),
    ("aaa port-access mac-based <ports>", {"handler": h_port_access}),
    ("aaa port-access mac-based <ports> addr-limit <addrs>", {"handler": h_port_access}),
    ("spanning-tree", {}),
    *COMMON_CONFIG,
]

INTERFACE: list[tuple[str, dict[str, Any]]] = [
    ("name <qword>", {"key": 1}),
    ("disable", {}),
    ("enable", {"handler": h_enable, "no_negate": True}),
    ("untagged vlan <vlan>", {"handler": h_if_members}),
    ("tagged vlan <vlans>", {"handler": h_if_members}),
    # Port ACLs filter inbound traffic only (ACL Guide 16.10); `out` is refused on a port.
    ("ip access-group <qword> in", {"handler": h_access_group}),
    ("qos trust {default|dot1p|dscp|ip-precedence|none}", {"key": 2}),
    *COMMON_CONFIG,
]

VLAN: list[tuple[str, dict[str, Any]]] = [
    ("name <qword>", {"key": 1}),
    ("untagged <ports>", {"handler": h_vlan_members}),
    ("tagged <ports>", {"handler": h_vlan_members}),
    ("voice", {}),
    ("ip address dhcp-bootp", {"key": 2}),
    ("ip address <ip> <ip>", {"key": 2}),
    ("ip access-group <qword> {in|out|vlan}", {"handler": h_access_group}),
    *COMMON_CONFIG,
]

ACL: list[tuple[str, dict[str, Any]]] = [
    ("<ace>", {"handler": h_acl_entry}),
    ("<seq>", {"handler": h_acl_seq_only, "no_only": True}),
    *COMMON_CONFIG,
]

EXEC: list[tuple[str, dict[str, Any]]] = [
    ("show version", {"action": "show_version"}),
    ("show system", {"action": "show_system"}),
    ("show system information", {"action": "show_system"}),
    ("show running-config", {"action": "show_run"}),
    ("show config", {"action": "show_start"}),
    ("show vlans", {"action": "show_vlans"}),
    # Access Security Guide 16.06: show port-access mac-based clients [<port-list> [detailed]]
    ("show port-access mac-based clients", {"action": "show_mac_clients"}),
    ("show port-access mac-based clients <ports>", {"action": "show_mac_clients"}),
    ("show port-access mac-based clients <ports> detailed", {"action": "show_mac_clients"}),
    ("no page", {"action": "nopage"}),
    ("page", {"action": "page"}),
    ("terminal length <lines>", {"action": "terminal_length"}),
    ("terminal width <lines>", {"action": "noop"}),
    ("write memory", {"action": "save"}),
    ("configure", {"action": "configure"}),
    ("configure terminal", {"action": "configure"}),
    ("reload", {"action": "reload"}),
    ("logout", {"action": "logout_ask"}),
    ("exit", {"action": "logout_ask"}),
]

# ArubaOS-Switch runs show commands and `write memory` inside configuration contexts too.
IN_CONFIG_ACTIONS = ("show", "save", "nopage", "page", "terminal_length")


class ArubaOSSwitch(Dialect):
    platform = "hp_procurve"
    user_mode_after_login = "enable"  # a manager account lands at `sw1# `
    save_output = ""
    press_any_key = True  # the login banner ends with "Press any key to continue"
    pager = "-- MORE --, next page: Space, next line: Enter, quit: Control-C"
    reload_questions: ClassVar[dict[str, str]] = {
        "save": "Do you want to save current configuration [y/n/^c]? ",
        "confirm": "This command will reboot the device. Continue [y/n]? ",
    }
    logout_questions: ClassVar[dict[str, str]] = {
        "save": "Do you want to save current configuration [y/n/^c]? ",
        "confirm": "Do you want to log out [y/n]? ",
    }
    exec_in_config = IN_CONFIG_ACTIONS

    def __init__(self, family: str | None = None) -> None:
        self.family = family_of(self.platform, family)
        self.modes = {
            "enable": compile_rules(EXEC, PARAMS),
            "config": compile_rules(GLOBAL, PARAMS),
            "if": compile_rules(INTERFACE, PARAMS),
            "vlan": compile_rules(VLAN, PARAMS),
            "acl": compile_rules(ACL, PARAMS),
        }

    def prompt(self, hostname: str, mode: str, label: str | None) -> str:
        if mode == "user":
            return f"{hostname}> "
        return f"{hostname}# " if label is None else f"{hostname}({label})# "

    def hostname(self, root: Node) -> str:
        for child in root.children:
            if child.text.startswith("hostname "):
                return unquote(child.text.split(None, 1)[1])
        return "HP-2930F"

    def format_error(self, err: NoMatch, prompt: str, line: str) -> str:
        words, _ = split_words(line)
        if err.kind == "incomplete":
            return f"Incomplete input: {' '.join(words)}\r\n"
        word = words[err.index] if err.index < len(words) else (words[-1] if words else "")
        if err.kind == "ambiguous":
            return f"Ambiguous input: {word}\r\n"
        return f"Invalid input: {word}\r\n"

    def factory(self, hostname: str, ports: int) -> Node:
        total = ports + UPLINKS
        root = Node("")
        root.children.append(Node(f'hostname "{hostname}"'))
        root.children.append(Node(f'module 1 type {self.family.model.split()[0].lower()}'))
        root.children.append(Node('snmp-server community "public" unrestricted'))
        vlan1 = Node("vlan 1", [Node('name "DEFAULT_VLAN"')])
        vlan1.children += [Node(f"untagged {n}") for n in range(1, total + 1)]
        vlan1.children.append(Node("ip address dhcp-bootp"))
        root.children.append(vlan1)
        root.children += [Node(f"interface {n}") for n in range(1, total + 1)]
        return root

    def login_banner(self, device: Device) -> str:
        return procurve_show.banner(self)

    def render_running(self, device: Device, root: Node | None = None) -> str:
        return procurve_show.running_config(self, device, root)

    def run_exec(self, device: Device, m: Match) -> str:
        if m.rule.action == "show_mac_clients":
            ports = None
            if len(m.words) > 4:
                try:
                    ports = expand_ports(m.words[4])
                except ParamError:
                    ports = [m.words[4]]
                with device.lock:
                    missing = [p for p in ports if device.running.find(f"interface {p}") is None]
                if missing:  # as in configuration contexts (_ports_exist)
                    return f"Module not present for port or invalid port: {missing[0]}\r\n"
            return nac_show.procurve_clients(device, ports, m.words[-1] == "detailed")
        return procurve_show.run(self, device, m)

    def applied_acl(self, root: Node, interface: str, direction: str) -> tuple[str | None, list[str] | None] | None:
        node = root.find(f"interface {interface.strip()}")
        if node is None:
            return None
        acl = next((c.text.split()[2] for c in node.children
                    if c.text.startswith("ip access-group ") and c.text.endswith(f" {direction}")), None)
        if acl is None:
            return None, []
        acl_node = root.find(f"ip access-list extended {acl}")
        if acl_node is None:
            return unquote(acl), None
        return unquote(acl), [c.text for c in acl_node.children]
