"""Access-control entries: parsing (both dialects), canonical text, first-match evaluation.

IOS writes addresses as `any`, `host A` or `A WILDCARD` and shows well-known ports by name
(`eq www`); AOS-CX writes `any`, `A` or `A/MASK` and shows masks dotted (`10.1.0.0/255.255.0.0`).
Both normalise the network address against its mask, as the real devices do.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from .grammar import ParamError, Words

IOS_TCP_PORTS = {
    "bgp": 179, "chargen": 19, "cmd": 514, "daytime": 13, "discard": 9, "domain": 53,
    "echo": 7, "exec": 512, "finger": 79, "ftp": 21, "ftp-data": 20, "gopher": 70,
    "hostname": 101, "ident": 113, "irc": 194, "klogin": 543, "kshell": 544, "login": 513,
    "lpd": 515, "nntp": 119, "pop2": 109, "pop3": 110, "smtp": 25, "sunrpc": 111,
    "tacacs": 49, "talk": 517, "telnet": 23, "time": 37, "uucp": 540, "whois": 43, "www": 80,
}
IOS_UDP_PORTS = {
    "biff": 512, "bootpc": 68, "bootps": 67, "discard": 9, "dnsix": 195, "domain": 53,
    "echo": 7, "isakmp": 500, "mobile-ip": 434, "nameserver": 42, "netbios-dgm": 138,
    "netbios-ns": 137, "netbios-ss": 139, "non500-isakmp": 4500, "ntp": 123, "rip": 520,
    "snmp": 161, "snmptrap": 162, "sunrpc": 111, "syslog": 514, "tacacs": 49, "talk": 517,
    "tftp": 69, "time": 37, "who": 513, "xdmcp": 177,
}
IOS_PROTOCOLS = ("ip", "tcp", "udp", "icmp", "igmp", "gre", "esp", "ahp", "ospf", "pim", "eigrp")
AOSCX_PROTOCOLS = ("any", "tcp", "udp", "icmp", "igmp", "gre", "esp", "ah", "ospf", "pim", "sctp", "vrrp")
PORT_OPS = ("eq", "neq", "gt", "lt", "range")
AOSCX_PORT_OPS = ("eq", "gt", "lt", "range")
ALL_ONES = 0xFFFFFFFF


@dataclass(frozen=True)
class Address:
    net: int
    wildcard: int  # bits that do not have to match

    def matches(self, ip: int) -> bool:
        return (ip & ~self.wildcard & ALL_ONES) == (self.net & ~self.wildcard & ALL_ONES)


@dataclass(frozen=True)
class PortMatch:
    op: str
    ports: tuple[int, ...]

    def matches(self, port: int | None) -> bool:
        if port is None:
            return False
        if self.op == "eq":
            return port == self.ports[0]
        if self.op == "neq":
            return port != self.ports[0]
        if self.op == "gt":
            return port > self.ports[0]
        if self.op == "lt":
            return port < self.ports[0]
        return self.ports[0] <= port <= self.ports[1]


@dataclass(frozen=True)
class Ace:
    seq: int | None
    action: str  # permit | deny | remark | comment
    proto: str
    src: Address | None
    sport: PortMatch | None
    dst: Address | None
    dport: PortMatch | None
    text: str  # canonical text without sequence number

    def matches(self, proto: str, src: int, dst: int, sport: int | None, dport: int | None) -> bool:
        if self.action not in ("permit", "deny") or self.src is None or self.dst is None:
            return False
        if self.proto not in ("ip", "any") and self.proto != proto:
            return False
        if not (self.src.matches(src) and self.dst.matches(dst)):
            return False
        if self.sport is not None and not self.sport.matches(sport):
            return False
        return self.dport is None or self.dport.matches(dport)


def _ip(word: str) -> int | None:
    try:
        return int(ipaddress.IPv4Address(word))
    except ValueError:
        return None


def _dotted(value: int) -> str:
    return str(ipaddress.IPv4Address(value))


class _Cursor:
    def __init__(self, words: Words) -> None:
        self.words = [w for w in words]
        self.i = 0

    def peek(self) -> str | None:
        return self.words[self.i].lower() if self.i < len(self.words) else None

    def take(self) -> str:
        if self.i >= len(self.words):
            raise ParamError(self.i, incomplete=True)
        self.i += 1
        return self.words[self.i - 1]

    def fail(self, back: int = 1) -> ParamError:
        return ParamError(self.i - back)


def _kw(cur: _Cursor, options: tuple[str, ...]) -> str:
    word = cur.take().lower()
    hits = [o for o in options if o.startswith(word)]
    if word in options:
        return word
    if len(hits) != 1:
        raise cur.fail()
    return hits[0]


def _port(cur: _Cursor, names: dict[str, int]) -> tuple[int, str]:
    word = cur.take().lower()
    if word.isdigit() and 0 <= int(word) <= 65535:
        value = int(word)
    elif word in names:
        value = names[word]
    else:
        raise cur.fail()
    shown = next((n for n, v in names.items() if v == value), str(value))
    return value, shown


def _port_match(cur: _Cursor, ops: tuple[str, ...], names: dict[str, int]) -> tuple[PortMatch, str] | None:
    word = cur.peek()
    if word is None or not any(o.startswith(word) for o in ops) or word in ("any", "host"):
        return None
    op = _kw(cur, ops)
    first, shown = _port(cur, names)
    if op == "range":
        second, shown2 = _port(cur, names)
        if second < first:
            raise cur.fail()
        return PortMatch(op, (first, second)), f"range {shown} {shown2}"
    return PortMatch(op, (first,)), f"{op} {shown}"


def _ios_address(cur: _Cursor) -> tuple[Address, str]:
    word = cur.take().lower()
    if word == "any":
        return Address(0, ALL_ONES), "any"
    if word == "host":
        value = _ip(cur.take())
        if value is None:
            raise cur.fail()
        return Address(value, 0), f"host {_dotted(value)}"
    value = _ip(word)
    if value is None:
        raise cur.fail()
    wild = _ip(cur.take())
    if wild is None:
        raise cur.fail()
    if wild == 0:
        return Address(value, 0), f"host {_dotted(value)}"
    if wild == ALL_ONES:
        return Address(0, ALL_ONES), "any"
    net = value & ~wild & ALL_ONES
    return Address(net, wild), f"{_dotted(net)} {_dotted(wild)}"


def _aoscx_address(cur: _Cursor) -> tuple[Address, str]:
    word = cur.take().lower()
    if word == "any":
        return Address(0, ALL_ONES), "any"
    addr, _, mask = word.partition("/")
    value = _ip(addr)
    if value is None:
        raise cur.fail()
    if not mask:
        return Address(value, 0), _dotted(value)
    if mask.isdigit() and int(mask) <= 32:
        netmask = (ALL_ONES << (32 - int(mask))) & ALL_ONES
    else:
        parsed = _ip(mask)
        if parsed is None:
            raise cur.fail()
        netmask = parsed
    wild = ~netmask & ALL_ONES
    if wild == 0:
        return Address(value, 0), _dotted(value)
    net = value & netmask
    return Address(net, wild), f"{_dotted(net)}/{_dotted(netmask)}"


def parse_ace(words: Words, dialect: str) -> Ace:
    """Parse `[seq] permit|deny proto src [port] dst [port] [log]` (or a remark)."""
    if dialect == "hp_procurve":  # ArubaOS-Switch extended ACEs use the IOS syntax
        dialect = "cisco_ios"
    cur = _Cursor(words)
    seq: int | None = None
    if cur.peek() is not None and cur.peek().isdigit():  # type: ignore[union-attr]
        seq = int(cur.take())
        if not 1 <= seq <= (2147483647 if dialect == "cisco_ios" else 4294967295):
            raise cur.fail()
    remark_kw = "remark" if dialect == "cisco_ios" else "comment"
    action = _kw(cur, ("permit", "deny", remark_kw))
    if action == remark_kw:
        if cur.peek() is None:
            raise ParamError(cur.i, incomplete=True)
        text = " ".join(cur.words[cur.i :])
        return Ace(seq, action, "", None, None, None, None, f"{action} {text}")
    ios = dialect == "cisco_ios"
    protos = IOS_PROTOCOLS if ios else AOSCX_PROTOCOLS
    word = cur.take().lower()
    if word.isdigit() and int(word) <= 255:
        proto = word
    elif word in protos:
        proto = word
    else:
        raise cur.fail()
    address = _ios_address if ios else _aoscx_address
    ops = PORT_OPS if ios else AOSCX_PORT_OPS
    names: dict[str, int] = {}
    if ios:
        names = IOS_TCP_PORTS if proto == "tcp" else IOS_UDP_PORTS
    src, src_text = address(cur)
    sport = _port_match(cur, ops, names) if proto in ("tcp", "udp") else None
    dst, dst_text = address(cur)
    dport = _port_match(cur, ops, names) if proto in ("tcp", "udp") else None
    parts = [action, proto, src_text]
    if sport:
        parts.append(sport[1])
    parts.append(dst_text)
    if dport:
        parts.append(dport[1])
    while cur.peek() is not None:
        flag = _kw(cur, ("log",) if ios else ("log", "count"))
        if flag in parts[-1:]:
            raise cur.fail()
        parts.append(flag)
    return Ace(seq, action, proto, src, sport[0] if sport else None, dst, dport[0] if dport else None, " ".join(parts))


def ace_from_line(line: str, dialect: str) -> Ace:
    return parse_ace(line.split(), dialect)


@dataclass(frozen=True)
class Verdict:
    action: str
    acl: str | None
    matched: str


def evaluate(
    acl_name: str | None,
    entries: list[str],
    dialect: str,
    proto: str,
    src: str,
    dst: str,
    dst_port: int | None,
    src_port: int | None = None,
) -> Verdict:
    if acl_name is None:
        return Verdict("permit", None, "no access list applied")
    src_i, dst_i = _ip(src), _ip(dst)
    if src_i is None or dst_i is None:
        raise ValueError("src and dst must be IPv4 addresses")
    for line in entries:
        ace = ace_from_line(line, dialect)
        if ace.matches(proto, src_i, dst_i, src_port, dst_port):
            return Verdict(ace.action, acl_name, line)
    return Verdict("deny", acl_name, "implicit deny")
