# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors of the MiVB management API client.

Every error carries the contract's error code, the HTTP status and (for refused values) the
field and its allowed values, so a module can fail with a message that names the field.
Errors cross the persistent-connection boundary as plain dicts (to_dict / from_dict):
Ansible's JSON-RPC keeps only the text of an exception.
"""

from __future__ import annotations

from typing import Any

AUTH01_HINT = "run AUTH-01 (voicesec.mivb.admin_password) first"


class MivbError(Exception):
    """Base class: one error of the management API or of the client itself."""

    code = "error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        field: str | None = None,
        allowed: Any = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field
        self.allowed = allowed
        self.details = details or {}

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "status": self.status,
            "field": self.field,
            "allowed": self.allowed,
            "details": self.details,
        }


class InputError(MivbError):
    """A task input refused by the toolkit before any request was sent."""

    code = "input_error"


class InvalidValue(MivbError):
    """The controller refused a value (HTTP 400); nothing was changed."""

    code = "invalid_value"


class AuthenticationFailed(MivbError):
    code = "invalid_credentials"


class AccountLocked(MivbError):
    code = "account_locked"


class PasswordChangeRequired(MivbError):
    code = "password_change_required"


class SessionExpired(MivbError):
    code = "session_expired"


class NotAuthenticated(MivbError):
    code = "not_authenticated"


class Forbidden(MivbError):
    code = "forbidden"


class NotFound(MivbError):
    code = "not_found"


class Immutable(MivbError):
    code = "immutable"


class ControllerFault(MivbError):
    code = "internal"


class ConnectionFailed(MivbError):
    """The controller could not be reached (DNS, refused, timeout, TLS verification)."""

    code = "connection_failed"


class ProtocolError(MivbError):
    """The controller answered something that is not the contract (e.g. not JSON)."""

    code = "protocol_error"


_BY_CODE: dict[str, type[MivbError]] = {
    cls.code: cls
    for cls in (
        InputError,
        InvalidValue,
        AuthenticationFailed,
        AccountLocked,
        PasswordChangeRequired,
        SessionExpired,
        NotAuthenticated,
        Forbidden,
        NotFound,
        Immutable,
        ControllerFault,
        ConnectionFailed,
        ProtocolError,
    )
}


def from_dict(data: dict[str, Any]) -> MivbError:
    cls = _BY_CODE.get(str(data.get("code")), MivbError)
    return cls(
        str(data.get("message") or data.get("code") or "unknown MiVB error"),
        status=data.get("status"),
        field=data.get("field"),
        allowed=data.get("allowed"),
        details=data.get("details") or {},
    )


def describe_allowed(allowed: Any) -> str:
    if allowed is None:
        return ""
    if isinstance(allowed, (list, tuple)):
        return ", ".join(str(a) for a in allowed)
    return str(allowed)


def from_response(status: int, body: Any, context: str = "") -> MivbError:
    """Map an HTTP error response of the contract to a typed error with a clear message."""
    if not isinstance(body, dict):
        body = {}
    code = str(body.get("error") or ("internal" if status >= 500 else "error"))
    server_msg = str(body.get("message") or "").strip()
    field = body.get("field")
    allowed = body.get("allowed")
    where = f" ({context})" if context else ""
    details: dict[str, Any] = {}
    if code == "invalid_value":
        allowed_txt = describe_allowed(allowed)
        msg = f"controller refused the value of field '{field}'{where}: {server_msg or 'invalid value'}"
        if allowed_txt:
            msg += f" (allowed: {allowed_txt})"
        msg += "; nothing was changed"
    elif code == "invalid_credentials":
        remaining = body.get("attempts_remaining")
        details["attempts_remaining"] = remaining
        msg = "authentication failed: the controller rejected the username/password"
        if remaining is not None:
            msg += f" ({remaining} attempt(s) remaining before the account locks)"
        msg += "; the toolkit does not retry a rejected password"
    elif code == "account_locked":
        until = body.get("locked_until")
        details["locked_until"] = until
        msg = f"account locked after 3 failed logins until {until or 'the lockout period ends'}"
    elif code == "password_change_required":
        msg = f"the controller requires the factory/expired password to be changed{where}: {AUTH01_HINT}"
    elif code == "session_expired":
        msg = "session expired (idle longer than the session inactivity period)"
    elif code == "forbidden":
        msg = f"the account's admin policy denies this request{where}: {server_msg}".rstrip(": ")
    elif code == "not_found":
        msg = f"not found{where}: {server_msg}".rstrip(": ")
    elif code == "immutable":
        msg = f"refused, immutable{where}: {server_msg}".rstrip(": ")
    elif code == "internal" or status >= 500:
        msg = f"controller fault HTTP {status}{where}: {server_msg or 'internal error'}"
        code = "internal"
    else:
        msg = f"HTTP {status}{where}: {server_msg or code}"
    cls = _BY_CODE.get(code, MivbError)
    return cls(msg, status=status, field=field, allowed=allowed, details=details)
