"""What a handler (`api_*.py`) receives and returns: the parsed request, the response, and the
JSON-body check every handler shares. Handlers take `(controller, Request)`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import invalid


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    client_ip: str
    token: str | None
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Response:
    status: int
    body: Any
    drop: bool = False  # a fault: close the connection without answering


def body_dict(req: Request, allowed: set[str], required: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
    """The JSON object body, refusing unknown and missing keys."""
    body = req.body
    if not isinstance(body, dict):
        raise invalid(None, "body must be a JSON object", sorted(allowed))
    for key in body:
        if key not in allowed:
            raise invalid(key, f"unknown field {key!r}", sorted(allowed))
    for key in sorted(required):
        if key not in body:
            raise invalid(key, f"{key} is required", sorted(allowed))
    return body
