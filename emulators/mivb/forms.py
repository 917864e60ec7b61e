"""Field definitions, factory values and validation of the editable forms.

A PATCH is validated as a whole by `validate_patch` before anything is applied, so a bad
field leaves the form untouched (the contract's atomicity rule).
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any

from plugins.module_utils.mivb_contract import GUIDELINE_CIPHERS, TLS_APPLICATIONS, TLS_LEVELS
from plugins.module_utils.secrets import CONTROLLER_SECRET_FIELDS

from .errors import invalid
from .passwords import STRENGTHS

FACTORY_SUITES = [
    *GUIDELINE_CIPHERS,
    "AES128-SHA",
    "AES256-SHA",
    "ECDHE-RSA-AES128-SHA",
    "ECDHE-RSA-AES256-SHA",
]
SUPPORTED_SUITES = [*FACTORY_SUITES, "ECDHE-RSA-CHACHA20-POLY1305"]

FACTORY: dict[str, dict[str, Any]] = {
    "system_security_management": {
        "login_banner_enabled": False,
        "login_banner_text": "",
        "password_strength": "Weak",
        "session_inactivity_minutes": 15,
        "password_expiry_days": 0,
        "tls_security_levels": dict.fromkeys(TLS_APPLICATIONS, "Legacy"),
        "https_tls_1_2_only": False,
        "https_cipher_suites": list(FACTORY_SUITES),
    },
    "system_options": {
        "voice_encryption_enabled": True,
        "srtp_encryption_enabled": True,
        "disa_failed_attempts": 10,
        "disa_lockout_minutes": 0,
        "set_registration_attempts": 10,
    },
}
# Write-only secrets per form: PATCH sets them, GET shows only `<name>_set` (the toolkit's table).
SECRET_FIELDS = {form: CONTROLLER_SECRET_FIELDS.get(form, ()) for form in FACTORY}

Validator = Callable[[str, Any, dict[str, Any]], Any]


def _bool(field: str, value: Any, _: dict[str, Any]) -> bool:
    if not isinstance(value, bool):
        raise invalid(field, f"{field} must be true or false", [True, False])
    return value


def _int_range(low: int, high: int) -> Validator:
    def check(field: str, value: Any, _: dict[str, Any]) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise invalid(field, f"{field} must be an integer from {low} to {high}", {"min": low, "max": high})
        return value

    return check


def _choice(options: tuple[str, ...]) -> Validator:
    def check(field: str, value: Any, _: dict[str, Any]) -> str:
        if value not in options:
            raise invalid(field, f"{field} must be one of {', '.join(options)}", list(options))
        return value

    return check


def _text(max_len: int) -> Validator:
    def check(field: str, value: Any, _: dict[str, Any]) -> str:
        if not isinstance(value, str) or len(value) > max_len:
            raise invalid(field, f"{field} must be a string of at most {max_len} characters", {"max_length": max_len})
        return value

    return check


def _digits(low: int, high: int) -> Validator:
    def check(field: str, value: Any, _: dict[str, Any]) -> str:
        if not isinstance(value, str) or not value.isascii() or not value.isdigit() or not low <= len(value) <= high:
            raise invalid(
                field,
                f"{field} must be {low} to {high} digits (0-9 only)",
                {"pattern": f"^[0-9]{{{low},{high}}}$"},
            )
        return value

    return check


def _tls_levels(field: str, value: Any, current: dict[str, Any]) -> dict[str, str]:
    if not isinstance(value, dict):
        raise invalid(field, f"{field} must be an object of application -> level", list(TLS_APPLICATIONS))
    merged = dict(current[field])
    for app, level in value.items():
        if app not in TLS_APPLICATIONS:
            raise invalid(f"{field}.{app}", f"unknown application {app!r}", list(TLS_APPLICATIONS))
        if level not in TLS_LEVELS:
            raise invalid(f"{field}.{app}", f"{field}.{app} must be High, Low or Legacy", list(TLS_LEVELS))
        merged[app] = level
    return merged


def _suites(field: str, value: Any, _: dict[str, Any]) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(s, str) for s in value):
        raise invalid(field, f"{field} must be a non-empty list of suite names", SUPPORTED_SUITES)
    unknown = [s for s in value if s not in SUPPORTED_SUITES]
    if unknown:
        raise invalid(field, f"{field}: unsupported suite(s) {', '.join(unknown)}", SUPPORTED_SUITES)
    if len(set(value)) != len(value):
        raise invalid(field, f"{field} lists a suite twice", SUPPORTED_SUITES)
    return list(value)


VALIDATORS: dict[str, dict[str, Validator]] = {
    "system_security_management": {
        "login_banner_enabled": _bool,
        "login_banner_text": _text(4000),
        "password_strength": _choice(STRENGTHS),
        "session_inactivity_minutes": _int_range(1, 1440),
        "password_expiry_days": _int_range(0, 365),
        "phone_admin_passcode": _digits(4, 10),
        "tls_security_levels": _tls_levels,
        "https_tls_1_2_only": _bool,
        "https_cipher_suites": _suites,
    },
    "system_options": {
        "voice_encryption_enabled": _bool,
        "srtp_encryption_enabled": _bool,
        "disa_failed_attempts": _int_range(1, 10),
        "disa_lockout_minutes": _int_range(0, 60),
        "set_registration_access_code": _digits(4, 10),
        "set_registration_attempts": _int_range(1, 10),
    },
}

# Fields a GET shows that are computed, not settable.
READ_ONLY = {
    "system_security_management": ("phone_admin_passcode_set",),
    "system_options": ("set_registration_access_code_set", "srtp_encryption_effective"),
}


def validate_patch(form: str, patch: Any, current: dict[str, Any]) -> dict[str, Any]:
    """Validate every field of `patch`; return the normalised values (nothing applied)."""
    if not isinstance(patch, dict) or not patch:
        raise invalid("fields", 'body must be {"fields": {...}} with at least one field')
    validators = VALIDATORS[form]
    out: dict[str, Any] = {}
    for field, value in patch.items():
        if field in READ_ONLY[form]:
            raise invalid(field, f"{field} is read-only", sorted(validators))
        if field not in validators:
            raise invalid(field, f"unknown field {field!r} for form {form}", sorted(validators))
        out[field] = validators[field](field, value, current)
    return out


def check_suites_available() -> None:
    """Fail fast if the local OpenSSL cannot offer a suite the emulator claims to support."""
    for suite in SUPPORTED_SUITES:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.set_ciphers(suite + ":@SECLEVEL=0")
