"""The parsed configuration of one switch: a tree of canonical command lines.

Each section line ("interface GigabitEthernet1/0/5", "vlan 10", "ip access-list extended X")
owns its sub-lines, exactly the hierarchy hier_config works with. Lines are stored in the
canonical spelling the grammar produced, so rendering is deterministic.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Node:
    text: str
    children: list[Node] = field(default_factory=list)

    def find(self, text: str) -> Node | None:
        for child in self.children:
            if child.text == text:
                return child
        return None

    def find_prefix(self, prefix: str) -> list[Node]:
        words = prefix.split()
        return [c for c in self.children if c.text.split()[: len(words)] == words]

    def ensure(self, text: str) -> Node:
        found = self.find(text)
        if found is None:
            found = Node(text)
            self.children.append(found)
        return found

    def set_line(self, text: str, key: int | None) -> None:
        """Add a line; with a key, it replaces the line that sets the same thing."""
        if key is not None:
            head = text.split()[:key]
            self.children = [c for c in self.children if c.children or c.text.split()[:key] != head]
        if self.find(text) is None:
            self.children.append(Node(text))

    def remove_prefix(self, prefix: str) -> int:
        words = prefix.split()
        before = len(self.children)
        self.children = [c for c in self.children if c.text.split()[: len(words)] != words]
        return before - len(self.children)

    def to_json(self) -> list[Any]:
        return [self.text, [c.to_json() for c in self.children]]

    @classmethod
    def from_json(cls, data: list[Any]) -> Node:
        return cls(data[0], [cls.from_json(c) for c in data[1]])

    def clone(self) -> Node:
        return copy.deepcopy(self)

    def walk(self, depth: int = 0) -> list[tuple[int, Node]]:
        out: list[tuple[int, Node]] = []
        for child in self.children:
            out.append((depth, child))
            out.extend(child.walk(depth + 1))
        return out
