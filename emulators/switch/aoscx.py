"""Aruba AOS-CX (6100/6300, FL.10.11) dialect: grammar tables, factory config, handlers.

References: AOS-CX 10.13 Command-Line Interface Guide and Security Guide (port-access
auth-mode, critical-voice-role, port-access role), ACLs and Classifier Policies Guide
(layer-2 interfaces take ingress ACLs; `out` is refused there), QoS Guide (qos trust).

Differences from IOS that matter to automation: you log in privileged (`sw1#`), paging is
`no page`, show/write commands work inside configuration contexts, errors read
`Invalid input: <word>`, VLAN sub-modes carry the id in the prompt (`config-vlan-10`),
`vlan trunk allowed` is additive, and ACL entries keep their sequence numbers in the
running config. Show output lives in aoscx_show.py.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from . import aoscx_show
from .acl import parse_ace
from .acl_handlers import acl_entry, bind_acl, clear_radius_host, h_acl_seq_only
from .dialect import COMMON_CONFIG, COMMON_PARAMS, Dialect
from .engine import ApplyContext, HandlerError
from .families import family_of
from .grammar import (
    Match,
    NoMatch,
    Token,
    Words,
    compile_rules,
    compress_vlan_list,
    expand_vlan_list,
    p_int,
    p_prefix,
    split_words,
)
from .model import Node
from .secrets import cx_encrypt

if TYPE_CHECKING:
    from .device import Device

UPLINKS = 4
_PORT = r"\d+/\d+/\d+"
_IF = re.compile(rf"^{_PORT}$")
_IF_RANGE = re.compile(rf"^{_PORT}(-{_PORT})?(,{_PORT}(-{_PORT})?)*$")


def p_cx_ifname(word: str) -> str | None:
    return word if _IF.match(word) else None


def p_cx_range(word: str) -> str | None:
    return word if _IF_RANGE.match(word) and ("-" in word or "," in word) else None


def expand_range(text: str) -> list[str]:
    names: list[str] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        if not hi:
            names.append(lo)
            continue
        lo_parts, hi_parts = lo.split("/"), hi.split("/")
        if lo_parts[:2] != hi_parts[:2] or int(hi_parts[2]) < int(lo_parts[2]):
            raise HandlerError(index=1)
        names += [f"{lo_parts[0]}/{lo_parts[1]}/{n}" for n in range(int(lo_parts[2]), int(hi_parts[2]) + 1)]
    return names


def rest_ace(words: Words) -> str:
    ace = parse_ace(words, "aruba_aoscx")
    return f"{ace.seq} {ace.text}" if ace.seq is not None else ace.text


PARAMS: dict[str, Token] = {
    **COMMON_PARAMS,
    "prefix": Token("param", "A.B.C.D/M", check=p_prefix),
    "ifname": Token("param", "IFNAME", check=p_cx_ifname),
    "ifrange": Token("param", "IFRANGE", check=p_cx_range),
    "ace": Token("rest", "ace", rest=rest_ace),
    "seq": Token("param", "sequence", check=p_int(1, 4294967295)),
    "port": Token("param", "port", check=p_int(1, 65535)),
    "secs": Token("param", "1-65535", check=p_int(1, 65535)),
    "limit": Token("param", "1-256", check=p_int(1, 256)),
    "retries": Token("param", "1-10", check=p_int(1, 10)),
    "lockout": Token("param", "1-3600", check=p_int(1, 3600)),
}


# ---- handlers ------------------------------------------------------------------------------


def _vlan_known(root: Node, vid: int) -> bool:
    return root.find(f"vlan {vid}") is not None


def _require_vlans(ctx: ApplyContext, ids: list[int]) -> None:
    missing = [v for v in ids if not _vlan_known(ctx.root, v)]
    if missing:
        raise HandlerError(f"VLAN {missing[0]} does not exist.\r\n")


def h_vlan_access(ctx: ApplyContext) -> None:
    if not ctx.negate:
        _require_vlans(ctx, [int(ctx.match.words[-1])])
    for target in ctx.targets:
        target.remove_prefix("vlan access")
        if ctx.negate:
            if not target.find_prefix("vlan trunk"):
                target.children.append(Node("vlan access 1"))  # an access port falls back to VLAN 1
            continue
        target.remove_prefix("vlan trunk")
        target.children.append(Node(ctx.match.text))


def h_trunk_native(ctx: ApplyContext) -> None:
    if not ctx.negate:
        _require_vlans(ctx, [int(ctx.match.words[-1])])
    for target in ctx.targets:
        target.remove_prefix("vlan trunk native")
        if not ctx.negate:
            target.remove_prefix("vlan access")
            target.children.append(Node(ctx.match.text))


def h_trunk_allowed(ctx: ApplyContext) -> None:
    words = ctx.match.words
    arg = words[3] if len(words) > 3 else None
    if arg not in (None, "all") and not ctx.negate:
        _require_vlans(ctx, expand_vlan_list(arg))
    for target in ctx.targets:
        current = target.find_prefix("vlan trunk allowed")
        have_text = current[0].text.split()[-1] if current else ""
        have = set(range(1, 4095)) if have_text == "all" else set(expand_vlan_list(have_text) if have_text else [])
        if ctx.negate:
            new = set() if arg in (None, "all") else have - set(expand_vlan_list(arg))
        else:
            new = set(range(1, 4095)) if arg == "all" else have | set(expand_vlan_list(str(arg)))
            target.remove_prefix("vlan access")
        target.remove_prefix("vlan trunk allowed")
        if len(new) == 4094:
            target.children.append(Node("vlan trunk allowed all"))
        elif new:
            target.children.append(Node(f"vlan trunk allowed {compress_vlan_list(sorted(new))}"))


def h_apply_acl(ctx: ApplyContext) -> None:
    bind_acl(ctx, "apply access-list")


def h_radius_host(ctx: ApplyContext) -> None:
    words = ctx.match.words
    host = clear_radius_host(ctx)
    if host is None:
        return
    out = ["radius-server", "host", host]
    rest = words[3:]
    i = 0
    while i < len(rest):
        if rest[i] == "key":
            kind, secret = rest[i + 1], rest[i + 2]
            if kind == "ciphertext" and not (secret.startswith("AQBap") and len(secret) > 10):
                raise HandlerError("Invalid ciphertext key.\r\n")
            out += ["key", "ciphertext", cx_encrypt(secret) if kind == "plaintext" else secret]
            i += 3
        else:
            out += rest[i : i + 2]
            i += 2
    ctx.root.children.append(Node(" ".join(out)))


def h_acl_entry(ctx: ApplyContext) -> None:
    acl_entry(ctx, "aruba_aoscx")


def resolve_interface(ctx: ApplyContext) -> list[Node]:
    node = ctx.root.find(f"interface {ctx.match.words[-1]}")
    if node is None:
        raise HandlerError(index=1)
    return [node]


def resolve_range(ctx: ApplyContext) -> list[Node]:
    nodes = []
    for name in expand_range(ctx.match.words[-1]):
        node = ctx.root.find(f"interface {name}")
        if node is None:
            raise HandlerError(index=1)
        nodes.append(node)
    return nodes


def remove_interface(ctx: ApplyContext) -> None:
    raise HandlerError("Physical interfaces cannot be removed.\r\n")


def remove_vlan(ctx: ApplyContext) -> None:
    vid = ctx.match.words[-1]
    if vid == "1":
        raise HandlerError("The default VLAN cannot be deleted.\r\n")
    ctx.root.remove_prefix(f"vlan {vid}")


# ---- grammar tables ------------------------------------------------------------------------

GLOBAL: list[tuple[str, dict[str, Any]]] = [
    ("hostname <word>", {"key": 1}),
    ("radius-server host <ip>", {"key": 3, "handler": h_radius_host}),
    ("radius-server host <ip> key {plaintext|ciphertext} <word>", {"key": 3, "handler": h_radius_host}),
    ("radius-server host <ip> key {plaintext|ciphertext} <word> vrf <word>", {"key": 3, "handler": h_radius_host}),
    ("radius-server host <ip> vrf <word>", {"key": 3, "handler": h_radius_host}),
    ("aaa group server radius <word>", {"enters": "sg", "label": "config-sg"}),
    ("aaa authentication login default local", {"key": 4}),
    ("aaa authentication login default group <word> local", {"key": 4}),
    ("aaa authentication limit-login-attempts <retries> lockout-time <lockout>", {"key": 3}),  # lockout.py
    ("aaa authentication port-access dot1x authenticator", {"enters": "dot1x", "label": "config-dot1x-auth"}),
    ("aaa authentication port-access mac-auth", {"enters": "macauth", "label": "config-macauth"}),
    ("ssh server vrf <word>", {}),
    ("ntp server <ip>", {}),
    ("logging <ip>", {}),
    ("access-list ip <word>", {"enters": "acl", "label": "config-acl-ip"}),
    ("port-access role <word>", {"enters": "role", "label": "config-pa-role"}),
    ("vlan <vlan>", {"enters": "vlan", "label": lambda m: f"config-vlan-{m.words[-1]}", "remove": remove_vlan}),
    ("spanning-tree", {}),
    ("qos trust {dscp|cos|none}", {"key": 2}),
    ("interface <ifname>", {"enters": "if", "label": "config-if", "section": resolve_interface,
                            "remove": remove_interface}),
    ("interface <ifrange>", {"enters": "if", "label": lambda m: f"config-if-<{m.words[-1]}>",
                             "section": resolve_range, "no_negate": True}),
    ("interface vlan <vlan>", {"enters": "if", "label": "config-if-vlan"}),
    ("https-server vrf <word>", {}),
    *COMMON_CONFIG,
]

INTERFACE: list[tuple[str, dict[str, Any]]] = [
    ("description <line>", {"key": 1}),
    ("shutdown", {}),
    ("routing", {}),
    ("ip address <prefix>", {"key": 2}),
    ("ip dhcp", {}),
    ("vlan access <vlan>", {"key": 2, "handler": h_vlan_access}),
    ("vlan trunk native <vlan>", {"key": 3, "handler": h_trunk_native}),
    ("vlan trunk allowed <vlans>", {"key": 3, "handler": h_trunk_allowed}),
    ("vlan trunk allowed all", {"key": 3, "handler": h_trunk_allowed}),
    ("qos trust {dscp|cos|none}", {"key": 2}),
    # Layer-2 interfaces: ingress ACLs only (6100 has no egress ACLs, 6300 egress on routed ports).
    ("apply access-list ip <word> in", {"handler": h_apply_acl}),
    ("spanning-tree port-type {admin-edge|admin-network}", {"key": 2}),
    ("spanning-tree bpdu-guard", {}),
    ("port-access onboarding-method concurrent enable", {}),
    ("aaa authentication port-access client-limit <limit>", {"key": 4}),
    ("aaa authentication port-access auth-mode {client-mode|device-mode|multi-domain}", {"key": 4}),
    ("aaa authentication port-access critical-role <word>", {"key": 4}),
    ("aaa authentication port-access critical-voice-role <word>", {"key": 4}),
    ("aaa authentication port-access dot1x authenticator", {"enters": "if-dot1x", "label": "config-if-dot1x-auth"}),
    ("aaa authentication port-access mac-auth", {"enters": "if-macauth", "label": "config-if-macauth"}),
    *COMMON_CONFIG,
]

VLAN: list[tuple[str, dict[str, Any]]] = [
    ("name <word>", {"key": 1}),
    ("description <line>", {"key": 1}),
    ("voice", {}),
    ("shutdown", {}),
    ("apply access-list ip <word> {in|out}", {"handler": h_apply_acl}),
    *COMMON_CONFIG,
]

ACL: list[tuple[str, dict[str, Any]]] = [
    ("<ace>", {"handler": h_acl_entry}),
    ("<seq>", {"handler": h_acl_seq_only, "no_only": True}),
    *COMMON_CONFIG,
]

ROLE: list[tuple[str, dict[str, Any]]] = [
    ("description <line>", {"key": 1}),
    ("vlan access <vlan>", {"key": 2}),
    ("vlan trunk native <vlan>", {"key": 3}),
    ("vlan trunk allowed <vlans>", {"key": 3}),
    ("trust-mode {dscp|cos|none}", {"key": 1}),
    ("reauth-period <secs>", {"key": 1}),
    *COMMON_CONFIG,
]

SERVER_GROUP: list[tuple[str, dict[str, Any]]] = [
    ("server <ip>", {}),
    ("server <ip> vrf <word>", {}),
    *COMMON_CONFIG,
]

DOT1X: list[tuple[str, dict[str, Any]]] = [
    ("enable", {}),
    ("radius server-group <word>", {"key": 2}),
    ("reauth-period <secs>", {"key": 1}),
    *COMMON_CONFIG,
]

IF_DOT1X: list[tuple[str, dict[str, Any]]] = [
    ("enable", {}),
    ("reauth", {}),
    ("reauth-period <secs>", {"key": 1}),
    ("max-retries <retries>", {"key": 1}),
    *COMMON_CONFIG,
]

MACAUTH: list[tuple[str, dict[str, Any]]] = [
    ("enable", {}),
    ("radius server-group <word>", {"key": 2}),
    ("reauth", {}),
    *COMMON_CONFIG,
]

IF_MACAUTH: list[tuple[str, dict[str, Any]]] = [
    ("enable", {}),
    ("reauth", {}),
    *COMMON_CONFIG,
]

EXEC: list[tuple[str, dict[str, Any]]] = [
    ("show version", {"action": "show_version"}),
    ("show system", {"action": "show_system"}),
    ("show running-config", {"action": "show_run"}),
    ("show running-config interface <ifname>", {"action": "show_run_if"}),
    ("show startup-config", {"action": "show_start"}),
    ("show vlan", {"action": "show_vlan"}),
    ("show interface", {"action": "show_interface"}),
    ("show interface <ifname>", {"action": "show_interface"}),
    ("show aaa authentication port-access interface all client-status", {"action": "show_pa_clients"}),
    ("show aaa authentication port-access interface <ifname> client-status", {"action": "show_pa_clients"}),
    ("no page", {"action": "noop"}),
    ("page", {"action": "noop"}),
    ("write memory", {"action": "save"}),
    ("copy running-config startup-config", {"action": "save"}),
    ("configure terminal", {"action": "configure"}),
    ("configure", {"action": "configure"}),
    ("boot system", {"action": "reload"}),
    ("exit", {"action": "logout"}),
]

# exec commands AOS-CX also runs inside configuration contexts
IN_CONFIG_ACTIONS = ("show", "save", "configure", "noop")


class ArubaAOSCX(Dialect):
    platform = "aruba_aoscx"
    user_mode_after_login = "enable"
    save_output = "Copying configuration: [Success]\r\n"
    reload_questions: ClassVar[dict[str, str]] = {
        "save": "Do you want to save the current configuration (y/n)? ",
        "confirm": "This will reboot the entire switch and render it unavailable\r\n"
                   "until the process is complete.\r\nContinue (y/n)? ",
    }
    exec_in_config = IN_CONFIG_ACTIONS

    def __init__(self, family: str | None = None) -> None:
        self.family = family_of(self.platform, family)
        self.modes = {
            "role": compile_rules(ROLE, PARAMS),
            "enable": compile_rules(EXEC, PARAMS),
            "config": compile_rules(GLOBAL, PARAMS),
            "if": compile_rules(INTERFACE, PARAMS),
            "vlan": compile_rules(VLAN, PARAMS),
            "acl": compile_rules(ACL, PARAMS),
            "sg": compile_rules(SERVER_GROUP, PARAMS),
            "dot1x": compile_rules(DOT1X, PARAMS),
            "if-dot1x": compile_rules(IF_DOT1X, PARAMS),
            "macauth": compile_rules(MACAUTH, PARAMS),
            "if-macauth": compile_rules(IF_MACAUTH, PARAMS),
        }

    def format_error(self, err: NoMatch, prompt: str, line: str) -> str:
        if err.kind == "incomplete":
            return "Command incomplete.\r\n"
        if err.kind == "ambiguous":
            return "Ambiguous command.\r\n"
        words, _ = split_words(line)
        word = words[err.index] if err.index < len(words) else ""
        return f"Invalid input: {word}\r\n"

    def factory(self, hostname: str, ports: int) -> Node:
        root = Node("")
        for text in (f"hostname {hostname}", "ssh server vrf default", "vlan 1", "spanning-tree"):
            root.children.append(Node(text))
        for n in range(1, ports + UPLINKS + 1):
            root.children.append(Node(f"interface 1/1/{n}", [Node("vlan access 1")]))
        root.children.append(Node("interface vlan 1", [Node("ip dhcp")]))
        root.children.append(Node("https-server vrf default"))
        return root

    def login_banner(self, device: Device) -> str:
        return (f"\r\nUser \"{device.spec.username}\" has logged in "
                f"{device.stats['sessions']} time{'s' if device.stats['sessions'] != 1 else ''} "
                "in the past 30 days\r\n\r\n")

    def render_running(self, device: Device, root: Node | None = None) -> str:
        return aoscx_show.running_config(self, device, root)

    def run_exec(self, device: Device, m: Match) -> str:
        return aoscx_show.run(self, device, m)

    def applied_acl(self, root: Node, interface: str, direction: str) -> tuple[str | None, list[str] | None] | None:
        node = root.find(f"interface {interface.strip()}")
        if node is None:
            return None
        acl = next((c.text.split()[3] for c in node.children
                    if c.text.startswith("apply access-list ip ") and c.text.endswith(f" {direction}")), None)
        if acl is None:
            return None, []
        acl_node = root.find(f"access-list ip {acl}")
        if acl_node is None:
            return acl, None
        return acl, [c.text for c in acl_node.children]
