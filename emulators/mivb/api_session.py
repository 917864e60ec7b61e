"""Login, logout, session, password change, banner, OpenAPI document."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plugins.module_utils.secrets import MASK

from .errors import ApiError, invalid
from .logins import LOGIN_CATEGORY as _LOGIN_CATEGORY
from .logins import authenticate
from .passwords import FACTORY_PASSWORD, check_secret, hash_secret, strength_problem
from .request import Request, body_dict

if TYPE_CHECKING:
    from .controller import Controller

HTTPS_INTERFACE = "Management API (HTTPS)"


MIXML_INTERFACE = "MiXML"


def _checked_login(ctrl: Controller, req: Request, interface: str) -> str:
    """The credentials of a login request, checked on `interface` (one lockout counter per
    account for every path); returns the user name or raises the contract's error."""
    body = body_dict(req, {"username", "password"}, {"username", "password"})
    username, password = body["username"], body["password"]
    if not isinstance(username, str) or not isinstance(password, str):
        raise invalid("username", "username and password must be strings")
    checked = authenticate(ctrl, username, password, req.client_ip, interface)
    if checked.outcome == "locked":
        raise ApiError(423, "account_locked", "account locked after 3 consecutive failed logins",
                       locked_until=checked.locked_until)
    if checked.outcome == "no_certificate":
        raise ApiError(403, "forbidden", "an Application-only profile needs a MiXML certificate "
                       "(mixml_certificate_sha256) before it can log in")
    if not checked.ok:
        message = "the user profile has expired" if checked.outcome == "expired" else "wrong username or password"
        raise ApiError(401, "invalid_credentials", message, attempts_remaining=checked.attempts_remaining)
    return username


def login(ctrl: Controller, req: Request) -> tuple[int, Any]:
    username = _checked_login(ctrl, req, HTTPS_INTERFACE)
    user = ctrl.state["users"][username]
    now = ctrl.clock.now()
    expiry_days = ctrl.state["forms"]["system_security_management"]["password_expiry_days"]
    if expiry_days and now - user["password_changed_at"] > expiry_days * 86400:
        user["password_change_required"] = True
    session = ctrl.new_session(username, req.client_ip)
    ctrl.stats.logins += 1
    return 200, {
        "token": session.token,
        "username": username,
        "policy": user["policy"],
        "password_change_required": user["password_change_required"],
        "session_inactivity_minutes": ctrl.state["forms"]["system_security_management"]["session_inactivity_minutes"],
    }


def mixml_login(ctrl: Controller, req: Request) -> tuple[int, Any]:
    """The MiXML web service's login (Security Guidelines, "Application - Login Security"): the
    same user profiles, the same per-account lockout as every other path. No session is kept:
    the emulator models MiXML only as far as its login (AUTH-01 is proven on every path)."""
    username = _checked_login(ctrl, req, MIXML_INTERFACE)
    return 200, {"username": username, "policy": ctrl.state["users"][username]["policy"]}


def logout(ctrl: Controller, req: Request) -> tuple[int, Any]:
    session = ctrl.session_for(req.token, allow_password_change=True)
    del ctrl.sessions[session.token]
    ctrl.audit("Logout", session.username, req.client_ip, category=_LOGIN_CATEGORY, message="logout")
    return 200, {"logged_out": True}


def get_session(ctrl: Controller, req: Request) -> tuple[int, Any]:
    # Read the idle time before session_for() refreshes it.
    previous = ctrl.sessions.get(req.token or "")
    idle = ctrl.clock.now() - previous.last_activity if previous else 0.0
    session = ctrl.session_for(req.token, allow_password_change=True)
    user = ctrl.state["users"][session.username]
    return 200, {
        "username": session.username,
        "policy": user["policy"],
        "password_change_required": user["password_change_required"],
        "idle_seconds": int(idle),
    }


def change_password(ctrl: Controller, req: Request) -> tuple[int, Any]:
    session = ctrl.session_for(req.token, allow_password_change=True)
    body = body_dict(req, {"current_password", "new_password"}, {"current_password", "new_password"})
    user = ctrl.state["users"][session.username]
    if not check_secret(body["current_password"], user["password_hash"]):
        raise invalid("current_password", "current_password is wrong")
    new = body["new_password"]
    strength = ctrl.state["forms"]["system_security_management"]["password_strength"]
    problem = strength_problem(new, strength)
    if problem:
        raise invalid("new_password", problem, {"password_strength": strength})
    if new == body["current_password"] or new == FACTORY_PASSWORD:
        raise invalid("new_password", "new_password must differ from the current and the factory password")
    user["password_hash"] = hash_secret(new)
    user["password_change_required"] = False
    user["password_changed_at"] = ctrl.clock.now()
    ctrl.audit(
        "Password Change",
        session.username,
        req.client_ip,
        category=_LOGIN_CATEGORY,
        changes=[{"field": "password", "old": MASK, "new": MASK}],
        message="password changed",
    )
    return 200, {"password_change_required": False}


def banner(ctrl: Controller, req: Request) -> tuple[int, Any]:
    form = ctrl.state["forms"]["system_security_management"]
    enabled = form["login_banner_enabled"]
    return 200, {"enabled": enabled, "text": form["login_banner_text"] if enabled else ""}


@cache
def openapi_document() -> dict[str, Any]:
    return json.loads((Path(__file__).parent / "openapi.json").read_text(encoding="utf-8"))


def openapi(ctrl: Controller, req: Request) -> tuple[int, Any]:
    return 200, openapi_document()
