# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors of the switch path (switch_config, switch_facts), the switch-side twin of
mivb_errors.

Every class carries a stable `kind` that the action plugins return as the `error_kind`
result key (auth, hostkey, unreachable, enable, rejected, session, verify, rollback; `busy` is
device_lock.DeviceBusy's),
so playbooks and tests can branch on it, and Python callers can catch by class. Messages
are written for an operator and never contain a password, enable secret or RADIUS key.
"""

from __future__ import annotations


class SwitchError(Exception):
    """Base class: connecting to, talking to or changing a switch failed.

    `SwitchError(message)` is the normal form; `SwitchError(kind, message)` (the older
    SwitchSessionError signature) is still accepted and sets `kind` on the instance.
    """

    kind = "error"

    def __init__(self, *args: str) -> None:
        if len(args) == 2:
            self.kind = args[0]
            args = args[1:]
        super().__init__(*args)
        self.message = str(args[0]) if args else ""


class AuthenticationFailed(SwitchError):
    """The switch refused the username/password; never retried in the same run."""

    kind = "auth"


class EnableRefused(AuthenticationFailed):
    """Logged in, but `enable` (privileged mode) refused the enable secret."""

    kind = "enable"


class HostKeyMismatch(SwitchError):
    """The SSH host key is unknown or differs from known_hosts: refused before any login."""

    kind = "hostkey"


class Unreachable(SwitchError):
    """No SSH session could be opened (refused, timed out, no route)."""

    kind = "unreachable"


class CommandRejected(SwitchError):
    """The CLI refused a configuration line (its error pattern matched)."""

    kind = "rejected"


class SessionLost(SwitchError):
    """The SSH session dropped in the middle of a read or a push."""

    kind = "session"


class VerifyFailed(SwitchError):
    """A fresh read after the push (or after the rollback) still differs from what was meant."""

    kind = "verify"


class RollbackFailed(SwitchError):
    """The push failed and restoring the pre-run config failed too: check the device by hand."""

    kind = "rollback"
