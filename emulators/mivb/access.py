"""Admin-policy based access decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ApiError

if TYPE_CHECKING:
    from .controller import Controller
    from .sessions import Session

ACCESS_LEVELS = ("Read/Write", "Read Only", "No Access")
# What a policy's `forms` map may name: the forms plus the two non-form areas it governs.
AREAS = (
    "system_security_management",
    "system_options",
    "smdr_options",
    "web_server_certificate",
    "device_certificate",
    "class_of_service_options",
    "class_of_restriction",
    "user_and_services_configuration",
    "interconnect_restriction",
    "sip_accounts",
    "vm_options",
    "wan_settings",
    "pptp",
    "port_forward_table",
    "user_profiles",
    "audit_trail",
)


def policy_of(ctrl: Controller, session: Session) -> str:
    return ctrl.state["users"][session.username]["policy"]


def require(ctrl: Controller, session: Session, area: str, write: bool) -> None:
    policy_name = policy_of(ctrl, session)
    if policy_name == "ROOT":
        return
    policy = ctrl.state["policies"].get(policy_name, {"default_access": "No Access", "forms": {}})
    access = policy["forms"].get(area, policy["default_access"])
    if access == "No Access" or (write and access != "Read/Write"):
        verb = "change" if write else "read"
        raise ApiError(403, "forbidden", f"admin policy {policy_name} does not allow you to {verb} {area}")


def require_root(ctrl: Controller, session: Session) -> None:
    if policy_of(ctrl, session) != "ROOT":
        raise ApiError(403, "forbidden", "only a ROOT-policy session may manage admin policies")
