"""Build `openapi.json` (the served contract document): `python -m emulators.mivb.openapi_build`.

The JSON file is committed; a unit test checks it equals this builder's output and that
its paths are exactly the routes the server serves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from plugins.module_utils.mivb_contract import TLS_APPLICATIONS, TLS_LEVELS

from .access import ACCESS_LEVELS, AREAS
from .forms import (
    EMAIL_METHODS,
    PORT_FORWARD_MAX,
    PROTOCOLS,
    SMDR_FIELDS,
    SUPPORTED_SUITES,
    YES_NO,
)
from .passwords import STRENGTHS
from .sip_accounts import KINDS, MAX_CANDIDATES
from .toll_forms import MAX_COR, MAX_COS, MAX_INTERCONNECT, PC_PORT, SET_FIELDS

V1 = "/api/v1"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _int(low: int, high: int, desc: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": "integer", "minimum": low, "maximum": high}
    if desc:
        out["description"] = desc
    return out


_ERR_DESC = {
    400: "invalid_value: a field outside its limits (`field`, `allowed`); nothing was changed",
    401: "invalid_credentials (with attempts_remaining) / session_expired / not_authenticated",
    403: "password_change_required / forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "immutable",
    423: "account_locked (with locked_until)",
    500: "internal (controller fault; the emulator can inject it)",
}


def _responses(ok: str | dict[str, Any], *codes: int, desc: str = "OK") -> dict[str, Any]:
    schema = ref(ok) if isinstance(ok, str) else ok
    out: dict[str, Any] = {"200": {"description": desc, "content": {"application/json": {"schema": schema}}}}
    for code in codes:
        out[str(code)] = {"$ref": f"#/components/responses/E{code}"}
    return out


def _body(schema: str | dict[str, Any]) -> dict[str, Any]:
    s = ref(schema) if isinstance(schema, str) else schema
    return {"required": True, "content": {"application/json": {"schema": s}}}


def _op(
    summary: str,
    tag: str,
    responses: dict[str, Any],
    body: Any = None,
    auth: bool = True,
    params: list[dict[str, Any]] | None = None,
    desc: str = "",
) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "tags": [tag], "responses": responses}
    if desc:
        op["description"] = desc
    if body is not None:
        op["requestBody"] = _body(body)
    if not auth:
        op["security"] = []
    if params:
        op["parameters"] = params
    return op


def _path_param(name: str, desc: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}, "description": desc}


def _obj(props: dict[str, Any], required: list[str] | None = None, extra: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": extra}
    if required:
        out["required"] = required
    return out


STR, BOOL, INT = {"type": "string"}, {"type": "boolean"}, {"type": "integer"}
ACCESS = {"type": "string", "enum": list(ACCESS_LEVELS)}
LEVEL = {"type": "string", "enum": list(TLS_LEVELS)}
FINGERPRINT = {"type": "string", "pattern": "^([0-9A-F]{2}:){31}[0-9A-F]{2}$"}
TIME = {"type": "string", "format": "date-time"}


def schemas() -> dict[str, Any]:
    levels = _obj(dict.fromkeys(TLS_APPLICATIONS, LEVEL))
    ssm_common = {
        "login_banner_enabled": BOOL,
        "login_banner_text": {"type": "string", "maxLength": 4000},
        "password_strength": {"type": "string", "enum": list(STRENGTHS)},
        "session_inactivity_minutes": _int(1, 1440),
        "password_expiry_days": _int(0, 365, "0 = never"),
        "tls_security_levels": levels,
        "https_tls_1_2_only": BOOL,
        "https_cipher_suites": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "enum": SUPPORTED_SUITES},
        },
    }
    opts_common = {
        "voice_encryption_enabled": BOOL,
        "srtp_encryption_enabled": BOOL,
        "disa_failed_attempts": _int(1, 10),
        "disa_lockout_minutes": _int(0, 60, "0 = forever"),
        "set_registration_attempts": _int(1, 10),
        "call_history_disable_record_generation": BOOL,
        "call_history_default_records": _int(0, 100),
        "send_welcome_email": BOOL,
    }
    number = {"type": "string", "pattern": "^[0-9]+$"}
    cos_row = _obj({"comment": {"type": "string", "maxLength": 32}, PC_PORT: BOOL})
    digit_list = {"type": "array", "maxItems": 32, "uniqueItems": True,
                  "items": {"type": "string", "pattern": "^[0-9*#]{1,20}$"}}
    cor_row = _obj({"comment": {"type": "string", "maxLength": 32}, "barred_digits": digit_list},
                   ["comment", "barred_digits"])
    pair = {"type": "array", "minItems": 2, "maxItems": 2, "items": _int(1, MAX_INTERCONNECT)}
    cos = _obj({"classes": {"type": "object", "propertyNames": number, "maxProperties": MAX_COS,
                            "additionalProperties": cos_row, "description": f"CoS number (1-{MAX_COS}) -> row"}})
    cor = _obj({"classes": {"type": "object", "propertyNames": number, "maxProperties": MAX_COR,
                            "additionalProperties": {"oneOf": [cor_row, {"type": "null"}]},
                            "description": f"CoR number (1-{MAX_COR}) -> row; null removes it (PATCH)"}})
    user_set = _obj({"description": STR, **{k: _int(1, high) for k, high in SET_FIELDS.items()}})
    sets = _obj({"sets": {"type": "object", "additionalProperties": user_set,
                          "description": "extension -> set (PATCH: existing extensions only, description read-only)"}})
    interconnect = _obj({"restrictions": {"type": "array", "items": pair, "description": "[from, to]: whole list"}})
    sip_account = _obj({"name": STR, "kind": {"type": "string", "enum": list(KINDS)}, "user_name": STR,
                        "extension": {"type": ["string", "null"]}, "password_set": BOOL})
    digits = {"type": "string", "pattern": "^[0-9]{4,10}$", "writeOnly": True}
    vm_options = {
        "passcode_minimum_length": _int(4, 10, "Embedded Voice Mail passcode length, digits"),
        "mailbox_lockout_timer": _int(0, 60, "minutes; 0 = locked forever"),
        "forward_to_email_method": {"type": "string", "enum": list(EMAIL_METHODS)},
        "forward_to_email_port": _int(1, 65535, "25 cleartext, 587 STARTTLS, 465 SSL/TLS"),
    }
    enabled = {"type": "string", "enum": ["Enabled", "Disabled"]}
    wan = {"wan_access": enabled, "ip_address_method": {"type": "string", "enum": ["DHCP", "PPPoE", "Static"]}}
    port_forward = {
        "entries": {
            "type": "array",
            "maxItems": PORT_FORWARD_MAX,
            "items": _obj(
                {
                    "protocol": {"type": "string", "enum": list(PROTOCOLS)},
                    "external_port": _int(1, 65535),
                    "internal_ip_address": {"type": "string", "format": "ipv4"},
                    "internal_port": _int(1, 65535),
                },
                ["protocol", "external_port", "internal_ip_address", "internal_port"],
            ),
        }
    }
    pptp_password = {"type": "string", "minLength": 1, "maxLength": 64, "writeOnly": True}
    return {
        "Error": _obj(
            {
                "error": STR,
                "message": STR,
                "field": {"type": ["string", "null"]},
                "allowed": {},
                "attempts_remaining": INT,
                "locked_until": TIME,
            },
            ["error", "message", "field", "allowed"],
        ),
        "LoginRequest": _obj(
            {"username": STR, "password": {"type": "string", "writeOnly": True}}, ["username", "password"]
        ),
        "LoginResponse": _obj(
            {
                "token": STR,
                "username": STR,
                "policy": STR,
                "password_change_required": BOOL,
                "session_inactivity_minutes": INT,
            },
            ["token", "username", "policy", "password_change_required", "session_inactivity_minutes"],
        ),
        "Session": _obj({"username": STR, "policy": STR, "password_change_required": BOOL, "idle_seconds": INT}),
        "PasswordChange": _obj({"current_password": STR, "new_password": STR}, ["current_password", "new_password"]),
        "Banner": _obj({"enabled": BOOL, "text": STR}, ["enabled", "text"]),
        "FormList": _obj({"forms": {"type": "array", "items": STR}}),
        "SystemSecurityManagementFields": _obj({
            **ssm_common,
            "phone_admin_passcode_set": BOOL,
            "failed_login_attempts_before_lockout": {"type": "integer", "const": 3,
                                                     "description": "read-only: hard-coded at three"},
            "lockout_minutes": {"type": "integer", "description": "read-only"},
        }),
        "SystemSecurityManagementPatch": _obj({**ssm_common, "phone_admin_passcode": digits}),
        "SystemOptionsFields": _obj(
            {
                **opts_common,
                "set_registration_access_code_set": BOOL,
                "srtp_encryption_effective": BOOL,
            }
        ),
        "SystemOptionsPatch": _obj({**opts_common, "set_registration_access_code": digits}),
        "ClassOfServiceOptionsFields": cos,
        "ClassOfRestrictionFields": cor,
        "InterconnectRestrictionFields": interconnect,
        "UserAndServicesConfigurationFields": sets,
        "SipAccount": sip_account,
        "SipAccountList": _obj({"accounts": {"type": "array", "items": ref("SipAccount")}}),
        "SipAccountPut": _obj({"kind": {"type": "string", "enum": list(KINDS)}, "user_name": STR,
                               "extension": {"type": ["string", "null"]},
                               "password": {"type": "string", "writeOnly": True, "minLength": 1, "maxLength": 64,
                                            "description": "required on create and with a new user_name"}},
                              ["kind", "user_name"]),
        "SipVerifyRequest": _obj({"candidates": {"type": "array", "minItems": 1, "maxItems": MAX_CANDIDATES,
                                                 "items": {"type": "string", "writeOnly": True}},
                                  "min_length": _int(1, 64)}, ["candidates"]),
        "SipVerifyResponse": _obj({"name": STR, "match": BOOL, "shorter_than_min_length": BOOL},
                                  ["name", "match", "shorter_than_min_length"]),
        "SmdrOptionsFields": _obj({key: {"type": "string", "enum": list(YES_NO)} for key in SMDR_FIELDS}),
        "VmOptionsFields": _obj(vm_options),
        "WanSettingsFields": _obj(wan),
        "PptpFields": _obj({"pptp_access": enabled, "pptp_password_set": BOOL}),
        "PptpPatch": _obj({"pptp_access": enabled, "pptp_password": pptp_password}),
        "PortForwardTableFields": _obj(port_forward),
        "WebServerCertificateFields": _obj(
            {
                "subject": STR,
                "issuer": STR,
                "serial": STR,
                "not_before": TIME,
                "not_after": TIME,
                "sha256_fingerprint": FINGERPRINT,
                "self_signed": BOOL,
                "chain_sha256": {"type": "array", "items": FINGERPRINT},
                "certificate_pem": STR,
                "chain_pem": STR,
            }
        ),
        "DeviceCertificateFields": _obj(
            {
                "type": {"type": "string", "enum": ["mitel_legacy", "ca_signed", "web_certificate"]},
                "subject": STR,
                "issuer": STR,
                "sha256_fingerprint": FINGERPRINT,
                "not_after": TIME,
                "csr_pending": BOOL,
                "certificate_pem": STR,
            }
        ),
        "Form": _obj(
            {
                "form": STR,
                "fields": {
                    "oneOf": [
                        ref("SystemSecurityManagementFields"),
                        ref("SystemOptionsFields"),
                        ref("WebServerCertificateFields"),
                        ref("DeviceCertificateFields"),
                        ref("ClassOfServiceOptionsFields"),
                        ref("ClassOfRestrictionFields"),
                        ref("InterconnectRestrictionFields"),
                        ref("SmdrOptionsFields"),
                        ref("VmOptionsFields"),
                        ref("WanSettingsFields"),
                        ref("PptpFields"),
                        ref("PortForwardTableFields"),
                        ref("UserAndServicesConfigurationFields"),
                    ]
                },
            },
            ["form", "fields"],
        ),
        "FormPatch": _obj(
            {
                "fields": {
                    "oneOf": [
                        ref("SystemSecurityManagementPatch"),
                        ref("SystemOptionsPatch"),
                        ref("ClassOfServiceOptionsFields"),
                        ref("ClassOfRestrictionFields"),
                        ref("InterconnectRestrictionFields"),
                        ref("UserAndServicesConfigurationFields"),
                        ref("SmdrOptionsFields"),
                        ref("VmOptionsFields"),
                        ref("WanSettingsFields"),
                        ref("PptpPatch"),
                        ref("PortForwardTableFields"),
                    ],
                    "minProperties": 1,
                },
            },
            ["fields"],
        ),
        "WebCertificateInstall": _obj(
            {
                "certificate_pem": STR,
                "private_key_pem": {"type": "string", "writeOnly": True},
                "intermediate_pem": {"type": "string", "description": "issuer of the leaf first"},
            },
            ["certificate_pem", "private_key_pem"],
        ),
        "DeviceCertificateInstall": {
            "oneOf": [
                _obj({"certificate_pem": STR, "intermediate_pem": STR}, ["certificate_pem"]),
                _obj({"reuse_web_certificate": {"const": True}}, ["reuse_web_certificate"]),
            ]
        },
        "CertificateInstall": {"oneOf": [ref("WebCertificateInstall"), ref("DeviceCertificateInstall")]},
        "CsrRequest": _obj(
            {
                "common_name": {"type": "string", "minLength": 1, "maxLength": 64},
                "subject_alt_names": {"type": "array", "items": STR},
            },
            ["common_name"],
        ),
        "CsrResponse": _obj({"csr_pem": STR}, ["csr_pem"]),
        "VerifySecretRequest": _obj({"field": STR, "value": {"type": "string", "writeOnly": True}}, ["field", "value"]),
        "VerifySecretResponse": _obj({"field": STR, "match": BOOL}, ["field", "match"]),
        "AdminPolicy": _obj(
            {
                "name": STR,
                "default_access": ACCESS,
                "default_policy": BOOL,
                "forms": {"type": "object", "propertyNames": {"enum": list(AREAS)}, "additionalProperties": ACCESS},
            }
        ),
        "AdminPolicyPut": _obj(
            {
                "default_access": ACCESS,
                "forms": {"type": "object", "propertyNames": {"enum": list(AREAS)}, "additionalProperties": ACCESS},
            },
            ["default_access"],
        ),
        "AdminPolicyList": _obj({"policies": {"type": "array", "items": ref("AdminPolicy")}}),
        "UserProfile": _obj(
            {
                "username": STR,
                "policy": STR,
                "application_access_only": BOOL,
                "expires": {"type": ["string", "null"], "format": "date-time"},
                "mixml_certificate_sha256": {"type": ["string", "null"], "pattern": FINGERPRINT["pattern"]},
            }
        ),
        "UserProfilePut": _obj(
            {
                "policy": STR,
                "password": {
                    "type": "string",
                    "writeOnly": True,
                    "description": "required on create; must meet password_strength",
                },
                "application_access_only": BOOL,
                "expires": {"type": ["string", "null"]},
                "mixml_certificate_sha256": {
                    "type": ["string", "null"],
                    "pattern": FINGERPRINT["pattern"],
                    "description": "SHA-256 fingerprint of the MiXML application's certificate; only with "
                    "application_access_only: true, which cannot log in without one",
                },
            },
            ["policy"],
        ),
        "UserProfileList": _obj({"profiles": {"type": "array", "items": ref("UserProfile")}}),
        "Deleted": _obj({"deleted": STR}),
        "LoggedOut": _obj({"logged_out": BOOL}),
        "PasswordChanged": _obj({"password_change_required": BOOL}),
        "AuditEntry": _obj(
            {
                "id": INT,
                "time": TIME,
                "severity": STR,
                "user": {"type": ["string", "null"]},
                "source_ip": STR,
                "interface": STR,
                "category": STR,
                "action": STR,
                "form": {"type": ["string", "null"]},
                "changes": {"type": "array", "items": _obj({"field": STR, "old": {}, "new": {}})},
                "message": STR,
            }
        ),
        "AuditTrail": _obj({
            "entries": {"type": "array", "items": ref("AuditEntry")},
            "newest_id": INT,
            "oldest_id": {"type": "integer", "description": "oldest entry still held (archive included)"},
            "more": {"type": "boolean", "description": "another page follows: since_id = the last id received"},
        }),
        "Fault": _obj(
            {
                "status": {
                    "type": ["integer", "null"],
                    "description": "400-599; 0 drops the connection; null delays only",
                },
                "method": {"type": ["string", "null"]},
                "path_prefix": STR,
                "count": {"type": ["integer", "null"], "minimum": 1, "description": "null: until cleared"},
                "delay_seconds": {"type": "number", "minimum": 0, "maximum": 120},
                "when": {"type": "string", "enum": ["before", "after"]},
            }
        ),
        "FaultList": _obj({"faults": {"type": "array", "items": ref("Fault")}}),
        "ClockAdvance": _obj({"advance_seconds": {"type": "number", "minimum": 0}}, ["advance_seconds"]),
        "Clock": _obj({"now": TIME, "offset_seconds": {"type": "number"}}),
        "Stats": _obj(
            {
                "logins": INT,
                "writes": INT,
                "ssh_logins": INT,
                "requests": {"type": "object", "additionalProperties": INT, "description": '"METHOD /path" -> count'},
                "handshakes": {"type": "object", "additionalProperties": INT},
            }
        ),
    }


def paths() -> dict[str, Any]:
    form = _path_param(
        "form",
        "system_security_management | system_options | web_server_certificate | device_certificate | "
        "class_of_service_options | class_of_restriction | user_and_services_configuration | interconnect_restriction"
        " | smdr_options | vm_options"
        " | wan_settings | pptp | port_forward_table (the last three only on a model with a WAN port: 3300 ICP AX,"
        " CX-II, CXi-II, MxIII)",
    )
    sip = _path_param("name", "SIP account name")
    policy = _path_param("name", "admin policy name (URL-encoded, e.g. NO%20ACCESS)")
    user = _path_param("username", "user profile name")
    hook = "emulator-test-hooks"
    return {
        "/mixml/login": {
            "post": _op(
                "MiXML web service login (the same user profiles and lockout as every login path)",
                "session",
                _responses(_obj({"username": STR, "policy": STR}), 400, 401, 403, 423),
                "LoginRequest",
                auth=False,
                desc="Only the login of the MiXML service is modelled (AUTH-01 on every login path).",
            )
        },
        f"{V1}/login": {
            "post": _op(
                "Log in",
                "session",
                _responses("LoginResponse", 400, 401, 423),
                "LoginRequest",
                auth=False,
                desc="3 consecutive failures lock the account for 30 minutes.",
            )
        },
        f"{V1}/logout": {"post": _op("Log out", "session", _responses("LoggedOut", 401))},
        f"{V1}/session": {"get": _op("Current session", "session", _responses("Session", 401))},
        f"{V1}/password": {
            "post": _op("Change own password", "session", _responses("PasswordChanged", 400, 401), "PasswordChange")
        },
        f"{V1}/banner": {"get": _op("Login banner shown before login", "session", _responses("Banner"), auth=False)},
        f"{V1}/openapi.json": {"get": _op("This document", "meta", _responses({"type": "object"}), auth=False)},
        f"{V1}/forms": {"get": _op("List forms", "forms", _responses("FormList", 401, 403))},
        f"{V1}/forms/{{form}}": {
            "get": _op("Read a form", "forms", _responses("Form", 401, 403, 404), params=[form]),
            "patch": _op(
                "Change fields (partial, atomic)",
                "forms",
                _responses("Form", 400, 401, 403, 404, 405),
                "FormPatch",
                params=[form],
            ),
            "put": _op(
                "Install a certificate (web_server_certificate, device_certificate)",
                "forms",
                _responses("Form", 400, 401, 403, 404, 405),
                "CertificateInstall",
                params=[form],
                desc="Validated (PEM, key match, chain order, validity) before anything changes; "
                "served from the next TLS handshake.",
            ),
        },
        f"{V1}/forms/{{form}}/verify-secret": {
            "post": _op(
                "Check a write-only secret without reading it",
                "forms",
                _responses("VerifySecretResponse", 400, 401, 403, 404),
                "VerifySecretRequest",
                params=[form],
            ),
        },
        f"{V1}/forms/device_certificate/csr": {
            "post": _op(
                "Generate a device-certificate CSR (key stays on the controller)",
                "forms",
                _responses("CsrResponse", 400, 401, 403),
                "CsrRequest",
            ),
        },
        f"{V1}/admin_policies": {
            "get": _op("List admin policies (ROOT sessions only)", "access", _responses("AdminPolicyList", 401, 403))
        },
        f"{V1}/admin_policies/{{name}}": {
            "put": _op(
                "Create or replace a policy",
                "access",
                _responses("AdminPolicy", 400, 401, 403, 409),
                "AdminPolicyPut",
                params=[policy],
            ),
            "delete": _op("Delete a policy", "access", _responses("Deleted", 401, 403, 404, 409), params=[policy]),
        },
        f"{V1}/user_profiles": {"get": _op("List user profiles", "access", _responses("UserProfileList", 401, 403))},
        f"{V1}/user_profiles/{{username}}": {
            "put": _op(
                "Create or update a profile",
                "access",
                _responses("UserProfile", 400, 401, 403, 409),
                "UserProfilePut",
                params=[user],
            ),
            "delete": _op("Delete a profile", "access", _responses("Deleted", 401, 403, 404, 409), params=[user]),
        },
        f"{V1}/user_profiles/{{username}}/verify-secret": {
            "post": _op(
                "Check a profile's password without logging in (no failed-login count)",
                "access",
                _responses("VerifySecretResponse", 400, 401, 403, 404),
                "VerifySecretRequest",
                params=[user],
            ),
        },
        f"{V1}/audit_trail": {
            "get": _op(
                "Audit trail, paged by since_id (5000 live entries, older ones archived; secrets as ********)",
                "audit",
                _responses("AuditTrail", 400, 401, 403),
                params=[
                    {"name": "since_id", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 5000}},
                ],
            )
        },
        f"{V1}/sip_accounts": {
            "get": _op("List SIP Peer Profile and SIP device accounts (passwords never returned)", "access",
                       _responses("SipAccountList", 401, 403))
        },
        f"{V1}/sip_accounts/{{name}}": {
            "put": _op("Create or update a SIP account (password kept as a SIP digest hash)", "access",
                       _responses("SipAccount", 400, 401, 403), "SipAccountPut", params=[sip]),
        },
        f"{V1}/sip_accounts/{{name}}/verify-secret": {
            "post": _op("Does any candidate match the account's password? Is it shorter than min_length?",
                        "access", _responses("SipVerifyResponse", 400, 401, 403, 404), "SipVerifyRequest",
                        params=[sip], desc="One boolean per question, never which candidate; audited with the "
                        "values masked."),
        },
        "/_emulator/faults": {
            "post": _op("Inject a fault", hook, _responses("FaultList", 400), "Fault", auth=False),
            "delete": _op("Clear faults", hook, _responses("FaultList"), auth=False),
        },
        "/_emulator/clock": {
            "get": _op("Virtual clock", hook, _responses("Clock"), auth=False),
            "post": _op("Advance the virtual clock", hook, _responses("Clock", 400), "ClockAdvance", auth=False),
        },
        "/_emulator/hotel_logs": {
            "post": _op(
                "Add synthetic PMS occupancy logs (read/purged over maintenance SSH)",
                hook,
                _responses(_obj({"hotel_logs": INT}), 400),
                _obj({"count": _int(1, 1000)}, ["count"]),
                auth=False,
            ),
        },
        "/_emulator/audit_entries": {
            "post": _op(
                "Add synthetic audit entries (the archive tests)",
                hook,
                _responses(_obj({"newest_id": INT}), 400),
                _obj({"count": _int(1, 20000)}, ["count"]),
                auth=False,
            ),
        },
        "/_emulator/platform": {
            "post": _op(
                "Change the MSL host: plant packages/processes (e.g. an antivirus agent), set the MiVB or MSL "
                "release, turn the legacy plain-FTP server on or off (MSL-01, MSL-02, ACC-04)",
                hook,
                _responses(_obj({"packages": {"type": "array", "items": STR},
                                 "processes": {"type": "array", "items": STR},
                                 "plain_ftp": BOOL}), 400),
                _obj({"add_packages": {"type": "array", "items": STR},
                      "add_processes": {"type": "array", "items": STR},
                      "mivb_version": STR, "msl_version": STR, "plain_ftp": BOOL}),
                auth=False,
            ),
        },
        "/_emulator/stats": {
            "get": _op("Request statistics", hook, _responses("Stats"), auth=False),
            "delete": _op("Reset statistics", hook, _responses("Stats"), auth=False),
        },
    }


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "MiVB management API (voicesec contract v1)",
            "version": "1.0.0",
            "description": "The toolkit's own management API contract for MiVoice Business controllers, named "
            "after the System Administration Tool forms (docs/management-api.md). Served by the emulator. "
            "Paths under /_emulator/ exist only when the emulator runs with test hooks; they are not part "
            "of the product API.",
        },
        "servers": [
            {
                "url": "https://{host}:{port}",
                "variables": {"host": {"default": "127.0.1.1"}, "port": {"default": "443"}},
            }
        ],
        "security": [{"bearer": []}],
        "tags": [{"name": t} for t in ("session", "forms", "access", "audit", "meta", "emulator-test-hooks")],
        "paths": paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas(),
            "responses": {
                f"E{code}": {"description": desc, "content": {"application/json": {"schema": ref("Error")}}}
                for code, desc in _ERR_DESC.items()
            },
        },
    }


def render() -> str:
    return json.dumps(document(), indent=1) + "\n"


if __name__ == "__main__":
    (Path(__file__).parent / "openapi.json").write_text(render(), encoding="utf-8")
