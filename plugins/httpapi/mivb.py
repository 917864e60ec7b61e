# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = """
name: mivb
author: voicesec maintainers (@voicesec)
short_description: HttpApi plugin for the MiVoice Business management API
description:
  - Connects to a MiVB controller's management API (the contract in docs/management-api.md)
    through C(ansible.netcommon.httpapi). Use it with C(ansible_connection=ansible.netcommon.httpapi)
    and C(ansible_network_os=voicesec.mivb.mivb).
  - One login per controller per play (persistent connection). The token is sent as a Bearer header.
    After C(session_expired) the plugin logs in again, but only with a password the controller
    already accepted in this session. A rejected password is never sent again (3 failures lock the account).
  - "Commissioning from factory state: when the managed password (C(ansible_password)) is rejected,
    O(factory_password) is set and at least 2 attempts remain before lockout, the factory password is
    tried once. If it is accepted the restricted session (password change required) is kept so that
    C(voicesec.mivb.admin_password) can change it. Without a factory password a wrong password costs
    exactly one attempt."
  - Each form is read at most once per connection; later reads are served from a per-connection
    cache that writes (PATCH/PUT) update from the controller's answer.
  - Certificate validation follows the connection's C(validate_certs) (default true) and C(ca_path)
    (C(ansible_httpapi_ca_path)).
  - Ansible keys persistent connections by address, port and user, so give each controller exactly one
    inventory host; two inventory hosts for the same controller would share one session.
  - Secrets (passwords, passcodes, private keys) are never logged by this plugin. Do not enable
    C(persistent_log_messages), which logs every JSON-RPC exchange unredacted.
version_added: 0.1.0
options:
  factory_password:
    description:
      - The controller's factory password (contract factory state C(password)), used only to commission
        a controller whose managed password is not yet set. See the description for the rules.
    type: str
    vars:
      - name: ansible_httpapi_mivb_factory_password
      - name: mivb_factory_password
"""

import json
from typing import Any
from urllib.error import HTTPError

from ansible.errors import AnsibleConnectionFailure

# Core's base (netcommon's subclass adds nothing this plugin uses), so the plugin imports
# without netcommon; the connection plugin ansible.netcommon.httpapi is still required to run.
from ansible.plugins.httpapi import HttpApiBase
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_client import (
    MivbSession,
    envelope,
    parse_body,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import ConnectionFailed

# A non-empty auth dict keeps netcommon's send() from adding HTTP Basic credentials
# (the password) to every request; the Bearer token travels in explicit headers.
_NO_BASIC_AUTH = {"Accept": "application/json"}


class HttpApi(HttpApiBase):
    def __init__(self, connection: Any) -> None:
        super().__init__(connection)
        self._session: MivbSession | None = None

    # ---- netcommon hooks ---------------------------------------------------------------
    def login(self, username: str, password: str) -> None:
        # Called by netcommon on connect; the real login is lazy (first request) so that
        # errors come back to the module as structured results.
        self.connection._auth = dict(_NO_BASIC_AUTH)

    def logout(self) -> None:
        if self._session is not None:
            self._session.logout()

    def update_auth(self, response: Any, response_text: Any) -> None:
        return None

    def handle_httperror(self, exc: HTTPError) -> HTTPError:
        # Every HTTP error is a contract answer the session core interprets; netcommon must
        # not retry (its default re-login on 401 would resend a rejected password).
        return exc

    # ---- session core ------------------------------------------------------------------
    def _raw(self, method: str, path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body)
        hdrs = {"Content-Type": "application/json", "Accept": "application/json", **headers}
        try:
            response, buf = self.connection.send(path, data, method=method, headers=hdrs)
        except AnsibleConnectionFailure as exc:
            raise ConnectionFailed(f"cannot reach the controller: {exc}") from exc
        except OSError as exc:
            raise ConnectionFailed(f"cannot reach the controller: {exc}") from exc
        status = getattr(response, "code", None) or getattr(response, "status", None) or 200
        return int(status), parse_body(buf.read())

    def _core(self) -> MivbSession:
        user = self.connection.get_option("remote_user")
        password = self.connection.get_option("password")
        factory = self.get_option("factory_password")
        if self._session is None:
            self._session = MivbSession(self._raw, user, password, factory)
        else:
            self._session.update_credentials(user, password, factory)
        return self._session

    # ---- methods modules call over the persistent connection (JSON-RPC) ----------------
    # Each returns {"ok": true, "data": ...} or {"ok": false, "error": {...}}: JSON-RPC
    # would otherwise keep only the text of an exception.
    def send_request(self, method: str, path: str, body: Any = None) -> dict[str, Any]:  # type: ignore[override]
        return envelope(lambda: self._core().send_request(method, path, body))

    def get_form(self, name: str) -> dict[str, Any]:
        return envelope(lambda: self._core().get_form(name))

    def patch_form(self, name: str, fields: dict[str, Any]) -> dict[str, Any]:
        return envelope(lambda: self._core().patch_form(name, fields))

    def put_form(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        return envelope(lambda: self._core().put_form(name, body))

    def verify_secret(self, form: str, field: str, value: str) -> dict[str, Any]:
        return envelope(lambda: self._core().verify_secret(form, field, value))

    def session_state(self) -> dict[str, Any]:
        return envelope(lambda: self._core().session_state())

    def compare_password(self, candidate: str) -> dict[str, Any]:
        return envelope(lambda: self._core().compare_password(candidate))

    def change_password(self, new_password: str) -> dict[str, Any]:
        return envelope(lambda: self._core().change_password(new_password))

    def served_certificate(self) -> dict[str, Any]:
        host = self.connection.get_option("host")
        port = int(self.connection.get_option("port") or 443)
        return envelope(lambda: self._core().served_certificate_at(host, port))
