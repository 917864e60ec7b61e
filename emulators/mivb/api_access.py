"""Admin policies, user authorization profiles and the audit trail."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from plugins.module_utils.secrets import MASK

from . import access
from .clock import iso, parse_iso
from .errors import ApiError, invalid
from .factory import FACTORY_POLICIES
from .passwords import check_secret, hash_secret, strength_problem
from .request import Request, body_dict

if TYPE_CHECKING:
    from .controller import Controller

_USERNAME = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
_POLICY_NAME = re.compile(r"^[A-Za-z0-9 ._-]{1,32}$")
# SHA-256 fingerprint of a MiXML application's certificate, as the certificate forms show them.
_FINGERPRINT = re.compile(r"^[0-9A-F]{2}(:[0-9A-F]{2}){31}$")


def _policy_view(ctrl: Controller, name: str) -> dict[str, Any]:
    policy = ctrl.state["policies"][name]
    return {
        "name": name,
        "default_access": policy["default_access"],
        "default_policy": name in FACTORY_POLICIES,
        "forms": dict(policy["forms"]),
    }


def list_policies(ctrl: Controller, req: Request) -> tuple[int, Any]:
    access.require_root(ctrl, ctrl.session_for(req.token))
    return 200, {"policies": [_policy_view(ctrl, name) for name in ctrl.state["policies"]]}


def put_policy(ctrl: Controller, req: Request) -> tuple[int, Any]:
    session = ctrl.session_for(req.token)
    access.require_root(ctrl, session)
    name = req.params["name"]
    if name == "ROOT":
        raise ApiError(409, "immutable", "the ROOT admin policy cannot be changed")
    if not _POLICY_NAME.match(name):
        raise invalid("name", "policy name: 1-32 letters, digits, space, '.', '_' or '-'")
    body = body_dict(req, {"default_access", "forms"}, {"default_access"})
    if body["default_access"] not in access.ACCESS_LEVELS:
        raise invalid("default_access", "default_access must be one of the access levels", list(access.ACCESS_LEVELS))
    forms = body.get("forms", {})
    if not isinstance(forms, dict):
        raise invalid("forms", "forms must be an object of form -> access", list(access.AREAS))
    for form, level in forms.items():
        if form not in access.AREAS:
            raise invalid(f"forms.{form}", f"unknown form {form!r}", list(access.AREAS))
        if level not in access.ACCESS_LEVELS:
            raise invalid(f"forms.{form}", f"forms.{form} must be an access level", list(access.ACCESS_LEVELS))
    new = {"default_access": body["default_access"], "forms": dict(forms)}
    old = ctrl.state["policies"].get(name)
    if old != new:
        ctrl.state["policies"][name] = new
        changes = [
            {"field": key, "old": old.get(key) if old else None, "new": value}
            for key, value in new.items()
            if not old or old.get(key) != value
        ]
        ctrl.audit(
            "Add" if old is None else "Modify",
            session.username,
            req.client_ip,
            form="admin_policies",
            changes=changes,
            message=f"admin policy {name}",
        )
    return 200, _policy_view(ctrl, name)


def delete_policy(ctrl: Controller, req: Request) -> tuple[int, Any]:
    session = ctrl.session_for(req.token)
    access.require_root(ctrl, session)
    name = req.params["name"]
    if name not in ctrl.state["policies"]:
        raise ApiError(404, "not_found", f"no admin policy {name!r}")
    if name in FACTORY_POLICIES:
        raise ApiError(409, "immutable", f"the default admin policy {name} cannot be deleted")
    users = sorted(u for u, p in ctrl.state["users"].items() if p["policy"] == name)
    if users:
        raise ApiError(409, "immutable", f"admin policy {name} is assigned to {', '.join(users)}")
    del ctrl.state["policies"][name]
    ctrl.audit("Delete", session.username, req.client_ip, form="admin_policies", message=f"admin policy {name}")
    return 200, {"deleted": name}


def _profile_view(username: str, user: dict[str, Any]) -> dict[str, Any]:
    return {
        "username": username,
        "policy": user["policy"],
        "application_access_only": user["application_access_only"],
        "expires": user["expires"],
        "mixml_certificate_sha256": user.get("mixml_certificate_sha256"),
    }


def list_profiles(ctrl: Controller, req: Request) -> tuple[int, Any]:
    access.require(ctrl, ctrl.session_for(req.token), "user_profiles", write=False)
    return 200, {"profiles": [_profile_view(u, p) for u, p in ctrl.state["users"].items()]}


def _root_users(ctrl: Controller) -> list[str]:
    return [u for u, p in ctrl.state["users"].items() if p["policy"] == "ROOT"]


def put_profile(ctrl: Controller, req: Request) -> tuple[int, Any]:
    session = ctrl.session_for(req.token)
    access.require(ctrl, session, "user_profiles", write=True)
    username = req.params["username"]
    if not _USERNAME.match(username):
        raise invalid("username", "username: 1-32 letters, digits, '.', '_' or '-'")
    body = body_dict(req, {"policy", "password", "application_access_only", "expires", "mixml_certificate_sha256"},
                     {"policy"})
    old = ctrl.state["users"].get(username)
    if body["policy"] not in ctrl.state["policies"]:
        raise invalid("policy", f"no admin policy {body['policy']!r}", list(ctrl.state["policies"]))
    if body["policy"] == "ROOT" and access.policy_of(ctrl, session) != "ROOT":
        raise ApiError(403, "forbidden", "only a ROOT-policy session may grant the ROOT policy")
    if old is None and "password" not in body:
        raise invalid("password", "password is required when creating a profile")
    if "password" in body:
        strength = ctrl.state["forms"]["system_security_management"]["password_strength"]
        problem = strength_problem(body["password"], strength)
        if problem:
            raise invalid("password", problem, {"password_strength": strength})
    app_only = body.get("application_access_only", old["application_access_only"] if old else False)
    if not isinstance(app_only, bool):
        raise invalid("application_access_only", "application_access_only must be true or false", [True, False])
    expires = body.get("expires", old["expires"] if old else None)
    if expires is not None:
        try:
            expires = iso(parse_iso(expires))
        except (TypeError, ValueError, AttributeError):
            raise invalid("expires", "expires must be an ISO 8601 date/time or null") from None
    cert = body.get("mixml_certificate_sha256", old.get("mixml_certificate_sha256") if old else None)
    if cert is not None:
        if not isinstance(cert, str) or not _FINGERPRINT.match(cert.upper()):
            raise invalid("mixml_certificate_sha256", "mixml_certificate_sha256: the SHA-256 fingerprint of the "
                          "application's certificate (64 hex digits, colon-separated pairs) or null",
                          {"pattern": _FINGERPRINT.pattern})
        cert = cert.upper()
        if not app_only:
            # Guideline, "Application - Login Security": the certificate goes with a profile that
            # has Application access (MiXML), not with an administrator's profile.
            raise invalid("mixml_certificate_sha256", "a MiXML certificate belongs to a profile with "
                          "application_access_only: true", [None])
    if old and old["policy"] == "ROOT" and body["policy"] != "ROOT" and _root_users(ctrl) == [username]:
        raise ApiError(409, "immutable", "cannot take the ROOT policy from the last ROOT profile")
    new = {"policy": body["policy"], "application_access_only": app_only, "expires": expires,
           "mixml_certificate_sha256": cert}
    changes = [
        {"field": key, "old": old.get(key) if old else None, "new": value}
        for key, value in new.items()
        if not old or old.get(key) != value
    ]
    user = old if old is not None else {"password_change_required": False}
    user.update(new)
    if "password" in body:
        user["password_hash"] = hash_secret(body["password"])
        user["password_changed_at"] = ctrl.clock.now()
        changes.append({"field": "password", "old": MASK if old else None, "new": MASK})
    ctrl.state["users"][username] = user
    if changes:
        ctrl.audit(
            "Add" if old is None else "Modify",
            session.username,
            req.client_ip,
            form="user_profiles",
            changes=changes,
            message=f"user profile {username}",
        )
    return 200, _profile_view(username, user)


def delete_profile(ctrl: Controller, req: Request) -> tuple[int, Any]:
    session = ctrl.session_for(req.token)
    access.require(ctrl, session, "user_profiles", write=True)
    username = req.params["username"]
    if username not in ctrl.state["users"]:
        raise ApiError(404, "not_found", f"no user profile {username!r}")
    if username == session.username:
        raise ApiError(409, "immutable", "you cannot delete your own profile")
    if _root_users(ctrl) == [username]:
        raise ApiError(409, "immutable", "cannot delete the last ROOT profile")
    del ctrl.state["users"][username]
    ctrl.state["lockouts"].pop(username, None)
    ctrl.drop_sessions(username)
    ctrl.audit("Delete", session.username, req.client_ip, form="user_profiles", message=f"user profile {username}")
    return 200, {"deleted": username}


def verify_profile_secret(ctrl: Controller, req: Request) -> tuple[int, Any]:
    """Whether a value is a profile's password, without a login (no failed-login count, no lockout)."""
    session = ctrl.session_for(req.token)
    access.require(ctrl, session, "user_profiles", write=False)
    username = req.params["username"]
    user = ctrl.state["users"].get(username)
    if user is None:
        raise ApiError(404, "not_found", f"no user profile {username!r}")
    body = body_dict(req, {"field", "value"}, {"field", "value"})
    if body["field"] != "password":
        raise invalid("field", "a user profile's only write-only secret is password", ["password"])
    match = check_secret(body["value"], user["password_hash"])
    ctrl.audit(
        "Verify Secret",
        session.username,
        req.client_ip,
        form="user_profiles",
        message=f"verify-secret user profile {username} password value={MASK} match={str(match).lower()}",
    )
    return 200, {"field": "password", "match": match}


def audit_trail(ctrl: Controller, req: Request) -> tuple[int, Any]:
    """Entries with id > since_id, oldest first, from the archive and the live window; `more`
    says another page follows (page on with since_id = the last id received)."""
    access.require(ctrl, ctrl.session_for(req.token), "audit_trail", write=False)
    try:
        since = int(req.query.get("since_id", "0"))
        limit = int(req.query.get("limit", "1000"))
    except ValueError:
        raise invalid("since_id", "since_id and limit must be integers") from None
    if since < 0:
        raise invalid("since_id", "since_id must be >= 0", {"min": 0})
    if not 1 <= limit <= 5000:
        raise invalid("limit", "limit must be 1-5000", {"min": 1, "max": 5000})
    entries = ctrl.audit_since(since, limit)
    newest = ctrl.state["audit_next_id"] - 1
    return 200, {
        "entries": entries,
        "newest_id": newest,
        "oldest_id": ctrl.oldest_audit_id(),
        "more": bool(entries) and entries[-1]["id"] < newest,
    }
