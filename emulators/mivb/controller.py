"""One emulated controller: configuration state, sessions, audit trail, TLS contexts.

The HTTP layer calls `Controller.dispatch`; handlers (in `api_*.py`) run under the
controller's lock, mutate `self.state` and call `self.save()`; nothing else writes it.
"""

from __future__ import annotations

import copy
import json
import secrets
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography import x509

from . import certs, tls
from .clock import VirtualClock, iso
from .errors import ApiError
from .forms import FACTORY
from .passwords import factory_password_hash
from .spec import ControllerSpec
from .store import StateStore

MAX_AUDIT = 5000
LOCKOUT_MINUTES = 30
MAX_FAILURES = 3
FACTORY_POLICIES = ("ROOT", "SYSTEM", "REMOTE", "NO ACCESS")


@dataclass
class Session:
    token: str
    username: str
    source_ip: str
    last_activity: float


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    client_ip: str
    token: str | None
    params: dict[str, str] = field(default_factory=dict)
    session: Session | None = None


@dataclass
class Response:
    status: int
    body: Any
    drop: bool = False  # a fault: close the connection without answering


@dataclass
class Fault:
    status: int | None
    method: str | None
    path_prefix: str
    count: int | None
    delay_seconds: float
    when: str  # "before": request not processed; "after": processed, answer replaced


@dataclass
class Stats:
    logins: int = 0
    writes: int = 0
    requests: dict[str, int] = field(default_factory=dict)
    handshakes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "logins": self.logins,
            "writes": self.writes,
            "requests": dict(self.requests),
            "handshakes": dict(self.handshakes),
        }


def factory_state(now: float) -> dict[str, Any]:
    return {
        "version": 1,
        "forms": copy.deepcopy(FACTORY),
        "secrets": {"phone_admin_passcode": None, "set_registration_access_code": None},
        "users": {
            "system": {
                "policy": "ROOT",
                "password_hash": factory_password_hash(),
                "password_change_required": True,
                "password_changed_at": now,
                "application_access_only": False,
                "expires": None,
            }
        },
        "policies": {
            "ROOT": {"default_access": "Read/Write", "forms": {}},
            "SYSTEM": {"default_access": "Read/Write", "forms": {}},
            "REMOTE": {"default_access": "Read Only", "forms": {}},
            "NO ACCESS": {"default_access": "No Access", "forms": {}},
        },
        "lockouts": {},
        "device_certificate": {"type": "mitel_legacy"},
        "audit_next_id": 1,
    }


class Controller:
    def __init__(self, spec: ControllerSpec) -> None:
        self.spec = spec
        self.name = spec.name
        self.lock = threading.RLock()
        self.clock = VirtualClock()
        self.store = StateStore(spec.state_dir)
        self.sessions: dict[str, Session] = {}
        self.stats = Stats()
        self.faults: list[Fault] = []
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._certs_ready = False
        loaded = self.store.load_state()
        self.state: dict[str, Any] = loaded if loaded is not None else factory_state(self.clock.now())
        self.audit_entries: deque[dict[str, Any]] = deque(self.store.load_audit()[-MAX_AUDIT:], maxlen=MAX_AUDIT)
        self._audit_lines = len(self.audit_entries)
        if self.audit_entries:  # ids never repeat, even if state.json was replaced
            self.state["audit_next_id"] = max(self.state["audit_next_id"], self.audit_entries[-1]["id"] + 1)
        if loaded is None:
            self.save()

    # -- persistence -------------------------------------------------------------------
    def save(self) -> None:
        self.store.save_state(self.state)

    def ensure_certificates(self) -> None:
        """Generate the factory certificates if this state dir has none yet.

        Called lazily (first handshake or certificate read) and by the start-up warm-up
        threads, so binding many controllers never waits for RSA key generation.
        """
        with self.lock:
            if self._certs_ready:
                return
            self._generate_factory_certificates()
            self._certs_ready = True

    def _generate_factory_certificates(self) -> None:
        now = self.clock.now_dt()
        if not self.store.read_pem("web_cert.pem"):
            key = certs.new_rsa_key()
            cert = certs.self_signed(key, self.name, [self.spec.address, self.name], now, days=3650)
            self.store.write_pem("web_key.pem", certs.key_pem(key))
            self.store.write_pem("web_cert.pem", certs.cert_pem(cert))
        if not self.store.read_pem("device_cert.pem"):
            self.install_legacy_device_cert()

    def install_legacy_device_cert(self) -> None:
        key = certs.legacy_device_key()
        cert = certs.self_signed(
            key,
            "Mitel Legacy Device Certificate",
            [],
            self.clock.now_dt(),
            days=7300,
            organization="Mitel Networks",
        )
        self.store.write_pem("device_key.pem", certs.key_pem(key))
        self.store.write_pem("device_cert.pem", certs.cert_pem(cert))
        self.store.write_pem("device_chain.pem", "")

    # -- certificates and TLS -------------------------------------------------------------
    def web_cert(self) -> x509.Certificate:
        self.ensure_certificates()
        return x509.load_pem_x509_certificate(self.store.read_pem("web_cert.pem").encode())

    def device_cert(self) -> x509.Certificate:
        self.ensure_certificates()
        pem = "web_cert.pem" if self.state["device_certificate"]["type"] == "web_certificate" else "device_cert.pem"
        return x509.load_pem_x509_certificate(self.store.read_pem(pem).encode())

    def tls_changed(self) -> None:
        """Drop cached contexts: the next accepted connection gets one built from the new state."""
        with self.lock:
            self._contexts.clear()

    def tls_context(self, listener: str) -> ssl.SSLContext:
        with self.lock:
            ctx = self._contexts.get(listener)
            if ctx is None:
                self.ensure_certificates()
                ctx = tls.build_context(self, listener)
                self._contexts[listener] = ctx
            return ctx

    def count_handshake(self, listener: str) -> None:
        with self.lock:
            self.stats.handshakes[listener] = self.stats.handshakes.get(listener, 0) + 1

    # -- audit trail ----------------------------------------------------------------------
    def audit(
        self,
        action: str,
        user: str | None,
        source_ip: str,
        *,
        category: str = "Configuration Change",
        severity: str = "Info",
        form: str | None = None,
        changes: list[dict[str, Any]] | None = None,
        message: str = "",
    ) -> None:
        entry = {
            "id": self.state["audit_next_id"],
            "time": iso(self.clock.now()),
            "severity": severity,
            "user": user,
            "source_ip": source_ip,
            "interface": "Management API (HTTPS)",
            "category": category,
            "action": action,
            "form": form,
            "changes": changes or [],
            "message": message,
        }
        self.state["audit_next_id"] += 1
        self.audit_entries.append(entry)
        self._audit_lines += 1
        if self._audit_lines > MAX_AUDIT * 1.2:
            self.store.rewrite_audit(list(self.audit_entries))
            self._audit_lines = len(self.audit_entries)
        else:
            self.store.append_audit(entry)
        self.save()

    # -- sessions ---------------------------------------------------------------------------
    def new_session(self, username: str, source_ip: str) -> Session:
        # Forget sessions nobody will be allowed to use again, so benchmarks do not pile them up.
        idle_limit = self.state["forms"]["system_security_management"]["session_inactivity_minutes"] * 60
        now = self.clock.now()
        for token in [t for t, s in self.sessions.items() if now - s.last_activity > idle_limit]:
            del self.sessions[token]
        session = Session(secrets.token_urlsafe(32), username, source_ip, self.clock.now())
        self.sessions[session.token] = session
        return session

    def session_for(self, req: Request, allow_password_change: bool = False) -> Session:
        session = self.sessions.get(req.token or "")
        if session is None:
            raise ApiError(401, "not_authenticated", "no session: log in first (Authorization: Bearer <token>)")
        user = self.state["users"].get(session.username)
        if user is None:
            del self.sessions[session.token]
            raise ApiError(401, "not_authenticated", "the session's user profile no longer exists")
        idle_limit = self.state["forms"]["system_security_management"]["session_inactivity_minutes"] * 60
        now = self.clock.now()
        if now - session.last_activity > idle_limit:
            del self.sessions[session.token]
            raise ApiError(401, "session_expired", "session idle longer than the inactivity period; log in again")
        session.last_activity = now
        if user["password_change_required"] and not allow_password_change:
            raise ApiError(403, "password_change_required", "change the password first (POST /api/v1/password)")
        req.session = session
        return session

    def drop_sessions(self, username: str) -> None:
        for token in [t for t, s in self.sessions.items() if s.username == username]:
            del self.sessions[token]

    # -- request entry point ------------------------------------------------------------------
    def dispatch(self, method: str, target: str, raw_body: bytes, headers: dict[str, str], client_ip: str) -> Response:
        from .routes import ROUTER  # late import: routes import the api modules that import us

        parts = urlsplit(target)
        path = unquote(parts.path)
        is_hook = path.startswith("/_emulator/")
        if not is_hook:
            with self.lock:
                key = f"{method} {parts.path}"
                self.stats.requests[key] = self.stats.requests.get(key, 0) + 1
            fault = self._take_fault(method, parts.path)
            if fault is not None and fault.delay_seconds:
                time.sleep(fault.delay_seconds)
            if fault is not None and fault.when == "before" and fault.status is not None:
                return self._fault_response(fault)
        else:
            fault = None
        auth = headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            body = json.loads(raw_body) if raw_body.strip() else None
        except ValueError:
            return Response(400, ApiError(400, "invalid_value", "body is not valid JSON").body())
        req = Request(method, path, query, body, client_ip, token)
        try:
            handler, params = ROUTER.match(method, path, self.spec.test_hooks)
            req.params = params
            with self.lock:
                status, result = handler(self, req)
                if method in ("PATCH", "PUT", "DELETE", "POST") and not is_hook and _is_write(path):
                    self.stats.writes += 1
            resp = Response(status, result)
        except ApiError as exc:
            resp = Response(exc.status, exc.body())
        except Exception as exc:  # an emulator bug must still answer in the contract's shape
            resp = Response(500, ApiError(500, "internal", f"emulator error: {type(exc).__name__}: {exc}").body())
        if fault is not None and fault.when == "after" and fault.status is not None:
            return self._fault_response(fault)
        return resp

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if (fault.method is None or fault.method == method) and path.startswith(fault.path_prefix):
                    if fault.count is not None:
                        fault.count -= 1
                        if fault.count <= 0:
                            self.faults.remove(fault)
                    return fault
        return None

    @staticmethod
    def _fault_response(fault: Fault) -> Response:
        if fault.status == 0:
            return Response(0, None, drop=True)
        error = "internal" if fault.status and fault.status >= 500 else "injected_fault"
        return Response(fault.status or 500, ApiError(fault.status or 500, error, "injected by test hook").body())


def _is_write(path: str) -> bool:
    """POSTs that change no configuration are not counted as writes."""
    return path not in ("/api/v1/login", "/api/v1/logout") and not path.endswith("/verify-secret")
