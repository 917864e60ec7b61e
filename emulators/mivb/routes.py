"""The route table: (method, path template) -> handler. The OpenAPI test reads `ROUTER.routes`.

The server hands `ROUTER` to each HTTPS connection (`http_api.ServerRef`); nothing below this
module (handlers, the controller model) knows the routes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import api_access, api_forms, api_hooks, api_session, api_sip
from .errors import ApiError

if TYPE_CHECKING:
    from .controller import Controller
    from .request import Request

Handler = Callable[["Controller", "Request"], tuple[int, Any]]


@dataclass
class Route:
    method: str
    template: str
    handler: Handler
    pattern: re.Pattern[str]
    hook: bool


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        regex = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
        hook = template.startswith("/_emulator/")
        self.routes.append(Route(method, template, handler, re.compile(regex), hook))

    def match(self, method: str, path: str, hooks_enabled: bool) -> tuple[Handler, dict[str, str]]:
        allowed: list[str] = []
        for route in self.routes:
            if route.hook and not hooks_enabled:
                continue
            found = route.pattern.match(path)
            if found:
                if route.method == method:
                    return route.handler, found.groupdict()
                allowed.append(route.method)
        if allowed:
            raise ApiError(405, "method_not_allowed", f"{method} not allowed on {path}", allowed=allowed)
        raise ApiError(404, "not_found", f"no such resource: {path}")


ROUTER = Router()
_V1 = "/api/v1"
for _method, _template, _handler in (
    ("POST", "/login", api_session.login),
    ("POST", "/logout", api_session.logout),
    ("GET", "/session", api_session.get_session),
    ("POST", "/password", api_session.change_password),
    ("GET", "/banner", api_session.banner),
    ("GET", "/openapi.json", api_session.openapi),
    ("GET", "/forms", api_forms.list_forms),
    ("GET", "/forms/{form}", api_forms.get_form),
    ("PATCH", "/forms/{form}", api_forms.patch_form),
    ("PUT", "/forms/{form}", api_forms.put_form),
    ("POST", "/forms/{form}/verify-secret", api_forms.verify_secret),
    ("POST", "/forms/device_certificate/csr", api_forms.device_csr),
    ("GET", "/admin_policies", api_access.list_policies),
    ("PUT", "/admin_policies/{name}", api_access.put_policy),
    ("DELETE", "/admin_policies/{name}", api_access.delete_policy),
    ("GET", "/user_profiles", api_access.list_profiles),
    ("PUT", "/user_profiles/{username}", api_access.put_profile),
    ("DELETE", "/user_profiles/{username}", api_access.delete_profile),
    ("POST", "/user_profiles/{username}/verify-secret", api_access.verify_profile_secret),
    ("GET", "/audit_trail", api_access.audit_trail),
    ("GET", "/sip_accounts", api_sip.list_accounts),
    ("PUT", "/sip_accounts/{name}", api_sip.put_account),
    ("POST", "/sip_accounts/{name}/verify-secret", api_sip.verify_account),
):
    ROUTER.add(_method, _V1 + _template, _handler)
# The MiXML web service has its own base path on the same HTTPS port (only its login is modelled).
ROUTER.add("POST", "/mixml/login", api_session.mixml_login)
for _method, _template, _handler in (
    ("POST", "/_emulator/faults", api_hooks.add_fault),
    ("DELETE", "/_emulator/faults", api_hooks.clear_faults),
    ("GET", "/_emulator/clock", api_hooks.get_clock),
    ("POST", "/_emulator/clock", api_hooks.advance_clock),
    ("GET", "/_emulator/stats", api_hooks.get_stats),
    ("DELETE", "/_emulator/stats", api_hooks.reset_stats),
    ("POST", "/_emulator/hotel_logs", api_hooks.add_hotel_logs),
    ("POST", "/_emulator/audit_entries", api_hooks.add_audit_entries),
    ("POST", "/_emulator/platform", api_hooks.set_platform),
):
    ROUTER.add(_method, _template, _handler)
