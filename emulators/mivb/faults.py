"""Injected faults and request counters (test hooks; model layer: no HTTP parsing here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fault:
    status: int | None
    method: str | None
    path_prefix: str
    count: int | None
    delay_seconds: float
    when: str  # "before": request not processed; "after": processed, answer replaced


def take_fault(faults: list[Fault], method: str, path: str) -> Fault | None:
    """The first fault matching this request; a counted fault is used up by it."""
    for fault in faults:
        if (fault.method is None or fault.method == method) and path.startswith(fault.path_prefix):
            if fault.count is not None:
                fault.count -= 1
                if fault.count <= 0:
                    faults.remove(fault)
            return fault
    return None


@dataclass
class Stats:
    logins: int = 0
    writes: int = 0
    ssh_logins: int = 0  # accepted maintenance SSH / SFTP logins
    requests: dict[str, int] = field(default_factory=dict)
    handshakes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "logins": self.logins,
            "writes": self.writes,
            "ssh_logins": self.ssh_logins,
            "requests": dict(self.requests),
            "handshakes": dict(self.handshakes),
        }
