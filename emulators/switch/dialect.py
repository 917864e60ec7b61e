"""What a platform dialect provides to the CLI engine."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from .families import Family
from .grammar import Match, NoMatch, Rule, Token, match, p_int, p_ipv4, p_vlan_list, p_word, rest_line, split_words
from .model import Node

if TYPE_CHECKING:
    from .device import Device


# Parameters and config-mode rules every dialect's grammar tables share (same words, same
# limits on IOS and AOS-CX); each dialect adds its own.
COMMON_PARAMS: dict[str, Token] = {
    "vlan": Token("param", "vlan-id", check=p_int(1, 4094)),
    "vlans": Token("param", "vlan-list", check=p_vlan_list),
    "word": Token("param", "WORD", check=p_word),
    "line": Token("rest", "LINE", rest=rest_line),
    "ip": Token("param", "A.B.C.D", check=p_ipv4),
}
# Leaving a configuration mode: the same three lines in every sub-mode of both platforms.
COMMON_CONFIG: list[tuple[str, dict[str, Any]]] = [
    ("exit", {"action": "exit", "no_negate": True}),
    ("end", {"action": "end", "no_negate": True}),
    ("do <line>", {"action": "do", "no_negate": True}),
]


def natural_key(text: str) -> tuple[object, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


class Dialect:
    platform: ClassVar[str]
    family: Family  # the switch family's limits and model names (families.py)
    modes: dict[str, list[Rule]]
    config_mode_label = "config"
    user_mode_after_login = "enable"  # "user" on IOS (`>`), "enable" on AOS-CX (`#`)
    configure_banner = ""
    save_output = ""
    copy_question = ""  # IOS asks for the destination file name
    reload_questions: ClassVar[dict[str, str]] = {}
    exec_in_config: tuple[str, ...] = ()  # exec actions the platform also accepts in config contexts

    # ---- prompts and errors --------------------------------------------------------------
    def prompt(self, hostname: str, mode: str, label: str | None) -> str:
        if mode == "user":
            return f"{hostname}>"
        if label is None:
            return f"{hostname}#"
        return f"{hostname}({label})#"

    def format_error(self, err: NoMatch, prompt: str, line: str) -> str:
        raise NotImplementedError

    def login_banner(self, device: Device) -> str:
        return "\r\n"

    # ---- model -------------------------------------------------------------------------
    def factory(self, hostname: str, ports: int) -> Node:
        raise NotImplementedError

    def hostname(self, root: Node) -> str:
        for child in root.children:
            if child.text.startswith("hostname "):
                return child.text.split(None, 1)[1]
        return "switch"

    def render_running(self, device: Device, root: Node | None = None) -> str:
        raise NotImplementedError

    def run_exec(self, device: Device, m: Match) -> str:
        """Output of a show command (other exec actions are handled by the session)."""
        raise NotImplementedError

    # ---- helpers shared by both dialects ------------------------------------------------
    def rank_of(self, mode: str, text: str) -> int:
        cache = self.__dict__.setdefault("_rank_cache", {})
        key = (mode, text)
        if key not in cache:
            words, _ = split_words(text)
            result = match(self.modes[mode], words)
            cache[key] = result.rule.rank if isinstance(result, Match) else 10_000
        return cache[key]

    def ordered(self, mode: str, nodes: list[Node]) -> list[Node]:
        indexed = list(enumerate(nodes))
        indexed.sort(key=lambda p: (self.rank_of(mode, p[1].text), self.sort_key(mode, p[1]), p[0]))
        return [n for _, n in indexed]

    def sort_key(self, mode: str, node: Node) -> tuple[object, ...]:
        word = node.text.split()[0]
        if word in ("vlan", "interface"):
            return natural_key(node.text)
        if node.text[:1].isdigit():  # ACL entries by sequence number
            return (int(node.text.split()[0]),)
        return ()
