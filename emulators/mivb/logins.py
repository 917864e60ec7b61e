"""One login check for every login path of a controller (model services layer: no protocol here).

The guideline (Identity and Authentication, System Security Management) names the paths: the
System Administration Tool (here the Management API over HTTPS), MiXML, FTP and the RTC /
maintenance shell. All of them check the same user profiles, and "the number of consecutive
failed login attempts allowed is hardcoded at three": the failure counter is per account,
whatever the path, so two failed SSH logins and one failed HTTPS login lock the account.
The factory password keeps working on every path until it is changed (from the SAT login page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .clock import iso, parse_iso
from .passwords import check_secret
from .sessions import LOCKOUT_MINUTES, MAX_FAILURES, lockout_entry, record_failure

if TYPE_CHECKING:
    from .controller import Controller

LOGIN_CATEGORY = "LogIn/LogOut/Security Audit"


@dataclass(frozen=True)
class LoginResult:
    """`outcome`: ok | locked (refused, or locked by this failure) | expired | failed |
    no_certificate (an Application-only profile without its MiXML certificate)."""

    outcome: str
    attempts_remaining: int = MAX_FAILURES
    locked_until: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def authenticate(
    ctrl: Controller,
    username: str,
    password: str,
    peer: str,
    interface: str,
    allowed: str | None = None,
) -> LoginResult:
    """Check a login and audit it (caller holds no lock). `allowed`: when set, a policy the
    account must have on this path (the maintenance shell is ROOT only); a wrong policy is a
    refusal that does not count towards the lockout (the password was right)."""
    with ctrl.lock:
        now = ctrl.clock.now()
        lock = lockout_entry(ctrl.state, username)

        def audit(action: str, message: str, severity: str = "Warning") -> None:
            ctrl.audit(action, username, peer, category=LOGIN_CATEGORY, severity=severity, message=message,
                       interface=interface)

        if lock["locked_until"] is not None:
            if now < lock["locked_until"]:
                audit("Login Refused", f"login refused: account locked until {iso(lock['locked_until'])}")
                return LoginResult("locked", 0, iso(lock["locked_until"]))
            lock["locked_until"] = None
            lock["failures"] = 0
        user = ctrl.state["users"].get(username)
        if user is not None and user.get("expires") and now > parse_iso(user["expires"]).timestamp():
            audit("Login Failed", "login refused: the user profile has expired")
            return LoginResult("expired", MAX_FAILURES - lock["failures"])
        if user is None or not check_secret(password, user["password_hash"]):
            locked = record_failure(lock, now)
            audit("Login Failed", f"failed login {MAX_FAILURES if locked else lock['failures']} of {MAX_FAILURES}")
            if locked:
                audit("Lockout", f"{MAX_FAILURES} consecutive failed logins: locked for {LOCKOUT_MINUTES} minutes",
                      severity="Major")
                return LoginResult("locked", 0, iso(lock["locked_until"]))
            return LoginResult("failed", MAX_FAILURES - lock["failures"])
        lock["failures"] = 0
        if user["application_access_only"] and not user.get("mixml_certificate_sha256"):
            # Guideline, "Application - Login Security": MiXML applications need a certificate as
            # well as the credentials of a profile with Application access.
            audit("Login Refused", "login refused: application profile without a MiXML certificate")
            return LoginResult("no_certificate", MAX_FAILURES)
        if allowed is not None and user["policy"] != allowed:
            audit("Login Refused", f"login refused: {interface} needs a {allowed}-policy user profile")
            return LoginResult("failed", MAX_FAILURES)
        audit("Login", "login", severity="Info")
        return LoginResult("ok")
