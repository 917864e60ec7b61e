"""Sessions and the login lockout rule (model layer: no HTTP here).

MiVB 9.4 locks a user profile after 3 consecutive failed logins for 30 minutes (the
guideline's ACC-03 values; the emulator answers 423 on the third failure).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LOCKOUT_MINUTES = 30
MAX_FAILURES = 3


@dataclass
class Session:
    token: str
    username: str
    source_ip: str
    last_activity: float


def lockout_entry(state: dict[str, Any], username: str) -> dict[str, Any]:
    """The user's lockout record (failures so far, locked_until epoch or None), created on first use."""
    return state["lockouts"].setdefault(username, {"failures": 0, "locked_until": None})


def record_failure(lock: dict[str, Any], now: float) -> bool:
    """Count one failed login; True when it locks the account (the counter restarts)."""
    lock["failures"] += 1
    if lock["failures"] < MAX_FAILURES:
        return False
    lock["locked_until"] = now + LOCKOUT_MINUTES * 60
    lock["failures"] = 0
    return True
