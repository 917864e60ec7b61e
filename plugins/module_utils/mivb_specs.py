# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of the controller modules, each declared once (mivb_options.Option rows).

The rows are the source: the argument specs below (read by the module files and by the action
plugins that run the same work in-process, plugins/plugin_utils/mivb_action.py, so a task is
validated identically whichever runs it), the form backends' Field tuples and limit checks
(mivb_backends), and the `options:` of each module's DOCUMENTATION
(scripts/gen_module_docs.py). ADMIN_PASSWORD, SECURITY_SETTINGS ... are the AnsibleModule
keyword sets of the modules of those names.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_contract import (
    PASSWORD_STRENGTHS,
    TLS_APPLICATIONS,
    TLS_LEVELS,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_options import Option, argument_spec
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_validation import SUPPORTED_CIPHERS

# no_log=False on names that only look like secrets (pass*): without it AnsibleModule warns
# "Module did not set no_log" on every task.
ADMIN_PASSWORD_OPTIONS = (
    Option("new_password", "str", ("the managed administrator password (in the lab equal to C(ansible_password)).",),
           control="AUTH-01", kind=None, required=True, no_log=True),
    Option("password_strength", "str", (
        "password strength in force. When C(Strong), O(new_password) is checked locally against the Strong "
        "rule (15-20 characters, at least 2 each of upper-case, lower-case, digits, special characters) "
        "before anything is sent.",), control="AUTH-02", kind=None, choices=PASSWORD_STRENGTHS, no_log=False),
)

SECURITY_SETTINGS_OPTIONS = (
    Option("password_strength", "str", ("strength of System Administration Tool passwords.",),
           control="AUTH-02", choices=PASSWORD_STRENGTHS, no_log=False),
    Option("session_inactivity_minutes", "int",
           ("idle minutes before a session is logged out (baseline 15 or less).",),
           control="AUTH-03", low=1, high=1440),
    Option("password_expiry_days", "int", ("password expiry interval in days (0 = never).",),
           control="AUTH-04", low=0, high=365, no_log=False),
    Option("login_banner_enabled", "bool", ("show the login banner before login.",), control="AUTH-05"),
    Option("login_banner_text", "str", (
        "banner text from the company security policy; printable text and newlines only, and not empty "
        "while O(login_banner_enabled) is true.",), control="AUTH-05", max_length=4000),
    Option("phone_admin_passcode", "str", (
        "Phone Administrator Passcode for 69xx advanced settings. Digits only, 4-10 and at least "
        "O(passcode_min_length); trivial codes are refused (repeats like 1111, runs like 1234 or 4321 anywhere, "
        "fewer than 3 distinct digits, a repeated block).",
        "Write-only on the controller; compared with the verify-secret endpoint, never read back.",
    ), control="AUTH-06", kind="secret", no_log=True),
    Option("passcode_min_length", "int",
           ("minimum length accepted for O(phone_admin_passcode) (the guideline recommends the full 10).",),
           control="AUTH-06", kind=None, low=4, high=10, default=10, no_log=False),
    Option("tls_security_levels", "dict", (
        "level per application, High, Low or Legacy.",
        "Applications not listed keep their current level.",
    ), control="TLS-01", kind="partial_dict", suboptions=tuple(
        Option(app, "str", (f"Level of {app}.",), kind=None, choices=TLS_LEVELS) for app in TLS_APPLICATIONS)),
    Option("tls_exceptions", "dict", (
        "documented exceptions, application -> C({level, justification}). An exception overrides "
        "O(tls_security_levels) for its application. A level other than High requires a non-empty justification.",
    ), control="TLS-01", kind=None, suboptions=tuple(
        Option(app, "dict", (f"Exception for {app}.",), kind=None, suboptions=(
            Option("level", "str", ("Level in force.",), kind=None, choices=TLS_LEVELS, required=True),
            Option("justification", "str", ("Written justification (change ticket).",), kind=None),
        )) for app in TLS_APPLICATIONS)),
    Option("https_tls_1_2_only", "bool", ("admin HTTPS (TCP 443) accepts TLS 1.2 only (KB SO4819).",),
           control="TLS-02"),
    Option("https_cipher_suites", "list", (
        "OpenSSL cipher suite names admin HTTPS may negotiate, from the controller's supported set. "
        "Compared as a set; must not be empty.",
        "The role default is the guideline's eight suites; the module has no default.",
    ), control="TLS-02", kind="unordered_list", elements="str", choices=SUPPORTED_CIPHERS),
)

SYSTEM_OPTIONS_OPTIONS = (
    Option("voice_encryption_enabled", "bool", ("Voice Encryption Enabled.",), control="EP-03"),
    Option("srtp_encryption_enabled", "bool",
           ("Voice/Video SRTP Encryption Enabled (inactive while voice encryption is off).",), control="EP-04"),
    Option("disa_failed_attempts", "int", ("DISA failed attempts before lock-out.",),
           control="TOLL-02", low=1, high=10),
    Option("disa_lockout_minutes", "int", ("DISA lock-out timer in minutes (0 = forever).",),
           control="TOLL-02", low=0, high=60),
    Option("set_registration_access_code", "str", (
        "set registration access code, digits only, 4-10, not trivial (no 1111, 1234, 4321 ...).",
        "Write-only; compared with the verify-secret endpoint, never read back.",
    ), control="EP-02", kind="secret", no_log=True),
    Option("set_registration_attempts", "int", ("registration attempts.",), control="EP-02", low=1, high=10),
    Option("send_welcome_email", "bool",
           ("Send Welcome Email (user credentials by email); the guideline's baseline is C(false).",),
           control="SYS-01"),
    Option("call_history_disable_record_generation", "bool",
           ("Call History: disable the generation of call history records.",), control="SYS-01"),
    Option("call_history_default_records", "int", ("Call History: default number of records kept per user.",),
           control="SYS-01", low=0, high=100),
)

# Not a FormBackend (kind=None): WebCertificateBackend checks the bundle as a whole.
WEB_CERTIFICATE_OPTIONS = (
    Option("certificate", "str", ("Leaf certificate, PEM content.",), control="CERT-01", kind=None),
    Option("private_key", "str", ("Private key of the leaf, unencrypted PEM content. Required with O(certificate).",),
           control="CERT-01", kind=None, no_log=True),
    Option("intermediate", "str", ("Intermediate CA certificate(s), PEM content, issuer of the leaf first.",),
           control="CERT-01", kind=None),
    Option("allow_self_signed", "bool", ("Accept a self-signed leaf (not CERT-01 compliant; for labs only).",),
           control="CERT-01", kind=None, default=False),
    Option("renew_within_days", "int",
           ("renewal window; RV(renewal_due) is true when fewer days remain on the served certificate.",),
           control="CERT-02", kind=None, low=1, high=3650, default=30),
)

MIVB_FACTS_OPTIONS: tuple[Option, ...] = ()

# module name -> its rows (scripts/gen_module_docs.py, tests)
MODULE_OPTIONS: dict[str, tuple[Option, ...]] = {
    "admin_password": ADMIN_PASSWORD_OPTIONS,
    "security_settings": SECURITY_SETTINGS_OPTIONS,
    "system_options": SYSTEM_OPTIONS_OPTIONS,
    "web_certificate": WEB_CERTIFICATE_OPTIONS,
    "mivb_facts": MIVB_FACTS_OPTIONS,
}

ADMIN_PASSWORD: dict[str, Any] = {"argument_spec": argument_spec(ADMIN_PASSWORD_OPTIONS)}
SECURITY_SETTINGS: dict[str, Any] = {"argument_spec": argument_spec(SECURITY_SETTINGS_OPTIONS)}
SYSTEM_OPTIONS: dict[str, Any] = {"argument_spec": argument_spec(SYSTEM_OPTIONS_OPTIONS)}
WEB_CERTIFICATE: dict[str, Any] = {
    "argument_spec": argument_spec(WEB_CERTIFICATE_OPTIONS),
    "required_together": [["certificate", "private_key"]],
}
MIVB_FACTS: dict[str, Any] = {"argument_spec": argument_spec(MIVB_FACTS_OPTIONS)}
