"""SIP trunk and SIP device credentials (TOLL-05; KMS HO1180 "Simple SIP Passwords and
Impersonation", HO916 "General Guidelines to Secure SIP trunks").

Two kinds of account, as MiVB keeps them: a *SIP Peer Profile* (a SIP trunk: its
authentication user name and password) and a *SIP device* (a SIP set: its extension, user
name and SIP password, programmed in User and Services Configuration). A registrar needs a
digest of the password, not the password: the controller keeps the SIP digest hash
H(user:realm:password) with SHA-256 (RFC 8760), plus the length it was set with, and never
returns either. A client proves a password is simple by sending candidates; the controller
answers one boolean per account.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

from .errors import invalid

REALM = "mivb"
KINDS = ("sip_peer_profile", "sip_device")
MAX_CANDIDATES = 500
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,32}$")


def digest(user_name: str, password: str) -> str:
    return hashlib.sha256(f"{user_name}:{REALM}:{password}".encode()).hexdigest()


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise invalid("name", "account name: 1-32 letters, digits, '.', '_' or '-'", {"pattern": _NAME.pattern})
    return name


def new_account(body: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    """Validate a PUT body (password required on create) into the stored record."""
    if body.get("kind") not in KINDS:
        raise invalid("kind", "kind must be sip_peer_profile or sip_device", list(KINDS))
    user_name = body.get("user_name")
    if not isinstance(user_name, str) or not _NAME.match(user_name):
        raise invalid("user_name", "user_name: 1-32 letters, digits, '.', '_' or '-'", {"pattern": _NAME.pattern})
    extension = body.get("extension")
    if extension is not None and (not isinstance(extension, str) or not extension.isdigit() or len(extension) > 10):
        raise invalid("extension", "extension: 1-10 digits or null", {"pattern": "^[0-9]{1,10}$"})
    password = body.get("password")
    if password is None and (old is None or old["user_name"] != user_name):
        raise invalid("password", "password is required for a new account or a new user_name (the digest "
                      "depends on both)")
    if password is not None and (not isinstance(password, str) or not 1 <= len(password) <= 64):
        raise invalid("password", "password: 1-64 characters", {"min_length": 1, "max_length": 64})
    record = {"kind": body["kind"], "user_name": user_name, "extension": extension}
    if password is None and old is not None:
        record.update(digest=old["digest"], length=old["length"])
    else:
        record.update(digest=digest(user_name, password), length=len(password))
    return record


def view(name: str, record: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "kind": record["kind"], "user_name": record["user_name"],
            "extension": record["extension"], "password_set": bool(record["digest"])}


def check_candidates(record: dict[str, Any], body: dict[str, Any]) -> dict[str, bool]:
    candidates, min_length = body.get("candidates"), body.get("min_length", 1)
    if (not isinstance(candidates, list) or not 1 <= len(candidates) <= MAX_CANDIDATES
            or not all(isinstance(c, str) for c in candidates)):
        raise invalid("candidates", f"candidates: a list of 1-{MAX_CANDIDATES} strings",
                      {"min_items": 1, "max_items": MAX_CANDIDATES})
    if isinstance(min_length, bool) or not isinstance(min_length, int) or not 1 <= min_length <= 64:
        raise invalid("min_length", "min_length: an integer from 1 to 64", {"min": 1, "max": 64})
    stored = record["digest"]
    match = any(hmac.compare_digest(digest(record["user_name"], c), stored) for c in candidates)
    return {"match": match, "shorter_than_min_length": record["length"] < min_length}
