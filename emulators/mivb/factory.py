"""A controller's factory configuration state (what an empty state dir starts from)."""

from __future__ import annotations

import copy
from typing import Any

from .forms import FACTORY
from .passwords import factory_password_hash

# The four admin policies MiVB ships with; they cannot be deleted.
FACTORY_POLICIES = ("ROOT", "SYSTEM", "REMOTE", "NO ACCESS")


def factory_state(now: float) -> dict[str, Any]:
    return {
        "version": 1,
        "forms": copy.deepcopy(FACTORY),
        "secrets": {"phone_admin_passcode": None, "set_registration_access_code": None, "pptp_password": None},
        "users": {
            "system": {
                "policy": "ROOT",
                "password_hash": factory_password_hash(),
                "password_change_required": True,
                "password_changed_at": now,
                "application_access_only": False,
                "expires": None,
            }
        },
        "policies": {
            "ROOT": {"default_access": "Read/Write", "forms": {}},
            "SYSTEM": {"default_access": "Read/Write", "forms": {}},
            "REMOTE": {"default_access": "Read Only", "forms": {}},
            "NO ACCESS": {"default_access": "No Access", "forms": {}},
        },
        "lockouts": {},
        "device_certificate": {"type": "mitel_legacy"},
        "audit_next_id": 1,
    }


def upgrade_state(state: dict[str, Any]) -> dict[str, Any]:
    """A state file written by an older emulator: add the forms, fields and secrets it lacks
    at their factory values (a software upgrade keeps the configuration and adds the new forms)."""
    fresh = factory_state(0.0)
    for form, fields in fresh["forms"].items():
        current = state["forms"].setdefault(form, copy.deepcopy(fields))
        for name, value in fields.items():
            current.setdefault(name, copy.deepcopy(value))
    for name, value in fresh["secrets"].items():
        state["secrets"].setdefault(name, value)
    return state
