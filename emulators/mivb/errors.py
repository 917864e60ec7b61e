"""The error type every API handler raises; rendered as the contract's error body."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A non-2xx answer: `{"error", "message", "field", "allowed", ...extra}`."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        field: str | None = None,
        allowed: Any = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.field = field
        self.allowed = allowed
        self.extra = extra

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "error": self.error,
            "message": self.message,
            "field": self.field,
            "allowed": self.allowed,
        }
        out.update(self.extra)
        return out


def invalid(field: str | None, message: str, allowed: Any = None) -> ApiError:
    return ApiError(400, "invalid_value", message, field=field, allowed=allowed)
