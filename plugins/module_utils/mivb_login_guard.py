# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lockout safety across runs: what the last run learned about a controller login.

A MiVB controller locks an account for 30 minutes after three consecutive failed logins,
and its counter survives between runs. A scheduled job that sends a wrong password every
run would lock the account on the third run. So the action plugin keeps, per controller
and user, a small record on the control node (`mivb_hardening_state_dir`, default
`$XDG_STATE_HOME/voicesec.mivb` or `~/.local/state/voicesec.mivb`):

* a rejected password is remembered as a salted SHA-256 (never the password) with the
  attempts the controller said remain: the same password is never sent again, and no
  password at all is sent once the controller said one attempt remains;
* a lockout is remembered until it ends;
* commissioning (`mivb_hardening_commission: true`) logs in with the factory password
  first, so a normal first run leaves no failed login in the audit trail; once the toolkit
  changed it, the record says so and later runs use the managed password only.

At most one failed login per controller per run, whatever the inventory holds. The record
is cleared by the next successful login; to retry after fixing a password by hand, delete
the file the error message names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import (
    AccountLocked,
    AuthenticationFailed,
)


def default_state_dir() -> str:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(base, "voicesec.mivb")


def guard_key(host: str, port: int, user: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in ".-" else "_" for ch in f"{host}_{port}_{user}")
    return safe


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class LoginGuard:
    """Context manager around one run's session: checks before the login, records after it."""

    def __init__(self, state_dir: str, key: str, commission: bool) -> None:
        self.dir = os.path.join(state_dir or os.environ.get("VOICESEC_STATE_DIR") or default_state_dir(), "logins")
        self.path = os.path.join(self.dir, key + ".json")
        self.key = key
        self.commission = commission
        self.record: dict[str, Any] = self._load()
        self.session: Any = None

    def _load(self) -> dict[str, Any]:
        try:
            with open(self.path, encoding="utf-8") as handle:
                data = json.load(handle)
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _save(self) -> None:
        os.makedirs(self.dir, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".login-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self.record, handle)
        os.replace(tmp, self.path)

    def _digest(self, password: str) -> str:
        return hashlib.sha256(f"{self.key}\0{password}".encode()).hexdigest()

    # -- wiring ------------------------------------------------------------------------------
    def bind(self, session: Any) -> None:
        """Set the session's login policy and its pre-login check from the record."""
        self.session = session
        if self.commission and not self.record.get("commissioned"):
            session.login_mode = "factory"
        else:
            session.login_mode = "managed"
        session.preflight = self.preflight

    def preflight(self, password: str) -> None:
        """Raise instead of sending a login the record says would fail or lock the account."""
        failure = self.record.get("failure") or {}
        hint = f"delete {self.path} to allow a new attempt"
        locked = failure.get("locked_until")
        if locked and _now().isoformat() < locked:
            raise AccountLocked(f"login not attempted: the controller locked the account until {locked} after "
                                f"failed logins (recorded {failure.get('at')}); it unlocks by itself then",
                                details={"locked_until": locked})
        remaining = failure.get("attempts_remaining")
        if isinstance(remaining, int) and remaining <= 1 and not locked:
            raise AuthenticationFailed(
                f"login not attempted: the last rejected login (recorded {failure.get('at')}) left {remaining} "
                "attempt(s) before a 30-minute lockout. Fix the password in inventory (ansible_password / "
                "mivb_factory_password), log in once by hand to reset the controller's counter, then " + hint,
                details={"attempts_remaining": remaining})
        if failure.get("password_sha256") == self._digest(password):
            raise AuthenticationFailed(
                f"login not attempted: this password was rejected by the controller on {failure.get('at')} and is "
                "never sent twice (3 failures lock the account). Fix ansible_password"
                + (" or set mivb_hardening_commission: false (the controller is not in factory state)"
                   if self.session is not None and self.session.login_mode == "factory" else "")
                + f"; then run again (or {hint})", details={"attempts_remaining": remaining})

    # -- context -----------------------------------------------------------------------------
    def __enter__(self) -> LoginGuard:
        return self

    def __exit__(self, *exc: Any) -> None:
        session = self.session
        if session is None:
            return
        error = getattr(session, "_login_error", None)
        tried = getattr(session, "last_attempted_password", None)
        changed = dict(self.record)
        if session.stats.get("logins"):
            changed.pop("failure", None)
            if session.login_mode == "managed" or getattr(session, "_accepted_password", None) != getattr(
                    session, "_factory_password", None):
                changed["commissioned"] = True
        elif isinstance(error, AccountLocked) and session.stats.get("failed_logins"):
            changed["failure"] = {"at": _now().isoformat(timespec="seconds"),
                                  "locked_until": error.details.get("locked_until")}
        elif isinstance(error, AuthenticationFailed) and session.stats.get("failed_logins") and tried:
            changed["failure"] = {"at": _now().isoformat(timespec="seconds"),
                                  "attempts_remaining": error.details.get("attempts_remaining"),
                                  "password_sha256": self._digest(tried)}
        if changed != self.record:
            self.record = changed
            try:
                self._save()
            except OSError:
                pass  # the in-run guarantee (one attempt) holds without the record
