"""Login lockout policies of the emulated switches, read from the running config.

Cisco IOS / IOS-XE, Login Block (Cisco "Security Configuration Guide: Cisco IOS Login
Enhancements", command `login block-for <seconds> attempts <tries> within <seconds>`,
each 1-65535): when <tries> logins fail within <within> seconds the device enters a quiet
period of <block-for> seconds in which every Telnet/SSH login is refused, whoever and
from wherever (no `login quiet-mode access-class` exemption is modelled). Failures are
counted for the whole device, not per user. The device refuses the connection itself in
quiet mode (its default quiet-mode ACL `sl_def_acl` denies SSH), so a client sees the
connection closed before any authentication.

Aruba AOS-CX, `aaa authentication limit-login-attempts <1-10> lockout-time <1-3600>`
(HPE "AOS-CX 10.x Security Guide", command reference of the same name): when a user's
consecutive failed local logins reach <attempts>, that user is locked out for
<lockout-time> seconds; during lockout even the right password is refused. A successful
login resets the user's count. The lockout is per user; other users can still log in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .model import Node


@dataclass
class LoginGuard:
    """Failure bookkeeping of one device; `now` is injectable for tests."""

    ios_failures: list[float] = field(default_factory=list)
    quiet_until: float = 0.0
    cx_failures: dict[str, int] = field(default_factory=dict)
    cx_locked_until: dict[str, float] = field(default_factory=dict)

    # ---- policy from the running config -------------------------------------------------
    @staticmethod
    def ios_policy(root: Node) -> tuple[int, int, int] | None:
        """(block_for, attempts, within) from `login block-for B attempts A within W`."""
        node = next((c for c in root.children if c.text.startswith("login block-for ")), None)
        if node is None:
            return None
        words = node.text.split()
        return int(words[2]), int(words[4]), int(words[6])

    @staticmethod
    def cx_policy(root: Node) -> tuple[int, int] | None:
        """(attempts, lockout_time) from `aaa authentication limit-login-attempts A lockout-time T`."""
        node = next((c for c in root.children if c.text.startswith("aaa authentication limit-login-attempts ")),
                    None)
        if node is None:
            return None
        words = node.text.split()
        return int(words[3]), int(words[5])

    # ---- decisions ----------------------------------------------------------------------
    def connection_blocked(self, platform: str, root: Node, now: float | None = None) -> int:
        """Seconds left of an IOS quiet period (0: connections are accepted)."""
        now = time.time() if now is None else now
        if platform != "cisco_ios" or self.ios_policy(root) is None:
            return 0
        return max(0, int(self.quiet_until - now + 0.999))

    def user_locked(self, platform: str, root: Node, user: str, now: float | None = None) -> int:
        """Seconds left of an AOS-CX user lockout (0: not locked)."""
        now = time.time() if now is None else now
        if platform != "aruba_aoscx" or self.cx_policy(root) is None:
            return 0
        return max(0, int(self.cx_locked_until.get(user, 0) - now + 0.999))

    def record(self, platform: str, root: Node, user: str, ok: bool, now: float | None = None) -> str | None:
        """Count one login outcome; return "quiet-mode" / "locked-out" when this failure triggers it."""
        now = time.time() if now is None else now
        if platform == "cisco_ios":
            policy = self.ios_policy(root)
            if policy is None or ok:
                return None
            block_for, attempts, within = policy
            self.ios_failures = [t for t in self.ios_failures if now - t < within] + [now]
            if len(self.ios_failures) >= attempts:
                self.quiet_until = now + block_for
                self.ios_failures = []
                return "quiet-mode"
            return None
        policy_cx = self.cx_policy(root)
        if policy_cx is None:
            return None
        if ok:
            self.cx_failures.pop(user, None)
            return None
        attempts, lockout_time = policy_cx
        self.cx_failures[user] = self.cx_failures.get(user, 0) + 1
        if self.cx_failures[user] >= attempts:
            self.cx_locked_until[user] = now + lockout_time
            self.cx_failures[user] = 0
            return "locked-out"
        return None
