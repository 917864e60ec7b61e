"""ACL configuration handlers both dialects use (IOS `ip access-list extended`, AOS-CX
`access-list ip`): entries keep sequence order; the platform decides what a taken sequence
number means (IOS 15.2 refuses it with "% Duplicate sequence number", AOS-CX 10.x replaces the
entry, per the vendors' ACL configuration guides)."""

from __future__ import annotations

from .acl import parse_ace
from .engine import ApplyContext, HandlerError
from .model import Node


def acl_entry(ctx: ApplyContext, platform: str) -> None:
    """Add/remove an ACE keeping sequence order; a duplicate entry is ignored like IOS does."""
    for target in ctx.targets:
        words = ctx.match.words
        if ctx.negate:
            first = words[0].split()[0]
            if first.isdigit():
                target.children = [c for c in target.children if c.text.split()[0] != first]
            else:
                target.children = [c for c in target.children if c.text.split(None, 1)[1] != words[0]]
            continue
        ace = parse_ace(words[0].split(), platform)
        # an AOS-CX comment shares its sequence number with the entry it describes
        kind = "comment" if ace.action == "comment" else "entry"

        def slot(node: Node, kind: str = kind) -> bool:
            return ("comment" if node.text.split()[1] == "comment" else "entry") == kind

        seqs = [int(c.text.split()[0]) for c in target.children]
        if ace.seq is None:
            if any(c.text.split(None, 1)[1] == ace.text for c in target.children):
                continue
            seq = (max(seqs) // 10 * 10 + 10) if seqs else 10
        else:
            seq = ace.seq
            same = next((c for c in target.children if int(c.text.split()[0]) == seq and slot(c)), None)
            if same is not None:
                if same.text.split(None, 1)[1] == ace.text:
                    continue
                if platform == "cisco_ios":
                    raise HandlerError("% Duplicate sequence number\r\n")
                target.children.remove(same)
        target.children.append(Node(f"{seq} {ace.text}"))
        target.children.sort(key=lambda c: (int(c.text.split()[0]), c.text.split()[1] != "comment"))


def h_acl_seq_only(ctx: ApplyContext) -> None:
    seq = ctx.match.words[0]
    for target in ctx.targets:
        target.children = [c for c in target.children if c.text.split()[0] != seq]


def bind_acl(ctx: ApplyContext, command: str) -> None:
    """`<command> NAME <direction>` on each target interface/VLAN (IOS `ip access-group`, AOS-CX
    `apply access-list ip`, ArubaOS-Switch `ip access-group "NAME"`): one ACL per direction, so
    a new binding replaces the one the direction had; `no ...` removes it."""
    direction = ctx.match.words[-1]
    for target in ctx.targets:
        if ctx.negate:
            target.remove_prefix(ctx.match.text)
            continue
        target.children = [c for c in target.children
                           if not (c.text.startswith(command + " ") and c.text.endswith(f" {direction}"))]
        target.children.append(Node(ctx.match.text))


def clear_radius_host(ctx: ApplyContext) -> str | None:
    """`[no] radius-server host H ...`: the host's previous line goes; returns H, or None for `no`."""
    host = ctx.match.words[2]
    ctx.root.remove_prefix(f"radius-server host {host}")
    return None if ctx.negate else host
