"""One emulated controller: configuration state, sessions, audit trail, TLS contexts, faults.

The model layer: it knows nothing of HTTP. `http_api.py` dispatches each request through
the route table (`routes.py`) to a handler (`api_*.py`) that runs under `self.lock`, mutates
`self.state` and calls `self.save()`; the maintenance shell (`maintenance.py`) does the same.
"""

from __future__ import annotations

import secrets
import ssl
import threading
from collections import deque
from typing import Any

from cryptography import x509

from emulators import x509_builder

from . import certs, tls
from .clock import VirtualClock, iso
from .errors import ApiError
from .factory import factory_state, upgrade_state
from .faults import Fault, Stats, take_fault
from .sessions import Session
from .spec import ControllerSpec
from .store import StateStore

MAX_AUDIT = 5000


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
        self.state: dict[str, Any] = upgrade_state(loaded) if loaded is not None else factory_state(self.clock.now())
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
            key = x509_builder.new_key()
            cert = certs.self_signed(key, self.name, [self.spec.address, self.name], now, days=3650)
            self.store.write_pem("web_key.pem", x509_builder.key_pem(key))
            self.store.write_pem("web_cert.pem", x509_builder.cert_pem(cert))
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
        self.store.write_pem("device_key.pem", x509_builder.key_pem(key))
        self.store.write_pem("device_cert.pem", x509_builder.cert_pem(cert))
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
                ctx = tls.build_context(self.state, self.store, listener)
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

    def session_for(self, token: str | None, allow_password_change: bool = False) -> Session:
        """The live session of a bearer token; raises 401/403 ApiErrors the API answers with."""
        session = self.sessions.get(token or "")
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
        return session

    def drop_sessions(self, username: str) -> None:
        for token in [t for t, s in self.sessions.items() if s.username == username]:
            del self.sessions[token]

    # -- test instrumentation ---------------------------------------------------------------
    def count_request(self, method: str, path: str) -> None:
        with self.lock:
            key = f"{method} {path}"
            self.stats.requests[key] = self.stats.requests.get(key, 0) + 1

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            return take_fault(self.faults, method, path)
