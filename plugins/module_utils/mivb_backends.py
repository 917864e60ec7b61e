# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backends of the controller modules: validation and field mapping per form."""

from __future__ import annotations

from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_options, mivb_specs
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError, MivbError
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_forms import FormBackend
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_validation import (
    check_passcode,
    check_tls_justifications,
    strong_password_problem,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.secrets import DIFF_NEW_VALUE, drop_secret_fields


class SecuritySettingsBackend(FormBackend):
    """System Security Management form: AUTH-02..06, TLS-01, TLS-02."""

    form = "system_security_management"
    options = mivb_specs.SECURITY_SETTINGS_OPTIONS
    fields = mivb_options.fields(options)

    def __init__(self, transport: Any, params: dict[str, Any]) -> None:
        self.tls_exceptions: dict[str, dict[str, str]] = {}
        want = self.validate(params)
        super().__init__(transport, want)

    def validate(self, p: dict[str, Any]) -> dict[str, Any]:
        """The declared limits (mivb_specs rows), then the rules a row cannot state."""
        checked = mivb_options.check(self.options, p)
        want = {f.name: checked[f.name] for f in self.fields}
        text = want["login_banner_text"]
        if text is not None and not all(ch == "\n" or ch.isprintable() for ch in text):
            # Shown unauthenticated before login: a NUL or terminal escape would reach every client.
            raise InputError("login_banner_text: control characters (NUL, escapes, tabs, carriage returns) are "
                             "not allowed; printable text and newlines only; nothing was changed",
                             field="login_banner_text", allowed="printable text and newlines")
        if want["login_banner_enabled"] and text is not None and not text.strip():
            raise InputError(
                "login_banner_text: an enabled login banner (AUTH-05) needs the company text",
                field="login_banner_text",
            )
        if want["phone_admin_passcode"] is not None:
            want["phone_admin_passcode"] = check_passcode(
                "phone_admin_passcode", want["phone_admin_passcode"], checked["passcode_min_length"] or 10
            )
        levels = dict(want["tls_security_levels"] or {})
        if checked["tls_exceptions"]:
            self.tls_exceptions = check_tls_justifications("tls_exceptions", checked["tls_exceptions"])
            # An exception overrides the baseline level of its application.
            levels.update({app: spec["level"] for app, spec in self.tls_exceptions.items()})
        want["tls_security_levels"] = levels or None
        if want["https_cipher_suites"] is not None and not want["https_cipher_suites"]:
            raise InputError("https_cipher_suites: an empty cipher list would close HTTPS",
                             field="https_cipher_suites")
        return want

    def dump(self) -> dict[str, Any]:
        result = super().dump()
        result["tls_exceptions"] = self.tls_exceptions
        return result


class SystemOptionsBackend(FormBackend):
    """System Options form: EP-02, EP-03, EP-04, TOLL-02, SYS-01."""

    form = "system_options"
    fields = mivb_options.fields(mivb_specs.SYSTEM_OPTIONS_OPTIONS)

    def __init__(self, transport: Any, params: dict[str, Any]) -> None:
        want = mivb_options.check(mivb_specs.SYSTEM_OPTIONS_OPTIONS, params)
        if want["set_registration_access_code"] is not None:
            want["set_registration_access_code"] = check_passcode(
                "set_registration_access_code", want["set_registration_access_code"]
            )
        self.warnings: list[str] = []
        if want["srtp_encryption_enabled"] and want["voice_encryption_enabled"] is False:
            self.warnings.append(
                "srtp_encryption_enabled has no effect while voice_encryption_enabled is false (EP-04)"
            )
        super().__init__(transport, want)

    def dump(self) -> dict[str, Any]:
        result = super().dump()
        if self.warnings:
            result["warnings"] = self.warnings
        return result


class AdminPasswordBackend:
    """AUTH-01: change the factory (or expired) password; rotate when the target differs."""

    def __init__(self, transport: Any, params: dict[str, Any]) -> None:
        self.transport = transport
        checked = mivb_options.check(mivb_specs.ADMIN_PASSWORD_OPTIONS, params)
        self.new_password = checked["new_password"] or ""
        if not self.new_password:
            raise InputError("new_password: must not be empty", field="new_password")
        strength = checked["password_strength"]
        if strength == "Strong":
            problem = strong_password_problem(self.new_password)
            if problem:
                raise InputError(
                    f"new_password: does not meet the Strong rule (AUTH-02): {problem}; nothing was changed",
                    field="new_password",
                    allowed="15-20 characters, at least 2 each of upper, lower, digit, special",
                )
        self.state: dict[str, Any] = {}
        self.reason: str | None = None
        self.applied = False

    def needs_change(self) -> bool:
        self.state = self.transport.session_state()
        cmp = self.transport.compare_password(self.new_password)
        if cmp.get("is_factory_password"):
            raise InputError(
                "new_password: must differ from the factory password (AUTH-01 proves the factory "
                "password no longer works); nothing was changed",
                field="new_password",
            )
        if self.state.get("password_change_required"):
            if cmp.get("is_login_password"):
                # Expired password (AUTH-04): the controller refuses the current one as the new one.
                raise InputError(
                    "new_password: the controller requires a new password (expired, AUTH-04) and new_password "
                    "is the current one; set mivb_admin_password to a new value for this run (ansible_password "
                    "stays the current one), then store it as ansible_password; nothing was changed",
                    field="new_password",
                )
            self.reason = "password_change_required"
        elif not cmp.get("is_login_password"):
            self.reason = "rotate"
        return self.reason is not None

    def apply(self) -> None:
        if self.reason:
            self.transport.change_password(self.new_password)
            self.applied = True

    def dump(self) -> dict[str, Any]:
        before = "factory/expired (change required)" if self.state.get("password_change_required") else "set"
        after = DIFF_NEW_VALUE if self.reason else before
        if self.reason == "password_change_required":
            detail = "factory/expired password " + ("changed" if self.applied else "must be changed")
        elif self.reason == "rotate":
            detail = "password " + ("rotated to" if self.applied else "differs from") + " mivb_admin_password"
        else:
            detail = "the managed password is in use; no change required"
        control = {"status": "drift" if self.reason else "compliant", "detail": detail}
        return {
            "reason": self.reason,
            "username": self.state.get("username"),
            "login_password_source": self.state.get("login_password_source"),
            "password_change_required": bool(self.state.get("password_change_required")) and not self.applied,
            "controls": {"AUTH-01": control},
            "before": {"password": before},
            "after": {"password": after},
        }


class FactsBackend:
    """Read every form, the admin policies, user profiles and the newest audit entry id."""

    def __init__(self, transport: Any, params: dict[str, Any]) -> None:
        self.transport = transport
        self.facts: dict[str, Any] = {}

    def needs_change(self) -> bool:
        return False

    def apply(self) -> None:
        return None

    def _try(self, errors: dict[str, str], key: str, func: Any, *args: Any) -> Any:
        try:
            return func(*args)
        except MivbError as exc:
            if exc.code in ("password_change_required", "connection_failed", "invalid_credentials",
                            "account_locked"):
                raise
            errors[key] = exc.message
            return None

    def gather(self) -> dict[str, Any]:
        errors: dict[str, str] = {}
        t = self.transport
        names = (self._try(errors, "forms", t.send_request, "GET", "/forms") or {}).get("forms", [])
        forms = {}
        for name in names:
            fields = self._try(errors, f"forms.{name}", t.get_form, name)
            if fields is not None:
                forms[name] = fields
        policies = self._try(errors, "admin_policies", t.send_request, "GET", "/admin_policies")
        profiles = self._try(errors, "user_profiles", t.send_request, "GET", "/user_profiles")
        audit = self._try(errors, "audit_trail", t.send_request, "GET", "/audit_trail?limit=1")
        session = self._try(errors, "session", t.session_state)
        banner = self._try(errors, "banner", t.send_request, "GET", "/banner")
        self.facts = drop_secret_fields({
            "forms": forms,
            "admin_policies": (policies or {}).get("policies"),
            "user_profiles": (profiles or {}).get("profiles"),
            "audit_trail_newest_id": (audit or {}).get("newest_id"),
            "session": session,
            "login_banner": banner,
            "errors": errors,
        })
        return self.facts

    def dump(self) -> dict[str, Any]:
        return {"ansible_facts": {"mivb": self.gather()}}


def run_facts(transport: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The mivb_facts task result (module and action plugin alike), or a failure result."""
    try:
        result = FactsBackend(transport, params).dump()
    except MivbError as exc:
        return {"failed": True, "msg": exc.message, "error": exc.to_dict()}
    return dict(changed=False, **result)
