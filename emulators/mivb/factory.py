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
                "mixml_certificate_sha256": None,
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
        "sip_accounts": {},
    }


def fill_missing(state: dict[str, Any], now: float) -> dict[str, Any]:
    """A state file of an older emulator: add the keys, forms, form fields and profile keys it
    lacks, with their factory values (never touching what it has, e.g. rows deleted from a table)."""
    factory = factory_state(now)
    for key, value in factory.items():
        state.setdefault(key, value)
    for form, fields in factory["forms"].items():
        have = state["forms"].setdefault(form, fields)
        for name, value in fields.items():
            have.setdefault(name, value)
    for user in state["users"].values():
        user.setdefault("mixml_certificate_sha256", None)
    for name, value in factory["secrets"].items():
        state["secrets"].setdefault(name, value)
    return state
