# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client of the MiVB management API contract (docs/management-api.md).

One session core (`MivbSession`) holds the login policy, the session token and the
per-connection form cache. It runs in two places:

* inside the persistent httpapi connection (plugins/httpapi/mivb.py), so every task of a
  play shares one login and one form cache; modules and the action plugins reach it through
  `HttpApiTransport`;
* in-process over one kept-alive HTTPS connection (`DirectTransport`): the role's one
  task per controller (plugins/action/controller_config.py), tests and scripts.

Both transports expose the same methods, so backends and modules never know which one
they talk to, and an adapter for a real controller interface (MiXML, OIG, SAT web forms)
only has to provide them too.
"""

from __future__ import annotations

import copy
import json
import os
import socket
import ssl
from collections.abc import Callable
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import (
    AccountLocked,
    AuthenticationFailed,
    ConnectionFailed,
    MivbError,
    ProtocolError,
    from_dict,
    from_response,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.tls_trust import anchors_for_host

API_PREFIX = "/api/v1"
# The documented factory default of the SAT login (MiVB installation guides): public knowledge,
# so it is not masked in output; masking the word "password" would garble every message.
FACTORY_DEFAULT_PASSWORD = "password"  # noqa: S105

# raw(method, path, body, headers) -> (status, parsed JSON body or None)
RawSend = Callable[[str, str, Any, dict[str, str]], tuple[int, Any]]


class MivbSession:
    """Login policy, token, re-login on expiry, form cache. Transport-agnostic."""

    def __init__(
        self,
        raw: RawSend,
        username: str,
        password: str,
        factory_password: str | None = None,
    ) -> None:
        self._raw = raw
        self._username = username
        self._password = password
        self._factory_password = factory_password or None
        self._token: str | None = None
        # The only password ever re-sent: one the controller accepted in this session.
        self._accepted_password: str | None = None
        self._login_source: str | None = None
        self._login_error: MivbError | None = None
        self._cache: dict[str, dict[str, Any]] = {}
        # What the admin port serves, read by a TLS handshake: cached like a form, dropped
        # when the web certificate form is written (the next handshake serves the new one).
        self._served: dict[str, Any] | None = None
        # Which passwords a login may use (mivb_login_guard sets it from what earlier runs learned):
        # managed_then_factory (the httpapi plugin's commissioning fallback), managed, factory.
        self.login_mode = "managed_then_factory"
        self.preflight: Callable[[str], None] | None = None
        self.last_attempted_password: str | None = None
        self.stats = {"logins": 0, "failed_logins": 0, "reads": 0, "writes": 0, "cache_hits": 0}

    # ---- login -------------------------------------------------------------------------
    def update_credentials(self, username: str, password: str, factory_password: str | None) -> None:
        """Options may be re-sent on every task; they only matter before the first login."""
        if self._token is None and self._login_error is None:
            self._username = username
            self._password = password
            self._factory_password = factory_password or None

    def login_credentials(self) -> tuple[str, str] | None:
        """The username and the password the controller accepted in this run (None before a
        login). The other login paths of the same user profile (maintenance SSH, SFTP) use only
        these, so they can never add a failed login towards the lockout."""
        if self._accepted_password is None:
            return None
        return self._username, self._accepted_password

    def password_values(self) -> list[str]:
        """Every password this session may send: masked in any output."""
        return [p for p in (self._password, self._factory_password, self._accepted_password) if p]

    def _post_login(self, password: str) -> tuple[int, Any]:
        if self.preflight is not None:
            self.preflight(password)
        self.last_attempted_password = password
        status, body = self._raw(
            "POST", API_PREFIX + "/login", {"username": self._username, "password": password}, {}
        )
        if status == 200:
            self.stats["logins"] += 1
        else:
            self.stats["failed_logins"] += 1
        return status, body

    def _accept(self, body: dict[str, Any], password: str, source: str) -> None:
        token = body.get("token") if isinstance(body, dict) else None
        if not token:
            raise ProtocolError("login answered 200 without a token")
        self._token = str(token)
        self._accepted_password = password
        self._login_source = source

    def login(self) -> None:
        """Log in once. A rejected password is never sent again in this session."""
        if self._token is not None:
            return
        if self._login_error is not None:
            raise self._login_error
        try:
            self._login_policy()
        except MivbError as exc:
            self._login_error = exc
            raise

    def _login_policy(self) -> None:
        if self._accepted_password is not None:
            # Re-login after session expiry: only the password already accepted.
            status, body = self._post_login(self._accepted_password)
            if status == 200:
                self._accept(body, self._accepted_password, self._login_source or "managed")
                return
            raise from_response(status, body, "re-login after session expiry")
        if self.login_mode == "factory":
            return self._commission_login()
        if not self._password:
            raise AuthenticationFailed("no password configured for the controller (ansible_password)")
        status, body = self._post_login(self._password)
        if status == 200:
            self._accept(body, self._password, "managed")
            return
        first = from_response(status, body, "login")
        if not isinstance(first, AuthenticationFailed):
            raise first
        remaining = first.details.get("attempts_remaining")
        factory = self._factory_password
        if self.login_mode != "managed_then_factory" or not factory or factory == self._password:
            raise first
        if not isinstance(remaining, int) or remaining < 2:
            raise AuthenticationFailed(
                first.message + "; the factory password was not tried because fewer than 2 attempts "
                "remain before lockout",
                status=first.status,
                details=first.details,
            )
        status, body = self._post_login(factory)
        if status == 200:
            self._accept(body, factory, "factory")
            return
        second = from_response(status, body, "login with mivb_factory_password")
        if isinstance(second, (AuthenticationFailed, AccountLocked)):
            raise type(second)(
                "authentication failed: the controller rejected both the managed password "
                "(ansible_password) and the factory password (mivb_factory_password); "
                + second.message.split(": ", 1)[-1],
                status=second.status,
                details=second.details,
            )
        raise second

    def _commission_login(self) -> None:
        """Commissioning: the factory password first and only (no failed login on a factory controller)."""
        if not self._factory_password:
            raise AuthenticationFailed("commissioning (mivb_hardening_commission: true) needs mivb_factory_password")
        status, body = self._post_login(self._factory_password)
        if status == 200:
            self._accept(body, self._factory_password, "factory")
            return
        error = from_response(status, body, "login with the factory password (commissioning)")
        if isinstance(error, AuthenticationFailed):
            raise AuthenticationFailed(
                error.message + "; the controller is not in factory state: set mivb_hardening_commission: false "
                "for it (the managed password in ansible_password is then used)",
                status=error.status, details=error.details)
        raise error

    def logout(self) -> None:
        if self._token is None:
            return
        try:
            self._raw("POST", API_PREFIX + "/logout", None, self._auth_headers())
        except MivbError:
            pass
        self._token = None

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    # ---- requests ----------------------------------------------------------------------
    def request(self, method: str, path: str, body: Any = None) -> Any:
        """Authenticated request to API_PREFIX + path; returns parsed JSON or raises."""
        method = method.upper()
        self.login()
        status, data = self._raw(method, API_PREFIX + path, body, self._auth_headers())
        if status == 401 and isinstance(data, dict) and data.get("error") == "session_expired":
            self._token = None
            self.login()
            status, data = self._raw(method, API_PREFIX + path, body, self._auth_headers())
        if method == "GET":
            self.stats["reads"] += 1
        elif not path.endswith("/verify-secret"):
            self.stats["writes"] += 1
        if status >= 400:
            raise from_response(status, data, f"{method} {path}")
        return data

    def send_request(self, method: str, path: str, body: Any = None) -> Any:
        """Generic request; writes to a form drop that form from the cache."""
        data = self.request(method, path, body)
        if method.upper() != "GET" and path.startswith("/forms/"):
            self._forget(path.split("/")[2])
        return data

    def _forget(self, name: str) -> None:
        self._cache.pop(name, None)
        if name == "web_server_certificate":
            self._served = None

    def served_certificate_at(self, host: str, port: int) -> dict[str, Any]:
        """The certificate the controller serves now; one handshake per connection until it changes."""
        if self._served is None:
            self._served = fetch_served_certificate(host, port)
        else:
            self.stats["cache_hits"] += 1
        return copy.deepcopy(self._served)

    def get_form(self, name: str) -> dict[str, Any]:
        """Form fields; the first read per connection goes to the controller."""
        if name in self._cache:
            self.stats["cache_hits"] += 1
        else:
            data = self.request("GET", f"/forms/{name}")
            self._cache[name] = _fields_of(data)
        return copy.deepcopy(self._cache[name])

    def reread_form(self, name: str) -> dict[str, Any]:
        """A fresh read of a form, past the cache: how a write is verified."""
        self._forget(name)
        return self.get_form(name)

    def close(self) -> None:
        """Drop the transport's connection (the next request opens a new one); the token stays."""

    def patch_form(self, name: str, fields: dict[str, Any]) -> dict[str, Any]:
        data = self.request("PATCH", f"/forms/{name}", {"fields": fields})
        self._store(name, data)
        return self.get_form(name)

    def put_form(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        data = self.request("PUT", f"/forms/{name}", body)
        self._store(name, data)
        return self.get_form(name)

    def _store(self, name: str, data: Any) -> None:
        fields = _fields_of(data) if isinstance(data, dict) and "fields" in data else None
        self._forget(name)
        if fields is not None:
            self._cache[name] = fields

    def verify_secret(self, form: str, field: str, value: str) -> bool:
        data = self.request("POST", f"/forms/{form}/verify-secret", {"field": field, "value": value})
        return bool(isinstance(data, dict) and data.get("match"))

    def session_state(self) -> dict[str, Any]:
        data = self.request("GET", "/session")
        state = dict(data) if isinstance(data, dict) else {}
        state["login_password_source"] = self._login_source
        state["factory_password_configured"] = self._factory_password is not None
        return state

    def compare_password(self, candidate: str) -> dict[str, bool]:
        """Tell a module whether a candidate is the login/factory password, never the reverse."""
        return {
            "is_login_password": self._accepted_password is not None and candidate == self._accepted_password,
            "is_factory_password": self._factory_password is not None and candidate == self._factory_password,
        }

    def change_password(self, new_password: str) -> dict[str, Any]:
        self.login()
        current = self._accepted_password
        data = self.request(
            "POST", "/password", {"current_password": current, "new_password": new_password}
        )
        # Re-login after expiry must use the new password from now on.
        self._accepted_password = new_password
        self._login_source = "managed"
        self._cache.clear()
        return dict(data) if isinstance(data, dict) else {}


def _fields_of(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise ProtocolError("form response without a 'fields' object")
    return dict(data["fields"])


def parse_body(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {"error": "protocol_error", "message": "controller answered non-JSON"}


def fetch_served_certificate(host: str, port: int, timeout: float = 10.0) -> dict[str, Any]:
    """PEM of the leaf (and chain when Python exposes it) the controller serves right now.

    Trust is not evaluated here on purpose: this measures what is served (CERT-01/CERT-02);
    the API connection itself always validates the certificate.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with ctx.wrap_socket(sock, server_hostname=host) as tls:
                der = tls.getpeercert(binary_form=True)
                chain_der: list[bytes] = []
                getter = getattr(tls, "get_unverified_chain", None)
                if getter is not None:
                    chain_der = [c if isinstance(c, bytes) else c.public_bytes(ssl.ENCODING_DER)
                                 for c in (getter() or [])]
                version = tls.version()
    except OSError as exc:
        raise ConnectionFailed(f"TLS handshake with {host}:{port} failed: {exc}") from exc
    if not der:
        raise ProtocolError(f"{host}:{port} served no certificate")
    return {
        "certificate_pem": ssl.DER_cert_to_PEM_cert(der),
        "chain_pem": [ssl.DER_cert_to_PEM_cert(c) for c in chain_der[1:]],
        "tls_version": version,
    }


class DirectTransport(MivbSession):
    """The session core over one kept-alive HTTPS connection, verifying the controller.

    One TLS connection per controller per run (HTTP/1.1 keep-alive), opened lazily by the
    first request and reopened once if the controller closed an idle connection. Verification
    uses Python's default client context (on 3.13 with VERIFY_X509_STRICT) and the CA bundle:
    the same checks every later run will make, so guards can ask it whether a certificate or
    TLS setting would lock the toolkit out.
    """

    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        password: str,
        ca_path: str | None = None,
        factory_password: str | None = None,
        validate_certs: bool = True,
        timeout: float = 15.0,
    ) -> None:
        self.host = host
        self.port = port
        self._base = f"https://{host}:{port}"
        self._ca_path = ca_path
        self._validate_certs = validate_certs
        self._timeout = timeout
        self._http: Any = None
        self._ssl_ctx: ssl.SSLContext | None = None
        self.connections = 0
        super().__init__(self._send, username, password, factory_password)

    def ssl_context(self) -> ssl.SSLContext:
        """The client context of every request (and of the guards' trial handshakes) to
        `self.host`, and only to it: built once per run, from the part of the CA bundle that
        can matter for this host (tls_trust; a bundle that pins 100 controllers' certificates
        cost ~19 ms of CPU per load), with host-name checking on."""
        if self._ssl_ctx is None:
            self._ssl_ctx = self._new_ssl_context()
        return self._ssl_ctx

    def _new_ssl_context(self) -> ssl.SSLContext:
        if not self._validate_certs:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return ctx
        if self._ca_path and os.path.isdir(self._ca_path):
            return ssl.create_default_context(capath=self._ca_path)
        if self._ca_path:
            try:
                with open(self._ca_path, "rb") as fh:
                    anchors = anchors_for_host(fh.read(), self.host)
            except OSError:
                anchors = None  # create_default_context below reports the file's error
            if anchors:
                return ssl.create_default_context(cadata=anchors)
        return ssl.create_default_context(cafile=self._ca_path or None)

    def _connection(self) -> Any:
        if self._http is None:
            import http.client

            self._http = http.client.HTTPSConnection(self.host, self.port, timeout=self._timeout,
                                                     context=self.ssl_context())
            self.connections += 1
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def _send(self, method: str, path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        import http.client

        data = None if body is None else json.dumps(body).encode()
        hdrs = {"Accept": "application/json", **headers}
        if data is not None:
            hdrs["Content-Type"] = "application/json"
        for attempt in (1, 2):
            conn = self._connection()
            sent = False
            try:
                conn.request(method, path, body=data, headers=hdrs)
                sent = True
                resp = conn.getresponse()
                payload = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    self.close()
                return resp.status, parse_body(payload)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                # A kept-alive connection the controller closed while idle: the request never
                # reached it (nothing sent, or no byte of an answer); reopen once. Anything else
                # is reported, never replayed: a write may have been applied.
                if attempt == 1 and (not sent or method == "GET"):
                    continue
                raise ConnectionFailed(f"cannot reach the controller at {self._base}: the connection dropped "
                                       f"during {method} {path} ({type(exc).__name__})",
                                       details={"outcome_unknown": sent and method != "GET"}) from exc
            except ssl.SSLCertVerificationError as exc:
                self.close()
                raise ConnectionFailed(f"cannot reach the controller at {self._base}: certificate verification "
                                       f"failed ({exc.verify_message or exc})", details={"tls_verify": True}) from exc
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                raise ConnectionFailed(f"cannot reach the controller at {self._base}: {exc}",
                                       details={"outcome_unknown": sent and method != "GET"}) from exc
        raise ConnectionFailed(f"cannot reach the controller at {self._base}")  # pragma: no cover

    def logout(self) -> None:
        try:
            super().logout()
        finally:
            self.close()

    def served_certificate(self) -> dict[str, Any]:
        return self.served_certificate_at(self.host, self.port)


class HttpApiTransport:
    """Proxy to the httpapi plugin of the persistent connection, over its JSON-RPC socket.

    Used by the modules (pass the module) and by the action plugins that run the same work
    inside the Ansible worker (pass the connection's socket_path).
    """

    def __init__(self, module: Any = None, socket_path: str | None = None) -> None:
        from ansible.module_utils.connection import Connection

        self._conn = Connection(socket_path if socket_path is not None else module._socket_path)

    def _call(self, name: str, *args: Any) -> Any:
        from ansible.module_utils.connection import ConnectionError as AnsibleConnectionError

        try:
            envelope = getattr(self._conn, name)(*args)
        except AnsibleConnectionError as exc:
            raise ConnectionFailed(str(exc)) from exc
        if not isinstance(envelope, dict) or "ok" not in envelope:
            raise ProtocolError(f"unexpected answer from the httpapi plugin to {name}")
        if not envelope["ok"]:
            raise from_dict(envelope.get("error") or {})
        return envelope.get("data")

    def send_request(self, method: str, path: str, body: Any = None) -> Any:
        return self._call("send_request", method, path, body)

    def get_form(self, name: str) -> dict[str, Any]:
        return self._call("get_form", name)

    def patch_form(self, name: str, fields: dict[str, Any]) -> dict[str, Any]:
        return self._call("patch_form", name, fields)

    def put_form(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("put_form", name, body)

    def verify_secret(self, form: str, field: str, value: str) -> bool:
        return bool(self._call("verify_secret", form, field, value))

    def session_state(self) -> dict[str, Any]:
        return self._call("session_state")

    def compare_password(self, candidate: str) -> dict[str, bool]:
        return self._call("compare_password", candidate)

    def change_password(self, new_password: str) -> dict[str, Any]:
        return self._call("change_password", new_password)

    def served_certificate(self) -> dict[str, Any]:
        return self._call("served_certificate")


def envelope(func: Callable[..., Any], *args: Any) -> dict[str, Any]:
    """Run a session call and wrap the outcome for the JSON-RPC boundary."""
    try:
        return {"ok": True, "data": func(*args)}
    except MivbError as exc:
        return {"ok": False, "error": exc.to_dict()}
