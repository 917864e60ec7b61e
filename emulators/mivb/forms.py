"""Field definitions, factory values and validation of the editable forms.

A PATCH is validated as a whole by `validate_patch` before anything is applied, so a bad
field leaves the form untouched (the contract's atomicity rule).
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any

from plugins.module_utils.mivb_contract import GUIDELINE_CIPHERS, SMDR_FIELDS, TLS_APPLICATIONS, TLS_LEVELS, YES_NO
from plugins.module_utils.secrets import CONTROLLER_SECRET_FIELDS

from . import toll_forms
from .errors import invalid
from .passwords import STRENGTHS

GUIDELINE_SUITES = list(GUIDELINE_CIPHERS)
# Security Guidelines 9.4, "Administration Encryption": these eight are "available in the Cipher
# Suite of MiVoice Business 9.0 by default", i.e. what a 9.4 system ships. Removing one is a Mitel
# support change, not a SAT form field (docs/management-api.md: https_cipher_suites is the
# contract's own name for that support-set list).
FACTORY_SUITES = list(GUIDELINE_SUITES)
# Suites the emulated OpenSSL can also be set to: a list beyond the eight (with a written
# exception on the toolkit side) must still be representable.
SUPPORTED_SUITES = [
    *FACTORY_SUITES,
    "AES128-SHA",
    "AES256-SHA",
    "ECDHE-RSA-AES128-SHA",
    "ECDHE-RSA-AES256-SHA",
    "ECDHE-RSA-CHACHA20-POLY1305",
]

FACTORY: dict[str, dict[str, Any]] = {
    "system_security_management": {
        "login_banner_enabled": False,
        "login_banner_text": "",
        "password_strength": "Weak",
        "session_inactivity_minutes": 15,
        "password_expiry_days": 0,
        # "Application TLS Security Level": "the default settings for all applications is High".
        "tls_security_levels": dict.fromkeys(TLS_APPLICATIONS, "High"),
        # "9.1 and greater utilizes TLS 1.x"; TLS 1.2 only is the SO4819 procedure, off at the factory.
        "https_tls_1_2_only": False,
        "https_cipher_suites": list(FACTORY_SUITES),
    },
    "system_options": {
        "voice_encryption_enabled": True,
        "srtp_encryption_enabled": True,
        "disa_failed_attempts": 10,
        "disa_lockout_minutes": 0,
        "set_registration_attempts": 10,
        # SYS-01: the guideline's System Options "Call History - Disable Record Generation"
        # (default No: records are stored), "Call History - Default Call History Records" (how
        # many records a set stores; the range and factory count are the emulator's) and
        # "Send Welcome Email" (shipped Yes here: new users get their credentials by email).
        "call_history_disable_record_generation": False,
        "call_history_default_records": 100,
        "send_welcome_email": True,
    },
    **toll_forms.FACTORY,
    "smdr_options": dict.fromkeys(SMDR_FIELDS, "No"),
    # ESM "VM Options" (guideline "Embedded Voice Mail"): passcode 4-10 digits, lockout timer
    # 0-60 minutes (0 = forever), default 3; forward to email: cleartext 25, STARTTLS 587, SSL/TLS 465.
    "vm_options": {
        "passcode_minimum_length": 4,
        "mailbox_lockout_timer": 3,
        "forward_to_email_method": "Cleartext",
        "forward_to_email_port": 25,
    },
    # "MiVoice Business 3300 ICP WAN Port Settings" (AX, CX-II/CXi-II, MxIII only).
    "wan_settings": {"wan_access": "Enabled", "ip_address_method": "DHCP"},  # "default ... is 'Enabled'"
    "pptp": {"pptp_access": "Disabled"},  # "default ... is disabled and the default password ... blank"
    "port_forward_table": {"entries": []},
}
# Forms of the WAN port: only controllers whose model has one (spec.WAN_MODELS) show them.
WAN_FORMS = ("wan_settings", "pptp", "port_forward_table")
EMAIL_METHODS = ("Cleartext", "STARTTLS", "SSL/TLS")
PORT_FORWARD_MAX = 40  # "The Port Forward Table can contain up to 40 entries."
PROTOCOLS = ("TCP", "UDP")
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


def _secret_text(low: int, high: int) -> Validator:
    def check(field: str, value: Any, _: dict[str, Any]) -> str:
        if not isinstance(value, str) or not low <= len(value) <= high:
            raise invalid(field, f"{field} must be a string of {low} to {high} characters",
                          {"min_length": low, "max_length": high})
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


def _ipv4(field: str, value: Any) -> str:
    import ipaddress

    try:
        return str(ipaddress.IPv4Address(value))
    except (ipaddress.AddressValueError, ValueError, TypeError):
        raise invalid(field, f"{field} must be an IPv4 address", {"format": "ipv4"}) from None


def _port_forwards(field: str, value: Any, _: dict[str, Any]) -> list[dict[str, Any]]:
    """The whole table: protocol TCP/UDP + WAN port -> internal IP + port, at most 40, no WAN port twice."""
    if not isinstance(value, list):
        raise invalid(field, f"{field} must be a list of port-forward entries", {"max_items": PORT_FORWARD_MAX})
    if len(value) > PORT_FORWARD_MAX:
        raise invalid(field, f"{field}: {len(value)} entries, the table holds at most {PORT_FORWARD_MAX}",
                      {"max_items": PORT_FORWARD_MAX})
    keys = {"protocol", "external_port", "internal_ip_address", "internal_port"}
    out, seen = [], set()
    for i, entry in enumerate(value):
        where = f"{field}[{i}]"
        if not isinstance(entry, dict) or set(entry) != keys:
            raise invalid(where, f"{where} must have exactly {', '.join(sorted(keys))}", sorted(keys))
        protocol = _choice(PROTOCOLS)(f"{where}.protocol", entry["protocol"], {})
        external = _int_range(1, 65535)(f"{where}.external_port", entry["external_port"], {})
        internal = _int_range(1, 65535)(f"{where}.internal_port", entry["internal_port"], {})
        address = _ipv4(f"{where}.internal_ip_address", entry["internal_ip_address"])
        if (protocol, external) in seen:
            raise invalid(where, f"{where}: {protocol} port {external} is forwarded twice", {"unique": True})
        seen.add((protocol, external))
        out.append({"protocol": protocol, "external_port": external, "internal_ip_address": address,
                    "internal_port": internal})
    return out


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
        "call_history_disable_record_generation": _bool,
        "call_history_default_records": _int_range(0, 100),
        "send_welcome_email": _bool,
    },
    **toll_forms.VALIDATORS,
    "smdr_options": dict.fromkeys(SMDR_FIELDS, _choice(YES_NO)),
    "vm_options": {
        "passcode_minimum_length": _int_range(4, 10),
        "mailbox_lockout_timer": _int_range(0, 60),
        "forward_to_email_method": _choice(EMAIL_METHODS),
        "forward_to_email_port": _int_range(1, 65535),
    },
    "wan_settings": {
        "wan_access": _choice(("Enabled", "Disabled")),
        "ip_address_method": _choice(("DHCP", "PPPoE", "Static")),
    },
    "pptp": {
        "pptp_access": _choice(("Enabled", "Disabled")),
        "pptp_password": _secret_text(1, 64),
    },
    "port_forward_table": {"entries": _port_forwards},
}

# Fields a GET shows that are computed, not settable.
READ_ONLY = {
    "system_security_management": ("phone_admin_passcode_set", "failed_login_attempts_before_lockout",
                                   "lockout_minutes"),
    "system_options": ("set_registration_access_code_set", "srtp_encryption_effective"),
    **dict.fromkeys(toll_forms.FACTORY, ()),
    "smdr_options": (),
    "vm_options": (),
    "wan_settings": (),
    "pptp": ("pptp_password_set",),
    "port_forward_table": (),
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
    if form == "smdr_options":
        merged = {**current, **out}
        if merged["extended_reporting_level_2"] == "Yes" and merged["extended_reporting_level_1"] != "Yes":
            raise invalid("extended_reporting_level_2", "extended_reporting_level_2: Yes needs "
                          "extended_reporting_level_1: Yes (Level 2 extends Level 1)", ["No"])
    return out


def check_suites_available() -> None:
    """Fail fast if the local OpenSSL cannot offer a suite the emulator claims to support."""
    for suite in SUPPORTED_SUITES:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.set_ciphers(suite + ":@SECLEVEL=0")
