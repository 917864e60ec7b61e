# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs of the controller modules, defined once.

The module files (AnsibleModule, ansible-doc, validate-modules) and the action plugins that
run the same work in-process (plugins/plugin_utils/mivb_action.py) both read these, so a
task is validated identically whichever runs it. Each value is the AnsibleModule keyword set.
"""

from __future__ import annotations

from typing import Any

_STRENGTHS = ["Weak", "Medium", "Strong"]

# no_log=False on names that only look like secrets (pass*): without it AnsibleModule warns
# "Module did not set no_log" on every task.
ADMIN_PASSWORD: dict[str, Any] = {
    "argument_spec": {
        "new_password": {"type": "str", "required": True, "no_log": True},
        "password_strength": {"type": "str", "choices": _STRENGTHS, "no_log": False},
    },
}

SECURITY_SETTINGS: dict[str, Any] = {
    "argument_spec": {
        "password_strength": {"type": "str", "choices": _STRENGTHS, "no_log": False},
        "session_inactivity_minutes": {"type": "int"},
        "password_expiry_days": {"type": "int", "no_log": False},
        "login_banner_enabled": {"type": "bool"},
        "login_banner_text": {"type": "str"},
        "phone_admin_passcode": {"type": "str", "no_log": True},
        "passcode_min_length": {"type": "int", "default": 10, "no_log": False},
        "tls_security_levels": {"type": "dict"},
        "tls_exceptions": {"type": "dict"},
        "https_tls_1_2_only": {"type": "bool"},
        "https_cipher_suites": {"type": "list", "elements": "str"},
    },
}

SYSTEM_OPTIONS: dict[str, Any] = {
    "argument_spec": {
        "voice_encryption_enabled": {"type": "bool"},
        "srtp_encryption_enabled": {"type": "bool"},
        "disa_failed_attempts": {"type": "int"},
        "disa_lockout_minutes": {"type": "int"},
        "set_registration_access_code": {"type": "str", "no_log": True},
        "set_registration_attempts": {"type": "int"},
        "send_welcome_email": {"type": "bool"},
        "call_history_disable_record_generation": {"type": "bool"},
        "call_history_default_records": {"type": "int"},
    },
}

WEB_CERTIFICATE: dict[str, Any] = {
    "argument_spec": {
        "certificate": {"type": "str"},
        "private_key": {"type": "str", "no_log": True},
        "intermediate": {"type": "str"},
        "allow_self_signed": {"type": "bool", "default": False},
        "renew_within_days": {"type": "int", "default": 30},
    },
    "required_together": [["certificate", "private_key"]],
}

MIVB_FACTS: dict[str, Any] = {"argument_spec": {}}
